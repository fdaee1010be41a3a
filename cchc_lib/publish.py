"""The report folder's index page, and writing files so a reader never sees half of one."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

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
    return sorted(found.values(), key=lambda e: e["period"].sort_key())


def _vi_date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")


def write_index(out_dir: Path) -> Path:
    """Rewrite ``out_dir/index.html``: a page listing every report in the folder."""
    reports = list_reports(out_dir)
    units = sorted({r["unit"] for r in reports if r["unit"]})
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths.TEMPLATES_DIR / "site"), autoescape=True, keep_trailing_newline=True
    )
    page = env.get_template("index.html.j2").render(reports=reports, units=units)
    target = out_dir / INDEX_FILE
    write_atomic(target, page)
    return target
