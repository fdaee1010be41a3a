"""A plan document's text as extracted from its PDF (the kind of ``.txt`` the sample ships), read back into
running text and tables (docs/plan.md, "Plan text extracted from a PDF").

Text extraction writes a table cell by cell: the row's number, then the lines of its first column, then of
the next, each line as wide as its column. The reader finds each appendix ("Phụ lục số N"), its header
(which columns the table has, by their header words) and its rows (a line starting with the next number),
then cuts each row's lines into its columns where the line widths and the words say a column ends: a
column's lines fill its width but for the last line of a paragraph, the owner's column is the narrowest
and holds no dates, the timing's column reads as a timing. Lines are joined into paragraphs as the document
wrote them: a new paragraph where a line starts with a bullet or follows a line ended by a wide gap.
Fragments the extraction displaced (a line glued to the one above it and indented) join the task of the
row they sit in; both are told to the review.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from ..base.errors import DataError
from .plan import TimingError, parse_timing
from .plan_source import SourceDocument, SourceLine, SourceTable, Where
from .plan_tables import APPENDIX, COLUMN_VI, ROLE_WORDS

_HEADER_START = re.compile(r"^\s*S?TT\b")
_METADATA = re.compile(r"^\t|^\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|^\s*\S+@\S+\.\S+\s*$")
_NUMBER = re.compile(r"^\s*(\d{1,3})([a-zđ]?)\.?(?:\s+(.*\S))?\s*$")
_BULLET_MARK = re.compile(r"^[-+•–]\s*")
_TIMING_TAIL = re.compile(r"^(.*\S)\s+((?:Tháng|Quý|Trước(?: ngày)?)\s+[\dIV]{1,3}/\d{4}\.?)$")
_COLUMNS = ("task", "deliverable", "owner", "timing")  # the order tables set their columns in
_OWNER_WORDS = frozenset(  # the words a commune's plan names its owners with (bodies, offices, officials)
    "cán bộ công chức cb cc cbcc cccó ubnd hđnd ủy uỷ ban nhân dân xã phường thị trấn văn phòng ngành đoàn thể tư "
    "pháp hộ tịch kttc tài chính kế toán vhxh hóa hoá hội địa quân sự an mặt trận chủ phó có liên quan và các "
    "chuyên môn trì phối hợp phận một cửa trung tâm phục vụ người đứng đầu cơ đơn vị".split())
_WIDE_GAP = 5  # trailing spaces that end a paragraph in the extraction


@dataclass(frozen=True)
class _Line:
    """One non-empty line of the file: its text (spaces collapsed), width, trailing gap, whether it is
    glued to the line above (no empty line between) and indented: the mark of a displaced fragment."""

    number: int
    text: str
    gap: int
    glued: bool
    indented: bool

    @property
    def width(self) -> int:
        return len(self.text)

    @property
    def displaced(self) -> bool:
        return self.glued and self.indented


def read_text(path: Path) -> SourceDocument:
    """The running text and the appendix tables of a plan's text file (UTF-8, as extracted from its PDF)."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 text (byte {error.start}); save the text as UTF-8") from None
    lines = _lines(unicodedata.normalize("NFC", raw))
    starts = [i for i, line in enumerate(lines) if APPENDIX.match(line.text)]
    body = lines[: starts[0]] if starts else lines
    document = SourceDocument(path=path, kind="txt", lines=[SourceLine(x.text, Where(line=x.number)) for x in body],
                              tables=[])
    for first, end in zip(starts, [*starts[1:], len(lines)], strict=False):
        chunk = lines[first:end]
        if end < len(lines) and lines[end].glued and _adds_nothing(chunk):
            document.notes.append((f"Dòng “{chunk[-1].text}” ở cuối bảng, sát tiêu đề phụ lục sau, không thuộc ô"
                                   " nào (thời gian thực hiện đọc như nhau khi bỏ nó); đã bỏ ra",
                                   Where(line=chunk[-1].number)))
            chunk = chunk[:-1]
        table = _appendix_table(chunk, len(document.tables) + 1, document.notes)
        if table is not None:
            document.tables.append(table)
    return document


def _adds_nothing(chunk: list[_Line]) -> bool:
    """Whether a table's last line, glued to the title after it, is words the extraction moved there: the
    timing it ends reads the same without it, and it names no date."""
    tail = [line.text for line in chunk[-8:]]
    if re.search(r"\d", tail[-1]) or not _timing_reads(" ".join(tail[:-1])):
        return False
    return _milestone_keys(" ".join(tail)) == _milestone_keys(" ".join(tail[:-1]))


def _milestone_keys(text: str) -> list[str]:
    """The milestones a timing text means (none when it does not read as one); any year will do."""
    try:
        return [m.key for m in parse_timing(text, 2000)]
    except (TimingError, ValueError):
        return []


def _lines(raw: str) -> list[_Line]:
    """The file's non-empty lines, metadata lines of the PDF (time stamps, mail addresses) left out."""
    found: list[_Line] = []
    after_empty = True
    for number, text in enumerate(raw.splitlines(), start=1):
        if not text.strip():
            after_empty = True
            continue
        if not _METADATA.match(text):
            found.append(_Line(number, " ".join(text.split()), len(text) - len(text.rstrip()),
                               glued=not after_empty, indented=text.startswith((" ", "\t"))))
        after_empty = False
    return found


def _appendix_table(lines: list[_Line], index: int, notes: list) -> SourceTable | None:
    """One appendix: its title (up to the header), header (up to row 1) and rows cut into columns."""
    header_at = next((i for i, line in enumerate(lines) if _HEADER_START.match(line.text)), None)
    if header_at is None:
        notes.append(("Phụ lục không có bảng nhiệm vụ (không thấy dòng tiêu đề TT …)", Where(line=lines[0].number)))
        return None
    rows = _numbered_rows(lines[header_at:])
    if not rows:
        return None
    header_text = " ".join(line.text for line in lines[header_at:header_at + rows[0][1]])
    roles = [role for role in _COLUMNS if re.search(ROLE_WORDS[role], header_text, re.IGNORECASE)]
    starts = [start for _, start, _ in rows]
    ends = [*starts[1:], len(lines) - header_at]
    body_rows = [lines[header_at:][start:end] for start, end in zip(starts, ends, strict=True)]
    appendix = APPENDIX.match(lines[0].text).group(1)
    cells = _cut_rows([f"phụ lục {appendix}, nhiệm vụ số {label}" for label, _, _ in rows], body_rows, roles, notes)
    for number, (label, _, _) in enumerate(rows, start=1):
        cells[number - 1][0] = label
    title = " ".join(line.text for line in lines[:header_at])
    return SourceTable(rows=[["TT", *[COLUMN_VI[role] for role in roles]], *cells],
                       where=[Where(table=index, line=lines[header_at].number),
                              *[Where(table=index, row=n, line=rows[n - 1][2]) for n in range(1, len(rows) + 1)]],
                       title=title, title_where=Where(table=index, line=lines[0].number))


def _numbered_rows(lines: list[_Line]) -> list[tuple[str, int, int]]:
    """Where each row starts: (its number as written, the index of its first line, the file line), each
    row's number the one after the last (``1``, ``2``, ``3``; ``3a`` after ``3``)."""
    rows: list[tuple[str, int, int]] = []
    expected = 1
    for i, line in enumerate(lines):
        match = _NUMBER.match(line.text)
        if not match or line.displaced:
            continue
        value, letter = int(match.group(1)), match.group(2)
        if value == expected or (letter and value == expected - 1):
            rows.append((match.group(1) + letter, i, line.number))
            expected = value + 1
    return rows


def _cut_rows(labels: list[str], rows: list[list[_Line]], roles: list[str], notes: list) -> list[list[str]]:
    """Each row's lines cut into ``roles``' columns (docs/plan.md, "Plan text extracted from a PDF")."""
    cells = []
    for label, lines in zip(labels, rows, strict=False):
        units, fixed, displaced = _row_units(label, lines, notes)
        parts = _cut(units, roles, fixed)
        cells.append([label, *[_paragraphs(part) for part in _placed(parts, displaced)]])
    return cells


def _cut(units: list[_Line], roles: list[str], fixed: dict[str, list[_Line]]) -> list[list[_Line]]:
    """A row's lines cut from the end: the timing, the longest tail that reads as one; before it the
    owner, the lines named with the words owners are named with, from one that starts a name; then the
    product, from the first line after the task's wide lines that starts a paragraph."""
    end, parts = len(units), dict(fixed)
    if "owner" in roles and "owner" not in fixed:
        start, end = _owner_span(units, with_timing="timing" in roles and "timing" not in fixed)
        parts["owner"] = units[start:end]
        if "timing" in roles and "timing" not in fixed:
            parts["timing"] = units[end:]
        end = start
    head = units[:end]
    if "deliverable" in roles:
        at = _product_start(head)
        parts["task"], parts["deliverable"] = head[:at], head[at:]
    else:
        parts["task"] = head
    return [parts.get(role, []) for role in roles]


def _owner_span(units: list[_Line], with_timing: bool) -> tuple[int, int]:
    """Where the owner's lines start and end: the last run of owner-like lines followed by lines that
    read as a timing (or by nothing), started at its first line that opens a name."""
    for end in range(len(units), 0, -1):
        tail = " ".join(u.text for u in units[end:])
        if not _owner_like(units[end - 1].text) or (with_timing and end < len(units) and not _timing_reads(tail)):
            continue
        start = end - 1
        while start > 0 and _owner_like(units[start - 1].text):
            start -= 1
        while start < end - 1 and not _opens(units[start].text):
            start += 1
        if _opens(units[start].text):
            return start, end
    return len(units), len(units)


def _owner_like(text: str) -> bool:
    """Whether every word of a line is one owners are named with."""
    words = re.sub(r"[-,;.()+/:]", " ", text.lower()).split()
    return bool(words) and all(word in _OWNER_WORDS for word in words)


def _product_start(head: list[_Line]) -> int:
    """Where the product's lines start: after the task's wide lines, at the first line that does not go
    on with the task's last sentence (a lowercase word, a number, a hyphen before a number)."""
    if len(head) < 2:
        return len(head)
    limit = 0.75 * max(u.width for u in head)
    at = next((i for i in range(1, len(head)) if max(u.width for u in head[i:]) <= limit), len(head))
    while at < len(head) and _continues(head[at].text):
        at += 1
    return at


def _row_units(label: str, lines: list[_Line], notes: list) -> tuple[list[_Line], dict[str, list[_Line]], list]:
    """A row's lines without its number, ready to cut: a line holding the owner and the timing after the
    task's first words is split and the owner and timing set aside; a line ending with a timing after an
    owner is split in two; displaced fragments are set aside with the line they are glued to."""
    first = lines[0]
    rest = _NUMBER.match(first.text).group(3) or ""
    units = ([replace(first, text=rest)] if rest else []) + list(lines[1:])
    fixed: dict[str, list[_Line]] = {}
    name = label[0].upper() + label[1:]
    if units and len(pieces := _split_line(units[0])) == 3:
        units[0], fixed = pieces[0], {"owner": [pieces[1]], "timing": [pieces[2]]}
        notes.append((f"{name}: một dòng của văn bản chứa cả nội dung, cơ quan thực hiện và thời gian; đã tách ra",
                      Where(line=first.number)))
    else:
        units = [piece for unit in units for piece in _owner_and_timing(unit)]
    displaced = [(unit, units[i - 1] if i else None) for i, unit in enumerate(units) if unit.displaced]
    for unit, _ in displaced:
        notes.append((f"{name}: đoạn “{unit.text}” nằm lệch chỗ trong văn bản; đã ghép vào nội dung nhiệm vụ",
                      Where(line=unit.number)))
    return [u for u in units if not u.displaced], fixed, displaced


def _placed(cut: list[list[_Line]], displaced: list) -> list[list[_Line]]:
    """The task's lines with each displaced fragment put back: after the task line it is glued to, or
    at the task's end."""
    task = list(cut[0])
    for unit, before in displaced:
        at = next((i + 1 for i, u in enumerate(task) if u is before), len(task))
        task.insert(at, unit)
    return [task, *cut[1:]]


def _owner_and_timing(line: _Line) -> list[_Line]:
    """A line cut in two where it holds an owner and a timing ("Văn phòng Quý 4/2023"), else as it is."""
    pieces = _split_line(line)
    return pieces if len(pieces) == 2 else [line]


def _split_line(line: _Line) -> list[_Line]:
    """A line that ends with a timing ("Tháng 11/2023") after other words, cut into those words and the
    timing; the words before cut again where two spaces part a short owner from the task's words."""
    match = _TIMING_TAIL.match(line.text)
    if not match or _timing_reads(match.group(1)):
        return [line]
    head, timing = match.group(1), match.group(2)
    owner = _owner_tail(head)
    parts = [replace(line, text=head), replace(line, text=timing)]
    if owner is not None:
        parts = [replace(line, text=owner[0]), replace(line, text=owner[1]), parts[1]]
    return parts


def _owner_tail(head: str) -> tuple[str, str] | None:
    """``head`` cut before its last few words when they name an owner (UBND, công chức…) and the words
    before are longer: a task's first line followed by its owner on one extracted line."""
    match = re.match(r"^(.*\S)\s+((?:UBND|Văn phòng|Công chức|CB|CC)\b[^/]{0,20})$", head)
    if match and len(match.group(1)) > 2 * len(match.group(2)):
        return match.group(1), match.group(2)
    return None


def _opens(text: str) -> bool:
    """Whether a line opens a paragraph or a name: a capital first letter, after a bullet or not."""
    rest = _BULLET_MARK.sub("", text)
    return bool(rest) and rest[0].isupper()


def opens_item(text: str) -> bool:
    """Whether a line starts with a bullet before a capital (``- Báo cáo``, ``-CB``): a new paragraph."""
    return bool(_BULLET_MARK.match(text)) and _opens(text)


def _continues(text: str) -> bool:
    """Whether a line goes on with the sentence above: a lowercase word, a number, a hyphen before one."""
    rest = _BULLET_MARK.sub("", text)
    return bool(rest) and (rest[0].islower() or rest[0].isdigit())


def _timing_reads(text: str) -> bool:
    """Whether ``text`` reads as a plan's timing."""
    return bool(_milestone_keys(text))


def unwrapped(text: str) -> str:
    """A cell's text whose lines are the page's wrapping (a PDF's): joined with spaces, a new paragraph
    only where a line opens an item.

    >>> unwrapped("Niêm yết\\ncông khai\\n- Kế hoạch\\n- Báo cáo")
    'Niêm yết công khai\\n- Kế hoạch\\n- Báo cáo'
    """
    lines = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    return "".join(("\n" if i and opens_item(line) else " " if i else "") + line for i, line in enumerate(lines))


def _paragraphs(part: list[_Line]) -> str:
    """A column's lines as the document's paragraphs: lines joined with a space (none after a line ending
    in a hyphen), a new paragraph where a line starts with a bullet, or with a capital after a wide gap."""
    text, widest = "", max((u.width for u in part), default=0)
    for unit, following in zip(part, [*part[1:], None], strict=False):
        text += unit.text
        if following is None:
            break
        room = widest - unit.width - 1 - len(following.text.split()[0])
        if opens_item(following.text) or (_opens(following.text) and (unit.gap >= _WIDE_GAP or room > 0.2 * widest)):
            text += "\n"
        elif not (unit.text.endswith("-") and unit.gap == 0):
            text += " "
    return text
