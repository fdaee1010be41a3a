"""The period workbook ``<PERIOD>.xlsx``: the figures of ``<PERIOD>.json`` as an Excel file.

Three sheets, built from the period summary (see :mod:`cchc_lib.figures.summary`) and the document's
author blocks (see :func:`form_author`), and nothing else:

- "Biểu II.06a": the official form Biểu số II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP) as a
  district compiles it: top left the form's number and basis, top right "Đơn vị báo cáo" and
  "Đơn vị nhận báo cáo", the title, the period and its dates, "Đơn vị tính"; the two-level header
  with the column numbers (1)…(13), one row per field and the total row; under the table the
  form's rule, then "Người lập biểu" and the signature block (place and date, "TM. ỦY BAN NHÂN
  DÂN" / "CHỦ TỊCH", space to sign, the signer's name or a marked place for it). Ready to print:
  A4 landscape, one page wide, the header repeated on each page;
- "Chỉ tiêu": each dossier KPI with its value, numerator and denominator, and the plan's
  target the plan binds it to (its first); then the targets of hand-entered indicators, each
  named in Vietnamese;
- "Hồ sơ trễ hạn": the dossiers resolved late or still pending past their due date.

Counts are number cells, rates are number cells shown as percent, due dates are date cells;
a missing value is an empty cell. The totals are formulas, so a count corrected by hand
corrects its total: the total row is ``=SUM(…)`` of its column, and in each row (3), (7) and
(11) are the sums of their parts (``=D10+E10+F10``, ``=H10+I10+J10``, ``=L10+M10``). A formula is
written only where it gives the summary's figure (a count unknown, or parts that do not add up,
leave the figure as a plain number), and each formula's result is stored in the file with it
(its cached value), so a viewer that does not recalculate shows the same numbers.

Every text comes from data files someone else typed, so no text may become a formula: each
text cell is stored as a plain string (never a ``<f>`` element, whatever openpyxl guesses from a
leading "="), and a text that a spreadsheet would read as a formula once edited (one starting
with "=", "+", "-" or "@", also after leading blanks, or with a tab or carriage return) also
gets the "quote prefix" style, the mark Excel and LibreOffice give to a text typed after an
apostrophe. The only formulas are the totals above, built from cell references alone.
Characters XML cannot hold are removed and texts are cut to Excel's limit of 32,767 characters
per cell.

The workbook is written to a temporary file in the target's folder and renamed over the target
only once complete: a failed run leaves the previous workbook as it was.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import weakref
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..base import vi
from ..base.files import replacing
from ..base.periods import CUTOFF_NAMES_VI, parse_period
from ..figures import coverage
from ..figures.dossiers import COUNT_KEYS, KPI_NAMES_VI, LATE_STATUS_VI, TOTAL_LABEL
from ..inputs.plan import INDICATOR_NAMES_VI
from .document import UNIT_KINDS, build_document
from .tthc_form import FORM_COLUMNS, FORM_HEADER, FORM_NOTE, FORM_SOURCE, form_source  # noqa: F401 (named here too)

FORM_SHEET = "Biểu II.06a"
KPI_SHEET = "Chỉ tiêu"
LATE_SHEET = "Hồ sơ trễ hạn"
FORM_CODE = "Biểu số II.06a/VPCP/KSTT"
FORM_BASIS = "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP"
FORM_TITLE = ("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH\n"  # two lines, broken where the phrase breaks
              "TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")
REPORTING_LABEL = "Đơn vị báo cáo: "
RECEIVING_LABEL = "Đơn vị nhận báo cáo: "
TO_FILL = "…………………………"  # a place left to write in by hand
FORM_UNIT = "Đơn vị tính: Số hồ sơ"
PREPARER = "NGƯỜI LẬP BIỂU"
PREPARER_NOTE = "(Ký, ghi rõ họ tên)"
SIGNER_PLACEHOLDER = "(Họ và tên)"  # where the signer's name goes when unit.yaml gives none
SIGN_SPACE_ROWS = 4  # empty rows between the signer's title and name: the place to sign and stamp

FACE = "Times New Roman"  # the face of official documents; LibreOffice shows it in Liberation Serif
MAX_CELL_CHARS = 32767  # Excel's limit, in UTF-16 code units
PERCENT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"
DOSSIER_SOURCE = "Hồ sơ TTHC của kỳ"  # where the dossier KPIs come from
NO_DATA, NO_DATA_MARK = vi.NO_DATA, vi.MISSING  # a figure the export cannot tell: in words, in a narrow cell

# XML 1.0 also refuses lone surrogates and U+FFFE/U+FFFF, which openpyxl lets through
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = re.compile(r"[ \t\r\n]*[=+\-@]|[\t\r]")

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center")
# wrapped: "Chưa đủ số liệu để đánh giá" stays within its column
_CENTER_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)

FORM_HEADER_ROW = 6  # the header's first row; the column numbers follow its three rows
# the form's blocks above and below the table: (first column, last column)
_TOP_LEFT, _TOP_CENTER, _TOP_RIGHT = (1, 3), (4, 9), (10, 13)
_PREPARER_ZONE, _SIGNER_ZONE = (1, 3), (9, 13)
# the form's sums within a row: (3) = (4) + (5) + (6), (7) = (8) + (9) + (10), (11) = (12) + (13)
ROW_SUMS: dict[str, tuple[str, ...]] = {
    "received_total": ("received_online", "received_direct_postal", "carried_over"),
    "resolved_total": ("resolved_early", "resolved_on_time", "resolved_late"),
    "pending_total": ("pending_in_term", "pending_overdue"),
}
_COLUMN_OF = {key: column for column, key in enumerate(COUNT_KEYS, start=3)}  # count -> its column (3)…(13)

_KPI_HEADER = ("STT", "Chỉ tiêu", "Kết quả", "Tử số", "Mẫu số", "So sánh", "Mục tiêu", "Đánh giá",
               "Ghi chú", "Nội dung trong kế hoạch", "Vị trí trong kế hoạch", "Nguồn số liệu")
_KPI_WIDTHS = (6, 36, 10, 9, 9, 9, 10, 11, 18, 48, 24, 32)
_KPI_PERCENT_COLUMNS = (3, 7)
_KPI_CENTERED_COLUMNS = (1, 6, 8)  # STT, So sánh, Đánh giá
_LATE_HEADER = ("STT", "Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Tình trạng", "Hạn giải quyết", "Số ngày trễ", "Xin lỗi")
_LATE_WIDTHS = (6, 26, 48, 26, 17, 15, 12, 10)


def clean_text(value: object) -> str:
    """``value`` as a text a worksheet can hold: without the characters XML refuses, cut to
    Excel's limit per cell.

    >>> clean_text("a\\x00b\\x1fc\\td")
    'abc\\td'
    >>> len(clean_text("x" * 40000))
    32767
    """
    text = _NOT_XML.sub("", ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    if len(text) > MAX_CELL_CHARS // 2:  # a character takes at most two UTF-16 code units
        units = text.encode("utf-16-le")[: 2 * MAX_CELL_CHARS]
        text = units.decode("utf-16-le", errors="ignore")  # drops half of a pair cut in two
    return text


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take ``text``, typed in a cell, for a formula.

    >>> [looks_like_formula(t) for t in ("=1+1", "  +1", "\\t@SUM(A1)", "-2", "\\rx", "a=1", "(3) = (4)")]
    [True, True, True, True, True, False, False]
    """
    return _FORMULA_START.match(text) is not None


def _put(ws: Worksheet, row: int, column: int, value: object, number_format: str | None = None) -> Cell:
    """Write ``value`` into a cell: None empty, numbers as numbers, dates as dates, anything
    else as inert text."""
    cell = ws.cell(row=row, column=column)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        cell.value = None
    elif isinstance(value, bool):
        _put_text(cell, "Có" if value else "Không")
    elif isinstance(value, int | float | dt.date):
        cell.value = value
    else:
        _put_text(cell, value)
    if number_format and cell.data_type != "s":  # also on an empty cell: a value typed in later
        cell.number_format = number_format
    return cell


def _put_text(cell: Cell, value: object) -> None:
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl takes a text starting with "=" for a formula
    if looks_like_formula(text):
        cell.quotePrefix = True


def _count(value: object) -> object:
    """A count as an int (JSON may give 3.0); anything else as it is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _date(value: object) -> object:
    """An ISO date as a date, else the value as it is (written as text)."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def _header_row(ws: Worksheet, row: int, titles: Iterable[str], widths: Iterable[int]) -> None:
    for column, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
        cell = _put(ws, row, column, title)
        cell.font, cell.alignment, cell.border = _BOLD, _HEADER_ALIGN, _BORDER
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    ws.print_title_rows = f"{row}:{row}"


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5


@dataclass(frozen=True)
class FormAuthor:
    """Who sends the form and who signs it: the texts of its blocks above and below the table."""

    reporting: str  # "UBND xã Hoằng Giang", after "Đơn vị báo cáo: "
    receiving: str  # "UBND huyện Hoằng Hóa", after "Đơn vị nhận báo cáo: "; "" when no recipient names one
    place_date: str  # "Hoằng Giang, ngày      tháng      năm 2023"
    on_behalf: str  # "TM. ỦY BAN NHÂN DÂN"
    title: str  # "CHỦ TỊCH"
    name: str  # the signer's name; "" leaves a marked place for it


def reporting_unit(unit: str, authority: str = "") -> str:
    """The unit as the form's "Đơn vị báo cáo" names it: the authority (``UBND`` for Ủy ban nhân
    dân, whatever its case) and the unit, its kind in lower case.

    >>> reporting_unit("Xã Hoằng Giang", "ỦY BAN NHÂN DÂN"), reporting_unit("Thị trấn Bút Sơn")
    ('UBND xã Hoằng Giang', 'UBND thị trấn Bút Sơn')
    """
    unit = " ".join(str(unit).split())
    kind = next((k for k in UNIT_KINDS if unit.casefold().startswith(k + " ")), "")
    named = f"{kind} {unit[len(kind):].strip()}" if kind else unit
    authority = " ".join(str(authority).split())
    short = "UBND" if authority.casefold() in ("", "ủy ban nhân dân", "uỷ ban nhân dân") else authority
    return f"{short} {named}"


def superior(recipients: Iterable[object]) -> str:
    """The body the form goes to: the first of the report's recipients ("Nơi nhận") that is not
    the archive ("Lưu: …") or "Như trên", without its bullet and closing punctuation.

    >>> superior(["- Như trên;", "UBND huyện Hoằng Hóa;", "Phòng Nội vụ huyện Hoằng Hóa;", "Lưu: VT."])
    'UBND huyện Hoằng Hóa'
    >>> superior(["Lưu: VT."])
    ''
    """
    for line in recipients:
        text = " ".join(str(line).split()).lstrip("-–•+ ").rstrip(" ;.,")
        if text and not text.casefold().startswith(("lưu", "như trên")):
            return text
    return ""


def form_author(summary: dict, document: dict | None = None) -> FormAuthor:
    """The form's author blocks from the period's document context (:func:`cchc_lib.outputs.document.
    build_document`, which reads ``unit.yaml``'s ``authority``, ``place``, ``recipients``,
    ``signer…``): the same header, recipients and signature as the report itself. Without a
    context, the one ``build_document`` gives the summary alone (the defaults of unit.yaml).

    >>> doc = {"header": {"authority": "ỦY BAN NHÂN DÂN", "place_date": "Hoằng Giang, ngày 5 tháng 7 năm 2023"},
    ...        "recipients": ["UBND huyện Hoằng Hóa;", "Lưu: VT."],
    ...        "signature": {"on_behalf": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": ""}}
    >>> author = form_author({"unit": "Xã Hoằng Giang"}, doc)
    >>> author.reporting, author.receiving, author.name
    ('UBND xã Hoằng Giang', 'UBND huyện Hoằng Hóa', '')
    """
    if document is None:
        document = build_document(summary)
    header = document.get("header") or {}
    signature = document.get("signature") or {}
    return FormAuthor(
        reporting=reporting_unit(summary.get("unit") or "", header.get("authority") or ""),
        receiving=superior(document.get("recipients") or []),
        place_date=str(header.get("place_date") or ""),
        on_behalf=str(signature.get("on_behalf") or ""),
        title=str(signature.get("title") or ""),
        name=str(signature.get("name") or "").strip(),
    )



def put_formula(ws: Worksheet, row: int, column: int, formula: str, value: int | float) -> Cell:
    """Write ``formula`` into a cell with ``value``, the result it gives, which the saved file
    keeps as the cell's cached value (see :func:`save_workbook`). The formula is built here from
    cell references, never from a text of the data."""
    cell = ws.cell(row=row, column=column)
    cell.value = formula
    cell.data_type = "f"
    _CACHED.setdefault(ws, {})[cell.coordinate] = value
    return cell


# the cached value of each formula written by put_formula, per sheet and cell
_CACHED: weakref.WeakKeyDictionary[Worksheet, dict[str, int | float]] = weakref.WeakKeyDictionary()


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _put_count(ws: Worksheet, row: int, key: str, value: object, parts: list[object], formula: str) -> Cell:
    """A count as ``formula`` over ``parts`` where the parts are counts adding up to it, else as
    its value: the formula then always gives the summary's figure."""
    if _is_count(value) and parts and all(_is_count(part) for part in parts) and sum(parts) == value:
        return put_formula(ws, row, _COLUMN_OF[key], formula, value)
    return _put(ws, row, _COLUMN_OF[key], value)


def _zone(ws: Worksheet, row: int, zone: tuple[int, int], value: object, font: Font | None = None,
          horizontal: str = "center", height: float | None = None, indent: int = 0) -> Cell:
    """A text across the columns of ``zone`` (merged), wrapped."""
    cell = _put(ws, row, zone[0], value)
    cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True, indent=indent)
    if font is not None:
        cell.font = font
    if zone[1] > zone[0]:
        ws.merge_cells(start_row=row, start_column=zone[0], end_row=row, end_column=zone[1])
    if height:
        ws.row_dimensions[row].height = max(height, ws.row_dimensions[row].height or 0)
    return cell


def _form_title(ws: Worksheet, summary: dict, author: FormAuthor) -> None:
    """The blocks above the table: the form's number and basis (left), the title (centre), the
    reporting and receiving units (right); the period, its dates and the unit of count."""
    italic = Font(italic=True)
    _zone(ws, 1, _TOP_LEFT, FORM_CODE, _BOLD, height=32)
    _zone(ws, 2, _TOP_LEFT, FORM_BASIS, italic, height=32)
    _zone(ws, 1, _TOP_RIGHT, REPORTING_LABEL + (author.reporting or TO_FILL), _BOLD, "left", indent=1)
    _zone(ws, 2, _TOP_RIGHT, RECEIVING_LABEL + (author.receiving or TO_FILL), _BOLD, "left", indent=1)
    title = _put(ws, 1, _TOP_CENTER[0], FORM_TITLE)
    title.font, title.alignment = Font(bold=True, size=12), _HEADER_ALIGN
    ws.merge_cells(start_row=1, start_column=_TOP_CENTER[0], end_row=2, end_column=_TOP_CENTER[1])
    period = clean_text(summary.get("period_name") or summary.get("period") or "")
    _title_line(ws, 3, f"Kỳ báo cáo: {period}", _BOLD, 20)
    cutoff = summary.get("cutoff")
    window = f"(Từ ngày {vi.date(summary.get('start'))} đến ngày {vi.date(summary.get('end'))}"
    window += f"; {CUTOFF_NAMES_VI.get(cutoff, cutoff)})" if cutoff else ")"
    _title_line(ws, 4, window, Font(italic=True), 20)
    _zone(ws, 5, _TOP_RIGHT, FORM_UNIT, Font(italic=True), "right")


def _signature_block(ws: Worksheet, row: int, author: FormAuthor) -> None:
    """Under the table: the preparer (left); the place and date, "TM. …", the title, the space
    to sign and the signer's name or its marked place (right)."""
    italic, center = Font(italic=True), "center"
    _zone(ws, row, _SIGNER_ZONE, author.place_date or TO_FILL, italic, center, 18)
    _zone(ws, row + 1, _PREPARER_ZONE, PREPARER, _BOLD)
    _zone(ws, row + 1, _SIGNER_ZONE, author.on_behalf, _BOLD)
    _zone(ws, row + 2, _PREPARER_ZONE, PREPARER_NOTE, italic)
    _zone(ws, row + 2, _SIGNER_ZONE, author.title, _BOLD)
    name_row = row + 3 + SIGN_SPACE_ROWS
    for space in range(row + 3, name_row):
        ws.row_dimensions[space].height = 18
    if author.name:
        _zone(ws, name_row, _SIGNER_ZONE, author.name, _BOLD)
    else:
        _zone(ws, name_row, _SIGNER_ZONE, SIGNER_PLACEHOLDER, Font(italic=True, color="808080"))


def _title_line(ws: Worksheet, row: int, value: object, font: Font | None = None, height: float | None = None) -> None:
    _zone(ws, row, (1, FORM_COLUMNS), value, font, height=height)


def _form_header(ws: Worksheet) -> int:
    """The merged header and the row of column numbers; gives the first data row."""
    first = FORM_HEADER_ROW
    for row in range(first, first + 4):
        for column in range(1, FORM_COLUMNS + 1):
            cell = ws.cell(row=row, column=column)
            cell.font, cell.alignment, cell.border = _BOLD, _HEADER_ALIGN, _BORDER
    for top, left, bottom, right, text in FORM_HEADER:
        _put(ws, first + top, left, text)
        if (top, left) != (bottom, right):
            ws.merge_cells(start_row=first + top, start_column=left, end_row=first + bottom, end_column=right)
    for column in range(1, FORM_COLUMNS + 1):
        cell = _put(ws, first + 3, column, f"({column})")
        cell.font = Font(italic=True)
    ws.row_dimensions[first + 2].height = 45
    ws.print_title_rows = f"{first}:{first + 3}"
    return first + 4


def _form_row(ws: Worksheet, row: int, number: object, label: object, counts: dict) -> dict[str, object]:
    """One field's row; (3), (7) and (11) the sums of their parts. Gives the row's counts."""
    values = {key: _count(counts.get(key)) for key in COUNT_KEYS}
    for key, value in values.items():
        parts = ROW_SUMS.get(key, ())
        formula = "=" + "+".join(f"{get_column_letter(_COLUMN_OF[part])}{row}" for part in parts)
        _put_count(ws, row, key, value, [values[part] for part in parts], formula)
    _style_form_row(ws, row, _put(ws, row, 1, number), _put(ws, row, 2, label))
    return values


def _total_row(ws: Worksheet, row: int, first: int, rows: list[dict[str, object]], total: dict) -> None:
    """The total row: each count the ``SUM`` of its column over the fields' rows."""
    for key in COUNT_KEYS:
        letter = get_column_letter(_COLUMN_OF[key])
        _put_count(ws, row, key, _count(total.get(key)), [values[key] for values in rows],
                   f"=SUM({letter}{first}:{letter}{row - 1})")
    label = _put(ws, row, 2, TOTAL_LABEL)
    _style_form_row(ws, row, _put(ws, row, 1, None), label, bold=True)
    label.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)


def _style_form_row(ws: Worksheet, row: int, number: Cell, label: Cell, bold: bool = False) -> None:
    for column in range(1, FORM_COLUMNS + 1):
        cell = ws.cell(row=row, column=column)
        cell.border = _BORDER
        if bold:
            cell.font = _BOLD
    number.alignment, label.alignment = _CENTER, _WRAP


def _form_sheet(ws: Worksheet, summary: dict, author: FormAuthor) -> None:
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 32
    for column in range(3, FORM_COLUMNS + 1):
        ws.column_dimensions[get_column_letter(column)].width = 11
    _form_title(ws, summary, author)
    first = row = _form_header(ws)
    dossiers = summary.get("dossiers") or {}
    missing = coverage.missing_columns(summary)
    untold = {key for key, needs in coverage.COUNT_NEEDS.items() if coverage.unknown(needs, missing)}

    def told(counts: dict) -> dict:  # a count the export cannot tell says so, never left blank
        return {key: NO_DATA_MARK if key in untold and value is None else value for key, value in counts.items()}

    rows = []
    for number, (field, counts) in enumerate((dossiers.get("by_field") or {}).items(), start=1):
        rows.append(_form_row(ws, row, number, field, told(counts or {})))
        _fit_height(ws, row)
        row += 1
    _total_row(ws, row, first, rows, told(dossiers.get("total") or {}))
    _put(ws, row + 2, 1, FORM_NOTE).font = Font(italic=True)
    _put(ws, row + 3, 1, form_source(summary)).font = Font(italic=True)
    lacking = coverage.not_told(summary, coverage.COUNTS_NEED)
    if untold and lacking:
        _put(ws, row + 4, 1, f"{NO_DATA_MARK}: {NO_DATA.lower()} (dữ liệu hồ sơ không có thông tin "
                             f"{lacking}).").font = Font(italic=True)
        row += 1
    _signature_block(ws, row + 5, author)
    ws.freeze_panes = ws.cell(row=FORM_HEADER_ROW + 4, column=3)
    _print_setup(ws)


def _fit_height(ws: Worksheet, row: int) -> None:
    """Give ``row`` the height of its longest wrapped text (spreadsheets do not measure rows
    written by a program)."""
    lines = 1
    for cell in ws[row]:
        if isinstance(cell.value, str) and cell.alignment.wrap_text:
            width = ws.column_dimensions[cell.column_letter].width or 10
            per_line = max(1, int(width * 1.1))
            lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in cell.value.splitlines()))
    if lines > 1:
        ws.row_dimensions[row].height = min(409, 15 * lines)  # 409 points: the tallest row Excel allows


def indicator_name(key: object) -> object:
    """A KPI or hand-entered indicator by its Vietnamese name (an indicator of the office's own,
    which has none, by the name the plan gives it).

    >>> indicator_name("on_time_rate"), indicator_name("e_work_files"), indicator_name("Tỷ lệ khác")
    ('Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn', 'Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng', 'Tỷ lệ khác')
    """
    if not isinstance(key, str):
        return key
    return KPI_NAMES_VI.get(key) or INDICATOR_NAMES_VI.get(key, key)


_PERIOD_ID = re.compile(r"\((\d{4}-(?:Q[1-4]|H1|9M|Y))\)")


def source_text(source: object) -> object:
    """The source of a hand-entered figure with its period named in words.

    >>> source_text("Báo cáo số 45/BC-UBND ngày 16/06/2023 (2023-H1)")
    'Báo cáo số 45/BC-UBND ngày 16/06/2023 (số liệu 6 tháng đầu năm 2023)'
    >>> source_text("Thống kê quý II/2023 (2023-Q2)")
    'Thống kê quý II/2023 (số liệu quý II năm 2023)'
    """
    if not isinstance(source, str):
        return source

    def words(match: re.Match) -> str:
        name = parse_period(match.group(1)).name_vi
        return f"(số liệu {vi.lower_first(name)})"

    return _PERIOD_ID.sub(words, source)


def _target_cells(target: dict | None) -> tuple:
    """The columns of a plan target: comparison, value, met, note, sentence, where."""
    if target is None:
        return (None,) * 6
    comparison = target.get("comparison")
    # a target whose result is unknown is said so, as the document says it ("chưa đủ số liệu để đánh giá")
    met = vi.verdict(target.get("met"), vi.UNJUDGED)
    return (vi.sign(comparison), target.get("value"), met,
            None, target.get("sentence"),
            target.get("where"))


def _kpi_line(ws: Worksheet, row: int, number: int, name: object, value: object, parts: dict,
              target: dict | None, source: object) -> None:
    comparison, goal, met, note, sentence, where = _target_cells(target)
    values = (number, name, value, _count(parts.get("numerator")), _count(parts.get("denominator")),
              comparison, goal, met, note, sentence, where, source_text(source))
    for column, item in enumerate(values, start=1):
        cell = _put(ws, row, column, item, PERCENT if column in _KPI_PERCENT_COLUMNS else None)
        cell.border = _BORDER
        cell.alignment = _CENTER_TOP if column in _KPI_CENTERED_COLUMNS else _WRAP
    if note:
        ws.cell(row=row, column=_KPI_HEADER.index("Ghi chú") + 1).font = Font(bold=True, color="C00000")
    _fit_height(ws, row)


def _sheet_title(ws: Worksheet, title: str, summary: dict, author: FormAuthor) -> None:
    """A sheet's title with the period, and the unit under it."""
    _put(ws, 1, 1, f"{title} – {clean_text(summary.get('period_name') or '')}").font = Font(bold=True, size=12)
    window = f"từ ngày {vi.date(summary.get('start'))} đến ngày {vi.date(summary.get('end'))}"
    _put(ws, 2, 1, f"{author.reporting} ({window})").font = Font(italic=True)


def _kpi_sheet(ws: Worksheet, summary: dict, author: FormAuthor) -> None:
    _sheet_title(ws, "KẾT QUẢ CÁC CHỈ TIÊU CẢI CÁCH HÀNH CHÍNH", summary, author)
    _header_row(ws, 3, _KPI_HEADER, _KPI_WIDTHS)
    kpis = summary.get("kpis") or {}
    parts = summary.get("kpi_parts") or {}
    # each KPI judged once, by the target the plan binds it to; conflicting ones go to the checks
    targets = [t for t in summary.get("targets") or [] if isinstance(t, dict) and t.get("binding", True)]
    row, number = 4, 0
    missing = coverage.missing_columns(summary)
    for kpi, value in kpis.items():
        number += 1
        if value is None and coverage.unknown(coverage.KPI_NEEDS.get(kpi, ()), missing):
            value = NO_DATA
        own = [t for t in targets if t.get("kpi") == kpi] or [None]
        for target in own:
            _kpi_line(ws, row, number, indicator_name(kpi), value, parts.get(kpi) or {}, target, DOSSIER_SOURCE)
            row += 1
    others = [t for t in targets if t.get("kpi") not in kpis]
    if others:
        heading = _put(ws, row, 1, "Chỉ tiêu khác của kế hoạch (số liệu nhập từ báo cáo)")
        heading.font = _BOLD
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_KPI_HEADER))
        row += 1
    for target in others:
        number += 1
        _kpi_line(ws, row, number, indicator_name(target.get("kpi")), target.get("actual"), {}, target,
                  target.get("actual_source"))
        row += 1
    _print_setup(ws)


def _late_sheet(ws: Worksheet, summary: dict, author: FormAuthor) -> None:
    _sheet_title(ws, "HỒ SƠ TRỄ HẠN", summary, author)
    _header_row(ws, 3, _LATE_HEADER, _LATE_WIDTHS)
    row = 4
    lacking = coverage.not_told(summary, coverage.FINISHING)
    if summary.get("late_dossiers") is None and lacking:
        _put(ws, row, 1, f"{NO_DATA}: dữ liệu hồ sơ không có thông tin {lacking} nên chưa xác định được hồ sơ "
                         "trễ hạn trong kỳ.").font = Font(italic=True)
    for number, entry in enumerate(summary.get("late_dossiers") or [], start=1):
        status = entry.get("status")
        apology = entry.get("apology")
        values = (number, entry.get("dossier_id"), entry.get("procedure"), entry.get("field"),
                  LATE_STATUS_VI.get(status, status), _date(entry.get("due_at")), _count(entry.get("days_late")),
                  ("Có" if apology else "Chưa") if isinstance(apology, bool) else
                  NO_DATA if apology is None else apology)
        for column, item in enumerate(values, start=1):
            cell = _put(ws, row, column, item, DATE_FORMAT if column == 6 else None)
            cell.border = _BORDER
            cell.alignment = _CENTER_TOP if column in (1, 6, 7, 8) else _WRAP
        _fit_height(ws, row)
        row += 1
    ws.auto_filter.ref = f"A3:{get_column_letter(len(_LATE_HEADER))}{max(row - 1, 3)}"
    _print_setup(ws)


def set_face(ws: Worksheet, face: str = FACE) -> None:
    """Every written cell of ``ws`` in ``face``, its weight, slant, size and colour kept (a
    workbook's default face, Calibri, is not that of an official form)."""
    for cells in ws.iter_rows():
        for cell in cells:
            font = copy(cell.font)
            font.name = face
            cell.font = font


def build_workbook(summary: dict, document: dict | None = None) -> Workbook:
    """The period workbook of ``summary`` (the dict saved as ``<PERIOD>.json``); the form's author
    blocks from ``document``, the period's document context (see :func:`form_author`)."""
    author = form_author(summary, document)
    wb = Workbook()
    wb.properties.creator = clean_text(author.reporting)
    wb.properties.title = clean_text(f"Biểu II.06a – {summary.get('period_name') or ''} – {summary.get('unit') or ''}")
    form = wb.active
    form.title = FORM_SHEET
    _form_sheet(form, summary, author)
    _kpi_sheet(wb.create_sheet(KPI_SHEET), summary, author)
    _late_sheet(wb.create_sheet(LATE_SHEET), summary, author)
    for ws in wb.worksheets:
        set_face(ws)
    return wb


def write_period_xlsx(summary: dict, target: Path, document: dict | None = None) -> None:
    """Write the period workbook of ``summary`` to ``target``, through a temporary file in the
    same folder renamed over ``target`` once complete. ``document``: the period's document
    context, whose header, recipients and signature fill the form's blocks (without it, those
    :func:`cchc_lib.outputs.document.build_document` gives the summary)."""
    save_workbook(build_workbook(summary, document), target)


# the pieces other workbooks of the project share (the self-assessment's form)
put_cell = _put  # a value into a cell: numbers as numbers, dates as dates, any text inert
fit_row_height = _fit_height  # a row as tall as its longest wrapped text


def style_header_row(ws: Worksheet, row: int, titles: Iterable[str], widths: Iterable[int]) -> None:
    """A bold, bordered, wrapped header row with its column widths, repeated on printed pages."""
    _header_row(ws, row, titles, widths)


def style_print(ws: Worksheet, header_row: int, columns: int) -> None:
    """A4 landscape, one page wide; borders on the table below ``header_row``."""
    _print_setup(ws)
    for cells in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=columns):
        for cell in cells:
            cell.border = _BORDER


class _CachingZip(ZipFile):
    """The workbook's archive: each sheet openpyxl writes gets, in its formula cells, the values
    :func:`put_formula` recorded (openpyxl writes a formula with an empty cached value)."""

    def __init__(self, file: object, workbook: Workbook) -> None:
        super().__init__(file, "w", ZIP_DEFLATED, allowZip64=True)
        self._workbook = workbook

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl numbers the sheets as it writes them: the sheet being written is the first of that path
        sheet = next((ws for ws in self._workbook.worksheets if ws.path[1:] == arcname), None)
        values = _CACHED.get(sheet) if sheet is not None else None
        if not values:
            return super().write(filename, arcname, compress_type, compresslevel)
        return self.writestr(arcname, fill_cached_values(Path(filename).read_bytes(), values))


_FORMULA_CELL = re.compile(rb'(<c r="([A-Z]+[0-9]+)"[^>]*><f>[^<]*</f>)(?:<v></v>|<v/>|<v />)(</c>)')


def fill_cached_values(xml: bytes, values: dict[str, int | float]) -> bytes:
    """A sheet's XML with ``values`` (by cell reference) as the cached values of its formula cells.

    >>> fill_cached_values(b'<c r="C12" s="3"><f>SUM(C10:C11)</f><v></v></c>', {"C12": 587})
    b'<c r="C12" s="3"><f>SUM(C10:C11)</f><v>587</v></c>'
    """
    def cached(match: re.Match) -> bytes:
        value = values.get(match.group(2).decode("ascii"))
        if value is None:
            return match.group(0)
        return match.group(1) + b"<v>" + repr(value).encode("ascii") + b"</v>" + match.group(3)

    return _FORMULA_CELL.sub(cached, xml)


def save_workbook(wb: Workbook, target: Path) -> None:
    """Save ``wb`` to ``target`` through a temporary file in the same folder, renamed over
    ``target`` once complete: an earlier file is never half overwritten. Formulas written by
    :func:`put_formula` are saved with their values."""
    with replacing(Path(target)) as tmp, open(tmp, "wb") as handle, _CachingZip(handle, wb) as archive:
        ExcelWriter(wb, archive).write_data()
