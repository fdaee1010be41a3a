"""A unit's period reports: ``notebooks/period_report.ipynb`` run per period, its files published.

Each period is one :class:`~cchc_lib.running.steps.NotebookReport`: the notebook executed with
papermill in a reusable kernel (:mod:`.kernel`), then its HTML page (nbconvert, the project's
``cchc`` template), the PDF of that page (WeasyPrint, A4), the internal companion page, the Word
document, the workbook and the JSON summary, each step within its time limit (:mod:`.steps`).

The heavy imports (papermill, nbconvert, WeasyPrint: seconds) happen once
(:func:`~cchc_lib.running.steps.load_renderers`), after the data passed its checks (a refusal
comes as quickly as ``cchc validate``) and before the worker processes are forked
(:mod:`.pool`), so each worker inherits them. The data is read and checked once, here, and
handed to the kernels as a file of the staging folder.

Publishing is atomic (:mod:`.publish`): every file of every period is written into a staging
folder inside the output folder, under the folder's lock, and moved into place with the index
page only when all of them succeeded. On a failure nothing already published is touched; the
executed notebook of the failing period is kept as ``_failed/<PERIOD>.ipynb``. A year's run
with a ``scoring/`` folder writes the reform index self-assessment beside the reports.
"""

from __future__ import annotations

import base64
import functools
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..base import paths
from ..base.errors import CchcError, ReportError
from ..base.periods import Period, parse_period
from ..inputs.loading import CHECKED_DATA_ENV, hand_over_dossiers, load_dossiers, release_dossiers
from ..inputs.params import FORMATS, check_cutoff_name, check_formats, check_jobs, check_parameters, check_periods
from ..inputs.plan import load_plan
from ..outputs.index_page import COMPANION_SUFFIX
from .kernel import kill_kernel, shutdown_kernel
from .limits import run_limited
from .pages import page_title
from .pool import local_pool
from .publish import check_out_dir, keep_failed, publish, staged_run
from .steps import Extra, NotebookReport, PeriodResult, build_report, failure_sentence, load_renderers


@dataclass(frozen=True)
class PeriodJob:
    """What one worker builds: one period's files into the staging folder."""

    period: str
    cutoff: str
    data_dir: str
    unit: str
    skip_invalid: bool
    notebook: str
    staging: str
    formats: tuple[str, ...]


def build_period(job: PeriodJob) -> PeriodResult:
    """Build one period's files into the staging folder; never raises, reports the failed step."""
    parameters = {
        "period": job.period, "cutoff": job.cutoff, "data_dir": job.data_dir, "unit": job.unit,
        "skip_invalid": job.skip_invalid,
    }
    return build_report(NotebookReport(
        job.period, Path(job.notebook), parameters, Path(job.staging), job.formats,
        title=lambda summary: page_title("Báo cáo CCHC", summary["period_name"], summary["unit"]),
        extras=functools.partial(_period_extras, job), document=bool({"docx", "xlsx"} & set(job.formats)),
    ))


def _period_extras(job: PeriodJob, summary: dict, document: dict | None) -> list[Extra]:
    """A period's files beyond its page, PDF and JSON: the internal companion beside the page,
    the Word document and the workbook."""
    from ..outputs.companion import write_companion
    from ..outputs.xlsx_report import write_period_xlsx

    return [
        Extra("companion", "html", f"{job.period}{COMPANION_SUFFIX}.html",
              lambda target: write_companion(summary, target), limited=False),
        Extra("docx", "docx", f"{job.period}.docx", lambda target: write_docx(document, job, target)),
        Extra("xlsx", "xlsx", f"{job.period}.xlsx", lambda target: write_period_xlsx(summary, target, document)),
    ]


def write_docx(document: dict, job: PeriodJob, target: Path) -> None:
    """The Word file: the document the notebook showed, with the images it showed (PNG
    ``data:`` URIs), written into the unit's template (the shipped one, or ``report_template:``
    of unit.yaml)."""
    from ..inputs.unit import read_unit
    from ..outputs.docx_report import write_period_docx

    document = dict(document)
    images = {}
    for key, uri in (document.pop("images", None) or {}).items():
        head, _, payload = str(uri).partition(",")
        if head == "data:image/png;base64":
            images[key] = base64.b64decode(payload)
    unit = read_unit(Path(job.data_dir) if job.data_dir else paths.sample_data_dir(), job.unit)
    write_period_docx(document, target, template=unit.document.template_path, images=images)


def score_job(staging: str, data_dir: str, year: int, cutoff: str, unit: str, skip_invalid: bool,
              formats: tuple[str, ...]) -> tuple[list[str], str]:
    """The year's reform index self-assessment (docs/self-assessment.md, "The reform index self-assessment")
    written into the staging folder beside the reports: its file names, or the error that fails
    the run. It runs in the pool with the periods, so it takes a core a period leaves free."""
    try:  # in a child process, within the step's time limit (docs/commands.md, "Time limits")
        return run_limited("score", _score_files, staging, data_dir, year, cutoff, unit, skip_invalid, formats), ""
    except (CchcError, ReportError) as exc:
        return [], f"{year} self-assessment (scoring/), no report was changed: {exc}"


def _score_files(staging: str, data_dir: str, year: int, cutoff: str, unit: str, skip_invalid: bool,
                 formats: tuple[str, ...]) -> list[str]:
    from ..outputs.score_files import score_formats
    from .score_report import compute_score, write_score_files

    result = compute_score(str(year), data_dir=data_dir, cutoff=cutoff, unit=unit, skip_invalid=skip_invalid)
    return write_score_files(result, Path(staging), score_formats(formats)) if result else []


def check_office_texts(contexts: list, plan: object) -> None:
    """The office's own words of each period (``narrative/<PERIOD>.md``) read and placed before
    any notebook runs: a text the report has no place for fails the run at once, naming the file
    and the line (docs/report.md, "The official report")."""
    from ..inputs.narrative import check_narrative_places, read_narrative, section_two_areas

    for ctx in contexts:
        check_narrative_places(read_narrative(ctx.data_dir, ctx.period.id), section_two_areas(plan, ctx.period.year))


def _scored_year(contexts: list, formats: tuple[str, ...], plan: object) -> object:
    """The context of the year whose self-assessment a run writes: the year among its periods,
    a ``scoring/`` folder in the data, a format the self-assessment has, and no plan of another
    year (its criteria would be scored against the wrong plan); else None."""
    from ..outputs.score_files import score_formats

    year = next((c for c in contexts if c.period.kind == "Y"), None)
    if year is None or not score_formats(formats) or not (year.data_dir / "scoring").is_dir():
        return None
    if plan is not None and plan.year != year.period.year:
        return None
    return year


def build_reports(
    periods: Iterable[str | Period] | str | None = None,
    *,
    year: int | None = None,
    cutoff: str = "decree09",
    data_dir: str | Path = "",
    out_dir: str | Path | None = None,
    formats: str | Iterable[str] = FORMATS,
    unit: str = "",
    skip_invalid: bool = False,
    notebook: Path = paths.PERIOD_REPORT_NOTEBOOK,
    jobs: int | None = None,
    keep_kernel: bool = False,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Build and publish the reports of ``periods`` (ids or :class:`Period`; or every period of
    ``year``); returns the published files.

    The parameters are checked first, as ``cchc report`` checks them: a bad one raises
    :class:`~cchc_lib.base.errors.ParameterError` (a ``CchcError``) before anything is read or
    written. The output folder is then locked (``OUT/.lock``; a run already holding it makes
    this one fail at once) and cleared of staging folders that killed runs left. All periods
    are built (in a small pool of processes, one kernel each); only when every one succeeded
    are the files and the index page (made beforehand) moved into ``out_dir``. Raises
    :class:`ReportError` naming the period, the failing step and the error otherwise.
    ``progress`` receives a line as each period finishes (``2023-Q2 done in 12.3 s (3/7)``).
    With ``jobs=1`` the periods run in this process's kernel, kept for the next call when
    ``keep_kernel`` (a worker building one unit after another).
    """
    period_list = check_periods(periods, year)
    formats = check_formats(formats)
    cutoff = check_cutoff_name(cutoff)
    jobs = check_jobs(jobs)
    contexts = [check_parameters(p.id, cutoff, str(data_dir), unit, skip_invalid) for p in period_list]
    out = Path(out_dir) if out_dir else paths.default_out_dir(contexts[0].unit.slug)
    if not check_out_dir(out, create=False).exists():
        # a new folder: the data is checked before it is made (bad data leaves no trace)
        load_dossiers(contexts[0].data_dir, skip_invalid=skip_invalid)
    check_out_dir(out)
    with staged_run(out) as staging:
        year = _check_inputs(contexts, formats, skip_invalid)
        job_list = [
            PeriodJob(ctx.period.id, cutoff, str(ctx.data_dir), unit, skip_invalid, str(Path(notebook).resolve()),
                      str(staging), formats)
            for ctx in contexts
        ]
        extra = None if year is None else functools.partial(
            score_job, str(staging), str(year.data_dir), year.period.year, cutoff, unit, skip_invalid, formats)
        with _dossiers_handed_over(contexts[0].data_dir, skip_invalid, staging):
            results, scored = _run_jobs(job_list, jobs, keep_kernel, progress, extra)
        names = _names_to_publish(results, scored, staging, out)
        summaries = {f"{r.period}.json": r.summary for r in results if f"{r.period}.json" in r.files}
        return publish(staging, out, names, summaries=summaries, settled=[r.period for r in results])


def _check_inputs(contexts: list, formats: tuple[str, ...], skip_invalid: bool) -> object:
    """The data read and checked, once, before any notebook starts (bad data is refused at
    once): the dossiers, the plan, the year's criteria when it is scored, the office's own
    words; the context of the year whose self-assessment the run writes (or None)."""
    load_dossiers(contexts[0].data_dir, skip_invalid=skip_invalid)
    plan = load_plan(contexts[0].data_dir)
    year = _scored_year(contexts, formats, plan)
    if year is not None:  # its criteria too, before any notebook runs
        from ..inputs.criteria import load_scoring

        load_scoring(contexts[0].data_dir, plan)
    check_office_texts(contexts, plan)
    return year


@contextmanager
def _dossiers_handed_over(data_dir: Path, skip_invalid: bool, staging: Path) -> Iterator[Path]:
    """Within the block, the checked dossiers are a file of the staging folder that the kernels
    load (:data:`CHECKED_DATA_ENV`) instead of reading the exports again; this process lets its
    own copy go."""
    handover = staging / ".checked-dossiers.pickle"
    previous = os.environ.get(CHECKED_DATA_ENV)
    try:
        hand_over_dossiers(data_dir, skip_invalid, handover)
        release_dossiers()
        os.environ[CHECKED_DATA_ENV] = str(handover)
        yield handover
    finally:
        if previous is None:
            os.environ.pop(CHECKED_DATA_ENV, None)
        else:
            os.environ[CHECKED_DATA_ENV] = previous


def _names_to_publish(results: list[PeriodResult], scored: object, staging: Path, out: Path) -> list[str]:
    """The files of a run whose every period succeeded (and the self-assessment's); otherwise a
    :class:`ReportError` naming the first period that failed, its step and error, where its
    executed notebook was kept (the failing periods' notebooks are moved to ``out/_failed/``)."""
    failures = [r for r in results if r.failed_step]
    if failures:
        kept = [keep_failed(staging / f"{r.period}.ipynb", out) for r in failures]
        others = f" (and {len(failures) - 1} more period(s) failed)" if len(failures) > 1 else ""
        raise ReportError(failure_sentence(failures[0].period, failures[0], kept[0]) + others)
    names = [name for r in results for name in r.files]
    if scored is not None:
        score_names, score_error = scored
        if score_error:
            raise ReportError(score_error)
        names += score_names
    return names


def _run_jobs(job_list: list[PeriodJob], jobs: int | None, keep_kernel: bool = False,
              progress: Callable[[str], None] | None = None,
              extra: Callable[[], object] | None = None) -> tuple[list[PeriodResult], object]:
    """Build every period: in this process when one worker is asked for, else in a pool of
    forked processes (each with its own reusable kernel) that inherit the imports done here.
    ``extra`` (a picklable call, the year's self-assessment) runs after them in the same pool;
    its result is returned beside the periods' (None without it)."""
    load_renderers()
    workers = max(1, min(len(job_list), jobs or os.cpu_count() or 1))
    total = len(job_list)

    def report(result: PeriodResult, done: int) -> None:
        # a period that failed is named by the run's error, which is then the first word on stderr
        if progress is not None and not result.failed_step:
            progress(progress_line(result, done, total))

    if workers == 1:
        return _run_here(job_list, keep_kernel, report, extra)
    return _run_pooled(job_list, workers, report, extra)


def _run_here(job_list: list[PeriodJob], keep_kernel: bool, report: Callable[[PeriodResult, int], None],
              extra: Callable[[], object] | None) -> tuple[list[PeriodResult], object]:
    """The periods one after another in this process's kernel (kept for the next call when
    ``keep_kernel``), then ``extra`` when all succeeded."""
    results = []
    try:
        for job in job_list:
            results.append(build_period(job))
            report(results[-1], len(results))
        return results, (None if extra is None or any(r.failed_step for r in results) else extra())
    except BaseException:
        kill_kernel()  # stopped: the kernel may be busy; no need to ask it
        raise
    finally:
        if not keep_kernel:
            shutdown_kernel()


def _run_pooled(job_list: list[PeriodJob], workers: int, report: Callable[[PeriodResult, int], None],
                extra: Callable[[], object] | None) -> tuple[list[PeriodResult], object]:
    """The periods in a pool of ``workers`` forked processes, the longest windows first (so no
    worker is left alone with a year's report at the end), ``extra`` after them."""
    order = sorted(range(len(job_list)), key=lambda i: -_window_days(job_list[i]))
    done: dict[int, PeriodResult] = {}
    gc.freeze()  # the forked workers then share, rather than copy, what this process imported
    try:
        with local_pool(workers, "fork") as pool:
            futures = {pool.submit(build_period, job_list[i]): i for i in order}
            extra_future = pool.submit(extra) if extra is not None else None
            pending = set(futures)
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    done[futures[future]] = future.result()
                    report(done[futures[future]], len(done))
            extra_result = extra_future.result() if extra_future is not None else None
    finally:
        gc.unfreeze()
    return [done[i] for i in range(len(job_list))], extra_result


def progress_line(result: PeriodResult, done: int, total: int) -> str:
    """The line said as a period finishes.

    >>> progress_line(PeriodResult("2023-Q2", ("2023-Q2.json",), seconds=12.34), 3, 7)
    '2023-Q2 done in 12.3 s (3/7)'
    >>> progress_line(PeriodResult("2023-Y", failed_step="pdf", error="x", seconds=2), 7, 7)
    '2023-Y FAILED at pdf after 2.0 s (7/7)'
    """
    if result.failed_step:
        return f"{result.period} FAILED at {result.failed_step} after {result.seconds:.1f} s ({done}/{total})"
    return f"{result.period} done in {result.seconds:.1f} s ({done}/{total})"


def _window_days(job: PeriodJob) -> int:
    start, end = parse_period(job.period).window(job.cutoff)
    return (end - start).days
