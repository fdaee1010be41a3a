"""A run killed or stopped part-way: earlier reports stay byte for byte, no half-written file
appears under a final name, and no process of the run (pool worker, kernel, PDF child) lives on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .hostile.support import assert_unchanged, make_data, make_earlier, snapshot

pytestmark = pytest.mark.notebook
MARKER = "CCHC_RUN_MARKER"


def _start(data: Path, out: Path, marker: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cchc_lib.cli", "report", "--year", "2023", "--format", "json,html",
         "--data", str(data), "--out", str(out), "--jobs", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, MARKER: marker, "PYTHONIOENCODING": "utf-8"},
    )


def _processes_of(marker: str) -> list[int]:
    """Every process whose environment carries the run's marker (the command's children inherit it)."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def _described(pids: list[int]) -> list[str]:
    """Each process as ``pid state ppid: command line``: which one outlived the run, and under whom."""
    lines = []
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            lines.append(f"{pid} {stat[0]} ppid {stat[1]}: {command.strip()[:160]}")
        except OSError:
            continue
    return lines


def _wait_gone(marker: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = _processes_of(marker)
        if not alive:
            return []
        time.sleep(0.25)
    return _processes_of(marker)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return make_data(tmp_path_factory.mktemp("signals") / "xa-thu")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("after", [2, 6, 12])
def test_sigkill_leaves_earlier_reports_and_no_process_alive(data, tmp_path, after):
    out = make_earlier(tmp_path / "out")
    before = snapshot(out)
    marker = uuid.uuid4().hex
    run = _start(data, out, marker)
    try:
        time.sleep(after)
        finished = run.poll() is not None
        run.kill()
        run.communicate(timeout=30)
        alive = _wait_gone(marker, 8)
        assert not alive, f"processes of the killed run still alive: {_described(alive)}"
    finally:
        for pid in _processes_of(marker):
            os.kill(pid, signal.SIGKILL)
    if finished:  # the whole run was done before the kill: its files are all published
        assert run.returncode == 0
        return
    if snapshot(out).get("index.html") != before["index.html"]:
        # the kill landed after the publish (the index is moved last) and before the process ended:
        # the new reports stand whole, every period's page and summary beside the new index
        periods = ("Q1", "Q2", "Q3", "Q4", "H1", "9M", "Y")
        assert all((out / f"2023-{p}.{kind}").is_file() for p in periods for kind in ("html", "json"))
        return
    assert_unchanged(before, out)
    # the next run clears what the killed one left (a staging folder at most) and publishes
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".staging-")]
    if leftovers:
        from cchc_lib.running.publish import clear_stale_staging, folder_lock

        with folder_lock(out):  # free: the lock died with the killed run
            assert clear_stale_staging(out)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigterm_stops_the_run_cleans_its_staging_and_its_processes(data, tmp_path):
    out = make_earlier(tmp_path / "out")
    before = snapshot(out)
    marker = uuid.uuid4().hex
    run = _start(data, out, marker)
    try:
        time.sleep(6)
        assert run.poll() is None, "the run ended before it could be stopped"
        run.send_signal(signal.SIGTERM)
        _, stderr = run.communicate(timeout=30)
        assert run.returncode == 143, stderr
        assert "Traceback" not in stderr
        assert "stopped (SIGTERM)" in stderr
        assert not _wait_gone(marker, 8)
    finally:
        for pid in _processes_of(marker):
            os.kill(pid, signal.SIGKILL)
    assert_unchanged(before, out)
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]
