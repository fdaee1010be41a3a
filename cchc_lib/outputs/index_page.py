"""The index pages' view model: what the page of a report folder (``index.html``) and the page
of units of a many-unit output folder show, made from the folder's files and the reports' JSON
summaries (read by :func:`cchc_lib.figures.summary_json.read_summary`), rendered by the templates
of ``templates/site/`` (every value escaped). Writing the pages into place is
:mod:`cchc_lib.running.publish`'s.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import jinja2

from ..base import paths, vi
from ..base.errors import CchcError
from ..base.periods import CUTOFF_SHORT_VI, PeriodError, parse_period
from ..figures import coverage
from ..figures.dossiers import MAIN_KPIS
from ..figures.rollup_analysis import BAND_LABELS_VI
from ..figures.summary_json import check_summary, read_json, read_summary
from .templating import clip

INDEX_FILE = "index.html"
# a period's files, in the order an index page links them
REPORT_SUFFIXES = (".html", ".pdf", ".docx", ".xlsx", ".json")
FILE_LABELS_VI = {"html": "Trang web", "pdf": "PDF", "docx": "Word", "xlsx": "Excel", "json": "JSON",
                  "noi-bo": "Nội bộ"}
COMPANION_SUFFIX = "-noi-bo"  # <PERIOD>-noi-bo.html: the report's internal companion (cchc_lib.outputs.companion)
# the KPIs of an index page's table of the year, and its columns (period kinds) in this order
INDEX_KPIS = MAIN_KPIS
INDEX_COLUMNS_VI = {"Q1": "Quý I", "Q2": "Quý II", "Q3": "Quý III", "Q4": "Quý IV", "H1": "6 tháng",
                    "9M": "9 tháng", "Y": "Cả năm"}


# an index page shows texts of the reports' JSON (unit names, ...): each is cut to this length
INDEX_TEXT_LIMIT = 200
ROLLUP_INDEX_TITLE = "Báo cáo tổng hợp kết quả cải cách hành chính"  # the heading of _tong-hop/index.html


def _report_files(out_dir: Path, staged: dict[str, Path] | None) -> list[tuple[str, Path, str, str]]:
    """The files of ``out_dir`` (``staged`` ones replacing or joining them) a report may be made
    of: name, path, stem and suffix, in name order."""
    files: dict[str, Path] = {p.name: p for p in out_dir.iterdir()} if out_dir.is_dir() else {}
    files.update(staged or {})
    chosen = []
    for name, path in sorted(files.items()):
        suffix = Path(name).suffix
        if suffix in REPORT_SUFFIXES and path.is_file():
            chosen.append((name, path, name[: -len(suffix)], suffix))
    return chosen


def list_reports(out_dir: Path, staged: dict[str, Path] | None = None,
                 skipped: list[dict] | None = None, summaries: dict[str, dict] | None = None) -> list[dict]:
    """One entry per period with a report in ``out_dir``: its name, window and files, in period order.

    ``staged`` (file name → path) are files about to replace or join those of ``out_dir``:
    the entries then describe the folder as it will be once they are moved in; ``summaries``
    (file name → summary) are staged JSONs' summaries as the run handed them on, checked but
    not read again. A JSON that cannot be read as a report summary (not an object, a bad
    date, ...) is left out and appended to ``skipped`` (``file``, ``reason``); the period is
    still listed with its other files."""
    found: dict[str, dict] = {}
    for name, path, stem, suffix in _report_files(out_dir, staged):
        kind = suffix[1:]
        if suffix == ".html" and stem.endswith(COMPANION_SUFFIX):
            stem, kind = stem.removesuffix(COMPANION_SUFFIX), COMPANION_SUFFIX[1:]
        try:
            period = parse_period(stem)
        except PeriodError:
            continue
        if period.id != stem:
            continue
        summary: dict = {}
        if suffix == ".json":
            try:
                summary = check_summary(summaries[name]) if name in (summaries or {}) else read_summary(path)
            except ValueError as exc:
                if skipped is not None:
                    skipped.append({"file": name, "reason": str(exc)})
                continue
        entry = found.setdefault(period.id, {"period": period, "files": {}, "paths": {}, "summary": {}})
        entry["files"][kind] = name
        entry["paths"][kind] = path
        if suffix == ".json":
            entry["summary"] = summary
    for entry in found.values():
        _describe(entry)
    return sorted(found.values(), key=lambda e: e["period"].sort_key())


def _describe(entry: dict) -> None:
    """An entry of :func:`list_reports` completed from its summary: the period's name and window,
    the cut-off, when it was made, the unit, and for a roll-up its units."""
    newest = max(path.stat().st_mtime for path in entry.pop("paths").values())
    summary = entry["summary"]
    entry["name"] = entry["period"].name_vi
    entry["window"] = (
        f"{vi.date(summary['start'])} – {vi.date(summary['end'])}" if "start" in summary and "end" in summary
        else vi.MISSING
    )
    entry["cutoff"] = CUTOFF_SHORT_VI.get(summary.get("cutoff", ""), vi.MISSING)
    entry["generated"] = summary.get("generated_at") or dt.datetime.fromtimestamp(newest, vi.VN_TIME).isoformat(
        timespec="seconds"
    )
    entry["generated_vi"] = vi.local_time(entry["generated"], "%H:%M %d/%m/%Y")
    entry["unit"] = clip(summary.get("unit") or "", INDEX_TEXT_LIMIT)
    # a roll-up's JSON (``kind: rollup``) tells how many units it sums and which are missing
    entry["kind"] = summary.get("kind", "unit")
    entry["unit_count"] = summary.get("unit_count")
    entry["missing_units"] = [clip(str(m.get("unit_slug", "")), INDEX_TEXT_LIMIT)
                              for m in summary.get("missing_units") or [] if isinstance(m, dict)]


SCORE_MARK = "-chi-so-cchc"  # <YEAR>-chi-so-cchc.* / <PERIOD>-chi-so-cchc.*: the reform index self-assessment


def list_scores(out_dir: Path, staged: dict[str, Path] | None = None) -> list[dict]:
    """The reform index self-assessments of ``out_dir`` (with ``staged`` files): per year or
    period, its files and, from its JSON, the total score."""
    found: dict[str, dict] = {}
    for name, path, stem, suffix in _report_files(out_dir, staged):
        if not stem.endswith(SCORE_MARK):
            continue
        try:
            period = parse_period(stem[: -len(SCORE_MARK)])
        except PeriodError:
            continue
        entry = found.setdefault(stem, {"stem": stem, "period": period, "files": {}, "score": None, "max": None,
                                        "name": period.name_vi, "score_text": None})
        entry["files"][suffix[1:]] = name
        if suffix == ".json":
            data = _read_json_quietly(path)
            score, top = _number(data.get("score")), _number(data.get("max"))
            if score is not None and top is not None:
                entry["score"], entry["max"] = vi.points(score), vi.points(top)
            if isinstance(data.get("score_text"), str):  # "72,06 / 89,3 điểm đến hạn; 10,7 điểm chưa đến hạn"
                entry["score_text"] = clip(data["score_text"], INDEX_TEXT_LIMIT)
    return sorted(found.values(), key=lambda e: e["period"].sort_key())


def _read_json_quietly(path: Path) -> dict:
    try:
        data = read_json(path)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def site_environment() -> jinja2.Environment:
    """The index pages' templates; every value is escaped (autoescape)."""
    from .templating import environment

    return environment(paths.TEMPLATES_DIR / "site", clip_limit=INDEX_TEXT_LIMIT, autoescape=True,
                       keep_trailing_newline=True)


def _number(value: object) -> float | None:
    """A JSON value as a finite number; None for anything else (null, text, true, NaN)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


_vi_percent = vi.percent  # the index shows rates as the reports do
NO_DATA = vi.NO_DATA.lower()



def _targets_of(summary: dict, kpi: str) -> list[dict]:
    """The plan's targets for ``kpi`` in a summary (``targets``), each with ``comparison``,
    ``value`` (a number), ``met`` (True, False or None), ``target_id`` and ``sentence``;
    entries that are not such are left out."""
    targets = summary.get("targets")
    found = []
    for t in targets if isinstance(targets, list) else []:
        if not isinstance(t, dict) or t.get("kpi") != kpi or _number(t.get("value")) is None:
            continue
        found.append({
            "comparison": vi.sign(str(t.get("comparison") or "")),
            "value": _number(t.get("value")),
            "met": t.get("met") if isinstance(t.get("met"), bool) else None,
            "conflict": t.get("conflict") is True,
            "target_id": clip(str(t.get("target_id") or ""), 20),
            "sentence": clip(str(t.get("sentence") or ""), INDEX_TEXT_LIMIT),
        })
    return found


def _kpi_cell(summary: dict, kpi: str) -> dict:
    """One period's value of ``kpi`` on the index: ``value``, ``text``, ``width`` (of its bar,
    0–100), ``state`` (``met``, ``not-met``, ``none``), ``verdict`` and ``detail``."""
    kpis = summary.get("kpis") if isinstance(summary.get("kpis"), dict) else {}
    value = _number(kpis.get(kpi))
    mets = [t["met"] for t in _targets_of(summary, kpi)]
    state, verdict = "none", ""
    if False in mets:
        state, verdict = "not-met", vi.VERDICTS[False]
    elif mets and all(mets):
        state, verdict = "met", vi.VERDICTS[True]
    judged = [m for m in mets if m is not None]
    detail = f"đạt {judged.count(True)}/{len(mets)} mức" if len(mets) > 1 and True in judged else ""
    text = _vi_percent(value)
    if value is None and coverage.unknown(coverage.KPI_NEEDS.get(kpi, ()), coverage.missing_columns(summary)):
        text = NO_DATA  # the export lacks a column the rate needs (docs/figures.md, "The figures")
    return {"value": value, "text": text,
            "width": round(min(max(value or 0.0, 0.0), 1.0) * 100, 1), "state": state, "verdict": verdict,
            "detail": detail}


def _kpi_row(chosen: list[dict], kpi: str, name: str, sentences: dict[tuple, dict]) -> dict:
    """One KPI's row of a year's table: its periods' cells, the plan's target levels (a KPI the
    plan gives several values is a ``conflict``); its targets' sentences are added to ``sentences``."""
    levels: dict[tuple, dict] = {}
    conflict = False
    for r in chosen:
        for t in _targets_of(r["summary"], kpi):
            levels.setdefault((t["comparison"], t["value"]), t)
            conflict = conflict or t["conflict"]
            sentences.setdefault((t["target_id"], t["value"], t["sentence"]), {**t, "name": name})
    targets = [{"text": f"{c} {_vi_percent(v)}", "width": round(min(max(v, 0.0), 1.0) * 100, 1)}
               for c, v in sorted(levels)]
    return {"kpi": kpi, "name": name, "targets": targets, "conflict": conflict or len(targets) > 1,
            "cells": [_kpi_cell(r["summary"], kpi) for r in chosen]}


def year_overview(reports: list[dict]) -> list[dict]:
    """The main KPIs (:data:`INDEX_KPIS`) of each year's periods side by side, most recent year
    first: per year ``year``, ``columns`` (``id``, ``name``, ``href``: the period's page, or
    None) in the order of :data:`INDEX_COLUMNS_VI`, ``rows`` (see :func:`_kpi_row`) and
    ``sentences`` (the plan's targets as written). A year whose reports have no KPIs is left out."""
    from ..figures.dossiers import KPI_NAMES_VI

    order = list(INDEX_COLUMNS_VI)
    years: dict[int, list[dict]] = {}
    for r in reports:
        if isinstance(r["summary"].get("kpis"), dict):
            years.setdefault(r["period"].year, []).append(r)
    overview = []
    for year in sorted(years, reverse=True):
        chosen = sorted(years[year], key=lambda r: order.index(r["period"].kind))
        sentences: dict[tuple, dict] = {}
        rows = [_kpi_row(chosen, kpi, KPI_NAMES_VI[kpi], sentences) for kpi in INDEX_KPIS]
        columns = [{"id": r["period"].id, "name": INDEX_COLUMNS_VI[r["period"].kind],
                    "href": r["files"].get("html") or r["files"].get("pdf")} for r in chosen]
        overview.append({"year": year, "columns": columns, "rows": rows, "sentences": list(sentences.values())})
    return overview


def render_index(out_dir: Path, title: str | None = None, parent_link: bool = False,
                 staged: dict[str, Path] | None = None, on_skip: Callable[[str], None] | None = None,
                 summaries: dict[str, dict] | None = None) -> str:
    """The page listing every report of ``out_dir`` (with ``staged`` files and their handed-on
    ``summaries``, see :func:`list_reports`). A JSON it cannot read is left out: a note on the
    page names it, and ``on_skip`` receives a line saying so."""
    skipped: list[dict] = []
    reports = list_reports(out_dir, staged, skipped, summaries)
    for item in skipped:
        if on_skip is not None:
            on_skip(f"index of {out_dir}: {item['file']} left out: {item['reason']}")
    units = sorted({r["unit"] for r in reports if r["unit"]})
    for r in reports:
        r["behind"] = rollup_behind(r, out_dir.parent) if r["kind"] == "rollup" else []
    return site_environment().get_template("index.html.j2").render(
        reports=reports, units=units, title=title, parent_link=parent_link, skipped=skipped,
        scores=list_scores(out_dir, staged),
        overview=year_overview(reports), file_kinds=list(FILE_LABELS_VI), file_labels=FILE_LABELS_VI,
    )


def list_units(out_dir: Path, units: list[dict] | None = None) -> list[dict]:
    """The units of an output folder: those of ``units`` (``slug``, and optionally ``name``,
    ``folder``, ``failed``, ``error`` from a run), in their order, then every other sub-folder
    not starting with ``_`` or ``.`` that holds reports, by name. Each: ``slug``, ``name``,
    ``district``, ``province`` (from its newest report's JSON), ``periods`` (names of the
    periods reported), ``href`` (its index page, or None), ``failed``, ``error``, ``folder``."""
    given = {str(u["slug"]): u for u in units or []}
    found = sorted(
        f.name for f in out_dir.iterdir()
        if f.is_dir() and not f.name.startswith(("_", ".")) and f.name not in given
        and ((f / INDEX_FILE).is_file() or list_reports(f))
    ) if out_dir.is_dir() else []
    result = []
    for slug in [*given, *found]:
        folder = out_dir / slug
        reports = list_reports(folder) if folder.is_dir() else []
        newest = max(reports, key=lambda r: r["generated"], default={"summary": {}})["summary"]
        run = given.get(slug, {})
        result.append({
            "slug": slug,
            "name": clip(run.get("name") or newest.get("unit") or slug, INDEX_TEXT_LIMIT),
            "district": clip(newest.get("district") or "", INDEX_TEXT_LIMIT),
            "province": clip(newest.get("province") or "", INDEX_TEXT_LIMIT),
            "periods": [r["name"] for r in reports],
            "href": f"{quote(slug, safe='')}/{INDEX_FILE}" if (folder / INDEX_FILE).is_file() else None,
            "failed": bool(run.get("failed")),
            "error": clip(str(run.get("error") or "").strip().split("\n")[0], 500),
            "folder": run.get("folder") or "",
        })
    return result




def units_page(out_dir: Path, units: list[dict] | None) -> str:
    rollup_dir = out_dir / paths.ROLLUP_DIR_NAME
    rollups = list_reports(rollup_dir) if rollup_dir.is_dir() else []
    for r in rollups:
        r["behind"] = rollup_behind(r, out_dir)
    return site_environment().get_template("units_index.html.j2").render(
        units=list_units(out_dir, units), rollups=rollups, rollup_dir=quote(paths.ROLLUP_DIR_NAME),
        rollup_index=(rollup_dir / INDEX_FILE).is_file(), band_names=BAND_LABELS_VI,
    )




def rollup_behind(rollup: dict, units_dir: Path) -> list[dict]:
    """The units whose report of a roll-up's period (``units_dir/<slug>/<PERIOD>.json``) is not
    the one the roll-up summed, each ``slug``, ``name`` (lowered for a sentence) and
    ``generated_vi``: for a unit summed, its ``generated_at`` differs from the one the roll-up
    recorded (``units[].generated_at``; a roll-up that recorded none: it is later than the
    roll-up's ``generated_at``); for a unit the roll-up names as missing, it is later than the
    roll-up's. ``rollup`` is an entry of :func:`list_reports` (docs/units.md, "The roll-up of many units")."""
    from ..inputs.rollup_params import check_slug

    summary = rollup.get("summary") or {}
    made = _moment(summary.get("generated_at"))
    if made is None:
        return []
    summed = {u["unit_slug"]: u.get("generated_at") for u in _dicts(summary.get("units"))
              if isinstance(u.get("unit_slug"), str)}
    listed = [*summed, *(m["unit_slug"] for m in _dicts(summary.get("missing_units"))
                         if isinstance(m.get("unit_slug"), str))]
    behind = []
    for slug in dict.fromkeys(listed):
        try:
            folder = units_dir / check_slug(slug)
        except CchcError:  # not one folder of the output folder: never looked for
            continue
        data = _read_json_quietly(folder / f"{rollup['period'].id}.json")
        current = _moment(data.get("generated_at"))
        if current is None:
            continue
        recorded = summed.get(slug)
        if (data["generated_at"] != recorded) if isinstance(recorded, str) else current > made:
            name = data.get("unit") if isinstance(data.get("unit"), str) and data["unit"].strip() else slug
            behind.append({"slug": slug, "name": clip(vi.lower_first(name.strip()), INDEX_TEXT_LIMIT),
                           "generated_vi": vi.local_time(data["generated_at"], "%H:%M %d/%m/%Y")})
    return behind


def _dicts(value: object) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _moment(value: object) -> dt.datetime | None:
    """An ISO date-time of a JSON as an aware moment (one without an offset: the machine's
    local time); None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.astimezone()

