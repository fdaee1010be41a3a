"""What the report notebook displays: HTML blocks built from the summary, and figures.

Each function returns an IPython display object; the notebook shows it. Text is
Vietnamese. The markup lives in the templates of ``templates/sections/``, rendered by one
Jinja environment that escapes every value: the functions here hand the templates data
(dicts, lists, numbers, plain strings), never HTML, so nothing read from the data folder
can become markup in the report.

Every text a section shows is cut to :data:`~cchc_lib.outputs.templating.TEXT_LIMIT` characters (with an ellipsis): a
cell holding a whole page of text, or a hundred thousand characters, would make the report
unreadable and its PDF take minutes. The JSON keeps the texts whole.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import os
from pathlib import Path

import jinja2
from IPython.display import HTML, JSON, SVG
from matplotlib.figure import Figure

from ..base import vi
from ..base.periods import CUTOFF_NAMES_VI
from . import tthc_form
from .templating import DOCUMENT_TEXT_LIMIT, TEXT_LIMIT, clip, environment, unbroken  # noqa: F401 (named here too)

SUMMARY_MIME = "application/json"  # the output type of show_summary


# Column widths (percent) of each table: set, rather than measured from the content, they
# keep the layout steady on screen and spare the PDF renderer most of its table work.
COLUMN_WIDTHS: dict[str, list[float]] = {
    "cchc-tthc": [6, 14] + [80 / 11] * 11,
    "cchc-rollup-kpis": [28, 10, 14, 17, 19, 12],
    "cchc-rollup-rank": [7, 29, 11, 15, 19, 19],
    "cchc-rollup-units": [4, 20, 9, 9, 9, 9, 9, 12, 19],
    "cchc-rollup-change": [5, 23, *[72 / 6] * 6],
}


@functools.cache
def _environment(limit: int = TEXT_LIMIT) -> jinja2.Environment:
    """The one environment of the section templates; it escapes every value (autoescape), and
    cuts every text it shows to ``limit`` characters."""
    env = environment(
        clip_limit=limit,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # every {{ value }} a template shows; joined lists are clipped item by item
        finalize=functools.partial(clip, limit=limit),
    )
    env.globals["COLUMN_WIDTHS"] = COLUMN_WIDTHS
    return env


def _render(section: str, **data: object) -> HTML:
    return HTML(_environment().get_template(f"sections/{section}.html.j2").render(**data))


def show_tthc_table(summary: dict) -> HTML:
    """Biểu II.06a: dossiers received and resolved, per field and in total."""
    counts = summary["dossiers"]
    fields = [{"field": str(field), "counts": list(values.values())} for field, values in counts["by_field"].items()]
    return _render("tthc", fields=fields, total=list(counts["total"].values()), header=tthc_form.header_cells(),
                   note=tthc_form.page_note(summary))


class DataUri:
    """An image drawn by the report, as a ``data:`` URI for an ``<img src>``: not a text of the
    data, so never cut; still escaped like any value."""

    def __init__(self, mime: str, payload: bytes):
        self.uri = f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"

    def __str__(self) -> str:
        return self.uri


CHART_DPI = 200  # sharp on a screen and in print; a PNG costs the PDF renderer a fifth of an SVG's time


def figure_uri(fig: Figure) -> DataUri:
    """A figure as a PNG ``data:`` URI (the document's charts: drawn once, read by any browser
    and by the PDF renderer, which lays an SVG's thousands of glyph paths out far more slowly)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return DataUri("image/png", buffer.getvalue())


def show_document(document: dict, images: dict | None = None) -> HTML:
    """The official report (:func:`cchc_lib.outputs.document.build_document`): header block, sections I
    to V, signature, appendices; ``images`` maps an appendix's ``image`` key to a :class:`DataUri`."""
    html = _environment(DOCUMENT_TEXT_LIMIT).get_template("document/document.html.j2").render(
        document=document, images=images or {})
    return HTML(html)


def show_figure(fig: Figure) -> SVG:
    """A figure as inline SVG (sharp on screen and in the PDF; text drawn as shapes)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return SVG(buffer.getvalue())


def show_document_data(document: dict, images: dict | None = None) -> JSON:
    """The document's context and its images (left out of the HTML and PDF; read back to write
    the Word file, so that it says and shows exactly what the page does): the document's keys,
    and ``images``, each image's ``data:`` URI."""
    uris = {key: str(uri) for key, uri in (images or {}).items()}
    return _hand_over({**document, "images": uris}, "document")


def show_summary(summary: dict) -> JSON:
    """The period's JSON summary (the cell is left out of the HTML and PDF, and read back to publish)."""
    return _hand_over(summary, "summary")


HANDOVER_ENV = "CCHC_HANDOVER"  # set by ``cchc report`` for each notebook it runs: a folder
HANDOVER_KEY = "cchc_handover"  # the one key of what is shown instead, naming the file


def _hand_over(data: dict, root: str) -> JSON:
    """``data`` shown as JSON in JupyterLab; under ``cchc report`` (:data:`HANDOVER_ENV` names a
    folder) written to ``<folder>/<root>.json`` instead, and only that file's name shown.

    At a province's volume the summary and the document are megabytes: sent as a cell's output
    they would ride on the kernel's output channel and into the executed notebook, and a busy
    machine could deliver them late. The file is written as the kernel would serialise the
    output (same JSON conversions), so what the report reads back is the same either way."""
    folder = os.environ.get(HANDOVER_ENV, "")
    if not folder or not Path(folder).is_dir():
        return JSON(data, expanded=False, root=root)
    from jupyter_client.jsonutil import json_clean, json_default

    try:  # as jupyter_client.session.json_packer does with an output
        text = json.dumps(data, default=json_default, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        text = json.dumps(json_clean(data), default=json_default, ensure_ascii=False, allow_nan=False)
    target = Path(folder) / f"{root}.json"
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
    return JSON({HANDOVER_KEY: target.name}, expanded=False, root=root)


# ---------------------------------------------------------------------------------------------
# The roll-up of many units (``rollup.build_rollup_summary``): its own sections; the Biểu II.06a
# table is the unit report's (``show_tthc_table`` reads the same ``dossiers`` keys).
# ---------------------------------------------------------------------------------------------

def _place_of(units: list[dict]) -> list[str]:
    """The area the units share: their district and province, or the province alone."""
    districts = {(u["district"], u["province"]) for u in units}
    provinces = {u["province"] for u in units}
    if len(districts) == 1:
        return [p for p in next(iter(districts)) if p]
    if len(provinces) == 1:
        return [p for p in provinces if p]
    return []


def _gap_cell(gap: dict | None) -> dict | None:
    """A gap to a target as a table cell shows it: its text, its band (the cell's shade) and the
    band's name, the target it is measured against."""
    from ..figures.rollup_analysis import BAND_LABELS_VI, gap_text

    if gap is None:
        return None
    value = gap.get("target", gap.get("value"))
    return {"text": gap_text(gap["points"]), "band": gap["band"], "label": BAND_LABELS_VI[gap["band"]],
            "target": f"{vi.sign(gap['comparison'])} {vi.percent(value)} ({gap['target_id']})"}


def _unit_link(unit: dict) -> dict:
    """A unit's name and the links to its files (the page of the period first)."""
    links = unit.get("links") or {}
    files = [{"href": links[kind], "label": label} for kind, label in
             (("pdf", "PDF"), ("docx", "Word"), ("xlsx", "Excel"), ("index", "Các kỳ")) if kind in links]
    return {"name": unit["unit"], "href": links.get("html") or links.get("pdf"), "files": files}


def show_rollup_header(summary: dict) -> HTML:
    """Title block of the roll-up: area, period, window and cut-off, the units summed and,
    prominently, the units missing (left out of every figure, not counted as zero). It also
    carries the roll-up's own style rules (``sections/rollup.css``)."""
    generated = vi.local_time(summary["generated_at"])
    units = summary["units"]
    return _render(
        "rollup_header",
        place=_place_of(units), period_name=summary["period_name"], start=summary["start"], end=summary["end"],
        cutoff_name=CUTOFF_NAMES_VI[summary["cutoff"]], generated=generated, unit_count=summary["unit_count"],
        expected_count=summary["unit_count"] + len(summary["missing_units"]),
        unit_names=[u["unit"] for u in units], missing=summary["missing_units"],
    )


def show_rollup_attention(summary: dict, limit: int | None = None) -> HTML:
    """The box "Đơn vị cần chú ý": the units furthest from a target of their plan (a shortfall of
    at least the threshold), each with its figures; the first ``limit`` (all of them in the JSON)."""
    from ..figures.rollup_analysis import ATTENTION_LIMIT

    chosen = summary["attention"]["units"]
    shown = chosen[: limit or ATTENTION_LIMIT]
    links = {u["unit_slug"]: _unit_link(u) for u in summary["units"]}
    rows = [{"unit": links[u["unit_slug"]],
             "shortfalls": [{**i, "name": i["name"][:1].lower() + i["name"][1:], "gap": _gap_cell(i)}
                       for i in u["items"][:3]],
             "more": max(len(u["items"]) - 3, 0)} for u in shown]
    return _render("rollup_attention", rows=rows, more=len(chosen) - len(shown),
                   threshold=vi.decimal(summary["attention"]["threshold_points"], 1, 0),
                   unit_count=summary["unit_count"])


def _band_legend(summary: dict) -> list[dict]:
    bands = summary["gap_bands"]
    legend = []
    for i, b in enumerate(bands):
        upper = bands[i + 1]["least_shortfall_points"] if i + 1 < len(bands) else None
        least = b["least_shortfall_points"]
        if least is None:
            rule = "đạt hoặc vượt chỉ tiêu"
        elif upper is None:
            rule = f"thiếu từ {vi.decimal(least, 1, 0)} điểm % trở lên"
        elif not least:
            rule = f"thiếu dưới {vi.decimal(upper, 1, 0)} điểm %"
        else:
            rule = f"thiếu từ {vi.decimal(least, 1, 0)} đến dưới {vi.decimal(upper, 1, 0)} điểm %"
        legend.append({"band": b["band"], "label": b["label"], "rule": rule})
    return legend


def show_rollup_ranking(summary: dict) -> HTML:
    """The KPIs over all units (recomputed from the summed parts) against the plans' targets,
    with the gap to each target; then per KPI the units ranked best first, those below a target
    marked "Chưa đạt", each with its gap to its target, shaded by band and named in words."""
    from ..figures.dossiers import KPI_NAMES_VI

    links = {u["unit_slug"]: _unit_link(u) for u in summary["units"]}
    kpis = []
    for key, ranking in summary["ranking"].items():
        entries = ranking["units"]
        kpis.append({
            "name": KPI_NAMES_VI.get(key, key), "value": ranking["value"], **summary["kpi_parts"][key],
            "targets": [{**t, "comparison": vi.sign(t["comparison"])} for t in ranking["targets"]],
            "gaps": [_gap_cell(g) for g in ranking.get("total_gaps", []) if g["points"] is not None],
            "below": sum(1 for e in entries if e["met"] is False),
            "judged": sum(1 for e in entries if e["met"] is not None),
            "units": [{**e, "link": links[e["unit_slug"]], "met": str(e["met"]).lower(),
                       "verdict": vi.verdict(e["met"], vi.MISSING), "gap": _gap_cell(e.get("gap"))} for e in entries],
        })
    return _render("rollup_ranking", kpis=kpis, legend=_band_legend(summary))


def show_rollup_units(summary: dict) -> HTML:
    """Each unit's figures side by side (received, resolved, on-time and online rates, overdue
    dossiers and milestones of its plan, targets not met), a link to its report, the missing
    units among them, and the total."""
    from ..figures.dossiers import KPI_NAMES_VI
    from ..inputs.plan import INDICATOR_NAMES_VI

    parts = {(key, e["unit_slug"]): e for key, r in summary["ranking"].items() for e in r["units"]}

    def rate(key: str, slug: str | None) -> dict:
        part = summary["kpi_parts"][key] if slug is None else parts[(key, slug)]
        value = summary["kpis"][key] if slug is None else part["value"]
        return {"value": value, "unknown": value is None and part["denominator"] is None}

    rows = [
        {"unit": u["unit"], "slug": u["unit_slug"], "link": _unit_link(u), "received": u["dossiers"]["received_total"],
         "resolved": u["dossiers"]["resolved_total"], "on_time": rate("on_time_rate", u["unit_slug"]),
         "online": rate("online_rate", u["unit_slug"]), "pending_overdue": u["dossiers"]["pending_overdue"],
         "overdue": u["tasks"]["overdue"] if u["tasks"] else None, "has_plan": bool(u["tasks"]),
         "below_target": u["below_target"]}
        for u in summary["units"]
    ]
    overdue = [u["tasks"]["overdue"] if u["tasks"] else None for u in summary["units"]]
    total = {"received": summary["dossiers"]["total"]["received_total"],
             "resolved": summary["dossiers"]["total"]["resolved_total"],
             "on_time": rate("on_time_rate", None), "online": rate("online_rate", None),
             "pending_overdue": summary["dossiers"]["total"]["pending_overdue"],
             "overdue": None if any(v is None for v in overdue) else sum(overdue)}
    names = {**KPI_NAMES_VI, **INDICATOR_NAMES_VI}
    legend = [{**t, "name": names.get(t["kpi"], t["kpi"]), "comparison": vi.sign(t["comparison"])}
              for t in summary["target_levels"]]
    return _render("rollup_units", rows=rows, missing=summary["missing_units"], total=total,
                   unit_count=summary["unit_count"], legend=legend)


def _change_cell(change: dict | None) -> dict:
    from ..figures.rollup_analysis import change_text

    points = (change or {}).get("points")
    direction = "none" if points is None else ("up" if points >= 0.05 else "down" if points <= -0.05 else "same")
    return {"current": (change or {}).get("current"), "previous": (change or {}).get("previous"),
            "text": change_text(points), "direction": direction}


def show_rollup_changes(summary: dict) -> HTML:
    """Each unit's change since the previous comparable period, per main KPI (the rate now, the
    rate then and the change in points); a unit without a comparable period says why."""
    from ..figures.dossiers import KPI_NAMES_VI
    from ..figures.rollup_analysis import CHANGE_KPIS

    rows = []
    for u in summary["units"]:
        change = u["change"]
        rows.append({"link": _unit_link(u), "comparable": change["comparable"], "reason": change["reason"],
                     "cells": [_change_cell((change["kpis"] or {}).get(k)) for k in CHANGE_KPIS]})
    total = summary["change"]
    return _render("rollup_changes", rows=rows, headers=[KPI_NAMES_VI[k] for k in CHANGE_KPIS],
                   period_name=total["period_name"] or "", total_units=total["unit_count"],
                   period_in_text=(total["period_name"] or "")[:1].lower() + (total["period_name"] or "")[1:],
                   total=[_change_cell(total["kpis"][k]) for k in CHANGE_KPIS] if total["unit_count"] else None)


def show_rollup_late(summary: dict, columns: int = 12) -> HTML:
    """The late dossiers ((10) + (13)) of each unit per field: the ``columns`` fields with the
    most late dossiers (the others in one column), the unit's total, and the total per field."""
    late = summary["late_by_unit"]
    fields = late["fields"][:columns]
    others = late["fields"][columns:]

    def cells(by_field: dict) -> list:
        rest = [by_field.get(f, 0) for f in others]
        return [by_field.get(f, 0) for f in fields] + ([None if None in rest else sum(rest)] if others else [])

    names = fields + (["Lĩnh vực khác"] if others else [])
    links = {u["unit_slug"]: _unit_link(u) for u in summary["units"]}
    rows = [{"link": links[r["unit_slug"]], "cells": cells(r["by_field"]),
             **{k: r[k] for k in ("resolved_late", "pending_overdue", "total")}} for r in late["units"]]
    counted = len(names) + 3
    widths = [4, 22, *[74 / counted] * counted]
    total = {**late["total"], "cells": cells(late["total"]["by_field"])}
    return _render("rollup_late", fields=names, rows=rows, total=total, widths=widths, min_width=260 + 64 * counted,
                   unit_count=summary["unit_count"])
