"""The reform index self-assessment: criteria files read and checked, each method's points by hand."""

import json
from pathlib import Path

import pytest

from cchc_lib.base.paths import SAMPLE_DATA_DIR
from cchc_lib.base.problems import ProblemError
from cchc_lib.figures.scoring import score
from cchc_lib.inputs.criteria import check_scoring, load_scoring
from cchc_lib.inputs.loading import load_dossiers
from cchc_lib.inputs.plan import load_plan
from cchc_lib.inputs.unit import read_unit
from cchc_lib.running.checks import validate_data

from .conftest import write_data_dir

HEADER = "id,text,max,method,source,rule,target,thresholds,evidence"
TASKS = """task_id,area,area_name,task,deliverable,owner,timing,timing_corrected,correction_note
T1,1,Lĩnh vực một,Việc có bốn mốc,,Công chức A,Tháng 01/2023; Tháng 03/2023; Tháng 05/2023; Tháng 11/2023,,
T2,1,Lĩnh vực một,Việc thường xuyên,,Công chức B,Thường xuyên trong năm,,
T3,2,Lĩnh vực hai,Việc khi có hướng dẫn,,Công chức C,"Khi có hướng dẫn của tỉnh, huyện",,
T4,2,Lĩnh vực hai,Việc một mốc,,Công chức C,Tháng 02/2023,,
"""
UPDATES = """task_id,milestone,date,status,evidence,note
T1,31/01/2023,20/01/2023,hoàn thành,Kế hoạch số 1/KH-UBND,
T1,31/03/2023,10/04/2023,hoàn thành,Báo cáo số 2/BC-UBND,
T2,continuous,01/03/2023,đang thực hiện,Sổ theo dõi quý I,
T3,on_notice,01/03/2023,đang thực hiện,,
T4,28/02/2023,20/02/2023,hoàn thành,,
"""
INDICATORS = """indicator,period,value,source,note
ind_a,2023-Q1,90%,Thống kê quý I,
ind_a,2023-Q2,95%,Thống kê quý II,
ind_a,2023-Q3,99%,Thống kê quý III,
"""
DOSSIERS = [  # 3 of 4 resolved on time or early: on_time_rate 75%
    "K1,P,F,01/02/2023,10/02/2023,05/02/2023,resolved,direct,,,,",
    "K2,P,F,01/02/2023,10/02/2023,10/02/2023,resolved,direct,,,,",
    "K3,P,F,01/03/2023,10/03/2023,08/03/2023,resolved,online,full,,,",
    "K4,P,F,01/03/2023,10/03/2023,15/03/2023,resolved,online,full,,,",
]


def _folder(tmp_path: Path, criteria: list[str], self_scores: list[str] | None = None,
            comments: tuple[str, ...] = (), plan: bool = True) -> Path:
    folder = write_data_dir(tmp_path / "xa", DOSSIERS)
    if plan:
        (folder / "plan").mkdir()
        (folder / "plan" / "plan.yaml").write_text("year: 2023\n", encoding="utf-8")
        (folder / "plan" / "tasks.csv").write_text(TASKS, encoding="utf-8")
        (folder / "plan" / "updates.csv").write_text(UPDATES, encoding="utf-8")
        (folder / "plan" / "indicators.csv").write_text(INDICATORS, encoding="utf-8")
    (folder / "scoring").mkdir()
    (folder / "scoring" / "criteria.csv").write_text("\n".join([*comments, HEADER, *criteria]) + "\n",
                                                     encoding="utf-8")
    if self_scores is not None:
        (folder / "scoring" / "self-scores.csv").write_text(
            "\n".join(["id,score,evidence,official,note", *self_scores]) + "\n", encoding="utf-8")
    return folder


def _score(folder: Path, period: str = "2023-Q2") -> dict:
    plan = load_plan(folder)
    scoring = load_scoring(folder, plan)
    return score(scoring, unit=read_unit(folder), period=period, cutoff="decree09",
                 data=load_dossiers(folder), plan=plan)


def _rows(result: dict) -> dict[str, dict]:
    return {c["id"]: c for area in result["areas"] for c in area["criteria"]}


def _problems(folder: Path) -> list[tuple]:
    table = check_scoring(folder, load_plan(folder, strict=False))
    return [(p.file, p.row, p.column, p.problem_en, p.severity) for p in table.itertuples()]


# ---- each method, points worked out by hand -------------------------------------------------------

def test_milestones_on_time_late_overdue_and_open(tmp_path):
    folder = _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,Bốn mốc,100,milestones,T1,,,,Kế hoạch; báo cáo"])
    during = _rows(_score(folder, "2023-Q2"))["1.1"]  # as of 14/06/2023
    # 4 milestones of 25: 31/01 on time 25, 31/03 late 12.5, 31/05 overdue 0 (at risk), 30/11 open
    assert (during["score"], during["at_risk"], during["open"]) == (37.5, 25.0, 25.0)
    assert during["flags"] == ["overdue"]
    assert during["evidence"] == ["Kế hoạch số 1/KH-UBND", "Báo cáo số 2/BC-UBND"]
    assert during["how"].startswith("1/4 mốc hoàn thành đúng hạn, 1 mốc hoàn thành trễ hạn")
    assert "1 × 25 + 1 × 12,5 = 37,5 điểm" in during["how"]
    assert during["official"] == "Công chức A" and during["expected_evidence"] == "Kế hoạch; báo cáo"
    year = _rows(_score(folder, "2023-Y"))["1.1"]  # 30/11 overdue too; at the year's end nothing is at risk
    assert (year["score"], year["at_risk"], year["open"]) == (37.5, 0.0, 0.0)


LATE_TASKS = """T5,1,Lĩnh vực một,Việc có mốc cuối năm,,Công chức D,Tháng 03/2023; trước ngày 20/12/2023,,
T6,1,Lĩnh vực một,Việc chỉ có mốc cuối năm,,Công chức D,trước ngày 25/12/2023,,
"""
LATE_UPDATES = """T5,31/03/2023,20/03/2023,hoàn thành,Báo cáo số 5/BC-UBND,
T5,20/12/2023,18/12/2023,hoàn thành,Báo cáo số 6/BC-UBND,
"""


def late_folder(tmp_path: Path) -> Path:
    """Milestones due after 14/12/2023, the year's last day under decree09 (20/12 done on 18/12,
    25/12 not done): 1.1 half due, 1.3 not due at all."""
    folder = _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,Hai mốc,40,milestones,T5,,,,",
                                "1.2,Tự chấm,50,manual,,,,,", "1.3,Mốc cuối năm,10,milestones,T6,,,,"],
                     ["1.2,30,Biên bản số 3,,"])
    (folder / "plan" / "tasks.csv").write_text(TASKS + LATE_TASKS, encoding="utf-8")
    (folder / "plan" / "updates.csv").write_text(UPDATES + LATE_UPDATES, encoding="utf-8")
    return folder


def test_points_not_yet_due_are_named_apart_from_the_points_due(tmp_path):
    """At the data's last day (14/12/2023) the milestones due 20/12 and 25/12 hold their points
    apart: neither scored nor counted as 0; the total is over the points due."""
    folder = late_folder(tmp_path)
    result = _score(folder, "2023-Y")
    rows = _rows(result)
    assert (rows["1.1"]["score"], rows["1.1"]["points_due"], rows["1.1"]["points_not_yet_due"]) == (20.0, 20.0, 20.0)
    assert rows["1.1"]["not_yet_due_dates"] == ["2023-12-20"]
    assert rows["1.1"]["how"] == ("1/2 mốc hoàn thành đúng hạn, 1 mốc chưa đến hạn (hạn 20/12/2023): 1 × 20 = 20 điểm; "
                                  "20 điểm chấm khi đến hạn")
    assert rows["1.3"]["how"] == "1/1 mốc chưa đến hạn (hạn 25/12/2023): 10 điểm chấm khi đến hạn"
    assert (rows["1.3"]["score"], rows["1.3"]["points_due"], rows["1.3"]["open"]) == (0.0, 0.0, 10.0)
    assert rows["1.2"]["how"] == "Tự chấm 30/50 điểm" and rows["1.2"]["points_due"] == 50.0
    assert rows["1"]["how"] == "Tổng điểm các tiêu chí thành phần: 20 + 30 = 50 điểm; tiêu chí 1.3 chưa đến hạn"
    area = result["areas"][0]
    assert (area["score"], area["points_due"], area["points_not_yet_due"]) == (50.0, 70.0, 30.0)
    assert (result["max"], result["score"], result["points_due"], result["points_not_yet_due"], result["open"]) == (
        100.0, 50.0, 70.0, 30.0, 30.0)
    assert result["score_text"] == "50 / 70 điểm đến hạn; 30 điểm chưa đến hạn"
    # the calendar year ends 31/12: 20/12 done on time, 25/12 overdue; everything is due
    plan = load_plan(folder)
    calendar = score(load_scoring(folder, plan), unit=read_unit(folder), period="2023-Y", cutoff="calendar",
                     data=load_dossiers(folder), plan=plan)
    assert (calendar["score"], calendar["points_due"], calendar["points_not_yet_due"]) == (70.0, 100.0, 0.0)
    assert calendar["score_text"] == "70 / 100 điểm"
    assert _rows(calendar)["1.3"]["flags"] == ["overdue"]


def test_continuous_work_counts_with_evidence_and_points_without_a_document_are_flagged(tmp_path):
    folder = _folder(tmp_path, [
        "1,Lĩnh vực một,6,,,,,,", "1.1,Thường xuyên,6,milestones,T2,,,,",
        "2,Lĩnh vực hai,94,,,,,,", "2.1,Khi có hướng dẫn,4,milestones,T3,,,,",
        "2.2,Một mốc không có tài liệu,90,milestones,T4,,,,",
    ])
    rows = _rows(_score(folder))
    assert (rows["1.1"]["score"], rows["1.1"]["flags"], rows["1.1"]["evidence"]) == (6.0, [], ["Sổ theo dõi quý I"])
    assert (rows["2.1"]["score"], rows["2.1"]["at_risk"]) == (0.0, 4.0)  # an update, but no document
    assert (rows["2.2"]["score"], rows["2.2"]["flags"]) == (90.0, ["no_evidence"])


def test_kpi_proportional_and_thresholds(tmp_path):
    folder = _folder(tmp_path, [
        "1,Lĩnh vực một,100,,,,,,",
        "1.1,Đúng hạn theo tỷ lệ,4,kpi,on_time_rate,proportional,80%,,",
        "1.2,Đúng hạn theo ngưỡng,6,kpi,on_time_rate,thresholds,,\"90%:1; 70%:0,5\",",
        "1.3,Ngưỡng không đạt,5,kpi,on_time_rate,thresholds,,99%:1,",
        "1.4,Đạt chỉ tiêu,85,kpi,on_time_rate,proportional,0.7,,",
    ])
    rows = _rows(_score(folder))
    assert rows["1.1"]["score"] == 3.75  # 75% × 4 / 80%
    assert rows["1.1"]["how"] == ("Tỷ lệ 75,0% (3/4 hồ sơ) so với chỉ tiêu 80%: 75,0% × 4 / 80% = 3,75 điểm")
    assert (rows["1.1"]["at_risk"], rows["1.1"]["flags"]) == (0.25, ["below_target"])
    assert (rows["1.2"]["score"], rows["1.2"]["at_risk"]) == (3.0, 3.0)  # ≥ 70%: half of 6
    assert (rows["1.3"]["score"], rows["1.3"]["at_risk"]) == (0.0, 5.0)
    assert "dưới mức thấp nhất 99%" in rows["1.3"]["how"]
    assert (rows["1.4"]["score"], rows["1.4"]["flags"]) == (85.0, [])
    assert rows["1.1"]["evidence"] and rows["1.1"]["rule"] == "proportional"


def test_indicator_takes_the_latest_period_ending_by_the_as_of_date(tmp_path):
    folder = _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,",
                                "1.1,Chỉ số nhập tay,100,indicator,ind_a,proportional,100%,,"])
    q1, q2 = _rows(_score(folder, "2023-Q1"))["1.1"], _rows(_score(folder, "2023-Q2"))["1.1"]
    assert (q1["score"], q1["evidence"]) == (90.0, ["Thống kê quý I"])
    assert (q2["score"], q2["at_risk"], q2["evidence"]) == (95.0, 5.0, ["Thống kê quý II"])


def test_kpi_without_data_and_target_conflicts(tmp_path):
    folder = _folder(tmp_path, [
        "1,Lĩnh vực một,100,,,,,,", "1.1,Hài lòng,50,kpi,satisfaction_rate,proportional,95%,,",
        "1.2,Đúng hạn,50,kpi,on_time_rate,proportional,95%,,",
    ])
    (folder / "plan" / "targets.csv").write_text(
        "target_id,kpi,comparison,value,where,sentence\nA,on_time_rate,>=,95%,,\nB,on_time_rate,>=,99%,,\n",
        encoding="utf-8")
    result = _score(folder)
    rows = _rows(result)
    assert (rows["1.1"]["score"], rows["1.1"]["flags"]) == (None, ["data_missing"])  # no dossier rated
    assert "target_conflict" in rows["1.2"]["flags"]
    assert rows["1"]["flags"] == ["data_missing"] and rows["1"]["score"] == rows["1.2"]["score"]
    assert result["flags"] == {"data_missing": 1, "below_target": 1, "target_conflict": 1}


def test_manual_self_scores_and_a_score_overriding_the_data(tmp_path):
    folder = _folder(tmp_path, [
        "1,Lĩnh vực một,100,,,,,,", "1.1,Tự chấm có tài liệu,20,manual,,,,,Biên bản",
        "1.2,Tự chấm không tài liệu,20,manual,,,,,", "1.3,Chưa chấm,20,manual,,,,,",
        "1.4,Sửa điểm tính được,40,kpi,on_time_rate,proportional,100%,,",
    ], ["1.1,\"15,5\",Biên bản kiểm tra; Báo cáo số 9,Chủ tịch,", "1.2,10,,,",
        "1.4,40,Văn bản giải trình,,Đã giải trình"])
    result = _score(folder)
    rows = _rows(result)
    assert (rows["1.1"]["score"], rows["1.1"]["evidence"], rows["1.1"]["official"]) == (
        15.5, ["Biên bản kiểm tra", "Báo cáo số 9"], "Chủ tịch")
    assert (rows["1.2"]["score"], rows["1.2"]["flags"]) == (10.0, ["no_evidence"])
    assert (rows["1.3"]["score"], rows["1.3"]["flags"]) == (None, ["data_missing"])
    assert (rows["1.4"]["score"], rows["1.4"]["flags"], rows["1.4"]["note"]) == (40.0, ["overridden"], "Đã giải trình")
    assert "30 điểm" in rows["1.4"]["how"]  # the computed points kept in the sentence: 75% × 40
    assert rows["1.4"]["evidence"][-1] == "Văn bản giải trình"
    assert rows["1"]["score"] == 15.5 + 10 + 40 and "data_missing" in rows["1"]["flags"]
    assert result["score"] == 65.5


def test_the_json_shape(tmp_path):
    folder = _folder(tmp_path, ["1,Lĩnh vực một,60,,,,,,", "1.1,A,60,manual,,,,,", "2,Lĩnh vực hai,40,,,,,,",
                                "2.1,B,40,sum,,,,,", "2.1.1,C,40,manual,,,,,"],
                     comments=("# VÍ DỤ: bộ tiêu chí thử, thay bằng bộ của tỉnh",))
    result = json.loads(json.dumps(_score(folder)))
    assert list(result)[:3] == ["schema_version", "kind", "unit"] and result["kind"] == "chi-so-cchc"
    assert (result["period"], result["start"], result["end"], result["year_end"]) == (
        "2023-Q2", "2022-12-15", "2023-06-14", False)
    assert result["example"] is True and result["self_scores_file"] is None
    assert result["criteria_file"] == "scoring/criteria.csv"
    assert [c["id"] for c in result["areas"][1]["criteria"]] == ["2", "2.1", "2.1.1"]
    assert [c["level"] for c in result["areas"][1]["criteria"]] == [1, 2, 3]
    assert set(result["areas"][1]["criteria"][2]) == {
        "id", "parent", "level", "text", "max", "method", "source", "rule", "score", "at_risk", "open", "how",
        "evidence", "expected_evidence", "official", "note", "flags", "points_due", "points_not_yet_due",
        "not_yet_due_dates"}
    assert {"points_due", "points_not_yet_due"} <= set(result["areas"][0])
    assert (result["max"], result["points_due"], result["points_not_yet_due"]) == (100.0, 100.0, 0.0)
    assert result["areas"][1]["criteria"][2]["parent"] == "2.1"


# ---- checks -------------------------------------------------------------------------------------------

def test_children_that_do_not_add_up_name_the_parents_row_and_the_sum(tmp_path):
    folder = _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,A,40,manual,,,,,", "1.2,B,\"50,5\",manual,,,,,"],
                     comments=("# bộ tiêu chí thử",))
    found = _problems(folder)
    assert found == [("scoring/criteria.csv", 3, "max", "the sub-criteria's max add up to 90.5, not 100", "error")]
    with pytest.raises(ProblemError, match="add up to 90.5"):
        load_scoring(folder, load_plan(folder))
    vi = check_scoring(folder, load_plan(folder))["problem_vi"].iloc[0]
    assert "90,5" in vi


def test_unknown_links_are_refused(tmp_path):
    folder = _folder(tmp_path, [
        "1,Lĩnh vực một,100,,,,,,", "1.1,A,25,milestones,T1;T9,,,,", "1.2,B,25,kpi,speed,proportional,99%,,",
        "1.3,C,25,indicator,ind_z,thresholds,,99%:1,", "1.4,D,25,kpi,,proportional,99%,,",
    ])
    found = {(row, column): en for _, row, column, en, _ in _problems(folder)}
    assert found[(3, "source")] == "unknown task id (not in plan/tasks.csv): T9"
    assert found[(4, "source")].startswith("unknown dossier KPI: speed")
    assert found[(5, "source")].startswith("unknown indicator")
    assert found[(6, "source")].startswith("the method needs its source")


def test_malformed_rows(tmp_path):
    folder = _folder(tmp_path, [
        "1,Lĩnh vực một,90,,,,,,", "1.1,A,10,manual,,,,,", "1.1,A lần nữa,10,manual,,,,,", "1.x,B,10,manual,,,,,",
        "3.1,Không có cha,10,manual,,,,,", "1.2,C,-5,manual,,,,,", "1.3,D,10,guess,,,,,",
        "1.4,E,10,kpi,on_time_rate,linear,,,", "1.5,F,10,kpi,on_time_rate,thresholds,,99%-1,",
        "1.6,G,10,kpi,on_time_rate,proportional,150%,,", "1.7,H,10,,,,,,",
    ], ["1.1,11,x,,", "1.2,-1,,,", "9.9,1,,,", "1,5,,,"])
    found = {(file.split("/")[-1], row, column, en) for file, row, column, en, _ in _problems(folder)}
    assert ("criteria.csv", 4, "id", "same criterion id as another row") in found
    assert any(r == 5 and c == "id" and en.startswith("a criterion id is a number") for _, r, c, en in found)
    assert ("criteria.csv", 6, "id", "no parent criterion 3") in found
    assert ("criteria.csv", 7, "max", "max must be a number of points, not negative") in found
    assert any(r == 8 and c == "method" and en.startswith("method must be one of") for _, r, c, en in found)
    assert ("criteria.csv", 9, "rule", "rule must be proportional or thresholds") in found
    assert any(r == 10 and c == "thresholds" for _, r, c, _ in found)
    assert any(r == 11 and c == "target" for _, r, c, _ in found)
    assert any(r == 12 and c == "method" and "needs a method" in en for _, r, c, en in found)
    assert ("self-scores.csv", 2, "score", "score above the criterion's max 10") in found
    assert ("self-scores.csv", 3, "score", "score must be a number of points, not negative") in found
    assert ("self-scores.csv", 4, "id", "no such criterion in criteria.csv") in found
    assert any(f == "self-scores.csv" and r == 5 and "sum of its children" in en for f, r, _, en in found)
    warnings = [p for p in _problems(folder) if p[4] == "warning"]
    assert warnings == [("scoring/criteria.csv", None, "max", "the areas' max add up to 90, not 100", "warning")]


def test_a_part_of_the_points_above_one_and_a_file_in_two_forms_are_refused(tmp_path):
    folder = _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", '1.1,A,100,kpi,on_time_rate,thresholds,,"95%:2",'])
    found = [(row, column) for _, row, column, _, severity in _problems(folder) if severity == "error"]
    assert found == [(3, "thresholds")]  # 2 is no part of the points (read as 2 % it would pass unseen)
    import pandas as pd

    pd.DataFrame({"id": ["1"], "text": ["x"], "max": [100]}).to_excel(folder / "scoring" / "criteria.xlsx", index=False)
    assert ("scoring/criteria.xlsx", None, "", "both criteria.csv and criteria.xlsx are there: keep one",
            "error") in _problems(folder)


def test_no_scoring_folder_and_a_folder_without_criteria(tmp_path):
    folder = write_data_dir(tmp_path / "xa", DOSSIERS)
    assert load_scoring(folder, None) is None and check_scoring(folder, None).empty
    (folder / "scoring").mkdir()
    assert check_scoring(folder, None)["problem_en"].tolist() == ["the scoring folder has no criteria.csv or "
                                                                 "criteria.xlsx"]


def test_criteria_linking_the_plan_in_a_folder_without_one(tmp_path):
    folder = _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,A,100,milestones,T1,,,,"], plan=False)
    assert [(row, column) for _, row, column, _, _ in _problems(folder)] == [(3, "source")]


def test_the_criteria_are_read_once_while_their_files_and_the_plan_are_unchanged(tmp_path, monkeypatch):
    import os

    from cchc_lib.inputs import criteria

    folder = _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,A,100,milestones,T1,,,,"])
    for path in [folder / "scoring", *(folder / "scoring").iterdir()]:
        os.utime(path, (1_600_000_000, 1_600_000_000))  # settled: written long ago
    reads = []
    real = criteria._read_scoring
    monkeypatch.setattr(criteria, "_read_scoring", lambda *a: reads.append(a) or real(*a))
    plan = load_plan(folder)
    first, second = load_scoring(folder, plan), load_scoring(folder, plan)
    assert len(reads) == 1 and first.criteria == second.criteria and first is not second
    load_scoring(folder, None)  # other links: read again
    assert len(reads) == 2


def test_validate_lists_the_scoring_problems(tmp_path):
    folder = _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,A,100,kpi,speed,proportional,99%,,"])
    table = validate_data(folder)
    assert table.loc[table["file"] == "scoring/criteria.csv", "row"].tolist() == [3]


# ---- the sample -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    plan = load_plan(SAMPLE_DATA_DIR)
    return plan, load_scoring(SAMPLE_DATA_DIR, plan), load_dossiers(SAMPLE_DATA_DIR)


def _sample_score(sample, period: str) -> dict:
    plan, scoring, data = sample
    return score(scoring, unit=read_unit(SAMPLE_DATA_DIR), period=period, cutoff="decree09", data=data, plan=plan)


def test_the_sample_criteria_are_an_example_of_every_method(sample):
    plan, scoring, _ = sample
    assert scoring.example and check_scoring(SAMPLE_DATA_DIR, plan).empty
    assert [a.id for a in scoring.areas] == sorted(set(plan.tasks["area"]))
    names = dict(zip(plan.tasks["area"], plan.tasks["area_name"], strict=False))
    assert all(a.text == names[a.id] for a in scoring.areas)
    assert {c.method for c in scoring.criteria.values()} == {"sum", "milestones", "kpi", "indicator", "manual"}
    assert {c.rule for c in scoring.criteria.values() if c.method == "kpi"} == {"proportional", "thresholds"}
    assert {c.source[0] for c in scoring.criteria.values() if c.method == "indicator"} == {
        "officials_qualified", "e_work_files"}


def test_the_sample_years_self_assessment(sample):
    result = _sample_score(sample, "2023-Y")
    assert result["max"] == 100 and result["year_end"] is True
    assert result["score"] == round(sum(a["score"] for a in result["areas"]), 2)
    for area in result["areas"]:
        assert area["criteria"][0]["id"] == area["id"]
        children = [c for c in area["criteria"] if c["parent"] == area["id"]]
        assert area["score"] == round(sum(c["score"] or 0 for c in children), 2)
    rows = _rows(result)
    assert rows["7.5"]["flags"] == ["no_evidence"]  # a self-score without a document
    assert "target_conflict" in rows["2.2.4"]["flags"]  # satisfaction: 95%, 96% and 100% in the plan
    assert result["flags"]["overdue"] >= 1
    json.dumps(result)


def test_the_sample_during_the_year_shows_open_and_at_risk_points(sample):
    result = _sample_score(sample, "2023-Q2")
    assert result["year_end"] is False and result["end"] == "2023-06-14"
    assert result["open"] > 0 and result["at_risk"] > 0
    rows = _rows(result)
    assert rows["5.2"]["open"] == 3 and rows["5.2"]["score"] == 0  # the investment plan is due in November
    assert rows["4.3"]["at_risk"] > 0  # continuous work without a document by the as-of date
    assert result["points_due"] == round(result["max"] - result["open"], 2) and result["points_not_yet_due"] > 0
    year = _sample_score(sample, "2023-Y")
    assert result["score"] < year["score"]
