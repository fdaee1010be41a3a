"""Running the report notebook and publishing its HTML, PDF and JSON.

One period's report is made by executing ``notebooks/period_report.ipynb`` with
papermill, then exporting the executed notebook:

- HTML: nbconvert with the project's ``cchc`` template (one offline file, no code);
- PDF: WeasyPrint from that HTML (A4);
- JSON: the summary the notebook displays in its ``summary-json`` cell.

The heavy imports (papermill, nbconvert, WeasyPrint) happen once, in this module, before the
worker processes are forked, so each worker inherits them.

Publishing is atomic: every file of every period is written into a staging folder
inside the output folder and moved into place only when all of them succeeded. On a
failure nothing already published is touched; the executed notebook of the failing
period is kept as ``_failed/<PERIOD>.ipynb``.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.util import Finalize
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import KernelManager
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from papermill.exceptions import PapermillExecutionError
from weasyprint import HTML

from . import paths
from .errors import ReportError
from .params import check_parameters
from .pdf_resources import project_url_fetcher
from .periods import Period, parse_period
from .plan import load_plan
from .publish import write_index
from .validate import CHECKED_DATA_ENV, hand_over_dossiers, load_dossiers, release_dossiers
from .views import SUMMARY_MIME

FORMATS: tuple[str, ...] = ("html", "pdf", "json")
FAILED_DIR = "_failed"
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters", "summary-json", "remove"}
KERNEL_NAME = "python3"


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


@dataclass(frozen=True)
class PeriodResult:
    """A worker's answer: the files it made, or the step that failed and why."""

    period: str
    files: tuple[str, ...] = ()
    failed_step: str = ""
    error: str = ""


def parse_formats(text: str) -> tuple[str, ...]:
    """The ``--format`` list (``html,pdf,json``) as a tuple in canonical order.

    >>> parse_formats("json, html")
    ('html', 'json')
    """
    asked = {part.strip().lower() for part in text.split(",") if part.strip()}
    unknown = sorted(asked - set(FORMATS))
    if not asked:
        raise ReportError("--format: no format given; choose from html,pdf,json")
    if unknown:
        raise ReportError(f"--format: unknown {', '.join(unknown)}; choose from html,pdf,json")
    return tuple(f for f in FORMATS if f in asked)


# The kernel process's own log (start-up notices) says nothing to the analyst; errors in
# cells reach the executed notebook and the command line.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
CELL_TIMEOUT = 900  # seconds: a cell still running after this is stopped and the period fails
_CLEAR_NAMESPACE = "get_ipython().run_line_magic('reset', '-f')\nget_ipython().execution_count = 1"
_kernel: KernelManager | None = None


def reusable_kernel(cwd: Path) -> KernelManager:
    """This process's kernel: started on first use, then reused with its namespace cleared.

    A report notebook runs in a fresh namespace each time (``%reset -f``, prompts from In [1]),
    while the modules it imported stay loaded: a batch of periods pays the kernel's start and
    the imports once per process, not once per period.
    """
    global _kernel
    if _kernel is not None and _kernel.is_alive():
        client = _kernel.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive(
                _CLEAR_NAMESPACE + _environment_update(), store_history=False, timeout=60,
                output_hook=lambda msg: None,
            )
        finally:
            client.stop_channels()
        if reply["content"]["status"] == "ok":
            return _kernel
        shutdown_kernel()
    _kernel = KernelManager(kernel_name=KERNEL_NAME)
    _kernel.start_kernel(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS)
    # a pool worker ends through multiprocessing's exit path, which runs finalizers, not atexit
    Finalize(None, shutdown_kernel, exitpriority=10)
    return _kernel


def _environment_update() -> str:
    """Code giving a reused kernel this process's current hand-over of checked dossiers (a
    kernel started for an earlier batch would otherwise look for that batch's)."""
    value = os.environ.get(CHECKED_DATA_ENV)
    if value is None:
        return f"\nimport os as _os\n_os.environ.pop({CHECKED_DATA_ENV!r}, None)\ndel _os"
    return f"\nimport os as _os\n_os.environ[{CHECKED_DATA_ENV!r}] = {value!r}\ndel _os"


def shutdown_kernel() -> None:
    """Stop this process's reusable kernel, if one runs."""
    global _kernel
    if _kernel is not None:
        _kernel.shutdown_kernel(now=True)
        _kernel = None


def execute_notebook(notebook: Path, output: Path, parameters: dict) -> nbformat.NotebookNode:
    """Run the report notebook with ``parameters`` in this process's kernel; the executed copy
    is written to ``output``."""
    return papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,  # written once at the end (or on failure), not after every cell
        execution_timeout=CELL_TIMEOUT,
        km=reusable_kernel(notebook.parent),
    )


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The executed notebook as one offline HTML page, without code, prompts or parameter cells."""
    exporter = HTMLExporter(
        template_name=paths.HTML_TEMPLATE,
        extra_template_basedirs=[str(paths.TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="vi",
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=HIDDEN_CELL_TAGS, enabled=True), enabled=True
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def html_to_pdf(html: str, target: Path) -> None:
    """Print the report's HTML to an A4 PDF.

    The renderer reads ``data:`` URIs (the charts) and files of the package's templates folder,
    nothing else: a network address or another local file named in the page is left out.
    """
    HTML(string=html, base_url=str(paths.PROJECT_ROOT), url_fetcher=project_url_fetcher()).write_pdf(str(target))


def summary_from_notebook(nb: nbformat.NotebookNode) -> dict:
    """The JSON summary displayed by the notebook's ``summary-json`` cell."""
    for cell in nb.cells:
        if "summary-json" in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if SUMMARY_MIME in data:
                    return dict(data[SUMMARY_MIME])
    raise ReportError("the notebook shows no summary (a cell tagged 'summary-json' with a JSON output)")


def build_period(job: PeriodJob) -> PeriodResult:
    """Build one period's files into the staging folder; never raises, reports the failed step."""
    staging = Path(job.staging)
    executed = staging / f"{job.period}.ipynb"
    parameters = {
        "period": job.period, "cutoff": job.cutoff, "data_dir": job.data_dir, "unit": job.unit,
        "skip_invalid": job.skip_invalid,
    }
    step = "notebook"
    try:
        nb = execute_notebook(Path(job.notebook), executed, parameters)
        step = "summary"
        summary = summary_from_notebook(nb)
        files = []
        if "html" in job.formats or "pdf" in job.formats:
            step = "html"
            html = notebook_to_html(nb, f"Báo cáo CCHC {summary['period_name']} - {summary['unit']}")
            if "html" in job.formats:
                (staging / f"{job.period}.html").write_text(html, encoding="utf-8")
                files.append(f"{job.period}.html")
            if "pdf" in job.formats:
                step = "pdf"
                html_to_pdf(html, staging / f"{job.period}.pdf")
                files.append(f"{job.period}.pdf")
        if "json" in job.formats:
            step = "json"
            text = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
            (staging / f"{job.period}.json").write_text(text, encoding="utf-8")
            files.append(f"{job.period}.json")
    except PapermillExecutionError as exc:
        return PeriodResult(job.period, failed_step=f"notebook cell In [{exc.exec_count}]",
                            error=f"{exc.ename}: {_first_line(exc.evalue)}")
    except Exception as exc:  # noqa: BLE001 - any failure is reported with its step
        return PeriodResult(job.period, failed_step=step, error=f"{type(exc).__name__}: {_first_line(exc)}")
    return PeriodResult(job.period, files=tuple(files))


def _first_line(message: object) -> str:
    lines = str(message).strip().splitlines()
    return lines[0] if lines else ""


def build_reports(
    periods: list[Period],
    *,
    cutoff: str = "decree09",
    data_dir: str | Path = "",
    out_dir: str | Path | None = None,
    formats: tuple[str, ...] = FORMATS,
    unit: str = "",
    skip_invalid: bool = False,
    notebook: Path = paths.PERIOD_REPORT_NOTEBOOK,
    jobs: int | None = None,
    keep_kernel: bool = False,
) -> list[Path]:
    """Build and publish the reports of ``periods``; returns the published files.

    All periods are built first (in a small pool of processes, one kernel each);
    only when every one succeeded are the files moved into ``out_dir`` and the
    index rewritten. Raises :class:`ReportError` naming the period, the failing
    step and the error otherwise. With ``jobs=1`` the periods run in this process's kernel,
    kept for the next call when ``keep_kernel`` (a worker building one unit after another).
    """
    if not periods:
        raise ReportError("no period given")
    contexts = [check_parameters(p.id, cutoff, str(data_dir), unit, skip_invalid) for p in periods]
    # the data is read and checked here, once: bad data is refused before any notebook starts,
    # and the kernels load the checked dossiers from the staging folder instead of reading the
    # exports again; this process then lets its copy go
    load_dossiers(contexts[0].data_dir, skip_invalid=skip_invalid)
    load_plan(contexts[0].data_dir)
    out = Path(out_dir) if out_dir else paths.default_out_dir(contexts[0].unit.slug)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"--out: cannot use {str(out)!r} as the output folder: {exc.strerror or exc}") from None
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    handover = staging / ".checked-dossiers.pickle"
    previous = os.environ.get(CHECKED_DATA_ENV)
    try:
        hand_over_dossiers(contexts[0].data_dir, skip_invalid, handover)
        release_dossiers()
        os.environ[CHECKED_DATA_ENV] = str(handover)
        job_list = [
            PeriodJob(ctx.period.id, cutoff, str(ctx.data_dir), unit, skip_invalid, str(Path(notebook).resolve()),
                      str(staging), formats)
            for ctx in contexts
        ]
        results = _run_jobs(job_list, jobs, keep_kernel)
        failures = [r for r in results if r.failed_step]
        if failures:
            kept = _keep_failed(failures, staging, out)
            first = failures[0]
            where = f"executed notebook kept at {kept[0]}" if kept[0] else "the notebook did not start"
            others = f" (and {len(failures) - 1} more period(s) failed)" if len(failures) > 1 else ""
            raise ReportError(
                f"{first.period}: {first.failed_step} failed: {first.error}; {where}; no report was changed{others}"
            )
        published = []
        for result in results:
            for name in result.files:
                os.replace(staging / name, out / name)
                published.append(out / name)
            (out / FAILED_DIR / f"{result.period}.ipynb").unlink(missing_ok=True)
        if (out / FAILED_DIR).is_dir() and not any((out / FAILED_DIR).iterdir()):
            (out / FAILED_DIR).rmdir()
        write_index(out)
        return published
    finally:
        if previous is None:
            os.environ.pop(CHECKED_DATA_ENV, None)
        else:
            os.environ[CHECKED_DATA_ENV] = previous
        shutil.rmtree(staging, ignore_errors=True)


def _run_jobs(job_list: list[PeriodJob], jobs: int | None, keep_kernel: bool = False) -> list[PeriodResult]:
    """Build every period: in this process when one worker is asked for, else in a pool of
    forked processes (each with its own reusable kernel) that inherit the imports done here."""
    workers = max(1, min(len(job_list), jobs or os.cpu_count() or 1))
    if workers == 1:
        try:
            return [build_period(job) for job in job_list]
        finally:
            if not keep_kernel:
                shutdown_kernel()
    # the longest windows make the longest reports: start them first so no worker is left
    # alone with a year's report at the end
    order = sorted(range(len(job_list)), key=lambda i: -_window_days(job_list[i]))
    gc.freeze()  # the forked workers then share, rather than copy, what this process imported
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            done = dict(zip(order, pool.map(build_period, [job_list[i] for i in order])))
    finally:
        gc.unfreeze()
    return [done[i] for i in range(len(job_list))]


def _window_days(job: PeriodJob) -> int:
    start, end = parse_period(job.period).window(job.cutoff)
    return (end - start).days


def _keep_failed(failures: list[PeriodResult], staging: Path, out: Path) -> list[Path | None]:
    """Move the failing periods' executed notebooks to ``out/_failed/`` (None where none was written)."""
    failed_dir = out / FAILED_DIR
    failed_dir.mkdir(exist_ok=True)
    kept: list[Path | None] = []
    for result in failures:
        executed = staging / f"{result.period}.ipynb"
        target = failed_dir / executed.name
        if executed.exists():
            os.replace(executed, target)
            kept.append(target)
        else:
            kept.append(None)
    return kept
