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

import numpy as np
import pandas as pd

from . import schema as S
from .columns import fold_key, map_distinct, map_values, normalize_text, pa_text
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
    """A cell as NFC text without surrounding spaces; datetimes as ISO text; empty cells None.
    (For the few cells of an HTML table or of a workbook column mixing kinds, once per distinct value.)"""
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M:%S")  # to the second, as the dates are read
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _cell_text(cell: object) -> str:
    """A table cell's text (its own, or all of its descendants' when it holds markup)."""
    return (cell.text or "") if not len(cell) else "".join(cell.itertext())


def _html_grid(path: Path) -> list[list[object]]:
    """The largest table of an HTML document, spans expanded, as rows of cells."""
    from lxml import etree

    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: HTML export that is not UTF-8 (byte {exc.start})") from exc
    data = data.removeprefix(b"\xef\xbb\xbf")
    root = etree.fromstring(data, etree.HTMLParser(encoding="utf-8", huge_tree=True)) if data.strip() else None
    tables = root.xpath("//table") if root is not None else []
    if not tables:
        raise DataError(f"{path}: looks like HTML but holds no table")
    table = max(tables, key=lambda t: int(t.xpath("count(.//tr)")))
    grid: list[list[object]] = []
    pending: dict[int, tuple[int, object]] = {}  # column → (rows left, value) of a rowspan
    spanned = set(table.xpath(".//tr[td[@colspan or @rowspan] or th[@colspan or @rowspan]]"))
    for tr in table.iter("tr"):
        if not pending and tr not in spanned:  # most rows: no span to spread, the cells as they are
            grid.append([_cell_text(cell) for cell in tr if cell.tag in ("td", "th")])
            continue
        row: list[object] = []
        cells = iter(cell for cell in tr if cell.tag in ("td", "th"))
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
            value = _cell_text(cell)
            span, down = _span(cell.get("colspan")), _span(cell.get("rowspan"))
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


_MAX_SPAN = 1000  # a span beyond any real export's width or height is taken as this


def _span(value: str | None) -> int:
    return min(int(value), _MAX_SPAN) if value and value.strip().isdigit() and int(value) > 0 else 1


def _text_column(values: pd.Series) -> pd.Series:
    """One column of a workbook or HTML table as normalised text: whole columns of one kind
    (text, dates, numbers, booleans) converted at once, a column mixing kinds once per value."""
    if isinstance(values.dtype, pd.StringDtype):
        return normalize_text(values)
    present = values.where(values.notna() & (values != ""))
    kind = pd.api.types.infer_dtype(present, skipna=True)
    if kind in ("string", "empty"):
        text = present
    elif kind in ("datetime", "datetime64", "date"):
        stamps = pd.to_datetime(present, errors="coerce").to_numpy().astype("datetime64[s]")
        text = pd.Series(np.datetime_as_string(stamps, unit="s"), index=values.index).where(present.notna())
    elif kind in ("integer", "floating", "mixed-integer-float"):
        numbers = pd.to_numeric(present, errors="coerce")
        whole = numbers.notna() & (numbers == numbers.round())
        text = numbers.astype("str").where(~whole, numbers.where(whole).astype("Int64").astype("str"))
        text = text.where(numbers.notna())
    elif kind == "boolean":
        text = present.map({True: "true", False: "false"})
    else:
        text = map_distinct(present, _cell)
    return normalize_text(text)


def _csv_frame(path: Path) -> pd.DataFrame:
    """A CSV file's cells as text, row i of the frame being row i + 1 of the file."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # a blank line is a row of its own (row numbers must be the file's): pandas keeps them
    if (b"\n\n" in data or b"\n\r\n" in data or b"\r\r" in data or data.startswith((b"\n", b"\r"))
            or (b"\r" in data and b"\r\n" not in data) or (len(data) < 4096 and not data.strip())):
        return _csv_frame_pandas(path)
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(_MAX_CSV_COLUMNS)},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        # bytes that are not UTF-8, ragged rows and the like: pandas names the byte or the line
        return _csv_frame_pandas(path)
    frame = table.to_pandas()
    frame.columns = range(frame.shape[1])
    return frame


_MAX_CSV_COLUMNS = 1000


def _csv_frame_pandas(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, header=None, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            skip_blank_lines=False)
    except UnicodeDecodeError as exc:
        _refuse_encoding(path, exc)
    except (ValueError, OSError) as exc:
        raise DataError(f"{path}: cannot be read as {CSV}: {str(exc).splitlines()[0]}") from exc
    frame.columns = range(frame.shape[1])
    return frame


def _refuse_encoding(path: Path, exc: UnicodeDecodeError) -> None:
    from charset_normalizer import from_path

    best = from_path(path).best()
    named = f" (it looks like {best.encoding})" if best is not None else ""
    raise DataError(f"{path}: not UTF-8 text{named}, byte {exc.start}; save the export as CSV UTF-8") from exc


def _workbook_frame(path: Path, kind: str, sheet: str) -> pd.DataFrame:
    """A workbook sheet's cells (python-calamine, for .xlsx and legacy .xls alike)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if sheet and sheet not in workbook.sheet_names:
            raise DataError(f"{path}: cannot be read as {kind}: Worksheet named '{sheet}' not found")
        # empty rows above the table stay: rows are numbered as in the file
        rows = (workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)).to_python(
            skip_empty_area=False)
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine's own errors: a damaged or foreign file
        raise DataError(f"{path}: cannot be read as {kind}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                        ) from exc
    frame = pd.DataFrame(rows, dtype=object)
    # a workbook's text cells that only say "no value" are empty, as spreadsheet readers take them
    return frame.mask(frame.isin(_WORKBOOK_EMPTY_TEXTS))


# pandas' default missing-value markers, which workbook exports have always been read with
_WORKBOOK_EMPTY_TEXTS = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                         "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]


def read_table(path: Path, sheet: str = "") -> tuple[str, pd.DataFrame]:
    """The export's format and its cells as a frame of text columns (NFC, stripped, empty cells
    missing; workbook dates as ISO text), columns numbered from 0, row i being row i + 1 of the file."""
    kind = sniff_format(path)
    if kind == HTML_TABLE:
        frame = pd.DataFrame(_html_grid(path), dtype=object)
    elif kind == CSV:
        frame = _csv_frame(path)
    else:
        frame = _workbook_frame(path, kind, sheet)
    frame.columns = range(frame.shape[1])
    return kind, pd.DataFrame({c: _text_column(frame[c]) for c in frame.columns}, index=frame.index)


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    """A few rows of a table as lists of cells, None where empty (for the header search)."""
    return [[None if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False, name=None)]


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


def _first_values(body: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The first and second non-empty cell of each row (missing where there are fewer)."""
    first = body[body.columns[0]]
    second = first.iloc[:0].reindex(body.index)
    for column in body.columns[1:]:
        values = body[column]
        second = second.mask(first.notna() & second.isna() & values.notna(), values)
        first = first.fillna(values)
    return first, second


def drop_reasons(body: pd.DataFrame, id_col: int | None) -> pd.Series:
    """Why each row of the table is not a dossier ('' when it is one): empty, a total row, a
    per-agency group row. Whole columns: the first cells of each row are compared, not each row;
    the few rows that may be a total or a group are looked at further."""
    import pyarrow.compute as pc

    reasons = pd.Series("", index=body.index, dtype=object)
    if body.empty:
        return reasons
    filled = body.notna().any(axis=1)
    reasons[~filled] = "empty"
    first = body[body.columns[0]].copy()
    late_start = first.isna() & filled
    if late_start.any():
        first[late_start] = _first_values(body.loc[late_start])[0]
    id_value = body[id_col] if id_col is not None and id_col in body.columns else pd.Series(pd.NA, index=body.index)
    # a title cell spanning the row repeats its text, into the code's column too
    no_code = id_value.isna() & filled
    same = (id_value == first).fillna(False).astype(bool)
    texts = pa_text(first.where(filled))
    word = _bool(pc.match_substring_regex(texts, _TOTAL_PATTERN), body.index)
    group = _bool(pc.match_substring_regex(texts, _GROUP_PATTERN), body.index)
    # a label whose first cell is a short number or mark ("I", "1") may carry the words in its second
    short_first = no_code & ~word & ~group & (first.str.len() <= 12).fillna(False).astype(bool)
    candidates = ((no_code | same) & (word | group)) | ((word | group) & ~same & id_value.notna()) | short_first
    total = pd.Series(False, index=body.index)
    looks_group = pd.Series(False, index=body.index)
    if candidates.any():
        rows = body.loc[candidates]
        firsts, seconds = _first_values(rows)
        label = fold_key(firsts)
        code = fold_key(id_value.loc[candidates])
        is_label = (code.isna() | (code == label)).fillna(False).astype(bool)
        words = label.isin(_TOTAL_WORDS) | fold_key(seconds).isin(_TOTAL_WORDS)
        total[candidates] = (is_label & words.fillna(False).astype(bool)).to_numpy()
        grouped = is_label & ~total[candidates] & firsts.str.match(_GROUP_ROW).fillna(False).astype(bool)
        if grouped.any():
            grouped &= rows.nunique(axis=1) <= 2
        looks_group[candidates] = grouped.to_numpy()
    reasons[total] = "total"
    reasons[looks_group] = "group"
    return reasons


_TOTAL_PATTERN = "(?i)(t[ổỔ]ng|c[ộỘ]ng)"
_GROUP_PATTERN = r"\(\s*\p{Nd}+\s*\)$"


def _bool(array: object, index: pd.Index) -> pd.Series:
    import pyarrow.compute as pc

    return pd.Series(pc.fill_null(array, False).to_numpy(zero_copy_only=False), index=index)


_OUTCOME_OF_STATUS: dict[str, str] = {
    **{key: value for key, value in S.VALUE_ALIASES[S.OUTCOME].items()},
    S.IN_PROCESS: S.IN_PROCESS, S.NOT_RECEIVED: S.NOT_RECEIVED,
    **S.STATUS_VALUES,
}


def _mapped(column: str, values: pd.Series, mapping: ExportMapping) -> pd.Series:
    """A column with ``unit.yaml``'s value mapping applied (once per distinct value)."""
    table = mapping.values.get(column)
    if not table:
        return values
    return map_values(fold_key(values), table, "str").fillna(values)


def read_export(path: Path, mapping: ExportMapping | None = None, sheet: str = "", label: str = "") -> ExportReading:
    """Read one export of any supported shape into canonical columns; ``label`` (default: the
    file's name) is how rows and problems refer to the file."""
    mapping = mapping or ExportMapping()
    kind, table = read_table(path, sheet)
    if table.empty:
        raise DataError(f"{path}: the export is empty")
    head = _rows(table.head(_HEADER_SCAN_ROWS + 3))  # a two-row header at the last row scanned, and the row under it
    try:
        start, depth, names = find_header(head, mapping)
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
    if body_start < len(head) and _is_column_numbers(head[body_start]):
        dropped.append((body_start + 1, "column numbers"))
        body_start += 1
    body = table.iloc[body_start:]
    reasons = drop_reasons(body, chosen.get(S.DOSSIER_ID))
    # only the columns read go further: personal data and unknown columns are left behind
    kept = body.loc[reasons == "", sorted(chosen.values())]
    record = {column: _mapped(column, kept[i], mapping) for column, i in chosen.items()}
    statuses: dict[str, str] = {}
    status = record.pop(S.STATUS, None)
    not_received = pd.Series(False, index=kept.index)
    if status is not None:
        outcome = map_values(fold_key(status), _OUTCOME_OF_STATUS, "str")
        pairs = pd.DataFrame({"value": status, "outcome": outcome}).dropna(subset="value").drop_duplicates("value")
        statuses = {str(v): (o if isinstance(o, str) else "unknown") for v, o in zip(pairs["value"], pairs["outcome"])}
        outcome = outcome.astype(object).where(outcome.notna(), None)
        not_received = outcome.eq(S.NOT_RECEIVED).fillna(False).astype(bool)
        # an unknown status stays as text: the checks name it
        from_status = outcome.where(outcome.notna(), status).where(outcome != S.IN_PROCESS)
        given = record.get(S.OUTCOME)
        record[S.OUTCOME] = from_status if given is None else given.fillna(from_status)
    flag = record.pop(S.ONLINE_FLAG, None)
    if flag is not None:
        from_flag = map_values(fold_key(flag), S.ONLINE_FLAG_VALUES, "str").fillna(flag)
        given = record.get(S.CHANNEL)
        record[S.CHANNEL] = from_flag if given is None else given.fillna(from_flag)
    rows = pd.Series(kept.index + 1, index=kept.index)
    dropped += [(int(r), "not received") for r in rows[not_received]]
    dropped += [(int(i) + 1, str(r)) for i, r in reasons[reasons != ""].items()]
    dropped.sort()
    frame = pd.DataFrame(
        {**{c: (record[c].astype("str") if c in record else pd.Series(pd.NA, index=kept.index, dtype="str"))
            for c in S.DOSSIER_COLUMNS},
         S.SOURCE_FILE: label or path.name, S.SOURCE_ROW: rows.astype("int64")},
        index=kept.index,
    ).loc[~not_received].reset_index(drop=True)
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
