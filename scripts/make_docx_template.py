"""Build the shipped Word template of the period report, ``cchc_lib/templates/docx/bao-cao.docx``.

The template is a styled document in the format of Nghị định 30/2020/NĐ-CP (A4; margins 20 / 20 /
30 / 15 mm; Times New Roman 13.5 pt, line spacing 1.15, first-line indent 1 cm, justified) whose
text holds docxtpl (Jinja) tags; :mod:`cchc_lib.outputs.docx_report` fills it from the document context.
Section headings use Word's "Heading 1" and subsection headings "Heading 2" (restyled black
Times New Roman), so Word's navigation pane shows the report's outline. The closing sentence
has the style "Closing" (keep with next): :mod:`cchc_lib.outputs.docx_report` also keeps the two
paragraphs before it with it, so the end of the body, the closing, "Nơi nhận" and the signature
(one table row that cannot split) share a page. Every run names Times New Roman for all four
script slots (ascii, hAnsi, cs, eastAsia), so no face is substituted for Vietnamese letters.

Run from the repository: ``.venv/bin/python scripts/make_docx_template.py`` (rewrites the file).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

FONT = "Times New Roman"
BODY_PT = 13.5  # the body as in the PDF; Phụ lục I allows 13 to 14 pt
# Nghị định 30/2020, Phụ lục I: one set of sizes throughout (Quốc hiệu 13, Tiêu ngữ and the date
# line 14), the issuing body 13, the number 13, the trích yếu 14, the body and the signature 13.5
NATION_PT, MOTTO_PT, ISSUER_PT, NUMBER_PT, DATE_PT = 13, 14, 13, 13, 14
ISSUER_RULE_MM = 20  # 1/3 to 1/2 of the issuing body's line ("XÃ HOẰNG GIANG" in 13 pt bold: 42 mm)
SUBTITLE_RULE_MM = 55  # 1/3 to 1/2 of the trích yếu's line (110 to 165 mm in 14 pt bold)
CLOSING_STYLE = "Closing"
PLACEHOLDER_NAME = "(Họ và tên)"
TEXT_WIDTH = Mm(210 - 30 - 15)
TARGET = Path(__file__).resolve().parent.parent / "cchc_lib" / "templates" / "docx" / "bao-cao.docx"


# ---------------------------------------------------------------- styles


def _set_fonts(rpr, name: str = FONT) -> None:
    """Point every script slot of a run-properties element at ``name`` (no theme fonts)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _set_lang(rpr, lang: str = "vi-VN") -> None:
    node = rpr.find(qn("w:lang"))
    if node is None:
        node = OxmlElement("w:lang")
        rpr.append(node)
    node.set(qn("w:val"), lang)
    node.set(qn("w:eastAsia"), lang)


def _body_format(fmt, before: float):
    """The decree's paragraph: justified, first line indented 1 cm, spacing 1.15, 6 pt after."""
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1)
    fmt.line_spacing = 1.15
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(6)
    return fmt


def _style_defaults(doc) -> None:
    """Document defaults: Times New Roman 13.5 pt, Vietnamese; Normal is the body paragraph."""
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default)
    _set_lang(rpr_default)
    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr())
    normal.font.size = Pt(BODY_PT)
    _body_format(normal.paragraph_format, before=0).widow_control = True


def _style_heading(doc, name: str, italic: bool) -> None:
    """A built-in heading restyled as the decree's heading: Times New Roman 13.5 pt bold black."""
    style = doc.styles[name]
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr)
    color = rpr.find(qn("w:color"))
    if color is not None:
        rpr.remove(color)
    style.font.size = Pt(BODY_PT)
    style.font.bold = True
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    _body_format(style.paragraph_format, before=6).keep_with_next = True


# ---------------------------------------------------------------- paragraphs


def _para(container, text: str = "", *, size: float | None = None, bold: bool = False, italic: bool = False,
          underline: bool = False, align=None, indent: bool | None = None, after: float | None = None,
          before: float | None = None, style: str | None = None):
    """A paragraph of one run (so a Jinja tag in ``text`` stays whole) formatted directly."""
    par = container.add_paragraph(style=style)
    run = par.add_run(text)
    _set_fonts(run._r.get_or_add_rPr())
    if size is not None:
        run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    fmt = par.paragraph_format
    if align is not None:
        fmt.alignment = align
    if indent is False:
        fmt.first_line_indent = Cm(0)
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    return par


def _tag(container, tag: str):
    """A paragraph holding only a docxtpl paragraph tag (``{%p … %}``): it vanishes on rendering."""
    return container.add_paragraph(tag)


def _cell_para(cell, text: str, first: bool = False, **kwargs):
    """A centred, single-spaced paragraph in a table cell (the cell's first one if ``first``)."""
    if first:
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    kwargs.setdefault("align", WD_ALIGN_PARAGRAPH.CENTER)
    par = _para(cell, text, indent=False, after=kwargs.pop("after", 0), **kwargs)
    par.paragraph_format.line_spacing = 1.0
    return par


def _short_rule(container, width_mm: float, box_mm: float):
    """A centred rule ``width_mm`` long in a box ``box_mm`` wide (a table cell, the text width):
    an empty paragraph of 2 pt with a bottom border and side indents."""
    par = _cell_para(container, "", size=2)
    side = Mm((box_mm - width_mm) / 2)
    par.paragraph_format.left_indent = side
    par.paragraph_format.right_indent = side
    ppr = par._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")
    mark = OxmlElement("w:rPr")  # the paragraph mark sets an empty paragraph's height
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), "4")
        mark.append(size)
    ppr.append(mark)
    return par


def _dotted_line(doc):
    """A line of dots across the text width, for the office to write on."""
    par = _para(doc, "\t", indent=False, after=6)
    par.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH - Mm(1), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    return par


# ---------------------------------------------------------------- tables


def _borderless_table(doc, widths_mm: list[float], rows: int = 1):
    table = doc.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for col, width in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(width)
        for cell in col.cells:
            cell.width = Mm(width)
    return table


def _header_block(doc) -> None:
    """The decree's header: issuing body and number on the left, nation, motto and date on the right."""
    left_mm, right_mm = 68, 104
    table = _borderless_table(doc, [left_mm, right_mm], rows=2)
    left, right = table.rows[0].cells
    _cell_para(left, "{{ header.authority }}", first=True, size=ISSUER_PT, bold=True)
    _cell_para(left, "{{ header.unit }}", size=ISSUER_PT, bold=True)
    _short_rule(left, ISSUER_RULE_MM, left_mm)
    _cell_para(right, "{{ header.nation }}", first=True, size=NATION_PT, bold=True)
    _cell_para(right, "{{ header.motto }}", size=MOTTO_PT, bold=True, underline=True)
    left, right = table.rows[1].cells
    _cell_para(left, "{{ header.number }}", first=True, size=NUMBER_PT, before=6)
    _cell_para(right, "{{ header.place_date }}", first=True, size=DATE_PT, italic=True, before=6)


def _title_block(doc) -> None:
    """"BÁO CÁO", the trích yếu under it, both bold, a short rule under the trích yếu, then the
    data window in italics."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, "{{ title }}", bold=True, align=center, indent=False, before=18, after=0)
    _para(doc, "{{ subtitle }}", bold=True, align=center, indent=False, after=0)
    _short_rule(doc, SUBTITLE_RULE_MM, TEXT_WIDTH.mm).paragraph_format.space_after = Pt(6)
    _para(doc, "{{ window_line }}", italic=True, align=center, indent=False, size=13, after=12)


def _closing_style(doc) -> None:
    """"Closing": a body paragraph kept with the next (the closing sentence with the signature)."""
    style = doc.styles.add_style(CLOSING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.paragraph_format.keep_with_next = True


def _signature_block(doc) -> None:
    """Recipients on the left, the signer on the right, in one row that cannot split across pages.
    Without a signer's name, a highlighted place to write it."""
    table = _borderless_table(doc, [80, 88])
    row = table.rows[0]
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = row.cells
    _cell_para(left, "Nơi nhận:", first=True, size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT,
               before=12)
    _tag(left, "{%p for r in recipients %}")
    _cell_para(left, "- {{ r }}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _tag(left, "{%p endfor %}")
    _cell_para(right, "{{ signature.on_behalf }}", first=True, size=BODY_PT, bold=True, before=12)
    _cell_para(right, "{{ signature.title }}", size=BODY_PT, bold=True)
    for _ in range(5):  # the place to sign
        _cell_para(right, "", size=BODY_PT)
    _tag(right, "{%p if signature.name %}")
    _cell_para(right, "{{ signature.name }}", size=BODY_PT, bold=True)
    _tag(right, "{%p else %}")
    name = _cell_para(right, PLACEHOLDER_NAME, size=BODY_PT, italic=True)
    name.runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW
    _tag(right, "{%p endif %}")


# ---------------------------------------------------------------- page


def _page(doc) -> None:
    """A4 portrait, the decree's margins, the page number centred in the page header from page 2."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    first = section.first_page_header.paragraphs[0]
    first.paragraph_format.first_line_indent = Cm(0)
    header = section.header
    header.is_linked_to_previous = False
    par = header.paragraphs[0]
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    par.paragraph_format.first_line_indent = Cm(0)
    par.paragraph_format.space_after = Pt(0)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        run = par.add_run()
        _set_fonts(run._r.get_or_add_rPr())
        run.font.size = Pt(13)
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.add_text(text)


# ---------------------------------------------------------------- body


def _loop(doc, head: str, body: str, var: str, **kwargs) -> None:
    """``{%p for var in head %}`` one paragraph ``body`` ``{%p endfor %}``."""
    _tag(doc, f"{{%p for {var} in {head} %}}")
    _para(doc, body, **kwargs)
    _tag(doc, "{%p endfor %}")


def _section_body(doc, prefix: str) -> None:
    """The paragraphs and dash bullets of a section or subsection named ``prefix``."""
    _loop(doc, f"{prefix}.paragraphs", "{{ t }}", "t")
    _loop(doc, f"{prefix}.bullets", "- {{ b }}", "b")


def _sections(doc) -> None:
    _tag(doc, "{%p for s in sections %}")
    _para(doc, "{{ s.heading }}", style="Heading 1")
    _section_body(doc, "s")
    _tag(doc, "{%p for sub in s.subsections %}")
    _para(doc, "{{ sub.heading }}", style="Heading 2")
    _section_body(doc, "sub")
    _loop(doc, "sub.narrative", "{{ t }}", "t")
    _tag(doc, "{%p endfor %}")
    _loop(doc, "s.narrative", "{{ t }}", "t")
    _tag(doc, "{%p if s.to_fill %}")
    par = _para(doc, "(Văn phòng bổ sung đề xuất, kiến nghị của đơn vị)", italic=True)
    par.runs[0].font.highlight_color = WD_COLOR_INDEX.YELLOW
    par.paragraph_format.keep_with_next = True  # the place to write stays whole, with the closing
    for _ in range(3):
        _dotted_line(doc).paragraph_format.keep_with_next = True
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")


def _appendices(doc) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _tag(doc, "{%p for a in appendices %}")
    _tag(doc, "{%p if a.new_page is not defined or a.new_page %}")  # the first appendix starts a page
    heading = _para(doc, "{{ a.heading }}", style="Heading 1", align=center, indent=False)
    heading.paragraph_format.page_break_before = True
    _tag(doc, "{%p else %}")
    _para(doc, "{{ a.heading }}", style="Heading 1", align=center, indent=False, before=12)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if a.attached is defined and a.attached %}")
    _para(doc, "{{ a.attached }}", italic=True, align=center, indent=False, size=13)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if a.note %}")
    _para(doc, "{{ a.note }}", italic=True, align=center, indent=False, size=13)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if a.table_subdoc %}")
    _tag(doc, "{{p a.table_subdoc }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if a.image_inline %}")
    _para(doc, "{{ a.image_inline }}", align=center, indent=False)
    _tag(doc, "{%p elif a.image %}")
    _para(doc, "(Chưa có hình: {{ a.image }})", italic=True, align=center, indent=False)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    _para(doc, "", indent=False, after=0)  # Word wants a paragraph, not a table, to end the body


def build() -> Document:
    doc = Document()
    _style_defaults(doc)
    _style_heading(doc, "Heading 1", italic=False)
    _style_heading(doc, "Heading 2", italic=False)
    _closing_style(doc)
    _page(doc)
    body = doc._body._element
    for par in list(body.iterchildren(qn("w:p"))):  # the default document's empty paragraph
        body.remove(par)
    _header_block(doc)
    _title_block(doc)
    _loop(doc, "intro", "{{ t }}", "t")
    _sections(doc)
    _para(doc, "{{ closing }}", style=CLOSING_STYLE)
    _signature_block(doc)
    _appendices(doc)
    props = doc.core_properties
    props.title = "Báo cáo kết quả thực hiện công tác cải cách hành chính"
    props.author = ""
    props.comments = ""
    props.language = "vi-VN"
    props.keywords = ""
    props.last_modified_by = ""
    return doc


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    build().save(str(target))
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
