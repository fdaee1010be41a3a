"""A province's volume: a year of reports over a million dossiers in one unit completes, and a
late cell output is reported as what it is, not as a cell past its time limit.

The notebook hands its summary and document to the runner as files (``views.show_summary``):
what rides on the kernel's output channel is a file name, whatever the volume.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from cchc_lib.base import paths
from cchc_lib.outputs.views import HANDOVER_ENV, HANDOVER_KEY, show_summary
from cchc_lib.running.steps import step_failure, summary_from_notebook

from .support import assert_no_personal, cchc, make_data

ROOT = Path(__file__).resolve().parents[2]
ROWS = 1_000_000
PERIODS = ("Q1", "Q2", "Q3", "Q4", "H1", "9M", "Y")


def _province_module():
    spec = importlib.util.spec_from_file_location("bench_province", ROOT / "benchmarks" / "bench_province.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    """A data folder of a million invented dossiers of 500 communes (the benchmark's generator)."""
    bench = _province_module()
    folder = tmp_path_factory.mktemp("province")
    bench.write_csv(bench.generate(ROWS, 500, 2023), folder / "dossiers.csv")
    (folder / "unit.yaml").write_text(bench._unit_yaml(ROWS, 500, ""), encoding="utf-8")
    (folder / "procedures.csv").write_bytes((paths.SAMPLE_DATA_DIR / "procedures.csv").read_bytes())
    return folder


@pytest.mark.notebook
def test_a_year_of_a_million_dossiers_completes_and_its_quarters_add_up(province, tmp_path):
    out = tmp_path / "out"
    run = cchc("report", "--year", "2023", "--format", "json", "--data", province, "--out", out, "--quiet",
               timeout=1200)
    assert run.status == 0, run.text
    assert "Traceback" not in run.text
    summaries = {p: json.loads((out / f"2023-{p}.json").read_text(encoding="utf-8")) for p in PERIODS}
    received = {p: s["dossiers"]["received_in_period"] for p, s in summaries.items()}
    resolved = {p: s["dossiers"]["total"]["resolved_total"] for p, s in summaries.items()}
    assert received["Y"] > 800_000  # most of the million were received within the year's window
    for counts in (received, resolved):  # the quarters' windows split the year's
        assert sum(counts[q] for q in ("Q1", "Q2", "Q3", "Q4")) == counts["Y"]
        assert counts["Q1"] + counts["Q2"] == counts["H1"]
        assert counts["H1"] + counts["Q3"] == counts["9M"]
    assert not (out / "_failed").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".staging-")]


def test_under_the_runner_the_summary_is_a_file_and_the_output_only_names_it(tmp_path, monkeypatch):
    summary = {"period": "2023-Q1", "unit": "Xã Thử", "rows": list(range(50_000))}
    monkeypatch.setenv(HANDOVER_ENV, str(tmp_path))
    shown = show_summary(summary)
    assert shown.data == {HANDOVER_KEY: "summary.json"}
    assert json.loads((tmp_path / "summary.json").read_text(encoding="utf-8")) == summary
    nb = {"cells": [{"metadata": {"tags": ["summary-json"]},
                     "outputs": [{"data": {"application/json": shown.data}}]}]}
    from nbformat import from_dict

    assert summary_from_notebook(from_dict(nb), handover=tmp_path) == summary
    # without the folder the runner cannot find what the cell names: a clear error, no guess
    with pytest.raises(Exception, match="written to a file that is not there"):
        summary_from_notebook(from_dict(nb), handover=tmp_path / "elsewhere")


def test_in_jupyterlab_the_summary_is_shown_whole(monkeypatch):
    monkeypatch.delenv(HANDOVER_ENV, raising=False)
    assert show_summary({"period": "2023-Q1"}).data == {"period": "2023-Q1"}


def test_a_late_output_is_not_reported_as_the_cell_time_limit(monkeypatch):
    from nbclient.exceptions import CellTimeoutError
    from nbformat import from_dict

    monkeypatch.setenv("CCHC_OUTPUT_TIMEOUT", "7")
    late = CellTimeoutError.error_from_timeout_and_cell("Timeout waiting for IOPub output", 7,
                                                        from_dict({"source": "views.show_summary(summary)"}))
    step, error = step_failure(late, "notebook")
    assert step == "notebook"
    assert "output did not arrive within 7 s (CCHC_OUTPUT_TIMEOUT" in error
    assert "CCHC_CELL_TIMEOUT" not in error
    slow = CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", 900, from_dict({"source": "x"}))
    assert "CCHC_CELL_TIMEOUT" in step_failure(slow, "notebook")[1]


@pytest.mark.notebook
def test_a_report_run_leaves_no_kernel_sockets_and_no_personal_data(tmp_path):
    data = make_data(tmp_path / "xa-thu")
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))
    before = {p.name for p in tmp.glob("cchc-kernel-*")}
    run = cchc("report", "2023-Q1", "2023-Q2", "--format", "json", "--data", data, "--out", tmp_path / "out")
    assert run.status == 0, run.text
    assert {p.name for p in tmp.glob("cchc-kernel-*")} <= before  # the kernels' socket folders went with them
    assert not list((tmp_path / "out").rglob(".handover-*"))
    assert_no_personal(tmp_path / "out", run)
