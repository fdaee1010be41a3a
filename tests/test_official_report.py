"""The period report in its five formats, as ``cchc report`` writes them from a data folder
holding personal columns, a hostile procedure name and the office's own words: the Word file's
outline and sentences, the workbook's cells against the JSON, the PDF's header block, inert
markup and formulas, no personal data anywhere, and an office's own Word template."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile

import pytest

from cchc_lib.inputs.narrative import read_narrative
from cchc_lib.inputs.unit import read_unit
from cchc_lib.outputs.document import build_document, number, percent
from tests.hostile.support import Page, assert_no_personal, cchc, file_text, make_data

pytestmark = pytest.mark.notebook

PERIOD = "2023-Q2"
VECTOR = '=HYPERLINK("http://127.0.0.1:9/x","bấm")<script>alert(1)</script>'
NARRATIVE = ("## I. Chỉ đạo, điều hành\nUBND xã họp giao ban cải cách hành chính hằng tháng.\n\n"
             "## V. Đề xuất, kiến nghị\nĐề nghị UBND huyện hỗ trợ máy quét để số hóa kết quả.\n")
FORMATS = ("html", "pdf", "docx", "xlsx", "json")


def _plant_procedure(path, field: str, value: str) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    touched = 0
    for row in rows[1:]:
        if row[header.index("field")] == field and row[header.index("due_at")]:  # no due date to compute
            row[header.index("procedure")] = value
            touched += 1
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return touched


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("official")
    data = make_data(root / "xa", rows=None)
    assert _plant_procedure(data / "dossiers.csv", "Chứng thực", VECTOR) > 100
    (data / "narrative").mkdir()
    (data / "narrative" / f"{PERIOD}.md").write_text(NARRATIVE, encoding="utf-8")
    out = root / "out"
    run = cchc("report", PERIOD, "--data", data, "--out", out, timeout=900)
    summary = json.loads((out / f"{PERIOD}.json").read_text(encoding="utf-8")) if run.status == 0 else {}
    document = build_document(summary, read_unit(data).document, read_narrative(data, PERIOD)) if summary else {}
    return {"run": run, "out": out, "data": data, "summary": summary, "document": document, "root": root}


def _docx(path):
    from docx import Document

    return Document(str(path))


def _space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_all_five_formats_are_written_by_default(report):
    run, out = report["run"], report["out"]
    assert run.status == 0, run.text
    assert {f"{PERIOD}.{f}" for f in FORMATS} <= {p.name for p in out.iterdir()}
    index = (out / "index.html").read_text(encoding="utf-8")
    for f in FORMATS:
        assert f'href="{PERIOD}.{f}"' in index


def test_the_word_headings_are_the_outline_in_order(report):
    doc = _docx(report["out"] / f"{PERIOD}.docx")
    headings = [p.text for p in doc.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    expected = []
    for section in report["document"]["sections"]:
        expected += [section["heading"], *(sub["heading"] for sub in section["subsections"])]
    expected += [a["heading"] for a in report["document"]["appendices"]]
    assert [_space(h) for h in headings] == [_space(h) for h in expected]
    assert [h for h in headings if h.startswith(("I.", "II.", "III.", "IV.", "V."))] == [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH",
        "III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", "V. ĐỀ XUẤT, KIẾN NGHỊ"]


def test_the_word_sentences_hold_the_json_figures(report):
    text = _space("\n".join(p.text for p in _docx(report["out"] / f"{PERIOD}.docx").paragraphs))
    t = report["summary"]["dossiers"]["total"]
    in_time = t["resolved_early"] + t["resolved_on_time"]
    assert f"tiếp nhận {number(t['received_total'])} hồ sơ thủ tục hành chính" in text
    assert f"({number(t['received_online'])} hồ sơ trực tuyến, " in text
    assert f"Đã giải quyết {number(t['resolved_total'])} hồ sơ, trong đó {number(in_time)} hồ sơ trước hạn " \
           f"và đúng hạn ({percent(in_time / t['resolved_total'])})" in text
    for key in ("on_time_rate", "online_rate", "e_result_rate"):
        assert percent(report["summary"]["kpis"][key]) in text
    for section in report["document"]["sections"]:
        for sentence in (*section["paragraphs"], *section["bullets"], *section["narrative"]):
            assert _space(sentence) in text
    assert "UBND xã họp giao ban cải cách hành chính hằng tháng." in text  # the office's words, in section I
    assert "Đề nghị UBND huyện hỗ trợ máy quét để số hóa kết quả." in text


def test_the_workbook_cells_equal_the_json(report):
    from openpyxl import load_workbook

    summary = report["summary"]
    book = load_workbook(report["out"] / f"{PERIOD}.xlsx", data_only=True)  # a total's value as saved with it
    sheet = book["Biểu II.06a"]
    rows = {str(r[1].value): r for r in sheet.iter_rows() if r[1].value is not None}
    for field, counts in [*summary["dossiers"]["by_field"].items(), ("Tổng số", summary["dossiers"]["total"])]:
        cells = rows[field][2:13]
        assert [c.value for c in cells] == list(counts.values()), field
        assert all(isinstance(c.value, int) for c in cells if c.value is not None)
    from cchc_lib.figures.dossiers import KPI_NAMES_VI

    header = next(r for r in book["Chỉ tiêu"].iter_rows(values_only=True) if r[0] == "STT")
    at = {name: header.index(name) for name in ("Chỉ tiêu", "Kết quả", "Tử số", "Mẫu số")}
    rows = {}
    for r in book["Chỉ tiêu"].iter_rows(values_only=True):
        if isinstance(r[0], int):
            rows.setdefault(r[at["Chỉ tiêu"]], r)
    for key, value in summary["kpis"].items():
        row = rows[KPI_NAMES_VI[key]]
        parts = summary["kpi_parts"][key]
        assert (row[at["Tử số"]], row[at["Mẫu số"]]) == (parts["numerator"], parts["denominator"]), key
        if value is None:
            assert row[at["Kết quả"]] is None
        else:
            assert row[at["Kết quả"]] == pytest.approx(value, rel=1e-12), key


def test_markup_and_formulas_from_the_data_are_inert_in_every_format(report):
    out = report["out"]
    assert any(VECTOR == r["procedure"] for r in report["summary"]["late_dossiers"])  # the vector reaches the lists
    page = Page((out / f"{PERIOD}.html").read_text(encoding="utf-8"))
    assert "script" not in page.tags and "a" not in page.tags
    assert VECTOR in page.text
    with zipfile.ZipFile(out / f"{PERIOD}.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;" in body and "<script" not in body
    assert not re.search(r"<w:(hyperlink|fldSimple|instrText)\b", body)
    with zipfile.ZipFile(out / f"{PERIOD}.xlsx") as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")]
        for name in sheets:
            # the only formulas are the form's own sums, made of cell addresses: no text of the data
            formulas = re.findall(r"<f(?:\s[^>]*)?>(.*?)</f>", xlsx.read(name).decode("utf-8"))
            assert all(re.fullmatch(r"SUM\([A-Z]+\d+:[A-Z]+\d+\)|[A-Z]+\d+(?:\+[A-Z]+\d+)+", f) for f in formulas), name
    from openpyxl import load_workbook

    late = load_workbook(out / f"{PERIOD}.xlsx")["Hồ sơ trễ hạn"]
    cells = [c for row in late.iter_rows() for c in row if c.value == VECTOR]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_pdf_holds_the_header_block_and_the_section_titles(report):
    text = _space(file_text(report["out"] / f"{PERIOD}.pdf"))
    for line in ("ỦY BAN NHÂN DÂN", "XÃ HOẰNG GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                 "Kết quả thực hiện công tác cải cách hành chính quý II năm 2023",
                 "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI",
                 "V. ĐỀ XUẤT, KIẾN NGHỊ", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"):
        assert line in text, line


def test_no_planted_personal_data_in_any_format(report):
    assert_no_personal(report["run"], report["out"])


def test_an_office_template_replaces_the_shipped_one(report):
    from docx import Document

    data = report["root"] / "xa-mau-rieng"
    shutil.copytree(report["data"], data)
    template = Document()
    template.add_paragraph("MẪU RIÊNG CỦA XÃ: {{ subtitle }}")
    template.add_paragraph("{%p for s in sections %}")
    template.add_paragraph("{{ s.heading }}")
    template.add_paragraph("{%p endfor %}")
    template.save(str(data / "mau-bao-cao.docx"))
    unit = (data / "unit.yaml").read_text(encoding="utf-8")
    (data / "unit.yaml").write_text(unit + "report_template: mau-bao-cao.docx\n", encoding="utf-8")
    out = report["root"] / "out-mau"
    run = cchc("report", PERIOD, "--data", data, "--out", out, "--format", "docx", timeout=600)
    assert run.status == 0, run.text
    texts = [p.text for p in _docx(out / f"{PERIOD}.docx").paragraphs]
    assert texts[0] == "MẪU RIÊNG CỦA XÃ: Kết quả thực hiện công tác cải cách hành chính quý II năm 2023"
    assert [t for t in texts if t.startswith(("I.", "II.", "III.", "IV.", "V."))][:1] == [
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH"]
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {f"{PERIOD}.docx", "index.html"}
