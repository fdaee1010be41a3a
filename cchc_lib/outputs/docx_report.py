"""The period report as a Word document (``<PERIOD>.docx``), filled from a docxtpl template.

The content comes as a plain "document context" (a JSON-able dict: ``header``, ``title``,
``subtitle``, ``window_line``, ``intro``, ``sections``, ``closing``, ``recipients``, ``signature``,
``appendices``, and optionally ``draft``); :func:`write_period_docx` renders it into the shipped
template (:data:`DEFAULT_TEMPLATE`, built by ``scripts/make_docx_template.py`` in the format of
Nghị định 30/2020/NĐ-CP) or into a template of the commune's own.

The Word file is the one the office edits, so a draft (``draft``: nothing written for section V)
is not stamped: section V keeps its marked place to write in, and an empty ``signature.name``
shows a highlighted "(Họ và tên)" (both optional keys: a context without them renders as
before). ``recipients`` are the lines after "- ", the last "Lưu: VT, …".

The ending stays on one page: the closing sentence has the paragraph style ``Closing`` (keep
with next) and, after rendering, the two body paragraphs before it are also kept with the next,
so the last lines of the body, the closing and the "Nơi nhận" / signature row (which cannot
split) move to a new page together rather than leaving the signature alone. A template of the
commune's own gets this wherever it uses the style ``Closing``.

A template uses docxtpl's tags: ``{{ subtitle }}``, ``{%p for s in sections %}`` …
``{%p endfor %}`` around paragraphs, and so on. Besides the context's keys, each appendix
``a`` offers ``a.table_subdoc`` (its table, built here with python-docx with the merged
multi-level header, as a block of the document's XML like docxtpl's subdocuments: place it
alone in a paragraph as ``{{p a.table_subdoc }}``) and ``a.image_inline`` (its picture,
about 160 mm wide: ``{{ a.image_inline }}``); either is empty when the appendix has none.

Text from the data stays text: it is XML-escaped on rendering (``autoescape``), characters XML
cannot hold are dropped, and nothing here makes fields or hyperlinks from it. The template runs
in Jinja's sandbox, and what it links to outside the file (an external relationship, a field that
includes a file or an address) is dropped from the report (docs/report.md, "The official report").
The file is written beside the target and renamed over it, so an earlier report survives any
failure.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ..base.errors import ReportError
from ..base.files import replacing
from ..base.paths import TEMPLATES_DIR
from .templating import environment

DEFAULT_TEMPLATE = TEMPLATES_DIR / "docx" / "bao-cao.docx"

FONT = "Times New Roman"
TABLE_PT = 11
CLOSING_STYLE = "Closing"  # the style id of the closing sentence in the shipped template
KEPT_BEFORE_CLOSING = 2  # body paragraphs before the closing kept on its page
IMAGE_WIDTH = Mm(160)
TEXT_WIDTH_MM = 165.0  # A4 less the decree's 30 mm left and 15 mm right margins
CELL_MARGIN_TWIPS = 57  # 1 mm each side of a cell's text (Word's 1.9 mm breaks words in narrow columns)
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "centre": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
# characters XML 1.0 cannot hold (and the form feed / bell docxtpl would turn into page or
# paragraph breaks): dropped from the data's text
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# ---------------------------------------------------------------- the data's text


def _clean(value: Any) -> Any:
    """``value`` with every string made safe to place in XML (a copy; the input is not changed)."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    return value


# ---------------------------------------------------------------- appendix tables


def _grid(header: list[list[dict]]) -> tuple[list[tuple[int, int, int, int, str]], int]:
    """The header's cells placed on a grid, as (row, column, rowspan, colspan, text), and its width."""
    taken: set[tuple[int, int]] = set()
    placed = []
    width = 0
    for r, row in enumerate(header):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            rowspan = max(1, int(cell.get("rowspan") or 1))
            colspan = max(1, int(cell.get("colspan") or 1))
            rowspan = min(rowspan, len(header) - r)
            taken.update((r + i, c + j) for i in range(rowspan) for j in range(colspan))
            placed.append((r, c, rowspan, colspan, str(cell.get("text", ""))))
            c += colspan
            width = max(width, c)
    return placed, width


_JC = {WD_ALIGN_PARAGRAPH.LEFT: "left", WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.RIGHT: "right",
       WD_ALIGN_PARAGRAPH.JUSTIFY: "both"}


def _cell_xml(align, bold: bool) -> tuple[etree._Element, etree._Element]:
    """The paragraph and run properties of a table cell's text: single-spaced, no indent,
    1 pt before and after, Times New Roman 11 pt (bold in headers and totals)."""
    ppr = etree.fromstring(
        f'<w:pPr xmlns:w="{_W}"><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/>'
        f'<w:ind w:firstLine="0"/><w:jc w:val="{_JC.get(align, "left")}"/></w:pPr>')
    rpr = etree.fromstring(
        f'<w:rPr xmlns:w="{_W}"><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
        f'{"<w:b/>" if bold else ""}<w:sz w:val="{2 * TABLE_PT}"/><w:szCs w:val="{2 * TABLE_PT}"/></w:rPr>')
    return ppr, rpr


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CELL_XML: dict[tuple, tuple[etree._Element, etree._Element]] = {}


def _write_cell(cell, text: str, align, bold: bool = False) -> None:
    """``text`` as the cell's one paragraph, its properties copied from one made per alignment
    and weight (python-docx's property setters walk the XML for each cell: a table of a
    thousand cells took seconds)."""
    key = (align, bool(bold))
    if key not in _CELL_XML:
        _CELL_XML[key] = _cell_xml(align, bool(bold))
    ppr, rpr = _CELL_XML[key]
    tc = cell._tc
    par = tc.p_lst[0]
    for old in par.findall(qn("w:pPr")):
        par.remove(old)
    par.insert(0, copy.deepcopy(ppr))
    run = OxmlElement("w:r")
    run.append(copy.deepcopy(rpr))
    t = OxmlElement("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    par.append(run)
    tcpr = tc.get_or_add_tcPr()
    valign = OxmlElement("w:vAlign")
    valign.set(qn("w:val"), "center")
    tcpr.append(valign)


def _table_borders(table) -> None:
    """Single black borders on every edge, set on the table itself (no style needed)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
            line.set(qn(key), value)
        borders.append(line)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.append(margins)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)


def _row_flag(row, tag: str) -> None:
    """Mark a row (``w:tblHeader``: repeats on each page; ``w:cantSplit``: stays whole)."""
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement(tag)
    tr_pr.append(flag)


def _column_widths(spec: dict, ncols: int) -> list[float]:
    """The columns' widths in mm: the spec's relative widths scaled to the text width."""
    raw = [float(w) for w in (spec.get("widths") or [])][:ncols]
    raw += [1.0] * (ncols - len(raw))
    raw = [w if w > 0 else 1.0 for w in raw]
    total = sum(raw)
    return [TEXT_WIDTH_MM * w / total for w in raw]


def _word_mm(text: str) -> float:
    """About how wide the longest word of ``text`` is in bold 11 pt Times, cell margins added."""
    ems = max((sum(0.7 if ch.isupper() else 0.52 for ch in word) for word in text.split()), default=0)
    return ems * TABLE_PT * 25.4 / 72 + 2 * CELL_MARGIN_TWIPS / 56.7 + 0.4


def _fit_widths(widths: list[float], minima: list[float]) -> list[float]:
    """``widths`` with each column widened to its minimum (so no word is split across lines),
    the room taken from the wider columns in proportion; unchanged when the minima do not fit."""
    if sum(minima) > sum(widths):
        return widths
    fitted = [max(w, m) for w, m in zip(widths, minima, strict=True)]
    excess = sum(fitted) - sum(widths)
    room = sum(f - m for f, m in zip(fitted, minima, strict=True))
    if excess <= 0 or room <= 0:
        return fitted
    return [f - excess * (f - m) / room for f, m in zip(fitted, minima, strict=True)]


def _column_minima(placed: list[tuple[int, int, int, int, str]], rows: list[list[str]], ncols: int) -> list[float]:
    """Each column's width in mm below which a word of its one-column cells would be split."""
    minima = [0.0] * ncols
    for _r, c, _rowspan, colspan, text in placed:
        if colspan == 1 and c < ncols:
            minima[c] = max(minima[c], _word_mm(text))
    for values in rows:
        for c, value in enumerate(values[:ncols]):
            minima[c] = max(minima[c], _word_mm(value))
    return minima


def _build_table(doc, spec: dict):
    """The appendix table ``spec`` as a python-docx table added to ``doc``."""
    header = spec.get("header") or []
    rows = [[str(v) for v in row] for row in (spec.get("rows") or [])]
    placed, width = _grid(header)
    ncols = max([width, *(len(row) for row in rows)] or [1]) or 1
    table = doc.add_table(rows=len(header) + len(rows), cols=ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _table_borders(table)
    widths = _fit_widths(_column_widths(spec, ncols), _column_minima(placed, rows, ncols))
    # one cell per grid slot, taken once before any merge (python-docx walks the whole table
    # for each table.cell() / row.cells call)
    cells = table._cells
    for col, mm in zip(table.columns, widths, strict=True):
        col.width = Mm(mm)
    for i, cell in enumerate(cells):
        cell.width = Mm(widths[i % ncols])
    for r, c, rowspan, colspan, text in placed:
        cell = cells[r * ncols + c]
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(cells[(r + rowspan - 1) * ncols + min(c + colspan, ncols) - 1])
        _write_cell(cell, text, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    for r in range(len(header)):
        _row_flag(table.rows[r], "w:tblHeader")
    aligns = [_ALIGN.get(str(a).lower(), WD_ALIGN_PARAGRAPH.LEFT) for a in (spec.get("align") or [])]
    aligns += [WD_ALIGN_PARAGRAPH.LEFT] * (ncols - len(aligns))
    totals = max(0, int(spec.get("total_rows") or 0))
    for i, values in enumerate(rows):
        r = len(header) + i
        _row_flag(table.rows[r], "w:cantSplit")
        bold = i >= len(rows) - totals
        for c in range(ncols):
            _write_cell(cells[r * ncols + c], values[c] if c < len(values) else "", aligns[c], bold=bold)
    return table


class TableBlock:
    """A table built with python-docx, rendered into the template as its raw XML (like a
    docxtpl subdocument, without composing a second document): ``{{p a.table_subdoc }}``."""

    def __init__(self, table) -> None:
        self._xml = etree.tostring(table._tbl, encoding="unicode")

    def __html__(self) -> str:  # autoescape leaves it as it is
        return self._xml

    __str__ = __html__


# ---------------------------------------------------------------- rendering


def _load(template: Path) -> DocxTemplate:
    """The template, opened and checked to be a Word document."""
    name = template.name
    if not template.is_file():
        raise ReportError(f"Word template {name}: file not found ({template})")
    if not zipfile.is_zipfile(template):
        raise ReportError(f"Word template {name}: not a Word .docx file")
    tpl = DocxTemplate(template)
    try:
        tpl.init_docx()
    except Exception as exc:  # python-docx's errors for a zip that is not a document vary
        raise ReportError(f"Word template {name}: not a Word .docx file ({_one_line(exc)})") from exc
    return tpl


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _appendix(tpl: DocxTemplate, scratch, appendix: dict, images: dict[str, bytes], name: str) -> dict:
    """An appendix of the context with its table as a :class:`TableBlock` (built in the python-docx
    document ``scratch``) and its picture as an inline image."""
    out = dict(appendix)
    out["table_subdoc"] = None
    out["image_inline"] = None
    if appendix.get("table"):
        try:
            out["table_subdoc"] = TableBlock(_build_table(scratch, appendix["table"]))
        except (TypeError, ValueError, AttributeError, IndexError) as exc:
            heading = appendix.get("heading", "")
            raise ReportError(f"Word report {name}: the table of {heading!r} cannot be built ({exc})") from exc
    key = appendix.get("image")
    if key and key in images:
        out["image_inline"] = InlineImage(tpl, io.BytesIO(images[key]), width=IMAGE_WIDTH)
    return out


def _optional_keys(context: dict) -> dict:
    """``context`` with the keys a template may use but a context may lack: ``draft`` (false) and
    ``signature.name`` (empty: the template shows a place to write it).

    >>> _optional_keys({"signature": {"title": "CHỦ TỊCH", "name": None}})
    {'signature': {'title': 'CHỦ TỊCH', 'name': ''}, 'draft': False}
    """
    out = dict(context)
    out.setdefault("draft", False)
    signature = out.get("signature")
    if isinstance(signature, dict):
        out["signature"] = {**signature, "name": signature.get("name") or ""}
    return out


def _keep_the_ending(doc) -> None:
    """Keep the body paragraphs just before each closing sentence (style ``Closing``) with the
    next, so the end of the body shares the page of the closing and the signature."""
    body = doc.element.body
    style_tag = qn("w:pStyle")
    for par in body.iterchildren(qn("w:p")):
        ppr = par.pPr
        style = ppr.find(style_tag) if ppr is not None else None
        if style is None or style.get(qn("w:val")) != CLOSING_STYLE:
            continue
        before = par.getprevious()
        for _ in range(KEPT_BEFORE_CLOSING):
            if before is None or before.tag != qn("w:p"):
                break
            before.get_or_add_pPr().keepNext_val = True
            before = before.getprevious()


def _environment() -> SandboxedEnvironment:
    """The Word templates' environment: sandboxed (an office may bring its own template), every
    value escaped, a name the context does not have an error; the filters of every template."""
    return environment(None, sandboxed=True, autoescape=True, undefined=StrictUndefined)


def _render(tpl: DocxTemplate, context: dict, template: Path, target: Path) -> None:
    # a name the context does not have is an error naming the template, not an empty place
    # (a typo such as {{ subtitel }} would otherwise vanish from the office's document)
    env = _environment()
    try:
        tpl.render(context, jinja_env=env, autoescape=True)
    except TemplateError as exc:
        where = f" (line {exc.lineno} of its XML)" if getattr(exc, "lineno", None) else ""
        raise ReportError(f"Word template {template.name}: {_one_line(exc)}{where}") from exc
    except etree.LxmlError as exc:
        raise ReportError(f"Word template {template.name}: its tags make invalid XML ({_one_line(exc)})") from exc
    except Exception as exc:  # an image python-docx cannot read is met while rendering
        if type(exc).__name__ == "UnrecognizedImageError":
            raise ReportError(f"Word report {target.name}: an appendix image is not a PNG/JPEG picture") from exc
        # anything else a template's tags can cause (a loop the sandbox stops, an include it
        # cannot load) is the template's: say which
        raise ReportError(f"Word template {template.name}: {type(exc).__name__}: {_one_line(exc)}") from exc


# the names a template may use: the document context's keys (cchc_lib/document.py, build_document)
CONTEXT_KEYS = frozenset({"draft", "header", "title", "subtitle", "window_line", "intro", "sections", "closing",
                          "recipients", "signature", "appendices"})
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# field codes that make Word open or fetch a file or an address (a link, a picture, a text)
_FETCHING_FIELD = re.compile(r"^\s*(HYPERLINK|INCLUDEPICTURE|INCLUDETEXT|INCLUDE|LINK|DDE|DDEAUTO|IMPORT|RD)\b",
                             re.IGNORECASE)


def check_template(template: Path) -> None:
    """``template`` checked as a report uses it, without a period's figures: a Word document
    whose tags are sound Jinja and name only what the document has (:data:`CONTEXT_KEYS`).
    Raises :class:`ReportError` naming the file."""
    tpl = _load(template)
    env = _environment()
    try:
        names = tpl.get_undeclared_template_variables(jinja_env=env)
    except TemplateError as exc:
        where = f" (line {exc.lineno} of its XML)" if getattr(exc, "lineno", None) else ""
        raise ReportError(f"Word template {template.name}: {_one_line(exc)}{where}") from exc
    except Exception as exc:  # XML the tags break, a part python-docx cannot read
        raise ReportError(f"Word template {template.name}: {type(exc).__name__}: {_one_line(exc)}") from exc
    unknown = sorted(set(names) - CONTEXT_KEYS - set(env.globals))
    if unknown:
        raise ReportError(f"Word template {template.name}: {unknown[0]!r} is undefined (a name the document "
                          f"does not have; it has {', '.join(sorted(CONTEXT_KEYS))})")


def _drop_external_links(doc) -> None:
    """No part of the file points outside it: every relationship with ``TargetMode="External"``
    (a hyperlink, a linked picture, an attached template, an OLE link, to ``http://`` or
    ``file://`` alike) is dropped with what refers to it (a hyperlink keeps its text), and a
    field that opens or includes an address (``HYPERLINK``, ``INCLUDEPICTURE``, ``INCLUDETEXT`` …)
    keeps only its shown result. An office template may carry them; the report never does."""
    package = doc.part.package
    for rid in [r for r, rel in package.rels.items() if rel.is_external]:
        package.rels.pop(rid)
    for part in list(package.iter_parts()):
        dropped = {r for r, rel in part.rels.items() if rel.is_external}
        for rid in dropped:
            part.rels.pop(rid)
        root = getattr(part, "_element", None)
        if root is not None:
            _unlink(root, dropped)
        elif part.content_type.endswith("+xml") and (dropped or b"instr" in part.blob):
            root = etree.fromstring(part.blob)
            _unlink(root, dropped)
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _unlink(root, dropped: set[str]) -> None:
    """The elements of one part's XML that refer to a ``dropped`` relationship, or are fetching fields, undone."""
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        refers = any(a.startswith(_R) and v in dropped for a, v in el.attrib.items())
        fetching = el.tag == qn("w:fldSimple") and _FETCHING_FIELD.match(el.get(qn("w:instr")) or "")
        if el.tag in (qn("w:hyperlink"), qn("w:fldSimple")) and (refers or fetching):
            parent = el.getparent()
            at = parent.index(el)
            for offset, child in enumerate(list(el)):  # its text stays, as plain runs
                parent.insert(at + offset, child)
            parent.remove(el)
        elif refers and el.tag == qn("a:blip"):  # a picture linked, not embedded: left empty
            for name in [a for a, v in el.attrib.items() if a.startswith(_R) and v in dropped]:
                del el.attrib[name]
        elif refers and el.getparent() is not None:
            el.getparent().remove(el)
    _blank_fetching_fields(root)


def _blank_fetching_fields(root) -> None:
    """A complex field (``w:fldChar`` begin … separate … end) whose instruction fetches an address:
    its instruction emptied, its shown result kept."""
    stack: list[list] = []
    for el in root.iter(qn("w:fldChar"), qn("w:instrText")):
        if el.tag == qn("w:instrText"):
            if stack:
                stack[-1].append(el)
            continue
        kind = el.get(qn("w:fldCharType"))
        if kind == "begin":
            stack.append([])
        elif kind in ("separate", "end") and stack:
            parts = stack[-1] if kind == "separate" else stack.pop()
            if _FETCHING_FIELD.match("".join(t.text or "" for t in parts)):
                for text in parts:
                    text.text = ""
            if kind == "separate":
                stack[-1] = []


def _describe(doc, context: dict) -> None:
    """The file's own properties (what Word shows under File > Info): the document's title, the
    issuing unit as author, made now; not the template's."""
    props = doc.core_properties
    header = context.get("header") or {}
    props.title = " ".join(str(p) for p in (context.get("title"), context.get("subtitle")) if p)[:255]
    props.author = props.last_modified_by = " ".join(
        str(p) for p in (header.get("authority"), header.get("unit")) if p)[:255]
    props.created = props.modified = dt.datetime.now(dt.UTC).replace(microsecond=0)  # written as UTC ("Z")
    props.comments = props.keywords = props.subject = props.category = ""
    props.revision = 1


def write_period_docx(document: dict, target: Path, template: Path | None = None,
                      images: dict[str, bytes] | None = None) -> None:
    """Render ``document`` (the document context) into ``template`` (default: the shipped one)
    and write the result to ``target`` through a temporary file renamed over it.

    ``images`` maps an appendix's ``image`` key to PNG bytes. A template that cannot be read or
    rendered raises :class:`ReportError` naming the file; ``target`` is then left as it was.
    """
    target = Path(target)
    template = Path(template) if template is not None else DEFAULT_TEMPLATE
    images = images or {}
    tpl = _load(template)
    context = _optional_keys(_clean(document))
    appendices = context.get("appendices") or []
    scratch = Document() if any(a.get("table") for a in appendices) else None
    context["appendices"] = [_appendix(tpl, scratch, a, images, target.name) for a in appendices]
    _render(tpl, context, template, target)
    _drop_external_links(tpl.docx)
    _keep_the_ending(tpl.docx)
    _describe(tpl.docx, context)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with replacing(target) as tmp:
            tpl.save(tmp)
    except OSError as exc:
        raise ReportError(f"Word report {target.name}: cannot write it ({_one_line(exc)})") from exc
