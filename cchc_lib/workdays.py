"""Working days of the Vietnamese civil service: weekends and public holidays skipped.

The calendar is the ``holidays`` package's Vietnam (Tết by the lunar calendar, Giỗ Tổ Hùng
Vương, 30/4, 1/5, 2/9 and its neighbour, observed days, and the Saturdays worked in exchange
for a bridge holiday).

Conventions (domain.md, Nghị định 61/2018/NĐ-CP):

- A dossier received on a day that is not a working day counts as received on the next one.
- A same-day procedure ("trong ngày") is due on the day of receipt, or on the next working
  day when received at or after 15:00.
- A procedure of N working days is due on the N-th working day after the day of receipt.
- Working days between two dates count the days after the first up to and including the
  second: a dossier received and finished on the same day took 0 days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

SAME_DAY_CUTOFF = dt.time(15, 0)


@lru_cache(maxsize=1)
def vietnam_calendar() -> holidays.HolidayBase:
    """The Vietnamese holiday calendar (years are added as they are asked for)."""
    return holidays.VN()


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day.

    >>> is_working_day(dt.date(2023, 1, 23)), is_working_day(dt.date(2023, 1, 27))  # Tết 2023, then back to work
    (False, True)
    """
    return vietnam_calendar().is_working_day(day)


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the next working day."""
    return vietnam_calendar().get_nth_working_day(day, 0)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (``n`` ≥ 0; 0 gives :func:`next_working_day`).

    >>> add_working_days(dt.date(2023, 1, 19), 1)  # Thursday before Tết: next working day is 27/01
    datetime.date(2023, 1, 27)
    """
    if n < 0:
        raise ValueError(f"n must be 0 or more, got {n}")
    return vietnam_calendar().get_nth_working_day(day, n)


def due_date(received: dt.datetime, legal_days: int) -> dt.date:
    """The due date of a dossier received at ``received`` for a procedure of ``legal_days``
    working days (0 = same day).

    >>> due_date(dt.datetime(2023, 3, 6, 14, 59), 0), due_date(dt.datetime(2023, 3, 6, 15, 0), 0)
    (datetime.date(2023, 3, 6), datetime.date(2023, 3, 7))
    >>> due_date(dt.datetime(2023, 3, 4, 9, 0), 3)  # a Saturday counts as received on Monday 06/03
    datetime.date(2023, 3, 9)
    """
    day = received.date()
    if legal_days == 0:
        if is_working_day(day) and received.time() < SAME_DAY_CUTOFF:
            return day
        return add_working_days(day, 1)
    return add_working_days(next_working_day(day), legal_days)


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days after ``first`` up to and including ``last``; 0 when ``last`` ≤ ``first``.

    >>> working_days_between(dt.date(2023, 3, 3), dt.date(2023, 3, 6))  # Friday to Monday
    1
    >>> working_days_between(dt.date(2023, 3, 6), dt.date(2023, 3, 6))
    0
    """
    if last <= first:
        return 0
    return vietnam_calendar().get_working_days_count(first + dt.timedelta(days=1), last)
