"""Numbers and dates as Vietnamese write them: one set of functions for every output (the
document, the pages, the index, the workbooks, the self-assessment). The digits are Babel's for
``vi_VN`` (a thousands dot, a decimal comma); a figure the data cannot give prints as
:data:`MISSING`, never as 0. Also here: a target's comparison sign and verdict, and a text cut
to a length."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

# the time every page, document and JSON gives: Vietnam's (UTC+7, no summer time)
VN_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
LOCALE = "vi_VN"  # Babel's locale: a thousands dot, a decimal comma
MISSING = "—"  # a figure the data cannot give: never 0, never blank (in a narrow cell, explained in its note)
NO_DATA = "Không có số liệu"  # the same in words, where there is room for them
UNKNOWN = "không rõ"  # a count or rate some of the data cannot tell (a unit of a roll-up), in a cell
UNJUDGED = "Chưa đủ số liệu để đánh giá"  # a target the data cannot judge
# a target's comparison as the plan writes it (">=") and as every output shows it ("≥")
COMPARISON_SIGNS = {">=": "≥", "<=": "≤", "=": "="}
VERDICTS = {True: "Đạt", False: "Chưa đạt"}  # a target met or not


def decimal(value: float, places: int = 1, least: int | None = None) -> str:
    """A number with ``places`` decimals and a decimal comma, rounded as Python rounds the
    number's exact value; ``least``: trailing zeros dropped down to that many decimals. No
    thousands dots (a rate, points, days).

    >>> decimal(2.34), decimal(3.0), decimal(3.0, least=0), decimal(3.5, 2, 1), decimal(0.375, 4, 0)
    ('2,3', '3,0', '3', '3,5', '0,375')
    """
    least = places if least is None else least
    pattern = "0" + ("." + "0" * least + "#" * (places - least) if places else "")
    return format_decimal(Decimal(float(value)), format=pattern, locale=LOCALE)


def sign(comparison: str) -> str:
    """A target's comparison as it is shown: ``>=`` as ≥, ``<=`` as ≤; another as it is.

    >>> sign(">="), sign("<="), sign("=")
    ('≥', '≤', '=')
    """
    return COMPARISON_SIGNS.get(comparison, comparison)


def verdict(met: object, unknown: str | None = None) -> str | None:
    """A target's judgement in words: "Đạt", "Chưa đạt", or ``unknown`` when it is not judged
    (``met`` neither True nor False).

    >>> verdict(True), verdict(False), verdict(None, "—"), verdict(1)
    ('Đạt', 'Chưa đạt', '—', None)
    """
    return VERDICTS[met] if isinstance(met, bool) else unknown


def percent(value: float | None, places: int = 1, trim: bool = True) -> str:
    """A fraction as a percentage with ``places`` decimals and a decimal comma (``trim``: its
    trailing zeros dropped); an em dash for None.

    >>> percent(0.9751), percent(0.9701), percent(1.0), percent(None), percent(0.97, trim=False)
    ('97,5%', '97%', '100%', '—', '97,0%')
    """
    if value is None:
        return MISSING
    return decimal(value * 100, places, 0 if trim else places) + "%"


def number(value: int | float | None) -> str:
    """An integer with thousands dots; an em dash for None (a missing figure is never 0).

    >>> number(12345), number(0), number(None)
    ('12.345', '0', '—')
    """
    if value is None:
        return MISSING
    return format_decimal(int(value), format="#,##0", locale=LOCALE)


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

    >>> count(2), count(12), count(1234), count(0), count(None)
    ('02', '12', '1.234', '0', '—')
    """
    if value is None:
        return MISSING
    value = int(value)
    return f"{value:02d}" if 0 < value < 10 else number(value)


def clip(text: str, limit: int, words: bool = True) -> str:
    """``text`` cut to at most ``limit`` characters, its last one an ellipsis: between two words
    (``words``; a single word longer than the limit is cut inside it), else just where the limit falls.

    >>> clip("tiếp nhận phản ánh, kiến nghị", 20), clip("ngắn", 20), clip("x" * 8, 5)
    ('tiếp nhận phản ánh…', 'ngắn', 'xxxx…')
    >>> clip("tiếp nhận phản ánh, kiến nghị", 20, words=False)
    'tiếp nhận phản ánh,…'
    """
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not words:
        return head + "…"
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-–") + "…"


def clip_text(value: object, limit: int, words: bool = False) -> object:
    """``value`` cut as :func:`clip` cuts it when it is a text longer than ``limit``; markup
    (an object with ``__html__``) and other values as they are.

    >>> clip_text("abcdef", 4), clip_text(12, 4), clip_text(None, 4)
    ('abc…', 12, None)
    """
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return clip(value, limit, words)
    return value


def points(value: float | None, places: int = 2) -> str:
    """Points with at most ``places`` decimals and a decimal comma; an em dash for None.

    >>> points(15.52), points(20.0), points(2.5), points(None), points(0.375, 4)
    ('15,52', '20', '2,5', '—', '0,375')
    """
    if value is None:
        return MISSING
    return decimal(float(value), places, 0)


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
