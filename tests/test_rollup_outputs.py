"""The roll-up's workbook (Biểu II.06a per field, per unit and each unit's own, totals as SUM
formulas carrying their values) and its Word document (the district's report)."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from docx import Document

from cchc_lib.figures import rollup
from cchc_lib.outputs import rollup_outputs

from .test_rollup import COUNT_KEYS, three_units

LETTERS = "ABCDEFGHIJKLM"


@pytest.fixture
def summary() -> dict:
    return rollup.build_rollup_summary(three_units(), [{"unit_slug": "xa-d", "reason": "chưa có báo cáo kỳ này"}],
                                       "2023-Q1", "decree09")


@pytest.fixture
def workbook(summary, tmp_path):
    target = tmp_path / "2023-Q1.xlsx"
    rollup_outputs.write_rollup_xlsx(summary, target)
    return target


def _row_of(ws, label: str) -> int:
    return next(c.row for c in ws["B"] if c.value == label)


def test_the_units_sheet_sums_the_units_with_formulas_carrying_their_values(summary, workbook):
    formulas = openpyxl.load_workbook(workbook)["Theo đơn vị"]
    values = openpyxl.load_workbook(workbook, data_only=True)["Theo đơn vị"]
    assert [values.cell(row=r, column=2).value for r in (11, 12, 13)] == ["Xã A", "Xã B", "Xã C"]
    total = _row_of(values, "Toàn địa bàn (3 đơn vị)")
    assert total == 14
    units = three_units()
    for column, key in enumerate(COUNT_KEYS, start=3):
        letter = LETTERS[column - 1]
        known = [u["dossiers"]["total"][key] for u in units]
        if None in known:  # C cannot tell its channels: no formula that would count it as 0
            assert values.cell(row=total, column=column).value == "không rõ"
            assert formulas.cell(row=total, column=column).data_type == "s"
            continue
        assert formulas.cell(row=total, column=column).value == f"=SUM({letter}11:{letter}13)"
        assert values.cell(row=total, column=column).value == sum(known) == summary["dossiers"]["total"][key]
    assert values.cell(row=total, column=3).value == 46
    assert "xa-d: chưa có báo cáo kỳ này" in [c.value for c in values["B"]]


def test_the_form_sheet_and_each_units_block_total_with_formulas(summary, workbook):
    formulas = openpyxl.load_workbook(workbook)
    values = openpyxl.load_workbook(workbook, data_only=True)
    assert formulas.sheetnames == ["Biểu II.06a", "Theo đơn vị", "Từng đơn vị"]
    form, form_values = formulas["Biểu II.06a"], values["Biểu II.06a"]
    assert [form_values.cell(row=r, column=2).value for r in (11, 12, 13)] == ["Chứng thực", "Hộ tịch", "Đất đai"]
    total = _row_of(form_values, "Tổng số")
    assert form.cell(row=total, column=3).value == "=SUM(C11:C13)" and form_values.cell(row=total, column=3).value == 46
    assert form.cell(row=total, column=10).value == "=SUM(J11:J13)"
    assert form_values.cell(row=total, column=10).value == summary["dossiers"]["total"]["resolved_late"] == 2
    detail, detail_values = formulas["Từng đơn vị"], values["Từng đơn vị"]
    labels = [c.value for c in detail_values["A"]]
    assert "1. Xã A" in labels and "3. Xã C" in labels
    row = _row_of(detail_values, "Cộng Xã A")
    assert detail.cell(row=row, column=3).value == f"=SUM(C{row - 2}:C{row - 1})"
    assert detail_values.cell(row=row, column=3).value == 16
    row_c = _row_of(detail_values, "Cộng Xã C")
    assert detail_values.cell(row=row_c, column=4).value == "không rõ"  # C's channels of Hộ tịch unknown
    assert detail_values.cell(row=row_c, column=3).value == 10


def test_the_workbook_prints_on_a4_landscape_with_its_header_repeated_and_vietnamese_labels(workbook):
    wb = openpyxl.load_workbook(workbook)
    for ws in wb:
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
        # one page wide (1 is the attribute's default, left out of the file), as many pages down as needed
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$7:$10"
        assert ws.cell(row=10, column=13).value == "(13)"
        texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert "BIỂU" not in texts and not any(re.search(r"[a-z]+_[a-z]+", t) for t in texts if not t.startswith("="))
    assert wb["Theo đơn vị"]["B7"].value == "Đơn vị" and wb["Biểu II.06a"]["B7"].value == "Lĩnh vực"


def test_a_name_that_looks_like_a_formula_stays_text(tmp_path):
    units = three_units()
    units[0] = {**units[0], "unit": '=HYPERLINK("http://x","y")'}
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    target = tmp_path / "x.xlsx"
    rollup_outputs.write_rollup_xlsx(summary, target)
    ws = openpyxl.load_workbook(target)["Theo đơn vị"]
    assert ws["B11"].value == '=HYPERLINK("http://x","y")' and ws["B11"].data_type == "s"
    assert ws["B11"].quotePrefix
    sheet = zipfile.ZipFile(target).read("xl/worksheets/sheet2.xml").decode()
    assert "HYPERLINK" not in sheet  # the name is a shared string, not a formula


def test_the_word_document_opens_and_holds_the_total(summary, tmp_path):
    target = tmp_path / "2023-Q1.docx"
    rollup_outputs.write_rollup_docx(summary, target)
    doc = Document(target)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Tổng hợp kết quả cải cách hành chính của các đơn vị cấp xã quý I năm 2023" in text
    assert "Trong kỳ, các đơn vị tiếp nhận 46 hồ sơ" in text
    assert "I. KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text and "III. CÁC ĐƠN VỊ CẦN CHÚ Ý" in text
    assert "Xã C: tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn 80%, −19,0 điểm % so với chỉ tiêu ≥ 99%, còn thấp." in text
    assert "Chưa có số liệu của 01 đơn vị: xa-d (chưa có báo cáo kỳ này)." in text
    assert "ỦY BAN NHÂN DÂN" in "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells) + text
    first = doc.tables[-3] if len(doc.tables) >= 3 else doc.tables[0]
    cells = [[c.text for c in row.cells] for row in first.rows]
    assert ["", "Tổng số", "46", "không rõ", "không rõ", "2"] == cells[-1][:6]


def test_the_document_context_names_the_district_and_leaves_the_proposals_to_write(summary):
    document = rollup_outputs.build_rollup_document(summary)
    assert document["header"]["unit"] == "HUYỆN HOẰNG HÓA"
    assert document["header"]["place_date"] == "Hoằng Hóa, ngày      tháng      năm 2023"
    assert document["recipients"] == ["UBND tỉnh Thanh Hóa;", "Sở Nội vụ tỉnh Thanh Hóa;", "Lưu: VT."]
    assert document["signature"] == {"on_behalf": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": ""}
    assert [s["id"] for s in document["sections"]] == ["I", "II", "III", "IV", "V", "VI"]
    assert document["sections"][-1]["to_fill"] is True and document["draft"] is True
    assert [a["table"]["rows"][-1][2] for a in document["appendices"][:2]] == ["46", "46"]
    assert document["appendices"][1]["table"]["rows"][0][1] == "Xã A"


def test_names_from_the_units_stay_text_in_the_word_document(tmp_path):
    units = three_units()
    name = "<w:p>Xã =A & <script>"
    units[0] = {**units[0], "unit": name}
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    target = tmp_path / "x.docx"
    rollup_outputs.write_rollup_docx(summary, target)
    doc = Document(target)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"{name}: tỷ lệ hài lòng 90%" in text
    cells = [c.text for table in doc.tables for row in table.rows for c in row.cells]
    assert name in cells


def test_the_late_dossiers_by_field_add_up_to_the_total_they_follow():
    fields = {f"Lĩnh vực {i}": n for i, n in enumerate((33, 11, 5, 3, 2, 1, 1, 1), start=1)}
    summary = {"late_by_unit": {"total": {"total": 57, "resolved_late": 56, "pending_overdue": 1, "by_field": fields},
                                "units": [{"unit": "Xã A", "total": 40}, {"unit": "Xã B", "total": 17}]}}
    part = rollup_outputs._late_part(summary)
    counts = [int(m) for b in part["bullets"] if b.startswith(("Lĩnh vực", "Các lĩnh vực"))
              for m in re.findall(r": (\d+) hồ sơ", b)]
    assert sum(counts) == 57 and part["bullets"][5] == "Các lĩnh vực khác (3): 03 hồ sơ."
    assert part["bullets"][-1] == "Các đơn vị có hồ sơ trễ hạn: Xã A (40 hồ sơ); Xã B (17 hồ sơ)."
