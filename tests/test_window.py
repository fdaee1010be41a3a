"""The figures of any window of two dates: the period's rules, for any start and end, a field or a procedure."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cchc_lib import build_summary, check_parameters, load_dossiers, load_plan
from cchc_lib.base.errors import ParameterError
from cchc_lib.figures import window
from cchc_lib.figures.dossiers import COUNT_KEYS, TOTAL_LABEL
from cchc_lib.inputs.params import check_window

from .conftest import write_data_dir


def _counts(row: pd.Series) -> dict:
    return {key: None if pd.isna(row[key]) else int(row[key]) for key in COUNT_KEYS}


@pytest.fixture(scope="module")
def sample_year():
    ctx = check_parameters("2023-Y")
    data = load_dossiers(ctx.data_dir)
    return ctx, data, build_summary(ctx, data, load_plan(ctx.data_dir))


def test_a_periods_window_counts_as_the_period_report(sample_year):
    ctx, data, summary = sample_year
    table = window.window_counts(data, ctx.start, ctx.end)
    assert _counts(table.loc[TOTAL_LABEL]) == summary["dossiers"]["total"]
    assert {f: _counts(row) for f, row in table.drop(index=TOTAL_LABEL).iterrows()} == summary["dossiers"]["by_field"]
    late = window.window_late(data, ctx.start, ctx.end)
    assert late.to_dict(orient="records") == summary["late_dossiers"]
    assert window.window_months(data, ctx.start, ctx.end) == summary["dossiers"]["by_month"]


def test_a_field_or_a_procedure_is_its_share_of_the_window(sample_year):
    _, data, _ = sample_year
    start, end = dt.date(2023, 2, 10), dt.date(2023, 5, 20)
    table = window.window_counts(data, start, end)
    field = table.index[1]
    drilled = window.window_counts(data, start, end, field=field)
    assert drilled.index.tolist() == [field, TOTAL_LABEL]
    assert _counts(drilled.loc[TOTAL_LABEL]) == _counts(table.loc[field])
    rows = window.window_dossiers(data, start, end, field=field)
    assert len(rows) == table.loc[field, "received_total"] and set(rows["field"]) == {field}
    assert list(rows.columns) == list(window.SHOWN_COLUMNS)
    procedure = rows["procedure"].iloc[0]
    one = window.window_dossiers(data, start, end, field=field, procedure=procedure)
    assert 0 < len(one) <= len(rows) and set(one["procedure"]) == {procedure}
    late = window.window_late(data, start, end, field=field)
    assert set(late["field"]) <= {field}
    split = [window.window_late(data, start, end, field=field, status=s) for s in ("resolved_late", "pending_overdue")]
    assert [len(s) for s in split] == [int(table.loc[field, k]) for k in ("resolved_late", "pending_overdue")]
    months = window.months_by_field(data, start, end)
    assert list(months) == table.index[:-1].tolist()
    assert sum(m["received"] for m in months[field]) == table.loc[field, ["received_online",
                                                                       "received_direct_postal"]].sum()


def test_an_export_without_resolution_leaves_the_window_unknown(tmp_path):
    folder = write_data_dir(tmp_path / "bare", ["A1,Đăng ký khai sinh,Hộ tịch,01/03/2023,02/03/2023",
                                                "A2,Chứng thực chữ ký,Chứng thực,02/03/2023,03/03/2023"],
                            header="dossier_id,procedure,field,received_at,due_at")
    data = load_dossiers(folder)
    start, end = dt.date(2023, 3, 1), dt.date(2023, 3, 31)
    table = window.window_counts(data, start, end)
    assert table.loc[TOTAL_LABEL, ["resolved_total", "pending_overdue", "received_online"]].isna().all()
    assert window.window_late(data, start, end) is None
    assert [m["online"] for m in window.window_months(data, start, end)] == [None]
    assert window.window_milestones(load_plan(folder), start, end).empty


def test_the_plans_milestones_of_a_window_are_those_due_in_it_or_overdue(sample_year):
    ctx, _, _ = sample_year
    start, end = dt.date(2023, 4, 1), dt.date(2023, 6, 30)
    shown = window.window_milestones(load_plan(ctx.data_dir), start, end, "calendar")
    assert len(shown) and list(shown.columns) == list(window.MILESTONE_COLUMNS)
    inside = shown["due"].map(lambda d: d is not None and start <= d <= end)
    assert (inside | (shown["state"] == "overdue")).all()


def test_a_window_is_two_dates_in_order():
    assert check_window(dt.date(2023, 1, 1), " 2023-01-01 ") == (dt.date(2023, 1, 1), dt.date(2023, 1, 1))
    for start, end, message in (("2023-13-01", "2023-12-31", "start: expected a date YYYY-MM-DD, got '2023-13-01'"),
                                ("2023-01-01", 20231231, "end: expected a date YYYY-MM-DD, got int 20231231"),
                                ("2023-02-01", "2023-01-31", "end: 2023-01-31 is before start 2023-02-01")):
        with pytest.raises(ParameterError, match=message):
            check_window(start, end)
