import datetime as dt

import pytest

from cchc_lib.workdays import add_working_days, due_date, is_working_day, next_working_day, working_days_between

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
