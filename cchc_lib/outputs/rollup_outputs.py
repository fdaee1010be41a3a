"""The roll-up's workbook and Word document, written from its JSON summary alone.

- :func:`write_rollup_xlsx`: ``_tong-hop/<PERIOD>.xlsx``, the district's own Biểu II.06a/VPCP/KSTT
  in Excel: sheet "Biểu II.06a" (the units' figures summed per field), "Theo đơn vị" (one row per
  unit, its totals) and "Từng đơn vị" (each unit's form, one block per unit). Every total is a
  ``SUM`` formula with its value stored beside it (a viewer that does not recalculate, a phone's
  preview, ``openpyxl`` with ``data_only=True``, shows the right number); a sum the roll-up cannot
  tell (a unit that cannot tell a count) is "không rõ", never a formula that would count it as 0.
  The form's layout and its texts are :mod:`cchc_lib.outputs.xlsx_report`'s; texts are stored as texts,
  never formulas. A4 landscape, one page wide, the header repeated on every printed page.
- :func:`build_rollup_document` / :func:`write_rollup_docx`: ``_tong-hop/<PERIOD>.docx``, the
  district's report in the layout of Nghị định 30/2020/NĐ-CP: the document context
  :mod:`cchc_lib.outputs.docx_report` renders (keys as in :mod:`cchc_lib.outputs.document`), with the sums, the
  gaps to the targets, the units needing attention, the change since the previous period and the
  late dossiers in sentences, and Biểu II.06a per field and per unit in the appendices.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from ..base import vi
from ..base.files import replacing
from ..base.periods import CUTOFF_NAMES_VI
from ..figures.dossiers import COUNT_KEYS, KPI_NAMES_VI
from ..figures.rollup_analysis import BAND_LABELS_VI, change_text, gap_text
from .tthc_form import FORM_BASIS_NOTE, FORM_COLUMNS, FORM_HEADER, FORM_NOTE, FORM_SOURCE, table_layout, window_line
from .xlsx_report import FORM_CODE, FORM_TITLE, clean_text, looks_like_formula

FORM_SHEET = "Biểu II.06a"
UNITS_SHEET = "Theo đơn vị"
DETAIL_SHEET = "Từng đơn vị"
UNKNOWN = vi.UNKNOWN
HEADER_ROW = 6  # the form's header starts on this row (0-based), under the title block
_COLUMN_WIDTHS = [6, 32, *[11] * 11]


class _Formats:
    """The workbook's cell formats, made once."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": "Times New Roman", "font_size": 11}
        cell = {**base, "border": 1, "valign": "top"}
        self.head = wb.add_format({**cell, "bold": True, "align": "center", "valign": "vcenter", "text_wrap": True})
        self.colno = wb.add_format({**cell, "italic": True, "align": "center"})
        self.text = wb.add_format({**cell, "text_wrap": True})
        self.text_quoted = wb.add_format({**cell, "text_wrap": True, "quote_prefix": True})
        self.center = wb.add_format({**cell, "align": "center"})
        self.count = wb.add_format({**cell, "num_format": "#,##0"})
        self.total_text = wb.add_format({**cell, "bold": True, "align": "center", "text_wrap": True})
        self.total = wb.add_format({**cell, "bold": True, "num_format": "#,##0"})
        self.unknown = wb.add_format({**cell, "italic": True, "font_color": "#555555", "align": "right"})
        self.block = wb.add_format({**cell, "bold": True, "bg_color": "#EEF2F7", "text_wrap": True})
        self.bold = wb.add_format({**base, "bold": True})
        self.right_bold = wb.add_format({**base, "bold": True, "align": "right"})
        self.title = wb.add_format({**base, "bold": True, "font_size": 13, "align": "center", "valign": "vcenter",
                                    "text_wrap": True})
        self.centered_bold = wb.add_format({**base, "bold": True, "align": "center"})
        self.italic_center = wb.add_format({**base, "italic": True, "align": "center", "text_wrap": True})
        self.italic = wb.add_format({**base, "italic": True})
        self.italic_right = wb.add_format({**base, "italic": True, "align": "right"})


def _text(ws, row: int, col: int, value: object, fmt, quoted=None) -> None:
    """A text cell: always a string (never a formula), marked so when it looks like one."""
    text = clean_text("" if value is None else value)
    ws.write_string(row, col, text, quoted if quoted is not None and looks_like_formula(text) else fmt)


def _title_block(ws, f: _Formats, summary: dict, second_column: str) -> None:
    place = ", ".join(p for p in _place(summary) if p)
    _text(ws, 0, 0, place or "Báo cáo tổng hợp", f.bold)
    ws.merge_range(0, 9, 0, FORM_COLUMNS - 1, FORM_CODE, f.right_bold)
    ws.merge_range(1, 0, 1, FORM_COLUMNS - 1, FORM_TITLE, f.title)
    ws.set_row(1, 36)
    ws.merge_range(2, 0, 2, FORM_COLUMNS - 1, clean_text(f"Kỳ báo cáo: {summary['period_name']}"), f.centered_bold)
    window = (f"Số liệu từ ngày {vi.date(summary['start'])} đến ngày {vi.date(summary['end'])} "
              f"({CUTOFF_NAMES_VI.get(summary['cutoff'], summary['cutoff'])})")
    ws.merge_range(3, 0, 3, FORM_COLUMNS - 1, window, f.italic_center)
    ws.set_row(3, 30)
    _text(ws, 4, 0, f"Tổng hợp số liệu của {vi.number(summary['unit_count'])} đơn vị"
          + (f"; chưa có số liệu của {vi.number(len(summary['missing_units']))} đơn vị"
             if summary["missing_units"] else ""), f.italic)
    ws.merge_range(4, 9, 4, FORM_COLUMNS - 1, "Đơn vị tính: Số hồ sơ", f.italic_right)
    _form_header(ws, f, second_column)


def _form_header(ws, f: _Formats, second_column: str) -> None:
    """The form's merged header (:data:`cchc_lib.outputs.tthc_form.FORM_HEADER`) and the column numbers."""
    for top, left, bottom, right, text in FORM_HEADER:
        text = second_column if (left, right) == (2, 2) else text
        r0, c0, r1, c1 = HEADER_ROW + top, left - 1, HEADER_ROW + bottom, right - 1
        if (r0, c0) == (r1, c1):
            ws.write_string(r0, c0, text, f.head)
        else:
            ws.merge_range(r0, c0, r1, c1, text, f.head)
    for col in range(FORM_COLUMNS):
        ws.write_string(HEADER_ROW + 3, col, f"({col + 1})", f.colno)
    ws.set_row(HEADER_ROW + 2, 45)
    for col, width in enumerate(_COLUMN_WIDTHS):
        ws.set_column(col, col, width)


def _print_setup(ws) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many down as needed
    ws.repeat_rows(HEADER_ROW, HEADER_ROW + 3)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5)
    ws.freeze_panes(HEADER_ROW + 4, 2)


def _counts_row(ws, f: _Formats, row: int, number: object, label: object, counts: dict) -> None:
    """One row of the form: its number, its label and the eleven counts as numbers."""
    if number is None:
        ws.write_blank(row, 0, None, f.center)
    else:
        ws.write_number(row, 0, number, f.center)
    _text(ws, row, 1, label, f.text, f.text_quoted)
    for col, key in enumerate(COUNT_KEYS, start=2):
        value = counts.get(key)
        if value is None:
            ws.write_string(row, col, UNKNOWN, f.unknown)
        else:
            ws.write_number(row, col, value, f.count)


def _sum_row(ws, f: _Formats, row: int, label: str, first: int, last: int, totals: dict) -> None:
    """A total row: per count ``=SUM()`` of the rows ``first``…``last`` with the sum stored as
    its value, "không rõ" where the sum cannot be told."""
    ws.write_blank(row, 0, None, f.total_text)
    _text(ws, row, 1, label, f.total_text)
    for col, key in enumerate(COUNT_KEYS, start=2):
        value = totals.get(key)
        if value is None:
            ws.write_string(row, col, UNKNOWN, f.unknown)
        elif last < first:
            ws.write_number(row, col, value, f.total)
        else:
            span = f"{xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)}"
            ws.write_formula(row, col, f"=SUM({span})", f.total, value)


def _notes(ws, f: _Formats, row: int, lines: list[str]) -> None:
    for offset, line in enumerate(lines):
        _text(ws, row + offset, 0, line, f.italic)


def _form_sheet(ws, f: _Formats, summary: dict) -> None:
    """The district's Biểu II.06a: the units' counts summed per field, the total row as formulas."""
    _title_block(ws, f, summary, "Lĩnh vực")
    first = row = HEADER_ROW + 4
    for number, (field, counts) in enumerate(summary["dossiers"]["by_field"].items(), start=1):
        _counts_row(ws, f, row, number, field, counts)
        row += 1
    _sum_row(ws, f, row, "Tổng số", first, row - 1, summary["dossiers"]["total"])
    _notes(ws, f, row + 2, [FORM_NOTE, FORM_SOURCE, "Số liệu mỗi lĩnh vực là tổng số liệu của các đơn vị có "
                            "lĩnh vực đó; đơn vị chưa có báo cáo không được tính (không tính là 0)."])
    _print_setup(ws)


def _units_sheet(ws, f: _Formats, summary: dict) -> None:
    """One row per unit (its totals), the total row as formulas, then the units not summed."""
    _title_block(ws, f, summary, "Đơn vị")
    first = row = HEADER_ROW + 4
    for number, unit in enumerate(summary["units"], start=1):
        _counts_row(ws, f, row, number, unit["unit"], unit["dossiers"])
        row += 1
    _sum_row(ws, f, row, f"Toàn địa bàn ({vi.number(summary['unit_count'])} đơn vị)", first, row - 1,
             summary["dossiers"]["total"])
    row += 2
    if summary["missing_units"]:
        _text(ws, row, 0, "Đơn vị chưa tổng hợp (không tính vào dòng toàn địa bàn):", f.bold)
        for offset, unit in enumerate(summary["missing_units"], start=1):
            _text(ws, row + offset, 1, f"{unit['unit_slug']}: {unit['reason']}", f.italic)
        row += len(summary["missing_units"]) + 2
    _notes(ws, f, row, [FORM_NOTE, FORM_SOURCE])
    _print_setup(ws)


def _detail_sheet(ws, f: _Formats, summary: dict) -> None:
    """Each unit's own form: a row naming the unit, its fields, its total row as formulas."""
    _title_block(ws, f, summary, "Đơn vị / lĩnh vực")
    row = HEADER_ROW + 4
    for number, unit in enumerate(summary["units"], start=1):
        ws.merge_range(row, 0, row, FORM_COLUMNS - 1, clean_text(f"{number}. {unit['unit']}"), f.block)
        row += 1
        first = row
        for index, (field, counts) in enumerate((unit.get("by_field") or {}).items(), start=1):
            _counts_row(ws, f, row, index, field, counts)
            row += 1
        _sum_row(ws, f, row, f"Cộng {unit['unit']}", first, row - 1, unit["dossiers"])
        row += 1
    _notes(ws, f, row + 1, [FORM_NOTE, FORM_SOURCE])
    _print_setup(ws)


def write_rollup_xlsx(summary: dict, target: Path) -> None:
    """Write the roll-up's workbook of ``summary`` (the roll-up's JSON) to ``target``, through a
    temporary file renamed over it."""
    with replacing(Path(target)) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        f = _Formats(wb)
        _form_sheet(wb.add_worksheet(FORM_SHEET), f, summary)
        _units_sheet(wb.add_worksheet(UNITS_SHEET), f, summary)
        _detail_sheet(wb.add_worksheet(DETAIL_SHEET), f, summary)
        wb.close()


# ---------------------------------------------------------------------------------------------
# the Word document
# ---------------------------------------------------------------------------------------------


def _place(summary: dict) -> list[str]:
    """The area the units share: district and province, the province alone, or nothing."""
    districts = {(u["district"], u["province"]) for u in summary["units"]}
    provinces = {u["province"] for u in summary["units"]}
    if len(districts) == 1:
        return [p for p in next(iter(districts)) if p]
    if len(provinces) == 1:
        return [p for p in provinces if p]
    return []


_KINDS = ("Huyện", "Quận", "Thị xã", "Thành phố", "Tỉnh")


def _short_name(name: str) -> tuple[str, str]:
    """``("huyện", "Hoằng Hóa")`` of "Huyện Hoằng Hóa"."""
    for kind in _KINDS:
        if name.startswith(kind + " "):
            return kind.lower(), name[len(kind) + 1:]
    return "", name


def count_vi(value: int | None, noun: str = "hồ sơ") -> str:
    """A count as an office writes it: "không có hồ sơ", "05 hồ sơ", "1.234 hồ sơ".

    >>> count_vi(0), count_vi(5), count_vi(1234), count_vi(None)
    ('không có hồ sơ', '05 hồ sơ', '1.234 hồ sơ', 'chưa rõ số hồ sơ')
    """
    if value is None:
        return f"chưa rõ số {noun}"
    if not value:
        return f"không có {noun}"
    return f"{vi.count(value)} {noun}"


def _header(summary: dict) -> dict:
    place = _place(summary)
    body = place[0] if place else ""
    where = _short_name(body)[1] if body else ""
    return {"authority": "ỦY BAN NHÂN DÂN", "unit": body.upper(), "number": "Số:        /BC-UBND",
            "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto": "Độc lập - Tự do - Hạnh phúc",
            "place_date": f"{where or '……'}, ngày      tháng      năm {summary['end'][:4]}"}


def _dossier_sentences(summary: dict) -> list[str]:
    t = summary["dossiers"]["total"]
    if not summary["unit_count"]:
        return ["Chưa có báo cáo của đơn vị nào để tổng hợp."]
    online = f", trong đó {count_vi(t['received_online'])} tiếp nhận trực tuyến" \
        if t["received_online"] is not None else ""
    lacking = _units_without_resolution(summary)
    if lacking:  # a unit whose export has no resolution makes the sums unknown (docs/figures.md, "The figures")
        return [f"Trong kỳ, các đơn vị tiếp nhận mới {count_vi(summary['dossiers'].get('received_in_period'))}"
                f"{online}. Dữ liệu hồ sơ của {lacking} không có thông tin ngày trả kết quả, kết quả xử lý nên chưa "
                "tổng hợp được số hồ sơ đã giải quyết, đang giải quyết và quá hạn của toàn địa bàn (không có số liệu)."]
    on_time = _sum_or_none(t["resolved_early"], t["resolved_on_time"])
    rate = summary["kpis"]["on_time_rate"]
    lines = [f"Trong kỳ, các đơn vị tiếp nhận {count_vi(t['received_total'])} (kể cả hồ sơ từ kỳ trước chuyển sang)"
             f"{online}; đã giải quyết {count_vi(t['resolved_total'])}, trong đó {count_vi(on_time)} trước hạn và "
             f"đúng hạn ({vi.percent(rate)}), {count_vi(t['resolved_late'])} quá hạn; đang giải quyết "
             f"{count_vi(t['pending_total'])}, trong đó {count_vi(t['pending_overdue'])} đã quá hạn."]
    return lines


def _units_without_resolution(summary: dict) -> str:
    """How many units' exports do not tell which dossiers were resolved ("02/15 đơn vị"; "" when none)."""
    units = summary.get("units") or []
    lacking = sum(1 for u in units if (u.get("dossiers") or {}).get("resolved_total") is None)
    return f"{vi.count(lacking)}/{vi.count(len(units))} đơn vị" if lacking else ""


def _sum_or_none(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _kpi_bullets(summary: dict) -> list[str]:
    bullets = []
    for key, ranking in summary["ranking"].items():
        parts = summary["kpi_parts"][key]
        figure = (f"{vi.percent(ranking['value'])} ({vi.number(parts['numerator'])}/{vi.number(parts['denominator'])})"
                  if ranking["value"] is not None else "chưa tính được")
        targets = [f"chỉ tiêu {vi.sign(g['comparison'])} {vi.percent(g['value'])}: {gap_text(g['points'])}, "
                   f"{BAND_LABELS_VI[g['band']].lower()}" for g in ranking.get("total_gaps", [])
                   if g["points"] is not None]
        below = sum(1 for u in ranking["units"] if u["met"] is False)
        judged = sum(1 for u in ranking["units"] if u["met"] is not None)
        tail = f"; {vi.number(below)}/{vi.number(judged)} đơn vị chưa đạt" if judged else ""
        bullets.append(f"{KPI_NAMES_VI.get(key, key)}: {figure}" + (f" ({'; '.join(targets)})" if targets else "")
                       + f"{tail}.")
    return bullets



def _attention_bullets(summary: dict) -> list[str]:
    bullets = []
    for unit in summary["attention"]["units"]:
        items = [f"{vi.lower_first(i['name'])} {vi.percent(i['value'])}, {gap_text(i['points'])} so với chỉ tiêu "
                 f"{vi.sign(i['comparison'])} {vi.percent(i['target'])}, {BAND_LABELS_VI[i['band']].lower()}"
                 for i in unit["items"]]
        bullets.append(f"{unit['unit']}: {'; '.join(items)}.")
    return bullets


def _change_part(summary: dict) -> dict:
    change = summary["change"]
    name = vi.lower_first(change["period_name"] or "kỳ trước")
    paragraphs, bullets = [], []
    if change["unit_count"]:
        moves = [f"{vi.lower_first(KPI_NAMES_VI[k])} {change_text(c['points'])} ({vi.percent(c['previous'])} → "
                 f"{vi.percent(c['current'])})" for k, c in change["kpis"].items() if c["points"] is not None]
        paragraphs.append(f"So với {name}, trên {vi.number(change['unit_count'])} đơn vị có số liệu so sánh: "
                          f"{'; '.join(moves)}.")
    for unit in summary["units"]:
        c = unit["change"]
        if c["comparable"]:
            falls = [f"{vi.lower_first(KPI_NAMES_VI[k])} giảm từ {vi.percent(v['previous'])} xuống "
                     f"{vi.percent(v['current'])}" for k, v in c["kpis"].items()
                     if v["points"] is not None and v["points"] <= -0.05]
            if falls:
                bullets.append(f"{unit['unit']}: {'; '.join(falls)}.")
        else:
            bullets.append(f"{unit['unit']}: không có kỳ so sánh ({c['reason']}).")
    if not paragraphs and not bullets:
        paragraphs.append("Chưa có đơn vị nào để so sánh.")
    return {"paragraphs": paragraphs, "bullets": bullets}


def _late_part(summary: dict) -> dict:
    late = summary["late_by_unit"]
    total = late["total"]
    lacking = _units_without_resolution(summary)
    if total["total"] is None and lacking:
        return {"paragraphs": [f"Chưa tổng hợp được hồ sơ trễ hạn của toàn địa bàn: dữ liệu hồ sơ của {lacking} không "
                               "có thông tin ngày trả kết quả, kết quả xử lý (không có số liệu)."], "bullets": []}
    if not total["total"]:
        return {"paragraphs": ["Các đơn vị không có hồ sơ trễ hạn trong kỳ."], "bullets": []}
    lead = (f"Các đơn vị có {count_vi(total['total'])} trễ hạn ({count_vi(total['resolved_late'])} đã giải quyết "
            f"quá hạn, {count_vi(total['pending_overdue'])} đang giải quyết đã quá hạn).")
    fields = list(total["by_field"].items())
    bullets = [f"Lĩnh vực {field}: {count_vi(n)}." for field, n in fields[:5]]
    if len(fields) > 5:  # the rest named as one, so the lines add up to the total
        bullets.append(f"Các lĩnh vực khác ({len(fields) - 5}): {count_vi(sum(n for _, n in fields[5:]))}.")
    worst = [u for u in late["units"] if u["total"]][:5]
    if worst:
        lead_unit = "Đơn vị có nhiều hồ sơ trễ hạn nhất" if len(worst) == 1 else "Các đơn vị có hồ sơ trễ hạn"
        bullets.append(f"{lead_unit}: " + "; ".join(f"{u['unit']} ({count_vi(u['total'])})" for u in worst) + ".")
    return {"paragraphs": [lead], "bullets": bullets}


def _section(section_id: str, heading: str, part: dict, to_fill: bool = False) -> dict:
    return {"id": section_id, "heading": f"{section_id}. {heading.upper()}", "paragraphs": part.get("paragraphs", []),
            "bullets": part.get("bullets", []), "subsections": [], "narrative": [], "to_fill": to_fill}


def build_rollup_document(summary: dict) -> dict:
    """The document context of the roll-up (the keys of :mod:`cchc_lib.outputs.document`): the district's
    report, in the layout of Nghị định 30/2020/NĐ-CP, for the office to complete and sign."""
    place = _place(summary)
    district = place[0] if place else ""
    kind, name = _short_name(district) if district else ("", "")
    where = f"{kind} {name}".strip() or "địa bàn"
    period = vi.lower_first(summary["period_name"])
    names = ", ".join(u["unit"] for u in summary["units"])
    intro = [f"Ủy ban nhân dân {where} tổng hợp kết quả cải cách hành chính {period} của "
             f"{count_vi(summary['unit_count'], 'đơn vị')} cấp xã trên địa bàn"
             + (f" ({names})" if names else "") + ", từ báo cáo của các đơn vị, như sau:"]
    if summary["missing_units"]:
        intro.append(f"Chưa có số liệu của {count_vi(len(summary['missing_units']), 'đơn vị')}: "
                     + "; ".join(f"{m['unit_slug']} ({m['reason']})" for m in summary["missing_units"])
                     + ". Số liệu tổng hợp không gồm các đơn vị này.")
    attention = _attention_bullets(summary)
    threshold = vi.points(summary["attention"]["threshold_points"])
    sections = [
        _section("I", "Kết quả giải quyết thủ tục hành chính", {"paragraphs": _dossier_sentences(summary)}),
        _section("II", "Các chỉ số so với chỉ tiêu của kế hoạch", {"bullets": _kpi_bullets(summary)}),
        _section("III", "Các đơn vị cần chú ý", {
            "paragraphs": [f"Các đơn vị có chỉ số thiếu từ {threshold} điểm % trở lên so với chỉ tiêu của kế hoạch:"
                           if attention else f"Không có đơn vị nào thiếu từ {threshold} điểm % trở lên so với chỉ "
                           "tiêu của kế hoạch."], "bullets": attention}),
        _section("IV", "So với kỳ trước", _change_part(summary)),
        _section("V", "Hồ sơ trễ hạn", _late_part(summary)),
        _section("VI", "Đề xuất, kiến nghị", {}, to_fill=True),
    ]
    province = place[-1] if place else ""
    recipients = ([f"UBND {vi.lower_first(province)};", f"Sở Nội vụ {vi.lower_first(province)};"] if province
                  and province != district else []) + ["Lưu: VT."]
    return {
        "header": _header(summary), "title": "BÁO CÁO", "draft": True,
        "subtitle": f"Tổng hợp kết quả cải cách hành chính của các đơn vị cấp xã {period}",
        "window_line": window_line(summary),
        "intro": intro, "sections": sections,
        "closing": f"Trên đây là báo cáo tổng hợp kết quả cải cách hành chính {period} của các đơn vị cấp xã trên "
                   f"địa bàn {where}./.",
        "recipients": recipients,
        "signature": {"on_behalf": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": ""},
        "appendices": _appendices(summary),
    }


def _cell(text: str, colspan: int = 1, rowspan: int = 1) -> dict:
    return {"text": text, "colspan": colspan, "rowspan": rowspan}


def _counts_text(counts: dict) -> list[str]:
    return [UNKNOWN if counts.get(k) is None else vi.number(counts[k]) for k in COUNT_KEYS]


def _appendices(summary: dict) -> list[dict]:
    form, by_unit = table_layout(), table_layout("Đơn vị")
    fields = [[str(i), field, *_counts_text(c)] for i, (field, c) in
              enumerate(summary["dossiers"]["by_field"].items(), start=1)]
    units = [[str(i), u["unit"], *_counts_text(u["dossiers"])] for i, u in enumerate(summary["units"], start=1)]
    total = ["", "Tổng số", *_counts_text(summary["dossiers"]["total"])]
    kpis = ("on_time_rate", "online_rate", "satisfaction_rate", "apology_coverage")
    rates = [[str(i), u["unit"], *(_rate_with_gap(u, k) for k in kpis)] for i, u in enumerate(summary["units"], 1)]
    lacking = _units_without_resolution(summary)
    return [
        {"heading": "Phụ lục 1. Tình hình, kết quả giải quyết thủ tục hành chính của các đơn vị (Biểu II.06a, "
                    "tổng hợp theo lĩnh vực)",
         "note": f"{FORM_BASIS_NOTE} {FORM_NOTE}.",
         "image": None, "table": {**form, "rows": [*fields, total]}},
        {"heading": "Phụ lục 2. Tình hình, kết quả giải quyết thủ tục hành chính theo đơn vị (Biểu II.06a)",
         "note": "Mỗi dòng là số liệu tổng số của một đơn vị; đơn vị chưa có báo cáo không được tính."
                 + (f" Ô \"{UNKNOWN}\": dữ liệu hồ sơ của {lacking} không có thông tin ngày trả kết quả, kết "
                    f"quả xử lý (không có số liệu), nên tổng số cũng {UNKNOWN}." if lacking else ""),
         "image": None, "table": {**by_unit, "rows": [*units, total]}},
        {"heading": "Phụ lục 3. Các chỉ số của từng đơn vị so với chỉ tiêu",
         "note": "Kết quả; trong ngoặc: khoảng cách tới chỉ tiêu của kế hoạch (điểm %) và mức độ.",
         "image": None,
         "table": {"header": [[_cell("STT"), _cell("Đơn vị"), *(_cell(KPI_NAMES_VI[k]) for k in kpis)]],
                   "rows": rates, "total_rows": 0, "align": ["center", "left", *["left"] * len(kpis)],
                   "widths": [6, 22, *[72 / len(kpis)] * len(kpis)]} if rates else None},
    ]


def _rate_with_gap(unit: dict, key: str) -> str:
    value = unit["kpis"].get(key)
    gap = (unit.get("gaps") or {}).get(key)
    if value is None:
        return vi.MISSING
    if gap is None:
        return vi.percent(value)
    return f"{vi.percent(value)} ({gap_text(gap['points'])}, {BAND_LABELS_VI[gap['band']].lower()})"


def write_rollup_docx(summary: dict, target: Path) -> None:
    """Write the roll-up's Word document to ``target`` with the shipped template of
    :mod:`cchc_lib.outputs.docx_report` (through a temporary file renamed over it)."""
    from .docx_report import write_period_docx

    write_period_docx(build_rollup_document(summary), Path(target))

