"""Publishing the roll-up of many units: ``notebooks/rollup_report.ipynb`` run per period, its
files written into ``OUT/_tong-hop/`` the way unit reports are published (staged, moved into place
only when every period succeeded), then the index pages. The figures are summed by
:mod:`cchc_lib.figures.rollup`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from ..base import paths
from ..base.errors import ReportError
from ..figures.rollup import KIND, check_rollup_parameters, parse_units

FAILED_DIR = "_failed"


def publish_rollup(periods: list[str], out_dir: Path, expected: list[str], cutoff: str = "decree09",
                   formats: tuple[str, ...] = ("html", "pdf", "json"),
                   notebook: Path = paths.ROLLUP_NOTEBOOK, failed: dict[str, str] | None = None) -> list[Path]:
    """Build and publish the roll-up of ``periods`` over the units ``expected`` (folder names of
    ``out_dir``; empty: every unit folder) into ``out_dir/_tong-hop/``; returns the published files.

    Every period is built into a staging folder first; only when all succeeded are the files
    moved into place and the index pages written (``_tong-hop/index.html`` and the units'
    page ``out_dir/index.html``). Otherwise nothing published changes: a :class:`ReportError`
    names the period, the failing step and the error, and the executed notebook is kept as
    ``_tong-hop/_failed/<PERIOD>.ipynb``. ``failed``: units whose reports failed in this run
    (slug → reason), missing from the roll-up even where an earlier report of theirs remains.
    """
    from .publish import folder_lock, write_units_index
    from .render import FORMATS

    if not periods:
        raise ReportError("no period given")
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ReportError(f"--format: unknown {', '.join(unknown) or '(none)'}; choose from {','.join(FORMATS)}")
    out = Path(out_dir).resolve()
    units = ",".join(parse_units(list(expected)))
    contexts = [check_rollup_parameters(p, cutoff, out, units) for p in periods]
    target = out / paths.ROLLUP_DIR_NAME
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"roll-up: cannot use {str(target)!r}: {exc.strerror or exc}") from None
    with folder_lock(target):
        from .publish import clear_stale_staging

        clear_stale_staging(target)
        published = _publish_rollup_locked(contexts, target, out, units, cutoff, formats, notebook, failed)
    write_units_index(out, [{"slug": slug} for slug in contexts[0].units])
    return published


def _publish_rollup_locked(contexts: list, target: Path, out: Path, units: str, cutoff: str,
                           formats: tuple[str, ...], notebook: Path, failed: dict[str, str] | None) -> list[Path]:
    from .publish import ROLLUP_INDEX_TITLE, publish_staged
    from .render import shutdown_kernel, signals_held

    try:
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target))
    except OSError as exc:
        raise ReportError(f"roll-up: cannot write into {str(target)!r}: {exc.strerror or exc}") from None
    try:
        built: list[str] = []
        for ctx in contexts:
            parameters = {
                "period": ctx.period.id, "cutoff": cutoff, "reports_dir": str(out), "units": units,
                "failed": {str(k): str(v) for k, v in (failed or {}).items()},
            }
            built += _build_rollup_period(parameters, staging, target, formats, notebook)
        with signals_held():
            published = publish_staged(staging, target, built, title=ROLLUP_INDEX_TITLE, parent_link=True)
            _clear_failed(target, [ctx.period.id for ctx in contexts])
        return published
    finally:
        shutdown_kernel()
        shutil.rmtree(staging, ignore_errors=True)


def _build_rollup_period(parameters: dict, staging: Path, target: Path, formats: tuple[str, ...],
                         notebook: Path) -> list[str]:
    """Execute the roll-up notebook for ``parameters["period"]`` into ``staging`` and write the
    ``formats`` asked for there; the names of the files to publish. When a step fails, the
    executed notebook is kept in ``_tong-hop/_failed/`` and a :class:`ReportError` names the
    period and the step."""
    from .render import execute_notebook, export_html, export_pdf, handed_over, page_title, summary_from_notebook

    period_id = parameters["period"]
    executed = staging / f"{period_id}.ipynb"
    built: list[str] = []
    step = "notebook"
    try:
        with handed_over(staging / f".handover-{period_id}") as handover:
            nb = execute_notebook(Path(notebook), executed, parameters)
            step = "summary"
            summary = summary_from_notebook(nb, handover=handover)
        if summary.get("kind") != KIND or summary.get("period") != period_id:
            raise ReportError(f"the notebook's summary is not the roll-up of {period_id}")
        if "html" in formats or "pdf" in formats:
            step = "html"
            html_file = staging / f"{period_id}.html"
            export_html(nb, page_title("Báo cáo tổng hợp CCHC", summary["period_name"],
                                       f"{summary['unit_count']} đơn vị"), html_file)
            if "html" in formats:
                built.append(html_file.name)
            if "pdf" in formats:
                step = "pdf"
                export_pdf(html_file, staging / f"{period_id}.pdf")
                built.append(f"{period_id}.pdf")
            if "html" not in formats:
                html_file.unlink()
        built += _write_outputs(summary, staging, formats)
        if "json" in formats:
            step = "json"
            text = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
            (staging / f"{period_id}.json").write_text(text, encoding="utf-8")
            built.append(f"{period_id}.json")
    except Exception as exc:  # noqa: BLE001 - any failure is reported with its period and step
        step, error = _step_failure(exc, step)
        kept = _keep_failed(executed, target)
        where = f"executed notebook kept at {kept}" if kept else "the notebook did not start"
        raise ReportError(f"roll-up {period_id}: {step} failed: {error}; {where}; "
                          "no report was changed") from None
    finally:
        shutil.rmtree(staging / f".handover-{period_id}", ignore_errors=True)
    return built


def _write_outputs(summary: dict, staging: Path, formats: tuple[str, ...]) -> list[str]:
    """The roll-up's Word document and workbook (those of ``formats``) written into ``staging``;
    a failure names its step (``docx`` / ``xlsx``)."""
    from ..outputs.rollup_outputs import write_rollup_docx, write_rollup_xlsx
    from .render import StepTimeout, run_limited

    written = []
    for kind, write in (("docx", write_rollup_docx), ("xlsx", write_rollup_xlsx)):
        if kind in formats:
            try:  # in a child process, within the step's time limit (docs/commands.md, "Time limits")
                run_limited(kind, write, summary, staging / f"{summary['period']}.{kind}")
            except StepTimeout as exc:
                raise _StepError(kind, str(exc)) from exc
            except Exception as exc:  # noqa: BLE001 - reported with its step
                raise _StepError(kind, _first_line(exc)) from exc
            written.append(f"{summary['period']}.{kind}")
    return written


class _StepError(Exception):
    """A step of a roll-up period that failed: its name and what went wrong."""

    def __init__(self, step: str, error: str) -> None:
        super().__init__(error)
        self.step, self.error = step, error


def _step_failure(exc: Exception, step: str) -> tuple[str, str]:
    """The step that failed and what went wrong, as a period's report says it
    (:func:`render.step_failure`: a notebook cell's error names its cell)."""
    from .render import step_failure

    if isinstance(exc, _StepError):
        return exc.step, exc.error
    return step_failure(exc, step)


def _clear_failed(target: Path, period_ids: list[str]) -> None:
    """Remove the kept notebooks of periods now published, and ``_tong-hop/_failed/`` once empty."""
    for period_id in period_ids:
        (target / FAILED_DIR / f"{period_id}.ipynb").unlink(missing_ok=True)
    if (target / FAILED_DIR).is_dir() and not any((target / FAILED_DIR).iterdir()):
        (target / FAILED_DIR).rmdir()


def _first_line(message: object) -> str:
    lines = str(message).strip().splitlines()
    return lines[0] if lines else ""


def _keep_failed(executed: Path, target: Path) -> Path | None:
    """Move a failing period's executed notebook to ``_tong-hop/_failed/`` (None if none was written)."""
    if not executed.exists():
        return None
    failed_dir = target / FAILED_DIR
    failed_dir.mkdir(exist_ok=True)
    kept = failed_dir / executed.name
    os.replace(executed, kept)
    return kept
