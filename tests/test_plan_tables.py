"""Reading a plan document's tables into tasks (docs/plan.md, "Reading a plan document's tables")."""

from __future__ import annotations

import pytest
from docx import Document

from cchc_lib.base.errors import DataError
from cchc_lib.inputs.plan_docx import read_docx
from cchc_lib.inputs.plan_pdf import read_pdf
from cchc_lib.inputs.plan_source import SourceTable, Where
from cchc_lib.inputs.plan_tables import tasks_from_tables

HEADER = ["TT", "Nhiệm vụ cụ thể", "(Sản phẩm)/ kết quả", "Cơ quan thực hiện", "Thời gian thực hiện"]
TITLE = "Phụ lục số 01: Các nhiệm vụ trọng tâm về Cải cách thể chế năm 2023"


def table(rows, title=TITLE):
    return SourceTable(rows, [Where(table=1, row=i + 1) for i in range(len(rows))], title)


def test_a_plain_table_gives_its_tasks_with_the_standard_area_name():
    tasks, review = tasks_from_tables([table([HEADER, ["1", "Rà  soát văn bản", "Báo cáo", "Tư pháp", "Quý I"]])],
                                      2023)
    assert [(t["task_id"], t["area"], t["area_name"], t["task"], t["timing"]) for t in tasks] == [
        ("PL01-1", 1, "Cải cách thể chế", "Rà soát văn bản", "Quý I")]
    assert review == []


def test_merged_owner_joined_row_empty_timing_and_year():
    rows = [HEADER, ["1.", "Việc một", "KH", "Văn phòng", "Tháng 3"], ["2", "Việc hai", "BC", None, ""],
            ["", "tiếp theo", "", "", ""], ["", "", "", "", ""], ["3a", "Việc ba", "BC", "Tư pháp", "Quý II"]]
    tasks, review = tasks_from_tables([table(rows, TITLE.replace("2023", "2022"))], 2023)
    assert [t["task_id"] for t in tasks] == ["PL01-1", "PL01-2", "PL01-3a"]
    assert tasks[1]["owner"] == "Văn phòng" and tasks[1]["task"] == "Việc hai\ntiếp theo"
    assert sorted(r.kind for r in review) == ["empty", "joined", "year"]


def test_two_row_header_split_timing_continued_table_and_groups():
    head = [["STT", "Nội dung", "Kết quả", "Đơn vị chủ trì", "Thời gian", "", "Ghi chú"],
            ["", "", "", "", "Bắt đầu", "Kết thúc", ""]]
    first = table(head + [["I.", "Cải cách thủ tục hành chính", "", "", "", "", ""],
                          ["1", "Việc", "KQ", "VP", "01/2023", "03/2023", "x"]], "Kế hoạch chung năm 2023")
    second = table(head + [["II", "Chuyển đổi số", "", "", "", "", ""],
                           ["1", "Số hoá", "KQ", "VP", "", "6/2023", ""]])
    tasks, review = tasks_from_tables([first, second, table([["foo", "bar"]])], 2023)
    assert [(t["task_id"], t["area_name"], t["timing"]) for t in tasks] == [
        ("PL02-1", "Cải cách thủ tục hành chính", "03/2023"),
        ("PL06-1", "Xây dựng chính quyền điện tử, chính quyền số", "6/2023")]
    assert [r.kind for r in review] == ["timing"] and "01/2023" in review[0].message


def make_docx(path):
    doc = Document()
    layout = doc.add_table(rows=1, cols=2)
    layout.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nXÃ HOÀNG GIANG"
    layout.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    doc.add_paragraph(TITLE)
    grid = doc.add_table(rows=3, cols=5)
    for i, text in enumerate(HEADER):
        grid.cell(0, i).text = text
    for r, row in ((1, ["1", "Việc một", "- KH\n- BC", "Văn phòng", "Tháng 3"]),
                   (2, ["2", "Việc hai", "BC", "", "Quý II"])):
        for i, text in enumerate(row):
            grid.cell(r, i).text = text
    grid.cell(1, 3).merge(grid.cell(2, 3))
    doc.save(path)


def test_a_word_document_is_read_in_order_with_merged_cells(tmp_path):
    make_docx(tmp_path / "kh.docx")
    source = read_docx(tmp_path / "kh.docx")
    assert "ỦY BAN NHÂN DÂN" in source.text and len(source.tables) == 1
    assert source.tables[0].title == TITLE and source.tables[0].rows[2][3] is None
    tasks, review = tasks_from_tables(source.tables, 2023)
    assert [(t["task_id"], t["deliverable"], t["owner"]) for t in tasks] == [
        ("PL01-1", "- KH\n- BC", "Văn phòng"), ("PL01-2", "BC", "Văn phòng")]


def test_a_pdf_table_is_read_back_to_the_same_tasks(tmp_path):
    from weasyprint import HTML

    cells = "".join(f"<th>{h}</th>" for h in HEADER)
    body = "<tr><td>1</td><td>Việc một</td><td>KH</td><td>Văn phòng</td><td>Tháng 3</td></tr>"
    HTML(string=f"<p>{TITLE}</p><table style='border-collapse:collapse' border=1><tr>{cells}</tr>{body}</table>"
         "<style>td,th{border:1px solid black;padding:4px}</style>").write_pdf(tmp_path / "kh.pdf")
    tasks, _ = tasks_from_tables(read_pdf(tmp_path / "kh.pdf").tables, 2023)
    assert [(t["task_id"], t["task"], t["owner"], t["timing"]) for t in tasks] == [
        ("PL01-1", "Việc một", "Văn phòng", "Tháng 3")]


def test_a_pdf_without_text_is_refused(tmp_path):
    from weasyprint import HTML

    HTML(string="<div style='width:50px;height:50px;background:black'></div>").write_pdf(tmp_path / "scan.pdf")
    with pytest.raises(DataError, match="không có lớp chữ.*no text layer"):
        read_pdf(tmp_path / "scan.pdf")


def test_a_table_goes_on_across_pages_and_its_repeated_header_is_skipped():
    first = table([HEADER, ["1", "Việc một", "KH", "Văn phòng", "Quý I"]])
    second = table([HEADER, ["2", "Việc hai", "BC", "Tư pháp", "Quý II"], ["1", "Trùng số", "BC", "VP", "Quý III"]], "")
    tasks, review = tasks_from_tables([first, table([["3", "Việc ba", "BC", "Tư pháp", "Quý IV"]], ""), second], 2023)
    assert [t["task_id"] for t in tasks] == ["PL01-1", "PL01-3", "PL01-2", "PL01-1_2"]
    assert [r.kind for r in review] == ["source"]
    assert tasks_from_tables([table([["3", "Việc", "BC", "VP", "Quý IV"]], "")], 2023) == ([], [])


def test_a_pdf_cell_wrapped_by_its_column_reads_as_one_paragraph(tmp_path):
    from weasyprint import HTML

    cells = "".join(f"<th>{h}</th>" for h in HEADER)
    task = "Niêm yết công khai đầy đủ các thủ tục hành chính thuộc thẩm quyền giải quyết của xã"
    body = (f"<tr><td>1</td><td>{task}</td><td>- Kế hoạch rà soát<br>- Báo cáo kết quả</td>"
            "<td>Công chức văn phòng</td><td>Tháng 11/2023</td></tr>")
    HTML(string=f"<p>{TITLE}</p><table border=1><tr>{cells}</tr>{body}</table>"
         "<style>td,th{border:1px solid black;padding:4px;width:22mm}</style>").write_pdf(tmp_path / "kh.pdf")
    source = read_pdf(tmp_path / "kh.pdf")
    tasks, _ = tasks_from_tables(source.tables, 2023)
    assert [(t["task"], t["deliverable"], t["owner"], t["timing"]) for t in tasks] == [
        (task, "- Kế hoạch rà soát\n- Báo cáo kết quả", "Công chức văn phòng", "Tháng 11/2023")]
