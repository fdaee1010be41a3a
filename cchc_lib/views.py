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


def show_dossier_overview(summary: dict) -> HTML:
    """The dossier figures of the period."""
    received = summary["dossiers"]["received_in_period"]
    files = ", ".join(escape(f) for f in summary["dossiers"]["source_files"])
    return HTML(
        f"""<section class="cchc-section">
<h2>1. Tiếp nhận hồ sơ thủ tục hành chính</h2>
<p class="cchc-figure"><span class="cchc-number">{vi_number(received)}</span> hồ sơ được tiếp nhận trong kỳ
 (không tính hồ sơ bị từ chối tiếp nhận).</p>
<p class="cchc-note">Nguồn số liệu: {files}.</p>
</section>"""
    )


def show_plan(summary: dict) -> HTML:
    """The plan section, or a notice that the data folder holds no plan."""
    if not summary["plan"]["available"]:
        body = (
            "<p class=\"cchc-notice\">Chưa có dữ liệu kế hoạch CCHC (thư mục <code>plan/</code> trong thư mục "
            "dữ liệu), nên báo cáo chưa theo dõi được tiến độ các nhiệm vụ của kế hoạch.</p>"
        )
    else:
        body = "<p>Dữ liệu kế hoạch CCHC đã có trong thư mục <code>plan/</code>.</p>"
    return HTML(f'<section class="cchc-section"><h2>2. Thực hiện kế hoạch CCHC</h2>{body}</section>')


def show_figure(fig: Figure) -> SVG:
    """A figure as inline SVG (sharp on screen and in the PDF; text drawn as shapes)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return SVG(buffer.getvalue())


def show_summary(summary: dict) -> JSON:
    """The period's JSON summary (the cell is left out of the HTML and PDF, and read back to publish)."""
    return JSON(summary, expanded=False, root="summary")
