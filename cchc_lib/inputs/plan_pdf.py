"""A PDF plan document read with pdfplumber: the ruled tables of each page and the running text
outside them (docs/plan.md, "Reading a plan document's tables"). A scan without text is refused.
"""

from __future__ import annotations

from pathlib import Path

from ..base.errors import DataError
from .plan_source import SourceDocument, SourceLine, SourceTable, Where
from .plan_text import unwrapped

NO_TEXT = ("{path}: tệp PDF không có lớp chữ (bản quét ảnh), không đọc được nội dung; hãy dùng tệp Word của "
           "kế hoạch hoặc nhận dạng chữ (OCR) trước khi nhập. / The PDF has no text layer (a scan): use the "
           "Word file of the plan, or run OCR on it first.")


def outside(boxes: list[tuple], word: dict) -> bool:
    return not any(x0 <= word["x0"] and word["x1"] <= x1 and top <= word["top"] and word["bottom"] <= bottom
                   for x0, top, x1, bottom in boxes)


def read_pdf(path: Path) -> SourceDocument:
    """A .pdf plan: lines and ruled tables page by page (docs/plan.md, "Reading a plan document's tables");
    a file that is not a readable PDF is refused naming it."""
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        return _read_pdf(Path(path))
    except PdfminerException as error:
        raise DataError(f"{path}: không đọc được tệp PDF ({error}) / cannot read the PDF file") from None


def _read_pdf(path: Path) -> SourceDocument:
    import pdfplumber

    lines: list[SourceLine] = []
    tables: list[SourceTable] = []
    pending: list[str] = []
    any_text = False
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            found = page.find_tables()
            boxes = [table.bbox for table in found]
            any_text = any_text or bool(page.chars)
            text_page = page.filter(lambda obj, boxes=boxes: obj.get("object_type") != "char" or outside(boxes, obj))
            for text in (text_page.extract_text() or "").split("\n"):
                if text.strip():
                    lines.append(SourceLine(text.strip(), Where(page=number, line=len(lines) + 1)))
                    pending.append(text.strip())
            for table in found:
                rows = [[unwrapped(cell) if cell is not None else "" for cell in row] for row in table.extract()]
                index = len(tables) + 1
                tables.append(SourceTable(rows, [Where(page=number, table=index, row=i + 1) for i in range(len(rows))],
                                          "\n".join(pending), Where(page=number, table=index)))
                pending = []
    if not any_text:
        raise DataError(NO_TEXT.format(path=path))
    return SourceDocument(path, "pdf", lines, tables)
