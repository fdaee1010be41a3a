"""The plan's data, its timing parser, milestone status per period, targets and checks."""

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from cchc_lib.base.errors import DataError
from cchc_lib.base.paths import SAMPLE_DATA_DIR
from cchc_lib.base.periods import parse_period
from cchc_lib.inputs.plan import (
    TimingError,
    count_states,
    evaluate_targets,
    load_plan,
    milestone_status,
    parse_timing,
    target_conflicts,
)

SEED = SAMPLE_DATA_DIR / "plan" / "ke-hoach-cchc-2023.txt"  # the text extracted from the signed plan
D = dt.date


@pytest.fixture(scope="module")
def plan():
    return load_plan(SAMPLE_DATA_DIR)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


# ---- the shipped plan ---------------------------------------------------------------------------

def test_the_plan_holds_the_seeds_24_tasks_by_appendix(plan):
    assert plan.tasks.groupby("area").size().tolist() == [3, 4, 3, 3, 3, 4, 4]
    assert plan.tasks["task_id"].tolist()[:4] == ["PL01-1", "PL01-2", "PL01-3", "PL02-1"]
    assert plan.year == 2023 and plan.problems.empty


def test_every_cell_is_transcribed_verbatim_from_the_seed(plan):
    seed = _flat(SEED.read_text(encoding="utf-8"))
    # the PDF extraction interleaves these two task cells with other columns: check their pieces
    interleaved = {"PL05-3": ["Banhànhkếhoạchvềkiểmtratìnhhìnhquảnlýsửdụngtàisảncôngtrênđịabàn",
                              "xãnăm2023đểtriểnkhaithựchiệnthựchiện"],
                   "PL07-1": ["XâydựngKếhoạchCCHCnăm2023", "củađịaphươngmình;phâncông,giaotráchnhiệmcụthểchotừng"]}
    for row in plan.tasks.itertuples():
        for column in ("deliverable", "owner", "timing"):
            assert _flat(getattr(row, column)) in seed, (row.task_id, column)
        pieces = interleaved.get(row.task_id, [_flat(row.task)])
        assert all(piece in seed for piece in pieces), row.task_id


def test_every_task_but_one_names_its_owner_and_timing(plan):
    missing = plan.tasks.loc[(plan.tasks["owner"] == "") | (plan.tasks["timing"] == ""), "task_id"].tolist()
    assert missing == ["PL06-4"]  # the seed leaves both cells empty; milestones.csv gives its milestone


def test_corrections_keep_the_original_text_and_say_why(plan):
    corrections = plan.corrections.set_index("task_id")
    assert corrections.index.tolist() == ["PL01-2", "PL02-1", "PL06-1", "PL06-4"]
    assert "01/2032" in corrections.loc["PL01-2", "timing"]
    assert "01/2023" in corrections.loc["PL01-2", "timing_corrected"]
    assert "01/2032" in corrections.loc["PL01-2", "correction_note"]
    assert corrections.loc["PL06-1", ["timing", "timing_corrected"]].tolist() == ["Tháng 01/2022", "Tháng 01/2023"]


def test_corrected_milestones_fall_in_the_plan_year(plan):
    keys = {m.task_id: [] for m in plan.milestones}
    for m in plan.milestones:
        keys[m.task_id].append(m.key)
    assert keys["PL01-2"][0] == "31/01/2023"
    assert keys["PL06-1"] == ["31/01/2023"]
    assert keys["PL02-1"] == ["continuous", "10/01/2023"]
    assert keys["PL06-4"] == ["continuous"]


def test_the_satisfaction_target_conflict_is_noticed(plan):
    assert target_conflicts(plan) == [{"kpi": "satisfaction_rate", "values": [0.95, 0.96, 1.0],
                                       "targets": ["T4", "T5", "T6"]}]


# ---- the timing parser: every phrase of the seed, and the usual variants ------------------------

SEED_PHRASES = {
    "Xây dựng kế hoạch tháng tháng 01/2023; Báo cáo kết quả thực -hiện theo kế hoạch và định kỳ quý, 6 tháng, "
    "9 tháng, năm": ["31/01/2023", "2023-Q1", "2023-Q2", "2023-H1", "2023-Q3", "2023-9M", "2023-Q4", "2023-Y"],
    "Xây dựng kế hoạch tháng tháng 01/2032; Báo cáo kết quả thực -hiện theo kế hoạch và định kỳ quý, 6 tháng, "
    "9 tháng, năm": ["31/01/2032", "2023-Q1", "2023-Q2", "2023-H1", "2023-Q3", "2023-9M", "2023-Q4", "2023-Y"],
    "- Niêm yết công khai TTHC theo thẩm quyền thường xuyên, trong năm\nXây dựng kế hoạch kiểm soát TTHC đầu "
    "tháng 01/2022": ["continuous", "10/01/2022"],
    "- Thường xuyên trong năm": ["continuous"],
    "- Báo cáo kết quả thực hiện theo định kỳ hàng quý năm": ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2023-Y"],
    "Các quý trong năm 2021-2025": ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"],
    "Hoàn thành tháng 12/2023": ["31/12/2023"],
    "Khi có thông báo của tỉnh, huyện": ["on_notice"],
    "Khi có hướng dẫn của tỉnh, huyện; Báo cáo kết quả thực hiện tháng 12/2023": ["on_notice", "31/12/2023"],
    "Theo định kỳ": ["2023-Q1", "2023-Q2", "2023-H1", "2023-Q3", "2023-9M", "2023-Q4", "2023-Y"],
    "Quý I/2023": ["31/03/2023"],
    "Tháng 11/2023": ["30/11/2023"],
    "Tháng 01/2022": ["31/01/2022"],
    "Quý 4/2023": ["31/12/2023"],
    "Tháng 12/2023": ["31/12/2023"],
    "Tháng 01/2023": ["31/01/2023"],
    "- Báo cáo tự chấm điểm cùng tài liệu kiểm chứng của các cơ quan, đơn vị: Trước 10/12/2023;\n- Báo cáo tổng "
    "hợp chỉ số CCHC toàn huyện: trước 25/12/2023.": ["10/12/2023", "25/12/2023"],
}


@pytest.mark.parametrize("phrase", sorted(SEED_PHRASES))
def test_every_timing_phrase_of_the_seed(phrase):
    assert [m.key for m in parse_timing(phrase, 2023, "T")] == SEED_PHRASES[phrase]


def test_the_seed_phrases_are_all_the_timings_of_the_plan(plan):
    assert set(plan.tasks["timing"]) - {""} == set(SEED_PHRASES) - {"Tháng 01/2023"} | {"Tháng 01/2023"}


@pytest.mark.parametrize(
    ("phrase", "due"),
    [("Quý 1/2024", D(2024, 3, 31)), ("Quý 2/2023", D(2023, 6, 30)), ("Quý 3/2023", D(2023, 9, 30)),
     ("Quý I/2023", D(2023, 3, 31)), ("Quý II/2023", D(2023, 6, 30)), ("Quý III/2023", D(2023, 9, 30)),
     ("Quý IV/2023", D(2023, 12, 31)), ("Tháng 02/2024", D(2024, 2, 29)), ("tháng 2/2023", D(2023, 2, 28)),
     ("Trước 10/12/2023", D(2023, 12, 10)), ("Trước ngày 05/07/2023", D(2023, 7, 5)),
     ("Hoàn thành tháng 06/2023", D(2023, 6, 30)), ("Tháng 11/2023", D(2023, 11, 30)),
     ("đầu tháng 03/2023", D(2023, 3, 10))],
)
def test_dated_variants(phrase, due):
    (milestone,) = parse_timing(phrase, 2023, "T")
    assert (milestone.kind, milestone.due, milestone.key) == ("date", due, due.strftime("%d/%m/%Y"))


def test_periodic_milestones_are_due_at_their_periods_cut_off():
    q2 = next(m for m in parse_timing("định kỳ quý", 2023, "T") if m.key == "2023-Q2")
    assert q2.due_on("decree09") == D(2023, 6, 14)
    assert q2.due_on("calendar") == D(2023, 6, 30)


@pytest.mark.parametrize("phrase", ["Sớm nhất có thể", "Tháng 13/2023", "Trước 31/02/2023", ""])
def test_a_phrase_not_understood_is_an_error_naming_the_task(phrase):
    with pytest.raises(TimingError, match=r"^PL09-9: "):
        parse_timing(phrase, 2023, "PL09-9")


# ---- status per period, on a tiny plan ----------------------------------------------------------

def write_plan(folder: Path, tasks: list[str], updates: list[str], milestones: list[str] = (), targets: list[str] = (),
               indicators: list[str] = ()) -> Path:
    plan = folder / "plan"
    plan.mkdir(parents=True)
    (plan / "plan.yaml").write_text("year: 2023\ntitle: Kế hoạch thử\n", encoding="utf-8")
    files = {
        "tasks.csv": ("task_id,area,area_name,task,deliverable,owner,timing,timing_corrected,correction_note", tasks),
        "updates.csv": ("task_id,milestone,date,status,evidence,note", updates),
        "milestones.csv": ("task_id,milestone,kind,due,label,note", milestones),
        "targets.csv": ("target_id,kpi,comparison,value,where,sentence", targets),
        "indicators.csv": ("indicator,period,value,source,note", indicators),
    }
    for name, (header, rows) in files.items():
        (plan / name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8-sig")
    return folder


TASKS = [
    "A-1,1,Thể chế,Kế hoạch,KH,Công chức tư pháp,Tháng 01/2023,,",
    "A-2,1,Thể chế,Báo cáo,BC,Công chức tư pháp,\"định kỳ quý, 6 tháng\",,",
    "B-1,2,TTHC,Niêm yết,NY,Văn phòng,Thường xuyên trong năm,,",
    "B-2,2,TTHC,Tập huấn,TH,Văn phòng,\"Khi có thông báo của tỉnh, huyện\",,",
]


def states(folder: Path, period: str, cutoff: str = "decree09") -> dict[tuple[str, str], str]:
    start, end = parse_period(period).window(cutoff)
    status = milestone_status(load_plan(folder), start, end, cutoff)
    return {(r.task_id, r.milestone): r.state for r in status.itertuples()}


def test_status_of_each_milestone_at_the_end_of_a_period(tmp_path):
    folder = write_plan(tmp_path, TASKS, [
        "A-1,31/01/2023,20/01/2023,hoàn thành,Kế hoạch số 1/KH-UBND,",
        "A-2,2023-Q1,14/03/2023,Hoàn thành,Báo cáo số 2/BC-UBND,",   # on its cut-off day: on time
        "A-2,2023-Q2,16/06/2023,hoàn thành,Báo cáo số 3/BC-UBND,",   # two days after 14/06: late
        "B-1,continuous,31/03/2023,đang thực hiện,Niêm yết 120 TTHC,",
    ])
    q1 = states(folder, "2023-Q1")
    assert q1 == {("A-1", "31/01/2023"): "done_on_time", ("A-2", "2023-Q1"): "done_on_time",
                  ("A-2", "2023-Q2"): "not_yet_due", ("A-2", "2023-H1"): "not_yet_due",
                  ("A-2", "2023-Q3"): "not_yet_due", ("A-2", "2023-Q4"): "not_yet_due",
                  ("B-1", "continuous"): "continuous", ("B-2", "on_notice"): "no_fixed_date"}
    # due on the window's last day (14/06) and done after it: not yet late in that window's report
    assert states(folder, "2023-Q2")[("A-2", "2023-Q2")] == "not_yet_due"
    assert states(folder, "2023-H1")[("A-2", "2023-Q2")] == "not_yet_due"
    assert states(folder, "2023-9M")[("A-2", "2023-Q2")] == "done_late"
    assert states(folder, "2023-Q3")[("A-2", "2023-Q2")] == "done_late"
    assert states(folder, "2023-Q3")[("A-2", "2023-H1")] == "overdue"
    assert states(folder, "2023-Q2", "calendar")[("A-2", "2023-Q2")] == "done_on_time"  # due 30/06 under calendar


def test_done_late_and_overdue_days_and_latest_update(tmp_path):
    folder = write_plan(tmp_path, TASKS, [
        "A-1,31/01/2023,05/02/2023,hoàn thành,Kế hoạch số 1/KH-UBND,",
        "B-1,,31/01/2023,đang thực hiện,Lần 1,",  # the task's only milestone: may be left empty
        "B-1,continuous,28/02/2023,đang thực hiện,Lần 2,",
        "B-1,continuous,20/03/2023,hoàn thành,Lần 3 (after the Q1 cut-off),",
    ])
    status = milestone_status(load_plan(folder), *parse_period("2023-Q1").window("decree09"), "decree09").set_index(
        ["task_id", "milestone"])
    assert status.loc[("A-1", "31/01/2023"), "state"] == "done_late"
    # due on the window's last day, not done: not overdue in that window's report; overdue in the next one
    assert status.loc[("A-2", "2023-Q1"), ["state", "days_overdue"]].tolist() == ["not_yet_due", None]
    later = milestone_status(load_plan(folder), *parse_period("2023-H1").window("decree09"), "decree09").set_index(
        ["task_id", "milestone"])
    assert later.loc[("A-2", "2023-Q1"), ["state", "days_overdue"]].tolist() == ["overdue", 92]
    assert status.loc[("B-1", "continuous"), ["latest_status", "latest_date", "evidence"]].tolist() == [
        "in_progress", D(2023, 2, 28), "Lần 2"]


def test_counts_by_area(tmp_path):
    folder = write_plan(tmp_path, TASKS, ["A-1,31/01/2023,20/01/2023,hoàn thành,,"])
    status = milestone_status(load_plan(folder), *parse_period("2023-Q1").window("decree09"), "decree09")
    assert count_states(status, "area") == {
        "1": {"due": 1, "done_on_time": 1, "done_late": 0, "overdue": 0, "not_yet_due": 5, "continuous": 0,
              "no_fixed_date": 0},
        "2": {"due": 0, "done_on_time": 0, "done_late": 0, "overdue": 0, "not_yet_due": 0, "continuous": 1,
              "no_fixed_date": 1},
    }


def test_targets_compare_kpis_and_hand_entered_indicators(tmp_path):
    folder = write_plan(tmp_path, TASKS, [], targets=[
        "T1,on_time_rate,>=,99%,II.1,đúng hạn 99%", "T2,officials_qualified,>=,98%,II.1,98% đạt chuẩn",
        "T3,e_work_files,>=,100%,II.1,100% hồ sơ công việc", "T4,satisfaction_rate,>=,95%,II.1,95%",
    ], indicators=["officials_qualified,2023-Q1,97%,Báo cáo 1,", "officials_qualified,2023-H1,0.985,Báo cáo 2,"])
    plan = load_plan(folder)
    kpis = {"on_time_rate": 0.995, "satisfaction_rate": None}
    q1 = {t["target_id"]: (t["actual"], t["met"])
          for t in evaluate_targets(plan, kpis, parse_period("2023-Q1"), "decree09")}
    assert q1 == {"T1": (0.995, True), "T2": (0.97, False), "T3": (None, None), "T4": (None, None)}
    q3 = {t["target_id"]: (t["actual"], t["met"], t["actual_source"])
          for t in evaluate_targets(plan, kpis, parse_period("2023-Q3"), "decree09")}
    # the latest entry of a period ending before, its period named in words
    assert q3["T2"] == (0.985, True, "Báo cáo 2, số liệu 6 tháng đầu năm 2023")


def test_plan_problems_name_file_row_and_column(tmp_path):
    folder = write_plan(tmp_path, [*TASKS, "C-1,3,Bộ máy,X,Y,Z,Sớm nhất có thể,,",
                                   "C-2,3,Bộ máy,X,Y,Z,Tháng 01/2022,,"], [
        "Z-9,31/01/2023,20/01/2023,hoàn thành,,",
        "A-1,31/01/2023,32/01/2023,hoàn thành,,",
        "A-1,31/01/2023,20/01/2023,xong rồi,,",
        "A-2,2023-9M,20/01/2023,hoàn thành,,",
    ], targets=["T1,speed,>=,99%,,", "T2,on_time_rate,>>,99%,,", "T3,on_time_rate,>=,199%,,"])
    with pytest.raises(DataError, match=r"problem\(s\) in the plan files"):
        load_plan(folder)
    problems = load_plan(folder, strict=False).problems
    found = {(p.file, p.row, p.column, p.severity) for p in problems.itertuples()}
    assert found == {
        ("tasks.csv", 6, "timing", "error"), ("tasks.csv", 7, "timing", "warning"),
        ("updates.csv", 2, "task_id", "error"), ("updates.csv", 3, "date", "error"),
        ("updates.csv", 4, "status", "error"), ("updates.csv", 5, "milestone", "error"),
        ("targets.csv", 2, "kpi", "error"), ("targets.csv", 3, "comparison", "error"),
        ("targets.csv", 4, "value", "error"),
    }


def test_an_explicit_milestone_replaces_a_timing_not_understood(tmp_path):
    folder = write_plan(tmp_path, ["C-1,3,Bộ máy,X,Y,Z,Sớm nhất có thể,,"], [],
                        milestones=["C-1,15/05/2023,date,15/05/2023,Nộp báo cáo,Ghi rõ ngày"])
    plan = load_plan(folder)
    assert [(m.key, m.due) for m in plan.milestones] == [("15/05/2023", D(2023, 5, 15))]


def test_a_plan_workbook_saved_from_excel_with_typed_dates_reads_as_its_csv(tmp_path):
    import shutil

    import openpyxl
    import pandas as pd

    folder = tmp_path / "unit"
    shutil.copytree(SAMPLE_DATA_DIR / "plan", folder / "plan")
    updates_csv = folder / "plan" / "updates.csv"
    frame = pd.read_csv(updates_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        cells = list(row)
        day, month, year = (int(p) for p in cells[2].split("/"))
        cells[2] = dt.datetime(year, month, day)  # a date cell, as Excel saves a typed date
        sheet.append(cells)
    for cell in sheet["C"][1:]:
        cell.number_format = "DD/MM/YYYY"
    book.save(folder / "plan" / "updates.xlsx")
    updates_csv.unlink()
    from_xlsx = load_plan(folder)
    assert from_xlsx.problems.empty
    from_csv = load_plan(SAMPLE_DATA_DIR)
    assert len(frame) > 50
    assert from_xlsx.updates["day"].tolist() == from_csv.updates["day"].tolist()
    assert from_xlsx.updates["source_row"].tolist() == from_csv.updates["source_row"].tolist()


# ---- the shape of the plan folder and the window of its dates ------------------------------------

def test_a_plan_folder_without_tasks_is_an_error_naming_the_folder_and_the_file(tmp_path):
    from cchc_lib.inputs.plan import read_plan

    folder = write_plan(tmp_path, TASKS, [])
    (folder / "plan" / "tasks.csv").rename(folder / "plan" / "tasks (1).csv")
    plan, problems = read_plan(folder)
    assert plan is None
    assert problems[["file", "value", "severity"]].values.tolist() == [["plan/", "tasks (1).csv", "error"]]
    assert "no tasks.csv or tasks.xlsx; found tasks (1).csv" in problems["problem_en"].iloc[0]
    with pytest.raises(DataError, match=r"plan/, dòng/row -, cột/column -: 'tasks \(1\).csv'"):
        load_plan(folder)
    (folder / "plan" / "tasks (1).csv").unlink()
    with pytest.raises(DataError, match=r"the plan folder has no tasks.csv or tasks.xlsx"):
        load_plan(folder)


def test_a_plan_column_written_twice_is_named(tmp_path):
    folder = write_plan(tmp_path, TASKS, ["A-1,31/01/2023,20/01/2023,hoàn thành,QĐ 1,,đang thực hiện"])
    updates = folder / "plan" / "updates.csv"
    text = updates.read_text(encoding="utf-8-sig").replace("note\n", "note,status\n", 1)
    updates.write_text(text, encoding="utf-8-sig")
    problems = load_plan(folder, strict=False).problems
    assert problems[["file", "row", "column", "problem_en"]].values.tolist() == [
        ["updates.csv", 1, "status", "two columns give status: keep one"]]


def test_another_plan_file_saved_as_a_copy_is_named(tmp_path):
    folder = write_plan(tmp_path, TASKS, [])
    (folder / "plan" / "updates.csv").rename(folder / "plan" / "Updates - Copy.csv")
    (folder / "plan" / "~$targets.xlsx").write_bytes(b"lock")
    problems = load_plan(folder, strict=False).problems
    assert problems[["file", "value"]].values.tolist() == [["plan/", "Updates - Copy.csv"]]


@pytest.mark.parametrize("year", ["yes", "'20 23'", "1800", "3000", "", "'3000'"])
def test_a_plan_year_that_cannot_be_right_names_the_file_and_the_key(tmp_path, year):
    from cchc_lib.inputs.plan import read_plan

    folder = write_plan(tmp_path, TASKS, [])
    (folder / "plan" / "plan.yaml").write_text(f"year: {year}\ntitle: x\n", encoding="utf-8")
    plan, problems = read_plan(folder)
    assert plan is None and problems[["file", "column"]].values.tolist() == [["plan.yaml", "year"]]
    with pytest.raises(DataError, match=r"plan\.yaml, dòng/row -, cột/column year"):
        load_plan(folder)


def test_a_quoted_plan_year_is_the_year(tmp_path):
    folder = write_plan(tmp_path, TASKS, [])
    (folder / "plan" / "plan.yaml").write_text("year: '2023'\ntitle: x\n", encoding="utf-8")
    assert load_plan(folder).year == 2023


def test_plan_dates_outside_their_window_are_named(tmp_path):
    folder = write_plan(tmp_path, [*TASKS, "C-1,3,Bộ máy,X,Y,Z,Tháng 01/2032,,"], [
        "A-1,31/01/2023,20/01/2099,hoàn thành,,",
        "A-1,31/01/2023,20/01/1999,đang thực hiện,,",
    ], milestones=["B-2,31/12/2030,date,31/12/2030,Nộp,", "B-2,15/02/2024,date,15/02/2024,Nộp,"])
    problems = load_plan(folder, strict=False).problems
    found = {(p.file, p.row, p.column, p.severity, p.problem_en.split(":")[0]) for p in problems.itertuples()}
    assert found == {
        ("tasks.csv", 6, "timing", "error",
         "deadline 31/01/2032 far from the plan year (only the year before to the year after)"),
        ("updates.csv", 2, "date", "error", "update dated after the day the report is made"),
        ("updates.csv", 3, "date", "error", "date before 01/01/2000"),
        ("milestones.csv", 2, "due", "error",
         "deadline 31/12/2030 far from the plan year (only the year before to the year after)"),
        ("milestones.csv", 3, "due", "warning", "milestone 15/02/2024 falls outside the plan year"),
    }
    plan = load_plan(folder, strict=False)
    assert [m.key for m in plan.milestones if m.task_id in ("B-2", "C-1")] == ["15/02/2024"]
