"""The period workbook: the figures of the summary, cell for cell; the totals as formulas saved
with their values; the form's blocks; no text of the data ever stored as a formula."""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.writer.excel import ExcelWriter

from cchc_lib import build_summary, check_parameters, load_dossiers, load_plan
from cchc_lib.base import paths
from cchc_lib.figures.dossiers import COUNT_KEYS, KPI_NAMES_VI
from cchc_lib.inputs.plan import INDICATOR_NAMES_VI
from cchc_lib.outputs.xlsx_report import (
    FORM_BASIS,
    FORM_CODE,
    FORM_HEADER_ROW,
    FORM_NOTE,
    FORM_SHEET,
    FORM_TITLE,
    FORM_UNIT,
    KPI_SHEET,
    LATE_SHEET,
    MAX_CELL_CHARS,
    PREPARER,
    PREPARER_NOTE,
    SIGN_SPACE_ROWS,
    SIGNER_PLACEHOLDER,
    TO_FILL,
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
NAMES_VI = {**KPI_NAMES_VI, **INDICATOR_NAMES_VI}


@pytest.fixture(scope="module")
def summary() -> dict:
    ctx = check_parameters(period="2023-Q2", cutoff="decree09", data_dir=str(paths.SAMPLE_DATA_DIR), unit="",
                           skip_invalid=False)
    return build_summary(ctx, load_dossiers(ctx.data_dir, skip_invalid=False), load_plan(ctx.data_dir))


def _write(summary: dict, folder: Path, name: str = "2023-Q2.xlsx", document: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    write_period_xlsx(summary, target, document=document)
    return target


@pytest.fixture(scope="module")
def workbook_path(summary, tmp_path_factory) -> Path:
    return _write(summary, tmp_path_factory.mktemp("xlsx"))


@pytest.fixture(scope="module")
def workbook(workbook_path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(workbook_path)


@pytest.fixture(scope="module")
def values(workbook_path) -> openpyxl.Workbook:
    """The workbook as a viewer that does not recalculate shows it: formulas by their cached values."""
    return openpyxl.load_workbook(workbook_path, data_only=True)


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


def test_every_count_of_the_form_is_the_summarys_as_an_int(values, summary):
    ws = values[FORM_SHEET]
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
    path = _write(changed, tmp_path)
    ws = openpyxl.load_workbook(path, data_only=True)[FORM_SHEET]
    assert ws.cell(row=FIRST_DATA_ROW, column=4).value is None
    total_row = FIRST_DATA_ROW + len(changed["dossiers"]["by_field"])
    assert ws.cell(row=total_row, column=2).value == "Tổng số"
    assert ws.cell(row=total_row, column=5).value is None
    assert ws.cell(row=total_row, column=3).value == summary["dossiers"]["total"]["received_total"]
    formulas = openpyxl.load_workbook(path)[FORM_SHEET]
    # a column with an unknown count has no SUM: its total is the summary's figure as it is
    assert formulas.cell(row=total_row, column=4).value == summary["dossiers"]["total"]["received_online"]
    # nor does the row: (3) is its figure, (4) being unknown
    assert formulas.cell(row=FIRST_DATA_ROW, column=3).value == changed["dossiers"]["by_field"][first]["received_total"]
    assert formulas.cell(row=total_row, column=3).value == f"=SUM(C{FIRST_DATA_ROW}:C{total_row - 1})"


def test_the_form_has_its_title_block_and_merged_two_level_header(workbook, summary):
    ws = workbook[FORM_SHEET]
    assert [ws["A1"].value, ws["A2"].value] == [FORM_CODE, FORM_BASIS]
    assert ws["D1"].value == FORM_TITLE
    assert ws["J1"].value == "Đơn vị báo cáo: UBND xã Hoằng Giang"
    assert ws["J2"].value == "Đơn vị nhận báo cáo: UBND huyện Hoằng Hóa"  # the default recipients of unit.yaml
    assert ws["A3"].value == f"Kỳ báo cáo: {summary['period_name']}" == "Kỳ báo cáo: Quý II năm 2023"
    assert ws["A4"].value.startswith("(Từ ngày 15/03/2023 đến ngày 14/06/2023; chốt số liệu theo Nghị định 09/2019")
    assert ws["J5"].value == FORM_UNIT
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
    assert [ws[f"D{h + 2}"].value, ws[f"E{h + 2}"].value] == ["Trực tuyến", "Trực tiếp,\nbưu chính"]
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
    for kpi, value in summary["kpis"].items():
        mine = [row for row in rows if row[1] == KPI_NAMES_VI[kpi]]
        # one row per KPI: judged by the target the plan binds it to (conflicting ones go to the checks)
        assert len(mine) == 1, kpi
        for row in mine:
            assert row[2] == pytest.approx(value, rel=EXCEL_PRECISION)
            assert (row[3], row[4]) == (summary["kpi_parts"][kpi]["numerator"],
                                       summary["kpi_parts"][kpi]["denominator"])
    for row in ws.iter_rows(min_row=KPI_FIRST_ROW):
        if isinstance(row[0].value, int):
            assert row[2].number_format == "0.0%" and row[6].number_format == "0.0%"


def _target_key(target: dict) -> tuple:
    return NAMES_VI[target["kpi"]], target["value"], target["sentence"]


def test_each_target_is_a_row_with_its_value_verdict_and_sentence(workbook, summary):
    rows = {(row[1], row[6], row[9]): row for row in _kpi_rows(workbook[KPI_SHEET])}
    binding = [t for t in summary["targets"] if t["binding"]]
    assert set(rows) >= {_target_key(t) for t in binding}
    assert not {_target_key(t) for t in summary["targets"] if not t["binding"]} & set(rows)
    for target in binding:
        row = rows[_target_key(target)]
        assert row[5] == {">=": "≥", "<=": "≤", "=": "="}[target["comparison"]]
        assert row[7] == {True: "Đạt", False: "Chưa đạt", None: None}[target["met"]]
        assert row[8] is None  # a conflict of the plan's targets is a note of the checks, not of the form
        assert row[10] == target["where"]
    conflicting = [t for t in summary["targets"] if t["conflict"]]
    assert conflicting, "the sample plan gives satisfaction_rate several targets"
    hand_entered = [t for t in summary["targets"] if t["kpi"] not in summary["kpis"]]
    assert {t["kpi"] for t in hand_entered} == {"officials_qualified", "e_work_files"}
    for target in hand_entered:
        row = rows[_target_key(target)]
        assert row[1] == INDICATOR_NAMES_VI[target["kpi"]]
        assert row[2] == pytest.approx(target["actual"], rel=EXCEL_PRECISION)
        assert row[3] is None and row[4] is None
    sources = {row[1]: row[11] for row in rows.values()}  # the period, if named, in words (checked below)
    assert sources[INDICATOR_NAMES_VI["officials_qualified"]].startswith(
        "Báo cáo số 45/BC-UBND ngày 16/06/2023 về chất lượng đội ngũ cán bộ, công chức")
    assert sources[INDICATOR_NAMES_VI["e_work_files"]].startswith(
        "Thống kê hệ thống quản lý văn bản và điều hành, quý II/2023")
    order = [row[1] for row in _kpi_rows(workbook[KPI_SHEET])]
    last_dossier_kpi = max(order.index(NAMES_VI[t["kpi"]]) for t in summary["targets"] if t not in hand_entered)
    assert min(order.index(NAMES_VI[t["kpi"]]) for t in hand_entered) > last_dossier_kpi


def test_a_kpi_without_a_denominator_is_an_empty_cell(summary, tmp_path):
    changed = copy.deepcopy(summary)
    changed["kpis"]["apology_coverage"] = None
    changed["kpi_parts"]["apology_coverage"] = {"numerator": 0, "denominator": 0}
    changed["targets"] = [t for t in changed["targets"] if t["kpi"] != "apology_coverage"]
    rows = _kpi_rows(openpyxl.load_workbook(_write(changed, tmp_path))[KPI_SHEET])
    (row,) = [r for r in rows if r[1] == KPI_NAMES_VI["apology_coverage"]]
    assert row[2] is None and (row[3], row[4]) == (0, 0) and row[6] is None


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
    sheets = _sheet_xml(path)
    for name, xml in sheets.items():
        assert "<f " not in xml, name
        if name != "xl/worksheets/sheet1.xml":
            assert "<f>" not in xml, name
    # the form's only formulas: sums of count cells, in count columns, none over the texts' columns A and B
    formulas = re.findall(r'<c r="([A-Z]+)(\d+)"[^>]*><f>([^<]*)</f>', sheets["xl/worksheets/sheet1.xml"])
    assert formulas
    for column, _row, formula in formulas:
        assert column in "CGK" or formula.startswith("SUM("), (column, formula)
        assert re.fullmatch(r"SUM\([C-M]\d+:[C-M]\d+\)|[D-M]\d+(\+[D-M]\d+)+", formula), formula
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
    assert openpyxl.load_workbook(target)[FORM_SHEET]["J1"].value == "Đơn vị báo cáo: UBND xã Khác"
    assert os.listdir(tmp_path) == [target.name]


# --- a tiny hand-built period: two fields, the form's blocks, the totals as formulas -----------------------------

TINY_FIELDS = {
    "Hộ tịch": {"received_total": 10, "received_online": 4, "received_direct_postal": 5, "carried_over": 1,
                "resolved_total": 8, "resolved_early": 3, "resolved_on_time": 4, "resolved_late": 1,
                "pending_total": 2, "pending_in_term": 1, "pending_overdue": 1},
    "Chứng thực": {"received_total": 7, "received_online": 2, "received_direct_postal": 3, "carried_over": 2,
                   "resolved_total": 7, "resolved_early": 5, "resolved_on_time": 2, "resolved_late": 0,
                   "pending_total": 0, "pending_in_term": 0, "pending_overdue": 0},
}
TINY_TOTAL = {"received_total": 17, "received_online": 6, "received_direct_postal": 8, "carried_over": 3,
              "resolved_total": 15, "resolved_early": 8, "resolved_on_time": 6, "resolved_late": 1,
              "pending_total": 2, "pending_in_term": 1, "pending_overdue": 1}
TINY_DOCUMENT = {
    "header": {"authority": "ỦY BAN NHÂN DÂN", "unit": "XÃ THỬ NGHIỆM",
               "place_date": "Thử Nghiệm, ngày      tháng      năm 2023"},
    "recipients": ["UBND huyện Thử;", "Phòng Nội vụ huyện Thử;", "Lưu: VT."],
    "signature": {"on_behalf": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": "Lê Thị Bình"},
}
TOTAL_ROW = FIRST_DATA_ROW + 2  # the tiny form's total row: 12


def _tiny_summary() -> dict:
    target = {"target_id": "T1", "kpi": "on_time_rate", "comparison": ">=", "value": 0.95, "actual": 14 / 15,
              "met": False, "actual_source": "hồ sơ TTHC", "where": "Mục II.2", "conflict": False,
              "sentence": "Tỷ lệ giải quyết đúng hạn từ 95% trở lên"}
    indicator = {**target, "target_id": "T2", "kpi": "e_work_files", "value": 1.0, "actual": 0.9,
                 "actual_source": "Thống kê hệ thống quản lý văn bản (2023-Q2)", "where": "Mục II.1",
                 "sentence": "100% hồ sơ công việc được xử lý trên môi trường mạng"}
    return {
        "unit": "Xã Thử Nghiệm", "district": "Huyện Thử", "period": "2023-Q2", "period_name": "Quý II năm 2023",
        "cutoff": "calendar", "start": "2023-04-01", "end": "2023-06-30",
        "dossiers": {"by_field": copy.deepcopy(TINY_FIELDS), "total": dict(TINY_TOTAL)},
        "kpis": {"on_time_rate": 14 / 15, "online_rate": 6 / 14},
        "kpi_parts": {"on_time_rate": {"numerator": 14, "denominator": 15},
                      "online_rate": {"numerator": 6, "denominator": 14}},
        "targets": [target, indicator],
        "late_dossiers": [{"dossier_id": "X1", "procedure": "Đăng ký khai sinh", "field": "Hộ tịch",
                           "status": "resolved_late", "due_at": "2023-05-02", "days_late": 3, "apology": True}],
    }


def _formula_cells(path: Path) -> dict[str, tuple[str, str]]:
    """The form sheet's formula cells, read from its XML: reference -> (formula, cached value)."""
    xml = _sheet_xml(path)["xl/worksheets/sheet1.xml"]
    cells = re.findall(r'<c r="([A-Z]+\d+)"[^>]*><f>([^<]*)</f>(?:<v>([^<]*)</v>|<v\s*/>)</c>', xml)
    assert len(cells) == xml.count("<f>")
    return {ref: (formula, value) for ref, formula, value in cells}


def test_the_totals_are_sum_formulas_saved_with_their_values(tmp_path):
    path = _write(_tiny_summary(), tmp_path, document=TINY_DOCUMENT)
    expected = {}
    for row, counts in zip((10, 11), TINY_FIELDS.values(), strict=True):
        expected |= {f"C{row}": (f"D{row}+E{row}+F{row}", str(counts["received_total"])),
                     f"G{row}": (f"H{row}+I{row}+J{row}", str(counts["resolved_total"])),
                     f"K{row}": (f"L{row}+M{row}", str(counts["pending_total"]))}
    for column, key in zip("CDEFGHIJKLM", COUNT_KEYS, strict=True):
        expected[f"{column}{TOTAL_ROW}"] = (f"SUM({column}10:{column}11)", str(TINY_TOTAL[key]))
    assert TOTAL_ROW == 12 and _formula_cells(path) == expected
    ws = openpyxl.load_workbook(path, data_only=True)[FORM_SHEET]  # what a viewer that does not recalculate shows
    assert ws.cell(row=TOTAL_ROW, column=2).value == "Tổng số"
    for column, key in enumerate(COUNT_KEYS, start=3):
        rows = [ws.cell(row=row, column=column).value for row in (10, 11)]
        assert rows == [counts[key] for counts in TINY_FIELDS.values()]
        assert ws.cell(row=TOTAL_ROW, column=column).value == sum(rows) == TINY_TOTAL[key]


def test_a_figure_whose_parts_do_not_add_up_stays_the_summarys_figure(tmp_path):
    changed = _tiny_summary()
    changed["dossiers"]["by_field"]["Hộ tịch"]["received_total"] = 11  # (4)+(5)+(6) = 10
    path = _write(changed, tmp_path, document=TINY_DOCUMENT)
    cells = _formula_cells(path)
    assert "C10" not in cells and f"C{TOTAL_ROW}" not in cells  # 11 + 7 is not the total's 17 either
    assert cells["G10"] == ("H10+I10+J10", "8") and cells[f"D{TOTAL_ROW}"] == ("SUM(D10:D11)", "6")
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    assert (ws["C10"].value, ws[f"C{TOTAL_ROW}"].value) == (11, 17)


def test_a_period_without_dossiers_has_a_total_row_of_plain_zeros(tmp_path):
    empty = {**_tiny_summary(), "dossiers": {"by_field": {}, "total": dict.fromkeys(COUNT_KEYS, 0)}}
    path = _write(empty, tmp_path, document=TINY_DOCUMENT)
    assert "<f>" not in _sheet_xml(path)["xl/worksheets/sheet1.xml"]  # no SUM over no row
    ws = openpyxl.load_workbook(path)[FORM_SHEET]
    assert [ws.cell(row=FIRST_DATA_ROW, column=c).value for c in range(2, 14)] == ["Tổng số"] + [0] * 11


def test_the_form_names_the_reporting_and_the_receiving_unit(tmp_path):
    ws = openpyxl.load_workbook(_write(_tiny_summary(), tmp_path, document=TINY_DOCUMENT))[FORM_SHEET]
    assert [ws["A1"].value, ws["A2"].value, ws["D1"].value] == [FORM_CODE, FORM_BASIS, FORM_TITLE]
    assert ws["J1"].value == "Đơn vị báo cáo: UBND xã Thử Nghiệm"
    assert ws["J2"].value == "Đơn vị nhận báo cáo: UBND huyện Thử"
    assert [ws["A3"].value, ws["A4"].value, ws["J5"].value] == [
        "Kỳ báo cáo: Quý II năm 2023", "(Từ ngày 01/04/2023 đến ngày 30/06/2023; chốt số liệu theo tháng dương lịch)",
        "Đơn vị tính: Số hồ sơ"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:C1", "A2:C2", "D1:I2", "J1:M1", "J2:M2", "A3:M3", "A4:M4", "J5:M5"} <= merged
    assert ws["A1"].font.b and ws["D1"].font.b and ws["J1"].font.b and ws["A2"].font.i and ws["A4"].font.i
    assert {ws[ref].font.name for ref in ("A1", "D1", "J1", "C10", f"C{TOTAL_ROW}", "B11")} == {"Times New Roman"}


def _signature_rows(ws) -> int:
    (row,) = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == PREPARER]
    return row


def test_the_signature_block_follows_the_table(tmp_path):
    ws = openpyxl.load_workbook(_write(_tiny_summary(), tmp_path, document=TINY_DOCUMENT))[FORM_SHEET]
    row = _signature_rows(ws)
    assert row > TOTAL_ROW + 2
    place, on_behalf, title = (ws.cell(row=r, column=9) for r in (row - 1, row, row + 1))
    assert place.value == "Thử Nghiệm, ngày      tháng      năm 2023" and place.font.i
    assert (on_behalf.value, title.value) == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert on_behalf.font.b and title.font.b
    assert ws.cell(row=row + 1, column=1).value == PREPARER_NOTE and ws.cell(row=row + 1, column=1).font.i
    space = [ws.cell(row=r, column=c).value for r in range(row + 2, row + 2 + SIGN_SPACE_ROWS) for c in range(1, 14)]
    assert space == [None] * (SIGN_SPACE_ROWS * 13)
    name = ws.cell(row=row + 2 + SIGN_SPACE_ROWS, column=9)
    assert name.value == "Lê Thị Bình" and name.font.b
    assert ws.max_row == row + 2 + SIGN_SPACE_ROWS
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {f"I{r}:M{r}" for r in (row - 1, row, row + 1, row + 2 + SIGN_SPACE_ROWS)} <= merged
    assert f"A{row}:C{row}" in merged


def test_without_a_signer_or_a_superior_the_form_leaves_marked_places(tmp_path):
    document = {**TINY_DOCUMENT, "recipients": ["Lưu: VT."],
                "signature": {**TINY_DOCUMENT["signature"], "name": ""}}
    ws = openpyxl.load_workbook(_write(_tiny_summary(), tmp_path, document=document))[FORM_SHEET]
    assert ws["J2"].value == f"Đơn vị nhận báo cáo: {TO_FILL}"
    name = ws.cell(row=_signature_rows(ws) + 2 + SIGN_SPACE_ROWS, column=9)
    assert name.value == SIGNER_PLACEHOLDER and name.font.i and name.font.color.rgb == "00808080"


def test_the_blocks_follow_unit_yaml_through_the_document(summary, tmp_path):
    from cchc_lib.inputs.unit import DocumentInfo
    from cchc_lib.outputs.document import build_document

    info = DocumentInfo(recipients=("- Văn phòng HĐND và UBND huyện Hoằng Hóa;", "Lưu: VT, VP."),
                        signer="Lê Văn Cường", signer_title="Phó Chủ tịch", signer_on_behalf="KT. Chủ tịch")
    ws = openpyxl.load_workbook(_write(summary, tmp_path, document=build_document(summary, info)))[FORM_SHEET]
    assert ws["J2"].value == "Đơn vị nhận báo cáo: Văn phòng HĐND và UBND huyện Hoằng Hóa"
    row = _signature_rows(ws)
    assert [ws.cell(row=r, column=9).value for r in (row, row + 1, row + 2 + SIGN_SPACE_ROWS)] == [
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Văn Cường"]


INTERNAL = re.compile(r"[A-Za-z0-9]+_[A-Za-z0-9_]+|\b\d{4}-(?:Q[1-4]|H1|9M|Y)\b|\bT\d+\b")


def _internal_texts(path: Path) -> list[str]:
    """Texts of any sheet that show a key of the data, a period id or a target id."""
    wb = openpyxl.load_workbook(path)
    texts = [*wb.sheetnames, *_texts(path)]
    return [text for text in texts if INTERNAL.search(text)]


def test_no_sheet_shows_a_key_of_the_data(workbook_path, tmp_path):
    assert _internal_texts(workbook_path) == []
    tiny = _write(_tiny_summary(), tmp_path, document=TINY_DOCUMENT)
    assert _internal_texts(tiny) == []
    kpis = openpyxl.load_workbook(tiny)[KPI_SHEET]
    names = [kpis.cell(row=r, column=2).value or kpis.cell(row=r, column=1).value
             for r in range(KPI_FIRST_ROW, kpis.max_row + 1)]
    assert names == [KPI_NAMES_VI["on_time_rate"], KPI_NAMES_VI["online_rate"],
                     "Chỉ tiêu khác của kế hoạch (số liệu nhập từ báo cáo)", INDICATOR_NAMES_VI["e_work_files"]]
    assert kpis.cell(row=kpis.max_row, column=12).value == (
        "Thống kê hệ thống quản lý văn bản (số liệu quý II năm 2023)")


@pytest.mark.parametrize(("sheet", "titles"), [(FORM_SHEET, f"{FORM_HEADER_ROW}:{FORM_HEADER_ROW + 3}"),
                                               (KPI_SHEET, "3:3"), (LATE_SHEET, "3:3")])
def test_every_sheet_prints_on_a4_one_page_wide_with_its_header_repeated(sheet, titles, tmp_path):
    ws = openpyxl.load_workbook(_write(_tiny_summary(), tmp_path, document=TINY_DOCUMENT))[sheet]
    assert (str(ws.page_setup.paperSize), ws.page_setup.orientation) == ("9", "landscape")
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows.replace("$", "") == titles
