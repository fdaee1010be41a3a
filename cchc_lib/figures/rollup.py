"""The roll-up of many units: one period's figures of every unit of an output folder, summed.

After a many-unit run, ``OUT`` holds one folder per unit, ``OUT/<unit-slug>/<PERIOD>.json``
(the unit report's JSON summary). The roll-up reads those files, never the units' data:

- :func:`load_unit_summaries` reads the expected units' JSON of a period; a unit whose file is
  missing, unreadable, of another period or cut-off, or not a unit report is *missing*, with
  the reason; it is named in the roll-up, never counted as zero;
- :func:`build_rollup_summary` sums them (pure: no file is read or written): the counts of
  Biểu II.06a per field and in total, the KPIs recomputed from the summed numerators and
  denominators, each unit's own figures, and per KPI the units ranked best first against the
  plan's targets;
- :func:`cchc_lib.running.rollup.publish_rollup` runs ``notebooks/rollup_report.ipynb`` per
  period and publishes ``OUT/_tong-hop/<PERIOD>.*`` the way unit reports are published.

A sum holds only what every unit knows: where one unit cannot tell a count or a KPI's part
(``null`` in its JSON: channels unknown, say), the sum is ``null`` too.

What the district reads first (the gap of each unit to its targets and its band, the units
needing attention, each unit's change since the previous comparable period, the late dossiers
per unit and field) is worked out in :mod:`cchc_lib.figures.rollup_analysis`; the roll-up's workbook
and Word document are written by :mod:`cchc_lib.outputs.rollup_outputs`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..base import vi
from ..base.periods import Period, parse_period
from ..figures import rollup_analysis as analysis
from ..figures.dossiers import COUNT_KEYS, KPI_KEYS
from ..figures.summary_json import UnreadableJson, read_json

# the notebook checks its parameters through this module
from ..inputs.rollup_params import RollupContext as RollupContext
from ..inputs.rollup_params import check_failed as check_failed
from ..inputs.rollup_params import check_rollup_parameters as check_rollup_parameters

SCHEMA_VERSION = 1
KIND = "rollup"
TASK_STATES: tuple[str, ...] = ("due", "done_on_time", "done_late", "overdue", "not_yet_due", "continuous",
                                "no_fixed_date")


# ---------------------------------------------------------------------------------------------
# reading the units' summaries
# ---------------------------------------------------------------------------------------------


def _summary_problem(summary: object, period_id: str, cutoff: str | None) -> str:
    """Why ``summary`` cannot be summed into the roll-up of ``period_id`` (in Vietnamese), or ""."""
    if not isinstance(summary, dict):
        return "tệp JSON không phải bản tóm tắt báo cáo của đơn vị"
    if summary.get("kind", "unit") != "unit":  # a unit report's JSON has no "kind"; a roll-up's has
        return "tệp JSON không phải báo cáo của một đơn vị"
    if summary.get("period") != period_id:
        return f"tệp là báo cáo kỳ {summary.get('period')!s}, không phải kỳ {period_id}"
    if cutoff is not None and summary.get("cutoff") != cutoff:
        return f"báo cáo chốt số liệu theo cách khác ({summary.get('cutoff')!s}, không phải {cutoff})"
    dossiers = summary.get("dossiers")
    total = dossiers.get("total") if isinstance(dossiers, dict) else None
    by_field = dossiers.get("by_field") if isinstance(dossiers, dict) else None
    kpi_parts = summary.get("kpi_parts")
    if (not isinstance(total, dict) or not isinstance(by_field, dict) or not isinstance(kpi_parts, dict)
            or any(key not in total for key in COUNT_KEYS)
            or any(not isinstance(counts, dict) or any(key not in counts for key in COUNT_KEYS)
                   for counts in by_field.values())
            or any(not isinstance(kpi_parts.get(key), dict) for key in KPI_KEYS)):
        return "tệp JSON thiếu số liệu hồ sơ (dossiers.total, dossiers.by_field, kpi_parts)"
    return ""


def load_unit_summaries(out_dir: Path, period_id: str, expected: list[str], cutoff: str | None = None,
                        failed: dict[str, str] | None = None) -> tuple[list[dict], list[dict]]:
    """Each expected unit's ``out_dir/<slug>/<period_id>.json``, in the order of ``expected``.

    Returns ``(summaries, missing)``: a unit whose file is absent or unreadable, of another
    period (or, when ``cutoff`` is given, of another cut-off), or without the figures to sum
    is *missing*: ``{"unit_slug", "reason"}`` (the reason in Vietnamese, for the report).
    A summary's ``unit_slug`` is its folder's name (the name the page of units links). A unit
    of ``failed`` (slug → why its reports failed in the run that asks for the roll-up) is
    missing with that reason, whatever an earlier run left in its folder.
    """
    summaries: list[dict] = []
    missing: list[dict] = []
    for slug in expected:
        if failed and slug in failed:
            missing.append({"unit_slug": slug, "reason": f"báo cáo của lần chạy này bị lỗi: {failed[slug]}"})
            continue
        path = Path(out_dir) / slug / f"{period_id}.json"
        relative = f"{slug}/{period_id}.json"
        if not path.is_file():
            missing.append({"unit_slug": slug, "reason": f"chưa có báo cáo kỳ này (không có tệp {relative})"})
            continue
        try:
            summary = read_json(path)
        except UnreadableJson as exc:
            missing.append({"unit_slug": slug, "reason": f"không đọc được tệp {relative} ({exc.detail})"})
            continue
        problem = _summary_problem(summary, period_id, cutoff)
        if problem:
            missing.append({"unit_slug": slug, "reason": f"{problem} ({relative})"})
            continue
        summaries.append({**summary, "unit_slug": slug})
    return summaries, missing


def load_previous_summaries(out_dir: Path, period_id: str, summaries: list[dict],
                            cutoff: str | None = None) -> dict[str, dict]:
    """Each unit's report of the previous comparable period (``<slug>/<previous>.json``), for
    the change since then: slug → ``{"summary": dict or None, "reason": why not ("" when read)}``.
    A report of another period or cut-off, or without the dossier figures, is not used."""
    previous_id = parse_period(period_id).previous().id
    found: dict[str, dict] = {}
    for slug in [s["unit_slug"] for s in summaries]:
        path = Path(out_dir) / slug / f"{previous_id}.json"
        if not path.is_file():
            found[slug] = {"summary": None, "reason": ""}
            continue
        try:
            summary = read_json(path)
        except UnreadableJson:
            found[slug] = {"summary": None, "reason": f"không đọc được tệp {slug}/{previous_id}.json"}
            continue
        problem = _summary_problem(summary, previous_id, cutoff)
        found[slug] = {"summary": None if problem else summary, "reason": problem}
    return found


REPORT_KINDS = ("html", "pdf", "docx", "xlsx", "json")  # a unit's period files the roll-up links, in this order


def unit_report_links(out_dir: Path, period_id: str, slugs: list[str]) -> dict[str, dict[str, str]]:
    """The unit's files of the period present in ``out_dir`` as links relative to the roll-up's
    folder (``_tong-hop/``): slug → ``{"html": "../<slug>/<PERIOD>.html", …, "index": …}``; the
    folder name is percent-encoded, so the links work wherever the output folder is published.

    >>> import tempfile; out = Path(tempfile.mkdtemp()); (out / "xa a").mkdir()
    >>> _ = (out / "xa a" / "2023-Q1.html").write_text("x", encoding="utf-8")
    >>> unit_report_links(out, "2023-Q1", ["xa a", "xa-b"])
    {'xa a': {'html': '../xa%20a/2023-Q1.html'}, 'xa-b': {}}
    """
    from urllib.parse import quote

    links: dict[str, dict[str, str]] = {}
    for slug in slugs:
        folder = Path(out_dir) / slug
        names = [*(f"{period_id}.{kind}" for kind in REPORT_KINDS), "index.html"]
        links[slug] = {(name.rsplit(".", 1)[1] if name.startswith(period_id) else "index"):
                       f"../{quote(slug, safe='')}/{name}" for name in names if (folder / name).is_file()}
    return links


# ---------------------------------------------------------------------------------------------
# the sums
# ---------------------------------------------------------------------------------------------


def sum_known(values: list[int | None]) -> int | None:
    """The sum of counts every unit knows; None (unknown) as soon as one of them is unknown.

    >>> sum_known([3, 4]), sum_known([3, None]), sum_known([])
    (7, None, 0)
    """
    return None if any(v is None for v in values) else int(sum(values))


def sum_counts(count_dicts: list[dict]) -> dict[str, int | None]:
    """The eleven counts of Biểu II.06a summed key by key (None where a unit has None)."""
    return {key: sum_known([c[key] for c in count_dicts]) for key in COUNT_KEYS}


def _rate(numerator: int | None, denominator: int | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None


def _sorted_fields(by_field: dict[str, dict]) -> dict[str, dict]:
    """Fields as the unit report orders them: most dossiers received first, then by name."""
    order = sorted(by_field, key=lambda f: (-(by_field[f]["received_total"] or 0), f))
    return {field: by_field[field] for field in order}


def _task_counts(tasks: dict | None) -> dict | None:
    """A unit's plan in numbers: the number of tasks and the milestones summed by state over the areas."""
    if not tasks:
        return None
    areas = list((tasks.get("by_area") or {}).values())
    return {"total": tasks.get("total"),
            **{state: int(sum(area.get(state, 0) for area in areas)) for state in TASK_STATES}}


def _unit_targets(summary: dict) -> list[dict]:
    """A unit's targets the roll-up judges by: each KPI's binding one (the first of the plan's, as
    the unit's own report judges it); the plan's conflicting values are the unit's data problem."""
    return [t for t in summary.get("targets") or [] if isinstance(t, dict) and t.get("binding", True)]


def rank_units(units: list[dict], kpi: str) -> list[dict]:
    """The units ordered best first on ``kpi`` (every rate is better higher), equal values
    sharing a rank (1, 2, 2, 4); units without a value last, without rank.

    >>> rows = rank_units([{"unit_slug": "a", "unit": "A", "value": 0.5, "numerator": 1, "denominator": 2,
    ...                     "below_target": []},
    ...                    {"unit_slug": "b", "unit": "B", "value": None, "numerator": None, "denominator": None,
    ...                     "below_target": []},
    ...                    {"unit_slug": "c", "unit": "C", "value": 0.9, "numerator": 9, "denominator": 10,
    ...                     "below_target": []}], "on_time_rate")
    >>> [(r["unit_slug"], r["rank"]) for r in rows]
    [('c', 1), ('a', 2), ('b', None)]
    """
    known = sorted((u for u in units if u["value"] is not None), key=lambda u: (-u["value"], u["unit"], u["unit_slug"]))
    ranked, previous, rank = [], None, 0
    for position, unit in enumerate(known, start=1):
        if unit["value"] != previous:
            rank, previous = position, unit["value"]
        ranked.append({"rank": rank, **unit})
    unknown = sorted((u for u in units if u["value"] is None), key=lambda u: (u["unit"], u["unit_slug"]))
    return ranked + [{"rank": None, **unit} for unit in unknown]


def build_rollup_summary(summaries: list[dict], missing: list[dict], period_id: str, cutoff: str,
                         now: dt.datetime | None = None, previous: dict[str, dict] | None = None,
                         links: dict[str, dict[str, str]] | None = None) -> dict:
    """The roll-up's JSON summary over the units' ``summaries`` (from :func:`load_unit_summaries`).

    Keys shared with the unit report keep their meaning there: ``period``, ``period_name``,
    ``cutoff``, ``start``, ``end``, ``previous_period``, ``generated_at``, ``dossiers.total``,
    ``dossiers.by_field``, ``dossiers.received_in_period``, ``kpis``, ``kpi_parts``. Added:
    ``units`` (each unit's own figures), ``missing_units``, ``ranking`` (per KPI), ``target_levels``
    (the plans' targets), ``unit_count``, ``kind`` ("rollup") and ``schema_version`` (of the
    roll-up's JSON). A count or a KPI part
    some unit cannot tell is null in the sum, never taken as zero; with no unit at all, the
    counts are null too.

    ``previous`` (from :func:`load_previous_summaries`) gives each unit's change since the
    previous comparable period, ``links`` (from :func:`unit_report_links`) the links to its
    files; see :func:`_district_view` for the keys they add.
    """
    period = parse_period(period_id)
    start, end = period.window(cutoff)
    for summary in summaries:
        if summary.get("period") != period.id:
            raise ValueError(f"{summary.get('unit_slug')}: a report of {summary.get('period')}, not {period.id}")
    dossiers, kpi_parts = _summed_dossiers(summaries), _summed_kpi_parts(summaries)
    kpis = {key: _rate(p["numerator"], p["denominator"]) for key, p in kpi_parts.items()}
    units = [_unit_entry(s) for s in summaries]
    ranking = {key: _kpi_ranking(summaries, units, key, kpis[key]) for key in KPI_KEYS}
    view = _district_view(summaries, units, ranking, previous or {}, links or {}, period.previous())
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "period": period.id,
        "period_name": period.name_vi,
        "cutoff": cutoff,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "previous_period": period.previous().id,
        "generated_at": (now or vi.now()).astimezone(vi.VN_TIME).isoformat(timespec="seconds"),
        "unit_count": len(summaries),
        "dossiers": dossiers,
        "kpis": kpis,
        "kpi_parts": kpi_parts,
        "units": units,
        "missing_units": [{"unit_slug": m["unit_slug"], "reason": m["reason"]} for m in missing],
        "ranking": ranking,
        "target_levels": _target_levels(summaries),
        **view,
    }


def _summed_dossiers(summaries: list[dict]) -> dict:
    """The counts of Biểu II.06a summed in total and per field, and the dossiers received in the
    period; all null with no unit at all."""
    present = bool(summaries)
    total = sum_counts([s["dossiers"]["total"] for s in summaries]) if present else dict.fromkeys(COUNT_KEYS)
    fields: dict[str, list[dict]] = {}
    for summary in summaries:
        for field, counts in summary["dossiers"]["by_field"].items():
            fields.setdefault(field, []).append(counts)
    in_period = [s["dossiers"].get("received_in_period") for s in summaries]
    return {
        "total": total,
        "by_field": _sorted_fields({field: sum_counts(counts) for field, counts in fields.items()}),
        "received_in_period": sum_known(in_period) if present else None,
    }


def _summed_kpi_parts(summaries: list[dict]) -> dict[str, dict]:
    """Each KPI's numerator and denominator summed over the units (null where one cannot tell)."""
    present = bool(summaries)
    return {
        key: {part: (sum_known([s["kpi_parts"][key][part] for s in summaries]) if present else None)
              for part in ("numerator", "denominator")}
        for key in KPI_KEYS
    }


def _unit_entry(s: dict) -> dict:
    """One unit's own figures in the roll-up: its counts, KPIs, tasks and the targets it is below."""
    targets = _unit_targets(s)
    return {
        "unit_slug": s["unit_slug"], "unit": s.get("unit") or s["unit_slug"],
        "district": s.get("district") or "", "province": s.get("province") or "",
        "generated_at": s.get("generated_at"),  # the report summed: a later one makes the roll-up stale
        "dossiers": {key: s["dossiers"]["total"][key] for key in COUNT_KEYS},
        "kpis": {key: (s.get("kpis") or {}).get(key) for key in KPI_KEYS},
        "tasks": _task_counts(s.get("tasks")),
        "below_target": [t["target_id"] for t in targets if t.get("met") is False],
    }


def _kpi_ranking(summaries: list[dict], units: list[dict], key: str, value: float | None) -> dict:
    """One KPI's ranking: the summed value, the target levels the plans set, the units best first."""
    levels: dict[tuple, dict] = {}
    entries = []
    for s, unit in zip(summaries, units, strict=True):
        own = [t for t in _unit_targets(s) if t.get("kpi") == key]
        for t in own:
            levels.setdefault((t["target_id"], t["comparison"], t["value"]),
                              {"target_id": t["target_id"], "comparison": t["comparison"], "value": t["value"]})
        part = s["kpi_parts"][key]
        below = [t["target_id"] for t in own if t.get("met") is False]
        met = False if below else (True if own and all(t.get("met") is True for t in own) else None)
        entries.append({"unit_slug": unit["unit_slug"], "unit": unit["unit"], "value": unit["kpis"][key],
                        "numerator": part["numerator"], "denominator": part["denominator"],
                        "met": met, "below_target": below})
    return {
        "value": value,
        "targets": sorted(levels.values(), key=lambda t: (_natural(t["target_id"]), t["value"])),
        "units": rank_units(entries, key),
    }


def _district_view(summaries: list[dict], units: list[dict], ranking: dict, previous: dict[str, dict],
                   links: dict[str, dict[str, str]], compared: Period) -> dict:
    """What the district reads first, added to the roll-up (:mod:`cchc_lib.figures.rollup_analysis`).

    Each unit of ``units`` gets ``gaps`` (per KPI: its gap to its plan's target, ``target_id,
    comparison, target, points, band``, or null), ``change`` (since the previous comparable
    period), ``links`` and ``by_field`` (its counts per field, for the workbook); each entry of
    ``ranking.<kpi>.units`` its ``gap``, and each ``ranking.<kpi>`` the roll-up's gaps to the
    target levels (``total_gaps``). Returned, the new top-level keys: ``gap_bands``,
    ``attention``, ``change``, ``late_by_unit``.
    """
    for summary, unit in zip(summaries, units, strict=True):
        slug = unit["unit_slug"]
        unit["gaps"] = analysis.unit_gaps(summary, KPI_KEYS)
        before = previous.get(slug) or {}
        unit["change"] = analysis.unit_change(summary, before.get("summary"), before.get("reason") or "")
        unit["links"] = dict(links.get(slug) or {})
        unit["by_field"] = summary["dossiers"]["by_field"]
    gaps = {u["unit_slug"]: u["gaps"] for u in units}
    for key, entry in ranking.items():
        for ranked in entry["units"]:
            ranked["gap"] = gaps[ranked["unit_slug"]][key]
        entry["total_gaps"] = [{"target_id": t["target_id"], "comparison": t["comparison"], "value": t["value"],
                                "points": (points := analysis.gap_points(entry["value"], t["comparison"], t["value"])),
                                "band": analysis.gap_band(points)} for t in entry["targets"]]
    parts_before = {slug: (p.get("summary") or {}).get("kpi_parts") or {} for slug, p in previous.items()}
    chosen = analysis.attention(units)
    return {
        "gap_bands": [{"band": band, "label": label, "least_shortfall_points": least}
                      for band, label, least in analysis.GAP_BANDS],
        "attention": {"threshold_points": analysis.ATTENTION_POINTS, "units": chosen},
        "change": {"period": compared.id, "period_name": compared.name_vi,
                   **analysis.total_change(units, {s["unit_slug"]: s["kpi_parts"] for s in summaries}, parts_before)},
        "late_by_unit": analysis.late_by_unit(summaries),
    }


def _target_levels(summaries: list[dict]) -> list[dict]:
    """Every target of the units' plans, once per ``target_id, kpi, comparison, value``, by id."""
    levels: dict[tuple, dict] = {}
    for summary in summaries:
        for t in _unit_targets(summary):
            key = (t.get("target_id"), t.get("kpi"), t.get("comparison"), t.get("value"))
            levels.setdefault(key, dict(zip(("target_id", "kpi", "comparison", "value"), key, strict=True)))
    return sorted(levels.values(), key=lambda t: (_natural(t["target_id"]), str(t["kpi"]), t["value"] or 0))


def _natural(text: str) -> tuple:
    """``T2`` before ``T10``."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(text)))
