"""The period workbook: the figures of the summary, cell for cell, and no text of the data ever
stored as a formula."""

from __future__ import annotations

import copy
import datetime as dt
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.writer.excel import ExcelWriter

from cchc_lib import build_summary, check_parameters, load_dossiers, load_plan, paths
from cchc_lib.dossiers import COUNT_KEYS, KPI_NAMES_VI
from cchc_lib.xlsx_report import (
    FORM_HEADER_ROW,
    FORM_NOTE,
    FORM_SHEET,
    FORM_TITLE,
    KPI_SHEET,
    LATE_SHEET,
    MAX_CELL_CHARS,
    write_period_xlsx,
)

FIRST_DATA_ROW = FORM_HEADER_ROW + 4
KPI_FIRST_ROW = 4
LATE_FIRST_ROW = 4
HOSTILE = ('=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3", "<script>alert(1)</script>",
           '  =HYPERLINK("http://x","y")', "\t=1+1", "\r=1+1")
FORMULA_LIKE = {text for text in HOSTILE if not text.startswith("<")}
STATUS = {"resolved_late": "Đã giải quyết", "pending_overdue": "Đang giải quyết"}
EXCEL_PRECISION = 1e-15  # a number cell keeps 16 significant digits (Excel shows 15)


@pytest.fixture(scope="module")
def summary() -> dict:
    ctx = check_parameters(period="2023-Q2", cutoff="decree09", data_dir=str(paths.SAMPLE_DATA_DIR), unit="",
                           skip_invalid=False)
    return build_summary(ctx, load_dossiers(ctx.data_dir, skip_invalid=False), load_plan(ctx.data_dir))


def _write(summary: dict, folder: Path, name: str = "2023-Q2.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    write_period_xlsx(summary, target)
    return target


@pytest.fixture(scope="module")
def workbook_path(summary, tmp_path_factory) -> Path:
    return _write(summary, tmp_path_factory.mktemp("xlsx"))


@pytest.fixture(scope="module")
def workbook(workbook_path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(workbook_path)


def _sheet_xml(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.startswith("xl/worksheets/sheet")}


def _texts(path: Path) -> dict[str, list]:
    """Every text cell of the workbook, by its text."""
    found: dict[str, list] = {}
    for ws in openpyxl.load_workbook(path):
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found.setdefault(cell.value, []).append(cell)
    return found


def test_the_sheets_are_the_form_the_kpis_and_the_late_dossiers(workbook):
    assert workbook.sheetnames == [FORM_SHEET, KPI_SHEET, LATE_SHEET]


def test_every_count_of_the_form_is_the_summarys_as_an_int(workbook, summary):
    ws = workbook[FORM_SHEET]
    by_field = summary["dossiers"]["by_field"]
    assert by_field, "the sample has fields"
    rows = [*by_field.items(), ("Tổng số", summary["dossiers"]["total"])]
    for offset, (field, counts) in enumerate(rows):
        row = FIRST_DATA_ROW + offset
        assert ws.cell(row=row, column=1).value == (offset + 1 if offset < len(by_field) else None)
        assert ws.cell(row=row, column=2).value == field
        for column, key in enumerate(COUNT_KEYS, start=3):
            cell = ws.cell(row=row, column=column)
            assert cell.value == counts[key], (field, key)
            assert type(cell.value) is int and cell.data_type == "n"
    assert ws.cell(row=FIRST_DATA_ROW + len(rows), column=3).value is None
    notes = [ws.cell(row=r, column=1).value for r in range(FIRST_DATA_ROW + len(rows), ws.max_row + 1)]
    assert FORM_NOTE in notes


def test_a_missing_count_is_an_empty_cell(summary, tmp_path):
    changed = copy.deepcopy(summary)
    first = next(iter(changed["dossiers"]["by_field"]))
    changed["dossiers"]["by_field"][first]["received_online"] = None
    changed["dossiers"]["total"]["received_direct_postal"] = None
    ws = openpyxl.load_workbook(_write(changed, tmp_path))[FORM_SHEET]
    assert ws.cell(row=FIRST_DATA_ROW, column=4).value is None
    total_row = FIRST_DATA_ROW + len(changed["dossiers"]["by_field"])
    assert ws.cell(row=total_row, column=2).value == "Tổng số"
    assert ws.cell(row=total_row, column=5).value is None
    assert ws.cell(row=total_row, column=3).value == summary["dossiers"]["total"]["received_total"]


def test_the_form_has_its_title_block_and_merged_two_level_header(workbook, summary):
    ws = workbook[FORM_SHEET]
    top = [ws.cell(row=r, column=1).value for r in range(1, FORM_HEADER_ROW)]
    assert top[0] == summary["unit"] == "Xã Hoằng Giang"
    assert FORM_TITLE in top
    assert any(summary["period_name"] in (text or "") for text in top)
    assert any("từ ngày 15/03/2023 đến ngày 14/06/2023" in (text or "") and "Nghị định 09/2019" in text
               for text in top)
    h = FORM_HEADER_ROW
    merged = {str(r) for r in ws.merged_cells.ranges}
    expected = {f"A{h}:A{h + 2}", f"B{h}:B{h + 2}", f"C{h}:F{h}", f"G{h}:J{h}", f"K{h}:M{h}",
                f"C{h + 1}:C{h + 2}", f"D{h + 1}:E{h + 1}", f"F{h + 1}:F{h + 2}"}
    expected |= {f"{c}{h + 1}:{c}{h + 2}" for c in "GHIJKLM"}
    assert expected <= merged
    assert ws[f"C{h}"].value == "Số hồ sơ nhận giải quyết"
    assert ws[f"G{h}"].value == "Số hồ sơ đã giải quyết"
    assert ws[f"K{h}"].value == "Số hồ sơ đang giải quyết"
    assert [ws.cell(row=h + 1, column=c).value for c in (3, 4, 6, 7, 8, 9, 10, 11, 12, 13)] == [
        "Tổng số", "Trong kỳ", "Từ kỳ trước", "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số",
        "Trong hạn", "Quá hạn"]
    assert [ws[f"D{h + 2}"].value, ws[f"E{h + 2}"].value] == ["Trực tuyến", "Trực tiếp, bưu chính"]
    assert [ws.cell(row=h + 3, column=c).value for c in range(1, 14)] == [f"({n})" for n in range(1, 14)]
    assert ws[f"C{h}"].font.b and ws[f"C{h}"].alignment.wrap_text and ws[f"C{h}"].border.left.style == "thin"


def test_the_form_prints_on_a4_landscape_one_page_wide_with_its_header_repeated(workbook):
    ws = workbook[FORM_SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows.replace("$", "") == f"{FORM_HEADER_ROW}:{FORM_HEADER_ROW + 3}"
    assert ws.column_dimensions["B"].width >= 20


def _kpi_rows(ws) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=KPI_FIRST_ROW, values_only=True) if isinstance(row[0], int)]


def test_each_kpi_is_the_summarys_fraction_shown_as_percent(workbook, summary):
    ws = workbook[KPI_SHEET]
    rows = _kpi_rows(ws)
    targets = summary["targets"]
    for kpi, value in summary["kpis"].items():
        mine = [row for row in rows if row[1] == KPI_NAMES_VI[kpi]]
        assert len(mine) == max(1, sum(t["kpi"] == kpi for t in targets)), kpi
        for row in mine:
            assert row[2] == pytest.approx(value, rel=EXCEL_PRECISION)
            assert (row[3], row[4]) == (summary["kpi_parts"][kpi]["numerator"],
                                       summary["kpi_parts"][kpi]["denominator"])
    for row in ws.iter_rows(min_row=KPI_FIRST_ROW):
        if isinstance(row[0].value, int):
            assert row[2].number_format == "0.0%" and row[7].number_format == "0.0%"


def test_each_target_is_a_row_with_its_value_verdict_and_sentence(workbook, summary):
    rows = {row[5]: row for row in _kpi_rows(workbook[KPI_SHEET])}
    assert set(rows) >= {t["target_id"] for t in summary["targets"]}
    for target in summary["targets"]:
        row = rows[target["target_id"]]
        assert row[7] == pytest.approx(target["value"], rel=EXCEL_PRECISION)
        assert row[8] == {True: "Đạt", False: "Chưa đạt", None: None}[target["met"]]
        assert row[9] == ("Chỉ tiêu mâu thuẫn" if target["conflict"] else None)
        assert row[10] == target["sentence"]
    conflicting = [t for t in summary["targets"] if t["conflict"]]
    assert conflicting, "the sample plan gives satisfaction_rate several targets"
    hand_entered = [t for t in summary["targets"] if t["kpi"] not in summary["kpis"]]
    assert hand_entered
    for target in hand_entered:
        row = rows[target["target_id"]]
        assert row[1] == target["kpi"] and row[2] == pytest.approx(target["actual"], rel=EXCEL_PRECISION)
        assert row[3] is None and row[4] is None
    order = [row[5] for row in _kpi_rows(workbook[KPI_SHEET])]
    last_dossier_kpi = max(order.index(t["target_id"]) for t in summary["targets"] if t not in hand_entered)
    assert min(order.index(t["target_id"]) for t in hand_entered) > last_dossier_kpi


def test_a_kpi_without_a_denominator_is_an_empty_cell(summary, tmp_path):
    changed = copy.deepcopy(summary)
    changed["kpis"]["apology_coverage"] = None
    changed["kpi_parts"]["apology_coverage"] = {"numerator": 0, "denominator": 0}
    changed["targets"] = [t for t in changed["targets"] if t["kpi"] != "apology_coverage"]
    rows = _kpi_rows(openpyxl.load_workbook(_write(changed, tmp_path))[KPI_SHEET])
    (row,) = [r for r in rows if r[1] == KPI_NAMES_VI["apology_coverage"]]
    assert row[2] is None and (row[3], row[4]) == (0, 0) and row[7] is None


def test_the_late_sheet_has_one_row_per_late_dossier(workbook, summary):
    ws = workbook[LATE_SHEET]
    late = summary["late_dossiers"]
    assert late, "the sample has late dossiers"
    assert ws.max_row == LATE_FIRST_ROW - 1 + len(late)
    for offset, entry in enumerate(late):
        cells = ws[LATE_FIRST_ROW + offset]
        assert [c.value for c in cells[:4]] == [offset + 1, entry["dossier_id"], entry["procedure"], entry["field"]]
        assert cells[4].value == STATUS[entry["status"]]
        assert cells[5].is_date and cells[5].value.date() == dt.date.fromisoformat(entry["due_at"])
        assert cells[5].number_format == "dd/mm/yyyy"
        assert type(cells[6].value) is int and cells[6].value == entry["days_late"]
        assert cells[7].value == ("Có" if entry["apology"] else "Chưa")


def test_a_pending_overdue_dossier_reads_dang_giai_quyet(summary, tmp_path):
    changed = copy.deepcopy(summary)
    changed["late_dossiers"] = [{"dossier_id": "X1", "procedure": "Chứng thực chữ ký", "field": "Chứng thực",
                                 "status": "pending_overdue", "due_at": "2023-06-01", "days_late": 9,
                                 "apology": False}]
    ws = openpyxl.load_workbook(_write(changed, tmp_path))[LATE_SHEET]
    assert [c.value for c in ws[LATE_FIRST_ROW]][4:] == ["Đang giải quyết", dt.datetime(2023, 6, 1), 9, "Chưa"]


def _hostile_summary(summary: dict) -> dict:
    changed = copy.deepcopy(summary)
    changed["unit"] = HOSTILE[0]
    counts = next(iter(changed["dossiers"]["by_field"].values()))
    changed["dossiers"]["by_field"] = {text: counts for text in HOSTILE}
    template = changed["late_dossiers"][0]
    changed["late_dossiers"] = [{**template, "dossier_id": text, "procedure": text, "field": text} for text in HOSTILE]
    changed["targets"] = [{**changed["targets"][0], "target_id": f"T{n}", "sentence": text, "kpi": text,
                           "where": text, "actual_source": text} for n, text in enumerate(HOSTILE)]
    return changed


def test_texts_that_look_like_formulas_are_stored_as_inert_text(summary, tmp_path):
    path = _write(_hostile_summary(summary), tmp_path)
    for name, xml in _sheet_xml(path).items():
        assert "<f>" not in xml and "<f " not in xml, name
    texts = _texts(path)
    for text in HOSTILE:
        cells = texts.get(text)
        assert cells and len(cells) >= 4, repr(text)  # by_field, and the late sheet's three columns
        for cell in cells:
            assert cell.data_type == "s" and cell.value == text
            assert bool(cell.quotePrefix) == (text in FORMULA_LIKE), repr(text)
    late = openpyxl.load_workbook(path)[LATE_SHEET]
    assert [late.cell(row=LATE_FIRST_ROW + n, column=2).value for n in range(len(HOSTILE))] == list(HOSTILE)


def test_control_characters_are_removed_and_long_texts_cut(summary, tmp_path):
    changed = copy.deepcopy(summary)
    changed["late_dossiers"] = [{**changed["late_dossiers"][0], "dossier_id": "A\x00B\x07C\x1bD\x0bE\ud800F",
                                 "procedure": "x" * 40000, "field": "😀" * 20000}]
    ws = openpyxl.load_workbook(_write(changed, tmp_path))[LATE_SHEET]
    row = ws[LATE_FIRST_ROW]
    assert row[1].value == "ABCDEF"
    assert row[2].value == "x" * MAX_CELL_CHARS
    assert len(row[3].value.encode("utf-16-le")) // 2 <= MAX_CELL_CHARS and set(row[3].value) == {"😀"}


def test_a_failed_write_leaves_the_earlier_workbook_as_it_was(summary, tmp_path, monkeypatch):
    target = _write(summary, tmp_path)
    before = target.read_bytes()
    changed = copy.deepcopy(summary)
    changed["unit"] = "Xã Khác"
    written = []

    def fail(self, ws):
        written.append(ws.title)
        if len(written) == 2:  # the first sheet is already in the temporary file
            assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
            raise OSError("disk full")
        return original(self, ws)

    original = ExcelWriter.write_worksheet
    monkeypatch.setattr(ExcelWriter, "write_worksheet", fail)
    with pytest.raises(OSError, match="disk full"):
        write_period_xlsx(changed, target)
    assert written == [FORM_SHEET, KPI_SHEET]
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == [target.name]


def test_a_complete_write_replaces_the_workbook_and_leaves_no_temporary_file(summary, tmp_path):
    target = _write(summary, tmp_path)
    changed = copy.deepcopy(summary)
    changed["unit"] = "Xã Khác"
    write_period_xlsx(changed, target)
    assert openpyxl.load_workbook(target)[FORM_SHEET]["A1"].value == "Xã Khác"
    assert os.listdir(tmp_path) == [target.name]
