"""The plan's tasks read from the tables of a plan document, whatever file it came from
(docs/plan.md, "Reading a plan document's tables").

:func:`tasks_from_tables` finds the task tables by their header words, follows a table across pages,
fills a merged cell from the row above, joins a row without number to the task above and says in a
:class:`ReviewItem` what a person should check (an empty cell, a year other than the plan's).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from importlib.resources import files

from .plan_source import ReviewItem, SourceTable, Where

ROLES = ("note", "number", "timing", "deliverable", "owner", "task")
ROLE_WORDS = {
    "note": r"ghi chú",
    "number": r"^(s\.?\s?tt|tt|số tt|số thứ tự)\.?$",
    "timing": r"thời gian|thời hạn|bắt đầu|kết thúc|hoàn thành",
    "deliverable": r"sản phẩm|kết quả",
    "owner": r"cơ quan|\bcq\b|người|đơn vị|chủ trì|phối hợp",
    "task": r"nhiệm vụ|nội dung",
}
COLUMN_VI = {"task": "Nhiệm vụ", "deliverable": "Sản phẩm/kết quả", "owner": "Cơ quan thực hiện",
             "timing": "Thời gian thực hiện"}
GROUP = re.compile(r"^([IVXLC]+|[A-ZĐ])\.?$")
APPENDIX = re.compile(r"ph[ụu]\s*l[ụu]c\s*(?:số\s*)?0*(\d+)\s*[:.\-–]?\s*", re.IGNORECASE)
YEAR = re.compile(r"năm\s+(\d{4})", re.IGNORECASE)


def normalise(text: str | None) -> str:
    """NFC, runs of spaces collapsed in each line, lines kept, empty lines dropped."""
    if not text:
        return ""
    lines = (re.sub(r"\s+", " ", line).strip() for line in unicodedata.normalize("NFC", text).split("\n"))
    return "\n".join(line for line in lines if line)


def reform_areas() -> list[tuple[int, str, list[str]]]:
    """The standard reform areas shipped in ``reference/reform_areas.csv``: number, name, keywords."""
    text = files("cchc_lib").joinpath("reference/reform_areas.csv").read_text(encoding="utf-8")
    return [(int(row["number"]), row["name"], row["keywords"].split("|")) for row in csv.DictReader(text.splitlines())]


def area_named(text: str) -> tuple[int, str] | None:
    """The standard area whose keyword the text names, or None."""
    low = text.lower()
    for number, name, keywords in reform_areas():
        if any(word in low for word in keywords):
            return number, name
    return None


def own_words(title: str) -> str:
    """A title's own words, without the appendix number, "Các nhiệm vụ trọng tâm về" and the year."""
    text = APPENDIX.sub("", title, count=1)
    text = re.sub(r"các nhiệm vụ trọng tâm (về|của)\s*", "", text, flags=re.IGNORECASE)
    text = YEAR.sub("", text).strip(" :.-–")
    return text[:1].upper() + text[1:]


def title_line(title: str) -> str:
    """The line of the running text before a table that names it: the one with "Phụ lục", else the last."""
    lines = [line for line in normalise(title).split("\n") if line]
    named = [line for line in lines if APPENDIX.search(line)]
    return (named or lines or [""])[-1]


def role_of(label: str) -> str | None:
    low = label.lower().strip()
    for role in ROLES:
        if re.search(ROLE_WORDS[role], low):
            return role
    return None


def is_header(row: list[str | None]) -> bool:
    """A row naming the columns: a number column and a task column."""
    roles = {role_of(normalise(cell)) for cell in row}
    return "number" in roles and "task" in roles


def is_subheader(row: list[str | None]) -> bool:
    """A header's second row: every written cell a header word ("Bắt đầu", "Kết thúc") or a column number."""
    cells = [normalise(cell) for cell in row if normalise(cell)]
    return bool(cells) and all(role_of(cell) or re.fullmatch(r"\(?\d+\)?", cell) for cell in cells) and \
        not re.fullmatch(r"\d+", cells[0])


@dataclass
class Columns:
    """Where each part of a task sits in a table's rows."""

    width: int
    roles: dict[str, int] = field(default_factory=dict)
    start: int | None = None
    labels: dict[int, str] = field(default_factory=dict)
    header: list[list[str]] = field(default_factory=list)


def columns_of(header_rows: list[list[str | None]]) -> Columns:
    """The columns named by a header block (one row, or a row with sub-columns under it)."""
    width = len(header_rows[0])
    labels = ["" for _ in range(width)]
    for depth, row in enumerate(header_rows):
        last = ""
        for index, cell in enumerate(row):
            text = normalise(cell)
            if not text and depth < len(header_rows) - 1:
                text = last
            last = text or last
            labels[index] = f"{labels[index]} {text}".strip() if text not in labels[index] else labels[index]
    found = Columns(width, labels=dict(enumerate(labels)), header=[[normalise(c) for c in r] for r in header_rows])
    timings = []
    for index, label in enumerate(labels):
        role = role_of(label)
        if role == "timing":
            timings.append(index)
        elif role and role not in found.roles:
            found.roles[role] = index
    if timings:
        finish = [i for i in timings if re.search(r"kết thúc|hoàn thành|đến", labels[i].lower())]
        found.roles["timing"] = (finish or timings)[-1]
        starts = [i for i in timings if i != found.roles["timing"]]
        found.start = starts[0] if starts else None
    return found


def header_block(rows: list[list[str | None]]) -> int:
    """How many of the first rows are the header (0: the table has none)."""
    if not rows or not is_header(rows[0]):
        return 0
    count = 1
    while count < len(rows) and is_subheader(rows[count]):
        count += 1
    return count


@dataclass
class TableState:
    """What reading a task table carries from row to row, and from a table to its continuation."""

    columns: Columns
    area: int
    area_name: str
    above: list[str] = field(default_factory=list)


def table_area(title: str, ordinal: int) -> tuple[int, str]:
    """A table's area from its title: the appendix number, the standard name the title names."""
    line = title_line(title)
    named = area_named(APPENDIX.sub("", line, count=1))
    match = APPENDIX.search(line)
    number = int(match.group(1)) if match else (named[0] if named else ordinal)
    return number, named[1] if named else own_words(line)


def group_area(text: str, mark: str, state: TableState) -> None:
    """A group row ("II. Cải cách thủ tục hành chính") starts a new area inside the table."""
    named = area_named(text)
    if named:
        state.area, state.area_name = named
        return
    roman = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    mark = mark.rstrip(".")
    if all(ch in roman for ch in mark):
        values = [roman[ch] for ch in mark]
        state.area = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    else:
        state.area = ord(mark) - ord("A") + 1 if "A" <= mark <= "Z" else state.area + 1
    state.area_name = own_words(text) or state.area_name


def resolve(row: list[str | None], state: TableState) -> list[str]:
    """A row's cells, normalised; a merged cell (None) takes the value of the row above."""
    width = state.columns.width
    cells = list(row) + [""] * (width - len(row))
    above = state.above or [""] * width
    resolved = [above[i] if cell is None else normalise(cell) for i, cell in enumerate(cells[:width])]
    state.above = resolved
    return resolved


def part(cells: list[str], columns: Columns, role: str) -> str:
    index = columns.roles.get(role)
    return cells[index] if index is not None and index < len(cells) else ""


def task_of(cells: list[str], number: str, state: TableState, where: Where) -> tuple[dict, list[ReviewItem]]:
    """One task row as a task, with the review of its empty cells and of a separate start."""
    columns = state.columns
    task = {"task_id": f"PL{state.area:02d}-{number}", "area": state.area, "area_name": state.area_name,
            **{role: part(cells, columns, role) for role in COLUMN_VI}, "where": where}
    review = []
    for role, name in COLUMN_VI.items():
        if not task[role]:
            label = columns.labels.get(columns.roles.get(role, -1)) or name
            review.append(ReviewItem("empty", f"Cột “{label}” để trống ({where.vi()}).", where, task["task_id"]))
    if columns.start is not None and cells[columns.start]:
        review.append(ReviewItem(
            "timing", f"Thời gian bắt đầu “{cells[columns.start]}” (cột “{columns.labels[columns.start]}”) không "
            f"đưa vào cột thời gian; đã lấy thời gian kết thúc ({where.vi()}).", where, task["task_id"]))
    return task, review


def join_row(task: dict, cells: list[str], columns: Columns, where: Where) -> ReviewItem:
    """A row with text but no number continues the task above: its text is added to each part."""
    for role in COLUMN_VI:
        extra = part(cells, columns, role)
        if extra and extra != task[role]:
            task[role] = f"{task[role]}\n{extra}" if task[role] else extra
    return ReviewItem("joined", f"Dòng không có số thứ tự ({where.vi()}) đã được ghép vào nhiệm vụ "
                      f"{task['task_id']} ở dòng trên.", where, task["task_id"])


def read_rows(table: SourceTable, start: int, state: TableState, tasks: list[dict]) -> list[ReviewItem]:
    """The task rows of one table (or of its continuation), after its header."""
    review: list[ReviewItem] = []
    header = state.columns.header
    for index in range(start, len(table.rows)):
        where = table.where[index] if index < len(table.where) else Where(row=index + 1)
        cells = resolve(table.rows[index], state)
        if not any(cells) or cells[: len(header[0])] in header or is_header(table.rows[index]):
            continue
        number = part(cells, state.columns, "number").rstrip(".").strip()
        text = next((c for i, c in enumerate(cells) if c and i != state.columns.roles.get("number")), "")
        if GROUP.match(number) or (not number and text and not tasks and not part(cells, state.columns, "owner")):
            group_area(text, number or "?", state)
        elif number:
            task, found = task_of(cells, number, state, where)
            tasks.append(task)
            review.extend(found)
        elif text and tasks:
            review.append(join_row(tasks[-1], cells, state.columns, where))
    return review


def year_review(table: SourceTable, year: int) -> list[ReviewItem]:
    line = title_line(table.title)
    match = YEAR.search(line)
    if match and int(match.group(1)) != year:
        return [ReviewItem("year", f"Tiêu đề bảng ghi năm {match.group(1)}, khác năm kế hoạch {year}: "
                           f"“{line}” ({table.title_where.vi()}); cần kiểm tra lại, không tự sửa.",
                           table.title_where)]
    return []


def unique_ids(tasks: list[dict]) -> list[ReviewItem]:
    """A task id written twice gets a suffix (``PL01-3_2``) and a review item."""
    seen: dict[str, int] = {}
    review = []
    for task in tasks:
        base = task["task_id"]
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            task["task_id"] = f"{base}_{seen[base]}"
            review.append(ReviewItem("source", f"Số thứ tự {base} trùng với một nhiệm vụ trước; nhiệm vụ ở "
                                     f"{task['where'].vi()} được đánh mã {task['task_id']}.", task["where"],
                                     task["task_id"]))
    return review


def tasks_from_tables(tables: list[SourceTable], year: int) -> tuple[list[dict], list[ReviewItem]]:
    """The plan's tasks from a document's tables, in order, and what a person should check
    (docs/plan.md, "Reading a plan document's tables")."""
    tasks: list[dict] = []
    review: list[ReviewItem] = []
    state: TableState | None = None
    ordinal = 0
    for table in tables:
        count = header_block(table.rows)
        repeated = state is not None and count and not title_line(table.title) and \
            [[normalise(c) for c in row] for row in table.rows[:count]] == state.columns.header
        if count and not repeated:
            ordinal += 1
            area, name = table_area(table.title, ordinal)
            state = TableState(columns_of(table.rows[:count]), area, name)
            review.extend(year_review(table, year))
        elif not repeated and (state is None or not table.rows or len(table.rows[0]) != state.columns.width):
            state = None
            continue
        review.extend(read_rows(table, count, state, tasks))
    return tasks, review + unique_ids(tasks)
