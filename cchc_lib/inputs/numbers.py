"""Numbers as an office types them in its files: points (``2,5``) and shares (``99%``, ``0,99``),
read by one parser for every file (the plan's targets and indicators, the self-assessment's
criteria)."""

from __future__ import annotations

import re

import pandas as pd

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def parse_points(text: object) -> float | None:
    """Points written with a decimal comma or point (``2,5``, ``2.5``, ``10``); None when not a
    number that can be points (negative, empty, text).

    >>> parse_points("2,5"), parse_points(" 10 "), parse_points("-1"), parse_points("năm")
    (2.5, 10.0, None, None)
    """
    value = str(text or "").strip()
    return float(value.replace(",", ".")) if _NUMBER.fullmatch(value) else None


def parse_share(text: object) -> float | None:
    """A share written ``99%``, ``99``, ``0,99`` or ``0.99`` as 0.99 (a number above 1 is a
    percentage); None when not a share 0–100%.

    >>> parse_share("99%"), parse_share("0,5"), parse_share("95"), parse_share("1"), parse_share("120%")
    (0.99, 0.5, 0.95, 1.0, None)
    >>> parse_share("64.6%"), parse_share("96 %"), parse_share("-5%"), parse_share("")
    (0.646, 0.96, None, None)
    """
    value = str(text or "").strip()
    percent = value.endswith("%")
    number = parse_points(value[:-1].strip() if percent else value)
    if number is None:
        return None
    share = number / 100 if percent or number > 1 else number
    return round(share, 10) if 0 <= share <= 1 else None


def parse_shares(texts: pd.Series) -> pd.Series:
    """A column of shares (see :func:`parse_share`) as fractions; NaN where a cell is not one.

    >>> parse_shares(pd.Series(["96%", "0,5", "x"])).tolist()
    [0.96, 0.5, nan]
    """
    return texts.map(parse_share).astype("float64")
