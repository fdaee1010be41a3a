"""A Word plan document read as it is written: its paragraphs and tables in document order
(docs/plan.md, "Reading a plan document's tables").

Each table's title is the running text since the table before it; a cell merged with the one above
is ``None``, a cell spanning several grid columns has its text in the first and ``""`` in the others.
"""

from __future__ import annotations

from pathlib import Path

from ..base.errors import DataError
from .plan_source import SourceDocument, SourceLine, SourceTable, Where

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LAYOUT = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "CỘNG HÒA", "CỘNG HOÀ")


def paragraph_text(element) -> str:
    """A paragraph's text: its runs' text, tabs as spaces."""
    parts = []
    for node in element.iter():
        if node.tag == f"{W}t" and node.text:
            parts.append(node.text)
        elif node.tag in (f"{W}tab", f"{W}br"):
            parts.append(" " if node.tag == f"{W}tab" else "\n")
    return "".join(parts).strip()


def cell_row(tr) -> list[str | None]:
    """One row's cells aligned to the grid: a merged continuation None, a span's other columns ""."""
    cells: list[str | None] = []
    for tc in tr.findall(f"{W}tc"):
        props = tc.find(f"{W}tcPr")
        span, merged = 1, False
        if props is not None:
            grid = props.find(f"{W}gridSpan")
            span = int(grid.get(f"{W}val")) if grid is not None else 1
            vmerge = props.find(f"{W}vMerge")
            merged = vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue"
        text = "\n".join(t for t in (paragraph_text(p) for p in tc.findall(f"{W}p")) if t)
        cells.append(None if merged else text)
        cells.extend([None if merged else ""] * (span - 1))
    return cells


def read_docx(path: Path) -> SourceDocument:
    """A .docx plan: running lines and tables in order (docs/plan.md, "Reading a plan document's tables")."""
    import docx

    path = Path(path)
    try:
        body = docx.Document(str(path)).element.body
    except Exception as error:  # python-docx raises several kinds for a broken file
        raise DataError(f"{path}: không đọc được tệp Word ({error}) / cannot read the Word file") from error
    lines: list[SourceLine] = []
    tables: list[SourceTable] = []
    pending: list[str] = []
    for child in body.iterchildren():
        if child.tag == f"{W}p":
            text = paragraph_text(child)
            if text:
                lines.append(SourceLine(text, Where(line=len(lines) + 1)))
                pending.append(text)
        elif child.tag == f"{W}tbl":
            rows = [cell_row(tr) for tr in child.findall(f"{W}tr")]
            flat = " ".join(c or "" for row in rows for c in row).upper()
            if any(word in flat for word in LAYOUT) and len(rows[0] if rows else []) <= 2:
                for row in rows:
                    for cell in row:
                        for text in (cell or "").split("\n"):
                            if text:
                                lines.append(SourceLine(text, Where(line=len(lines) + 1)))
                continue
            number = len(tables) + 1
            tables.append(SourceTable(rows, [Where(table=number, row=i + 1) for i in range(len(rows))],
                                      "\n".join(pending), Where(table=number)))
            pending = []
    return SourceDocument(path, "docx", lines, tables)
