"""Running the report notebook and publishing its HTML, PDF and JSON.

One period's report is made by executing ``notebooks/period_report.ipynb`` with
papermill, then exporting the executed notebook:

- HTML: nbconvert with the project's ``cchc`` template (one offline file, no code);
- PDF: WeasyPrint from that HTML (A4);
- JSON: the summary the notebook displays in its ``summary-json`` cell.

The heavy imports (papermill, nbconvert, WeasyPrint: seconds) happen once, in this module
(:func:`load_renderers`), after the data passed its checks (a refusal comes as quickly as
``cchc validate``) and before the worker processes are forked, so each worker inherits them.

Publishing is atomic: every file of every period is written into a staging folder
inside the output folder and moved into place only when all of them succeeded. On a
failure nothing already published is touched; the executed notebook of the failing
period is kept as ``_failed/<PERIOD>.ipynb``. The index page is made in the staging folder
too, before the first file moves.

Every step has a time limit (docs/commands.md, "Time limits"): a notebook cell (``CCHC_CELL_TIMEOUT``,
900 s) and the wait for a cell's output after it ended (``CCHC_OUTPUT_TIMEOUT``, 120 s); the HTML
export, the PDF, the Word and Excel files, the self-assessment and the index page
(``CCHC_HTML_TIMEOUT``, ``CCHC_PDF_TIMEOUT``, ``CCHC_DOCX_TIMEOUT``, ``CCHC_XLSX_TIMEOUT``,
``CCHC_SCORE_TIMEOUT``, ``CCHC_INDEX_TIMEOUT``) each run in a forked child process that is
killed at its limit. The notebook hands its summary and document to the runner as files
(``views.HANDOVER_ENV``), not as megabytes of cell output. A run takes ``OUT/.lock`` (a second run into
the same folder is refused at once) and clears the staging folders that killed runs left.
The worker processes and their kernels stop with the process that started them, however it
ends (SIGKILL included): each worker asks the kernel to send it SIGTERM when its parent dies
(Linux) and watches its parent besides.
"""

from __future__ import annotations

import base64
import functools
import gc
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.util import Finalize
from pathlib import Path
from typing import TYPE_CHECKING

from ..base import paths
from ..base.errors import CchcError, ReportError
from ..base.periods import Period, parse_period
from ..inputs.loading import CHECKED_DATA_ENV, hand_over_dossiers, load_dossiers, release_dossiers
from ..inputs.params import FORMATS, check_cutoff_name, check_formats, check_jobs, check_parameters, check_periods
from ..inputs.plan import load_plan
from ..outputs.pdf_resources import (
    FONT_CSS,
    check_pdf_fonts,
    check_text_covered,
    project_url_fetcher,
    shipped_characters,
)
from ..outputs.views import HANDOVER_ENV, HANDOVER_KEY, SUMMARY_MIME
from .limits import (
    TIME_LIMITS,
    StepTimeout,
    children,
    die_with_parent,
    first_line,
    kill_child,
    limit_text,
    run_limited,
    time_limit,
)
from .publish import STAGING_PREFIX, check_out_dir, clear_stale_staging, folder_lock, publish_staged

if TYPE_CHECKING:
    import nbformat
    from jupyter_client.manager import AsyncKernelManager

# set by load_renderers()
papermill = run_sync = HTMLExporter = TagRemovePreprocessor = HTML = CSS = FontConfiguration = None
AsyncKernelManager = None  # noqa: F811
PapermillExecutionError: type[BaseException] = RuntimeError  # a stand-in until loaded


def load_renderers() -> None:
    """Import papermill, nbconvert, jupyter_client and WeasyPrint, once (they take seconds to
    load: nbformat's JSON-schema checks compile their grammars on import)."""
    global papermill, run_sync, HTMLExporter, TagRemovePreprocessor, HTML, CSS, FontConfiguration
    global AsyncKernelManager
    global PapermillExecutionError
    if papermill is not None:
        return
    # jsonschema checks the "iri" string format with rfc3987_syntax when it can import it, and
    # building that module's grammar takes seconds at import; no notebook schema uses "iri", so
    # the import is declined (jsonschema then leaves the format unchecked, as it does without it)
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill as papermill_module
    from jupyter_client.manager import AsyncKernelManager as kernel_manager
    from jupyter_core.utils import run_sync as run_sync_function
    from nbconvert import HTMLExporter as html_exporter
    from nbconvert.preprocessors import TagRemovePreprocessor as tag_remover
    from papermill.exceptions import PapermillExecutionError as execution_error
    from weasyprint import CSS as weasy_css
    from weasyprint import HTML as weasy_html
    from weasyprint.text.fonts import FontConfiguration as font_configuration

    papermill, run_sync, HTMLExporter, TagRemovePreprocessor, HTML, CSS, FontConfiguration = (
        papermill_module, run_sync_function, html_exporter, tag_remover, weasy_html, weasy_css, font_configuration)
    AsyncKernelManager, PapermillExecutionError = kernel_manager, execution_error
    shipped_characters()  # read once here: every PDF step's forked child then has the face's characters


FAILED_DIR = "_failed"
HIDDEN_CELL_TAGS = {"parameters", "injected-parameters", "summary-json", "document-json", "remove"}
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
    seconds: float = 0.0


# The kernel process's own log (start-up notices) says nothing to the analyst; errors in
# cells reach the executed notebook and the command line.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
TITLE_LIMIT = 120  # characters of the unit's name in a page's title
_CLEAR_NAMESPACE = "get_ipython().run_line_magic('reset', '-f')\nget_ipython().execution_count = 1"
_kernel: AsyncKernelManager | None = None
_kernel_sockets: dict[int, str] = {}  # a kernel's folder of sockets, by id of its manager


def reusable_kernel(cwd: Path) -> AsyncKernelManager:
    """This process's kernel: started on first use, then reused with its namespace cleared.

    A report notebook runs in a fresh namespace each time (``%reset -f``, prompts from In [1]),
    while the modules it imported stay loaded: a batch of periods pays the kernel's start and
    the imports once per process, not once per period.
    """
    load_renderers()
    global _kernel
    # an asynchronous manager: with a blocking one, nbclient waits for a cell's output without
    # ever looking at the clock, and a cell's time limit would never be applied
    if _kernel is not None and run_sync(_kernel.is_alive)():
        client = _kernel.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=60)
            reply = run_sync(client.execute_interactive)(
                _CLEAR_NAMESPACE + _environment_update(), store_history=False, timeout=60,
                output_hook=lambda msg: None,
            )
        except Exception:  # noqa: BLE001 - a kernel that does not answer is replaced
            reply = {"content": {"status": "error"}}
        finally:
            client.stop_channels()
        if reply["content"]["status"] == "ok":
            return _kernel
        kill_kernel()
    # the kernel's channels are Unix sockets in a folder of its own: TCP ports, chosen by binding
    # port 0 and letting it go, can be taken by another kernel starting at the same moment
    # (several workers do), and the kernel then fails to start with "Address already in use"
    sockets = tempfile.mkdtemp(prefix="cchc-kernel-")
    _kernel = AsyncKernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=os.path.join(sockets, "k"))
    _kernel_sockets[id(_kernel)] = sockets
    run_sync(_kernel.start_kernel)(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS)
    # a pool worker ends through multiprocessing's exit path, which runs finalizers, not atexit
    Finalize(None, shutdown_kernel, exitpriority=10)
    return _kernel


def _environment_update() -> str:
    """Code giving a reused kernel this process's current hand-overs: the checked dossiers and
    the folder the notebook writes its summary into (a kernel started for an earlier batch
    would otherwise use that batch's)."""
    lines = ["", "import os as _os"]
    for name in (CHECKED_DATA_ENV, HANDOVER_ENV):
        value = os.environ.get(name)
        lines.append(f"_os.environ.pop({name!r}, None)" if value is None else f"_os.environ[{name!r}] = {value!r}")
    return "\n".join([*lines, "del _os"])


def shutdown_kernel() -> None:
    """Stop this process's reusable kernel, if one runs."""
    global _kernel
    if _kernel is not None:
        manager = _kernel
        try:
            run_sync(_kernel.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that cannot be asked is killed
            kill_kernel()
        _kernel = None
        _remove_sockets(manager)


def _remove_sockets(manager: object) -> None:
    folder = _kernel_sockets.pop(id(manager), None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _kernel_pid() -> int | None:
    process = getattr(getattr(_kernel, "provisioner", None), "process", None)
    return getattr(process, "pid", None)


def kill_kernel() -> None:
    """Kill this process's kernel at once (SIGKILL to its process group: the kernel starts a
    session of its own), without asking it: after a time limit, or when this process stops."""
    global _kernel
    pid = _kernel_pid()
    manager, _kernel = _kernel, None
    if pid:
        _kill_group(pid)
    _remove_sockets(manager)


def _kill_group(pid: int) -> None:
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
            return
        except (ProcessLookupError, PermissionError, OSError):
            continue


def execute_notebook(notebook: Path, output: Path, parameters: dict) -> nbformat.NotebookNode:
    """Run the report notebook with ``parameters`` in this process's kernel; the executed copy
    is written to ``output``."""
    load_renderers()
    return papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,  # written once at the end (or on failure), not after every cell
        execution_timeout=time_limit("notebook"),
        iopub_timeout=time_limit("output"),
        km=reusable_kernel(notebook.parent),
    )


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The executed notebook as one offline HTML page, without code, prompts or parameter cells."""
    load_renderers()
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
    load_renderers()
    check_text_covered(html)  # a letter the shipped face lacks: named, never drawn by another face or dropped
    fetcher, font_config = project_url_fetcher(), FontConfiguration()
    fonts = CSS(filename=str(FONT_CSS), url_fetcher=fetcher, font_config=font_config)
    document = HTML(string=html, base_url=str(paths.PROJECT_ROOT), url_fetcher=fetcher).render(
        stylesheets=[fonts], font_config=font_config)
    pdf = document.write_pdf()
    check_pdf_fonts({font.family for font in document.fonts.values()})
    target.write_bytes(pdf)


def _html_file(nb: nbformat.NotebookNode, title: str, target: str) -> int:
    html = notebook_to_html(nb, title)
    Path(target).write_text(html, encoding="utf-8")
    return len(html)


def _pdf_file(html_path: str, target: str) -> int:
    html_to_pdf(Path(html_path).read_text(encoding="utf-8"), Path(target))
    return Path(target).stat().st_size


def export_html(nb: nbformat.NotebookNode, title: str, target: Path) -> None:
    """The executed notebook's HTML written to ``target``, within the ``html`` step's limit."""
    run_limited("html", _html_file, nb, title, str(target))


def export_pdf(html_file: Path, target: Path) -> None:
    """The PDF of the HTML page ``html_file`` written to ``target``, within the ``pdf`` step's limit."""
    run_limited("pdf", _pdf_file, str(html_file), str(target))


def page_title(kind: str, period_name: str, who: object) -> str:
    """A report page's title, the unit's name cut to :data:`TITLE_LIMIT` characters."""
    who = str(who)
    if len(who) > TITLE_LIMIT:
        who = who[: TITLE_LIMIT - 1] + "…"
    return f"{kind} {period_name} - {who}"


def summary_from_notebook(nb: nbformat.NotebookNode, tag: str = "summary-json",
                          handover: Path | None = None) -> dict:
    """The JSON the notebook displays in its cell tagged ``tag``: the summary (``summary-json``)
    or the document's context (``document-json``); read from the file of the ``handover`` folder
    the cell names when it wrote it there (:func:`views.show_summary`)."""
    what = "summary" if tag == "summary-json" else "document"
    for cell in nb.cells:
        if tag in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if SUMMARY_MIME in data:
                    shown = dict(data[SUMMARY_MIME])
                    if set(shown) != {HANDOVER_KEY}:
                        return shown
                    name = Path(str(shown[HANDOVER_KEY])).name
                    if handover is None or not (handover / name).is_file():
                        raise ReportError(f"the notebook's {what} was written to a file that is not there ({name})")
                    return json.loads((handover / name).read_text(encoding="utf-8"))
    raise ReportError(f"the notebook shows no {what} (a cell tagged {tag!r} with a JSON output)")


class handed_over:
    """Within the block, a notebook run in this process's kernel writes its summary and document
    into ``folder`` (made here) instead of sending them as output (:data:`views.HANDOVER_ENV`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __enter__(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.before = os.environ.get(HANDOVER_ENV)
        os.environ[HANDOVER_ENV] = str(self.folder)
        return self.folder

    def __exit__(self, *exc: object) -> None:
        if self.before is None:
            os.environ.pop(HANDOVER_ENV, None)
        else:
            os.environ[HANDOVER_ENV] = self.before


def write_docx(document: dict, job: PeriodJob, target: Path) -> None:
    """The Word file: the document the notebook showed, with the images it showed (PNG
    ``data:`` URIs), written into the unit's template (the shipped one, or ``report_template:``
    of unit.yaml)."""
    from ..inputs.ingest import read_unit
    from ..outputs.docx_report import write_period_docx

    document = dict(document)
    images = {}
    for key, uri in (document.pop("images", None) or {}).items():
        head, _, payload = str(uri).partition(",")
        if head == "data:image/png;base64":
            images[key] = base64.b64decode(payload)
    unit = read_unit(Path(job.data_dir) if job.data_dir else paths.sample_data_dir(), job.unit)
    write_period_docx(document, target, template=unit.document.template_path, images=images)


def build_period(job: PeriodJob) -> PeriodResult:
    """Build one period's files into the staging folder; never raises, reports the failed step."""
    load_renderers()
    started = time.perf_counter()
    staging = Path(job.staging)
    parameters = {
        "period": job.period, "cutoff": job.cutoff, "data_dir": job.data_dir, "unit": job.unit,
        "skip_invalid": job.skip_invalid,
    }
    step = ["notebook"]  # the step running, named in the result when it fails
    try:
        with handed_over(staging / f".handover-{job.period}") as handover:
            nb = execute_notebook(Path(job.notebook), staging / f"{job.period}.ipynb", parameters)
            step[0] = "summary"
            summary = summary_from_notebook(nb, handover=handover)
            document = summary_from_notebook(nb, "document-json", handover) if {"docx", "xlsx"} & set(
                job.formats) else None
        files = _period_files(nb, summary, document, job, staging, step)
    except Exception as exc:  # noqa: BLE001 - any failure is reported with its step
        failed_step, error = step_failure(exc, step[0])
        return PeriodResult(job.period, failed_step=failed_step, error=error, seconds=time.perf_counter() - started)
    finally:
        shutil.rmtree(staging / f".handover-{job.period}", ignore_errors=True)
    return PeriodResult(job.period, files=tuple(files), seconds=time.perf_counter() - started)


def _period_files(nb: nbformat.NotebookNode, summary: dict, document: dict | None, job: PeriodJob,
                  staging: Path, step: list[str]) -> list[str]:
    """The period's files of ``job.formats`` written into ``staging``, each step within its time
    limit; ``step[0]`` names the step running."""
    files = []
    if "html" in job.formats or "pdf" in job.formats:
        step[0] = "html"
        html_file = staging / f"{job.period}.html"
        export_html(nb, page_title("Báo cáo CCHC", summary["period_name"], summary["unit"]), html_file)
        if "html" in job.formats:
            files.append(html_file.name)
        if "pdf" in job.formats:
            step[0] = "pdf"
            export_pdf(html_file, staging / f"{job.period}.pdf")
            files.append(f"{job.period}.pdf")
        if "html" not in job.formats:
            html_file.unlink()
        else:
            step[0] = "companion"
            from ..outputs.companion import write_companion
            from .publish import COMPANION_SUFFIX

            write_companion(summary, staging / f"{job.period}{COMPANION_SUFFIX}.html")
            files.append(f"{job.period}{COMPANION_SUFFIX}.html")
    if "docx" in job.formats:
        step[0] = "docx"
        run_limited("docx", write_docx, document, job, staging / f"{job.period}.docx")
        files.append(f"{job.period}.docx")
    if "xlsx" in job.formats:
        step[0] = "xlsx"
        from ..outputs.xlsx_report import write_period_xlsx

        run_limited("xlsx", write_period_xlsx, summary, staging / f"{job.period}.xlsx", document)
        files.append(f"{job.period}.xlsx")
    if "json" in job.formats:
        step[0] = "json"
        text = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
        (staging / f"{job.period}.json").write_text(text, encoding="utf-8")
        files.append(f"{job.period}.json")
    return files


def step_failure(exc: BaseException, step: str) -> tuple[str, str]:
    """The failed step and the error, as a run reports them, for ``exc`` raised in ``step``: a
    failing cell by its number, a cell past its time limit, a cell's output that came too late
    (not a time limit of the cell: the cell ended), another step's limit, else the error's
    first line."""
    from nbclient.exceptions import CellTimeoutError

    if isinstance(exc, PapermillExecutionError):
        return f"notebook cell In [{exc.exec_count}]", f"{exc.ename}: {first_line(exc.evalue)}"
    if isinstance(exc, CellTimeoutError):
        kill_kernel()  # it may still be running the cell: the next period starts a fresh one
        if "IOPub" in str(exc):
            limit = time_limit("output")
            return "notebook", (f"a cell ended but its output did not arrive within {limit:g} s "
                                f"({TIME_LIMITS['output'][0]}; the machine may be overloaded)")
        return "notebook", limit_text("notebook", time_limit("notebook"))
    if isinstance(exc, ReportError):
        return step, (str(exc) if isinstance(exc, StepTimeout) else first_line(exc))
    return step, f"{type(exc).__name__}: {first_line(exc)}"


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
    from .score_report import compute_score, score_formats, write_score_files

    result = compute_score(str(year), data_dir=data_dir, cutoff=cutoff, unit=unit, skip_invalid=skip_invalid)
    return write_score_files(result, Path(staging), score_formats(formats)) if result else []


def check_office_texts(contexts: list, plan: object) -> None:
    """The office's own words of each period (``narrative/<PERIOD>.md``) read and placed before
    any notebook runs: a text the report has no place for fails the run at once, naming the file
    and the line (docs/report.md, "The official report")."""
    from ..outputs.document import check_narrative_places, read_narrative, section_two_areas

    for ctx in contexts:
        check_narrative_places(read_narrative(ctx.data_dir, ctx.period.id), section_two_areas(plan, ctx.period.year))


def _scored_year(contexts: list, formats: tuple[str, ...], plan: object) -> object:
    """The context of the year whose self-assessment a run writes: the year among its periods,
    a ``scoring/`` folder in the data, a format the self-assessment has, and no plan of another
    year (its criteria would be scored against the wrong plan); else None."""
    from .score_report import score_formats

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
    with folder_lock(out):
        clear_stale_staging(out)
        return _build_locked(contexts, out, cutoff=cutoff, formats=formats, unit=unit, skip_invalid=skip_invalid,
                             notebook=notebook, jobs=jobs, keep_kernel=keep_kernel, progress=progress)


_staging_now: list[Path] = []  # this process's staging folder while a run builds (removed if it is stopped)


def _build_locked(contexts: list, out: Path, *, cutoff: str, formats: tuple[str, ...], unit: str,
                  skip_invalid: bool, notebook: Path, jobs: int | None, keep_kernel: bool,
                  progress: Callable[[str], None] | None) -> list[Path]:
    # the data is read and checked here, once: bad data is refused before any notebook starts,
    # and the kernels load the checked dossiers from the staging folder instead of reading the
    # exports again; this process then lets its copy go
    load_dossiers(contexts[0].data_dir, skip_invalid=skip_invalid)
    plan = load_plan(contexts[0].data_dir)
    year = _scored_year(contexts, formats, plan)
    if year is not None:  # its criteria too, before any notebook runs
        from ..figures.scoring import load_scoring

        load_scoring(contexts[0].data_dir, plan)
    check_office_texts(contexts, plan)
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    except OSError as exc:
        raise ReportError(f"--out: cannot write into {str(out)!r}: {exc.strerror or exc}") from None
    _staging_now.append(staging)
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
        extra = None if year is None else functools.partial(
            score_job, str(staging), str(year.data_dir), year.period.year, cutoff, unit, skip_invalid, formats)
        results, scored = _run_jobs(job_list, jobs, keep_kernel, progress, extra)
        failures = [r for r in results if r.failed_step]
        if failures:
            kept = _keep_failed(failures, staging, out)
            first = failures[0]
            where = f"executed notebook kept at {kept[0]}" if kept[0] else "no executed notebook was written"
            others = f" (and {len(failures) - 1} more period(s) failed)" if len(failures) > 1 else ""
            raise ReportError(
                f"{first.period}: {first.failed_step} failed: {first.error}; {where}; no report was changed{others}"
            )
        names = [name for r in results for name in r.files]
        if scored is not None:
            score_names, score_error = scored
            if score_error:
                raise ReportError(score_error)
            names += score_names
        with signals_held():  # Ctrl-C or SIGTERM now waits for the files to be in place
            published = publish_staged(staging, out, names)
            for result in results:
                (out / FAILED_DIR / f"{result.period}.ipynb").unlink(missing_ok=True)
            if (out / FAILED_DIR).is_dir() and not any((out / FAILED_DIR).iterdir()):
                (out / FAILED_DIR).rmdir()
        return published
    finally:
        if previous is None:
            os.environ.pop(CHECKED_DATA_ENV, None)
        else:
            os.environ[CHECKED_DATA_ENV] = previous
        shutil.rmtree(staging, ignore_errors=True)
        _staging_now.remove(staging)


class signals_held:
    """Within the block, SIGINT and SIGTERM wait (they take effect when it ends): the files of
    a run are moved into place all together or not at all. Only in the main thread."""

    def __enter__(self) -> signals_held:
        self.held = threading.current_thread() is threading.main_thread() and hasattr(signal, "pthread_sigmask")
        if self.held:
            self.before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        return self

    def __exit__(self, *exc: object) -> None:
        if self.held:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.before)


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
    # the longest windows make the longest reports: start them first so no worker is left
    # alone with a year's report at the end
    order = sorted(range(len(job_list)), key=lambda i: -_window_days(job_list[i]))
    done: dict[int, PeriodResult] = {}
    gc.freeze()  # the forked workers then share, rather than copy, what this process imported
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"),
                               initializer=worker_started, initargs=(os.getpid(),))
    try:
        futures = {pool.submit(build_period, job_list[i]): i for i in order}
        extra_future = pool.submit(extra) if extra is not None else None
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                done[futures[future]] = future.result()
                report(done[futures[future]], len(done))
        extra_result = extra_future.result() if extra_future is not None else None
    except BaseException:
        stop_pool(pool)
        raise
    finally:
        gc.unfreeze()
    pool.shutdown(wait=True)
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


def stop_pool(pool: ProcessPoolExecutor, grace: float = 5.0) -> None:
    """Stop a pool now: nothing more starts, its workers get SIGTERM (each kills its kernel
    and its child processes, then exits), and SIGKILL after ``grace`` seconds."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        try:
            process.terminate()
        except (OSError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)


# --- pool workers: they stop with their parent ---------------------------------------------------

def worker_started(parent: int) -> None:
    """Initializer of a pool worker: it stops, with its kernel and children, when ``parent``
    ends (SIGTERM from the kernel on Linux, and a thread watching the parent's id anywhere),
    and when it is sent SIGTERM; Ctrl-C is the parent's to handle."""
    global _kernel
    # a forked worker starts its own kernel: one the parent kept (a unit's worker building
    # one unit after another) is the parent's, and its sockets cannot be shared
    _kernel = None
    _kernel_sockets.clear()
    children.clear()
    _fresh_event_loop()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)
    die_with_parent(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the line above
        _stop_worker()
    threading.Thread(target=_watch_parent, args=(parent,), name="cchc-parent-watch", daemon=True).start()


def _fresh_event_loop() -> None:
    """Give a forked worker an asyncio loop of its own. The kernel is driven through
    jupyter_core's ``run_sync``, which keeps one loop per thread: a worker forked from a process
    that already drove a kernel (a run with one job, a cell stopped at its time limit) would
    inherit that loop, with its selector shared with the parent and the sockets of the
    parent's kernel still registered, and wait on it forever."""
    import asyncio

    from jupyter_core import utils as jupyter_utils

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    current = getattr(jupyter_utils, "_loop", None)  # where run_sync finds the thread's loop
    if current is not None:
        current.set(loop)


def _watch_parent(parent: int, every: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    _stop_worker()


def _stop_worker(*_: object) -> None:
    """End this worker now: its kernel and child processes killed, its own staging folder (a
    unit's run in this process) removed."""
    kill_kernel()
    for pid in list(children):
        kill_child(pid)
    for staging in list(_staging_now):
        shutil.rmtree(staging, ignore_errors=True)
    os._exit(143)


def _window_days(job: PeriodJob) -> int:
    start, end = parse_period(job.period).window(job.cutoff)
    return (end - start).days


def _keep_failed(failures: list[PeriodResult], staging: Path, out: Path) -> list[Path | None]:
    """Move the failing periods' executed notebooks to ``out/_failed/`` (None where none was written)."""
    failed_dir = out / FAILED_DIR
    kept: list[Path | None] = []
    for result in failures:
        executed = staging / f"{result.period}.ipynb"
        target = failed_dir / executed.name
        if executed.exists():
            failed_dir.mkdir(exist_ok=True)  # made only for a notebook to keep
            os.replace(executed, target)
            kept.append(target)
        else:
            kept.append(None)
    return kept
