"""Publishing into an output folder so a reader never sees half of a run: the folder's lock (two
runs never write into one folder), a staging folder the run's files are written into, moved into
place all together with the folder's index page (Ctrl-C and SIGTERM wait while they move), the
executed notebooks of failed reports kept in ``_failed/``, and a file outside staging (an index
page) written through a temporary file renamed over it. What the index pages show is
:mod:`cchc_lib.outputs.index_page`'s.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..base import files, paths
from ..base.errors import ReportError
from ..outputs.index_page import INDEX_FILE, ROLLUP_INDEX_TITLE, render_index, units_page
from .limits import StepTimeout, run_limited

LOCK_FILE = ".lock"
STAGING_PREFIX = ".staging-"
FAILED_DIR = "_failed"  # the executed notebooks of reports that failed, <stem>.ipynb
_staging_now: list[Path] = []  # this process's staging folders while a run builds (removed if it is stopped)


def check_out_dir(out: Path, option: str = "--out", create: bool = True) -> Path:
    """``out`` made (with its parents) if missing, and checked to be a folder this process can
    write into; a :class:`ReportError` naming it otherwise. With ``create`` False, a missing
    ``out`` is only checked to be makeable (its nearest existing parent a writable folder)."""
    out = Path(out)

    def refuse(reason: str) -> ReportError:
        return ReportError(f"{option}: cannot use {str(out)!r} as the output folder: {reason}")

    if not create and not out.exists():
        parent = out.absolute().parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            raise refuse(f"{str(parent)!r} is not a folder")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise refuse(f"{str(parent)!r} is not writable")
        return out
    if create:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise refuse(str(exc.strerror or exc)) from None
    if not out.is_dir():
        raise refuse("it is not a folder")
    if not os.access(out, os.W_OK | os.X_OK):
        raise refuse("it is not writable")
    return out


@contextmanager
def folder_lock(out: Path) -> Iterator[Path]:
    """Hold ``out/.lock`` (``flock``, exclusive) while the block runs: a second run into the same
    folder is refused at once with a :class:`ReportError` naming the folder. The lock belongs
    to the open file: it ends with the process (and the children that share it) whatever
    kills them, so no stale lock is ever left. Where the file system has no ``flock`` (or
    on Windows) the folder is not locked."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield out
        return
    lock = out / LOCK_FILE
    try:
        handle = open(lock, "a+b")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise ReportError(f"--out: cannot lock {str(out)!r}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReportError(
                f"{str(out)!r} is in use by another cchc run (it holds {LOCK_FILE}); "
                "wait for it to finish or give another --out"
            ) from None
        except OSError:  # a file system without flock: run unlocked
            pass
        yield out
    finally:
        handle.close()


def clear_stale_staging(out: Path) -> list[Path]:
    """Remove what runs killed before they could clean up left in ``out``: staging folders
    (``.staging-*``) and the index pages' temporary files (:func:`cchc_lib.base.files.replacing`).
    Call it only while holding :func:`folder_lock`: no live run then owns them."""
    removed = []
    for path in out.iterdir() if out.is_dir() else []:
        if path.name.startswith(STAGING_PREFIX) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(f".{INDEX_FILE}.") and path.is_file():
            path.unlink(missing_ok=True)
        else:
            continue
        removed.append(path)
    return removed


def warn(line: str) -> None:
    """A line on stderr about something a run left out (a file it could not read)."""
    try:
        print(f"cchc: warning: {line}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # no stderr to write to
        pass


@contextmanager
def staged_run(out: Path, option: str = "--out") -> Iterator[Path]:
    """Within the block, ``out``'s lock held (:func:`folder_lock`), what killed runs left cleared
    (:func:`clear_stale_staging`), and a fresh staging folder given to write the run's files
    into, removed when the block ends however it ends; a :class:`ReportError` starting with
    ``option`` when it cannot be made."""
    with folder_lock(out):
        clear_stale_staging(out)
        try:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
        except OSError as exc:
            raise ReportError(f"{option}: cannot write into {str(out)!r}: {exc.strerror or exc}") from None
        _staging_now.append(staging)
        try:
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            _staging_now.remove(staging)


def remove_own_staging() -> None:
    """Remove this process's staging folders now (a pool worker being stopped: its run's
    ``finally`` will never run)."""
    for staging in list(_staging_now):
        shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, out: Path, names: list[str], *, title: str | None = None, parent_link: bool = False,
            summaries: dict[str, dict] | None = None, settled: Iterable[str] = ()) -> list[Path]:
    """The files ``names`` of ``staging`` moved into ``out`` with its new index page
    (:func:`publish_staged`), and the kept notebooks of the reports ``settled`` (stems) removed,
    while SIGINT and SIGTERM wait; the published files."""
    with signals_held():  # Ctrl-C or SIGTERM now waits for the files to be in place
        published = publish_staged(staging, out, names, title, parent_link, summaries)
        clear_failed(out, settled)
    return published


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


def publish_staged(staging: Path, out: Path, names: list[str], title: str | None = None,
                   parent_link: bool = False, summaries: dict[str, dict] | None = None) -> list[Path]:
    """Move the files ``names`` of ``staging`` into ``out`` and replace its index page.

    The index is written into ``staging`` first, describing the folder as it will be (the
    staged JSONs' ``summaries``, as the run handed them on, are not read again): an error in
    making it (or in anything before the first move) leaves ``out`` unchanged."""
    staged = {name: staging / name for name in names}
    try:  # docs/commands.md, "Time limits"
        page = run_limited("index", render_index, out, title, parent_link, staged, warn, summaries)
    except StepTimeout as exc:
        raise ReportError(f"index page of {out}: {exc}; no report was changed") from None
    index = staging / INDEX_FILE
    index.write_text(page, encoding="utf-8")
    os.chmod(index, 0o644)
    published = []
    for name in names:
        os.replace(staging / name, out / name)
        published.append(out / name)
    os.replace(index, out / INDEX_FILE)
    return published


def keep_failed(executed: Path, out: Path) -> Path | None:
    """Move a failed report's executed notebook to ``out/_failed/`` (made only for a notebook to
    keep); where it is now, or None when none was written."""
    if not executed.exists():
        return None
    failed_dir = out / FAILED_DIR
    failed_dir.mkdir(exist_ok=True)
    kept = failed_dir / executed.name
    os.replace(executed, kept)
    return kept


def clear_failed(out: Path, stems: Iterable[str]) -> None:
    """Remove the kept notebooks of the reports ``stems`` (now published), and ``out/_failed/`` once
    empty (left as it is when no report is named)."""
    stems = list(stems)
    if not stems:
        return
    for stem in stems:
        (out / FAILED_DIR / f"{stem}.ipynb").unlink(missing_ok=True)
    if (out / FAILED_DIR).is_dir() and not any((out / FAILED_DIR).iterdir()):
        (out / FAILED_DIR).rmdir()


def write_index(out_dir: Path, title: str | None = None, parent_link: bool = False) -> Path:
    """Rewrite ``out_dir/index.html``: a page listing every report in the folder.

    ``title`` replaces the heading "Báo cáo cải cách hành chính" (the roll-up's folder);
    ``parent_link`` adds a link to the page of units one folder up. A JSON that cannot be
    read is left out, with a note on the page and a line on stderr.
    """
    target = out_dir / INDEX_FILE
    files.write_text(target, run_limited("index", render_index, out_dir, title, parent_link, None, warn))
    return target


def write_units_index(out_dir: Path, units: list[dict] | None = None) -> Path:
    """Rewrite ``out_dir/index.html`` of a many-unit output folder: the roll-up's reports
    (``_tong-hop/``) and every unit, with a link to its own index page (see
    :func:`cchc_lib.outputs.index_page.list_units` for ``units``; a unit that failed is shown
    with its error)."""
    target = out_dir / INDEX_FILE
    files.write_text(target, run_limited("index", units_page, out_dir, units))  # docs/commands.md, "Time limits"
    return target


def refresh_rollup_index(out_dir: Path) -> Path | None:
    """Rewrite ``out_dir/_tong-hop/index.html`` (when there is one), so that it says which units'
    reports are newer than the roll-up (see :func:`cchc_lib.outputs.index_page.rollup_behind`);
    None when there is none, or when a roll-up is being published there (it writes the page itself)."""
    rollup_dir = out_dir / paths.ROLLUP_DIR_NAME
    if not (rollup_dir / INDEX_FILE).is_file():
        return None
    try:
        with folder_lock(rollup_dir):
            return write_index(rollup_dir, ROLLUP_INDEX_TITLE, parent_link=True)
    except ReportError:
        return None
