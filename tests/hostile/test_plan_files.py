"""Hostile cases of the plan's files, the folder names made from unit names, and the years a
report can cover: a milestone given twice, updates of one day contradicting each other, a unit
name of 5,000 characters, ``--year 1900``. Refused cases run ``cchc`` as a user does and check
the exit status, the message (file, row, column), that earlier reports are byte-identical and
that no notebook ran; the others go through the library."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from cchc_lib import check_parameters, load_plan
from cchc_lib.base.errors import ParameterError
from cchc_lib.inputs.plan import evidence_by_area, milestone_status, read_plan
from cchc_lib.inputs.rollup_params import check_rollup_parameters
from cchc_lib.inputs.unit import SLUG_MAX, read_unit, slugify

from .support import assert_no_personal, assert_refused, assert_unchanged, cchc, snapshot

TASK = "PL05-1"  # its one milestone, 31/03/2023, done on 28/03/2023 in the sample's updates.csv
MILESTONE = "31/03/2023"


def _append(path: Path, rows: list[list[str]]) -> int:
    """Append ``rows`` to a plan CSV; the file row (header = row 1) of the first one appended."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        first = len(list(csv.reader(f))) + 1
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return first


def _refused_report(data: Path, earlier: Path, *args: str, **expected):
    """``cchc report 2023-Q1`` (or ``args``) refused before any notebook ran: earlier reports
    byte-identical, no executed notebook kept, no personal value anywhere."""
    before = snapshot(earlier)
    run = cchc("report", *(args or ("2023-Q1",)), "--data", data, "--out", earlier, "--format", "json")
    assert_refused(run, **expected)
    assert_unchanged(before, earlier)
    assert not (earlier / "_failed").exists(), "a notebook ran"
    assert " done in " not in run.stderr, run.stderr
    assert_no_personal(run, earlier)
    return run


def _validate(data: Path) -> tuple[int, list[str]]:
    run = cchc("validate", "--data", data)
    assert "Traceback" not in run.text, run.text
    assert_no_personal(run)
    return run.status, run.stdout.splitlines()


# ---- a milestone given twice ----------------------------------------------------------------

def test_a_milestone_given_twice_refuses_the_report_naming_both_rows(data, earlier):
    first = _append(data / "plan" / "milestones.csv", [[TASK, MILESTONE, "date", MILESTONE, "Giao tự chủ", ""]] * 2)
    run = _refused_report(data, earlier, file="milestones.csv", row=first + 1, column="milestone")
    assert f"rows {first} and {first + 1}" in run.stderr and "task_id, milestone" in run.stderr


def test_a_milestone_given_three_hundred_times_counts_once(data):
    first = _append(data / "plan" / "milestones.csv", [[TASK, "2023-Q2", "period", "", "Báo cáo quý II", ""]] * 300)
    plan, problems = read_plan(data)
    repeats = problems.loc[problems["problem_en"].str.contains("twice", regex=False)]
    assert len(repeats) == 299 and set(repeats["file"]) == {"milestones.csv"}
    assert sorted(repeats["row"]) == list(range(first + 1, first + 300))
    assert all(f"rows {first} and {row}" in text for row, text in zip(repeats["row"], repeats["problem_en"],
                                                                       strict=True))
    assert [m.key for m in plan.milestones if m.task_id == TASK] == ["2023-Q2"]
    status = milestone_status(plan, dt.date(2023, 3, 15), dt.date(2023, 6, 14), "decree09")
    assert (status["task_id"] == TASK).sum() == 1


def test_a_periodic_milestone_written_in_another_case_is_the_same_milestone(data):
    first = _append(data / "plan" / "milestones.csv", [[TASK, "2023-Q2", "period", "", "Báo cáo", ""],
                                                       [TASK, "2023-q2", "period", "", "Báo cáo", ""]])
    status, lines = _validate(data)
    assert status == 1
    assert any(line.startswith(f"milestones.csv, dòng/row {first + 1}, cột/column milestone: '2023-q2'")
               and f"rows {first} and {first + 1}" in line for line in lines), lines


# ---- updates of one milestone and one day giving different statuses -----------------------

CONFLICT = [[TASK, MILESTONE, "30/03/2023", "hoàn thành", "Quyết định số 17/QĐ-UBND", ""],
            [TASK, MILESTONE, "30/03/2023", "đang thực hiện", "", ""],
            [TASK, MILESTONE, "30/03/2023", "chưa thực hiện", "", ""]]


def test_updates_of_one_day_with_different_statuses_refuse_the_report(data, earlier):
    first = _append(data / "plan" / "updates.csv", CONFLICT)
    run = _refused_report(data, earlier, file="updates.csv", row=first + 1, column="status")
    assert f"rows {first} (hoàn thành), {first + 1} (đang thực hiện), {first + 2} (chưa thực hiện)" in run.stderr


def test_validate_lists_every_repeated_milestone_and_contradicting_update_at_once(data):
    m_first = _append(data / "plan" / "milestones.csv", [[TASK, MILESTONE, "date", MILESTONE, "Giao tự chủ", ""]] * 2)
    u_first = _append(data / "plan" / "updates.csv", CONFLICT)
    status, lines = _validate(data)
    assert status == 1
    starts = [f"milestones.csv, dòng/row {m_first + 1}, cột/column milestone: '{MILESTONE}'",
              f"updates.csv, dòng/row {u_first + 1}, cột/column status: 'đang thực hiện'",
              f"updates.csv, dòng/row {u_first + 2}, cột/column status: 'chưa thực hiện'"]
    for start in starts:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert not any(line.startswith(f"updates.csv, dòng/row {u_first},") for line in lines)  # the first is named in each


def test_an_update_repeated_whole_is_a_warning_and_counts_once(data):
    with (data / "plan" / "updates.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    original = next(i + 1 for i, r in enumerate(rows) if r[0] == TASK)
    copy = _append(data / "plan" / "updates.csv", [rows[original - 1]])
    status, lines = _validate(data)
    assert status == 0, lines
    assert any(line.startswith(f"cảnh báo/warning: updates.csv, dòng/row {copy}, cột/column -")
               and f"repeats row {original}" in line for line in lines), lines
    plan = load_plan(data)
    assert (plan.updates["task_id"] == TASK).sum() == 1
    evidence = [e for e in evidence_by_area(plan, None, dt.date(2023, 12, 31)) if e["task_id"] == TASK]
    assert len(evidence) == 1


def test_updates_of_one_day_with_one_status_keep_every_document(data):
    _append(data / "plan" / "updates.csv", [[TASK, MILESTONE, "28/03/2023", "Hoàn thành", "Biên bản số 3/BB-UBND", ""]])
    status, lines = _validate(data)
    assert status == 0, lines
    plan = load_plan(data)
    evidence = [e["evidence"] for e in evidence_by_area(plan, None, dt.date(2023, 12, 31)) if e["task_id"] == TASK]
    assert len(evidence) == 2 and "Biên bản số 3/BB-UBND" in evidence
    state = milestone_status(plan, dt.date(2022, 12, 15), dt.date(2023, 3, 14), "decree09")
    assert state.loc[state["task_id"] == TASK, "state"].tolist() == ["not_yet_due"]


# ---- a unit name of 5,000 characters --------------------------------------------------------

def _export_by_unit(data: Path, names: list[str]) -> Path:
    """The data folder's dossiers (personal columns included) with a unit column, the rows
    dealt to ``names`` in turn."""
    with (data / "dossiers.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    path = data.parent / "huyen.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Đơn vị tiếp nhận", *rows[0]])
        writer.writerows([names[i % len(names)], *row] for i, row in enumerate(rows[1:]))
    return path


def test_unit_names_of_5000_characters_split_into_short_distinct_folders(data, tmp_path):
    stem = "Ủy ban nhân dân xã Hoằng Giang " * 162  # 5,022 characters
    names = [stem + "thôn Đông", stem + "thôn Tây", "Xã Hoằng Xuân"]
    assert min(len(n) for n in names[:2]) > 5000
    root = tmp_path / "units"
    run = cchc("split", _export_by_unit(data, names), "--by", "Đơn vị tiếp nhận", "--out", root, "--template", data)
    assert run.status == 0 and "Traceback" not in run.text, run.text
    folders = sorted(p.name for p in root.iterdir() if not p.name.startswith("."))
    assert len(folders) == 3 and "xa-hoang-xuan" in folders
    assert all(len(name) <= SLUG_MAX for name in folders), folders
    for name in names:
        folder = root / slugify(name)
        assert folder.is_dir() and read_unit(folder).name == name and read_unit(folder).slug == folder.name
    long_ones = [f for f in folders if f != "xa-hoang-xuan"]
    assert long_ones[0] != long_ones[1] and all(f.startswith("uy-ban-nhan-dan-xa-hoang-giang-") for f in long_ones)
    assert "Traceback" not in (check := cchc("validate", "--data", root / long_ones[0])).text and check.status == 0
    assert_no_personal(run, check, root)


@pytest.mark.notebook
def test_a_unit_of_a_5000_character_name_reports_into_its_short_folder_and_the_roll_up(data, tmp_path):
    name = "Ủy ban nhân dân xã Hoằng Giang " * 162
    root, out = tmp_path / "units", tmp_path / "out"
    split = cchc("split", _export_by_unit(data, [name]), "--by", "Đơn vị tiếp nhận", "--out", root, "--template", data)
    assert split.status == 0, split.text
    run = cchc("report", "--units", root, "2023-Q1", "--out", out, "--format", "json", "--quiet")
    assert run.status == 0 and "Traceback" not in run.text, run.text
    slug = slugify(name)
    assert (out / slug / "2023-Q1.json").is_file() and (out / "_tong-hop" / "2023-Q1.json").is_file()
    assert all(len(p.name) <= SLUG_MAX for p in out.rglob("*"))
    assert_no_personal(split, run, out)


@pytest.mark.parametrize("name", ["x" * 5000, "Xã " + "A" * 300, "Xã Đông " * 40])
def test_a_long_slug_is_stable_short_and_kept_as_it_is_when_read_back(name):
    slug = slugify(name)
    assert len(slug) <= SLUG_MAX and slug == slugify(name) and slugify(slug) == slug
    assert slug != slugify(name + " hai")
    assert len(slug) > SLUG_MAX - 20  # cut near the limit, not at the first word


# ---- years the working-day calendar does not cover ------------------------------------------

@pytest.mark.parametrize(("args", "named"), [
    (("--year", "1900"), "year: 1900"),
    (("--year", "1999"), "year: 1999"),
    (("2023-Q1", "1900-Q2"), "period: 1900-Q2"),
    (("3000-Y",), "period: 3000-Y"),
    (("2101-Q1",), "period: 2101-Q1"),
])
def test_a_period_the_calendar_does_not_cover_is_refused_before_any_notebook(data, earlier, args, named):
    run = _refused_report(data, earlier, *args, says=(named, "2000–2100", "1999–2100"))
    assert run.stderr.count("\n") == 1, run.stderr  # one line, no list of failed periods


@pytest.mark.parametrize("argv", [("score", "1900"), ("score", "3000-Q1"), ("periods", "1900")])
def test_score_and_periods_refuse_a_year_the_calendar_does_not_cover(data, earlier, argv):
    before = snapshot(earlier)
    extra = ("--data", data, "--out", earlier) if argv[0] == "score" else ()
    run = cchc(*argv, *extra)
    assert_refused(run, says=("2000–2100",))
    assert_unchanged(before, earlier)
    assert_no_personal(run, earlier)


def test_many_units_refuse_a_year_the_calendar_does_not_cover(data, tmp_path):
    out = tmp_path / "out"
    run = cchc("report", "--units", data.parent, "--year", "1900", "--out", out, "--format", "json")
    assert_refused(run, says=("year: 1900", "2000–2100"))
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("period", ["1900-Q1", "1999-Y", "2101", 1900])
def test_the_notebooks_parameter_checks_refuse_the_same_periods(data, earlier, period):
    with pytest.raises(ParameterError, match="2000–2100"):
        check_parameters(period, "decree09", str(data))
    with pytest.raises(ParameterError, match="2000–2100"):
        check_rollup_parameters(period, reports_dir=str(earlier))


@pytest.mark.parametrize("period", ["2000-Q1", "2100-Y"])
def test_the_first_and_last_years_covered_are_accepted(data, period):
    ctx = check_parameters(period, "decree09", str(data))
    assert ctx.period.id == period and ctx.start.year >= 1999 and ctx.end.year <= 2100


def test_a_plan_indicator_of_a_year_not_covered_is_named_by_validate(data):
    row = _append(data / "plan" / "indicators.csv", [["officials_qualified", "1900-Q1", "90%", "Báo cáo", ""]])
    status, lines = _validate(data)
    assert status == 1
    assert any(line.startswith(f"indicators.csv, dòng/row {row}, cột/column period: '1900-Q1'")
               and "2000–2100" in line for line in lines), lines
