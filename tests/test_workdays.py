import datetime as dt

import holidays
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_lib.base.workdays import (
    add_working_days,
    add_working_days_days,
    due_date,
    due_dates,
    is_working_day,
    next_working_day,
    working_days_between,
    working_days_between_days,
)

D = dt.date


@pytest.mark.parametrize("day", [D(2023, 1, 2), D(2023, 1, 20), D(2023, 1, 26), D(2023, 5, 1), D(2023, 5, 2),
                                 D(2023, 9, 1), D(2023, 9, 4), D(2023, 3, 4)])
def test_holidays_and_weekends_are_not_working_days(day):
    assert not is_working_day(day)


def test_a_saturday_worked_in_exchange_is_a_working_day():
    assert is_working_day(D(2024, 5, 4))


def test_next_working_day_skips_tet():
    assert next_working_day(D(2023, 1, 21)) == D(2023, 1, 27)
    assert next_working_day(D(2023, 1, 27)) == D(2023, 1, 27)


def test_add_working_days_refuses_negative_counts():
    with pytest.raises(ValueError):
        add_working_days(D(2023, 3, 6), -1)


@pytest.mark.parametrize(
    ("received", "legal", "due"),
    [
        (dt.datetime(2023, 3, 6, 8, 0), 0, D(2023, 3, 6)),  # same day, in the morning
        (dt.datetime(2023, 3, 6, 15, 0), 0, D(2023, 3, 7)),  # same day, at 15:00: next working day
        (dt.datetime(2023, 3, 10, 16, 0), 0, D(2023, 3, 13)),  # Friday afternoon: Monday
        (dt.datetime(2023, 3, 11, 9, 0), 0, D(2023, 3, 13)),  # online on a Saturday: Monday
        (dt.datetime(2023, 3, 6, 9, 0), 3, D(2023, 3, 9)),
        (dt.datetime(2023, 3, 11, 9, 0), 1, D(2023, 3, 14)),  # Saturday counts as Monday, +1
        (dt.datetime(2023, 4, 27, 9, 0), 3, D(2023, 5, 5)),  # 28/04, then 29/04–03/05 holidays
    ],
)
def test_due_date(received, legal, due):
    assert due_date(received, legal) == due


@pytest.mark.parametrize(
    ("first", "last", "days"),
    [(D(2023, 3, 6), D(2023, 3, 6), 0), (D(2023, 3, 6), D(2023, 3, 7), 1), (D(2023, 3, 3), D(2023, 3, 6), 1),
     (D(2023, 1, 19), D(2023, 1, 27), 1), (D(2023, 3, 7), D(2023, 3, 6), 0)],
)
def test_working_days_between(first, last, days):
    assert working_days_between(first, last) == days


# The whole-column working days against the calendar counted day by day (holidays' own rules)
_days_2020_2030 = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


def _count_day_by_day(first: dt.date, last: dt.date) -> int:
    calendar = holidays.VN()
    days = (first + dt.timedelta(days=i) for i in range(1, (last - first).days + 1))
    return sum(1 for d in days if calendar.is_working_day(d))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_days_2020_2030, _days_2020_2030), min_size=1, max_size=20))
def test_working_days_between_days_counts_as_the_calendar_does(pairs):
    first = [a for a, _ in pairs]
    last = [b for _, b in pairs]
    got = working_days_between_days(first, last).tolist()
    assert got == [_count_day_by_day(a, b) if b > a else 0 for a, b in pairs]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_days_2020_2030, st.integers(0, 40)), min_size=1, max_size=20))
def test_add_working_days_days_steps_as_the_calendar_does(cases):
    calendar = holidays.VN()
    got = add_working_days_days([d for d, _ in cases], [n for _, n in cases])
    assert [g.astype(dt.date) for g in got] == [calendar.get_nth_working_day(d, n) for d, n in cases]


def _due_day_by_day(received: dt.datetime, legal: int) -> dt.date:
    calendar = holidays.VN()
    day = received.date()
    if legal == 0:
        if calendar.is_working_day(day) and received.time() < dt.time(15, 0):
            return day
        return calendar.get_nth_working_day(day, 1)
    return calendar.get_nth_working_day(calendar.get_nth_working_day(day, 0), legal)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 12, 31)),
                          st.integers(0, 30)), min_size=1, max_size=20))
def test_due_dates_follow_the_calendar_day_by_day(cases):
    received = pd.Series([pd.Timestamp(r) for r, _ in cases])
    got = due_dates(received, [n for _, n in cases])
    assert [d.date() for d in got] == [_due_day_by_day(r, n) for r, n in cases]


def test_due_dates_leave_missing_inputs_missing():
    got = due_dates(pd.Series([pd.Timestamp("2023-03-06 09:00"), pd.NaT]), pd.array([None, 3], dtype="Int64"))
    assert got.isna().tolist() == [True, True]


def test_no_table_spans_centuries_whatever_the_dates_or_legal_times():
    import numpy as np
    import pandas as pd

    from cchc_lib.base import workdays

    days = np.array(["0001-01-01", "1800-01-02", "2023-03-06", "2300-01-01", "9999-12-31"], dtype="datetime64[D]")
    table = workdays.workday_table(days, beyond=100_000)
    assert table.ordinal.size <= (2100 - 1999 + 1) * 366
    assert working_days_between_days(days, np.datetime64("2023-03-10", "D")).tolist() == [-1, -1, 4, -1, -1]
    due = workdays.due_dates(pd.Series(pd.to_datetime(["2023-03-06"])), [100_000])
    assert due.isna().all()  # beyond the calendar: no due date rather than a table over centuries
    assert workdays.workday_table(np.array(["3000-06-01"], dtype="datetime64[D]")).ordinal.size <= 366 * 2
