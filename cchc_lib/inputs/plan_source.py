"""A plan document as read from its file, before it means anything: its lines of running text and its
tables, each cell with the place it came from (docs/plan.md, "Importing a plan document").

The readers of each kind of file (:mod:`.plan_text` for text extracted from a PDF, :mod:`.plan_docx`
for Word, :mod:`.plan_pdf` for a PDF) give a :class:`SourceDocument`; :mod:`.plan_import` turns it into
the plan's tasks, targets and header. A cell is ``None`` where the document merges it with the cell
above (an owner shared by several tasks), ``""`` where the document leaves it empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Where:
    """A place in the source: page (PDF, text), table and row (counted from 1), or line of a text file."""

    page: int | None = None
    table: int | None = None
    row: int | None = None
    line: int | None = None

    def vi(self) -> str:
        """The place in Vietnamese, as the review names it: ``trang 3, bảng 2, hàng 4``."""
        parts = [f"{word} {number}" for word, number in
                 (("trang", self.page), ("bảng", self.table), ("hàng", self.row), ("dòng", self.line))
                 if number is not None]
        return ", ".join(parts) or "cả văn bản"


@dataclass(frozen=True)
class SourceLine:
    """One paragraph (Word) or line (PDF, text) of the running text, outside the tables."""

    text: str
    where: Where


@dataclass
class SourceTable:
    """One table as the document holds it: its rows of cells (``None``: merged with the cell above),
    the place of each row, and the running text just before it (an appendix's title)."""

    rows: list[list[str | None]]
    where: list[Where]
    title: str = ""
    title_where: Where = field(default_factory=Where)


@dataclass
class SourceDocument:
    """A plan document read: its kind (``docx``, ``pdf``, ``txt``), running text and tables in order,
    and what the reader itself noticed (a row it joined, a fragment it could not place)."""

    path: Path
    kind: str
    lines: list[SourceLine]
    tables: list[SourceTable]
    notes: list[tuple[str, Where]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The running text, one line per line."""
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class ReviewItem:
    """One thing a person should check after an import, in Vietnamese, with its place in the source:
    ``kind`` is one of :data:`REVIEW_KINDS`."""

    kind: str
    message: str
    where: Where = field(default_factory=Where)
    task_id: str = ""


REVIEW_KINDS = {
    "timing": "Thời gian thực hiện chưa đọc được",
    "year": "Năm ghi trong văn bản khác năm kế hoạch",
    "joined": "Dòng đã ghép",
    "split": "Dòng đã tách",
    "dropped": "Nội dung đã bỏ ra",
    "empty": "Ô để trống",
    "target": "Chỉ tiêu chưa gắn được với chỉ số",
    "number": "Số, ngày văn bản cần điền",
    "source": "Văn bản nguồn",
}
