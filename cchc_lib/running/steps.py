"""The steps that turn one notebook run into a report's files, written once for every report
made from a notebook (a unit's period report, the roll-up of many units) and, for its formats,
the self-assessment.

:func:`build_report` runs the notebook in this process's kernel (:mod:`.kernel`), takes the
summary and the document it hands over (``views.HANDOVER_ENV``: files, not megabytes of cell
output), then writes each format asked for into the staging folder, each within its step's
time limit (:mod:`.limits`): the HTML page and its PDF (:mod:`.pages`), the report's own files
(:class:`Extra`: the internal companion, the Word document, the workbook), the JSON summary. It
never raises: a failure is the result's step and error, as :func:`step_failure` says them (a
notebook cell by its number), and the executed notebook stays in the staging folder for the
caller to keep (:func:`cchc_lib.running.publish.keep_failed`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.errors import ReportError
from ..outputs.views import HANDOVER_ENV, HANDOVER_KEY, SUMMARY_MIME
from . import kernel
from .limits import TIME_LIMITS, StepTimeout, first_line, limit_text, run_limited, time_limit
from .pages import export_html, export_pdf, load_pages

if TYPE_CHECKING:
    import nbformat


def load_renderers() -> None:
    """Import the notebook runner (papermill, jupyter_client), nbconvert and WeasyPrint, once:
    they take seconds to load, and a pool's forked workers then inherit them."""
    kernel.load_runner()
    load_pages()


@dataclass(frozen=True)
class PeriodResult:
    """A report's build: the files it made (and its summary, handed on to the index page), or the
    step that failed and why."""

    period: str
    files: tuple[str, ...] = ()
    failed_step: str = ""
    error: str = ""
    seconds: float = 0.0
    summary: dict | None = field(default=None, repr=False, compare=False)  # as the notebook handed it over


@dataclass(frozen=True)
class Extra:
    """A file of a report beyond its page, PDF and JSON: made by ``write(target)`` when the
    format ``needs`` is asked for, as the step ``step``; in a child process within the step's
    time limit when ``limited``."""

    step: str
    needs: str
    name: str
    write: Callable[[Path], object]
    limited: bool = True


@dataclass(frozen=True)
class NotebookReport:
    """One report made from a notebook: the notebook and its parameters, the staging folder and
    the stem of its files (``<stem>.ipynb`` executed there), the formats; ``title`` gives the
    page's title from the summary, ``check`` refuses a summary that is not this report's, and
    ``extras`` gives its own files from the summary and the document (read from the notebook
    when ``document``)."""

    stem: str
    notebook: Path
    parameters: dict
    staging: Path
    formats: tuple[str, ...]
    title: Callable[[dict], str]
    extras: Callable[[dict, dict | None], list[Extra]] = lambda summary, document: []
    check: Callable[[dict], None] = lambda summary: None
    document: bool = False

    @property
    def executed(self) -> Path:
        return self.staging / f"{self.stem}.ipynb"


@dataclass
class StepLog:
    """The step a build is in, named when it fails."""

    name: str = "notebook"


def build_report(report: NotebookReport) -> PeriodResult:
    """Run ``report``'s notebook and write its files into its staging folder; never raises: a
    failure is the result's ``failed_step`` and ``error``. The summary is handed on as parsed
    from the notebook, never read back from the file written."""
    load_renderers()
    started = time.perf_counter()
    log = StepLog()
    handover = report.staging / f".handover-{report.stem}"
    try:
        with handed_over(handover):
            nb = kernel.execute_notebook(Path(report.notebook), report.executed, report.parameters)
            log.name = "summary"
            summary = summary_from_notebook(nb, handover=handover)
            document = summary_from_notebook(nb, "document-json", handover) if report.document else None
        report.check(summary)
        files = write_report_files(report.staging, report.stem, report.formats, summary, log,
                                   html=lambda target: export_html(nb, report.title(summary), target),
                                   extras=report.extras(summary, document))
    except Exception as exc:  # noqa: BLE001 - any failure is reported with its step
        failed_step, error = step_failure(exc, log.name)
        return PeriodResult(report.stem, failed_step=failed_step, error=error, seconds=time.perf_counter() - started)
    finally:
        shutil.rmtree(handover, ignore_errors=True)
    return PeriodResult(report.stem, files=tuple(files), seconds=time.perf_counter() - started, summary=summary)


def write_report_files(folder: Path, stem: str, formats: tuple[str, ...], summary: dict, log: StepLog, *,
                       html: Callable[[Path], object], extras: Iterable[Extra] = ()) -> list[str]:
    """A report's files of ``formats`` written into ``folder`` (a staging folder: each file
    written directly), in this order: the page (``html(target)``), its PDF, the ``extras``,
    the JSON of ``summary``; their names. ``log`` names the step running."""
    files = []
    if "html" in formats or "pdf" in formats:
        log.name = "html"
        page = folder / f"{stem}.html"
        html(page)
        if "html" in formats:
            files.append(page.name)
        if "pdf" in formats:
            log.name = "pdf"
            export_pdf(page, folder / f"{stem}.pdf")
            files.append(f"{stem}.pdf")
        if "html" not in formats:
            page.unlink()
    for extra in extras:
        if extra.needs in formats:
            log.name = extra.step
            target = folder / extra.name
            if extra.limited:
                run_limited(extra.step, extra.write, target)
            else:
                extra.write(target)
            files.append(extra.name)
    if "json" in formats:
        log.name = "json"
        (folder / f"{stem}.json").write_text(summary_text(summary), encoding="utf-8")
        files.append(f"{stem}.json")
    return files


def summary_text(summary: dict) -> str:
    """A report's JSON file as published: indented, Vietnamese letters as they are.

    >>> summary_text({"unit": "Xã A"})
    '{\\n  "unit": "Xã A"\\n}\\n'
    """
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"


def step_failure(exc: BaseException, step: str) -> tuple[str, str]:
    """The failed step and the error, as a run reports them, for ``exc`` raised in ``step``: a
    failing cell by its number, a cell past its time limit, a cell's output that came too late
    (not a time limit of the cell: the cell ended), another step's limit, else the error's
    first line."""
    from nbclient.exceptions import CellTimeoutError

    if isinstance(exc, kernel.PapermillExecutionError):
        return f"notebook cell In [{exc.exec_count}]", f"{exc.ename}: {first_line(exc.evalue)}"
    if isinstance(exc, CellTimeoutError):
        kernel.kill_kernel()  # it may still be running the cell: the next period starts a fresh one
        if "IOPub" in str(exc):
            limit = time_limit("output")
            return "notebook", (f"a cell ended but its output did not arrive within {limit:g} s "
                                f"({TIME_LIMITS['output'][0]}; the machine may be overloaded)")
        return "notebook", limit_text("notebook", time_limit("notebook"))
    if isinstance(exc, ReportError):
        return step, (str(exc) if isinstance(exc, StepTimeout) else first_line(exc))
    return step, f"{type(exc).__name__}: {first_line(exc)}"


def failure_sentence(who: str, result: PeriodResult, kept: Path | None,
                     unkept: str = "no executed notebook was written") -> str:
    """The run's error for a report that failed: who, the step, the error, where its executed
    notebook was kept (``unkept`` when none was written), and that no report was changed."""
    where = f"executed notebook kept at {kept}" if kept else unkept
    return f"{who}: {result.failed_step} failed: {result.error}; {where}; no report was changed"


# --- the notebook's hand-over ---------------------------------------------------------------------

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
