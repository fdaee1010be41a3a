"""Numbers and dates as Vietnamese write them: one set of helpers for every output (the
document, the pages, the index, the self-assessment)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# the time every page, document and JSON gives: Vietnam's (UTC+7, no summer time)
VN_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


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


def lower_first(text: str) -> str:
    """A name or phrase as it reads inside a sentence: its first letter in lower case, unless
    its first word is written in capitals (an abbreviation: "UBND", "TTHC").

    >>> lower_first("Quý II năm 2023"), lower_first("UBND xã"), lower_first("6 tháng đầu năm 2023")
    ('quý II năm 2023', 'UBND xã', '6 tháng đầu năm 2023')
    """
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


def count(value: int | None) -> str:
    """A count as an office writes it in a sentence: two digits under ten (02, 05), else as
    :func:`number`.

    >>> count(2), count(12), count(1234), count(0)
    ('02', '12', '1.234', '0')
    """
    value = int(value or 0)
    return f"{value:02d}" if 0 < value < 10 else number(value)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters between two words, with an ellipsis; a single
    word longer than the limit is cut inside it.

    >>> clip("tiếp nhận phản ánh, kiến nghị", 20), clip("ngắn", 20), clip("x" * 8, 5)
    ('tiếp nhận phản ánh…', 'ngắn', 'xxxx…')
    """
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-–") + "…"


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


def now() -> dt.datetime:
    """The present moment in Vietnam's time (an aware date-time: its ISO form carries +07:00)."""
    return dt.datetime.now(VN_TIME)


def local_time(iso: str, fmt: str = "%H:%M ngày %d/%m/%Y") -> str:
    """An ISO date-time shown in Vietnam's time, whatever offset it was written with (one without
    an offset is taken as the machine's local time).

    >>> local_time("2026-12-02T03:53:00+00:00"), local_time("2026-12-02T10:53:00+07:00", "%H:%M %d/%m/%Y")
    ('10:53 ngày 02/12/2026', '10:53 02/12/2026')
    """
    moment = dt.datetime.fromisoformat(iso)
    return (moment if moment.tzinfo else moment.astimezone()).astimezone(VN_TIME).strftime(fmt)
