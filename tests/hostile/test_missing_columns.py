"""Hostile cases of exports that lack the columns a figure needs: an export of the code, the
procedure and the receipt date alone, and exports each without one optional column. A figure
the data cannot tell is null in the JSON and "không có số liệu" in the documents, with a notice
naming the column (docs/figures.md, "What an export without a column cannot tell"); a
figure the export does tell is the one the whole export gives. The summaries are built through
the library; two cases run ``cchc report`` for one quarter."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc_lib import build_summary, check_parameters, load_dossiers, load_plan
from cchc_lib.figures.coverage import KPI_NEEDS
from cchc_lib.figures.dossiers import COUNT_KEYS, KPI_NAMES_VI
from cchc_lib.figures.rollup import build_rollup_summary
from cchc_lib.inputs.narrative import read_narrative
from cchc_lib.outputs.document import build_document
from cchc_lib.outputs.rollup_outputs import build_rollup_document
from cchc_lib.outputs.xlsx_report import build_workbook

from .support import EARLIER, PERSONAL_HEADERS, Page, assert_no_personal, cchc, file_text, snapshot

PERIOD = "2023-Q1"  # the window of the first 400 dossiers of the sample (make_data)
BARE = ("dossier_id", "procedure", "received_at")  # the export of the hostile review
FINISHING_COUNTS = [k for k in COUNT_KEYS if k not in ("received_online", "received_direct_postal")]
# a sentence that states late or overdue dossiers as counted: "17 hồ sơ quá hạn", "trong đó 5 hồ sơ đã quá hạn"
OVERDUE_FIGURE = re.compile(r"\d[\d.]* hồ sơ (đã )?(quá hạn|trễ hạn)|chưa có thư xin lỗi|không có hồ sơ (quá|trễ) hạn")


def _keep_columns(data: Path, keep=None, drop=()) -> Path:
    """The data folder's export with only the columns ``keep`` (and the planted personal ones), or
    without the columns ``drop``."""
    path = data / "dossiers.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    kept = [i for i, h in enumerate(header)
            if (h in PERSONAL_HEADERS or (keep is None or h in keep)) and h not in drop]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[row[i] for i in kept] for row in rows])
    return data


def _summary(data: Path, period: str = PERIOD) -> dict:
    ctx = check_parameters(period, "decree09", str(data))
    return build_summary(ctx, load_dossiers(ctx.data_dir), load_plan(ctx.data_dir))


def _document_text(summary: dict, data: Path) -> str:
    ctx = check_parameters(summary["period"], "decree09", str(data))
    return json.dumps(build_document(summary, ctx.unit.document, read_narrative(data, summary["period"])),
                      ensure_ascii=False)


@pytest.fixture
def full(tmp_path: Path) -> dict:
    """The summary of the same 400 dossiers with every column."""
    from .support import make_data

    return _summary(make_data(tmp_path / "xa-du"))


# ---- the export of the code, the procedure and the receipt date ------------------------------

def test_an_export_without_resolution_or_channel_tells_no_resolved_pending_or_overdue_count(data, full):
    summary = _summary(_keep_columns(data, keep=BARE))
    total = summary["dossiers"]["total"]
    assert set(total) == set(COUNT_KEYS) and all(total[k] is None for k in COUNT_KEYS), total
    assert all(c[k] is None for c in summary["dossiers"]["by_field"].values() for k in COUNT_KEYS)
    # what the export does tell is still given: the dossiers received in the window (refused ones
    # among them: without a status they cannot be told apart, and the notice says so)
    assert summary["dossiers"]["received_in_period"] >= full["dossiers"]["received_in_period"] > 0
    assert set(summary["kpis"]) == set(KPI_NEEDS) and all(v is None for v in summary["kpis"].values())
    assert all(p == {"numerator": None, "denominator": None} for p in summary["kpi_parts"].values())
    assert all(v is None for v in summary["previous"]["kpis"].values())
    assert summary["processing_days"] == {"count": None, "mean": None, "p90": None}
    assert summary["late_dossiers"] is None
    assert [b["band"] for b in summary["backlog_by_age"]] == [b["band"] for b in full["backlog_by_age"]]
    assert all(b["pending"] is None and b["overdue"] is None for b in summary["backlog_by_age"])
    assert all(m["online"] is None for m in summary["dossiers"]["by_month"])
    index = summary["service_index"]
    assert index["points"] is None and index["max_computable"] == 0
    for item in (i for g in index["groups"] for i in g["indicators"] if i["indicator"] in ("2.1", "5.1", "6.1")):
        assert item["points"] is None and "ngày trả kết quả" in item["note"]
    dossier_targets = [t for t in summary["targets"] if t["kpi"] in KPI_NEEDS]
    assert dossier_targets and all(t["actual"] is None and t["met"] is None for t in dossier_targets)
    quality = summary["data_quality"]
    assert quality["missing_columns"] == ["resolved_at", "outcome", "channel", "online_level", "e_result",
                                          "satisfaction", "apology_at"]
    named = {n["column"]: n for n in quality["notices"]}
    assert "refused dossiers cannot be told apart" in named["outcome"]["problem_en"]
    for column in quality["missing_columns"]:
        assert named[column]["file"] == "dossiers.csv" and column in named[column]["problem_en"]
        assert named[column] in quality["warning_list"]
    assert_no_personal(json.dumps(summary, ensure_ascii=False))


def test_the_document_says_the_data_does_not_carry_the_resolution_and_states_no_overdue_figure(data):
    summary = _summary(_keep_columns(data, keep=BARE))
    text = _document_text(summary, data)
    assert "không có thông tin ngày trả kết quả và kết quả xử lý" in text
    assert "không có số liệu" in text.lower()
    assert not OVERDUE_FIGURE.search(text), OVERDUE_FIGURE.search(text).group(0)
    for name in KPI_NAMES_VI.values():  # no rate in a sentence or a table, above all no apology coverage of 0 %
        assert not re.search(re.escape(name) + r'(: |", ")\d', text), name
    assert "Tỷ lệ hồ sơ trễ hạn có thư xin lỗi: không có số liệu" in text
    assert "Chỉ số tiến độ giải quyết (QĐ 766, 2.1): không có số liệu" in text
    assert_no_personal(text)


def test_the_workbook_writes_no_count_the_export_cannot_tell(data):
    summary = _summary(_keep_columns(data, keep=BARE))
    workbook = build_workbook(summary)
    form = workbook.worksheets[0]
    cells = [c.value for row in form.iter_rows() for c in row]
    counts = [row[2:13] for row in form.iter_rows(values_only=True) if row[1] == "Tổng số"]
    assert counts and all(v == "—" for v in counts[0]), counts  # no count, and never 0 or blank
    assert "—: không có số liệu (dữ liệu hồ sơ không có thông tin ngày trả kết quả, kết quả xử lý và hình thức nộp " \
           "hồ sơ)." in cells
    kpis = [row for row in workbook.worksheets[1].iter_rows(values_only=True)]
    assert all(row[2] == "Không có số liệu" for row in kpis if row[1] in ("Tỷ lệ hồ sơ trễ hạn có thư xin lỗi",
                                                                         "Chỉ số tiến độ giải quyết (QĐ 766, 2.1)"))
    late = [v for row in workbook.worksheets[2].iter_rows(values_only=True) for v in row if isinstance(v, str)]
    assert any(v.startswith("Không có số liệu: dữ liệu hồ sơ không có thông tin ngày trả kết quả") for v in late)


# ---- one optional column missing --------------------------------------------------------------

@pytest.mark.parametrize(("column", "unknown"), [
    ("apology_at", {"apology_coverage"}),
    ("satisfaction", {"satisfaction_rate"}),
    ("e_result", {"e_result_rate"}),
    ("online_level", {"full_online_rate"}),
    ("channel", {"online_rate", "full_online_rate"}),
])
def test_an_export_without_one_column_leaves_only_the_figures_that_need_it(data, full, column, unknown):
    summary = _summary(_keep_columns(data, drop=(column,)))
    for key, value in summary["kpis"].items():
        if key in unknown:
            assert value is None and summary["kpi_parts"][key] == {"numerator": None, "denominator": None}, key
        else:
            assert (value, summary["kpi_parts"][key]) == (full["kpis"][key], full["kpi_parts"][key]), key
    channel_counts = {"received_online", "received_direct_postal"} if column == "channel" else set()
    for key in COUNT_KEYS:
        assert summary["dossiers"]["total"][key] == (None if key in channel_counts else full["dossiers"]["total"][key])
    assert summary["processing_days"] == full["processing_days"]
    assert summary["data_quality"]["missing_columns"] == [column]
    notice = next(n for n in summary["data_quality"]["notices"] if n["column"] == column)
    assert notice["file"] == "dossiers.csv" and f"no {column} column" in notice["problem_en"]
    late = summary["late_dossiers"]
    assert [r["dossier_id"] for r in late] == [r["dossier_id"] for r in full["late_dossiers"]]
    assert all(r["apology"] is None for r in late) if column == "apology_at" else late == full["late_dossiers"]
    assert_no_personal(json.dumps(summary, ensure_ascii=False))


def test_late_dossiers_without_an_apology_column_are_not_said_to_lack_a_letter(data, full):
    summary = _summary(_keep_columns(data, drop=("apology_at",)))
    assert full["late_dossiers"], "the sample's window has late dossiers"
    text = _document_text(summary, data)
    assert "chưa có thư xin lỗi" not in text
    assert "không có thông tin ngày gửi thư xin lỗi" in text
    assert "Tỷ lệ hồ sơ trễ hạn có thư xin lỗi: không có số liệu" in text
    assert "Tỷ lệ hồ sơ trễ hạn có thư xin lỗi: 0%" not in text


def _split_export(data: Path, second_drops: tuple[str, ...], same_dossiers: bool) -> None:
    """The export as two files of ``dossiers/``: the first whole, the second without
    ``second_drops``; each with every dossier (``same_dossiers``) or each with half of them."""
    with (data / "dossiers.csv").open(encoding="utf-8", newline="") as f:
        header, *body = list(csv.reader(f))
    (data / "dossiers.csv").unlink()
    (data / "dossiers").mkdir()
    half = len(body) // 2
    kept = [i for i, h in enumerate(header) if h not in second_drops]
    for name, rows, columns in (("a.csv", body if same_dossiers else body[:half], range(len(header))),
                                ("b.csv", body if same_dossiers else body[half:], kept)):
        with (data / "dossiers" / name).open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([[row[i] for i in columns] for row in [header, *rows]])


def test_a_column_another_export_gives_for_the_same_dossiers_is_not_missing(data, full):
    _split_export(data, ("apology_at", "satisfaction"), same_dossiers=True)
    summary = _summary(data)
    assert summary["data_quality"]["missing_columns"] == []
    assert summary["kpis"] == full["kpis"] and summary["late_dossiers"] == full["late_dossiers"]


def test_an_export_of_other_dossiers_without_the_column_makes_the_figure_unknown(data, full):
    _split_export(data, ("apology_at",), same_dossiers=False)
    summary = _summary(data)
    assert summary["data_quality"]["missing_columns"] == ["apology_at"]
    notice = next(n for n in summary["data_quality"]["notices"] if n["column"] == "apology_at")
    assert notice["file"] == "dossiers/b.csv"
    assert summary["kpis"]["apology_coverage"] is None
    assert summary["kpis"]["on_time_rate"] == full["kpis"]["on_time_rate"]


def test_an_apology_column_left_empty_is_a_measured_share(data, full):
    """A column the export gives, every cell empty, says no letter was sent: 0 % is then a figure."""
    path = data / "dossiers.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    column = rows[0].index("apology_at")
    for row in rows[1:]:
        row[column] = ""
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    summary = _summary(data)
    assert summary["data_quality"]["missing_columns"] == []
    assert summary["kpis"]["apology_coverage"] == 0.0
    assert summary["kpi_parts"]["apology_coverage"]["denominator"] == len(full["late_dossiers"]) > 0


# ---- every column present ---------------------------------------------------------------------

def test_with_every_column_the_sample_figures_are_those_of_the_earlier_report(sample_dir):
    """The shipped sample (every column but the optional payment) gives the figures of the earlier
    good report kept with the tests, and no notice of a missing column."""
    summary = _summary(sample_dir)
    earlier = json.loads((EARLIER / f"{PERIOD}.json").read_text(encoding="utf-8"))
    for key in ("kpis", "kpi_parts", "processing_days", "late_dossiers", "backlog_by_age"):
        assert summary[key] == earlier[key], key
    assert {"total", "by_field", "received_in_period"} <= set(earlier["dossiers"])
    for key in earlier["dossiers"]:  # the keys the earlier report has (it predates the months)
        assert summary["dossiers"][key] == earlier["dossiers"][key], key
    assert summary["data_quality"]["missing_columns"] == [] and summary["data_quality"]["notices"] == []


# ---- the roll-up ------------------------------------------------------------------------------

def test_the_rollup_of_a_unit_without_resolution_sums_nothing_it_cannot_tell(data, full):
    bare = _summary(_keep_columns(data, keep=BARE))
    units = [{**full, "unit_slug": "xa-du", "unit": "Xã Đủ"}, {**bare, "unit_slug": "xa-thieu", "unit": "Xã Thiếu"}]
    rollup = build_rollup_summary(units, [], PERIOD, "decree09")
    assert all(rollup["dossiers"]["total"][k] is None for k in FINISHING_COUNTS)
    assert rollup["dossiers"]["received_in_period"] == (full["dossiers"]["received_in_period"]
                                                        + bare["dossiers"]["received_in_period"])
    assert rollup["kpis"]["apology_coverage"] is None and rollup["kpis"]["progress_766"] is None
    text = json.dumps(build_rollup_document(rollup), ensure_ascii=False)
    assert "Dữ liệu hồ sơ của 01/02 đơn vị không có thông tin ngày trả kết quả" in text
    assert "Các đơn vị không có hồ sơ trễ hạn" not in text
    assert "Chưa tổng hợp được hồ sơ trễ hạn của toàn địa bàn: dữ liệu hồ sơ của 01/02 đơn vị" in text
    assert 'Ô \\"không rõ\\": dữ liệu hồ sơ của 01/02 đơn vị' in text  # the form by unit, in the JSON's escaping
    assert not re.search(r"đang giải quyết (chưa rõ số hồ sơ|\d)", text)


# ---- cchc report ------------------------------------------------------------------------------

def _shown(path: Path) -> str:
    return " ".join(Page(path.read_text(encoding="utf-8")).text.split())


@pytest.mark.notebook
def test_a_report_of_the_bare_export_publishes_nulls_and_says_there_is_no_figure(data, earlier):
    _keep_columns(data, keep=BARE)
    kept = {name: digest for name, digest in snapshot(earlier).items() if name.startswith(PERIOD)}
    run = cchc("report", "2023-Q2", "--data", data, "--out", earlier, "--format", "json,html,docx,xlsx",
               "--jobs", "1")
    assert run.status == 0, run.text
    assert "Traceback" not in run.text
    after = snapshot(earlier)  # the earlier report of another period is untouched
    assert kept and all(after.get(name) == digest for name, digest in kept.items())
    summary = json.loads((earlier / "2023-Q2.json").read_text(encoding="utf-8"))
    assert all(summary["dossiers"]["total"][k] is None for k in COUNT_KEYS)
    assert all(v is None for v in summary["kpis"].values()) and summary["late_dossiers"] is None
    assert "resolved_at" in summary["data_quality"]["missing_columns"]
    report = _shown(earlier / "2023-Q2.html")
    word = file_text(earlier / "2023-Q2.docx")
    for text in (report, word):
        assert "không có số liệu" in text
        assert "không có thông tin ngày trả kết quả và kết quả xử lý" in text
        assert not OVERDUE_FIGURE.search(text), OVERDUE_FIGURE.search(text).group(0)
    workbook = load_workbook(earlier / "2023-Q2.xlsx")  # its XML writes letters as character references
    assert "Không có số liệu" in {c.value for ws in workbook for row in ws.iter_rows() for c in row}
    companion = _shown(earlier / "2023-Q2-noi-bo.html")
    assert "resolved_at" in companion and "apology_at" in companion  # the internal page names the columns
    assert "không có số liệu" in _shown(earlier / "index.html")
    assert_no_personal(earlier, run)


# ---- the reform index self-assessment -------------------------------------------------------------

def test_the_self_assessment_scores_no_criterion_on_a_rate_the_export_cannot_tell(data):
    from cchc_lib.figures.scoring import score
    from cchc_lib.inputs.criteria import load_scoring
    from cchc_lib.inputs.unit import read_unit

    _keep_columns(data, drop=("apology_at",))
    plan = load_plan(data)
    result = score(load_scoring(data, plan), unit=read_unit(data), period="2023-Q4", cutoff="decree09",
                   data=load_dossiers(data), plan=plan)
    rows = {c["source"]: c for a in result["areas"] for c in a["criteria"]
            if c["method"] == "kpi"}
    assert rows["apology_coverage"]["score"] is None and "data_missing" in rows["apology_coverage"]["flags"]
    assert rows["on_time_rate"]["score"] is not None  # a rate the export tells is scored as before


@pytest.mark.notebook
def test_a_report_of_an_export_without_apologies_states_no_apology_figure(data, tmp_path):
    _keep_columns(data, drop=("apology_at",))
    out = tmp_path / "reports"
    run = cchc("report", PERIOD, "--data", data, "--out", out, "--format", "json,html", "--jobs", "1")
    assert run.status == 0 and "Traceback" not in run.text, run.text
    summary = json.loads((out / f"{PERIOD}.json").read_text(encoding="utf-8"))
    assert summary["kpis"]["apology_coverage"] is None and summary["kpis"]["on_time_rate"] is not None
    assert summary["late_dossiers"] and all(r["apology"] is None for r in summary["late_dossiers"])
    report = _shown(out / f"{PERIOD}.html")
    assert "Tỷ lệ hồ sơ trễ hạn có thư xin lỗi: không có số liệu" in report
    assert "chưa có thư xin lỗi" not in report
    assert "Cột Xin lỗi: không có số liệu" in report
    assert_no_personal(out, run)
