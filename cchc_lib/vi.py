"""Numbers and dates as Vietnamese write them: one set of helpers for every output (the
document, the pages, the index, the self-assessment)."""

from __future__ import annotations

import datetime as dt


def percent(value: float | None) -> str:
    """A fraction as a percentage with one decimal and a decimal comma; an em dash for None.

    >>> percent(0.9751), percent(0.9701), percent(1.0), percent(None)
    ('97,5%', '97%', '100%', '—')
    """
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",").removesuffix(",0") + "%"


def number(value: int | float | None) -> str:
    """An integer with thousands dots; 0 for None.

    >>> number(12345), number(None)
    ('12.345', '0')
    """
    return f"{int(value or 0):,}".replace(",", ".")


def points(value: float | None) -> str:
    """Points with at most two decimals and a decimal comma; an em dash for None.

    >>> points(15.52), points(20.0), points(2.5), points(None)
    ('15,52', '20', '2,5', '—')
    """
    if value is None:
        return "—"
    return f"{float(value):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def date(iso: str | None) -> str:
    """An ISO date (or date-time) as dd/mm/yyyy; empty for None.

    >>> date("2023-06-14"), date(None)
    ('14/06/2023', '')
    """
    return dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y") if iso else ""
