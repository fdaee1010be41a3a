"""The period workbook ``<PERIOD>.xlsx``: the figures of ``<PERIOD>.json`` as an Excel file.

Three sheets, built from the period summary (see :mod:`cchc_lib.summary`) and nothing else:

- "Biểu II.06a": the table of the official form Biểu II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP):
  title block, the two-level header with the column numbers (1)…(13), one row per field and
  the total row, ready to print (A4 landscape, one page wide, header repeated on each page);
- "Chỉ tiêu": each dossier KPI with its value, numerator and denominator, and the plan's
  targets for it (one row per target); then the targets of hand-entered indicators;
- "Hồ sơ trễ hạn": the dossiers resolved late or still pending past their due date.

Counts are number cells, rates are number cells shown as percent, due dates are date cells;
a missing value is an empty cell.

Every text comes from data files someone else typed, so no text may become a formula: each
text cell is stored as a plain string (never a ``<f>`` element, whatever openpyxl guesses from a
leading "="), and a text that a spreadsheet would read as a formula once edited (one starting
with "=", "+", "-" or "@", also after leading blanks, or with a tab or carriage return) also
gets the "quote prefix" style, the mark Excel and LibreOffice give to a text typed after an
apostrophe. Characters XML cannot hold are removed and texts are cut to Excel's limit of
32,767 characters per cell.

The workbook is written to a temporary file in the target's folder and renamed over the target
only once complete: a failed run leaves the previous workbook as it was.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .dossiers import COUNT_KEYS, KPI_NAMES_VI, TOTAL_LABEL
from .periods import CUTOFF_NAMES_VI

FORM_SHEET = "Biểu II.06a"
KPI_SHEET = "Chỉ tiêu"
LATE_SHEET = "Hồ sơ trễ hạn"
FORM_CODE = "Biểu II.06a/VPCP/KSTT"
FORM_TITLE = ("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT "
              "THỦ TỤC HÀNH CHÍNH")
FORM_NOTE = "(3) = (4) + (5) + (6) = (7) + (11)"
FORM_SOURCE = ("Theo Biểu II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP). Hồ sơ rút, trả lại tính là đúng hạn; "
               "hồ sơ từ chối tiếp nhận không tính.")
MAX_CELL_CHARS = 32767  # Excel's limit, in UTF-16 code units
PERCENT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"
STATUS_VI = {"resolved_late": "Đã giải quyết", "pending_overdue": "Đang giải quyết"}
COMPARISON_VI = {">=": "≥", "<=": "≤", "=": "="}

# XML 1.0 also refuses lone surrogates and U+FFFE/U+FFFF, which openpyxl lets through
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = re.compile(r"[ \t\r\n]*[=+\-@]|[\t\r]")

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center")
_CENTER_TOP = Alignment(horizontal="center", vertical="top")

# the form's header: (first row, first column, last row, last column, text), rows counted from
# the header's first row, columns from 1 (as in tthc.html.j2)
_FORM_HEADER: tuple[tuple[int, int, int, int, str], ...] = (
    (0, 1, 2, 1, "STT"), (0, 2, 2, 2, "Lĩnh vực"),
    (0, 3, 0, 6, "Số hồ sơ nhận giải quyết"), (0, 7, 0, 10, "Số hồ sơ đã giải quyết"),
    (0, 11, 0, 13, "Số hồ sơ đang giải quyết"),
    (1, 3, 2, 3, "Tổng số"), (1, 4, 1, 5, "Trong kỳ"), (1, 6, 2, 6, "Từ kỳ trước"),
    (1, 7, 2, 7, "Tổng số"), (1, 8, 2, 8, "Trước hạn"), (1, 9, 2, 9, "Đúng hạn"), (1, 10, 2, 10, "Quá hạn"),
    (1, 11, 2, 11, "Tổng số"), (1, 12, 2, 12, "Trong hạn"), (1, 13, 2, 13, "Quá hạn"),
    (2, 4, 2, 4, "Trực tuyến"), (2, 5, 2, 5, "Trực tiếp, bưu chính"),
)
FORM_COLUMNS = 13
FORM_HEADER_ROW = 6  # the header's first row; the column numbers follow its three rows

_KPI_HEADER = ("STT", "Chỉ tiêu", "Kết quả", "Tử số", "Mẫu số", "Mã mục tiêu", "So sánh", "Mục tiêu", "Đánh giá",
               "Ghi chú", "Nội dung trong kế hoạch", "Vị trí trong kế hoạch", "Nguồn số liệu")
_KPI_WIDTHS = (6, 40, 10, 9, 9, 12, 9, 10, 11, 20, 60, 24, 36)
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


def _dmy(value: object) -> str:
    parsed = _date(value)
    return f"{parsed:%d/%m/%Y}" if isinstance(parsed, dt.date) else str(value or "")


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


def _title_line(ws: Worksheet, row: int, value: object, font: Font | None = None, height: float | None = None) -> None:
    cell = _put(ws, row, 1, value)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if font is not None:
        cell.font = font
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=FORM_COLUMNS)
    if height:
        ws.row_dimensions[row].height = height


def _form_title(ws: Worksheet, summary: dict) -> None:
    unit = _put(ws, 1, 1, summary.get("unit"))
    unit.font = _BOLD
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    code = _put(ws, 1, 10, FORM_CODE)
    code.font, code.alignment = _BOLD, Alignment(horizontal="right")
    ws.merge_cells(start_row=1, start_column=10, end_row=1, end_column=FORM_COLUMNS)
    _title_line(ws, 2, FORM_TITLE, Font(bold=True, size=13), 36)
    _title_line(ws, 3, f"Kỳ báo cáo: {clean_text(summary.get('period_name') or summary.get('period') or '')}",
                _BOLD)
    cutoff = summary.get("cutoff")
    window = f"Số liệu từ ngày {_dmy(summary.get('start'))} đến ngày {_dmy(summary.get('end'))}"
    if cutoff:
        window += f" ({CUTOFF_NAMES_VI.get(cutoff, cutoff)})"
    _title_line(ws, 4, window, Font(italic=True), 30)
    unit_note = _put(ws, 5, 10, "Đơn vị tính: Số hồ sơ")
    unit_note.font, unit_note.alignment = Font(italic=True), Alignment(horizontal="right")
    ws.merge_cells(start_row=5, start_column=10, end_row=5, end_column=FORM_COLUMNS)


def _form_header(ws: Worksheet) -> int:
    """The merged header and the row of column numbers; gives the first data row."""
    first = FORM_HEADER_ROW
    for row in range(first, first + 4):
        for column in range(1, FORM_COLUMNS + 1):
            cell = ws.cell(row=row, column=column)
            cell.font, cell.alignment, cell.border = _BOLD, _HEADER_ALIGN, _BORDER
    for top, left, bottom, right, text in _FORM_HEADER:
        _put(ws, first + top, left, text)
        if (top, left) != (bottom, right):
            ws.merge_cells(start_row=first + top, start_column=left, end_row=first + bottom, end_column=right)
    for column in range(1, FORM_COLUMNS + 1):
        cell = _put(ws, first + 3, column, f"({column})")
        cell.font = Font(italic=True)
    ws.row_dimensions[first + 2].height = 45
    ws.print_title_rows = f"{first}:{first + 3}"
    return first + 4


def _form_row(ws: Worksheet, row: int, number: object, label: object, counts: dict, bold: bool = False) -> None:
    cells = [_put(ws, row, 1, number), _put(ws, row, 2, label)]
    cells += [_put(ws, row, column, _count(counts.get(key)))
              for column, key in enumerate(COUNT_KEYS, start=3)]
    for cell in cells:
        cell.border = _BORDER
        if bold:
            cell.font = _BOLD
    cells[0].alignment = _CENTER
    cells[1].alignment = _WRAP


def _form_sheet(ws: Worksheet, summary: dict) -> None:
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 32
    for column in range(3, FORM_COLUMNS + 1):
        ws.column_dimensions[get_column_letter(column)].width = 11
    _form_title(ws, summary)
    row = _form_header(ws)
    dossiers = summary.get("dossiers") or {}
    for number, (field, counts) in enumerate((dossiers.get("by_field") or {}).items(), start=1):
        _form_row(ws, row, number, field, counts or {})
        _fit_height(ws, row)
        row += 1
    _form_row(ws, row, None, TOTAL_LABEL, dossiers.get("total") or {}, bold=True)
    ws.cell(row=row, column=2).alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
    _put(ws, row + 2, 1, FORM_NOTE).font = Font(italic=True)
    _put(ws, row + 3, 1, FORM_SOURCE).font = Font(italic=True)
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


def _met(value: object) -> str | None:
    return {True: "Đạt", False: "Chưa đạt"}.get(value) if isinstance(value, bool) else None


def _target_cells(target: dict | None) -> tuple:
    """The columns of a plan target: id, comparison, value, met, note, sentence, where."""
    if target is None:
        return (None,) * 7
    comparison = target.get("comparison")
    return (target.get("target_id"), COMPARISON_VI.get(comparison, comparison), target.get("value"),
            _met(target.get("met")), "Chỉ tiêu mâu thuẫn" if target.get("conflict") is True else None,
            target.get("sentence"), target.get("where"))


def _kpi_line(ws: Worksheet, row: int, number: int, name: object, value: object, parts: dict,
              target: dict | None, source: object) -> None:
    target_id, comparison, goal, met, note, sentence, where = _target_cells(target)
    values = (number, name, value, _count(parts.get("numerator")), _count(parts.get("denominator")),
              target_id, comparison, goal, met, note, sentence, where, source)
    for column, item in enumerate(values, start=1):
        cell = _put(ws, row, column, item, PERCENT if column in (3, 8) else None)
        cell.border = _BORDER
        cell.alignment = _WRAP
    if note:
        ws.cell(row=row, column=10).font = Font(bold=True, color="C00000")
    _fit_height(ws, row)


def _kpi_sheet(ws: Worksheet, summary: dict) -> None:
    title = _put(ws, 1, 1, f"CHỈ TIÊU GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH – {clean_text(summary.get('period_name') or '')}")
    title.font = Font(bold=True, size=12)
    _header_row(ws, 3, _KPI_HEADER, _KPI_WIDTHS)
    kpis = summary.get("kpis") or {}
    parts = summary.get("kpi_parts") or {}
    targets = [t for t in summary.get("targets") or [] if isinstance(t, dict)]
    row, number = 4, 0
    for kpi, value in kpis.items():
        number += 1
        own = [t for t in targets if t.get("kpi") == kpi] or [None]
        for target in own:
            _kpi_line(ws, row, number, KPI_NAMES_VI.get(kpi, kpi), value, parts.get(kpi) or {}, target,
                      "hồ sơ TTHC")
            row += 1
    others = [t for t in targets if t.get("kpi") not in kpis]
    if others:
        heading = _put(ws, row, 1, "Chỉ tiêu khác của kế hoạch (số liệu nhập từ báo cáo)")
        heading.font = _BOLD
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(_KPI_HEADER))
        row += 1
    for target in others:
        number += 1
        _kpi_line(ws, row, number, target.get("kpi"), target.get("actual"), {}, target, target.get("actual_source"))
        row += 1
    _print_setup(ws)


def _late_sheet(ws: Worksheet, summary: dict) -> None:
    title = _put(ws, 1, 1, f"HỒ SƠ TRỄ HẠN – {clean_text(summary.get('period_name') or '')}")
    title.font = Font(bold=True, size=12)
    _header_row(ws, 3, _LATE_HEADER, _LATE_WIDTHS)
    row = 4
    for number, entry in enumerate(summary.get("late_dossiers") or [], start=1):
        status = entry.get("status")
        apology = entry.get("apology")
        values = (number, entry.get("dossier_id"), entry.get("procedure"), entry.get("field"),
                  STATUS_VI.get(status, status), _date(entry.get("due_at")), _count(entry.get("days_late")),
                  ("Có" if apology else "Chưa") if isinstance(apology, bool) else apology)
        for column, item in enumerate(values, start=1):
            cell = _put(ws, row, column, item, DATE_FORMAT if column == 6 else None)
            cell.border = _BORDER
            cell.alignment = _CENTER_TOP if column in (1, 6, 7, 8) else _WRAP
        _fit_height(ws, row)
        row += 1
    ws.auto_filter.ref = f"A3:{get_column_letter(len(_LATE_HEADER))}{max(row - 1, 3)}"
    _print_setup(ws)


def build_workbook(summary: dict) -> Workbook:
    """The period workbook of ``summary`` (the dict saved as ``<PERIOD>.json``)."""
    wb = Workbook()
    form = wb.active
    form.title = FORM_SHEET
    _form_sheet(form, summary)
    _kpi_sheet(wb.create_sheet(KPI_SHEET), summary)
    _late_sheet(wb.create_sheet(LATE_SHEET), summary)
    return wb


def write_period_xlsx(summary: dict, target: Path) -> None:
    """Write the period workbook of ``summary`` to ``target``, through a temporary file in the
    same folder renamed over ``target`` once complete."""
    save_workbook(build_workbook(summary), target)


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


def save_workbook(wb: Workbook, target: Path) -> None:
    """Save ``wb`` to ``target`` through a temporary file in the same folder, renamed over
    ``target`` once complete: an earlier file is never half overwritten."""
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle, ZipFile(handle, "w", ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).write_data()
        os.chmod(tmp, 0o644)  # readable like the period's other files (mkstemp makes it private)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
