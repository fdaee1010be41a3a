"""A report's JSON summary read back from its file: the one reader of ``<PERIOD>.json`` for the
index pages (:mod:`cchc_lib.outputs.index_page`) and the roll-up of many units
(:mod:`cchc_lib.figures.rollup`), and the checks of the keys an index page reads.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..base import vi


class UnreadableJson(ValueError):
    """A JSON file that cannot be read: the message says why (in English); ``detail`` is the
    reader's own first line (for a report's sentence in Vietnamese)."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


def read_json(path: Path) -> object:
    """A JSON file's value; an :class:`UnreadableJson` saying why it cannot be read otherwise.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.json").write_text('{"period": "2023-Q1"}', encoding="utf-8")
    >>> read_json(folder / "a.json")
    {'period': '2023-Q1'}
    """
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UnreadableJson(f"cannot be read: {exc.strerror or exc}", _detail(exc)) from None
    except UnicodeDecodeError as exc:
        raise UnreadableJson("not UTF-8 text", _detail(exc)) from None
    except ValueError as exc:
        raise UnreadableJson(f"not valid JSON ({str(exc).splitlines()[0][:80]})", _detail(exc)) from None


def _detail(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def read_summary(path: Path) -> dict:
    """A report's JSON summary, with the keys an index page reads checked (:func:`check_summary`);
    a ``ValueError`` saying what is wrong otherwise.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.json").write_text('[1, 2]', encoding="utf-8")
    >>> read_summary(folder / "a.json")
    Traceback (most recent call last):
    ...
    ValueError: not a report summary (a JSON list, not an object)
    """
    return check_summary(read_json(path))


def check_summary(data: object) -> dict:
    """``data`` (a summary as read from its JSON, or as handed on by the run that wrote it) if it
    is an object whose keys an index page reads are well formed; a ``ValueError`` saying what is
    wrong otherwise."""
    if not isinstance(data, dict):
        kind = {list: "list", str: "text", int: "number", float: "number", bool: "boolean"}.get(type(data), "null")
        raise ValueError(f"not a report summary (a JSON {kind}, not an object)")
    _check_summary_dates(data)
    _check_summary_types(data)
    return data


def _check_summary_dates(data: dict) -> None:
    """A ``ValueError`` unless a summary's ``start`` and ``end`` are ISO dates and its
    ``generated_at`` an ISO date-time (each where given)."""
    for key in ("start", "end"):
        if key in data:
            try:
                dt.date.fromisoformat(data[key])
            except (TypeError, ValueError):
                raise ValueError(f"{key!r} is not an ISO date: {_short(data[key])}") from None
    if data.get("generated_at") is not None:
        try:
            dt.datetime.fromisoformat(data["generated_at"])
        except (TypeError, ValueError):
            raise ValueError(f"'generated_at' is not an ISO date-time: {_short(data['generated_at'])}") from None


def _check_summary_types(data: dict) -> None:
    """A ``ValueError`` unless a summary's texts are text, ``unit_count`` a whole number and
    ``missing_units`` a list (each where given)."""
    for key in ("cutoff", "unit", "kind", "district", "province"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ValueError(f"{key!r} is not text: {_short(data[key])}")
    if data.get("unit_count") is not None and (not isinstance(data["unit_count"], int)
                                                or isinstance(data["unit_count"], bool)):
        raise ValueError(f"'unit_count' is not a whole number: {_short(data['unit_count'])}")
    if data.get("missing_units") is not None and not isinstance(data["missing_units"], list):
        raise ValueError("'missing_units' is not a list")


def _short(value: object, limit: int = 40) -> str:
    return vi.clip(json.dumps(value, ensure_ascii=False), limit, words=False)
