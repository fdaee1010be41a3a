"""The reform index self-assessment as files: ``OUT/<YEAR>-chi-so-cchc.{html,pdf,xlsx,json}``.

The figures come from :func:`cchc_lib.scoring.score` (README, "The reform index
self-assessment"); this module writes them: the JSON as it is, an HTML page (template
``templates/site/score.html.j2``, every value escaped) printed to PDF by the report's renderer,
and a workbook laid out like the self-scoring forms provinces hand out (STT, Lĩnh vực / tiêu
chí, Điểm tối đa, Điểm tự chấm, Tài liệu kiểm chứng, Ghi chú), numbers as numbers and every text
inert. For a period before the year's end (``cchc score 2023-Q3``) the files are
``<PERIOD>-chi-so-cchc.*`` and show the points secured so far, those at risk and those still open.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from . import paths, vi
from .errors import ReportError
from .xlsx_report import fit_row_height, put_cell, save_workbook, style_header_row, style_print

if TYPE_CHECKING:
    from .params import ReportContext

SCORE_SUFFIX = "chi-so-cchc"
SCORE_FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx", "json")
FLAG_NAMES_VI = {
    "no_evidence": "Có điểm nhưng chưa có tài liệu kiểm chứng",
    "data_missing": "Thiếu số liệu",
    "target_conflict": "Kế hoạch ghi nhiều mức chỉ tiêu",
    "overdue": "Có mốc công việc quá hạn",
    "below_target": "Chưa đạt mức tối đa",
    "overridden": "Điểm tự chấm thay điểm tính từ số liệu",
}
METHOD_NAMES_VI = {"sum": "Tổng các tiêu chí thành phần", "milestones": "Theo tiến độ kế hoạch",
                   "kpi": "Theo chỉ số hồ sơ", "indicator": "Theo chỉ số nhập tay", "manual": "Tự chấm"}


def score_stem(result: dict) -> str:
    """``2023-chi-so-cchc`` for the year, ``2023-Q3-chi-so-cchc`` for a period of it."""
    return f"{result['year']}-{SCORE_SUFFIX}" if result.get("year_end") else f"{result['period']}-{SCORE_SUFFIX}"


def score_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats of the self-assessment among those of a report run (it has no Word file)."""
    return tuple(f for f in SCORE_FORMATS if f in formats)


def page_context(result: dict) -> dict:
    """What the HTML page shows: the totals, and per area its criteria as table rows."""
    areas = []
    for area in result["areas"]:
        rows = [{
            "id": c["id"], "level": c["level"], "text": c["text"], "max": vi.points(c["max"]),
            "score": vi.points(c["score"]), "at_risk": vi.points(c.get("at_risk")) if c.get("at_risk") else "",
            "open": vi.points(c.get("open")) if c.get("open") else "",
            "method": METHOD_NAMES_VI.get(c["method"], c["method"]), "how": c.get("how") or "",
            "sum": c["method"] == "sum",
            "evidence": c.get("evidence") or [], "expected": c.get("expected_evidence") or "",
            "official": c.get("official") or "", "note": c.get("note") or "",
            "flags": [FLAG_NAMES_VI.get(f, f) for f in c.get("flags", [])],
        } for c in area["criteria"]]
        areas.append({"id": area["id"], "text": area["text"], "max": vi.points(area["max"]),
                      "score": vi.points(area["score"]), "rows": rows})
    return {
        "result": result, "areas": areas, "total": vi.points(result["score"]), "max": vi.points(result["max"]),
        "at_risk": vi.points(result.get("at_risk")), "open": vi.points(result.get("open")),
        "window": f"{vi.date(result['start'])} – {vi.date(result['end'])}",
        "flags": [{"name": FLAG_NAMES_VI.get(k, k), "count": n} for k, n in sorted(result.get("flags", {}).items())
                  if n],
    }


def render_score_html(result: dict) -> str:
    """The self-assessment as one offline HTML page."""
    from .publish import _site_environment

    return _site_environment().get_template("score.html.j2").render(**page_context(result))


# --------------------------------------------------------------------------- the workbook
_HEADER = ("STT", "Lĩnh vực / tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Tài liệu kiểm chứng", "Ghi chú")
_WIDTHS = (9, 60, 11, 11, 50, 45)
_RISK_HEADER = ("Điểm có nguy cơ mất", "Điểm chưa đến hạn")


def build_score_workbook(result: dict) -> Workbook:
    """The self-scoring form: one row per area and criterion, the total row; during the year two
    more columns, the points at risk and those still open."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tự chấm điểm"
    in_year = not result.get("year_end")
    header = _HEADER + (_RISK_HEADER if in_year else ())
    widths = _WIDTHS + ((12, 12) if in_year else ())
    put_cell(ws, 1, 1, result.get("unit")).font = Font(bold=True)
    title = f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {result['year']}"
    put_cell(ws, 2, 1, title).font = Font(bold=True, size=13)
    put_cell(ws, 3, 1, f"Số liệu từ {vi.date(result['start'])} đến {vi.date(result['end'])}"
                       + ("" if result.get("year_end") else f" ({result['period_name']}, đang trong năm)"))
    if result.get("example"):
        warning = put_cell(ws, 4, 1, "Bộ tiêu chí trong thư mục dữ liệu là bộ ví dụ: thay bằng bộ tiêu chí của tỉnh.")
        warning.font = Font(italic=True, color="9C0006")
    first = 6
    style_header_row(ws, first, header, widths)
    ws.row_dimensions[first].height = 32
    row = first + 1
    for area in result["areas"]:
        for c in area["criteria"]:
            bold = c["level"] == 1
            notes = [c.get("how") or "", *(FLAG_NAMES_VI.get(f, f) for f in c.get("flags", []))]
            if c.get("official"):
                notes.append(f"Người chấm: {c['official']}")
            if c.get("note"):
                notes.append(c["note"])
            values = [c["id"], c["text"], c["max"], c["score"], "\n".join(c.get("evidence") or []) or None,
                      "\n".join(n for n in notes if n) or None]
            if in_year:
                values += [c.get("at_risk") or 0, c.get("open") or 0]
            for column, value in enumerate(values, start=1):
                cell = put_cell(ws, row, column, value, "0.##" if column in (3, 4, 7, 8) else None)
                cell.alignment = Alignment(vertical="top", wrap_text=True, indent=0 if column != 2 else c["level"] - 1)
                if bold:
                    cell.font = Font(bold=True)
            fit_row_height(ws, row)
            row += 1
    totals = ["", "Tổng cộng", result["max"], result["score"], "", ""]
    if in_year:
        totals += [result.get("at_risk") or 0, result.get("open") or 0]
    for column, value in enumerate(totals, start=1):
        put_cell(ws, row, column, value, "0.##" if column in (3, 4, 7, 8) else None).font = Font(bold=True)
    style_print(ws, first, len(header))
    return wb


def write_score_xlsx(result: dict, target: Path) -> None:
    save_workbook(build_score_workbook(result), target)


# --------------------------------------------------------------------------- a run
def write_score_files(result: dict, folder: Path, formats: tuple[str, ...]) -> list[str]:
    """Write the self-assessment's files of ``formats`` into ``folder`` (a staging folder);
    returns their names."""
    from .publish import write_atomic
    from .render import export_pdf, load_renderers

    stem = score_stem(result)
    names = []
    html = folder / f"{stem}.html"
    if "html" in formats or "pdf" in formats:
        write_atomic(html, render_score_html(result))
        if "pdf" in formats:
            load_renderers()
            export_pdf(html, folder / f"{stem}.pdf")
            names.append(f"{stem}.pdf")
        if "html" in formats:
            names.append(html.name)
        else:
            html.unlink()
    if "xlsx" in formats:
        write_score_xlsx(result, folder / f"{stem}.xlsx")
        names.append(f"{stem}.xlsx")
    if "json" in formats:
        write_atomic(folder / f"{stem}.json", json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        names.append(f"{stem}.json")
    return sorted(names, key=lambda n: SCORE_FORMATS.index(Path(n).suffix[1:]))


def compute_score(target: str, *, data_dir: str | Path = "", cutoff: str = "decree09", unit: str = "",
                  skip_invalid: bool = False) -> dict | None:
    """The self-assessment of ``target`` (a year, ``2023``, or a period of it, ``2023-Q3``) from
    the data folder; None when the folder has no ``scoring/`` criteria."""
    from .params import check_parameters

    return score_of(check_parameters(target, cutoff, str(data_dir), unit, skip_invalid))


def score_of(ctx: ReportContext) -> dict | None:
    """The self-assessment of the checked parameters ``ctx`` (see :func:`compute_score`)."""
    from .plan import load_plan
    from .scoring import load_scoring, score
    from .validate import load_dossiers

    plan = load_plan(ctx.data_dir)
    if plan is not None and plan.year != ctx.period.year and (ctx.data_dir / "scoring").is_dir():
        # criteria and self-scores carry no year: they are those of the plan's year
        raise ReportError(f"{ctx.data_dir}: the plan (plan/plan.yaml) is of {plan.year}: the self-assessment of "
                          f"{ctx.period.year} needs that year's plan, criteria and self-scores in the data folder")
    scoring = load_scoring(ctx.data_dir, plan)
    if scoring is None:
        return None
    data = load_dossiers(ctx.data_dir, skip_invalid=ctx.skip_invalid)
    return score(scoring, unit=ctx.unit, period=ctx.period, cutoff=ctx.cutoff, data=data, plan=plan)


def build_score(target: str, *, data_dir: str | Path = "", out_dir: str | Path | None = None,
                cutoff: str = "decree09", unit: str = "", formats: str | tuple[str, ...] = SCORE_FORMATS,
                skip_invalid: bool = False, progress: Callable[[str], None] | None = None) -> list[Path]:
    """``cchc score``: compute the self-assessment and publish its files into ``out_dir`` (the
    unit's report folder by default) with the folder's index page, as a report run does: under
    the folder's lock, through a staging folder, nothing changed on failure."""
    from .params import check_cutoff_name, check_formats, check_parameters
    from .publish import STAGING_PREFIX, check_out_dir, clear_stale_staging, folder_lock, publish_staged
    from .render import signals_held

    chosen = check_formats(formats, SCORE_FORMATS)
    cutoff = check_cutoff_name(cutoff)
    ctx = check_parameters(target, cutoff, str(data_dir), unit, skip_invalid)
    result = score_of(ctx)
    if result is None:
        raise ReportError(f"{ctx.data_dir}: no scoring/criteria.csv (or .xlsx): the criteria of the reform index "
                          "are read from there (README, \"The reform index self-assessment\")")
    out = Path(out_dir) if out_dir else paths.default_out_dir(ctx.unit.slug)
    check_out_dir(out)
    with folder_lock(out):
        clear_stale_staging(out)
        try:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
        except OSError as exc:
            raise ReportError(f"--out: cannot write into {str(out)!r}: {exc.strerror or exc}") from None
        try:
            names = write_score_files(result, staging, chosen)
            with signals_held():
                published = publish_staged(staging, out, names)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    if progress is not None:
        progress(f"{score_stem(result)}: {vi.points(result['score'])}/{vi.points(result['max'])} điểm")
    return published
