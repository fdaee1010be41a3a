"""Hostile runs: what an output folder, another run, a pipe or a huge cell may do to
``cchc report``, and what the run must do then: succeed and say what it left out, or fail
with one clear line and change nothing."""

from __future__ import annotations

import csv
import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .support import assert_no_personal, assert_refused, assert_unchanged, cchc, snapshot

LONG = ("Thủ tục rất dài " * 7000)[:100_000]


def _spoil_procedures(data: Path, text: str, every: int = 10) -> None:
    """Give every ``every``-th dossier that has a due date the procedure name ``text``."""
    path = data / "dossiers.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    for number, row in enumerate(rows[1:], 1):
        if number % every == 0 and row[4]:
            row[1] = text
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


@pytest.mark.notebook
def test_malformed_json_in_the_output_folder_is_left_out_of_the_index_saying_so(data, earlier):
    (earlier / "2023-Q3.json").write_text("[1, 2, 3]", encoding="utf-8")
    (earlier / "2023-Q4.json").write_text(json.dumps({"generated_at": "not a time", "start": "2023-09-15"}),
                                          encoding="utf-8")
    run = cchc("report", "2023-Q2", "--data", data, "--out", earlier, "--format", "json")
    assert run.status == 0, run.text
    assert "Traceback" not in run.text
    assert "2023-Q3.json left out" in run.stderr and "2023-Q4.json left out" in run.stderr
    assert "2023-Q2 done in" in run.stderr and "(1/1)" in run.stderr
    page = (earlier / "index.html").read_text(encoding="utf-8")
    assert "2023-Q2.json" in page and "2023-Q1.html" in page
    assert "Không đọc được 2 tệp" in page
    assert (earlier / "2023-Q3.json").read_text(encoding="utf-8") == "[1, 2, 3]"  # left as it was
    assert_no_personal(earlier, run)


def test_an_out_that_is_a_file_is_refused_and_left_as_it_was(data, tmp_path):
    target = tmp_path / "reports.txt"
    target.write_text("not a folder", encoding="utf-8")
    for out in (target, target / "sub"):
        run = cchc("report", "2023-Q1", "--data", data, "--out", out)
        assert_refused(run, says=("--out", str(out)))
        assert target.read_text(encoding="utf-8") == "not a folder"
        assert_no_personal(run)


def test_a_second_run_into_a_locked_folder_is_refused_at_once(data, earlier):
    before = snapshot(earlier)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, sys, time\nf = open(sys.argv[1], 'a+b')\nfcntl.flock(f, fcntl.LOCK_EX)\n"
         "print('held', flush=True)\ntime.sleep(120)", str(earlier / ".lock")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        run = cchc("report", "2023-Q1", "--data", data, "--out", earlier)
        assert time.monotonic() - started < 30
        assert_refused(run, says=("in use by another cchc run", str(earlier)))
        units = cchc("report", "--units", data.parent, "2023-Q1", "--out", earlier)
        assert_refused(units, says=("in use by another cchc run",))
    finally:
        holder.kill()
        holder.wait()
    assert_unchanged(before, earlier)
    assert not [p for p in earlier.iterdir() if p.name.startswith(".staging-")]
    # the lock died with its holder: nothing stale is left to refuse the next run
    with open(earlier / ".lock", "a+b") as f:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_periods_into_a_closed_pipe_exits_quietly():
    done = subprocess.run(f"{sys.executable} -m cchc_lib.cli periods 2023 | head -n 1", shell=True,
                          capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("id")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        closed = subprocess.run([sys.executable, "-m", "cchc_lib.cli", "periods", "2023"], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert (closed.returncode, closed.stderr) == (0, "")


@pytest.mark.notebook
def test_a_hundred_thousand_character_procedure_name_gives_a_report_in_bounded_time(data, tmp_path):
    _spoil_procedures(data, LONG)
    out = tmp_path / "out"
    started = time.monotonic()
    run = cchc("report", "2023-Q1", "--data", data, "--out", out, "--format", "html,pdf,json", timeout=300)
    took = time.monotonic() - started
    assert run.status == 0, run.text
    assert took < 120, f"{took:.0f} s"
    html = (out / "2023-Q1.html").read_text(encoding="utf-8")
    assert LONG[:1000] not in html and "…" in html
    assert LONG.strip() in (out / "2023-Q1.json").read_text(encoding="utf-8")  # the JSON keeps the data whole
    assert (out / "2023-Q1.pdf").read_bytes().startswith(b"%PDF")
    assert_no_personal(out, run)


@pytest.mark.notebook
def test_a_step_past_its_time_limit_fails_the_run_naming_period_and_step_and_changes_nothing(data, earlier):
    before = snapshot(earlier)
    run = cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "pdf",
               env={"CCHC_PDF_TIMEOUT": "0.05"})
    assert_refused(run, says=("2023-Q1: pdf failed", "time limit", "CCHC_PDF_TIMEOUT"))
    assert_unchanged(before, earlier)
    assert not [p for p in earlier.iterdir() if p.name.startswith(".staging-")]
    assert (earlier / "_failed" / "2023-Q1.ipynb").is_file()
    assert_no_personal(earlier, run)


@pytest.mark.notebook
def test_a_stale_staging_folder_is_cleared_and_quiet_says_no_progress(data, earlier):
    stale = earlier / ".staging-killed"
    stale.mkdir()
    (stale / "2023-Q1.pdf").write_bytes(b"%PDF-half")
    (earlier / ".index.html.tmp123").write_text("half", encoding="utf-8")
    run = cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json", "--quiet")
    assert run.status == 0, run.text
    assert run.stderr == ""
    assert not stale.exists() and not (earlier / ".index.html.tmp123").exists()
    assert "2023-Q1.json" in run.stdout
    assert_no_personal(earlier, run)


def test_build_reports_from_python_refuses_bad_parameters_as_the_command_does(data, tmp_path):
    from cchc_lib.base.errors import CchcError
    from cchc_lib.running.report import build_reports

    out = tmp_path / "out"
    for kwargs, message in (
        ({"periods": ["2023-Q5"]}, "invalid period id '2023-Q5'"),
        ({"periods": ["2023-Q1"], "year": 2023}, "not both"),
        ({"periods": []}, "give at least one PERIOD"),
        ({"periods": ["2023-Q1"], "formats": "html,odt"}, "unknown odt"),
        ({"periods": ["2023-Q1"], "cutoff": "monthly"}, "cutoff"),
        ({"periods": ["2023-Q1"], "jobs": 0}, "--jobs"),
        ({"periods": ["2023-Q1"], "data_dir": tmp_path / "nowhere"}, "is not a folder"),
    ):
        with pytest.raises(CchcError, match=message):
            build_reports(out_dir=out, **{"data_dir": data, **kwargs})
    assert not out.exists()
    run = cchc("report", "2023-Q5", "--data", data, "--out", out)
    assert_refused(run, says=("invalid period id '2023-Q5'",))


def test_a_units_run_whose_out_is_a_file_is_refused(data, tmp_path):
    target = tmp_path / "reports.txt"
    target.write_text("x", encoding="utf-8")
    run = cchc("report", "--units", data.parent, "2023-Q1", "--out", target)
    assert_refused(run, says=("--out",))
    assert target.read_text(encoding="utf-8") == "x"


@pytest.mark.notebook
def test_a_cell_past_its_time_limit_fails_the_run_naming_period_and_step(data, earlier, tmp_path, monkeypatch):
    import nbformat

    from cchc_lib.base.errors import ReportError
    from cchc_lib.running.report import build_reports

    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                 "display_name": "Python 3"},
                                                  "language_info": {"name": "python"}})
    parameters = nbformat.v4.new_code_cell('period = ""\ncutoff = ""\ndata_dir = ""\nunit = ""\nskip_invalid = False')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell("import time\ntime.sleep(60)")]
    path = tmp_path / "slow.ipynb"
    nbformat.write(notebook, path)
    monkeypatch.setenv("CCHC_CELL_TIMEOUT", "2")
    before = snapshot(earlier)
    started = time.monotonic()
    with pytest.raises(ReportError) as refused:
        build_reports(["2023-Q1"], data_dir=data, out_dir=earlier, notebook=path, jobs=1)
    assert time.monotonic() - started < 45
    message = str(refused.value)
    assert message.startswith("2023-Q1: notebook failed: stopped after its time limit of 2 s (CCHC_CELL_TIMEOUT)")
    assert "no report was changed" in message
    assert_unchanged(before, earlier)
    assert not [p for p in earlier.iterdir() if p.name.startswith(".staging-")]
    if "no executed notebook was written" in message:
        assert not (earlier / "_failed").exists()
    assert_no_personal(earlier, message)


@pytest.mark.notebook
def slow_cells(folder: Path, seconds: float) -> dict[str, str]:
    """The environment of a run whose kernels take ``seconds`` more for every cell: an IPython
    startup file (in a profile folder of its own) that waits before each cell runs. A cell then
    outlasts a limit shorter than that whatever the machine's speed."""
    startup = folder / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "slow.py").write_text(
        f"import time\nget_ipython().events.register('pre_run_cell', lambda *_: time.sleep({seconds}))\n",
        encoding="utf-8")
    return {"IPYTHONDIR": str(folder / "ipython")}


def test_a_cell_time_limit_through_the_command_says_it_once_and_leaves_no_empty_folder(data, earlier, tmp_path):
    before = snapshot(earlier)
    run = cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json",
               env={"CCHC_CELL_TIMEOUT": "1", **slow_cells(tmp_path, 3)})
    assert_refused(run, says=("2023-Q1: notebook failed", "CCHC_CELL_TIMEOUT"))
    assert run.stderr.count("\n") == 1, run.stderr  # the error line only: no log record of a library
    assert_unchanged(before, earlier)
    failed = earlier / "_failed"
    assert not failed.exists() or any(failed.iterdir())
    assert_no_personal(earlier, run)
