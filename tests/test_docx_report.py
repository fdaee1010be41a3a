"""The period report as a Word document: cchc_lib.outputs.docx_report and its shipped template."""

from __future__ import annotations

import copy
import importlib.util
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree
from PIL import Image

from cchc_lib.base.errors import ReportError
from cchc_lib.base.paths import PROJECT_ROOT
from cchc_lib.outputs import docx_report
from cchc_lib.outputs.docx_report import DEFAULT_TEMPLATE, write_period_docx

CONTEXT_FILE = Path(__file__).parent / "data" / "document_context.json"
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "<script>alert(1)</script>",
    "Tom & Jerry < 3 > 2 ' \" {{ header.unit }} {% if %}",
]
LONG = "Đoạn văn rất dài của văn phòng. " * 62 + "hết"  # over 2000 characters


def _context() -> dict:
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (30, 90, 160)).save(buf, format="PNG")
    return buf.getvalue()


def _paragraph_texts(doc) -> list[str]:
    """The text of every paragraph of the body, those in table cells included, in order."""
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in doc.element.body.iter(qn("w:p"))]


def _strings(context: dict) -> list[str]:
    """Every text of the context that must appear in the document."""
    out = [*context["header"].values(), context["title"], context["subtitle"], context["window_line"]]
    out += [*context["intro"], context["closing"], *context["recipients"], *context["signature"].values()]
    for section in context["sections"]:
        out += [section["heading"], *section["paragraphs"], *section["bullets"], *section["narrative"]]
        for sub in section["subsections"]:
            out += [sub["heading"], *sub["paragraphs"], *sub["bullets"], *sub["narrative"]]
    for appendix in context["appendices"]:
        out += [appendix["heading"], appendix["note"]] if appendix["note"] else [appendix["heading"]]
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> tuple[dict, Path]:
    context = _context()
    target = tmp_path_factory.mktemp("docx") / "2023-Q2.docx"
    write_period_docx(context, target, images={"received_by_month": _png()})
    return context, target


def test_shipped_template_is_in_the_package():
    assert DEFAULT_TEMPLATE.is_file()
    assert DEFAULT_TEMPLATE.relative_to(PROJECT_ROOT / "cchc_lib") == Path("templates/docx/bao-cao.docx")


def test_headings_are_the_outline_in_order(rendered):
    context, target = rendered
    doc = Document(str(target))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    expected = []
    for section in context["sections"]:
        expected.append(("Heading 1", section["heading"]))
        expected += [("Heading 2", sub["heading"]) for sub in section["subsections"]]
    expected += [("Heading 1", appendix["heading"]) for appendix in context["appendices"]]
    assert headings == expected


def test_every_text_of_the_context_is_in_the_document(rendered):
    context, target = rendered
    texts = _paragraph_texts(Document(str(target)))
    whole = "\n".join(texts)
    missing = [s for s in _strings(context) if s not in whole]
    assert not missing
    for section in context["sections"]:
        for bullet in section["bullets"]:
            assert f"- {bullet}" in texts
    assert "- Lưu: VT." in texts
    assert "(Văn phòng bổ sung đề xuất, kiến nghị của đơn vị)" in texts  # section V has no text: a place to write in
    assert "Nơi nhận:" in texts


def test_leftover_template_tags_are_gone(rendered):
    _, target = rendered
    whole = "\n".join(_paragraph_texts(Document(str(target))))
    assert "{{" not in whole.replace("{{ header.unit }}", "")
    assert "{%" not in whole


def _appendix_table(doc):
    for table in doc.tables:
        if table.cell(0, 0).text == "STT":
            return table
    raise AssertionError("no appendix table")


def test_appendix_table_has_the_merged_header_and_the_rows(rendered):
    context, target = rendered
    spec = context["appendices"][0]["table"]
    table = _appendix_table(Document(str(target)))
    assert len(table.columns) == 13
    assert len(table.rows) == len(spec["header"]) + len(spec["rows"])
    cell = table.cell
    # STT and Lĩnh vực span the three header rows; the three groups span 4, 4 and 3 columns
    assert cell(0, 0)._tc is cell(2, 0)._tc and cell(0, 1)._tc is cell(2, 1)._tc
    assert cell(0, 2)._tc is cell(0, 5)._tc and cell(0, 2).text == "Số hồ sơ nhận giải quyết"
    assert cell(0, 6)._tc is cell(0, 9)._tc and cell(0, 10)._tc is cell(0, 12)._tc
    assert cell(1, 3)._tc is cell(1, 4)._tc and cell(1, 3).text == "Trong kỳ"
    assert cell(1, 2)._tc is cell(2, 2)._tc and cell(1, 2).text == "Tổng số"
    assert cell(2, 3).text == "Trực tuyến" and cell(2, 4).text == "Trực tiếp, bưu chính"
    assert [c.text for c in table.rows[3].cells] == [f"({i})" for i in range(1, 14)]
    first = table.rows[0]._tr
    spans = [tc.tcPr.find(qn("w:gridSpan")) for tc in first.tc_lst]
    assert [s.get(qn("w:val")) if s is not None else "1" for s in spans] == ["1", "1", "4", "4", "3"]
    vmerge = table.rows[0]._tr.tc_lst[0].tcPr.find(qn("w:vMerge"))
    assert vmerge is not None and vmerge.get(qn("w:val")) == "restart"
    for i, values in enumerate(spec["rows"]):
        assert [c.text for c in table.rows[len(spec["header"]) + i].cells] == values
    # header rows repeat on each page; the total row is bold; the borders are on the table itself
    for r in range(len(spec["header"])):
        assert table.rows[r]._tr.trPr.find(qn("w:tblHeader")) is not None
    total = table.rows[-1]
    assert all(run.bold for c in total.cells for p in c.paragraphs for run in p.runs)
    assert not any(run.bold for c in table.rows[-2].cells for p in c.paragraphs for run in p.runs)
    assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None
    assert table.cell(4, 2).paragraphs[0].alignment == 2  # numbers right-aligned


def test_appendix_image_is_placed(rendered):
    _, target = rendered
    with zipfile.ZipFile(target) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        assert any(name.startswith("word/media/") for name in z.namelist())
    assert xml.count("<w:drawing>") == 1


def test_missing_image_leaves_a_note(tmp_path):
    target = tmp_path / "r.docx"
    write_period_docx(_context(), target)
    assert "(Chưa có hình: received_by_month)" in _paragraph_texts(Document(str(target)))


def test_page_layout_of_the_shipped_template(rendered):
    _, target = rendered
    doc = Document(str(target))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert section.different_first_page_header_footer
    heading = doc.styles["Heading 1"]
    assert heading.font.name == "Times New Roman" and heading.font.bold and str(heading.font.color.rgb) == "000000"
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 13.5  # as the PDF, within 13–14 pt
    with zipfile.ZipFile(target) as z:
        headers = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header")]
    assert any("PAGE" in h and "w:instrText" in h for h in headers)


def test_hostile_text_stays_literal_and_makes_no_field_or_link(tmp_path):
    context = _context()
    section = context["sections"][0]
    section["paragraphs"] += HOSTILE
    section["narrative"].append(LONG)
    context["recipients"].append("A & B <c>")
    context["appendices"][0]["table"]["rows"][0][1] = HOSTILE[0]
    context["appendices"][0]["heading"] += " & <b>"
    target = tmp_path / "r.docx"
    write_period_docx(context, target)
    texts = _paragraph_texts(Document(str(target)))
    for text in [*HOSTILE, LONG, "- A & B <c>", context["appendices"][0]["heading"]]:
        assert text in texts
    with zipfile.ZipFile(target) as z:
        xml = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    for element in ("w:fldSimple", "w:instrText", "w:hyperlink", "w:fldChar", "<script"):
        assert element not in xml
    assert "http://x" not in rels


def test_control_characters_in_the_data_are_dropped(tmp_path):
    context = _context()
    context["intro"] = ["A\x00B\x07C\x0cD\x1bE\ufffeF", "dòng một\r\ndòng hai"]
    target = tmp_path / "r.docx"
    write_period_docx(context, target)
    texts = _paragraph_texts(Document(str(target)))
    assert "ABCDEF" in texts
    assert "dòng mộtdòng hai" in texts  # the line break is a w:br between the two texts


def test_the_input_context_is_not_changed(tmp_path):
    context = _context()
    before = copy.deepcopy(context)
    write_period_docx(context, tmp_path / "r.docx", images={"received_by_month": _png()})
    assert context == before


def _custom_template(path: Path, *lines: str) -> Path:
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def test_a_template_of_the_communes_own(tmp_path):
    template = _custom_template(
        tmp_path / "mau-rieng.docx",
        "MẪU RIÊNG CỦA XÃ {{ subtitle }}",
        "{%p for s in sections %}",
        "{{ s.heading }}",
        "{%p endfor %}",
        "{%p for a in appendices %}",
        "{%p if a.table_subdoc %}",
        "{{p a.table_subdoc }}",
        "{%p endif %}",
        "{%p endfor %}",
        "Ký tên: {{ signature.name }}",
    )
    context = _context()
    target = tmp_path / "r.docx"
    write_period_docx(context, target, template=template)
    doc = Document(str(target))
    texts = _paragraph_texts(doc)
    assert texts[0] == f"MẪU RIÊNG CỦA XÃ {context['subtitle']}"
    assert [s["heading"] for s in context["sections"]] == texts[1:6]
    assert "Ký tên: Nguyễn Văn A" in texts
    assert _appendix_table(doc).cell(0, 2).text == "Số hồ sơ nhận giải quyết"


@pytest.mark.parametrize("lines", [("{{ subtitle ",), ("{%p for s in sections %}", "{{ s.heading }}"),
                                   ("{{ subtitle | no_such_filter }}",), ("{{ ''.__class__.__mro__ }}",),
                                   ("A{{ subtitel }}B",), ("{% for i in range(100000000) %}x{% endfor %}",),
                                   ("{% include '/etc/passwd' %}",)])
def test_a_template_with_bad_tags_raises_naming_it(tmp_path, lines):
    template = _custom_template(tmp_path / "hong.docx", *lines)
    target = tmp_path / "r.docx"
    with pytest.raises(ReportError, match=r"hong\.docx") as caught:
        write_period_docx(_context(), target, template=template)
    assert "\n" not in str(caught.value)
    assert os.listdir(tmp_path) == ["hong.docx"]


def test_a_template_that_is_not_a_docx_raises(tmp_path):
    text = tmp_path / "khong-phai.docx"
    text.write_text("{{ subtitle }}", encoding="utf-8")
    with pytest.raises(ReportError, match=r"khong-phai\.docx: not a Word \.docx file"):
        write_period_docx(_context(), tmp_path / "r.docx", template=text)
    other_zip = tmp_path / "nen.docx"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ReportError, match=r"nen\.docx: not a Word \.docx file"):
        write_period_docx(_context(), tmp_path / "r.docx", template=other_zip)
    with pytest.raises(ReportError, match=r"vang\.docx: file not found"):
        write_period_docx(_context(), tmp_path / "r.docx", template=tmp_path / "vang.docx")


def test_an_image_that_is_not_a_picture_raises(tmp_path):
    with pytest.raises(ReportError, match="not a PNG/JPEG picture"):
        write_period_docx(_context(), tmp_path / "r.docx", images={"received_by_month": b"not a png"})


def test_a_failure_mid_write_keeps_the_earlier_file(tmp_path, monkeypatch):
    target = tmp_path / "2023-Q2.docx"
    write_period_docx(_context(), target)
    earlier = target.read_bytes()

    def broken_save(self, filename, *args, **kwargs):
        Path(filename).write_bytes(b"PK half a file")
        raise OSError("disk full")

    monkeypatch.setattr(docx_report.DocxTemplate, "save", broken_save)
    with pytest.raises(ReportError, match="2023-Q2.docx: cannot write it"):
        write_period_docx(_context(), target)
    assert target.read_bytes() == earlier
    assert os.listdir(tmp_path) == ["2023-Q2.docx"]

    def interrupted(self, filename, *args, **kwargs):
        Path(filename).write_bytes(b"PK")
        raise KeyboardInterrupt

    monkeypatch.setattr(docx_report.DocxTemplate, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_period_docx(_context(), target)
    assert target.read_bytes() == earlier
    assert os.listdir(tmp_path) == ["2023-Q2.docx"]


def test_a_bad_template_leaves_the_earlier_file(tmp_path):
    target = tmp_path / "2023-Q2.docx"
    write_period_docx(_context(), target)
    earlier = target.read_bytes()
    template = _custom_template(tmp_path / "hong.docx", "{% for %}")
    with pytest.raises(ReportError):
        write_period_docx(_context(), target, template=template)
    assert target.read_bytes() == earlier
    assert sorted(os.listdir(tmp_path)) == ["2023-Q2.docx", "hong.docx"]


def test_the_table_fits_the_text_width():
    doc = Document()
    spec = _context()["appendices"][0]["table"]
    table = docx_report._build_table(doc, spec)
    widths = [col.width for col in table.columns]
    assert abs(sum(widths) - Mm(docx_report.TEXT_WIDTH_MM)) < Mm(1)
    # no column narrower than its longest header word needs ("Trước", "STT")
    assert min(widths) >= Mm(docx_report._word_mm("STT")) - Mm(0.1)


def test_the_shipped_template_is_what_the_script_builds(tmp_path):
    script = PROJECT_ROOT / "scripts" / "make_docx_template.py"
    spec = importlib.util.spec_from_file_location("make_docx_template", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = tmp_path / "bao-cao.docx"
    assert module.main([str(built)]) == 0
    with zipfile.ZipFile(built) as new, zipfile.ZipFile(DEFAULT_TEMPLATE) as shipped:
        for part in ("word/document.xml", "word/styles.xml"):
            assert new.read(part) == shipped.read(part), f"{part}: run scripts/make_docx_template.py"


# ---------------------------------------------------------------- Nghị định 30/2020, Phụ lục I


def _body_paragraphs(doc) -> list:
    """The body's own paragraphs (not those in tables), as python-docx paragraphs, in order."""
    return list(doc.paragraphs)


def _index_of(paragraphs, text: str) -> int:
    return next(i for i, p in enumerate(paragraphs) if p.text == text)


def _signature_table(doc):
    return next(t for t in doc.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")


def _rule_mm(paragraph, box_mm: float) -> float:
    """The length of a paragraph's bottom rule inside a box ``box_mm`` wide (indents taken off)."""
    borders = paragraph._p.pPr.find(qn("w:pBdr"))
    assert borders is not None, "no paragraph border"
    bottom = borders.find(qn("w:bottom"))
    assert bottom.get(qn("w:val")) == "single" and [*borders] == [bottom]
    fmt = paragraph.paragraph_format
    assert fmt.left_indent == fmt.right_indent
    return round(box_mm - 2 * fmt.left_indent.mm, 1)


def _runs(paragraph) -> list[tuple[str, bool | None, bool | None, float | None]]:
    return [(r.text, r.bold, r.italic, r.font.size.pt if r.font.size else None) for r in paragraph.runs]


def test_the_header_block_of_the_decree(rendered):
    context, target = rendered
    header = Document(str(target)).tables[0]
    left, right = header.rows[0].cells
    # the issuing body on two lines, both bold capitals in 13 pt, a rule of 20 mm under it
    assert [_runs(p) for p in left.paragraphs[:2]] == [[("ỦY BAN NHÂN DÂN", True, None, 13.0)],
                                                       [("XÃ HOẰNG GIANG", True, None, 13.0)]]
    assert left.paragraphs[2].text == "" and len(left.paragraphs) == 3
    assert _rule_mm(left.paragraphs[2], 68) == 20.0
    assert [_runs(p) for p in right.paragraphs] == [[("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, None, 13.0)],
                                                    [("Độc lập - Tự do - Hạnh phúc", True, None, 14.0)]]
    assert right.paragraphs[1].runs[0].underline  # the motto's rule: the length of its line
    left, right = header.rows[1].cells
    assert [_runs(p) for p in left.paragraphs] == [[(context["header"]["number"], None, None, 13.0)]]
    assert [_runs(p) for p in right.paragraphs] == [[(context["header"]["place_date"], None, True, 14.0)]]


def test_the_title_the_subtitle_and_the_rule_under_it(rendered):
    context, target = rendered
    paragraphs = _body_paragraphs(Document(str(target)))
    at = _index_of(paragraphs, "BÁO CÁO")
    title, subtitle, rule, window = paragraphs[at:at + 4]
    assert _runs(title) == [("BÁO CÁO", True, None, None)]  # Normal's 14 pt
    assert _runs(subtitle) == [(context["subtitle"], True, None, None)]
    assert rule.text == "" and rule.alignment == 1  # centred
    assert _rule_mm(rule, docx_report.TEXT_WIDTH_MM) == 55.0
    assert window.text == context["window_line"]


def _xml_parts(target: Path) -> dict[str, str]:
    with zipfile.ZipFile(target) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def test_page_numbers_from_page_two_at_the_top_centre(rendered):
    _, target = rendered
    doc = Document(str(target))
    assert len(doc.sections) == 1
    section = doc.sections[0]
    assert section._sectPr.find(qn("w:titlePg")) is not None  # page 1 has its own header
    first = section.first_page_header
    assert not first.is_linked_to_previous
    assert first._element.findall(".//" + qn("w:fldChar")) == []
    assert first._element.findall(".//" + qn("w:instrText")) == []
    assert "".join(first._element.itertext()).strip() == ""
    header = section.header
    assert not header.is_linked_to_previous and len(header.paragraphs) == 1
    par = header.paragraphs[0]
    assert par.alignment == 1
    chars = [c.get(qn("w:fldCharType")) for c in par._p.iter(qn("w:fldChar"))]
    assert chars == ["begin", "separate", "end"]
    assert [i.text for i in par._p.iter(qn("w:instrText"))] == [" PAGE "]
    assert {r.font.size.pt for r in par.runs} == {13.0}
    # one PAGE field in the whole file, in the header of pages after the first
    fields = [name for name, xml in _xml_parts(target).items() if "w:instrText" in xml]
    assert fields == [header.part.partname.lstrip("/")]


def _keeps_with_next(paragraph) -> bool:
    if paragraph.paragraph_format.keep_with_next is not None:
        return paragraph.paragraph_format.keep_with_next
    style = paragraph.style
    while style is not None:
        if style.paragraph_format.keep_with_next is not None:
            return style.paragraph_format.keep_with_next
        style = style.base_style
    return False


def test_section_v_to_fill_the_closing_and_the_signature_stay_together(rendered):
    context, target = rendered
    doc = Document(str(target))
    paragraphs = _body_paragraphs(doc)
    closing = _index_of(paragraphs, context["closing"])
    assert paragraphs[closing].style.name == "Closing"
    assert paragraphs[closing].paragraph_format.keep_with_next is None  # from the style
    assert doc.styles["Closing"].paragraph_format.keep_with_next is True
    # V's heading (Heading 1), its marked place and the three dotted lines, the closing: each kept with the next
    tail = paragraphs[closing - 5:closing + 1]
    place = "(Văn phòng bổ sung đề xuất, kiến nghị của đơn vị)"
    assert [p.text.strip() for p in tail] == ["V. ĐỀ XUẤT, KIẾN NGHỊ", place, "", "", "", context["closing"]]
    assert [_keeps_with_next(p) for p in tail] == [True] * 6
    assert _keeps_with_next(paragraphs[closing - 6]) is False  # section IV's last line is free
    # the closing is followed at once by the signature table, one row that cannot split
    closing_p = paragraphs[closing]._p
    table = _signature_table(doc)
    assert closing_p.getnext() is table._tbl
    assert len(table.rows) == 1
    assert table.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_the_last_lines_of_the_office_text_stay_with_the_closing(tmp_path):
    context = _context()
    section = context["sections"][-1]
    section["narrative"] = ["Đoạn một của văn phòng.", "Đoạn hai của văn phòng.", "Đoạn ba của văn phòng."]
    section["to_fill"] = False
    context["draft"] = False
    target = tmp_path / "r.docx"
    write_period_docx(context, target)
    paragraphs = _body_paragraphs(Document(str(target)))
    closing = _index_of(paragraphs, context["closing"])
    tail = paragraphs[closing - 3:closing]
    assert [p.text for p in tail] == section["narrative"]
    # the two paragraphs before the closing carry keep-with-next themselves; the one before them not
    assert [p.paragraph_format.keep_with_next for p in tail] == [None, True, True]
    assert "(Văn phòng bổ sung đề xuất, kiến nghị của đơn vị)" not in [p.text for p in paragraphs]


def test_recipients_and_signer_as_the_decree_writes_them(rendered):
    context, target = rendered
    left, right = _signature_table(Document(str(target))).rows[0].cells
    assert [_runs(p) for p in left.paragraphs] == [[("Nơi nhận:", True, True, 12.0)]] + [
        [(f"- {r}", None, None, 11.0)] for r in context["recipients"]]
    assert left.paragraphs[-1].text == "- Lưu: VT."
    texts = [p.text for p in right.paragraphs]
    assert texts == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "", "", "", "", "Nguyễn Văn A"]
    assert [_runs(right.paragraphs[i]) for i in (0, 1, 7)] == [
        [("TM. ỦY BAN NHÂN DÂN", True, None, 13.5)], [("CHỦ TỊCH", True, None, 13.5)],
        [("Nguyễn Văn A", True, None, 13.5)]]
    assert "(Họ và tên)" not in texts


@pytest.mark.parametrize("name", ["", None, "missing"])
def test_without_a_signer_name_a_marked_place_for_it(tmp_path, name):
    context = _context()
    if name == "missing":
        del context["signature"]["name"]
    else:
        context["signature"]["name"] = name
    target = tmp_path / "r.docx"
    write_period_docx(context, target)
    right = _signature_table(Document(str(target))).rows[0].cells[1]
    assert [p.text for p in right.paragraphs] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "", "", "", "", "(Họ và tên)"]
    run = right.paragraphs[-1].runs[0]
    assert (run.bold, run.italic, run.font.highlight_color) == (None, True, 7)  # WD_COLOR_INDEX.YELLOW


def test_a_draft_has_no_stamp_in_word(tmp_path):
    context = _context()
    context["draft"] = True
    target = tmp_path / "r.docx"
    write_period_docx(context, target)
    texts = _paragraph_texts(Document(str(target)))
    assert "(Văn phòng bổ sung đề xuất, kiến nghị của đơn vị)" in texts
    assert not any("DỰ THẢO" in t.upper() for t in texts)


def test_every_run_names_times_new_roman_for_every_script(rendered):
    context, target = rendered
    slots = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")
    checked = []
    for name, xml in _xml_parts(target).items():
        if not (name == "word/document.xml" or name.startswith("word/header")):
            continue
        root = etree.fromstring(xml.encode("utf-8"))
        for run in root.iter(qn("w:r")):
            if not "".join(t.text or "" for t in run.iter(qn("w:t"), qn("w:instrText"))):
                continue  # no letter to draw: a picture, a field's begin or end, docxtpl's empty run after a picture
            fonts = run.find(qn("w:rPr") + "/" + qn("w:rFonts"))
            assert fonts is not None, f"{name}: {''.join(run.itertext())!r} names no face"
            assert [fonts.get(qn(s)) for s in slots] == ["Times New Roman"] * 4, name
            checked.append("".join(t.text or "" for t in run.iter(qn("w:t"))))
    whole = "\n".join(checked)
    assert [text for text in _strings(context) if text not in whole] == []  # every text was looked at
    styles = Document(str(target)).styles.element
    defaults = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr") + "/" + qn("w:rFonts"))
    assert [defaults.get(qn(s)) for s in slots] == ["Times New Roman"] * 4


def test_the_files_properties_are_the_reports_not_the_templates(tmp_path):
    context = json.loads((Path(__file__).parent / "data" / "document_context.json").read_text(encoding="utf-8"))
    target = tmp_path / "r.docx"
    write_period_docx(context, target)
    props = Document(str(target)).core_properties
    assert props.title == f"{context['title']} {context['subtitle']}"
    assert props.author == f"{context['header']['authority']} {context['header']['unit']}"
    assert props.created.year >= 2026 and props.comments == ""
