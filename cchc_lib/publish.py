"""The report folder's index page, the output folder's page of units, and writing files so a
reader never sees half of one."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

import jinja2

from . import paths
from .periods import CUTOFF_SHORT_VI, PeriodError, parse_period

INDEX_FILE = "index.html"
REPORT_SUFFIXES = (".html", ".pdf", ".json")


def write_atomic(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file in the same folder, then rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # a published file is readable like any other (mkstemp makes it private)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def list_reports(out_dir: Path) -> list[dict]:
    """One entry per period with a report in ``out_dir``: its name, window and files, in period order."""
    found: dict[str, dict] = {}
    for path in out_dir.iterdir():
        if path.suffix not in REPORT_SUFFIXES or not path.is_file():
            continue
        try:
            period = parse_period(path.stem)
        except PeriodError:
            continue
        if period.id != path.stem:
            continue
        entry = found.setdefault(period.id, {"period": period, "files": {}, "summary": {}})
        entry["files"][path.suffix[1:]] = path.name
        if path.suffix == ".json":
            try:
                entry["summary"] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                entry["summary"] = {}
    for entry in found.values():
        newest = max((out_dir / name).stat().st_mtime for name in entry["files"].values())
        summary = entry["summary"]
        entry["name"] = entry["period"].name_vi
        entry["window"] = (
            f"{_vi_date(summary['start'])} – {_vi_date(summary['end'])}" if "start" in summary and "end" in summary else "—"
        )
        entry["cutoff"] = CUTOFF_SHORT_VI.get(summary.get("cutoff", ""), "—")
        entry["generated"] = summary.get("generated_at") or dt.datetime.fromtimestamp(newest).astimezone().isoformat(
            timespec="seconds"
        )
        entry["generated_vi"] = dt.datetime.fromisoformat(entry["generated"]).strftime("%H:%M %d/%m/%Y")
        entry["unit"] = summary.get("unit", "")
        # a roll-up's JSON (``kind: rollup``) tells how many units it sums and which are missing
        entry["kind"] = summary.get("kind", "unit")
        entry["unit_count"] = summary.get("unit_count")
        entry["missing_units"] = [m.get("unit_slug", "") for m in summary.get("missing_units") or []
                                  if isinstance(m, dict)]
    return sorted(found.values(), key=lambda e: e["period"].sort_key())


def _vi_date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _site_environment() -> jinja2.Environment:
    """The index pages' templates; every value is escaped (autoescape)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths.TEMPLATES_DIR / "site"), autoescape=True, keep_trailing_newline=True
    )


def write_index(out_dir: Path, title: str | None = None, parent_link: bool = False) -> Path:
    """Rewrite ``out_dir/index.html``: a page listing every report in the folder.

    ``title`` replaces the heading "Báo cáo cải cách hành chính" (the roll-up's folder);
    ``parent_link`` adds a link to the page of units one folder up.
    """
    reports = list_reports(out_dir)
    units = sorted({r["unit"] for r in reports if r["unit"]})
    page = _site_environment().get_template("index.html.j2").render(
        reports=reports, units=units, title=title, parent_link=parent_link
    )
    target = out_dir / INDEX_FILE
    write_atomic(target, page)
    return target


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
            "name": run.get("name") or newest.get("unit") or slug,
            "district": newest.get("district") or "",
            "province": newest.get("province") or "",
            "periods": [r["name"] for r in reports],
            "href": f"{quote(slug, safe='')}/{INDEX_FILE}" if (folder / INDEX_FILE).is_file() else None,
            "failed": bool(run.get("failed")),
            "error": str(run.get("error") or "").strip().split("\n")[0],
            "folder": run.get("folder") or "",
        })
    return result


def write_units_index(out_dir: Path, units: list[dict] | None = None) -> Path:
    """Rewrite ``out_dir/index.html`` of a many-unit output folder: the roll-up's reports
    (``_tong-hop/``) and every unit, with a link to its own index page (see :func:`list_units`
    for ``units``; a unit that failed is shown with its error)."""
    rollup_dir = out_dir / paths.ROLLUP_DIR_NAME
    rollups = list_reports(rollup_dir) if rollup_dir.is_dir() else []
    page = _site_environment().get_template("units_index.html.j2").render(
        units=list_units(out_dir, units), rollups=rollups, rollup_dir=quote(paths.ROLLUP_DIR_NAME),
        rollup_index=(rollup_dir / INDEX_FILE).is_file(),
    )
    target = out_dir / INDEX_FILE
    write_atomic(target, page)
    return target
