import datetime as dt

import pytest

from cchc_lib.base.periods import Period, PeriodError, check_cutoff, parse_period, periods_of_year

D = dt.date

WINDOWS_2023 = {
    # id: (decree09 window, calendar window)
    "2023-Q1": ((D(2022, 12, 15), D(2023, 3, 14)), (D(2023, 1, 1), D(2023, 3, 31))),
    "2023-Q2": ((D(2023, 3, 15), D(2023, 6, 14)), (D(2023, 4, 1), D(2023, 6, 30))),
    "2023-Q3": ((D(2023, 6, 15), D(2023, 9, 14)), (D(2023, 7, 1), D(2023, 9, 30))),
    "2023-Q4": ((D(2023, 9, 15), D(2023, 12, 14)), (D(2023, 10, 1), D(2023, 12, 31))),
    "2023-H1": ((D(2022, 12, 15), D(2023, 6, 14)), (D(2023, 1, 1), D(2023, 6, 30))),
    "2023-9M": ((D(2022, 12, 15), D(2023, 9, 14)), (D(2023, 1, 1), D(2023, 9, 30))),
    "2023-Y": ((D(2022, 12, 15), D(2023, 12, 14)), (D(2023, 1, 1), D(2023, 12, 31))),
}


@pytest.mark.parametrize("period_id", sorted(WINDOWS_2023))
def test_window_decree09(period_id):
    assert parse_period(period_id).window("decree09") == WINDOWS_2023[period_id][0]


@pytest.mark.parametrize("period_id", sorted(WINDOWS_2023))
def test_window_calendar(period_id):
    assert parse_period(period_id).window("calendar") == WINDOWS_2023[period_id][1]


def test_window_defaults_to_decree09():
    assert parse_period("2023-Q3").window() == WINDOWS_2023["2023-Q3"][0]


def test_decree09_first_window_of_a_year_starts_in_the_year_before():
    assert parse_period("2024-Q1").window("decree09") == (D(2023, 12, 15), D(2024, 3, 14))


def test_decree09_quarters_leave_no_gap_across_the_year_boundary():
    q4_end = parse_period("2023-Q4").window("decree09")[1]
    next_q1_start = parse_period("2024-Q1").window("decree09")[0]
    assert next_q1_start - q4_end == dt.timedelta(days=1)


def test_decree09_quarters_tile_the_year():
    quarters = [parse_period(f"2023-Q{n}").window("decree09") for n in range(1, 5)]
    for (_, end), (start, _) in zip(quarters, quarters[1:], strict=False):
        assert start - end == dt.timedelta(days=1)
    assert (quarters[0][0], quarters[-1][1]) == parse_period("2023-Y").window("decree09")


def test_calendar_q1_of_a_leap_year_has_29_february():
    assert parse_period("2024-Q1").window("calendar") == (D(2024, 1, 1), D(2024, 3, 31))
    assert parse_period("2024-Q1").window("decree09") == (D(2023, 12, 15), D(2024, 3, 14))


@pytest.mark.parametrize(
    ("period_id", "name"),
    [
        ("2023-Q1", "Quý I năm 2023"),
        ("2023-Q2", "Quý II năm 2023"),
        ("2023-Q3", "Quý III năm 2023"),
        ("2023-Q4", "Quý IV năm 2023"),
        ("2023-H1", "6 tháng đầu năm 2023"),
        ("2023-9M", "9 tháng năm 2023"),
        ("2023-Y", "Năm 2023"),
    ],
)
def test_vietnamese_names(period_id, name):
    assert parse_period(period_id).name_vi == name


@pytest.mark.parametrize(
    ("period_id", "previous"),
    [
        ("2023-Q1", "2022-Q4"),
        ("2023-Q2", "2023-Q1"),
        ("2023-Q4", "2023-Q3"),
        ("2023-H1", "2022-H1"),
        ("2023-9M", "2022-9M"),
        ("2023-Y", "2022-Y"),
    ],
)
def test_previous_comparable_period(period_id, previous):
    assert parse_period(period_id).previous().id == previous


@pytest.mark.parametrize(("text", "canonical"), [("2023", "2023-Y"), ("2023-Y", "2023-Y"), ("2023-q2", "2023-Q2"),
                                                ("2023-h1", "2023-H1"), ("2023-9m", "2023-9M"),
                                                (" 2023-Q4 ", "2023-Q4")])
def test_accepted_forms_give_the_canonical_id(text, canonical):
    assert parse_period(text).id == canonical


@pytest.mark.parametrize("bad", ["2023-Q5", "23-Q1", "2023-h1x", "2023-Q0", "2023-H2", "2023-", "Q1-2023", "",
                                 "2023-6M"])
def test_malformed_ids_are_refused_with_the_valid_forms(bad):
    with pytest.raises(PeriodError) as excinfo:
        parse_period(bad)
    message = str(excinfo.value)
    assert repr(bad) in message
    assert "YYYY-Q1" in message and "YYYY-H1" in message and "YYYY-9M" in message and "YYYY-Y" in message


def test_unknown_cutoff_is_refused():
    with pytest.raises(PeriodError, match="unknown cut-off 'monthly'; valid: decree09, calendar"):
        check_cutoff("monthly")
    with pytest.raises(PeriodError, match="unknown cut-off"):
        parse_period("2023-Q1").window("monthly")


def test_periods_of_year_lists_the_seven_in_reporting_order():
    assert [p.id for p in periods_of_year(2023)] == [
        "2023-Q1", "2023-Q2", "2023-H1", "2023-Q3", "2023-9M", "2023-Q4", "2023-Y",
    ]


def test_period_kind_is_checked():
    with pytest.raises(PeriodError):
        Period(2023, "Q5")
