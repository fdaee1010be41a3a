"""Many units in one run: the unit folders under a root, their reports built on a local pool
of processes or on a dask.distributed cluster, and the roll-up over their JSON summaries.

A unit is a data folder as the README defines it (``unit.yaml``, the dossier exports, the
catalogue, the plan); ``ROOT`` holds one per sub-folder. Each unit's reports go to
``OUT/<unit-slug>/`` exactly as a one-unit run makes them (staged, then published only when
all the unit's periods succeeded); one unit's failure is reported with its folder's name and
never stops the others. The roll-up (``OUT/_tong-hop/``) then sums the units' JSON summaries,
naming every unit whose report is missing.

Work goes out one unit at a time: to forked processes of this machine (each keeping one
kernel for the units it builds), or, given a scheduler's address, to the workers of an
existing dask.distributed cluster (``Client(address)``), which must see the same data and
output folders (a shared file system) and run the same environment.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from .errors import CchcError, ReportError
from .ingest import find_dossier_files, missing_export_hint, read_unit, slugify


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


@dataclass(frozen=True)
class UnitResult:
    """A worker's answer: the files published, or why the unit failed."""

    folder: str
    name: str
    slug: str
    files: tuple[str, ...] = ()
    error: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return bool(self.error)


def find_units(root: Path) -> list[Path]:
    """The unit data folders of ``root``: its sub-folders holding a dossier export, or a file only
    named like one (``dossiers (1).xlsx``: the unit then fails saying what to rename), by name
    (folders whose name starts with ``_`` or ``.`` are not units)."""
    root = Path(root)
    if not root.is_dir():
        raise CchcError(f"--units: {str(root)!r} is not a folder")
    units = sorted(f for f in root.iterdir() if f.is_dir() and not f.name.startswith(("_", "."))
                   and (find_dossier_files(f) or missing_export_hint(f)[0]))
    if not units:
        raise CchcError(f"--units: {str(root)!r} holds no unit folder (a sub-folder with dossiers.csv, "
                        "dossiers.xlsx or a folder dossiers/)")
    return units


def unit_jobs(units: list[Path], periods: list[str], *, cutoff: str, out_dir: Path, formats: tuple[str, ...],
              skip_invalid: bool = False, keep_kernel: bool = True) -> list[UnitJob]:
    """One job per unit folder; two units with the same slug would share an output folder: refused."""
    jobs, seen = [], {}
    for folder in units:
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
        jobs.append(UnitJob(str(folder), unit.name, unit.slug, tuple(periods), cutoff, str(Path(out_dir) / unit.slug),
                            formats, skip_invalid, keep_kernel))
    return jobs


def build_unit(job: UnitJob) -> UnitResult:
    """Build and publish one unit's reports; never raises: a failure is the result's ``error``."""
    from .periods import parse_period
    from .render import build_reports

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


def run_units(jobs: list[UnitJob], *, workers: int | None = None, scheduler: str = "") -> Iterator[UnitResult]:
    """Build the units, yielding each result as its unit finishes: on a local pool of
    ``workers`` forked processes, or on the dask.distributed cluster at ``scheduler``."""
    if scheduler:
        yield from _run_on_cluster(jobs, scheduler)
        return
    count = max(1, min(len(jobs), workers or os.cpu_count() or 1))
    if count == 1:
        from .render import shutdown_kernel

        try:
            for job in jobs:
                yield build_unit(job)
        finally:
            shutdown_kernel()
        return
    from .render import stop_pool, worker_started

    # each worker keeps one kernel for the units it builds; workers start afresh ("spawn"): a
    # forked copy of a process that already ran a kernel client or Arrow's thread pool can wait
    # forever on a thread that was not copied. A worker stops, with its kernel, when this
    # process ends, however it ends.
    pool = ProcessPoolExecutor(max_workers=count, mp_context=get_context("spawn"),
                               initializer=worker_started, initargs=(os.getpid(),))
    try:
        futures = [pool.submit(build_unit, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()
    except BaseException:
        # interrupted (Ctrl-C, SIGTERM) or failing: the units not yet started are not started,
        # those running are stopped (each removes its staging folder)
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def _run_on_cluster(jobs: list[UnitJob], scheduler: str) -> Iterator[UnitResult]:
    """The units on an existing dask.distributed cluster: one task per unit, each building the
    unit's periods in its worker's own kernel (started and stopped with the unit)."""
    from dataclasses import replace

    from distributed import Client
    from distributed import as_completed as dask_completed

    try:
        client = Client(scheduler, timeout="10s")
    except Exception as exc:  # noqa: BLE001 - a bad address or no scheduler: one clear line
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ReportError(f"--scheduler: no dask scheduler answers at {scheduler!r}: {detail}") from None
    try:
        futures = client.map(build_unit, [replace(job, keep_kernel=False) for job in jobs], pure=False)
        for future in dask_completed(futures):
            yield future.result()
    finally:
        client.close()


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
    of ``year``, checked as :func:`cchc_lib.render.build_reports` checks them. ``progress``
    receives a line per finished unit (done/total, elapsed, estimated time left); None: no line.
    ``out_dir`` is locked for the run (``OUT/.lock``): a second run into it is refused at once."""
    from . import paths
    from .params import check_cutoff_name, check_formats, check_jobs, check_periods
    from .publish import check_out_dir, folder_lock

    period_ids = [p.id for p in check_periods(periods, year)]
    formats = check_formats(formats)
    cutoff = check_cutoff_name(cutoff)
    workers = check_jobs(workers)
    out = Path(out_dir) if out_dir else paths.REPORTS_DIR
    jobs = unit_jobs(find_units(root), period_ids, cutoff=cutoff, out_dir=out, formats=formats,
                     skip_invalid=skip_invalid)
    check_out_dir(out)
    with folder_lock(out):
        started = time.perf_counter()
        finished: dict[str, UnitResult] = {}
        for result in run_units(jobs, workers=workers, scheduler=scheduler):
            finished[result.folder] = result
            if progress is not None:
                progress(progress_line(result, len(finished), len(jobs), time.perf_counter() - started))
        results = [finished[job.folder] for job in jobs]
        rollup, rollup_error = _rollup(results, period_ids, out, cutoff, formats)
    return UnitsOutcome(results, rollup, rollup_error)


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
    write_units_index(out, [{"slug": r.slug, "name": r.name, "folder": Path(r.folder).name, "failed": r.failed,
                             "error": r.error} for r in results])
    return files, error
