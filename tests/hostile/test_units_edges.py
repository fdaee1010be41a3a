"""Hostile cases of a many-unit run (``cchc report --units``): a unit folder linking outside
ROOT, relative paths sent to a cluster, a cluster that stops building, a run stopped or killed
part-way, and a roll-up older than the units' reports it sums."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cchc_lib.running.units import build_unit, find_units, unit_jobs

from .support import assert_no_personal, cchc, make_data, make_earlier, snapshot

REPO = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).parent / "dask"
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8",
       "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
STALE = "trước báo cáo mới nhất của"


def _unit(root: Path, slug: str, name: str, rows: int = 60) -> Path:
    """A unit data folder under ``root``: the sample's first ``rows`` dossiers (with the planted
    personal columns), named ``name`` and reported as ``slug``."""
    folder = make_data(root / slug, rows=rows)
    text = (folder / "unit.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Xã Hoằng Giang", f"name: {name}").replace("slug: hoang-giang", f"slug: {slug}")
    (folder / "unit.yaml").write_text(text, encoding="utf-8")
    return folder


def _root(tmp_path: Path, count: int = 2, rows: int = 60) -> Path:
    root = tmp_path / "units"
    for number, (slug, name) in enumerate([("dong-loi", "Xã Đồng Lợi"), ("hoang-son", "Xã Hoằng Sơn"),
                                           ("hoang-xuyen", "Xã Hoằng Xuyên")][:count]):
        _unit(root, slug, name, rows=rows * (number + 1))
    return root


def _assert_kept(before: dict[str, str], folder: Path) -> None:
    """No earlier file changed or vanished, and no file appeared under a final name (hidden
    folders and files, a run's lock and staging, may appear)."""
    after = snapshot(folder)
    changed = [name for name, digest in before.items() if after.get(name) != digest]
    assert not changed, f"earlier files changed or lost: {changed}"
    new = [n for n in after if n not in before and not any(p.startswith(".") for p in n.split("/"))]
    assert not new, f"files published by a unit that was not: {new}"


def _last_lines(stderr: str, count: int = 2) -> list[str]:
    return [line.strip() for line in stderr.strip().splitlines()[-count:]]


# --- 1. a unit folder that is a symbolic link leading outside ROOT -------------------------------

def test_a_unit_folder_linking_outside_root_is_refused_and_never_read(tmp_path):
    root = _root(tmp_path, count=1)
    outside = make_data(tmp_path / "elsewhere" / "secret")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "inside").symlink_to(root / "dong-loi", target_is_directory=True)  # inside ROOT: a unit like any
    units = find_units(root)
    assert [f.name for f in units] == ["dong-loi", "inside", "linked"]
    jobs = {Path(j.folder).name: j for j in unit_jobs([units[0], units[2]], ["2023-Q1"], cutoff="decree09",
                                                      out_dir=tmp_path / "out", formats=("json",))}
    assert not jobs["dong-loi"].refused
    refused = jobs["linked"]
    assert "symbolic link leading outside ROOT" in refused.refused and str(outside) in refused.refused
    assert refused.out_dir == ""  # nothing of it is ever written
    result = build_unit(refused)
    assert result.failed and result.error == refused.refused and result.files == ()
    assert_no_personal(result.error)


@pytest.mark.notebook
def test_a_run_refuses_the_linked_unit_names_it_and_builds_the_others(tmp_path):
    root = _root(tmp_path, count=1)
    outside = _unit(tmp_path / "elsewhere", "xa-ngoai", "Xã Ngoài")
    (root / "ngoai").symlink_to(outside, target_is_directory=True)
    out = tmp_path / "out"
    run = cchc("report", "--units", root, "2023-Q1", "--format", "json", "--out", out, "--jobs", "1")
    assert run.status == 1, run.text
    assert "Traceback" not in run.text
    assert "FAILED ngoai (folder" in run.stderr and "symbolic link leading outside ROOT" in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("cchc: error: 1 unit(s) failed: ngoai (folder ngoai): the unit folder is a symbolic link")
    assert (out / "dong-loi" / "2023-Q1.json").is_file()
    assert not (out / "ngoai").exists() and not (out / "xa-ngoai").exists()
    rollup = json.loads((out / "_tong-hop" / "2023-Q1.json").read_text(encoding="utf-8"))
    assert [u["unit_slug"] for u in rollup["units"]] == ["dong-loi"]
    assert [m["unit_slug"] for m in rollup["missing_units"]] == ["ngoai"]
    assert not list(outside.glob(".staging-*")) and not (outside / "_failed").exists()
    assert_no_personal(out, run)


# --- 2. and 3. a cluster: absolute paths; a cluster that stops building --------------------------

@contextmanager
def _cluster(tmp_path: Path, workers: int = 0,
             preload: str = "") -> Iterator[tuple[str, subprocess.Popen, list[subprocess.Popen]]]:
    """A dask scheduler on this machine and ``workers`` workers (one thread each, no nanny: a
    worker killed stays dead), started in a folder of their own; ``preload``: code each worker
    runs as it starts."""
    home = tmp_path / "cluster-home"
    home.mkdir()
    extra = []
    if preload:
        (home / "worker_start.py").write_text(preload, encoding="utf-8")
        extra = ["--preload", "worker_start"]
    file = home / "scheduler.json"
    scheduler = subprocess.Popen([str(DASK), "scheduler", "--scheduler-file", str(file), "--host", "127.0.0.1",
                                  "--port", "0", "--no-dashboard"], cwd=home, env=ENV,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started: list[subprocess.Popen] = []
    try:
        deadline = time.monotonic() + 60
        address = ""
        while not address and time.monotonic() < deadline:
            try:
                address = json.loads(file.read_text(encoding="utf-8"))["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.2)
        assert address, "the scheduler did not start"
        for _ in range(workers):
            started.append(subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--no-nanny",
                                             "--no-dashboard", *extra], cwd=home,
                                            env={**ENV, "PYTHONPATH": os.pathsep.join([str(home), ENV["PYTHONPATH"]])},
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        if workers:
            from distributed import Client

            with Client(address, timeout="30s") as client:
                client.wait_for_workers(workers, timeout=60)
        yield address, scheduler, started
    finally:
        for process in [*started, scheduler]:
            process.kill()
            process.wait()


def test_paths_sent_to_workers_are_absolute_whatever_folder_the_run_is_in(tmp_path, monkeypatch):
    _root(tmp_path, count=2)
    monkeypatch.chdir(tmp_path)
    jobs = unit_jobs(find_units(Path("units")), ["2023-Q1"], cutoff="decree09", out_dir=Path("out"),
                     formats=("json",))
    assert [j.folder for j in jobs] == [str(tmp_path / "units" / n) for n in ("dong-loi", "hoang-son")]
    assert [j.out_dir for j in jobs] == [str(tmp_path / "out" / n) for n in ("dong-loi", "hoang-son")]


def _check_cluster_stop(run, earlier: dict[str, str], out: Path, said: str, published: str, not_published: str):
    assert run.status == 1, run.text
    assert "Traceback" not in run.text
    error = [line for line in run.stderr.splitlines() if line.startswith("cchc: error:")]
    assert len(error) == 1 and said in error[0] and "(CCHC_CLUSTER_TIMEOUT)" in error[0], run.stderr
    assert "stopped before the roll-up" in error[0]
    assert _last_lines(run.stderr) == [published, not_published]
    # every line is the command's own: no log record of the cluster's library
    assert all(line.startswith(("cchc: error:", "  ", "[", "cluster:")) for line in run.stderr.splitlines()), run.stderr
    _assert_kept(earlier, out)
    assert not (out / "_tong-hop").exists()
    assert_no_personal(out, run)


def test_a_cluster_without_a_worker_stops_the_run_after_its_wait_naming_every_unit(tmp_path):
    root = _root(tmp_path, count=2)
    out = tmp_path / "out"
    make_earlier(out / "hoang-son")
    before = snapshot(out)
    with _cluster(tmp_path) as (address, _, _):
        started = time.monotonic()
        run = cchc("report", "--units", root, "2023-Q1", "--format", "json", "--out", out, "--scheduler", address,
                   env={"CCHC_CLUSTER_TIMEOUT": "3"}, timeout=120)
        took = time.monotonic() - started
    assert took < 60, f"{took:.0f} s"
    assert "cluster: the cluster at" in run.stderr and "waiting up to 3 s (CCHC_CLUSTER_TIMEOUT)" in run.stderr
    _check_cluster_stop(run, before, out, "has no worker for 3 s", "published whole (0): none",
                        "not published (2): dong-loi, hoang-son")


def test_a_scheduler_that_goes_away_stops_the_run_after_its_wait(tmp_path):
    root = _root(tmp_path, count=2)
    out = tmp_path / "out"
    make_earlier(out / "dong-loi")
    before = snapshot(out)
    with _cluster(tmp_path) as (address, scheduler, _):
        run = subprocess.Popen([sys.executable, "-m", "cchc_lib.cli", "report", "--units", str(root), "2023-Q1",
                                "--format", "json", "--out", str(out), "--scheduler", address],
                               env={**ENV, "CCHC_CLUSTER_TIMEOUT": "8"}, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            waiting = run.stderr.readline()  # the run is connected and waits for a worker
            assert waiting.startswith("cluster:"), waiting
            scheduler.kill()
            stdout, stderr = run.communicate(timeout=90)
        finally:
            run.kill()
            run.wait()
    from .support import Run

    _check_cluster_stop(Run(run.returncode, stdout, waiting + stderr), before, out, "does not answer for 8 s",
                        "published whole (0): none", "not published (2): dong-loi, hoang-son")


def test_a_cluster_whose_workers_cannot_run_the_task_stops_the_run_naming_every_unit(tmp_path):
    root = _root(tmp_path, count=2)
    out = tmp_path / "out"
    make_earlier(out / "dong-loi")
    before = snapshot(out)
    # a worker whose environment lacks the project: it cannot even read the task it is given
    with _cluster(tmp_path, workers=1, preload="import sys\nsys.modules['cchc_lib'] = None\n") as (address, _, _):
        run = cchc("report", "--units", root, "2023-Q1", "--format", "json", "--out", out, "--scheduler", address,
                   env={"CCHC_CLUSTER_TIMEOUT": "3"}, timeout=120)
    assert run.status == 1, run.text
    assert "Traceback" not in run.text
    error = [line for line in run.stderr.splitlines() if line.startswith("cchc: error: --scheduler:")]
    assert len(error) == 1 and error[0].endswith("the run stopped before the roll-up"), run.stderr
    assert _last_lines(run.stderr) == ["published whole (0): none", "not published (2): dong-loi, hoang-son"]
    _assert_kept(before, out)
    assert not (out / "_tong-hop").exists()
    assert_no_personal(out, run)


def _wait_line(process: subprocess.Popen, start: str, seconds: float = 300) -> tuple[str, str]:
    """Read ``process``'s stderr until a line starting with ``start``: (that line, all read)."""
    read = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        read.append(line)
        if line.startswith(start):
            return line, "".join(read)
    raise AssertionError(f"no line starting {start!r}:\n{''.join(read)}")


@pytest.mark.notebook
def test_relative_paths_on_a_cluster_and_the_only_worker_lost_mid_run(tmp_path):
    _root(tmp_path, count=2, rows=200)
    out = tmp_path / "out"
    make_earlier(out / "hoang-son")
    before = snapshot(out / "hoang-son")
    with _cluster(tmp_path, workers=1) as (address, _, workers):
        # relative --units and --out, and the worker in another folder: paths must reach it absolute
        run = subprocess.Popen([sys.executable, "-m", "cchc_lib.cli", "report", "--units", "units", "2023-Q1",
                                "--format", "json", "--out", "out", "--scheduler", address],
                               cwd=tmp_path, env={**ENV, "CCHC_CLUSTER_TIMEOUT": "4"}, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            first, read = _wait_line(run, "[1/2]")
            assert "FAILED" not in first, read
            workers[0].kill()  # the only worker, while it builds the second unit
            stdout, stderr = run.communicate(timeout=120)
        finally:
            run.kill()
            run.wait()
    from .support import Run

    done = first.split("]")[1].split(":")[0].strip()
    other = ({"dong-loi", "hoang-son"} - {done}).pop()
    result = Run(run.returncode, stdout, read + stderr)
    assert run.returncode == 1, result.text
    assert (out / done / "2023-Q1.json").is_file() and (out / done / "index.html").is_file()
    assert _last_lines(result.stderr) == [f"published whole (1): {done}", f"not published (1): {other}"]
    assert "has no worker for 4 s (CCHC_CLUSTER_TIMEOUT)" in result.stderr
    if other == "hoang-son":  # its earlier report stays as it was
        _assert_kept(before, out / "hoang-son")
    else:
        assert not (out / other / "2023-Q1.json").exists()
    assert_no_personal(out, result)


@pytest.mark.notebook
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
def test_a_process_of_the_local_pool_killed_stops_the_run_naming_the_units(tmp_path):
    import psutil

    root = _root(tmp_path, count=3, rows=100)
    out = tmp_path / "out"
    make_earlier(out / "hoang-xuyen")
    before = snapshot(out / "hoang-xuyen")
    run = subprocess.Popen([sys.executable, "-m", "cchc_lib.cli", "report", "--units", str(root), "2023-Q1",
                            "--format", "json", "--out", str(out), "--jobs", "2"],
                           env=ENV, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first, read = _wait_line(run, "[1/3]")
        pool = [p for p in psutil.Process(run.pid).children() if "spawn_main" in " ".join(p.cmdline())]
        assert pool, "no worker process found"
        for process in pool:  # every worker: the unit left cannot be built by the one that lives on
            process.kill()
        _, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
        run.wait()
    assert run.returncode == 1, read + stderr
    assert "Traceback" not in stderr and "BrokenProcessPool" not in stderr
    done = first.split("]")[1].split(":")[0].strip()
    assert "cchc: error: --jobs: a worker process of the run ended before its unit was built" in stderr
    published, not_published = _last_lines(stderr)
    assert published.startswith("published whole (") and done in published, stderr
    assert not_published.startswith("not published (") and not_published != "not published (0): none", stderr
    if "hoang-xuyen" in not_published:
        _assert_kept(before, out / "hoang-xuyen")
    assert not (out / "_tong-hop").exists()
    assert_no_personal(out, stderr)


# --- 4. and 5. a run stopped or killed before its roll-up ---------------------------------------

@pytest.fixture(scope="module")
def units_done(tmp_path_factory) -> tuple[Path, Path]:
    """Three units and an output folder where a run published all three and the roll-up."""
    base = tmp_path_factory.mktemp("units-done")
    root = _root(base, count=3)
    out = base / "out"
    run = cchc("report", "--units", root, "2023-Q1", "--format", "json", "--out", out, "--jobs", "1")
    assert run.status == 0, run.text
    return root, out


def _stale_pages(out: Path) -> tuple[str, str]:
    return ((out / "index.html").read_text(encoding="utf-8"),
            (out / "_tong-hop" / "index.html").read_text(encoding="utf-8"))


@pytest.mark.notebook
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_run_stopped_before_its_roll_up_says_what_it_published_and_the_pages_say_the_roll_up_is_old(
        units_done, tmp_path, sig):
    root, done = units_done
    out = tmp_path / "out"
    shutil.copytree(done, out)
    units, rollup = _stale_pages(out)
    assert STALE not in units and STALE not in rollup  # a roll-up made after its units says nothing
    before = {slug: snapshot(out / slug) for slug in ("dong-loi", "hoang-son", "hoang-xuyen", "_tong-hop")}
    run = subprocess.Popen([sys.executable, "-m", "cchc_lib.cli", "report", "--units", str(root), "2023-Q1",
                            "--format", "json", "--out", str(out), "--jobs", "1"],
                           env=ENV, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first, read = _wait_line(run, "[1/3]")
        run.send_signal(sig)
        _, stderr = run.communicate(timeout=60)
    finally:
        run.kill()
        run.wait()
    assert "FAILED" not in first
    assert "Traceback" not in stderr
    if sig == signal.SIGTERM:
        assert run.returncode == 143, stderr
        lines = stderr.strip().splitlines()
        assert lines[-3].startswith("cchc: stopped (SIGTERM); the roll-up (_tong-hop/) was not remade"), stderr
        assert "nothing was published" not in stderr
        assert _last_lines(stderr) == ["published whole (1): dong-loi", "not published (2): hoang-son, hoang-xuyen"]
    assert snapshot(out / "dong-loi") != before["dong-loi"]  # published anew, whole
    for slug in ("hoang-son", "hoang-xuyen", "_tong-hop"):
        changed = {n for n, d in before[slug].items() if snapshot(out / slug).get(n) != d}
        assert changed <= ({"index.html"} if slug == "_tong-hop" else set()), (slug, changed)
    units, rollup = _stale_pages(out)
    for page in (units, rollup):
        assert "Báo cáo tổng hợp quý I năm 2023 được lập lúc" in page
        assert f"{STALE} xã Đồng Lợi (lập lúc" in page
        assert "Hoằng Sơn (lập lúc" not in page and "Hoằng Xuyên (lập lúc" not in page
        assert "hãy chạy lại" in page.lower()
    assert_no_personal(out, stderr)


def test_the_pages_say_which_unit_reports_are_newer_than_the_roll_up(tmp_path):
    from cchc_lib.running.publish import refresh_rollup_index, write_index, write_units_index

    out = tmp_path / "out"

    def unit_json(slug: str, name: str, when: str) -> None:
        (out / slug).mkdir(parents=True, exist_ok=True)
        (out / slug / "2023-Q1.json").write_text(json.dumps(
            {"period": "2023-Q1", "unit": name, "generated_at": when, "start": "2022-12-15", "end": "2023-03-14"}),
            encoding="utf-8")

    unit_json("xa-a", "Xã An", "2026-03-01T08:00:00+07:00")
    unit_json("xa-b", "Xã Bình", "2026-03-01T08:05:00+07:00")
    unit_json("xa-c", "Xã Cát", "2026-03-01T08:06:00+07:00")
    rollup = {"kind": "rollup", "period": "2023-Q1", "start": "2022-12-15", "end": "2023-03-14",
              "generated_at": "2026-03-01T09:00:00+07:00", "unit_count": 2,
              "units": [{"unit_slug": "xa-a", "generated_at": "2026-03-01T08:00:00+07:00"},
                        {"unit_slug": "xa-b", "generated_at": "2026-03-01T08:05:00+07:00"}],
              "missing_units": [{"unit_slug": "xa-c", "reason": "x"}, {"unit_slug": "../xa-a", "reason": "x"}]}
    (out / "_tong-hop").mkdir()
    (out / "_tong-hop" / "2023-Q1.json").write_text(json.dumps(rollup), encoding="utf-8")
    write_index(out / "_tong-hop", "Báo cáo tổng hợp", parent_link=True)
    write_units_index(out)
    for page in _stale_pages(out):
        assert STALE not in page  # every report it lists is the one it summed, or older than it
    # xã Bình is reported again after the roll-up (a clock behind: its time is still earlier),
    # and xã Cát, missing from it, too
    unit_json("xa-b", "Xã Bình", "2026-03-01T08:59:00+07:00")
    unit_json("xa-c", "Xã Cát", "2026-03-01T10:30:00+07:00")
    write_units_index(out)
    refresh_rollup_index(out)
    for page in _stale_pages(out):
        assert ("Báo cáo tổng hợp quý I năm 2023 được lập lúc 09:00 01/03/2026, trước báo cáo mới nhất của "
                "xã Bình (lập lúc 08:59 01/03/2026), xã Cát (lập lúc 10:30 01/03/2026): số liệu tổng hợp chưa "
                "tính các báo cáo này. Hãy chạy lại") in page
        assert "xã An" not in page.split(STALE)[1].split("</p>")[0]
