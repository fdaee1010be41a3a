"""One dossier export as the one-stop systems write it, read into canonical columns.

Shapes read, by content, not by file name:

- an HTML table saved with an ``.xls`` name (the Thanh Hóa system's "Excel" downloads);
- a legacy binary ``.xls`` workbook (OpenCPS), an ``.xlsx`` workbook, CSV (UTF-8, BOM or not;
  comma, semicolon or tab between fields, found from the first lines).

Every table of an HTML export with a dossier header is read (a paginated download), rows
numbered through the file. Refused, saying what the file is and what to do: an empty file, a
header without rows, bytes that are no workbook nor text, a damaged or password-protected
workbook, a sheet without dossiers (naming the sheet that has them), a row whose cells do not
match its header's, two headers giving one column, a cell read longer than any value of its
column (row and column named). Control characters in a cell read are dropped, the cells listed
for a warning; a column never read is never looked at, however long its cells.

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

import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..base.errors import DataError
from . import schema as S
from .columns import fold_key, map_distinct, map_values, normalize_text, pa_text

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
    "header": "dòng tiêu đề của bảng sau (tệp nhiều bảng)",
    "other table": "bảng khác, không phải danh sách hồ sơ",
}


@dataclass
class ExportMapping:
    """What ``unit.yaml`` adds: source header → column, and per column source value → value."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_unit(cls, info: dict, where: str) -> ExportMapping:
        """The ``columns:`` and ``values:`` of ``unit.yaml`` (``where`` names the file in errors).

        >>> ExportMapping.from_unit({"columns": {"Số biên nhận": "dossier_id"}}, "unit.yaml").columns
        {'số biên nhận': 'dossier_id'}
        """
        columns = info.get("columns") or {}
        values = info.get("values") or {}
        known = {*S.DOSSIER_COLUMNS, S.STATUS, S.ONLINE_FLAG}
        for key, given in (("columns", columns), ("values", values)):
            if not isinstance(given, dict):
                raise DataError(f"{where}: '{key}:' must be a mapping (source header: column), found "
                                f"{_yaml_kind(given)}; write one 'Header: column' per line under '{key}:'"
                                if key == "columns" else
                                f"{where}: 'values:' must be a mapping of columns (status:, channel: …), each a "
                                f"mapping of source value: value; found {_yaml_kind(given)}")
        for source, target in columns.items():
            if isinstance(target, list | dict) or target is None:
                raise DataError(f"{where}: columns: {source!r}: expected one column name, found {_yaml_kind(target)}")
            if target not in known and target not in (IGNORED, "personal"):
                raise DataError(f"{where}: columns: {source!r} → {target!r}: not a column of the project "
                                f"({', '.join(sorted(known))}, ignored, personal)")
            if target in known and S.is_personal_header(S.normalize_header(str(source))):
                # docs/data.md, "Dossier exports": a citizen's name, number or address never reaches a report
                raise DataError(f"{where}: columns: {source!r} → {target!r}: {source!r} names a column of "
                                "personal data (a citizen's name, ID number, phone or address), which is never "
                                "read; map it to 'personal' or remove the line")
        for column, table in values.items():
            if column not in known or not isinstance(table, dict):
                raise DataError(f"{where}: values: {column!r} must be a column with a mapping of values "
                                f"(source value: value), found {_yaml_kind(table)}")
            for source, target in table.items():
                if isinstance(target, list | dict) or target is None:
                    raise DataError(f"{where}: values: {column}: {source!r}: expected one value, found "
                                    f"{_yaml_kind(target)}")
        return cls(
            columns={S.normalize_header(k): str(v) for k, v in columns.items()},
            values={c: {S.normalize_header(k): _value_text(v) for k, v in t.items()} for c, t in values.items()},
        )


def _value_text(value: object) -> str:
    """A value of ``values:`` as text (YAML's ``true`` as the project writes it)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _yaml_kind(value: object) -> str:
    """How a YAML value reads to the person who wrote it."""
    if isinstance(value, list):
        return f"a list ({len(value)} item(s))"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"


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
    tables: list[tuple[int, int]] = field(default_factory=list)  # (first, last) row of each table read, when several
    # (column, source header, rows in the file, first cell as read) of the cells read whose control
    # characters were dropped
    cleaned: list[tuple[str, str, list[int], str]] = field(default_factory=list)


def sniff_format(path: Path) -> str:
    """The export's real format, from its first bytes."""
    with open(path, "rb") as handle:
        head = handle.read(2048)
    if head.startswith(_OLE2):
        return XLS
    if head.startswith(b"PK\x03\x04"):
        return XLSX
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta", b"<head")) or b"<table" in text:
        return HTML_TABLE
    return CSV


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of legacy .xls, and of any password-protected workbook
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_SAMPLE_BYTES = 1 << 16
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))  # never in a text export


def _refuse_unreadable(path: Path, kind: str) -> None:
    """Refuse, with what to do, a file that is empty or whose bytes are no export of ``kind``:
    0 bytes, UTF-16 text, binary content that is neither a workbook nor text."""
    size = path.stat().st_size
    if size == 0:
        raise DataError(f"{path}: the file is empty (0 bytes): download the export again")
    if kind not in (CSV, HTML_TABLE):
        return
    with open(path, "rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(f"{path}: not UTF-8 text (it looks like utf_16: Excel's 'Unicode Text'); save the export "
                        f"as 'CSV UTF-8 (Comma delimited)' or as an Excel workbook (.xlsx)")
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    # a few in a cell are the cell's (docs/data.md, "Dossier exports"); a binary file is full of them
    if controls > max(len(head) // 50, 8):
        suffix = path.suffix.lower()
        if suffix in _WORKBOOK_SUFFIXES:
            raise DataError(f"{path}: named {suffix} but not an Excel workbook (its bytes are neither those of a "
                            f".xlsx nor of a .xls) nor a text export: the file is damaged or is not an export; "
                            f"download it again, or open it in Excel and save it as .xlsx")
        raise DataError(f"{path}: not a dossier export: binary content that is neither an Excel workbook nor "
                        f"text; download the export again (as .xlsx, .xls or CSV UTF-8)")
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise DataError(f"{path}: the file holds only blank lines ({size} bytes): download the export again")


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


def _html_tables(path: Path) -> list[tuple[list[list[object]], list[bool]]]:
    """Every table of an HTML document, in document order, spans expanded, as rows of cells (a
    table holding other tables is only their frame: its own rows are left out, the tables
    inside it are taken), each with the rows that merge cells across columns."""
    from lxml import etree

    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: HTML export that is not UTF-8 (byte {exc.start})") from exc
    # a NUL byte would become U+FFFD in the parser: another control character, dropped from the cell read
    data = data.removeprefix(b"\xef\xbb\xbf").replace(b"\x00", b"\x01")
    root = etree.fromstring(data, etree.HTMLParser(encoding="utf-8", huge_tree=True)) if data.strip() else None
    tables = root.xpath("//table[not(.//table)]") if root is not None else []
    if not tables:
        raise DataError(f"{path}: looks like HTML but holds no table")
    return [_table_grid(table) for table in tables]


def _table_grid(table: object) -> tuple[list[list[object]], list[bool]]:
    """One table's rows (its own: ``tr`` under it or under its ``thead``/``tbody``/``tfoot``),
    each as the cells it spans: a cell of colspan 3 is three cells, a cell of rowspan 2 is also
    a cell of the row below. A row's length is the number of cells it spans. Also, for each row,
    whether one of its own cells spans columns (a header's title does; a dossier row must not)."""
    grid: list[list[object]] = []
    merged: list[bool] = []
    pending: dict[int, tuple[int, object]] = {}  # column → (rows left, value) of a rowspan
    own = "./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"
    rows = table.xpath(own)
    spanned = set(table.xpath(f"({own})[td[@colspan or @rowspan] or th[@colspan or @rowspan]]"))
    for tr in rows:
        if not pending and tr not in spanned:  # most rows: no span to spread, the cells as they are
            grid.append([_cell_text(cell) for cell in tr if cell.tag in ("td", "th")])
            merged.append(False)
            continue
        merged.append(tr in spanned and any(_span(c.get("colspan")) > 1 for c in tr if c.tag in ("td", "th")))
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
    return grid, merged


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


CSV_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def csv_delimiter(sample: str) -> str:
    """The delimiter of a CSV text, from its first lines: of comma, semicolon and tab, the one
    that splits the most lines into the same number (more than one) of fields, quotes respected
    (Excel with Vietnamese regional settings saves "CSV" with semicolons; text copied from a
    table is tab-separated). A title line above the header, with fewer fields, does not count.

    >>> csv_delimiter("DANH SÁCH\\nMã hồ sơ;Ngày tiếp nhận;Lĩnh vực\\nA1;01/03/2023;Hộ tịch, chứng thực\\n")
    ';'
    >>> csv_delimiter('Mã hồ sơ,Ngày tiếp nhận\\nA1,"01/03/2023; 08:00"\\n')
    ','
    >>> csv_delimiter("Mã hồ sơ\\tNgày\\nA1\\t1/3\\n")
    '\\t'
    """
    import csv
    import io
    from collections import Counter

    lines = sample.splitlines(keepends=True)[:_DELIMITER_SCAN_LINES]
    best = (0, 0, ",")
    for delimiter in CSV_DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        widths = Counter(len(row) for row in rows if len(row) > 1)
        if widths:
            width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
            best = max(best, (count, width, delimiter))
    return best[2]


_DELIMITER_SCAN_LINES = 200


def _csv_frame(path: Path) -> tuple[pd.DataFrame, np.ndarray | None, str]:
    """A CSV file's cells as text, row i of the frame being row i + 1 of the file; the number of
    fields of each row (None where every row has the frame's width); the delimiter."""
    import pyarrow as pa

    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    sample = data[:_SAMPLE_BYTES].decode("utf-8", errors="replace")
    if len(data) > _SAMPLE_BYTES:  # a line cut by the sample's end is not a line
        sample = sample[: max(sample.rfind("\n"), 0)]
    delimiter = csv_delimiter(sample)
    # a blank line is a row of its own (row numbers must be the file's): pyarrow would skip it; a
    # title line with fewer fields than the header's: pyarrow wants the same number on every line
    if (b"\n\n" in data or b"\n\r\n" in data or b"\r\r" in data or data.startswith((b"\n", b"\r"))
            or (b"\r" in data and b"\r\n" not in data) or not _uniform(sample, delimiter)):
        return (*_csv_frame_ragged(path, data, delimiter), delimiter)
    try:
        table = _arrow_csv(data, delimiter)
    except pa.ArrowInvalid as exc:
        try:
            # a cell longer than pyarrow's block (a note of megabytes): read as one block
            if "straddl" not in str(exc):
                raise
            table = _arrow_csv(data, delimiter, block_size=len(data) + 1)
        except pa.ArrowInvalid:
            # bytes that are not UTF-8, a row with more or fewer fields than the others and the like
            return (*_csv_frame_ragged(path, data, delimiter), delimiter)
    frame = table.to_pandas()
    frame.columns = range(frame.shape[1])
    return frame, None, delimiter


_MAX_CSV_COLUMNS = 1000


def _arrow_csv(data: bytes, delimiter: str, block_size: int | None = None) -> object:
    """A CSV's bytes as a pyarrow table of text columns (``f0``, ``f1`` …), empty cells as ''."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    return pa_csv.read_csv(
        pa.py_buffer(data),
        read_options=pa_csv.ReadOptions(autogenerate_column_names=True, block_size=block_size),
        parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types={f"f{i}": pa.string() for i in range(_MAX_CSV_COLUMNS)},
            strings_can_be_null=False, quoted_strings_can_be_null=False,
        ),
    )


def _uniform(sample: str, delimiter: str) -> bool:
    """Whether every line of the sample has the same number of fields."""
    import csv
    import io

    try:
        widths = {len(row) for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)}
    except csv.Error:
        return False
    return len(widths) <= 1


def _csv_frame_ragged(path: Path, data: bytes, delimiter: str) -> tuple[pd.DataFrame, np.ndarray | None]:
    """A CSV whose rows do not all have the same number of fields (a title line above the
    header, blank lines, a row with a field too many or too few), every row kept, as wide as
    its widest row; and each row's number of fields."""
    import csv
    import io

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _refuse_encoding(path, exc, data, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # the fields of each row counted by the csv module's reader (C code, no Python loop)
        with _no_field_limit(len(text)):
            widths = np.fromiter(map(len, reader), dtype=np.int64)
    except csv.Error as exc:
        raise DataError(f"{path}: line {reader.line_num} cannot be read as {CSV}: {exc}") from exc
    if not len(widths):
        raise DataError(f"{path}: the file holds no data: download the export again")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, names=range(max(int(widths.max()), 1)),
                            dtype=str, keep_default_na=False, skip_blank_lines=False, index_col=False)
    except (ValueError, OSError) as exc:
        raise DataError(f"{path}: cannot be read as {CSV}: {str(exc).splitlines()[0]}") from exc
    frame.columns = range(frame.shape[1])
    # a blank line is a row of no field for the reader, of one empty field for pandas
    return frame, (widths if len(widths) == len(frame) else None)


@contextlib.contextmanager
def _no_field_limit(size: int) -> Iterator[None]:
    """The csv module's limit on a field's length (131072) lifted for a text of ``size``
    characters: a cell of megabytes in a column never read is no reason to refuse the file."""
    import csv

    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _refuse_encoding(path: Path, exc: UnicodeDecodeError, data: bytes, delimiter: str) -> None:
    """Refuse a CSV that is not UTF-8, naming what it seems to be, and the row and column (as a
    spreadsheet numbers them) of the first byte that is not UTF-8."""
    import csv
    import io
    from collections import deque

    from charset_normalizer import from_path

    best = from_path(path).best()
    named = f" (it looks like {best.encoding})" if best is not None else ""
    before = data[:exc.start].decode("utf-8", errors="replace") + "\ufffd"  # the byte's own cell, however short
    with _no_field_limit(len(before)):
        last = deque(enumerate(csv.reader(io.StringIO(before, newline=""), delimiter=delimiter), start=1), maxlen=1)
    row, cells = last[0] if last else (1, [""])
    raise DataError(f"{path}: not UTF-8 text{named}, row {row}, column {_column_name(len(cells) - 1)} (byte "
                    f"{exc.start}); save the export as CSV UTF-8") from exc


def _workbook(path: Path, kind: str) -> object:
    """The workbook, opened by python-calamine (.xlsx and legacy .xls alike); a file it cannot
    open is refused saying what it is: password-protected, damaged or cut short, or not a workbook."""
    from python_calamine import CalamineWorkbook, PasswordError

    suffix = path.suffix.lower()
    if kind == XLSX:
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise DataError(f"{path}: a damaged or incomplete Excel workbook (.xlsx): the file is cut short or "
                            f"corrupted ({exc}); download the export again, or open it in Excel and save it again"
                            ) from exc
        if not names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}:
            raise DataError(f"{path}: a zip archive, not an Excel workbook (no xl/workbook.xml inside): put the "
                            f"export itself in the data folder, or open it in Excel and save it as .xlsx")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        workbook.sheet_names  # noqa: B018 - opened, not yet read: a damaged file may only fail here
    except PasswordError as exc:
        raise DataError(_PROTECTED.format(path=path)) from exc
    except Exception as exc:  # noqa: BLE001 - calamine's own errors: a damaged or foreign file
        raise DataError(_unopened(path, kind, suffix, exc)) from exc
    return workbook


_PROTECTED = ("{path}: the workbook is protected by a password (encrypted): open it in Excel, remove the password "
              "(File → Info → Protect Workbook → Encrypt with Password, leave it empty) and save it, then read "
              "it again")


def _unopened(path: Path, kind: str, suffix: str, exc: Exception) -> str:
    """Why a workbook could not be opened, and what to do."""
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if kind == XLS:
        with open(path, "rb") as handle:
            data = handle.read(1 << 22)
        # an encrypted .xlsx is an OLE2 container holding "EncryptionInfo" and "EncryptedPackage"
        encrypted = "EncryptedPackage".encode("utf-16-le") in data or "password" in reason.lower()
        if encrypted or suffix in (".xlsx", ".xlsm"):
            return _PROTECTED.format(path=path)
        return (f"{path}: cannot be read as {kind}: {reason}: the workbook is damaged or cut short; download the "
                f"export again, or open it in Excel and save it as .xlsx")
    return (f"{path}: cannot be read as {kind}: {reason}; download the export again, or open it in Excel and save it "
            f"again")


def _workbook_frame(path: Path, kind: str, sheet: str) -> pd.DataFrame:
    """A workbook sheet's cells (python-calamine, for .xlsx and legacy .xls alike): the sheet
    named, else the first."""
    workbook = _workbook(path, kind)
    if sheet and sheet not in workbook.sheet_names:
        raise DataError(f"{path}: cannot be read as {kind}: Worksheet named '{sheet}' not found; its sheets: "
                        f"{', '.join(repr(n) for n in workbook.sheet_names)} (dossier_sheet in unit.yaml)")
    try:
        # empty rows above the table stay: rows are numbered as in the file
        rows = (workbook.get_sheet_by_name(sheet) if sheet else workbook.get_sheet_by_index(0)).to_python(
            skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine's own errors: a damaged or foreign file
        raise DataError(_unopened(path, kind, path.suffix.lower(), exc)) from exc
    frame = pd.DataFrame(rows, dtype=object)
    # a workbook's text cells that only say "no value" are empty, as spreadsheet readers take them
    return frame.mask(frame.isin(_WORKBOOK_EMPTY_TEXTS))


def _sheet_with_dossiers(path: Path, kind: str, read: str, mapping: ExportMapping) -> str | None:
    """The first sheet other than ``read`` whose first rows hold a dossier header, if any."""
    try:
        workbook = _workbook(path, kind)
        read = read or workbook.sheet_names[0]
        for name in workbook.sheet_names:
            if name == read:
                continue
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=_HEADER_SCAN_ROWS + 3)
            if not rows:
                continue
            frame = pd.DataFrame(rows, dtype=object)
            frame.columns = range(frame.shape[1])
            head = _rows(pd.DataFrame({c: _text_column(frame[c]) for c in frame.columns}))
            try:
                find_header(head, mapping)
            except DataError:
                continue
            return name
    except Exception:  # noqa: BLE001 - only a hint: a sheet that cannot be read gives none
        return None
    return None


# pandas' default missing-value markers, which workbook exports have always been read with
_WORKBOOK_EMPTY_TEXTS = ["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                         "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"]


@dataclass
class _Cells:
    """An export's cells as :func:`read_table` gives them, and what reading them told."""

    kind: str  # the format, a CSV's delimiter named when it is not a comma
    frame: pd.DataFrame  # text columns numbered from 0, row i being row i + 1 of the file
    widths: np.ndarray | None  # cells each row was written with (HTML, ragged CSV); None: all alike
    tables: list[tuple[int, int]]  # (first, stop) rows of the frame of each table, in file order
    merged: np.ndarray | None = None  # rows with a cell spanning columns (HTML); None: no such row


def _read_cells(path: Path, sheet: str = "") -> _Cells:
    kind = sniff_format(path)
    _refuse_unreadable(path, kind)
    widths = merged = None
    if kind == HTML_TABLE:
        grids_merged = _html_tables(path)
        grids = [grid for grid, _ in grids_merged]
        merged = np.array([flag for _, flags in grids_merged for flag in flags], dtype=bool)
        rows = [row for grid in grids for row in grid]
        widths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        width = int(widths.max()) if len(rows) else 0
        frame = pd.DataFrame([row if len(row) == width else [*row, *[None] * (width - len(row))] for row in rows],
                             dtype=object)
        stops = np.cumsum([len(grid) for grid in grids]).tolist()
        tables = [(start, stop) for start, stop in zip([0, *stops[:-1]], stops, strict=True) if stop > start]
    elif kind == CSV:
        frame, widths, delimiter = _csv_frame(path)
        kind = CSV if delimiter == "," else f"{CSV} ({CSV_DELIMITERS[delimiter]}-separated)"
        tables = [(0, len(frame))]
    else:
        frame = _workbook_frame(path, kind, sheet)
        tables = [(0, len(frame))]
    frame.columns = range(frame.shape[1])
    text = pd.DataFrame({c: _text_column(frame[c]) for c in frame.columns}, index=frame.index)
    return _Cells(kind, text, widths, tables, merged)


def read_table(path: Path, sheet: str = "", keep_controls: bool = False) -> tuple[str, pd.DataFrame]:
    """The export's format and its cells as a frame of text columns (NFC, stripped, empty cells
    missing; workbook dates as ISO text), columns numbered from 0, row i being row i + 1 of the
    file. The tables of an HTML export follow one another, in file order, as a spreadsheet
    opening the file shows them; a CSV's delimiter (comma, semicolon, tab) is found from its lines.
    A cell holding a control character is refused, naming it, unless ``keep_controls`` (an
    export read whole beside :func:`read_export`, whose columns never read may hold anything)."""
    cells = _read_cells(path, sheet)
    if not keep_controls:
        _refuse_controls(path, cells.frame)
    return cells.kind, cells.frame


def _refuse_controls(path: Path, frame: pd.DataFrame) -> None:
    """Refuse a table whose cells hold a control character (docs/data.md, "Dossier exports"), naming
    the first one's row and column: a plan's, the catalogue's or a scoring file's cells are all
    read, and no cell of theirs is read with a character that is not text."""
    import pyarrow.compute as pc

    for column in frame.columns:
        text = pa_text(frame[column])
        if not _may_hold_controls(text):
            continue
        found = _bool(pc.match_substring_regex(text, _CONTROL_PATTERN), frame.index)
        if found.any():
            row = found.idxmax()
            char = re.search(_CONTROL_PATTERN, frame.at[row, column]).group()
            raise DataError(f"{path}: row {int(row) + 1}, column {_column_name(int(column))}: the cell holds a control "
                            f"character (U+{ord(char):04X}), which is no text: retype the cell (text pasted from "
                            f"another program can carry one) and save the file again")


def _rows(frame: pd.DataFrame) -> list[list[object]]:
    """A few rows of a table as lists of cells, None where empty (for the header search); a cell
    too long to be a header clipped (a dossier row's note of megabytes is compared as its start),
    control characters dropped (a header is read without them, as a cell is)."""
    return [[None if pd.isna(v) else v[:_HEADER_CHARS].translate(_NO_CONTROLS) if isinstance(v, str) else v
             for v in row] for row in frame.itertuples(index=False, name=None)]


_HEADER_CHARS = 500
_NO_CONTROLS = dict.fromkeys(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))


def _classify(header: str, mapping: ExportMapping) -> str:
    """What a source header is: a column name, IGNORED, PERSONAL, or '' (unknown)."""
    key = S.normalize_header(header)
    if key in mapping.columns:
        target = mapping.columns[key]
        return PERSONAL if target == "personal" else target
    if S.is_personal_header(key):
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


def _trim(names: list[str]) -> list[str]:
    """Header names without the empty ones after the last named column."""
    last = max((i for i, n in enumerate(names) if n), default=-1)
    return names[: last + 1]


# Headers read only when the export has no header of the same column above them in the list:
# the day a dossier was submitted stands for the day it was received; the day the result was
# handed over, for the day it was ready.
_FALLBACK_HEADERS = frozenset({"ngày nộp hồ sơ", "ngày nộp", "ngày trả kết quả", "ngày trả"})


def _column_name(index: int) -> str:
    """A column as a spreadsheet names it (0 → 'A', 27 → 'AB')."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _chosen_columns(path: Path, names: list[str], kinds: list[str], mapping: ExportMapping,
                    rows: str) -> dict[str, int]:
    """The source column read for each column: the one header naming it, or, of a header and a
    fallback (``Ngày nhận`` and ``Ngày nộp hồ sơ``), the header. Two headers of the same rank
    naming one column (``Ngày tiếp nhận`` and ``Ngày nhận hồ sơ``, a header written twice, a
    header mapped in unit.yaml and one the project knows) are refused, naming both."""
    by_kind: dict[str, list[int]] = {}
    for i, k in enumerate(kinds):
        if k and k not in (IGNORED, PERSONAL):
            by_kind.setdefault(k, []).append(i)
    chosen: dict[str, int] = {}
    for k, where in by_kind.items():
        ranks = [0 if S.normalize_header(names[i]) in mapping.columns
                 else int(S.normalize_header(names[i]) in _FALLBACK_HEADERS) for i in where]
        best = [i for i, rank in zip(where, ranks, strict=True) if rank == min(ranks)]
        if len(best) > 1:
            a, b = best[:2]
            raise DataError(f"{path}, header {rows}: columns {names[a]!r} (column {_column_name(a)}) and {names[b]!r} "
                            f"(column {_column_name(b)}) both give {k}: cannot tell which to read; map the one not "
                            f"to read to 'ignored' under 'columns:' in unit.yaml (e.g. \"{names[b]}: ignored\")")
        chosen[k] = best[0]
    return chosen


def _refuse_headerless(path: Path, table: pd.DataFrame, cells: _Cells, number: int, span: tuple[int, int],
                       header: tuple[int, int], chosen: dict[str, int]) -> None:
    """Refuse a table without a header, after the dossiers' header, holding rows shaped like
    dossiers (as wide as the header, a code and a reception date in their columns): the rest of
    a list whose header is not repeated, which cannot be read safely."""
    (first, stop), (start, depth) = span, header
    rows = table.iloc[first:stop]
    if rows.empty or cells.widths is None or S.DOSSIER_ID not in chosen or S.RECEIVED_AT not in chosen:
        return
    width = int(cells.widths[start:start + depth].max())
    code, received = rows[chosen[S.DOSSIER_ID]], rows[chosen[S.RECEIVED_AT]]
    shaped = (cells.widths[rows.index] == width) & (code.notna() & received.notna() & (code != received)).to_numpy()
    if shaped.any():
        raise DataError(f"{path}: table {number} of the file (rows {rows.index[0] + 1}–{rows.index[-1] + 1}) holds "
                        f"{int(shaped.sum())} row(s) shaped like dossiers but no header row: each table of the export "
                        f"must start with its header (Mã hồ sơ, Ngày tiếp nhận …); download the export as one table, "
                        f"or copy the header above that table")


def _check_widths(path: Path, table: pd.DataFrame, widths: np.ndarray | None, rows: pd.Index, names: list[str],
                  header_rows: list[int]) -> None:
    """Refuse dossier rows written with fewer cells than the header names, or with a value beyond
    the header's last cell: their values would land under the wrong headers (an HTML row missing
    its first cell, a CSV row with a delimiter too many or too few)."""
    if widths is None or not len(rows):
        return
    named = len(_trim(names))
    header_width = max(int(widths[header_rows].max()), named)
    given = widths[rows]
    beyond = (table.loc[rows, header_width:].notna().any(axis=1).to_numpy() if table.shape[1] > header_width
              else np.zeros(len(rows), dtype=bool))
    bad = (given < named) | beyond
    if not bad.any():
        return
    at = rows[bad]
    first, count = int(at[0]) + 1, int(given[bad][0])
    more = f" (also rows {', '.join(str(int(r) + 1) for r in at[1:10])}{' …' if len(at) > 10 else ''}: " \
           f"{len(at)} rows in all)" if len(at) > 1 else ""
    raise DataError(f"{path}: row {first} has {count} cell(s) where the header (row {header_rows[0] + 1}) has "
                    f"{header_width}{more}: a cell is missing or one too many, so its values would land under the "
                    f"wrong headers; correct the export or download it again")


def _check_merged(path: Path, merged: np.ndarray | None, rows: pd.Index) -> None:
    """Refuse dossier rows of an HTML export holding a cell merged across columns (colspan):
    which of the columns it covers its value belongs to cannot be told (the STT spread over the
    dossier code would make a code up)."""
    if merged is None or not len(rows) or not merged[rows].any():
        return
    at = rows[merged[rows]]
    more = f" (also rows {', '.join(str(int(r) + 1) for r in at[1:10])}{' …' if len(at) > 10 else ''})" \
        if len(at) > 1 else ""
    raise DataError(f"{path}: row {int(at[0]) + 1}{more} merges cells across columns (colspan): which column each "
                    f"value belongs to cannot be told; unmerge the cells (one value per column) or download the "
                    f"export again")


def _elsewhere(path: Path, kind: str, sheet: str, mapping: ExportMapping) -> str:
    """For a workbook whose sheet read holds no dossiers: the sheet that seems to, and how to read it."""
    if kind not in (XLS, XLSX):
        return ""
    other = _sheet_with_dossiers(path, kind, sheet, mapping)
    if other is None:
        return ""
    return f"; the dossiers appear to be on sheet {other!r}: set `dossier_sheet: {other}` in unit.yaml"


def _headers(path: Path, cells: _Cells, mapping: ExportMapping, sheet: str) -> list[tuple[int, int, int, list[str]]]:
    """Each table's header, for the tables that have one: (table number, header row index,
    rows of the header, column names). Refused: no table with a header (naming the sheet that
    seems to hold the dossiers), tables whose headers differ."""
    table = cells.frame
    found: list[tuple[int, int, int, list[str]]] = []
    for number, (first, stop) in enumerate(cells.tables, start=1):
        # a two-row header at the last row scanned, and the row under it
        head = _rows(table.iloc[first:min(stop, first + _HEADER_SCAN_ROWS + 3)])
        try:
            start, depth, names = find_header(head, mapping)
        except DataError:
            continue
        found.append((number, first + start, depth, names))
    if not found:
        where = f" on sheet {sheet!r}" if sheet else ""
        raise DataError(f"{path}: no header row found{where}: no row names a dossier code (Mã hồ sơ) or a reception "
                        f"date (Ngày tiếp nhận); add the export's headers to unit.yaml under 'columns:'"
                        f"{_elsewhere(path, cells.kind, sheet, mapping)}")
    number, start, _, names = found[0]
    shown = [S.normalize_header(n) for n in _trim(names)]
    for other_number, other, _, other_names in found[1:]:
        if [S.normalize_header(n) for n in _trim(other_names)] != shown:
            raise DataError(f"{path}: table {other_number} of the file (header row {other + 1}) has other headers "
                            f"than table {number} (header row {start + 1}): the tables cannot be read as one list; "
                            f"save each table as an export of its own")
    return found


def _body(path: Path, cells: _Cells, found: list[tuple[int, int, int, list[str]]], chosen: dict[str, int]
          ) -> tuple[pd.DataFrame, list[tuple[int, str]], list[tuple[int, int]]]:
    """The rows under the headers (of every table with a header, in file order), the rows left
    out on the way (a later table's header, a column-number row, rows of a table that is no list
    of dossiers) and each table's (first, last) row. A table without a header whose rows are
    shaped like dossiers is refused."""
    table = cells.frame
    _, start, depth, _ = found[0]
    headed = {number: (header, rows) for number, header, rows, _ in found}
    dropped: list[tuple[int, str]] = []
    parts: list[range] = []
    tables: list[tuple[int, int]] = []
    for number, (first, stop) in enumerate(cells.tables, start=1):
        if stop <= start:  # above the header: titles, not counted
            continue
        if number not in headed:
            _refuse_headerless(path, table, cells, number, (max(first, start + depth), stop), (start, depth), chosen)
            dropped += [(r + 1, "other table") for r in range(max(first, start + depth), stop)]
            continue
        header, rows = headed[number]
        if header != start:
            dropped += [(r + 1, "header") for r in range(first, header + rows)]
        body_start = header + rows
        if body_start < stop and _is_column_numbers(_rows(table.iloc[body_start:body_start + 1])[0]):
            dropped.append((body_start + 1, "column numbers"))
            body_start += 1
        parts.append(range(body_start, stop))
        tables.append((first + 1, stop))
    body = (table.iloc[parts[0].start:parts[0].stop] if len(parts) == 1
            else table.iloc[np.concatenate([np.arange(p.start, p.stop) for p in parts])])
    return body, dropped, tables


def read_export(path: Path, mapping: ExportMapping | None = None, sheet: str = "", label: str = "") -> ExportReading:
    """Read one export of any supported shape into canonical columns; ``label`` (default: the
    file's name) is how rows and problems refer to the file.

    Every table of an HTML export whose header names the dossiers' columns is read (a paginated
    download), its rows numbered as they follow one another in the file; a table of rows shaped
    like dossiers without a header, tables whose headers differ, a row whose cells do not match
    its header's, and two headers giving one column are refused."""
    mapping = mapping or ExportMapping()
    cells = _read_cells(path, sheet)
    kind, table = cells.kind, cells.frame
    if table.empty or not table.notna().to_numpy().any():
        raise DataError(f"{path}: the export holds no cell{_elsewhere(path, kind, sheet, mapping)}")
    found = _headers(path, cells, mapping, sheet)
    _, start, depth, names = found[0]
    kinds = [_classify(n, mapping) for n in names]
    chosen = _chosen_columns(path, names, kinds, mapping, f"row {start + 1}" if depth == 1 else
                             f"rows {start + 1}–{start + depth}")
    columns = _columns_read(names, kinds, chosen)
    body, dropped, tables = _body(path, cells, found, chosen)
    reasons = drop_reasons(body, chosen.get(S.DOSSIER_ID))
    if not (reasons == "").any():
        raise DataError(f"{path}: the export has its header (row {start + 1}) but no dossier row below it: "
                        f"download the export again, for a period with dossiers, or take the file out of the "
                        f"data folder")
    _check_widths(path, table, cells.widths, body.index[reasons == ""], names,
                  [h + r for number, h, n, _ in found for r in range(n)])
    _check_merged(path, cells.merged, body.index[reasons == ""])
    # only the columns read go further: personal data and unknown columns are left behind
    kept = body.loc[reasons == "", sorted(chosen.values())]
    kept, cleaned = _checked_cells(path, kept, names, chosen)
    record = {column: _mapped(column, kept[i], mapping) for column, i in chosen.items()}
    statuses, not_received = _status_read(record, kept.index)
    _online_flag_read(record)
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
    return ExportReading(path, kind, tuple(range(start + 1, start + depth + 1)), columns, statuses, dropped,
                         _lacking(chosen), frame, tables if len(tables) > 1 else [], cleaned)


def _columns_read(names: list[str], kinds: list[str], chosen: dict[str, int]) -> list[tuple[str, str]]:
    """Each named header of the file and what it is read as: a canonical column, personal data
    (never read), ignored, or ignored because another header gives its column."""
    columns = []
    for i, (name, k) in enumerate(zip(names, kinds, strict=True)):
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
    return columns


def _status_read(record: dict[str, pd.Series], index: pd.Index) -> tuple[dict[str, str], pd.Series]:
    """The status column (taken out of ``record``) read into the outcome where the export gives none:
    each status value and the outcome it means ("unknown": kept as text, for the checks to name), and
    the rows never taken in (registered online only)."""
    status = record.pop(S.STATUS, None)
    if status is None:
        return {}, pd.Series(False, index=index)
    outcome = map_values(fold_key(status), _OUTCOME_OF_STATUS, "str")
    pairs = pd.DataFrame({"value": status, "outcome": outcome}).dropna(subset="value").drop_duplicates("value")
    statuses = {str(v): (o if isinstance(o, str) else "unknown")
                for v, o in zip(pairs["value"], pairs["outcome"], strict=False)}
    outcome = outcome.astype(object).where(outcome.notna(), None)
    not_received = outcome.eq(S.NOT_RECEIVED).fillna(False).astype(bool)
    # an unknown status stays as text: the checks name it
    from_status = outcome.where(outcome.notna(), status).where(outcome != S.IN_PROCESS)
    given = record.get(S.OUTCOME)
    record[S.OUTCOME] = from_status if given is None else given.fillna(from_status)
    return statuses, not_received


def _online_flag_read(record: dict[str, pd.Series]) -> None:
    """The online flag column (taken out of ``record``) read into the channel where the export gives none."""
    flag = record.pop(S.ONLINE_FLAG, None)
    if flag is not None:
        from_flag = map_values(fold_key(flag), S.ONLINE_FLAG_VALUES, "str").fillna(flag)
        given = record.get(S.CHANNEL)
        record[S.CHANNEL] = from_flag if given is None else given.fillna(from_flag)


def _lacking(chosen: dict[str, int]) -> list[str]:
    """The required and expected columns the export does not give (the outcome given by a status
    column, the channel by an online flag)."""
    given = set(chosen) | ({S.OUTCOME} if S.STATUS in chosen else set()) | (
        {S.CHANNEL} if S.ONLINE_FLAG in chosen else set())
    return [c for c in (*S.REQUIRED_COLUMNS, *S.EXPECTED_COLUMNS) if c not in given]


# C0 control characters but tab, line feed and carriage return: no export writes them in a cell
_CONTROL_PATTERN = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]"
# no dossier code, procedure name, date or status runs longer: a cell past it is damage; a long cell
# below it is read (the documents show 300 characters of it, the JSON keeps it whole)
MAX_CELL_CHARS = 1_000_000


def _checked_cells(path: Path, kept: pd.DataFrame, names: list[str], chosen: dict[str, int]
                   ) -> tuple[pd.DataFrame, list[tuple[str, str, list[int], str]]]:
    """The cells read (docs/data.md, "Dossier exports"): one longer than :data:`MAX_CELL_CHARS` is
    refused, naming its row and column; control characters (NUL …, not tab or line breaks) are
    dropped, and the cells they were dropped from listed (column, header, rows in the file, the
    first as read). Whole columns: their bytes looked at once, a regular expression only over a
    column holding a control byte, the few cells matching cleaned."""
    import pyarrow.compute as pc

    cleaned: list[tuple[str, str, list[int], str]] = []
    for column, i in chosen.items():
        text = pa_text(kept[i])
        # bytes first (no more characters than bytes): the characters counted only past the limit
        lengths = pc.fill_null(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False) \
            if (pc.max(pc.binary_length(text)).as_py() or 0) > MAX_CELL_CHARS else np.zeros(0, dtype=np.int64)
        if (lengths > MAX_CELL_CHARS).any():
            at = int(np.argmax(lengths > MAX_CELL_CHARS))
            raise DataError(f"{path}: row {int(kept.index[at]) + 1}, column {_column_name(i)} ({names[i]!r}, read "
                            f"as {column}): a cell of {int(lengths[at]):,} characters, where no {column} runs past "
                            f"{MAX_CELL_CHARS:,}: the export is damaged or the column is not the one meant; correct "
                            f"the cell or download the export again")
        if not _may_hold_controls(text):
            continue
        found = _bool(pc.match_substring_regex(text, _CONTROL_PATTERN), kept.index)
        if found.any():
            kept = kept.copy() if not cleaned else kept  # the body read is left as it was
            kept[i] = normalize_text(kept[i].mask(found, kept[i][found].str.replace(_CONTROL_PATTERN, "", regex=True)))
            rows = kept.index[found]
            cleaned.append((column, names[i], [int(r) + 1 for r in rows], str(kept.at[rows[0], i])))
    return kept, cleaned


def _may_hold_controls(text: object) -> bool:
    """Whether the bytes of a text column (an Arrow array's data buffer, at once) hold a control
    character: a byte below 0x20 is never part of another character in UTF-8."""
    data = text.buffers()[2]
    if data is None:
        return False
    low = np.frombuffer(data, dtype=np.uint8)
    low = low[low < 0x20]
    return bool(np.isin(low, _TEXT_CONTROLS, invert=True).any())


_TEXT_CONTROLS = np.array([0x09, 0x0A, 0x0D], dtype=np.uint8)  # tab and line breaks: a cell's own
