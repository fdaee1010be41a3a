"""The analyst's notebook (``notebooks/explore.ipynb``) runs top to bottom and shows the library's figures;
``cchc report`` never runs nor publishes it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import papermill
import pytest

from cchc_lib import build_summary, check_parameters, load_dossiers, load_plan
from cchc_lib.base import paths
from cchc_lib.base.periods import parse_period
from cchc_lib.figures import window
from cchc_lib.figures.dossiers import COUNT_KEYS, TOTAL_LABEL
from cchc_lib.inputs.params import check_window
from cchc_lib.running import report

from .conftest import write_data_dir

NOTEBOOK = paths.PROJECT_ROOT / "notebooks" / "explore.ipynb"  # the checkout's, as JupyterLab opens it
TINY_ROWS = [
    "A1,Đăng ký khai sinh,Hộ tịch,14/12/2022 16:00,15/12/2022,15/12/2022,resolved,direct,,true,satisfied,",
    "A2,Chứng thực chữ ký,Chứng thực,15/12/2022 08:00,15/12/2022,16/12/2022,resolved,online,full,true,,",
    "A3,Chứng thực chữ ký,Chứng thực,14/03/2023 16:59,15/03/2023,,,direct,,,,",
    "A4,Đăng ký kết hôn,Hộ tịch,01/02/2023,01/02/2023,01/02/2023,refused,direct,,,,",
    "A5,Đăng ký khai sinh,Hộ tịch,02/01/2023,03/01/2023,,,online,partial,,,",
]

pytestmark = pytest.mark.notebook


def _run(tmp_path: Path, **parameters) -> dict[str, list[dict]]:
    """The notebook run with ``parameters``: each tagged cell's outputs (a cell that raises fails the run)."""
    nb = papermill.execute_notebook(str(NOTEBOOK), str(tmp_path / "explore.ipynb"), parameters=parameters,
                                    progress_bar=False, cwd=str(NOTEBOOK.parent))
    return {tag: cell.get("outputs", []) for cell in nb.cells for tag in cell.metadata.get("tags", [])}


def _html(outputs: list[dict]) -> str:
    [output] = outputs
    return "".join(output["data"]["text/html"])


def _table(outputs: list[dict]) -> pd.DataFrame:
    return pd.read_html(io.StringIO(_html(outputs)), index_col=0)[0]


def _counts(table: pd.DataFrame, row: str) -> dict[str, int | None]:
    """A row of the notebook's Biểu II.06a, by the keys of the summary (its columns are the form's headers)."""
    values = table.loc[row].tolist()
    assert len(values) == len(COUNT_KEYS)
    return {key: None if pd.isna(v) else int(v) for key, v in zip(COUNT_KEYS, values, strict=True)}


def _column(outputs: list[dict], name: str) -> list[str]:
    """A column of a displayed frame, without the "..." of the rows a long frame leaves out."""
    return [v for v in _table(outputs)[name].tolist() if v != "..."] if "<table" in _html(outputs) else []


def _ids(outputs: list[dict]) -> list[str]:
    return _column(outputs, "dossier_id")


def _rows(outputs: list[dict]) -> int:
    """The number of rows of a displayed frame (pandas shows only the first and last of a long one)."""
    found = re.search(r"<p>(\d+) rows × \d+ columns</p>", _html(outputs))
    return int(found[1]) if found else len(_table(outputs))


def test_the_notebook_shows_a_periods_window_as_the_period_report_counts_it(tmp_path):
    ctx = check_parameters("2023-Q1")
    data = load_dossiers(ctx.data_dir)
    summary = build_summary(ctx, data, load_plan(ctx.data_dir))
    field = next(iter(summary["dossiers"]["by_field"]))
    procedure = data.dossiers.loc[data.dossiers["field"] == field, "procedure"].astype(str).iloc[0]
    shown = _run(tmp_path, start=ctx.start.isoformat(), end=ctx.end.isoformat(), field=field, procedure=procedure)
    tthc = _table(shown["tthc"])
    assert _counts(tthc, TOTAL_LABEL) == summary["dossiers"]["total"]
    assert {f: _counts(tthc, f) for f in tthc.index if f != TOTAL_LABEL} == summary["dossiers"]["by_field"]
    assert _counts(_table(shown["field-counts"]), TOTAL_LABEL) == summary["dossiers"]["by_field"][field]
    assert _rows(shown["dossiers"]) == summary["dossiers"]["total"]["received_total"]
    assert _rows(shown["field-dossiers"]) == summary["dossiers"]["by_field"][field]["received_total"]
    assert set(_column(shown["procedure-dossiers"], "procedure")) == {procedure}
    for tag in ("late", "overdue"):
        status = {"late": "resolved_late", "overdue": "pending_overdue"}[tag]
        assert _ids(shown[tag]) == [d["dossier_id"] for d in summary["late_dossiers"] if d["status"] == status]
    listed = {(m["task_id"], m["milestone"]) for m in summary["plan"]["milestones"]}
    milestones = _table(shown["milestones"])
    assert 0 < len(milestones) and set(milestones["task_id"]) <= {task for task, _ in listed}
    assert [o["data"].keys() >= {"image/svg+xml"} for o in shown["chart"]] == [True]
    assert len(shown["charts-by-field"]) == len(summary["dossiers"]["by_field"])


def test_the_notebook_runs_on_a_small_folder_without_a_plan(tmp_path):
    folder = write_data_dir(tmp_path / "xa-thu-nghiem", TINY_ROWS)
    start, end = "2022-12-15", "2023-03-14"
    shown = _run(tmp_path, data_dir=str(folder), start=start, end=end, field="Hộ tịch", procedure="Chứng thực chữ ký")
    expected = window.window_counts(load_dossiers(folder), *check_window(start, end))
    tthc = _table(shown["tthc"])
    for row in expected.index:
        assert _counts(tthc, row) == {k: None if pd.isna(v) else int(v) for k, v in expected.loc[row].items()}
    assert _counts(_table(shown["procedure-counts"]), TOTAL_LABEL)["received_total"] == 2
    assert _ids(shown["late"]) == ["A2"] and _ids(shown["overdue"]) == ["A5"]
    assert _ids(shown["field-dossiers"]) == ["A1", "A5"]
    assert "<table" in _html(shown["milestones"]) and _rows(shown["milestones"]) == 0


def test_cchc_report_neither_runs_nor_publishes_the_notebook(tmp_path, monkeypatch):
    assert NOTEBOOK.is_file()  # it ships in the package as the report notebooks do (tests/test_packaging.py)
    run = []
    from cchc_lib.running import kernel

    real = kernel.execute_notebook
    monkeypatch.setattr(kernel, "execute_notebook", lambda notebook, *a, **k: run.append(notebook) or real(
        notebook, *a, **k))
    folder = write_data_dir(tmp_path / "xa-thu-nghiem", TINY_ROWS)
    out = tmp_path / "reports"
    report.build_reports([parse_period("2023-Q1")], data_dir=folder, out_dir=out, formats=("json", "html"), jobs=1)
    assert run == [paths.PERIOD_REPORT_NOTEBOOK]
    published = [p for p in out.rglob("*") if p.is_file()]
    assert published and not [p for p in published if "explore" in p.read_bytes().decode("utf-8", "replace")
                              or "explore" in p.name]
