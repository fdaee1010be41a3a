"""The notebook runner: papermill and one reusable Jupyter kernel per process.

The heavy imports (papermill, jupyter_client: seconds) happen once, in :func:`load_runner`. A
process keeps one kernel (:func:`reusable_kernel`): each notebook runs in a fresh namespace of
it, so a batch pays the kernel's start and the notebook's imports once per process. The
kernel's channels are Unix sockets in a folder of its own, removed with the kernel. A cell's
time limit and the wait for its output are nbclient's (``CCHC_CELL_TIMEOUT``,
``CCHC_OUTPUT_TIMEOUT``).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from multiprocessing.util import Finalize
from pathlib import Path
from typing import TYPE_CHECKING

from ..inputs.loading import CHECKED_DATA_ENV
from ..outputs.views import HANDOVER_ENV
from .limits import time_limit

if TYPE_CHECKING:
    import nbformat
    from jupyter_client.manager import AsyncKernelManager

# set by load_runner()
papermill = run_sync = None
AsyncKernelManager = None  # noqa: F811
PapermillExecutionError: type[BaseException] = RuntimeError  # a stand-in until loaded

KERNEL_NAME = "python3"
# The kernel process's own log (start-up notices) says nothing to the analyst; errors in
# cells reach the executed notebook and the command line. A report's kernel keeps no input
# history: kernels running at once share IPython's history database, and one that finds it
# busy prints "ERROR! Session/line number was not unique in database" into a cell's output,
# which would then stand in the published report.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"]
_CLEAR_NAMESPACE = "get_ipython().run_line_magic('reset', '-f')\nget_ipython().execution_count = 1"
_kernel: AsyncKernelManager | None = None
_kernel_sockets: dict[int, str] = {}  # a kernel's folder of sockets, by id of its manager


def load_runner() -> None:
    """Import papermill and jupyter_client, once (nbformat's JSON-schema checks compile their
    grammars on import: seconds)."""
    global papermill, run_sync, AsyncKernelManager, PapermillExecutionError
    if papermill is not None:
        return
    # jsonschema checks the "iri" string format with rfc3987_syntax when it can import it, and
    # building that module's grammar takes seconds at import; no notebook schema uses "iri", so
    # the import is declined (jsonschema then leaves the format unchecked, as it does without it)
    sys.modules.setdefault("rfc3987_syntax", None)
    import papermill as papermill_module
    from jupyter_client.manager import AsyncKernelManager as kernel_manager
    from jupyter_core.utils import run_sync as run_sync_function
    from papermill.exceptions import PapermillExecutionError as execution_error

    papermill, run_sync = papermill_module, run_sync_function
    AsyncKernelManager, PapermillExecutionError = kernel_manager, execution_error


def reusable_kernel(cwd: Path) -> AsyncKernelManager:
    """This process's kernel: started on first use, then reused with its namespace cleared.

    A report notebook runs in a fresh namespace each time (``%reset -f``, prompts from In [1]),
    while the modules it imported stay loaded: a batch of periods pays the kernel's start and
    the imports once per process, not once per period.
    """
    load_runner()
    global _kernel
    # an asynchronous manager: with a blocking one, nbclient waits for a cell's output without
    # ever looking at the clock, and a cell's time limit would never be applied
    if _kernel is not None and run_sync(_kernel.is_alive)():
        if _cleared(_kernel):
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


def _cleared(kernel: AsyncKernelManager) -> bool:
    """Whether the running ``kernel`` answered and cleared its namespace (and took this
    process's hand-overs, :func:`_environment_update`)."""
    client = kernel.client()
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
    return reply["content"]["status"] == "ok"


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


def forget_kernel() -> None:
    """Let go of a kernel this process inherited without killing it: a forked pool worker starts
    its own (one the parent kept is the parent's, and its sockets cannot be shared)."""
    global _kernel
    _kernel = None
    _kernel_sockets.clear()


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
    load_runner()
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
