"""Reporting periods: ids, windows under each cut-off convention, Vietnamese names.

A period id is ``YYYY-Q1`` … ``YYYY-Q4`` (quý), ``YYYY-H1`` (6 tháng đầu năm),
``YYYY-9M`` (9 tháng) or ``YYYY-Y`` (năm; a bare ``YYYY`` is accepted too).

Two conventions give a period its window (both ends inclusive):

- ``decree09``: the data cut-off of Nghị định 09/2019/NĐ-CP, from the 15th of the
  month before the period to the 14th of its last month; 6 months, 9 months and
  year start on 15/12 of the year before.
- ``calendar``: calendar quarters, half-year, nine months and year.

>>> p = parse_period("2023-Q2")
>>> p.id, p.name_vi
('2023-Q2', 'Quý II năm 2023')
>>> p.window("decree09")
(datetime.date(2023, 3, 15), datetime.date(2023, 6, 14))
>>> p.window("calendar")
(datetime.date(2023, 4, 1), datetime.date(2023, 6, 30))
>>> parse_period("2023").id
'2023-Y'
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from dataclasses import dataclass

CUTOFFS: tuple[str, ...] = ("decree09", "calendar")
CUTOFF_NAMES_VI: dict[str, str] = {
    "decree09": "chốt số liệu theo Nghị định 09/2019/NĐ-CP: từ ngày 15 tháng trước kỳ đến ngày 14 tháng cuối kỳ",
    "calendar": "chốt số liệu theo tháng dương lịch",
}
CUTOFF_SHORT_VI: dict[str, str] = {"decree09": "theo Nghị định số 09/2019/NĐ-CP", "calendar": "theo tháng dương lịch"}

# kind -> (first month, last month) of the calendar window
_KINDS: dict[str, tuple[int, int]] = {
    "Q1": (1, 3),
    "Q2": (4, 6),
    "Q3": (7, 9),
    "Q4": (10, 12),
    "H1": (1, 6),
    "9M": (1, 9),
    "Y": (1, 12),
}
_ROMAN = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}
_ID_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<kind>Q[1-4]|H1|9M|Y))?$", re.IGNORECASE)
VALID_FORMS = "YYYY-Q1, YYYY-Q2, YYYY-Q3, YYYY-Q4, YYYY-H1, YYYY-9M, YYYY-Y (or YYYY)"


class PeriodError(ValueError):
    """A period id or cut-off that the project does not know."""


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period of one year."""

    year: int
    kind: str  # one of Q1 Q2 Q3 Q4 H1 9M Y

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise PeriodError(f"unknown period kind {self.kind!r}; valid forms: {VALID_FORMS}")
        if not 1900 <= self.year <= 9998:
            raise PeriodError(f"year {self.year} is out of range")

    @property
    def id(self) -> str:
        """The canonical id, used to name the report's files."""
        return f"{self.year}-{self.kind}"

    @property
    def name_vi(self) -> str:
        """The period's name as Vietnamese reports write it."""
        if self.kind in _ROMAN:
            return f"Quý {_ROMAN[self.kind]} năm {self.year}"
        return {
            "H1": f"6 tháng đầu năm {self.year}",
            "9M": f"9 tháng năm {self.year}",
            "Y": f"Năm {self.year}",
        }[self.kind]

    @property
    def is_quarter(self) -> bool:
        return self.kind in _ROMAN

    def window(self, cutoff: str = "decree09") -> tuple[dt.date, dt.date]:
        """First and last day of the period (both inclusive) under ``cutoff``."""
        check_cutoff(cutoff)
        first_month, last_month = _KINDS[self.kind]
        if cutoff == "calendar":
            last_day = _calendar.monthrange(self.year, last_month)[1]
            return dt.date(self.year, first_month, 1), dt.date(self.year, last_month, last_day)
        if first_month == 1:
            start = dt.date(self.year - 1, 12, 15)
        else:
            start = dt.date(self.year, first_month - 1, 15)
        return start, dt.date(self.year, last_month, 14)

    def previous(self) -> Period:
        """The previous comparable period.

        A quarter is compared with the quarter before it (Q1 with the last
        quarter of the year before); 6 months, 9 months and year with the same
        period of the year before (cùng kỳ năm trước).

        >>> parse_period("2023-Q1").previous().id
        '2022-Q4'
        >>> parse_period("2023-H1").previous().id
        '2022-H1'
        """
        if self.kind == "Q1":
            return Period(self.year - 1, "Q4")
        if self.is_quarter:
            return Period(self.year, f"Q{int(self.kind[1]) - 1}")
        return Period(self.year - 1, self.kind)

    def next_window(self, cutoff: str = "decree09") -> tuple[str, dt.date, dt.date]:
        """The work that comes after the period, as a report's "next period" reads it: its
        Vietnamese name and window. A quarter and 9 months are followed by the next quarter,
        6 months by the rest of the year, the year by the first quarter of the next.

        >>> parse_period("2023-Q2").next_window()
        ('Quý III năm 2023', datetime.date(2023, 6, 15), datetime.date(2023, 9, 14))
        >>> parse_period("2023-H1").next_window("calendar")
        ('6 tháng cuối năm 2023', datetime.date(2023, 7, 1), datetime.date(2023, 12, 31))
        >>> parse_period("2023-Y").next_window()[0]
        'Quý I năm 2024'
        """
        if self.kind == "H1":
            start, _ = Period(self.year, "Q3").window(cutoff)
            _, end = Period(self.year, "Q4").window(cutoff)
            return f"6 tháng cuối năm {self.year}", start, end
        following = {"Q1": "Q2", "Q2": "Q3", "Q3": "Q4", "9M": "Q4"}.get(self.kind)
        after = Period(self.year, following) if following else Period(self.year + 1, "Q1")
        return (after.name_vi, *after.window(cutoff))

    def sort_key(self) -> tuple[int, int, int]:
        """Order of the periods in a listing: by year, then by end month, quarters first."""
        first_month, last_month = _KINDS[self.kind]
        return (self.year, last_month, 0 if self.is_quarter else 1)

    def __str__(self) -> str:
        return self.id


def check_cutoff(cutoff: str) -> str:
    """Return ``cutoff`` if it is a known convention, else raise :class:`PeriodError`."""
    if cutoff not in CUTOFFS:
        raise PeriodError(f"unknown cut-off {cutoff!r}; valid: {', '.join(CUTOFFS)}")
    return cutoff


def parse_period(text: str) -> Period:
    """Parse a period id (case-insensitive) into a :class:`Period`.

    >>> parse_period("2023-h1").id
    '2023-H1'
    >>> parse_period("2023-Q5")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    cchc_lib.base.periods.PeriodError: invalid period id '2023-Q5';
    valid forms: YYYY-Q1, YYYY-Q2, YYYY-Q3, YYYY-Q4, YYYY-H1, YYYY-9M, YYYY-Y (or YYYY)
    """
    if isinstance(text, Period):
        return text
    match = _ID_RE.match(str(text).strip())
    if not match:
        raise PeriodError(f"invalid period id {text!r}; valid forms: {VALID_FORMS}")
    return Period(int(match["year"]), (match["kind"] or "Y").upper())


def periods_of_year(year: int) -> list[Period]:
    """The seven periods of a year, in reporting order.

    >>> [p.id for p in periods_of_year(2023)]
    ['2023-Q1', '2023-Q2', '2023-H1', '2023-Q3', '2023-9M', '2023-Q4', '2023-Y']
    """
    return sorted((Period(year, kind) for kind in _KINDS), key=Period.sort_key)
