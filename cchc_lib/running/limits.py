"""Time limits of a report's steps, and running a step in a child process killed at its limit.

Every step of a report has a limit in seconds, set by its environment variable (docs/commands.md, "Time
limits"): a positive number replaces the default. The notebook's two limits are applied by
nbclient (a cell's run; the wait for a cell's output after it ended); every other step runs in
a forked child process (:func:`run_limited`), killed when its limit is reached or when the
process that started it dies, so a step that never ends (a Word template looping for ever, a
page that takes hours to lay out) fails its period, naming the step, and nothing hangs.
"""

from __future__ import annotations

import math
import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable

from ..base.errors import CchcError, ReportError

CELL_TIMEOUT = 900  # seconds: a cell still running after this is stopped and the period fails
HTML_TIMEOUT = 300  # seconds for the HTML export of one period
PDF_TIMEOUT = 600  # seconds for the PDF of one period
# seconds nbclient waits, after a cell ended, for the outputs it sent; distinct from the cell's
# own limit (a late output is not a cell that ran too long)
OUTPUT_TIMEOUT = 120
TIME_LIMITS = {"notebook": ("CCHC_CELL_TIMEOUT", CELL_TIMEOUT), "output": ("CCHC_OUTPUT_TIMEOUT", OUTPUT_TIMEOUT),
               "html": ("CCHC_HTML_TIMEOUT", HTML_TIMEOUT), "pdf": ("CCHC_PDF_TIMEOUT", PDF_TIMEOUT),
               "docx": ("CCHC_DOCX_TIMEOUT", 300), "xlsx": ("CCHC_XLSX_TIMEOUT", 300),
               "score": ("CCHC_SCORE_TIMEOUT", 600), "index": ("CCHC_INDEX_TIMEOUT", 120)}
WHOLE_SECONDS = {"notebook", "output"}  # limits nbclient takes as whole seconds


def time_limit(step: str) -> float | int:
    """The time limit of ``step`` (a key of :data:`TIME_LIMITS`; ``notebook``: of each cell), in
    seconds: its environment variable if set to a positive number, else the default."""
    name, default = TIME_LIMITS[step]
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    if not math.isfinite(value) or value <= 0:  # "nan", "inf": not a number of seconds
        return default
    return max(1, round(value)) if step in WHOLE_SECONDS else value


class StepTimeout(ReportError):
    """A step of a report ran past its time limit and was stopped."""


def limit_text(step: str, limit: float) -> str:
    return f"stopped after its time limit of {limit:g} s ({TIME_LIMITS[step][0]})"


# --- a step in a child process, killed at its time limit ------------------------------------------
# The child is forked: it shares what this process imported (WeasyPrint, nbconvert), so it
# starts in a few milliseconds; it asks to be killed when this process dies, and this process
# kills it when the limit is reached or when it is itself stopped.

children: set[int] = set()
PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``sig`` to this process when the thread that started it ends (the
    process of its parent, here: each is started from its parent's main thread). False where
    it cannot (not Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def run_limited(step: str, function: Callable, *args: object, limit: float | None = None) -> object:
    """``function(*args)`` run in a forked child process and its result returned; the child is
    killed and :class:`StepTimeout` raised when it runs past ``limit`` seconds (default: the
    step's :func:`time_limit`). An exception in the child is raised here as a ``ReportError``:
    the project's own errors (``CchcError``) with their message, others with their type and
    first line."""
    limit = time_limit(step) if limit is None else limit
    if not hasattr(os, "fork"):  # pragma: no cover - no fork (Windows): run here, without a limit
        return function(*args)
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        _child(parent, read_end, write_end, function, args)
    children.add(pid)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + limit
    try:
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StepTimeout(limit_text(step, limit))
                ready, _, _ = select.select([pipe], [], [], min(left, 1.0))
                if ready:
                    chunk = pipe.read(1 << 20)
                    if not chunk:
                        break
                    chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        children.discard(pid)
    finally:
        if pid in children:  # stopped, timed out or interrupted: the child goes too
            kill_child(pid)
    if not chunks:
        raise ReportError(f"the {step} step's process ended without an answer (exit status {status})")
    kind, value = pickle.loads(b"".join(chunks))
    if kind != "ok":
        raise ReportError(value)
    return value


def _child(parent: int, read_end: int, write_end: int, function: Callable, args: tuple) -> None:
    """The forked child of :func:`run_limited`: runs ``function``, sends its answer, exits."""
    status = 1
    try:
        os.close(read_end)
        die_with_parent(signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            answer = ("ok", function(*args))
        except CchcError as exc:  # the project's own refusal: said as it is
            answer = ("error", str(exc))
        except BaseException as exc:  # noqa: BLE001 - sent to the parent
            answer = ("error", f"{type(exc).__name__}: {first_line(exc)}")
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)


def kill_child(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError, OSError):
        pass
    children.discard(pid)


def first_line(message: object) -> str:
    lines = str(message).strip().splitlines()
    return lines[0] if lines else ""


