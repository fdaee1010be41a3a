"""One dossier export as the one-stop systems write it, read into canonical columns.

Shapes read, by content, not by file name:

- an HTML table saved with an ``.xls`` name (the Thanh Hóa system's "Excel" downloads);
- a legacy binary ``.xls`` workbook (OpenCPS), an ``.xlsx`` workbook, CSV (UTF-8, BOM or not).

The header row is found by its content (the row, or pair of rows under a two-level header,
naming the most known columns); rows above it (titles, "Từ ngày … đến ngày …") are skipped.
Rows inside the table that are not dossiers are dropped and counted: a column-number row
(1, 2, 3 …) under the header, per-agency group rows (``<cơ quan> ( N )``), a total row
(``Tổng cộng``), empty rows, and dossiers registered online but never taken in (status
``Mới đăng ký``). Columns holding personal data are recognised and never read.

``unit.yaml`` may map what the project does not know::

    columns:
      "Số biên nhận": dossier_id
    values:
      status:
        "Chờ ký duyệt": in_process
      channel:
        "Nộp qua mạng": online
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import schema as S
from .errors import DataError

HTML_TABLE = "HTML table (saved as .xls)"
XLS = "Excel 97-2003 (.xls)"
XLSX = "Excel (.xlsx)"
CSV = "CSV"
IGNORED = "ignored"
PERSONAL = "personal data: never read"
_HEADER_SCAN_ROWS = 30
_GROUP_ROW = re.compile(r"^.+\(\s*\d+\s*\)$")
_TOTAL_WORDS = {"tổng cộng", "tổng số", "cộng", "tổng"}
DROP_REASONS_VI = {
    "column numbers": "dòng đánh số cột",
    "group": "dòng nhóm theo cơ quan",
    "total": "dòng tổng cộng",
    "empty": "dòng trống",
    "not received": "hồ sơ chưa được tiếp nhận (Mới đăng ký)",
}


@dataclass
class ExportMapping:
    """What ``unit.yaml`` adds: source header → column, and per column source value → value."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_unit(cls, info: dict, where: str) -> ExportMapping:
        columns = info.get("columns") or {}
        values = info.get("values") or {}
        known = {*S.DOSSIER_COLUMNS, S.STATUS, S.ONLINE_FLAG}
        if not isinstance(columns, dict) or not isinstance(values, dict):
            raise DataError(f"{where}: 'columns:' and 'values:' must be mappings")
        for source, target in columns.items():
            if target not in known and target not in (IGNORED, "personal"):
                raise DataError(f"{where}: columns: {source!r} → {target!r}: not a column of the project "
                                f"({', '.join(sorted(known))}, ignored, personal)")
        for column, table in values.items():
            if column not in known or not isinstance(table, dict):
                raise DataError(f"{where}: values: {column!r} must be a column with a mapping of values")
        return cls(
            columns={S.normalize_header(k): str(v) for k, v in columns.items()},
            values={c: {S.normalize_header(k): str(v) for k, v in t.items()} for c, t in values.items()},
        )


@dataclass
class ExportReading:
    """An export as understood: its shape, header, column mapping, statuses, dropped rows, rows."""

    path: Path
    format: str
    header_rows: tuple[int, ...]
    columns: list[tuple[str, str]]  # (source header, what it maps to)
    statuses: dict[str, str]  # status value found → outcome (or in_process / not_received / unknown)
    dropped: list[tuple[int, str]]  # (row in the file, reason)
    lacking: list[str]  # expected columns the export does not give
    frame: pd.DataFrame  # canonical columns, raw cells, with source_file and source_row


def sniff_format(path: Path) -> str:
    """The export's real format, from its first bytes."""
    head = path.read_bytes()[:2048]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return XLS
    if head.startswith(b"PK\x03\x04"):
        return XLSX
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta", b"<head")) or b"<table" in text:
        return HTML_TABLE
    return CSV


def _cell(value: object) -> object:
    """A cell as NFC text without surrounding spaces; datetimes stay; empty cells become None."""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return pd.Timestamp(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _html_grid(path: Path) -> list[list[object]]:
    """The largest table of an HTML document, spans expanded, as rows of cells."""
    import lxml.html

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: HTML export that is not UTF-8 (byte {exc.start})") from exc
    tables = lxml.html.document_fromstring(text).xpath("//table")
    if not tables:
        raise DataError(f"{path}: looks like HTML but holds no table")
    table = max(tables, key=lambda t: len(t.xpath(".//tr")))
    grid: list[list[object]] = []
    pending: dict[int, tuple[int, object]] = {}  # column → (rows left, value) of a rowspan
    for tr in table.xpath(".//tr"):
        row: list[object] = []
        cells = iter(tr.xpath("./td|./th"))
        col = 0
        while True:
            if col in pending:
                left, value = pending[col]
                row.append(value)
                pending[col] = (left - 1, value)
                if left - 1 == 0:
                    del pending[col]
                col += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            value = _cell(cell.text_content())
            span, down = int(cell.get("colspan", 1) or 1), int(cell.get("rowspan", 1) or 1)
            for _ in range(span):
                row.append(value)
                if down > 1:
                    pending[col] = (down - 1, value)
                col += 1
        while col in pending:  # rowspans reaching past the row's last cell
            left, value = pending.pop(col)
            row.append(value)
            if left > 1:
                pending[col] = (left - 1, value)
            col += 1
        grid.append(row)
    return grid


def read_grid(path: Path, sheet: str = "") -> tuple[str, list[list[object]]]:
    """The export's format and all its rows of cells (row 1 of the file first)."""
    kind = sniff_format(path)
    try:
        if kind == HTML_TABLE:
            return kind, _html_grid(path)
        if kind == CSV:
            frame = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                skip_blank_lines=False)
        else:
            frame = pd.read_excel(path, sheet_name=sheet or 0, header=None, dtype=object,
                                  engine="calamine" if kind == XLS else "openpyxl")
    except UnicodeDecodeError as exc:
        from charset_normalizer import from_path

        best = from_path(path).best()
        named = f" (it looks like {best.encoding})" if best is not None else ""
        raise DataError(f"{path}: not UTF-8 text{named}, byte {exc.start}; save the export as CSV UTF-8") from exc
    except (ValueError, OSError, KeyError) as exc:
        raise DataError(f"{path}: cannot be read as {kind}: {str(exc).splitlines()[0]}") from exc
    return kind, [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def _classify(header: str, mapping: ExportMapping) -> str:
    """What a source header is: a column name, IGNORED, PERSONAL, or '' (unknown)."""
    key = S.normalize_header(header)
    if key in mapping.columns:
        target = mapping.columns[key]
        return PERSONAL if target == "personal" else target
    if key in S.PERSONAL_HEADERS:
        return PERSONAL
    if key in S.IGNORED_HEADERS:
        return IGNORED
    return S.canonical_column(header) or ""


def _header_names(rows: list[list[object]], mapping: ExportMapping) -> list[str]:
    """Column names from one header row, or from two (a title above its sub-headers): for each
    column the sub-header joined to its title, the sub-header alone, or the title alone,
    whichever names a known column first."""
    width = max(len(r) for r in rows)

    def at(row: list[object], col: int) -> str:
        return str(row[col]) if col < len(row) and row[col] is not None else ""

    names = []
    title = ""
    for col in range(width):
        texts = [at(row, col) for row in rows]
        if len(rows) == 1:
            names.append(texts[0])
            continue
        top, bottom = texts
        # a merged title cell holds its text in its first column only: carry it over the
        # sub-headers it spans
        title = top or (title if bottom else "")
        top = title
        candidates = [f"{top} {bottom}".strip() if top != bottom else top, bottom, top]
        names.append(next((c for c in candidates if c and _classify(c, mapping)), candidates[0]))
    return names


def find_header(grid: list[list[object]], mapping: ExportMapping) -> tuple[int, int, list[str]]:
    """(first header row index, number of header rows, column names) of the best header: the
    one naming most known columns, among those naming a dossier code or a reception date. Two
    rows are taken together only when they name more than either row alone."""
    def named(rows: list[list[object]]) -> tuple[int, list[str], list[str]]:
        names = _header_names(rows, mapping)
        kinds = [_classify(n, mapping) for n in names]
        usable = S.DOSSIER_ID in kinds or S.RECEIVED_AT in kinds
        return (sum(1 for k in kinds if k) if usable else 0), names, kinds

    scan = min(len(grid), _HEADER_SCAN_ROWS)
    single = [named([grid[i]]) if any(v is not None for v in grid[i]) else (0, [], []) for i in range(scan)]
    best: tuple[int, int, int, list[str]] = (-1, 0, 0, [])
    for start in range(scan):
        score, names, _ = single[start]
        if score > best[2]:
            best = (start, 1, score, names)
        if start + 1 < len(grid) and any(v is not None for v in grid[start]):
            pair_score, pair_names, _ = named(grid[start:start + 2])
            below = single[start + 1][0] if start + 1 < scan else 0
            if pair_score > max(score, below, best[2]):
                best = (start, 2, pair_score, pair_names)
    if best[0] < 0:
        raise DataError("no header row found: no row names a dossier code (Mã hồ sơ) or a reception date "
                        "(Ngày tiếp nhận); add the export's headers to unit.yaml under 'columns:'")
    return best[0], best[1], best[3]


def _is_column_numbers(row: list[object]) -> bool:
    values = [str(v).strip("() ") for v in row if v is not None]
    return len(values) >= 3 and all(v.isdigit() for v in values) and [int(v) for v in values] == list(
        range(int(values[0]), int(values[0]) + len(values)))


def _drop_reason(row: list[object], id_col: int | None) -> str:
    """Why a row of the table is not a dossier ('' when it is one)."""
    values = [v for v in row if v is not None]
    if not values:
        return "empty"
    id_value = row[id_col] if id_col is not None and id_col < len(row) else None
    texts = {S.normalize_header(str(v)) for v in values[:2]}  # a total's label comes first
    label = S.normalize_header(str(values[0]))
    # a title cell spanning the row repeats its text, into the code's column too
    id_is_label = id_value is None or S.normalize_header(str(id_value)) == label
    if texts & _TOTAL_WORDS and id_is_label:
        return "total"
    if _GROUP_ROW.match(str(values[0])) and id_is_label and len({str(v) for v in values}) <= 2:
        return "group"
    return ""


def _map_value(column: str, value: object, mapping: ExportMapping) -> object:
    if value is None or isinstance(value, pd.Timestamp):
        return value
    key = S.normalize_header(str(value))
    return mapping.values.get(column, {}).get(key, value)


def read_export(path: Path, mapping: ExportMapping | None = None, sheet: str = "", label: str = "") -> ExportReading:
    """Read one export of any supported shape into canonical columns; ``label`` (default: the
    file's name) is how rows and problems refer to the file."""
    mapping = mapping or ExportMapping()
    kind, grid = read_grid(path, sheet)
    if not grid:
        raise DataError(f"{path}: the export is empty")
    try:
        start, depth, names = find_header(grid, mapping)
    except DataError as exc:
        raise DataError(f"{path}: {exc}") from None
    kinds = [_classify(n, mapping) for n in names]
    # several source columns may name one column: read the preferred one
    chosen: dict[str, int] = {}
    for i, k in enumerate(kinds):
        if k and k not in (IGNORED, PERSONAL):
            if k not in chosen or S.header_preference(names[i]) < S.header_preference(names[chosen[k]]):
                chosen[k] = i
    columns = []
    for i, (name, k) in enumerate(zip(names, kinds)):
        if not name:
            continue
        if k == PERSONAL:
            columns.append((name, PERSONAL))
        elif not k or k == IGNORED:
            columns.append((name, IGNORED))
        elif chosen[k] != i:
            columns.append((name, f"{IGNORED}: {k} is read from {names[chosen[k]]!r}"))
        else:
            columns.append((name, k))
    body_start = start + depth
    dropped: list[tuple[int, str]] = []
    if body_start < len(grid) and _is_column_numbers(grid[body_start]):
        dropped.append((body_start + 1, "column numbers"))
        body_start += 1
    id_col = chosen.get(S.DOSSIER_ID)
    records, statuses = [], {}
    for index in range(body_start, len(grid)):
        row = grid[index]
        reason = _drop_reason(row, id_col)
        if reason:
            dropped.append((index + 1, reason))
            continue
        record = {column: (_map_value(column, row[i], mapping) if i < len(row) else None) for column, i in chosen.items()}
        status = record.pop(S.STATUS, None)
        if status is not None:
            key = S.normalize_header(str(status))
            outcome = (S.STATUS_VALUES.get(key) or S.VALUE_ALIASES[S.OUTCOME].get(key)
                       or (key if key in (S.IN_PROCESS, S.NOT_RECEIVED) else None))
            statuses[str(status)] = outcome or "unknown"
            if outcome == S.NOT_RECEIVED:
                dropped.append((index + 1, "not received"))
                continue
            if record.get(S.OUTCOME) is None:  # an unknown status stays as text: the checks name it
                record[S.OUTCOME] = None if outcome == S.IN_PROCESS else (outcome or str(status))
        flag = record.pop(S.ONLINE_FLAG, None)
        if flag is not None and record.get(S.CHANNEL) is None:
            record[S.CHANNEL] = S.ONLINE_FLAG_VALUES.get(S.normalize_header(str(flag)), str(flag))
        record[S.SOURCE_FILE] = label or path.name
        record[S.SOURCE_ROW] = index + 1
        records.append(record)
    frame = pd.DataFrame(records).reindex(columns=[*S.DOSSIER_COLUMNS, S.SOURCE_FILE, S.SOURCE_ROW]).astype(object)
    frame = frame.where(frame.notna(), None)
    given = set(chosen) | ({S.OUTCOME} if S.STATUS in chosen else set()) | (
        {S.CHANNEL} if S.ONLINE_FLAG in chosen else set())
    lacking = [c for c in (*S.REQUIRED_COLUMNS, *S.EXPECTED_COLUMNS) if c not in given]
    return ExportReading(path, kind, tuple(range(start + 1, start + depth + 1)), columns, statuses, dropped,
                         lacking, frame)


def describe(reading: ExportReading, preview: pd.DataFrame, rows: int = 5) -> str:
    """What ``cchc inspect`` prints about one export."""
    lines = [f"file: {reading.path}", f"format: {reading.format}",
             f"header: row {', '.join(map(str, reading.header_rows))} of the file"]
    lines.append("columns:")
    width = max((len(name) for name, _ in reading.columns), default=0)
    lines += [f"  {name:<{width}}  → {what}" for name, what in reading.columns]
    if reading.lacking:
        lines.append(f"lacking: {', '.join(reading.lacking)}")
    if reading.statuses:
        lines.append("status values:")
        lines += [f"  {value} → {outcome}" for value, outcome in sorted(reading.statuses.items())]
    counts: dict[str, list[int]] = {}
    for row, reason in reading.dropped:
        counts.setdefault(reason, []).append(row)
    lines.append(f"rows read: {len(reading.frame)}; rows dropped: {len(reading.dropped)}")
    for reason, where in counts.items():
        shown = ", ".join(map(str, where[:10])) + (" …" if len(where) > 10 else "")
        lines.append(f"  {reason} ({DROP_REASONS_VI[reason]}): {len(where)} (rows {shown})")
    lines.append(f"first {min(rows, len(preview))} rows, as understood (canonical columns):")
    lines.append(preview.head(rows).to_string(index=False) if len(preview) else "  (none)")
    return "\n".join(lines)
