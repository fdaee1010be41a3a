"""Working days of the Vietnamese civil service: weekends and public holidays skipped.

The calendar is the ``holidays`` package's Vietnam (Tết by the lunar calendar, Giỗ Tổ Hùng
Vương, 30/4, 1/5, 2/9 and its neighbour, observed days, and the Saturdays worked in exchange
for a bridge holiday).

Conventions (docs/data.md, "The procedure catalogue"; Nghị định 61/2018/NĐ-CP):

- A dossier received on a day that is not a working day counts as received on the next one.
- A same-day procedure ("trong ngày") is due on the day of receipt, or on the next working
  day when received at or after 15:00.
- A procedure of N working days is due on the N-th working day after the day of receipt.
- Working days between two dates count the days after the first up to and including the
  second: a dossier received and finished on the same day took 0 days.

Whole columns (docs/data.md, "How working days are counted over a whole column") are computed
from one table per range of years, built once from the calendar:
for each calendar day, the number of working days from the table's first day up to and
including it (its working-day ordinal), and the list of working days. Working days between
two dates are then a difference of ordinals, and the N-th working day after a date a lookup
in the list, for a million dossiers at once. The one-date functions use the same table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

_SAME_DAY_CUTOFF_SECONDS = 15 * 3600
_DEFAULT_YEARS = (2023, 2024)  # the table's range when no date is given
# The years a table may cover (docs/data.md, "How working days are counted over a whole column"): the
# checks refuse dossier dates before 2000 or years ahead; beyond these (placeholders such as
# 01/01/0001 or 31/12/9999, a period of the year 3000) no day is counted, and no table ever
# spans centuries whatever the dates or legal times asked about.
_YEAR_LIMITS = (1999, 2100)
CALENDAR_YEARS = _YEAR_LIMITS  # the years the calendar covers: the parameter checks refuse periods outside them


@lru_cache(maxsize=1)
def vietnam_calendar() -> holidays.HolidayBase:
    """The Vietnamese holiday calendar (years are added as they are asked for)."""
    return holidays.VN()


@dataclass(frozen=True)
class WorkdayTable:
    """Working days of the calendar days ``origin`` … ``origin + len(ordinal) - 1``."""

    origin: np.datetime64  # a day
    working: np.ndarray  # bool per calendar day
    ordinal: np.ndarray  # int64 per calendar day: working days from origin up to and including it
    days: np.ndarray  # the working days, as day numbers from origin, in order

    def index(self, days: np.ndarray) -> np.ndarray:
        return (days - self.origin).astype("int64")


@lru_cache(maxsize=8)
def _table(first_year: int, last_year: int) -> WorkdayTable:
    calendar = vietnam_calendar()
    start, stop = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    count = (stop - start).days + 1
    # once per calendar day of the range (not per dossier): the calendar's own rule
    working = np.fromiter(
        (calendar.is_working_day(start + dt.timedelta(days=i)) for i in range(count)), dtype=bool, count=count
    )
    return WorkdayTable(np.datetime64(start, "D"), working, np.cumsum(working, dtype="int64"),
                        np.flatnonzero(working).astype("int64"))


def workday_table(days: np.ndarray, beyond: int = 0) -> WorkdayTable:
    """The table covering ``days`` (datetime64[D], NaT ignored) and ``beyond`` more working days."""
    known = days[~np.isnat(days)]
    first, last = _DEFAULT_YEARS
    if known.size:
        years = known.astype("datetime64[Y]").astype("int64") + 1970
        first, last = int(years.min()) - 1, int(years.max()) + 1
    last += beyond // 200 + 1  # fewer than 250 working days a year: room for the N-th after the last
    low, high = _YEAR_LIMITS
    first = min(max(first, low), high)
    return _table(first, min(max(last, first), high))


def _outside(table: WorkdayTable, days: np.ndarray) -> np.ndarray:
    """Days the table does not cover (NaT included): the arithmetic leaves them missing."""
    index = (days - table.origin).astype("int64")
    return np.isnat(days) | (index < 0) | (index >= table.ordinal.size)


def _as_days(values: object) -> np.ndarray:
    """Dates, datetimes, a Series or an array as datetime64[D] (NaT kept)."""
    if isinstance(values, pd.Series | pd.Index):
        values = values.to_numpy()
    return np.asarray(values, dtype="datetime64[D]")


def working_days_between_days(first: object, last: object) -> np.ndarray:
    """Whole-column :func:`working_days_between`: int64 per pair (both given), 0 when
    ``last`` ≤ ``first``; -1 where either is missing."""
    a, b = np.broadcast_arrays(_as_days(first), _as_days(last))
    table = workday_table(np.concatenate([a.ravel(), b.ravel()]))
    missing = _outside(table, a) | _outside(table, b)
    ia = table.index(np.where(missing, table.origin, a))
    ib = table.index(np.where(missing, table.origin, b))
    count = np.maximum(table.ordinal[ib] - table.ordinal[ia], 0)
    return np.where(missing, -1, count)


def add_working_days_days(days: object, n: object) -> np.ndarray:
    """Whole-column :func:`add_working_days`: the ``n``-th working day after each day (``n`` ≥ 0;
    0 gives the day itself when it is a working day, else the next one); NaT stays NaT."""
    d = _as_days(days)
    steps = np.broadcast_to(np.asarray(n, dtype="int64"), d.shape)
    if (steps < 0).any():
        raise ValueError("n must be 0 or more")
    table = workday_table(d, int(steps.max()) if steps.size else 0)
    missing = _outside(table, d)
    i = table.index(np.where(missing, table.origin, d))
    k = np.where(missing, 0, np.where(steps == 0, table.ordinal[i] - table.working[i], table.ordinal[i] + steps - 1))
    missing |= k >= table.days.size
    result = table.origin + table.days[np.where(missing, 0, k)].astype("timedelta64[D]")
    return np.where(missing, np.datetime64("NaT", "D"), result)


def due_dates(received: pd.Series, legal_days: object) -> pd.Series:
    """Whole-column :func:`due_date`: the due day (midnight datetimes) of each dossier from its
    reception time and its procedure's legal time in working days (0 = same day); NaT where
    either is missing."""
    stamps = pd.to_datetime(received).to_numpy()
    legal = pd.array(legal_days, dtype="Int64")
    missing = np.isnat(stamps) | legal.isna()
    n = legal.fillna(0).to_numpy("int64")
    day = stamps.astype("datetime64[D]")
    seconds = (stamps - day.astype(stamps.dtype)).astype("timedelta64[s]").astype("int64")
    table = workday_table(np.where(missing, np.datetime64("NaT", "D"), day), int(n.max()) if n.size else 0)
    missing |= _outside(table, day)
    day = np.where(missing, np.datetime64("NaT", "D"), day)
    i = table.index(np.where(np.isnat(day), table.origin, day))
    same_day = table.working[i] & (seconds < _SAME_DAY_CUTOFF_SECONDS)
    first = add_working_days_days(np.where(missing, np.datetime64("NaT", "D"), day), np.where(n == 0, 1, 0))
    result = np.where(n == 0, np.where(same_day, day, first),
                      add_working_days_days(first, n))
    result = np.where(missing, np.datetime64("NaT", "D"), result)
    return pd.Series(result.astype("datetime64[us]"), index=received.index)


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day.

    >>> is_working_day(dt.date(2023, 1, 23)), is_working_day(dt.date(2023, 1, 27))  # Tết 2023, then back to work
    (False, True)
    """
    days = _as_days([day])
    table = workday_table(days)
    if _outside(table, days)[0]:
        raise ValueError(f"{day} is outside the working-day calendar ({_YEAR_LIMITS[0]}–{_YEAR_LIMITS[1]})")
    return bool(table.working[table.index(days)][0])


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the next working day."""
    return add_working_days(day, 0)


def add_working_days(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (``n`` ≥ 0; 0 gives :func:`next_working_day`).

    >>> add_working_days(dt.date(2023, 1, 19), 1)  # Thursday before Tết: next working day is 27/01
    datetime.date(2023, 1, 27)
    """
    if n < 0:
        raise ValueError(f"n must be 0 or more, got {n}")
    return add_working_days_days([day], n)[0].astype(dt.date)


def due_date(received: dt.datetime, legal_days: int) -> dt.date:
    """The due date of a dossier received at ``received`` for a procedure of ``legal_days``
    working days (0 = same day).

    >>> due_date(dt.datetime(2023, 3, 6, 14, 59), 0), due_date(dt.datetime(2023, 3, 6, 15, 0), 0)
    (datetime.date(2023, 3, 6), datetime.date(2023, 3, 7))
    >>> due_date(dt.datetime(2023, 3, 4, 9, 0), 3)  # a Saturday counts as received on Monday 06/03
    datetime.date(2023, 3, 9)
    """
    return due_dates(pd.Series([pd.Timestamp(received)]), [legal_days]).iloc[0].date()


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days after ``first`` up to and including ``last``; 0 when ``last`` ≤ ``first``.

    >>> working_days_between(dt.date(2023, 3, 3), dt.date(2023, 3, 6))  # Friday to Monday
    1
    >>> working_days_between(dt.date(2023, 3, 6), dt.date(2023, 3, 6))
    0
    """
    return int(working_days_between_days([first], [last])[0])
