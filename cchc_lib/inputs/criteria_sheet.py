"""The province's criteria sheet (Bộ tiêu chí chỉ số CCHC) read as it comes, as the rows of ``criteria.csv``.

docs/self-assessment.md, "The province's criteria sheet": the header row is found among the first rows by
its words (STT, Tiêu chí / Nội dung, Điểm tối đa / Điểm chuẩn, Tài liệu kiểm chứng, Ghi chú); the title rows
above it give the issuing decision and the year; the STT numbering (I, II; 1, 2; 1.1; a, b) gives the ids.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..base.problems import problem
from .numbers import parse_points

HEADER_ROWS = 15  # the header is looked for in the first rows only
_HEADER_WORDS = {
    "stt": ("stt", "so thu tu", "tt"),
    "text": ("tieu chi", "noi dung", "linh vuc", "tieu chi thanh phan"),
    "max": ("diem toi da", "diem chuan", "thang diem", "diem"),
    "evidence": ("tai lieu kiem chung", "tai lieu", "kiem chung"),
    "note": ("ghi chu",),
    "method": ("cach cham", "method"),
    "source": ("nguon so lieu", "source"),
}
_DECISION = re.compile(r"Quyết định(?:\s+số)?\s*:?\s*([0-9.…]+/[^\s,;)]*QĐ-[^\s,;)]+)"
                       r"(?:\s*,?\s*ngày\s+(\d{1,2})\s*(?:tháng|/)\s*(\d{1,2})\s*(?:năm|/)\s*(\d{4}))?", re.I)
_YEAR = re.compile(r"năm\s+(\d{4})", re.I)
_ROMAN = re.compile(r"[IVXLC]+")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass
class CriteriaSheet:
    """A province sheet read: the rows as ``criteria.csv``'s columns (text cells, with ``source_row``
    and ``source_file``), the decision and year of its title, and its problems (as dicts)."""

    frame: pd.DataFrame
    label: str
    decision: str = ""
    year: int | None = None
    problems: list[dict] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # criteria.csv's column → the sheet's ("Điểm tối đa (C)")

    def name_columns(self, problems: pd.DataFrame) -> pd.DataFrame:
        """``problems`` with the sheet's own column names (and letters) for the sheet's rows."""
        mine = problems["file"] == self.label
        return problems.assign(column=problems["column"].where(~mine, problems["column"].map(
            lambda c: self.columns.get(c, c))))


def _plain(text: object) -> str:
    """A header cell without accents, lower case, one space: ``Điểm tối đa`` → ``diem toi da``."""
    folded = unicodedata.normalize("NFD", str(text or "").replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).lower().split())


def _column_of(header: str) -> str | None:
    plain = _plain(header).strip(" :")
    for key, words in _HEADER_WORDS.items():
        if plain in words or any(re.match(re.escape(w) + r"[\s,(/]", plain) for w in words if len(w) > 3):
            return key
    return None


def _roman(text: str) -> int | None:
    if not _ROMAN.fullmatch(text):
        return None
    values = [_ROMAN_VALUES[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _cells(path: Path) -> tuple[str, list[list[object]]]:
    """The first sheet's name and values; a merged cell's value in its first cell only, except a merge
    down one column (one value for several rows), whose value each row keeps."""
    from openpyxl import load_workbook

    book = load_workbook(path, data_only=True)
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        if merged.min_col == merged.max_col:
            value = rows[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row, merged.max_row + 1):
                rows[r - 1][merged.min_col - 1] = value
    return sheet.title, rows


def is_province_sheet(path: Path) -> bool:
    """Whether an ``.xlsx`` is a province sheet (no ``id`` header among its first rows)."""
    try:
        _, rows = _cells(path)
    except Exception:  # noqa: BLE001 - not a workbook: the table reader says why
        return False
    return not any(_plain(c) == "id" for row in rows[:HEADER_ROWS] for c in row)


def _header(rows: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    for number, row in enumerate(rows[:HEADER_ROWS]):
        found = {}
        for index, cell in enumerate(row):
            key = _column_of(str(cell)) if cell is not None else None
            if key and key not in found:
                found[key] = index
        if {"stt", "text", "max"} <= set(found):
            return number, found
    return None


def _title(rows: list[list[object]]) -> tuple[str, int | None]:
    """The decision (``Quyết định số 123/QĐ-UBND ngày 15/01/2023``) and year of the title rows."""
    text = " ".join(unicodedata.normalize("NFC", str(c)) for row in rows for c in row if c is not None)
    decision, year = "", None
    match = _DECISION.search(text)
    if match:
        decision = f"Quyết định số {match.group(1)}"
        if match.group(4):
            decision += f" ngày {int(match.group(2)):02d}/{int(match.group(3)):02d}/{match.group(4)}"
            year = int(match.group(4))
    years = _YEAR.findall(text)
    return decision, int(years[0]) if years else year


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _sheet_id(stt: str, path: list[str], roman_areas: bool) -> str | None:
    """The id of a row numbered ``stt`` under the ids above it (``path``: the last area, criterion…)."""
    stt = stt.rstrip(".)").strip()
    roman = _roman(stt.upper()) if stt.isupper() or not stt.isalpha() else None
    if roman is not None:
        return str(roman)
    if re.fullmatch(r"\d+(?:\.\d+)*", stt):
        # under a Roman area (I, II) the Arabic numbers count within it: 1.1 under II is 2.1.1
        return f"{path[0]}.{stt}" if roman_areas and path else stt
    if re.fullmatch(r"[a-zđ]", stt) and len(path) > 1:
        return f"{path[-1]}.{ord(stt) - ord('a') + 1}"
    return None


def read_criteria_sheet(path: Path, label: str) -> CriteriaSheet:
    """The province sheet at ``path`` as ``criteria.csv``'s rows (docs/self-assessment.md, "The province's
    criteria sheet"); every problem names the workbook, sheet, row and column."""
    sheet_name, rows = _cells(path)
    where = f"{label} (sheet {sheet_name})"
    header = _header(rows)
    if header is None:
        return CriteriaSheet(pd.DataFrame(), where, problems=[problem(
            where, None, "", "", f"Không thấy dòng tiêu đề (STT, Tiêu chí, Điểm tối đa) trong {HEADER_ROWS} dòng đầu",
            f"no header row (STT, Tiêu chí, Điểm tối đa) in the first {HEADER_ROWS} rows")])
    start, columns = header
    decision, year = _title(rows[:start])
    names = {"text": "text", "max": "max", "evidence": "evidence", "method": "method", "source": "source",
             "stt": "id"}
    from openpyxl.utils import get_column_letter

    sheet_columns = {names[k]: f"{_cell_text(rows[start][i])} ({get_column_letter(i + 1)})"
                     for k, i in columns.items() if k in names}
    records, problems, path_ids, roman_areas = [], [], [], False
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        cells = {k: _cell_text(row[i]) if i < len(row) else "" for k, i in columns.items()}
        if not any(cells.values()):
            continue
        roman_areas = roman_areas or _roman(cells["stt"].rstrip(".)").strip()) is not None
        cid = _sheet_id(cells["stt"], path_ids, roman_areas)
        if cid is None:
            problems.append(problem(where, number, sheet_columns["id"], cells["stt"],
                                    "Số thứ tự phải là I, II…, 1, 2…, 1.1… hoặc a, b…",
                                    "STT must read I, II…, 1, 2…, 1.1… or a, b…"))
            continue
        path_ids = [p for p in path_ids if cid.startswith(p + ".")] + [cid]
        records.append({"id": cid, "text": cells["text"], "max": cells["max"], "method": cells.get("method", ""),
                        "source": cells.get("source", ""), "evidence": cells.get("evidence", ""),
                        "source_row": number, "source_file": where})
    frame = _filled(pd.DataFrame(records, columns=["id", "text", "max", "method", "source", "evidence",
                                                   "source_row", "source_file"]))
    return CriteriaSheet(frame, where, decision, year, problems, sheet_columns)


def _filled(frame: pd.DataFrame) -> pd.DataFrame:
    """Group rows without points take their children's sum; leaf rows without a method are scored by hand."""
    ids = list(frame["id"])
    parents = {i.rpartition(".")[0] for i in ids}
    for index in reversed(frame.index):
        cid = frame.at[index, "id"]
        if frame.at[index, "max"] == "" and cid in parents:
            children = [parse_points(v) for v, c in zip(frame["max"], frame["id"], strict=True)
                        if c.rpartition(".")[0] == cid]
            if children and all(v is not None for v in children):
                frame.at[index, "max"] = f"{sum(children):g}"
        if frame.at[index, "method"] == "":
            frame.at[index, "method"] = "sum" if cid in parents else "manual"
    return frame.assign(rule="", target="", thresholds="")
