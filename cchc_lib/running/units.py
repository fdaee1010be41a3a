"""Many units in one run: the unit folders under a root, their reports built on a local pool
of processes or on a dask.distributed cluster, and the roll-up over their JSON summaries.

A unit is a data folder as docs/data.md defines it (``unit.yaml``, the dossier exports, the
catalogue, the plan); ``ROOT`` holds one per sub-folder. Each unit's reports go to
``OUT/<unit-slug>/`` exactly as a one-unit run makes them (staged, then published only when
all the unit's periods succeeded); one unit's failure is reported with its folder's name and
never stops the others. The roll-up (``OUT/_tong-hop/``) then sums the units' JSON summaries,
naming every unit whose report is missing.

Work goes out one unit at a time: to forked processes of this machine (each keeping one
kernel for the units it builds), or, given a scheduler's address, to the workers of an
existing dask.distributed cluster (``Client(address)``), which must see the same data and
output folders (a shared file system) and run the same environment. Every path a job carries
is absolute: a worker resolves nothing in its own folder. A cluster that builds none of the
run's units for ``CCHC_CLUSTER_TIMEOUT`` seconds (no worker, the only one lost, the scheduler
gone) stops the run, naming the units published and those not (docs/units.md, "Many units").
"""

from __future__ import annotations

import itertools
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ..base.errors import CchcError, ReportError
from ..inputs.ingest import find_dossier_files, missing_export_hint
from ..inputs.unit import read_unit, slugify

CLUSTER_TIMEOUT_ENV = "CCHC_CLUSTER_TIMEOUT"
CLUSTER_TIMEOUT = 300  # seconds a cluster may build none of the run's units before the run stops
CLUSTER_POLL = 1.0  # seconds between two looks at the cluster
INDEX_EVERY = 30.0  # seconds: the page of units is rewritten at most this often while units publish


@dataclass(frozen=True)
class UnitJob:
    """One unit's reports: what a worker builds, wherever it runs."""

    folder: str  # the unit's data folder
    name: str
    slug: str
    periods: tuple[str, ...]
    cutoff: str
    out_dir: str  # OUT/<slug>
    formats: tuple[str, ...]
    skip_invalid: bool = False
    keep_kernel: bool = True
    refused: str = ""  # why the folder is not built at all (a link leading outside ROOT)


@dataclass(frozen=True)
class UnitResult:
    """A worker's answer: the files published, or why the unit failed."""

    folder: str
    name: str
    slug: str
    files: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0
    lost: bool = False  # not built: the cluster could not run its task (the unit's data never came to it)

    @property
    def failed(self) -> bool:
        return bool(self.error)


def find_units(root: Path) -> list[Path]:
    """The unit data folders of ``root``: its sub-folders holding a dossier export, or a file only
    named like one (``dossiers (1).xlsx``: the unit then fails saying what to rename), by name
    (folders whose name starts with ``_`` or ``.`` are not units). A sub-folder that is a
    symbolic link leading outside ``root`` is listed without being looked into:
    :func:`unit_jobs` refuses it (see :func:`outside_root`)."""
    root = Path(root)
    if not root.is_dir():
        raise CchcError(f"--units: {str(root)!r} is not a folder")
    units = sorted(f for f in root.iterdir()
                   if not f.name.startswith(("_", ".")) and f.is_dir()
                   and (outside_root(f) or find_dossier_files(f) or missing_export_hint(f)[0]))
    if not units:
        raise CchcError(f"--units: {str(root)!r} holds no unit folder (a sub-folder with dossiers.csv, "
                        "dossiers.xlsx or a folder dossiers/)")
    return units


def outside_root(folder: Path) -> str:
    """Why the unit folder ``folder`` (a sub-folder of ROOT) is refused: a symbolic link
    leading outside ROOT (or to ROOT itself); "" for a folder inside ROOT. Such a folder is
    never read: the unit fails with this reason and the others run (docs/units.md, "Many units")."""
    folder = Path(folder)
    root = folder.parent.resolve()
    target = folder.resolve()
    if target != root and target.is_relative_to(root):
        return ""
    return (f"the unit folder is a symbolic link leading outside ROOT (to {str(target)!r}): refused, "
            f"nothing read from it; put the unit's data folder itself in {str(folder.parent)!r}")


def unit_jobs(units: list[Path], periods: list[str], *, cutoff: str, out_dir: Path, formats: tuple[str, ...],
              skip_invalid: bool = False, keep_kernel: bool = True) -> list[UnitJob]:
    """One job per unit folder, its paths absolute (a worker of a cluster resolves nothing in its
    own folder); two units with the same slug would share an output folder: refused. A folder
    leading outside ROOT is a job ``refused`` with the reason."""
    jobs, seen = [], {}
    out_dir = Path(out_dir).absolute()
    for given in units:
        folder = Path(given).absolute()
        refused = outside_root(Path(given))
        if refused:
            slug = slugify(folder.name)
            seen.setdefault(slug, folder.name)
            jobs.append(UnitJob(str(folder), folder.name, slug, tuple(periods), cutoff, "", formats, skip_invalid,
                                keep_kernel, refused=refused))
            continue
        try:
            unit = read_unit(folder)
        except CchcError:  # a broken unit.yaml: the unit fails with its message, named by its folder
            jobs.append(UnitJob(str(folder), folder.name, slugify(folder.name), tuple(periods), cutoff, "", formats,
                                skip_invalid, keep_kernel))
            continue
        if unit.slug in seen:
            raise CchcError(f"--units: {seen[unit.slug]} and {folder.name} both report as {unit.slug!r}; "
                            "give one of them another 'slug:' in its unit.yaml")
        seen[unit.slug] = folder.name
        jobs.append(UnitJob(str(folder), unit.name, unit.slug, tuple(periods), cutoff, str(out_dir / unit.slug),
                            formats, skip_invalid, keep_kernel))
    return jobs


def build_unit(job: UnitJob) -> UnitResult:
    """Build and publish one unit's reports; never raises: a failure is the result's ``error``."""
    from ..base.periods import parse_period
    from .report import build_reports

    if job.refused:
        return UnitResult(job.folder, job.name, job.slug, error=job.refused)
    started = time.perf_counter()
    try:
        if not job.out_dir:
            read_unit(Path(job.folder))  # raises the unit.yaml's own message
        files = build_reports([parse_period(p) for p in job.periods], cutoff=job.cutoff, data_dir=job.folder,
                              out_dir=job.out_dir, formats=job.formats, skip_invalid=job.skip_invalid, jobs=1,
                              keep_kernel=job.keep_kernel)
    except Exception as exc:  # noqa: BLE001 - one unit's failure never stops the others
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        # "N problem(s) in the dossier data:" is followed by the first problem: keep it
        error = f"{lines[0]} {lines[1].strip()}" if lines[0].endswith(":") and len(lines) > 1 else lines[0]
        return UnitResult(job.folder, job.name, job.slug, error=error, seconds=time.perf_counter() - started)
    return UnitResult(job.folder, job.name, job.slug, tuple(str(f) for f in files),
                      seconds=time.perf_counter() - started)


def run_units(jobs: list[UnitJob], *, workers: int | None = None, scheduler: str = "",
              progress: Callable[[str], None] | None = None) -> Iterator[UnitResult]:
    """Build the units, yielding each result as its unit finishes: on a local pool of
    ``workers`` forked processes, or on the dask.distributed cluster at ``scheduler``
    (``progress`` then receives a line when the cluster stops building them)."""
    if scheduler:
        yield from _run_on_cluster(jobs, scheduler, progress)
        return
    count = max(1, min(len(jobs), workers or os.cpu_count() or 1))
    if count == 1:
        from .kernel import shutdown_kernel

        try:
            for job in jobs:
                yield build_unit(job)
        finally:
            shutdown_kernel()
        return
    from .pool import local_pool

    # each worker keeps one kernel for the units it builds; workers start afresh ("spawn"): a
    # forked copy of a process that already ran a kernel client or Arrow's thread pool can wait
    # forever on a thread that was not copied. A worker stops, with its kernel, when this
    # process ends, however it ends; interrupted (Ctrl-C, SIGTERM) or failing, the units not
    # yet started are not started, those running are stopped (each removes its staging folder)
    with local_pool(count, "spawn") as pool:
        futures = [pool.submit(build_unit, job) for job in jobs]
        for future in as_completed(futures):
            try:
                result = future.result()
            except BrokenProcessPool:  # a worker killed (out of memory, by hand): the pool builds no more
                raise WorkersLost("--jobs: a worker process of the run ended before its unit was built (killed "
                                  "by the system or by hand?); the run stopped before the roll-up") from None
            yield result


class WorkersLost(ReportError):
    """The workers stopped building the run's units: a cluster that built none of them for
    ``CCHC_CLUSTER_TIMEOUT`` seconds, or a process of the local pool that died."""


class UnitsStopped(ReportError):
    """A many-unit run that stopped before its roll-up: why, then which units it published and
    which not (``lines``)."""

    def __init__(self, reason: str, lines: list[str]) -> None:
        super().__init__("\n".join([reason, *lines]))
        self.reason, self.lines = reason, lines


def cluster_timeout() -> float:
    """``CCHC_CLUSTER_TIMEOUT`` if set to a positive number of seconds, else the default."""
    try:
        value = float(os.environ.get(CLUSTER_TIMEOUT_ENV, ""))
    except ValueError:
        return CLUSTER_TIMEOUT
    return value if value > 0 else CLUSTER_TIMEOUT


def _run_on_cluster(jobs: list[UnitJob], scheduler: str,
                    progress: Callable[[str], None] | None = None) -> Iterator[UnitResult]:
    """The units on an existing dask.distributed cluster: one task per unit, each building the
    unit's periods in its worker's own kernel (started and stopped with the unit)."""
    from dataclasses import replace

    from distributed import Client

    # the cluster's own log records (a lost connection, a reconnection) are not the command's
    # words: what went wrong is said once, on the 'cchc: error:' line
    loggers = [logging.getLogger(name) for name in ["distributed", *logging.root.manager.loggerDict]
               if name.split(".")[0] == "distributed"]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        try:
            client = Client(scheduler, timeout="10s")
        except Exception as exc:  # noqa: BLE001 - a bad address or no scheduler: one clear line
            detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ReportError(f"--scheduler: no dask scheduler answers at {scheduler!r}: {detail}") from None
        try:
            futures = client.map(build_unit, [replace(job, keep_kernel=False) for job in jobs], pure=False)
            yield from _cluster_results(client, dict(zip(futures, jobs, strict=True)), scheduler, progress)
        finally:
            try:
                client.close(timeout=10)
            except Exception:  # noqa: BLE001 - a scheduler already gone: nothing to close
                pass
    finally:
        for logger, level in levels:
            logger.setLevel(level)


def _cluster_results(client: object, pending: dict, scheduler: str,
                     progress: Callable[[str], None] | None) -> Iterator[UnitResult]:
    """Each unit's result as its task ends; a task that failed on the cluster (its worker lost
    again and again, an error of the worker's environment) is a result ``lost``. When no
    worker builds any of the units left for ``CCHC_CLUSTER_TIMEOUT`` seconds, :class:`WorkersLost`."""
    limit = cluster_timeout()
    idle_since: float | None = None
    said = False
    while pending:
        running = client.status == "running"
        for future in [f for f in pending if f.status in ("finished", "error") or (f.status == "cancelled"
                                                                                   and running)]:
            job = pending.pop(future)
            yield _cluster_result(future, job, limit)
            idle_since = None
        if not pending:
            return
        trouble = _cluster_trouble(client, {f.key for f in pending}, scheduler)
        if not trouble:
            idle_since, said = None, False
            idle = 0.0
        else:
            idle_since = idle_since or time.monotonic()
            idle = time.monotonic() - idle_since
        if idle >= limit:
            raise WorkersLost(f"--scheduler: {trouble} for {limit:g} s ({CLUSTER_TIMEOUT_ENV}); "
                              "the run stopped before the roll-up")
        if idle >= 2 * CLUSTER_POLL and not said and progress is not None:  # not a task between two workers
            progress(f"cluster: {trouble}; waiting up to {limit:g} s ({CLUSTER_TIMEOUT_ENV})")
            said = True
        time.sleep(CLUSTER_POLL)


def _cluster_trouble(client: object, keys: set, scheduler: str) -> str:
    """Why the cluster builds none of ``keys`` now ("" when a worker runs one of them)."""
    if client.status != "running":
        return f"the scheduler at {scheduler!r} does not answer"
    try:
        processing = client.processing()
    except Exception:  # noqa: BLE001 - a scheduler that cannot be asked
        return f"the scheduler at {scheduler!r} does not answer"
    if not processing:
        return f"the cluster at {scheduler!r} has no worker"
    if not any(key in keys for running in processing.values() for key in running):
        return f"no worker of the cluster at {scheduler!r} is building a unit"
    return ""


def _cluster_result(future: object, job: UnitJob, limit: float) -> UnitResult:
    """A finished task's result; a task that failed or was cancelled on the cluster: the unit's failure."""
    try:
        if future.status == "finished":
            return future.result(timeout=limit)
        if future.status == "cancelled":
            return UnitResult(job.folder, job.name, job.slug, error="its task was cancelled on the cluster", lost=True)
        exc = future.exception(timeout=limit)
    except Exception as lost:  # noqa: BLE001 - the result could not be fetched from the cluster
        exc = lost
    detail = (str(exc).strip().splitlines() or [""])[0].split(". ")[0][:300]
    return UnitResult(job.folder, job.name, job.slug, lost=True,
                      error=f"the cluster could not build it: {type(exc).__name__}" + (f": {detail}" if detail else ""))


@dataclass(frozen=True)
class UnitsOutcome:
    """What a many-unit run made: each unit's result (in the units' order) and the roll-up's files."""

    results: list[UnitResult]
    rollup: list[Path]
    rollup_error: str = ""

    @property
    def failed(self) -> list[UnitResult]:
        return [r for r in self.results if r.failed]


def build_units(root: Path, periods: list[str] | None = None, *, year: int | None = None,
                cutoff: str = "decree09", out_dir: Path | None = None,
                formats: str | tuple[str, ...] = ("html", "pdf", "json"), skip_invalid: bool = False,
                workers: int | None = None, scheduler: str = "",
                progress: Callable[[str], None] | None = None) -> UnitsOutcome:
    """Every unit of ``root`` reported into ``out_dir/<unit-slug>/``, then the roll-up into
    ``out_dir/_tong-hop/`` and the index page of ``out_dir``. ``periods`` (ids) or every period
    of ``year``, checked as :func:`cchc_lib.running.report.build_reports` checks them. ``progress``
    receives a line per finished unit (done/total, elapsed, estimated time left); None: no line.
    ``out_dir`` is locked for the run (``OUT/.lock``): a second run into it is refused at once."""
    from ..base import paths
    from ..inputs.params import check_cutoff_name, check_formats, check_jobs, check_periods
    from .publish import check_out_dir, folder_lock

    period_ids = [p.id for p in check_periods(periods, year)]
    formats = check_formats(formats)
    cutoff = check_cutoff_name(cutoff)
    workers = check_jobs(workers)
    out = (Path(out_dir) if out_dir else paths.REPORTS_DIR).absolute()
    jobs = unit_jobs(find_units(root), period_ids, cutoff=cutoff, out_dir=out, formats=formats,
                     skip_invalid=skip_invalid)
    check_out_dir(out)
    with folder_lock(out):
        since = time.time()
        finished: dict[str, UnitResult] = {}
        try:
            results = _collect(jobs, out, workers, scheduler, progress, finished)
            lost = [r for r in results if r.lost]
            if lost:  # a roll-up naming them missing would blame their data: the run stops before it
                raise WorkersLost(f"--scheduler: the cluster could not build {len(lost)} unit(s) ({lost[0].slug}: "
                                  f"{lost[0].error}); the run stopped before the roll-up")
            rollup, rollup_error = _rollup(results, period_ids, out, cutoff, formats)
        except WorkersLost as exc:
            _index_if_published(out, jobs, finished, since)
            raise UnitsStopped(str(exc), stop_lines(jobs, finished, since)) from None
        except KeyboardInterrupt as exc:
            # Ctrl-C or SIGTERM: the command's last lines say which units the run published whole
            remade = _rollup_published_since(out / paths.ROLLUP_DIR_NAME, period_ids, since)
            exc.units_stopped = [  # type: ignore[attr-defined]
                f"the roll-up (_tong-hop/) was {'remade' if remade else 'not remade'}",
                *stop_lines(jobs, finished, since)]
            _index_if_published(out, jobs, finished, since)
            raise
    return UnitsOutcome(results, rollup, rollup_error)


def _collect(jobs: list[UnitJob], out: Path, workers: int | None, scheduler: str,
             progress: Callable[[str], None] | None, finished: dict[str, UnitResult]) -> list[UnitResult]:
    """Run the units, recording each result in ``finished`` (by folder) as it comes; the page of
    units is rewritten as units publish (the first at once, then at most every
    :data:`INDEX_EVERY` seconds), so a run killed before its roll-up leaves a page saying the
    roll-up is older than the units' reports. The results, in the order of ``jobs``."""
    started = time.perf_counter()
    runnable = [job for job in jobs if not job.refused]
    running = run_units(runnable, workers=workers, scheduler=scheduler, progress=progress) if runnable else iter(())
    marked: float | None = None
    try:
        for result in itertools.chain((build_unit(job) for job in jobs if job.refused), running):
            finished[result.folder] = result
            if not result.failed and (marked is None or time.monotonic() - marked >= INDEX_EVERY):
                _write_index(out, jobs, finished)  # before the line: a run killed on seeing it has the page
                marked = time.monotonic()
            if progress is not None:
                progress(progress_line(result, len(finished), len(jobs), time.perf_counter() - started))
    finally:
        running.close()  # stopped: the pool's workers are gone before the run says what it published
    return [finished[job.folder] for job in jobs]


def stop_lines(jobs: list[UnitJob], finished: dict[str, UnitResult], since: float) -> list[str]:
    """The units a stopped run published whole and those it did not, a line each."""
    published, others = _published_by_run(jobs, finished, since)
    return [f"published whole ({len(published)}): {', '.join(published) or 'none'}",
            f"not published ({len(others)}): {', '.join(others) or 'none'}"]


def _published_by_run(jobs: list[UnitJob], finished: dict[str, UnitResult], since: float) -> tuple[list, list]:
    """The slugs of the units the run published whole, and the others (``(failed)`` marked). A
    unit whose result never came back counts as published when its folder's index page is of
    this run (a unit's page is moved in last)."""
    published, others = [], []
    for job in jobs:
        result = finished.get(job.folder)
        result = None if result is not None and result.lost else result
        if (result is not None and not result.failed) or (
                result is None and job.out_dir and _published_since(Path(job.out_dir), since)):
            published.append(job.slug)
        else:
            others.append(f"{job.slug} (failed)" if result is not None else job.slug)
    return published, others


def _published_since(folder: Path, since: float) -> bool:
    try:
        return (folder / "index.html").stat().st_mtime >= since
    except OSError:
        return False


def _rollup_published_since(folder: Path, period_ids: list[str], since: float) -> bool:
    """Whether a file of the roll-up's periods was put in place by this run (its page, rewritten
    as units publish, tells nothing)."""
    try:
        return any(f.stat().st_mtime >= since for period in period_ids for f in folder.glob(f"{period}.*"))
    except OSError:
        return False


def _index_if_published(out: Path, jobs: list[UnitJob], finished: dict[str, UnitResult], since: float) -> None:
    """A stopped run that published units leaves the page of units saying so (and that the roll-up is older)."""
    from .publish import signals_held

    if _published_by_run(jobs, finished, since)[0]:
        with signals_held():
            _write_index(out, jobs, finished)


def _index_entries(results: list[UnitResult]) -> list[dict]:
    return [{"slug": r.slug, "name": r.name, "folder": Path(r.folder).name, "failed": r.failed, "error": r.error}
            for r in results]


def _write_index(out: Path, jobs: list[UnitJob], finished: dict[str, UnitResult]) -> None:
    """The page of units (and the roll-up folder's page) as the run has left them so far; a page
    that cannot be written is a warning: the units go on."""
    from .publish import refresh_rollup_index, warn, write_units_index

    try:
        write_units_index(out, _index_entries([finished[j.folder] for j in jobs if j.folder in finished]))
        refresh_rollup_index(out)
    except (OSError, CchcError) as exc:
        warn(f"the page of units {str(out / 'index.html')!r} was not rewritten: {getattr(exc, 'strerror', '') or exc}")


def progress_line(result: UnitResult, done: int, total: int, elapsed: float) -> str:
    """``[3/20] xa-hoang-giang: 7 file(s) in 12.3 s; elapsed 0:40, about 2:10 left``.

    >>> progress_line(UnitResult("d/a", "A", "a", ("x.json",), seconds=2.0), 1, 4, 10.0)
    '[1/4] a: 1 file(s) in 2.0 s; elapsed 0:10, about 0:30 left'
    >>> progress_line(UnitResult("d/b", "B", "b", error="boom"), 4, 4, 61.0)
    '[4/4] FAILED b (folder d/b): boom; elapsed 1:01, done'
    """
    left = elapsed / done * (total - done)
    when = f"elapsed {_clock(elapsed)}, " + (f"about {_clock(left)} left" if done < total else "done")
    if result.failed:
        return f"[{done}/{total}] FAILED {result.slug} (folder {result.folder}): {result.error}; {when}"
    return f"[{done}/{total}] {result.slug}: {len(result.files)} file(s) in {result.seconds:.1f} s; {when}"


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}:{rest:02d}"


def _rollup(results: list[UnitResult], periods: list[str], out: Path, cutoff: str,
            formats: tuple[str, ...]) -> tuple[list[Path], str]:
    """The roll-up over every unit (those that failed are named as missing), and the index of OUT."""
    from .publish import write_units_index
    from .rollup import publish_rollup

    expected = [r.slug for r in results]
    try:
        files = publish_rollup(periods, out, expected, cutoff, formats,
                               failed={r.slug: r.error for r in results if r.failed})
    except CchcError as exc:
        files, error = [], str(exc).strip().splitlines()[0]
    else:
        error = ""
    write_units_index(out, _index_entries(results))
    return files, error
