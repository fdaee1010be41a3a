"""Publishing the roll-up of many units: ``notebooks/rollup_report.ipynb`` run per period, its
files written into ``OUT/_tong-hop/`` the way unit reports are published (staged, moved into place
only when every period succeeded), then the index pages. The figures are summed by
:mod:`cchc_lib.figures.rollup`.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..base import paths
from ..base.errors import ParameterError, ReportError
from ..figures.rollup import KIND
from ..inputs.params import check_formats
from ..inputs.rollup_params import check_rollup_parameters, parse_units
from ..outputs.index_page import ROLLUP_INDEX_TITLE
from .kernel import shutdown_kernel
from .pages import page_title
from .publish import keep_failed, publish, staged_run, write_units_index
from .steps import Extra, NotebookReport, PeriodResult, build_report, failure_sentence


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
    if not periods:
        raise ReportError("no period given")
    try:
        formats = check_formats(formats)
    except ParameterError as exc:  # as the roll-up has always said it: a report error
        raise ReportError(str(exc)) from None
    out = Path(out_dir).resolve()
    units = ",".join(parse_units(list(expected)))
    contexts = [check_rollup_parameters(p, cutoff, out, units) for p in periods]
    target = out / paths.ROLLUP_DIR_NAME
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"roll-up: cannot use {str(target)!r}: {exc.strerror or exc}") from None
    with staged_run(target, "roll-up") as staging:
        published = _publish_rollup_staged(contexts, staging, target, out, units, cutoff, formats, notebook, failed)
    write_units_index(out, [{"slug": slug} for slug in contexts[0].units])
    return published


def _publish_rollup_staged(contexts: list, staging: Path, target: Path, out: Path, units: str, cutoff: str,
                           formats: tuple[str, ...], notebook: Path, failed: dict[str, str] | None) -> list[Path]:
    """Every period's roll-up built into ``staging``, then published into ``target`` with its index."""
    built: list[str] = []
    summaries: dict[str, dict] = {}
    try:
        for ctx in contexts:
            parameters = {
                "period": ctx.period.id, "cutoff": cutoff, "reports_dir": str(out), "units": units,
                "failed": {str(k): str(v) for k, v in (failed or {}).items()},
            }
            result = _build_rollup_period(parameters, staging, target, formats, notebook)
            built += result.files
            if f"{result.period}.json" in result.files:
                summaries[f"{result.period}.json"] = result.summary
    finally:
        shutdown_kernel()
    return publish(staging, target, built, title=ROLLUP_INDEX_TITLE, parent_link=True, summaries=summaries,
                   settled=[ctx.period.id for ctx in contexts])


def _build_rollup_period(parameters: dict, staging: Path, target: Path, formats: tuple[str, ...],
                         notebook: Path) -> PeriodResult:
    """Execute the roll-up notebook for ``parameters["period"]`` into ``staging`` and write the
    ``formats`` asked for there (:func:`~cchc_lib.running.steps.build_report`). When a step
    fails, the executed notebook is kept in ``_tong-hop/_failed/`` and a :class:`ReportError`
    names the period and the step."""
    from ..outputs.rollup_outputs import write_rollup_docx, write_rollup_xlsx

    period_id = parameters["period"]

    def check(summary: dict) -> None:
        if summary.get("kind") != KIND or summary.get("period") != period_id:
            raise ReportError(f"the notebook's summary is not the roll-up of {period_id}")

    def extras(summary: dict, document: dict | None) -> list[Extra]:
        return [Extra(kind, kind, f"{period_id}.{kind}", functools.partial(write, summary))
                for kind, write in (("docx", write_rollup_docx), ("xlsx", write_rollup_xlsx))]

    result = build_report(NotebookReport(
        period_id, Path(notebook), parameters, staging, formats, extras=extras, check=check,
        title=lambda summary: page_title("Báo cáo tổng hợp CCHC", summary["period_name"],
                                         f"{summary['unit_count']} đơn vị"),
    ))
    if result.failed_step:
        kept = keep_failed(staging / f"{period_id}.ipynb", target)
        raise ReportError(failure_sentence(f"roll-up {period_id}", result, kept, "the notebook did not start"))
    return result
