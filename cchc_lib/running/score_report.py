"""The reform index self-assessment's run: computed from a data folder (:func:`compute_score`),
its files written (:func:`write_score_files`: the page, its PDF, the workbook, the JSON, as a
report's steps write them) and published as a report run publishes (:func:`build_score`, ``cchc
score``). What the files show is :mod:`cchc_lib.outputs.score_files`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..base import paths, vi
from ..base.errors import ReportError
from ..figures.scoring import score_sentence
from ..inputs.unit import DocumentInfo
from ..outputs.score_files import SCORE_FORMATS, ScoreResult, render_score_html, score_stem, write_score_xlsx
from .limits import run_limited
from .publish import check_out_dir, publish, staged_run
from .steps import Extra, StepLog, write_report_files

if TYPE_CHECKING:
    from ..inputs.params import ReportContext


def write_score_files(result: dict, folder: Path, formats: tuple[str, ...],
                      author: DocumentInfo | None = None) -> list[str]:
    """Write the self-assessment's files of ``formats`` into ``folder`` (a staging folder);
    returns their names. ``author`` as for :func:`~cchc_lib.outputs.score_files.render_score_html`."""
    stem = score_stem(result)
    return write_report_files(
        folder, stem, formats, result, StepLog(),
        html=lambda target: target.write_text(render_score_html(result, author), encoding="utf-8"),
        extras=[Extra("xlsx", "xlsx", f"{stem}.xlsx", lambda target: write_score_xlsx(result, target), limited=False)],
    )


def compute_score(target: str, *, data_dir: str | Path = "", cutoff: str = "decree09", unit: str = "",
                  skip_invalid: bool = False) -> ScoreResult | None:
    """The self-assessment of ``target`` (a year, ``2023``, or a period of it, ``2023-Q3``) from
    the data folder, with the unit's author (:class:`ScoreResult`); None when the folder has no
    ``scoring/`` criteria."""
    from ..inputs.params import check_parameters

    return score_of(check_parameters(target, cutoff, str(data_dir), unit, skip_invalid))


def score_of(ctx: ReportContext) -> ScoreResult | None:
    """The self-assessment of the checked parameters ``ctx`` (see :func:`compute_score`), with the
    unit's author."""
    from ..figures.scoring import score
    from ..inputs.criteria import load_scoring
    from ..inputs.loading import load_dossiers
    from ..inputs.plan import load_plan

    plan = load_plan(ctx.data_dir)
    if plan is not None and plan.year != ctx.period.year and (ctx.data_dir / "scoring").is_dir():
        # criteria and self-scores carry no year: they are those of the plan's year
        raise ReportError(f"{ctx.data_dir}: the plan (plan/plan.yaml) is of {plan.year}: the self-assessment of "
                          f"{ctx.period.year} needs that year's plan, criteria and self-scores in the data folder")
    scoring = load_scoring(ctx.data_dir, plan)
    if scoring is None:
        return None
    data = load_dossiers(ctx.data_dir, skip_invalid=ctx.skip_invalid)
    return ScoreResult(score(scoring, unit=ctx.unit, period=ctx.period, cutoff=ctx.cutoff, data=data, plan=plan),
                       author=ctx.unit.document)


def build_score(target: str, *, data_dir: str | Path = "", out_dir: str | Path | None = None,
                cutoff: str = "decree09", unit: str = "", formats: str | tuple[str, ...] = SCORE_FORMATS,
                skip_invalid: bool = False, progress: Callable[[str], None] | None = None) -> list[Path]:
    """``cchc score``: compute the self-assessment and publish its files into ``out_dir`` (the
    unit's report folder by default) with the folder's index page, as a report run does: under
    the folder's lock, through a staging folder, nothing changed on failure."""
    from ..inputs.params import check_cutoff_name, check_formats, check_parameters

    chosen = check_formats(formats, SCORE_FORMATS)
    cutoff = check_cutoff_name(cutoff)
    ctx = check_parameters(target, cutoff, str(data_dir), unit, skip_invalid)
    result = score_of(ctx)
    if result is None:
        raise ReportError(f"{ctx.data_dir}: no scoring/criteria.csv (or .xlsx): the criteria of the reform index "
                          "are read from there (docs/self-assessment.md, \"The reform index self-assessment\")")
    out = Path(out_dir) if out_dir else paths.default_out_dir(ctx.unit.slug)
    check_out_dir(out)
    with staged_run(out) as staging:
        # its files within the step's time limit (docs/commands.md, "Time limits"), as in a report run
        names = run_limited("score", write_score_files, result, staging, chosen)
        published = publish(staging, out, names)
    if progress is not None:
        total = score_sentence(result["score"], result["points_due"], result["points_not_yet_due"])
        missing = result.get("flags", {}).get("data_missing", 0)
        unscored = f"; {missing} tiêu chí thiếu số liệu, chưa chấm (tính là chưa đạt điểm)" if missing else ""
        progress(f"{score_stem(result)}: {total} (tối đa {vi.points(result['max'])}){unscored}")
        if result.get("criteria_decision"):
            progress(f"  Bộ tiêu chí: {result['criteria_file']}, ban hành kèm theo {result['criteria_decision']}")
        if result.get("example"):
            progress(f"  {result['criteria_file']} is an example set of criteria (VÍ DỤ): replace it with the "
                     "province's criteria of the reform index before the self-assessment is sent")
    return published
