"""What the report notebook displays: HTML blocks built from the summary, and figures.

Each function returns an IPython display object; the notebook shows it. Text is
Vietnamese; every value is escaped.
"""

from __future__ import annotations

import datetime as dt
import io
from html import escape

from IPython.display import HTML, JSON, SVG
from matplotlib.figure import Figure

from .periods import CUTOFF_NAMES_VI

SUMMARY_MIME = "application/json"  # the output type of show_summary


def vi_date(iso: str) -> str:
    """An ISO date as Vietnamese write it.

    >>> vi_date("2023-03-14")
    '14/03/2023'
    """
    return dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")


def vi_number(n: int) -> str:
    """An integer with Vietnamese thousands separators.

    >>> vi_number(2345)
    '2.345'
    """
    return f"{n:,}".replace(",", ".")


def show_header(summary: dict) -> HTML:
    """Title block: unit, period, window and cut-off, time of generation."""
    place = ", ".join(escape(p) for p in (summary["unit"], summary["district"], summary["province"]) if p)
    generated = dt.datetime.fromisoformat(summary["generated_at"]).strftime("%H:%M ngày %d/%m/%Y")
    return HTML(
        f"""<header class="cchc-header">
<p class="cchc-unit">{place}</p>
<h1>Báo cáo kết quả cải cách hành chính<br>{escape(summary["period_name"])}</h1>
<p class="cchc-window">Kỳ số liệu: từ {vi_date(summary["start"])} đến {vi_date(summary["end"])}
 ({escape(CUTOFF_NAMES_VI[summary["cutoff"]])})</p>
<p class="cchc-generated">Lập lúc {generated}</p>
</header>"""
    )


def vi_percent(value: float | None) -> str:
    """A fraction as a Vietnamese percentage with one decimal; an em dash for None.

    >>> vi_percent(0.9751), vi_percent(1.0), vi_percent(None)
    ('97,5%', '100%', '—')
    """
    if value is None:
        return "—"
    text = f"{value * 100:.1f}".replace(".", ",").removesuffix(",0")
    return f"{text}%"


# Column widths (percent) of each table: set, rather than measured from the content, they
# keep the layout steady on screen and spare the PDF renderer most of its table work.
COLUMN_WIDTHS: dict[str, list[float]] = {
    "cchc-tthc": [6, 14] + [80 / 11] * 11,
    "cchc-kpis": [58, 14, 28],
    "cchc-late": [25, 21, 12, 11, 13, 8, 10],
    "cchc-backlog": [50, 25, 25],
    "cchc-quality": [25, 8, 17, 50],
    "cchc-exports": [24, 16, 10, 10, 24, 16],
    "cchc-plan-counts": [30] + [10] * 7,
    "cchc-milestones": [9, 23, 12, 11, 16, 29],
    "cchc-overdue": [10, 33, 29, 14, 14],
    "cchc-targets": [22, 10, 9, 10, 49],
}


def _table(header_rows: list[str], body_rows: list[list[str]], css_class: str) -> str:
    widths = "".join(f'<col style="width: {w:.2f}%">' for w in COLUMN_WIDTHS[css_class])
    body = "".join("<tr>" + "".join(cells) + "</tr>" for cells in body_rows)
    return (f'<table class="{css_class}"><colgroup>{widths}</colgroup>'
            f'<thead>{"".join(header_rows)}</thead><tbody>{body}</tbody></table>')


def _num(value: object) -> str:
    """A count in a table cell; "không rõ" where the data cannot tell it."""
    if value is None:
        return '<td class="num unknown">không rõ</td>'
    return f'<td class="num">{vi_number(int(value))}</td>'


def _text(value: object) -> str:
    return f"<td>{escape(str(value))}</td>"


def show_tthc_table(summary: dict) -> HTML:
    """Biểu II.06a: dossiers received and resolved, per field and in total."""
    counts = summary["dossiers"]
    header = [
        '<tr><th rowspan="3" class="num">STT</th><th rowspan="3">Lĩnh vực</th>'
        '<th colspan="4">Số hồ sơ nhận giải quyết</th><th colspan="4">Số hồ sơ đã giải quyết</th>'
        '<th colspan="3">Số hồ sơ đang giải quyết</th></tr>',
        '<tr><th rowspan="2">Tổng số</th><th colspan="2">Trong kỳ</th><th rowspan="2">Từ kỳ trước</th>'
        '<th rowspan="2">Tổng số</th><th rowspan="2">Trước hạn</th><th rowspan="2">Đúng hạn</th>'
        '<th rowspan="2">Quá hạn</th><th rowspan="2">Tổng số</th><th rowspan="2">Trong hạn</th>'
        '<th rowspan="2">Quá hạn</th></tr>',
        "<tr><th>Trực tuyến</th><th>Trực tiếp, bưu chính</th></tr>",
        "<tr>" + "".join(f'<th class="colno">({n})</th>' for n in range(1, 14)) + "</tr>",
    ]
    rows = [
        [f'<td class="num">{i}</td>', _text(field), *(_num(v) for v in values.values())]
        for i, (field, values) in enumerate(counts["by_field"].items(), start=1)
    ]
    rows.append(['<td></td><td class="total">Tổng số</td>', *(_num(v) for v in counts["total"].values())])
    note = (
        '<p class="cchc-note">Theo Biểu II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP). (3) = (4) + (5) + (6) = (7) + (11).'
        " Hồ sơ rút, trả lại tính là đúng hạn; hồ sơ từ chối tiếp nhận không tính.</p>"
    )
    return HTML(
        '<section class="cchc-section"><h2>1. Tình hình, kết quả giải quyết thủ tục hành chính</h2>'
        + _table(header, rows, "cchc-tthc")
        + note
        + "</section>"
    )


def show_kpis(summary: dict) -> HTML:
    """The plan's dossier indicators: value, numerator and denominator."""
    from .dossiers import KPI_NAMES_VI

    header = ["<tr><th>Chỉ số</th><th>Kết quả</th><th>Tử số / mẫu số</th></tr>"]
    rows = [
        [
            _text(KPI_NAMES_VI[key]),
            f'<td class="num"><strong>{vi_percent(value)}</strong></td>',
            f'<td class="num">{vi_number(summary["kpi_parts"][key]["numerator"])} / '
            f'{vi_number(summary["kpi_parts"][key]["denominator"])}</td>'
            if summary["kpi_parts"][key]["denominator"] is not None else '<td class="num unknown">không rõ</td>',
        ]
        for key, value in summary["kpis"].items()
    ]
    if summary["kpis"]["online_rate"] is None and summary["kpi_parts"]["online_rate"]["denominator"] is None:
        rows.append([_text("(Hình thức nộp của một số hồ sơ không rõ: chưa tính được tỷ lệ trực tuyến.)"),
                     "<td></td>", "<td></td>"])
    time = summary["processing_days"]
    if time["count"]:
        mean = f"{time['mean']:.1f}".replace(".", ",")
        p90 = f"{time['p90']:.1f}".replace(".", ",").removesuffix(",0")
        timing = (
            f"<p>Thời gian giải quyết bình quân của {vi_number(time['count'])} hồ sơ đã giải quyết trong kỳ: "
            f"<strong>{mean} ngày làm việc</strong>; 90% số hồ sơ giải quyết trong {p90} ngày làm việc.</p>"
        )
    else:
        timing = "<p>Không có hồ sơ giải quyết xong trong kỳ.</p>"
    return HTML(
        '<section class="cchc-section"><h2>2. Các chỉ số giải quyết hồ sơ</h2>'
        + _table(header, rows, "cchc-kpis")
        + '<p class="cchc-note">"—": không có hồ sơ để tính.</p>'
        + timing
        + "</section>"
    )


def show_late_and_backlog(summary: dict, limit: int = 25) -> HTML:
    """Late dossiers, most days late first (with apology yes/no; the first ``limit``, all of
    them in the JSON), and the pending backlog by age."""
    late = summary["late_dossiers"]
    if late:
        header = ["<tr><th>Mã hồ sơ</th><th>Thủ tục</th><th>Lĩnh vực</th><th>Tình trạng</th><th>Hạn trả</th>"
                  "<th>Ngày trễ</th><th>Xin lỗi</th></tr>"]
        status = {"resolved_late": "Đã giải quyết", "pending_overdue": "Đang giải quyết"}
        rows = [
            [_text(r["dossier_id"]), _text(r["procedure"] or ""), _text(r["field"] or ""), _text(status[r["status"]]),
             _text(vi_date(r["due_at"])), _num(r["days_late"]), _text("Có" if r["apology"] else "Chưa")]
            for r in late[:limit]
        ]
        late_html = _table(header, rows, "cchc-late")
        if len(late) > limit:
            late_html += (f'<p class="cchc-note">… và {vi_number(len(late) - limit)} hồ sơ trễ hạn khác '
                          "(danh sách đầy đủ trong tệp JSON của kỳ báo cáo).</p>")
    else:
        late_html = "<p>Không có hồ sơ trễ hạn trong kỳ.</p>"
    backlog = summary["backlog_by_age"]
    header = ["<tr><th>Thời gian từ khi tiếp nhận (ngày làm việc)</th><th>Đang giải quyết</th><th>Trong đó quá hạn</th></tr>"]
    rows = [[_text(b["band"]), _num(b["pending"]), _num(b["overdue"])] for b in backlog]
    return HTML(
        '<section class="cchc-section"><h2>3. Hồ sơ trễ hạn và hồ sơ tồn</h2>'
        f"<h3>Hồ sơ trễ hạn ({vi_number(len(late))})</h3>{late_html}"
        f"<h3>Hồ sơ đang giải quyết tại cuối kỳ, theo thời gian tồn</h3>{_table(header, rows, 'cchc-backlog')}"
        "</section>"
    )


def show_data_quality(summary: dict, limit: int = 30) -> HTML:
    """What the checks found: rows left out, repeated rows, computed due dates, warnings."""
    quality = summary["data_quality"]
    items = [
        f"Tệp số liệu: {escape(', '.join(summary['dossiers']['source_files']))}.",
        f"Dòng cùng mã hồ sơ ở nhiều tệp (gộp làm một): {vi_number(quality['duplicates_dropped'])}.",
        f"Hồ sơ (trong các tệp số liệu) có ngày hẹn trả tính theo danh mục thủ tục: {vi_number(quality['due_dates_computed'])}.",
        f"Dòng bị loại vì lỗi (--skip-invalid): {vi_number(quality['excluded_rows'])}.",
        f"Cảnh báo: {vi_number(quality['warnings'])}.",
    ]
    parts = ["<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"]
    from .exports import DROP_REASONS_VI

    exports = quality.get("exports", [])
    if exports:
        header = ["<tr><th>Tệp</th><th>Định dạng</th><th>Dòng tiêu đề</th><th>Dòng hồ sơ</th>"
                  "<th>Dòng bỏ qua</th><th>Thiếu cột</th></tr>"]
        rows = [[_text(e["file"]), _text(e["format"]), _text(", ".join(map(str, e["header_rows"]))), _num(e["rows"]),
                 _text("; ".join(f"{DROP_REASONS_VI[k]}: {n}" for k, n in e["dropped"].items()) or "—"),
                 _text(", ".join(e["lacking"]) or "—")] for e in exports]
        parts.append("<h3>Các tệp đã đọc</h3>" + _table(header, rows, "cchc-exports"))
    header = ["<tr><th>Tệp</th><th>Dòng</th><th>Cột</th><th>Vấn đề</th></tr>"]
    for title, records in (("Dòng bị loại", summary["excluded_rows"]), ("Cảnh báo", quality["warning_list"])):
        if records:
            rows = [[_text(r["file"]), _num(r["row"]), _text(r["column"]), _text(r["problem_vi"])]
                    for r in records[:limit]]
            more = f"<p class=\"cchc-note\">… và {vi_number(len(records) - limit)} dòng khác.</p>" if len(records) > limit else ""
            parts.append(f"<h3>{title}</h3>" + _table(header, rows, "cchc-quality") + more)
    return HTML('<section class="cchc-section"><h2>5. Chất lượng số liệu</h2>' + "".join(parts) + "</section>")


def _date_or_dash(iso: str | None) -> str:
    return vi_date(iso) if iso else "—"


def _state_table(counts: dict[str, dict[str, int]], first_header: str, names: dict[str, str] | None = None) -> str:
    from .plan import STATE_VI

    states = ["due", "done_on_time", "done_late", "overdue", "not_yet_due", "continuous", "no_fixed_date"]
    labels = {"due": "Đến hạn", **STATE_VI}
    header = ["<tr><th>" + first_header + "</th>" + "".join(f"<th>{labels[s]}</th>" for s in states) + "</tr>"]
    rows = [[_text((names or {}).get(key, key)), *(_num(c[s]) for s in states)] for key, c in counts.items()]
    return _table(header, rows, "cchc-plan-counts")


def _milestone_name(m: dict) -> str:
    from .periods import parse_period

    if m["kind"] == "period":
        return f"Báo cáo định kỳ {parse_period(m['milestone']).name_vi}"
    return m["label"]


def show_plan(summary: dict) -> HTML:
    """The plan's progress in the period: per area, overdue milestones, by official, targets,
    evidence, and the notes where the data corrects the plan's text."""
    from .dossiers import KPI_NAMES_VI
    from .plan import INDICATOR_NAMES_VI, STATE_VI, STATUS_VI

    plan = summary["plan"]
    if not plan["available"]:
        body = (
            "<p class=\"cchc-notice\">Chưa có dữ liệu kế hoạch CCHC (thư mục <code>plan/</code> trong thư mục "
            "dữ liệu), nên báo cáo chưa theo dõi được tiến độ các nhiệm vụ của kế hoạch.</p>"
        )
        return HTML(f'<section class="cchc-section"><h2>4. Thực hiện kế hoạch CCHC</h2>{body}</section>')
    areas = plan["areas"]
    area_names = {key: f"{key}. {name}" for key, name in areas.items()}
    parts = [f"<p><strong>{escape(plan['title'])}</strong>. {escape(plan['document'])}. "
             f"Tổng số nhiệm vụ: {summary['tasks']['total']}.</p>",
             "<h3>4.1. Tiến độ theo lĩnh vực (số mốc)</h3>",
             _state_table(summary["tasks"]["by_area"], "Lĩnh vực", area_names)]
    parts.append("<h3>4.2. Các mốc của kỳ báo cáo</h3>")
    header = ["<tr><th>Nhiệm vụ</th><th>Mốc</th><th>Hạn</th><th>Tình trạng</th><th>Cập nhật gần nhất</th>"
              "<th>Tài liệu kiểm chứng</th></tr>"]
    for key, name in area_names.items():
        rows = [
            [_text(m["task_id"]), _text(_milestone_name(m)), _text(_date_or_dash(m["due"])),
             f'<td class="state-{m["state"]}">{escape(STATE_VI[m["state"]])}</td>',
             _text(f"{STATUS_VI[m['latest_status']]} ({vi_date(m['latest_date'])})" if m["latest_status"] else "—"),
             _text(m["evidence"] or "")]
            for m in plan["milestones"] if str(m["area"]) == key
        ]
        parts.append(f"<h4>{escape(name)}</h4>" + (_table(header, rows, "cchc-milestones") if rows
                                                     else "<p>Không có mốc trong kỳ.</p>"))
    parts.append(f"<h3>4.3. Mốc quá hạn ({len(plan['overdue'])})</h3>")
    if plan["overdue"]:
        header = ["<tr><th>Nhiệm vụ</th><th>Mốc</th><th>Người thực hiện</th><th>Hạn</th><th>Số ngày quá hạn</th></tr>"]
        rows = [[_text(m["task_id"]), _text(_milestone_name(m)), _text(m["owner"]), _text(vi_date(m["due"])),
                 _num(m["days_overdue"])] for m in plan["overdue"]]
        parts.append(_table(header, rows, "cchc-overdue"))
    else:
        parts.append("<p>Không có mốc quá hạn.</p>")
    parts += ["<h3>4.4. Tiến độ theo người thực hiện (số mốc)</h3>",
              _state_table(summary["tasks"]["by_owner"], "Người thực hiện")]
    parts.append("<h3>4.5. Chỉ tiêu của kế hoạch</h3>")
    verdict = {True: "Đạt", False: "Chưa đạt", None: "Chưa có số liệu"}
    header = ["<tr><th>Chỉ tiêu</th><th>Mục tiêu</th><th>Thực tế</th><th>Đánh giá</th><th>Căn cứ trong kế hoạch</th></tr>"]
    names = {**KPI_NAMES_VI, **INDICATOR_NAMES_VI}
    rows = [
        [_text(names.get(t["kpi"], t["kpi"]) + (" ⚠" if t["conflict"] else "")),
         f'<td class="num">{escape(t["comparison"].replace(">=", "≥").replace("<=", "≤"))} {vi_percent(t["value"])}</td>',
         f'<td class="num">{vi_percent(t["actual"])}</td>',
         f'<td class="verdict-{str(t["met"]).lower()}">{verdict[t["met"]]}</td>',
         _text(f"{t['where']}: “{t['sentence']}”" + (f" Số liệu: {t['actual_source']}." if t["actual_source"] else ""))]
        for t in summary["targets"]
    ]
    parts.append(_table(header, rows, "cchc-targets"))
    for conflict in plan["target_conflicts"]:
        values = ", ".join(vi_percent(v) for v in conflict["values"])
        parts.append(
            f'<p class="cchc-notice">⚠ Kế hoạch nêu {len(conflict["values"])} mức khác nhau cho cùng chỉ tiêu '
            f'“{escape(names.get(conflict["kpi"], conflict["kpi"]))}”: {values} ({", ".join(conflict["targets"])}). '
            "Báo cáo đánh giá theo từng mức; cần thống nhất một mức chỉ tiêu.</p>"
        )
    parts.append("<h3>4.6. Tài liệu kiểm chứng theo lĩnh vực</h3>")
    for key, name in area_names.items():
        docs = [e for e in plan["evidence"] if str(e["area"]) == key]
        items = "".join(f"<li>{escape(e['task_id'])}: {escape(e['evidence'])}</li>" for e in docs)
        parts.append(f"<h4>{escape(name)}</h4>" + (f"<ul>{items}</ul>" if docs else "<p>Chưa có tài liệu.</p>"))
    if plan["corrections"]:
        parts.append("<h3>4.7. Ghi chú hiệu đính kế hoạch</h3><ul>" + "".join(
            f"<li><strong>{escape(c['task_id'])}</strong>: {escape(c['correction_note'])}</li>" for c in plan["corrections"]
        ) + "</ul>")
    return HTML('<section class="cchc-section"><h2>4. Thực hiện kế hoạch CCHC</h2>' + "".join(parts) + "</section>")


def show_figure(fig: Figure) -> SVG:
    """A figure as inline SVG (sharp on screen and in the PDF; text drawn as shapes)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return SVG(buffer.getvalue())


def show_summary(summary: dict) -> JSON:
    """The period's JSON summary (the cell is left out of the HTML and PDF, and read back to publish)."""
    return JSON(summary, expanded=False, root="summary")
