"""The local pool of worker processes: a unit's periods (forked workers, sharing what the parent
imported) or many units (spawned workers), each worker with its own reusable kernel.

The workers and their kernels stop with the process that started them, however it ends (SIGKILL
included): each worker asks the kernel to send it SIGTERM when its parent dies (Linux) and
watches its parent besides. Stopping a pool (:func:`stop_pool`) sends its workers SIGTERM: each
kills its kernel and its child processes and removes its staging folder, then exits.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context

from . import kernel, publish
from .limits import children, die_with_parent, kill_child


@contextmanager
def local_pool(workers: int, start: str) -> Iterator[ProcessPoolExecutor]:
    """Within the block, a pool of ``workers`` processes started by ``start`` (``fork`` or
    ``spawn``), each stopping with this process (:func:`worker_started`); when the block is left
    by an exception (Ctrl-C, SIGTERM, a failure) the pool is stopped at once (:func:`stop_pool`),
    else its workers are let finish."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context(start),
                               initializer=worker_started, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


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


def worker_started(parent: int) -> None:
    """Initializer of a pool worker: it stops, with its kernel and children, when ``parent``
    ends (SIGTERM from the kernel on Linux, and a thread watching the parent's id anywhere),
    and when it is sent SIGTERM; Ctrl-C is the parent's to handle."""
    kernel.forget_kernel()
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
    kernel.kill_kernel()
    for pid in list(children):
        kill_child(pid)
    publish.remove_own_staging()
    os._exit(143)
