"""Hostile cases of the checks: dates that cannot be right, a field spelled four ways, a
period the data and plan do not cover, plan folders of the wrong shape, absurd legal times,
YAML bombs. Refused cases run ``cchc report 2023-Q1 --format json`` (refused before any
notebook starts) or ``cchc validate``; the others go through the library."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

import pytest

from cchc_lib import build_summary, check_parameters, load_dossiers, load_plan
from cchc_lib.figures.dossiers import classify_dossiers, tthc_table

from .support import assert_no_personal, assert_refused, assert_unchanged, cchc, snapshot

BOMB = "\n".join(
    ["name: Xã Thử", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
       f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
       for i in range(8)]
) + "\n"


def _rows(data: Path) -> list[list[str]]:
    with (data / "dossiers.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write_rows(data: Path, rows: list[list[str]]) -> None:
    with (data / "dossiers.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def _set_cell(data: Path, row: int, column: str, value: str) -> None:
    """Write ``value`` in ``column`` of the file's row ``row`` (header = row 1)."""
    rows = _rows(data)
    rows[row - 1][rows[0].index(column)] = value
    _write_rows(data, rows)


def _find_row(data: Path, **where: str) -> int:
    rows = _rows(data)
    columns = {c: rows[0].index(c) for c in where}
    return next(i + 1 for i, r in enumerate(rows) if i and all(r[columns[c]] == v for c, v in where.items()))


def _refused_report(data: Path, earlier: Path, **expected):
    before = snapshot(earlier)
    run = cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json")
    assert_refused(run, **expected)
    assert_unchanged(before, earlier)
    assert_no_personal(run, earlier)
    return run


# ---- dates that cannot be right ------------------------------------------------------------------

def _validate_names(data: Path, file: str, row: int | None, column: str, value: str) -> None:
    """``cchc validate`` exits 1 and lists the problem's line: file, row, column and value."""
    run = cchc("validate", "--data", data)
    assert run.status == 1 and "Traceback" not in run.text, run.text
    start = f"{file}, dòng/row {'-' if row is None else row}, cột/column {column}: {value!r}"
    assert any(line.startswith(start) for line in run.stdout.splitlines()), run.stdout
    assert_no_personal(run)


@pytest.mark.parametrize(("column", "value"), [("resolved_at", "02/01/2099"), ("received_at", "02/01/1800 08:00")])
def test_a_date_that_cannot_be_right_refuses_the_report_naming_the_cell(data, earlier, column, value):
    row = _find_row(data, outcome="resolved")
    _set_cell(data, row, column, value)
    run = _refused_report(data, earlier, file="dossiers.csv", row=row, column=column)
    assert value in run.stderr and "cannot be right" in run.stderr


@pytest.mark.parametrize(("column", "value", "says"), [
    ("resolved_at", "02/01/2300", "after the day the report is made"),
    ("received_at", "01/01/0001", "before 01/01/2000"),
    ("apology_at", "15/06/2099", "after the day the report is made"),
    ("due_at", "31/12/2099", "more than two years after"),
])
def test_validate_names_each_date_that_cannot_be_right(data, column, value, says):
    row = _find_row(data, outcome="resolved")
    _set_cell(data, row, column, value)
    _validate_names(data, "dossiers.csv", row, column, value)


def test_validate_lists_every_impossible_date_at_once(data):
    rows = _rows(data)
    header = rows[0]
    rows[5][header.index("resolved_at")] = "01/02/2099"
    rows[9][header.index("received_at")] = "01/02/1800"
    _write_rows(data, rows)
    run = cchc("validate", "--data", data)
    assert run.status == 1 and "Traceback" not in run.text
    lines = run.stdout.splitlines()
    assert any(line.startswith("dossiers.csv, dòng/row 6, cột/column resolved_at: '01/02/2099'") for line in lines)
    assert any(line.startswith("dossiers.csv, dòng/row 10, cột/column received_at: '01/02/1800'") for line in lines)
    assert_no_personal(run)


def test_a_pending_dossier_due_next_month_is_accepted(data):
    row = _find_row(data, outcome="resolved")
    _set_cell(data, row, "resolved_at", "")
    _set_cell(data, row, "outcome", "")
    _set_cell(data, row, "due_at", (dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y"))
    dossiers = load_dossiers(data).dossiers
    assert dossiers["due_at"].max().date() == dt.date.today() + dt.timedelta(days=30)


# ---- one field, four spellings -----------------------------------------------------------------

def test_a_field_written_four_ways_is_one_row_of_the_table(data):
    rows = _rows(data)
    header = rows[0]
    column = header.index("field")
    spellings = ["HỘ TỊCH", "Hộ  tịch ", "hộ tịch"]
    civil = [i for i, r in enumerate(rows) if i and r[column] == "Hộ tịch"]
    for n, i in enumerate(civil[:30]):
        rows[i][column] = spellings[n % 3]
    _write_rows(data, rows)
    dossiers = load_dossiers(data).dossiers
    assert sorted(f for f in dossiers["field"].unique() if "tịch" in f.lower()) == ["Hộ tịch"]
    table = tthc_table(classify_dossiers(dossiers, dt.date(2022, 12, 1), dt.date(2023, 3, 14)))
    assert [f for f in table.index if "tịch" in f.lower()] == ["Hộ tịch"]


def test_a_procedure_written_another_way_takes_the_catalogue_spelling(data):
    rows = _rows(data)
    header = rows[0]
    column = header.index("procedure")
    birth = [i for i, r in enumerate(rows) if i and r[column] == "Đăng ký khai sinh"]
    for i in birth:
        rows[i][column] = "ĐĂNG KÝ  KHAI SINH"  # every row of the data, but the catalogue spells it
    _write_rows(data, rows)
    dossiers = load_dossiers(data).dossiers
    assert "Đăng ký khai sinh" in set(dossiers["procedure"]) and "ĐĂNG KÝ  KHAI SINH" not in set(dossiers["procedure"])


# ---- a period the data and plan do not cover ---------------------------------------------------

@pytest.mark.parametrize("period", ["2019-Q1", "2024-Q2", "2025-Y", "2100-Y"])
def test_a_period_of_another_year_leaves_the_plan_out_and_says_so(data, period):
    ctx = check_parameters(period, "decree09", str(data))
    summary = build_summary(ctx, load_dossiers(ctx.data_dir), load_plan(ctx.data_dir))
    assert summary["plan"]["available"] is False and summary["plan"]["left_out_year"] == 2023
    assert summary["tasks"] is None and summary["targets"] == []
    notices = summary["data_quality"]["notices"]
    assert any(n["column"] == "year" and "2023" in n["problem_en"] for n in notices)
    assert all(n in summary["data_quality"]["warning_list"] for n in notices)
    if period != "2024-Q2":  # the sample's dossiers stop in 01/2024
        assert any("no dossier was received" in n["problem_en"] for n in notices)
    assert_no_personal(str(summary))


def test_the_plans_own_year_keeps_the_plan_without_notice(data):
    ctx = check_parameters("2023-Q1", "decree09", str(data))
    summary = build_summary(ctx, load_dossiers(ctx.data_dir), load_plan(ctx.data_dir))
    assert summary["plan"]["available"] is True and summary["data_quality"]["notices"] == []


# ---- plan folders of the wrong shape -----------------------------------------------------------

def test_a_plan_folder_without_tasks_is_refused_naming_folder_and_file(data, earlier):
    (data / "plan" / "tasks.csv").unlink()
    run = _refused_report(data, earlier, file="plan/", says=("tasks.csv",))
    assert "plan" in run.stderr


def test_a_tasks_file_saved_as_a_copy_is_named(data, earlier):
    (data / "plan" / "tasks.csv").rename(data / "plan" / "tasks (1).csv")
    _refused_report(data, earlier, file="plan/", says=("tasks.csv", "tasks (1).csv"))


def test_an_updates_file_saved_as_a_copy_is_named_not_skipped(data):
    (data / "plan" / "updates.csv").rename(data / "plan" / "updates - Copy.csv")
    _validate_names(data, "plan/", None, "-", "updates - Copy.csv")


def test_a_plan_year_that_is_not_a_year_names_file_and_key(data, earlier):
    yaml_file = data / "plan" / "plan.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("year: 2023", "year: yes"), encoding="utf-8")
    run = _refused_report(data, earlier, file="plan.yaml", column="year")
    assert "year True is out of range" not in run.text


def test_an_update_dated_after_today_is_named(data):
    updates = data / "plan" / "updates.csv"
    text = updates.read_text(encoding="utf-8-sig")
    updates.write_text(text.replace("16/01/2023", "16/01/2099", 1), encoding="utf-8-sig")
    _validate_names(data, "updates.csv", 2, "date", "16/01/2099")


def test_a_deadline_years_from_the_plan_is_named(data):
    milestones = data / "plan" / "milestones.csv"
    with milestones.open("a", encoding="utf-8") as f:
        f.write("PL01-1,31/12/2099,date,31/12/2099,Báo cáo,\n")
    _validate_names(data, "milestones.csv", 3, "due", "31/12/2099")


# ---- absurd legal times ------------------------------------------------------------------------

def _spoil_legal_time(data: Path, days: str) -> int:
    catalogue = data / "procedures.csv"
    rows = catalogue.read_text(encoding="utf-8-sig").splitlines()
    row = next(i for i, r in enumerate(rows) if r.startswith("Đăng ký khai sinh,")) + 1
    rows[row - 1] = f"Đăng ký khai sinh,Hộ tịch,{days}"
    catalogue.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    return row


def test_an_absurd_legal_time_refuses_the_report(data, earlier):
    row = _spoil_legal_time(data, "999")
    _refused_report(data, earlier, file="procedures.csv", row=row, column="legal_days", says=("999",))


def test_a_legal_time_of_a_hundred_thousand_days_is_named_quickly(data):
    row = _spoil_legal_time(data, "100000")
    started = time.perf_counter()
    _validate_names(data, "procedures.csv", row, "legal_days", "100000")
    assert time.perf_counter() - started < 30


# ---- YAML bombs --------------------------------------------------------------------------------

def test_a_yaml_alias_bomb_in_unit_yaml_is_refused(data, earlier):
    (data / "unit.yaml").write_text(BOMB, encoding="utf-8")
    _refused_report(data, earlier, file="unit.yaml", says=("aliases",))


def test_a_yaml_alias_bomb_in_plan_yaml_is_named_by_validate(data):
    (data / "plan" / "plan.yaml").write_text("year: 2023\n" + BOMB.replace("name: Xã Thử\n", ""), encoding="utf-8")
    _validate_names(data, "plan.yaml", None, "-", "")


def test_a_huge_unit_yaml_is_named_by_validate(data):
    (data / "unit.yaml").write_text("name: Xã Thử\nnote: " + "x" * 100_000 + "\n", encoding="utf-8")
    _validate_names(data, "unit.yaml", None, "-", "")
