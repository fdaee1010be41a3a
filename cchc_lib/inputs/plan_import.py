"""A plan document turned into the plan's files: its header (issuer, title, year, issuing decision), its
numeric targets and its tasks, with what a person should check (docs/plan.md, "Importing a plan document").

The reader is chosen by the file's kind (:mod:`.plan_text`, :mod:`.plan_docx`, :mod:`.plan_pdf`); the
tables become tasks through :func:`.plan_tables.tasks_from_tables`. Nothing here writes a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..base.errors import DataError
from .plan import TimingError, parse_timing
from .plan_header import fold_unit_name
from .plan_source import ReviewItem, SourceDocument, Where
from .plan_tables import YEAR, tasks_from_tables

DOCUMENT_KINDS = (".txt", ".docx", ".pdf")
_TITLE = re.compile(r"^\s*(KẾ HOẠCH\b.*)$")
_UNIT_LINE = re.compile(r"^\s*(XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)\s+(.+?)\s*$")
_DISTRICT_LINE = re.compile(r"^\s*(HUYỆN|THỊ XÃ|THÀNH PHỐ|QUẬN)\s+(.+?)\s*$")
_PROVINCE_LINE = re.compile(r"^\s*(TỈNH|THÀNH PHỐ)\s+(.+?)\s*$")
_HEADING = re.compile(r"^\s*((?:[IVX]+|\d+)(?:\.\d+)*)\s*[.)]\s*\S")
_SHARE = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
# which rate a target's words name (docs/plan.md, "Importing a plan document"): several may apply
TARGET_WORDS = (
    ("on_time_rate", r"đúng hạn"),
    ("online_rate", r"trực tuyến"),
    ("e_result_rate", r"số hóa kết quả|số hoá kết quả"),
    ("satisfaction_rate", r"hài lòng"),
    ("apology_coverage", r"xin lỗi"),
    ("officials_qualified", r"trình độ chuyên môn|đạt chuẩn|đáp ứng tiêu chuẩn"),
    ("e_work_files", r"môi trường mạng"),
)
_AT_MOST = re.compile(r"không quá|tối đa|dưới|giảm còn", re.IGNORECASE)


@dataclass
class ImportedPlan:
    """What a plan document says: the header (``issuer``, ``unit_name``, ``district``, ``province``,
    ``year``, ``title``, ``document``), the tasks and targets as the plan files hold them, and the
    review: what a person should check, each with its place in the source."""

    source: SourceDocument
    header: dict
    tasks: list[dict]
    targets: list[dict]
    review: list[ReviewItem] = field(default_factory=list)


def read_source(path: Path) -> SourceDocument:
    """The document at ``path`` read by the reader of its kind."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        from .plan_text import read_text
        return read_text(path)
    if suffix == ".docx":
        from .plan_docx import read_docx
        return read_docx(path)
    if suffix == ".pdf":
        from .plan_pdf import read_pdf
        return read_pdf(path)
    raise DataError(f"{path}: a plan document is read from {', '.join(DOCUMENT_KINDS)}, not '{path.suffix}'")


def read_plan_document(path: Path) -> ImportedPlan:
    """The plan a document at ``path`` holds, with its review."""
    source = read_source(path)
    header, review = plan_header(source)
    if not header.get("year"):
        raise DataError(f"{path}: no plan year found (a title such as 'KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026')")
    review += [ReviewItem(_note_kind(text), text, where) for text, where in source.notes]
    tasks, table_review = tasks_from_tables(source.tables, header["year"])
    if not tasks:
        raise DataError(f"{path}: no table of tasks found (a table headed TT / Nhiệm vụ / … / Thời gian)")
    targets, target_review = plan_targets(source)
    review += table_review + target_review + timing_review(tasks, header["year"])
    return ImportedPlan(source, header, tasks, targets, _unique(review))


def _note_kind(text: str) -> str:
    """The review kind of a reader's note: a fragment joined, a line split, a line left out."""
    return "joined" if "ghép" in text else "dropped" if "đã bỏ ra" in text else "split"


def _unique(review: list[ReviewItem]) -> list[ReviewItem]:
    return list(dict.fromkeys(review))


def plan_header(source: SourceDocument) -> tuple[dict, list[ReviewItem]]:
    """The header block and title: the issuing authority and unit, the title and its year, the decision
    that issues the plan (number and date as written; a number left blank shown as ``...``)."""
    lines = [line.text for line in source.lines]
    header: dict = {"issuer": "", "unit_name": "", "district": "", "province": "", "year": None, "title": "",
                    "document": ""}
    review: list[ReviewItem] = []
    title_at = next((i for i, text in enumerate(lines) if _TITLE.match(text)), None)
    block = lines[:title_at] if title_at is not None else lines[:20]
    _header_names(block, " ".join(lines), header)
    if title_at is None:
        return header, review
    title, after = _title(lines, title_at)
    header["title"] = _sentence_case(title, header["unit_name"])
    year = YEAR.search(title)
    header["year"] = int(year.group(1)) if year else None
    document = _issuing_document(lines[after:after + 6])
    header["document"] = document
    if re.search(r"số\s*:?\s*\.\.\.", document):
        review.append(ReviewItem("number", "Số quyết định ban hành kế hoạch để trống trong văn bản: điền khi có số"
                                 f" (plan.yaml, document: “{document}”)", source.lines[title_at].where))
    return header, review


def _header_names(block: list[str], text: str, header: dict) -> None:
    """The authority, unit, district and province lines of the header block, names spelled as the
    running text spells them (the header's capitals may glue words: ``HOẰNGGIANG``)."""
    for line in block:
        if unit := _UNIT_LINE.match(line):
            header["unit_name"] = _as_written(unit.group(1).capitalize(), unit.group(2), text)
            header["issuer"] = "Ủy ban nhân dân " + header["unit_name"][0].lower() + header["unit_name"][1:]
        elif district := _DISTRICT_LINE.match(line):
            if not header["unit_name"]:
                header["district"] = _as_written(district.group(1).capitalize(), district.group(2), text)
        elif (province := _PROVINCE_LINE.match(line)) and not header["province"]:
            header["province"] = _as_written(province.group(1).capitalize(), province.group(2), text)


def _as_written(kind: str, name: str, text: str) -> str:
    """``kind name`` with the name as the running text writes it, when it writes it (same letters)."""
    folded = fold_unit_name(name).replace(" ", "")
    for match in re.finditer(rf"{kind}\s+((?:[A-ZĐ\u00c0-\u1ef9][^\s,.;()]*\s?){{1,4}})", text, re.IGNORECASE):
        words = match.group(1).split()
        for n in range(len(words), 0, -1):
            if fold_unit_name(" ".join(words[:n])).replace(" ", "") == folded:
                return f"{kind} {' '.join(words[:n])}"
    return f"{kind} {name.title()}"


def _title(lines: list[str], at: int) -> tuple[str, int]:
    """The title from its first line up to the line that opens the issuing note, and where it ends."""
    parts = [lines[at].strip()]
    end = at + 1
    while end < len(lines) and lines[end].strip() and not lines[end].lstrip().startswith("(") \
            and lines[end].strip().isupper() and len(parts) < 3:
        parts.append(lines[end].strip())
        end += 1
    return " ".join(parts), end


def _sentence_case(title: str, unit_name: str) -> str:
    """A title in capitals as a sentence: ``Kế hoạch cải cách hành chính năm 2023``; the unit's name kept."""
    text = title.lower()
    text = text[:1].upper() + text[1:]
    name = unit_name.split(" ", 1)[-1] if unit_name else ""
    return text.replace(name.lower(), name) if name else text


def _issuing_document(lines: list[str]) -> str:
    """The note that issues the plan ("Ban hành kèm theo Quyết định số …"), without its brackets, spaces
    collapsed, a number left blank written ``...``."""
    text = " ".join(lines)
    match = re.search(r"\(\s*(Ban hành kèm theo[^)]*)\)?", text, re.IGNORECASE)
    if not match:
        return ""
    note = re.sub(r"(số\s*:?)\s*(/)", r"\1 ...\2", match.group(1), flags=re.IGNORECASE)
    return " ".join(note.split()).rstrip(" ,;")


def plan_targets(source: SourceDocument) -> tuple[list[dict], list[ReviewItem]]:
    """Each clause of the running text that gives a share, as a target of the rate its words name (one row
    per rate it names); a share naming no rate goes to the review."""
    targets: list[dict] = []
    review: list[ReviewItem] = []
    for sentence, where, section in _share_clauses(source):
        value = _SHARE.search(sentence).group(1).replace(",", ".")
        kpis = [kpi for kpi, words in TARGET_WORDS if re.search(words, sentence, re.IGNORECASE)]
        for kpi in kpis:
            row = {"kpi": kpi, "comparison": "<=" if _AT_MOST.search(sentence) else ">=", "value": f"{value}%",
                   "where": section, "sentence": sentence, "area": "", "source": where}
            if not any(t["kpi"] == kpi and t["value"] == row["value"] for t in targets):
                targets.append(row)
        if not kpis:
            review.append(ReviewItem("target", f"Câu có tỷ lệ chưa gắn được với chỉ số nào: “{sentence}”; nếu là"
                                     " mục tiêu, thêm một dòng vào targets.csv", where))
    for number, target in enumerate(targets, start=1):
        target["target_id"] = f"T{number}"
    return targets, review


def _share_clauses(source: SourceDocument) -> list[tuple[str, Where, str]]:
    """The clauses of the running text (cut at ``;``, at sentence ends and bullets) that hold a share,
    each with its place and the section it stands in (``Mục II.1``)."""
    found: list[tuple[str, Where, str]] = []
    section, top, text, start = "", "", "", Where()
    for line in [*source.lines, None]:
        if line is not None and not text:
            start = line.where
        if line is None or _HEADING.match(line.text) or line.text.lstrip().startswith(("-", "+", "•")):
            for clause in re.split(r";|\.\s|\.$", text):
                clause = " ".join(clause.split()).strip(" -+•")
                if _SHARE.search(clause):
                    found.append((clause, start, f"Mục {section}" if section else ""))
            text = ""
            if line is None:
                break
            start = line.where
            if heading := _HEADING.match(line.text):
                number = heading.group(1)
                if re.fullmatch(r"[IVX]+", number):
                    top = section = number
                else:
                    section = f"{top}.{number}" if top else number
        text += " " + line.text
    return found


def timing_review(tasks: list[dict], year: int) -> list[ReviewItem]:
    """The tasks whose timing the timing reader cannot read, or that name a year other than the plan's."""
    review: list[ReviewItem] = []
    for task in tasks:
        where, timing = task.get("where", Where()), task.get("timing", "")
        if not timing.strip():  # told by the table's reading, as an empty cell
            continue
        try:
            milestones = parse_timing(timing, year, task["task_id"])
        except (TimingError, ValueError):
            review.append(ReviewItem("timing", f"Nhiệm vụ {task['task_id']}: chưa xác định được thời hạn từ"
                                     f" “{timing}”; ghi thời hạn cụ thể vào ô timing hoặc ghi mốc vào"
                                     " milestones.csv", where,
                                     task["task_id"]))
            continue
        for other in sorted({m.due.year for m in milestones if m.due} - {year}):
            review.append(ReviewItem("year", f"Nhiệm vụ {task['task_id']}: thời gian ghi năm {other} trong kế hoạch"
                                     f" năm {year} (“{timing}”); nếu là lỗi đánh máy, ghi cách hiểu đúng vào cột"
                                     " timing_corrected", where, task["task_id"]))
    return review
