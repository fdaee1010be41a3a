"""Notebook runs: the report made end to end from the shipped sample (slow; marked ``notebook``)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import unicodedata

import nbformat
import pandas as pd
import papermill
import pytest
from pypdf import PdfReader

from cchc_lib.base import paths, vi
from cchc_lib.base.errors import ReportError
from cchc_lib.base.periods import parse_period
from cchc_lib.cli import main
from cchc_lib.figures.dossiers import COUNT_KEYS
from cchc_lib.running.report import build_reports
from cchc_lib.running.steps import summary_from_notebook

from .conftest import write_data_dir

pytestmark = pytest.mark.notebook
PERIODS = ["2023-Q1", "2023-Y"]


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    build_reports([parse_period(p) for p in PERIODS], out_dir=out, jobs=2)
    return out


def _independent_received_count(period_id: str) -> int:
    """Dossiers received in the decree09 window, counted straight from the sample CSV."""
    raw = pd.read_csv(paths.SAMPLE_DATA_DIR / "dossiers.csv", dtype=str, keep_default_na=False)
    day = pd.to_datetime(raw["received_at"].str[:10], format="%d/%m/%Y")
    start, end = parse_period(period_id).window("decree09")
    inside = (day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end)) & (raw["outcome"] != "refused")
    return int(inside.sum())


def test_every_format_and_the_index_are_published(out_dir):
    names = sorted(p.name for p in out_dir.iterdir() if p.name != ".lock")  # the folder's lock stays, empty
    assert (out_dir / ".lock").stat().st_size == 0
    assert names == sorted([f"{p}.{kind}" for p in PERIODS for kind in ("html", "pdf", "docx", "xlsx", "json")]
                           + [f"{p}-noi-bo.html" for p in PERIODS]  # each period's internal companion
                           + [f"2023-chi-so-cchc.{kind}" for kind in ("html", "pdf", "xlsx", "json")]  # the year's
                           + ["index.html"])


@pytest.mark.parametrize("period_id", PERIODS)
def test_json_summary_holds_the_contract_keys_and_the_real_count(out_dir, period_id):
    summary = json.loads((out_dir / f"{period_id}.json").read_text(encoding="utf-8"))
    start, end = parse_period(period_id).window("decree09")
    assert {k: summary[k] for k in ("unit", "period", "cutoff", "start", "end")} == {
        "unit": "Xã Hoằng Giang", "period": period_id, "cutoff": "decree09",
        "start": start.isoformat(), "end": end.isoformat(),
    }
    assert summary["dossiers"]["received_in_period"] == _independent_received_count(period_id)
    assert summary["plan"]["available"] is True
    assert summary["tasks"]["total"] == 24
    assert sorted(summary["tasks"]["by_area"]) == ["1", "2", "3", "4", "5", "6", "7"]
    for counts in summary["tasks"]["by_area"].values():
        assert counts["due"] == counts["done_on_time"] + counts["done_late"] + counts["overdue"]
    assert [t["target_id"] for t in summary["targets"]] == [f"T{n}" for n in range(1, 10)]
    assert {t["kpi"] for t in summary["targets"] if t["conflict"]} == {"satisfaction_rate"}


def test_html_is_offline_and_shows_no_code(out_dir):
    html = (out_dir / "2023-Q1.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert "@import" not in html
    assert not re.search(r'class="[^"]*(jp-InputArea|jp-InputPrompt|jp-OutputPrompt)', html)
    for code in ("check_parameters", "load_dossiers", "build_summary", "cutoff = ", "data_dir"):
        assert code not in html
    assert "Traceback" not in html
    assert "Xã Hoằng Giang" in html and "Quý I năm 2023" in html
    assert '<html lang="vi">' in html


def test_pdf_is_a4_and_its_text_holds_the_vietnamese_names(out_dir):
    reader = PdfReader(out_dir / "2023-Y.pdf")
    text = unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))
    assert "Hoằng Giang" in text
    assert "Kết quả thực hiện công tác cải cách hành chính năm 2023" in text
    assert "Tình hình, kết quả giải quyết thủ tục hành chính" in text
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_index_links_the_published_reports(out_dir):
    page = (out_dir / "index.html").read_text(encoding="utf-8")
    # the periods' reports, then the year's reform index self-assessment (the sample has scoring/)
    assert re.findall(r"<strong>(.*?)</strong>", page) == ["Quý I năm 2023", "Năm 2023", "Năm 2023"]
    scored = json.loads((out_dir / "2023-chi-so-cchc.json").read_text(encoding="utf-8"))
    assert 'href="2023-chi-so-cchc.xlsx"' in page and scored["score_text"] in page
    assert scored["score_text"].startswith(f"{vi.points(scored['score'])} / ")  # the points due, not 100
    assert 'href="2023-Y-noi-bo.html"' in page  # the internal companion, beside the report
    assert 'href="2023-Y.pdf"' in page and 'href="2023-Q1.html"' in page


def _failing_notebook(folder):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('period = "2023-Y"\ncutoff = "decree09"\ndata_dir = ""\nunit = ""',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('raise RuntimeError("boom in the report")'),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "failing.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_failing_notebook_leaves_earlier_reports_intact(out_dir, tmp_path):
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    with pytest.raises(ReportError) as excinfo:
        build_reports([parse_period("2023-Q1")], out_dir=out_dir, notebook=_failing_notebook(tmp_path), jobs=1)
    message = str(excinfo.value)
    assert message.startswith("2023-Q1: notebook cell In [3] failed: RuntimeError: boom in the report;")
    assert "no report was changed" in message
    failed = out_dir / "_failed" / "2023-Q1.ipynb"
    assert f"executed notebook kept at {failed}" in message
    after = {p.name: p.read_bytes() for p in out_dir.iterdir() if p.is_file()}
    assert after == before
    kept = nbformat.read(failed, as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in kept.cells for o in c.get("outputs", []))
    assert not list(out_dir.glob(".staging-*"))
    # a later good run clears the failure notebook
    build_reports([parse_period("2023-Q1")], out_dir=out_dir, formats=("json",), jobs=1)
    assert not (out_dir / "_failed").exists()


def test_the_notebook_refuses_a_bad_parameter_in_its_first_cell(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as excinfo:
        papermill.execute_notebook(
            str(paths.PERIOD_REPORT_NOTEBOOK), str(tmp_path / "out.ipynb"), parameters={"period": "2023-Q5"},
            progress_bar=False, cwd=str(paths.NOTEBOOKS_DIR),
        )
    assert excinfo.value.ename == "ParameterError"
    assert "period: invalid period id '2023-Q5'" in excinfo.value.evalue


def test_the_notebook_with_its_default_parameters_gives_the_cli_result(out_dir, tmp_path):
    nb = papermill.execute_notebook(
        str(paths.PERIOD_REPORT_NOTEBOOK), str(tmp_path / "by-hand.ipynb"), progress_bar=False,
        cwd=str(paths.NOTEBOOKS_DIR),
    )
    by_hand = summary_from_notebook(nb)
    by_cli = json.loads((out_dir / "2023-Y.json").read_text(encoding="utf-8"))
    by_hand.pop("generated_at")
    by_cli.pop("generated_at")
    assert by_hand == by_cli


KPI_KEYS = {"on_time_rate", "online_rate", "full_online_rate", "e_result_rate", "satisfaction_rate",
            "apology_coverage", "progress_766"}


@pytest.mark.parametrize("period_id", PERIODS)
def test_json_holds_the_official_counts_and_kpis(out_dir, period_id):
    summary = json.loads((out_dir / f"{period_id}.json").read_text(encoding="utf-8"))
    total = summary["dossiers"]["total"]
    assert list(total) == list(COUNT_KEYS) and all(type(v) is int for v in total.values())
    assert total["received_total"] == total["received_online"] + total["received_direct_postal"] + total["carried_over"]
    assert total["received_total"] == total["resolved_total"] + total["pending_total"]
    for key in COUNT_KEYS:
        assert sum(field[key] for field in summary["dossiers"]["by_field"].values()) == total[key]
    assert {"Chứng thực", "Hộ tịch"} <= set(summary["dossiers"]["by_field"])
    assert set(summary["kpis"]) == KPI_KEYS
    assert all(v is None or 0 <= v <= 1 for v in summary["kpis"].values())
    assert summary["kpis"]["on_time_rate"] == pytest.approx(
        (total["resolved_early"] + total["resolved_on_time"]) / total["resolved_total"])
    assert summary["excluded_rows"] == []


def test_html_shows_the_official_table_the_kpis_and_the_plan(out_dir):
    html = (out_dir / "2023-Q1.html").read_text(encoding="utf-8")
    assert "Số hồ sơ nhận giải quyết" in html and ">(13)<" in html
    assert "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn" in html
    assert "III. ĐÁNH GIÁ CHUNG" in html and "Nhiệm vụ của kế hoạch hoàn thành chậm hoặc quá hạn" in html
    # the full list of milestones, the conflicting targets and the correction notes stay in the office
    companion = (out_dir / "2023-Q1-noi-bo.html").read_text(encoding="utf-8")
    assert ". Tiến độ các nhiệm vụ của kế hoạch" in companion
    assert "kế hoạch ghi nhiều chỉ tiêu khác nhau (95%, 96%, 100%" in companion
    assert "01/2032" in companion and "01/2032" not in html


def test_csv_and_xlsx_forms_of_the_sample_give_identical_json(out_dir, tmp_path):
    xlsx_dir = tmp_path / "hoang-giang-xlsx"
    shutil.copytree(paths.SAMPLE_DATA_DIR.parent / "hoang-giang-xlsx", xlsx_dir)
    shutil.copytree(paths.SAMPLE_DATA_DIR / "plan", xlsx_dir / "plan")  # the same plan beside either export
    build_reports([parse_period("2023-Q1")], data_dir=xlsx_dir, out_dir=tmp_path / "out", formats=("json",), jobs=1)
    from_csv = json.loads((out_dir / "2023-Q1.json").read_text(encoding="utf-8"))
    from_xlsx = json.loads((tmp_path / "out" / "2023-Q1.json").read_text(encoding="utf-8"))
    for summary in (from_csv, from_xlsx):
        summary.pop("generated_at")
        summary["dossiers"].pop("source_files")
        summary["data_quality"].pop("exports")  # file names and formats: the one thing that differs
    assert from_xlsx == from_csv


def test_skip_invalid_leaves_bad_rows_out_and_lists_them(tmp_path, capsys):
    folder = write_data_dir(tmp_path / "d", [
        "G1,Đăng ký khai sinh,Hộ tịch,06/03/2023 09:00,06/03/2023,06/03/2023,resolved,direct,,true,satisfied,",
        "B1,Đăng ký khai sinh,Hộ tịch,31/02/2023,06/03/2023,,,direct,,,,",
    ])
    out = tmp_path / "out"
    assert main(["report", "2023-Q1", "--data", str(folder), "--out", str(out)]) == 1
    assert not out.exists()
    assert main(["report", "2023-Q1", "--data", str(folder), "--out", str(out), "--skip-invalid"]) == 0
    summary = json.loads((out / "2023-Q1.json").read_text(encoding="utf-8"))
    assert summary["dossiers"]["total"]["received_total"] == 1
    assert summary["excluded_rows"] == [{"file": "dossiers.csv", "row": 3, "column": "received_at",
                                         "problem_vi": "Ngày không đọc được (dùng dd/mm/yyyy)",
                                         "problem_en": "date not understood (use dd/mm/yyyy)"}]
    html = (out / "2023-Q1.html").read_text(encoding="utf-8")
    companion = (out / "2023-Q1-noi-bo.html").read_text(encoding="utf-8")  # the rows left out, for the office
    assert "Dòng bị loại" in companion and "Ngày không đọc được" in companion and "Dòng bị loại" not in html
    # this data folder has no plan: the report says so
    assert summary["plan"] == {"available": False} and summary["tasks"] is None and summary["targets"] == []
    assert "Chưa có dữ liệu kế hoạch cải cách hành chính" in html


def test_periods_built_one_after_another_in_one_kernel_match_those_built_apart(out_dir, tmp_path):
    # jobs=1: both periods run in the same reused kernel; the fixture built them in two processes
    build_reports([parse_period(p) for p in reversed(PERIODS)], out_dir=tmp_path, formats=("json",), jobs=1)
    for period_id in PERIODS:
        apart = json.loads((out_dir / f"{period_id}.json").read_text(encoding="utf-8"))
        together = json.loads((tmp_path / f"{period_id}.json").read_text(encoding="utf-8"))
        apart.pop("generated_at")
        together.pop("generated_at")
        assert together == apart


POOL_AFTER_A_STOPPED_KERNEL = """
import os, sys
import nbformat
from cchc_lib.base.errors import ReportError
from cchc_lib.running.report import build_reports

out, data = sys.argv[1], sys.argv[2]
nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                        "display_name": "Python 3"}})
parameters = nbformat.v4.new_code_cell('period = ""\\ncutoff = ""\\ndata_dir = ""\\nunit = ""\\nskip_invalid = False')
parameters.metadata["tags"] = ["parameters"]
nb.cells = [parameters, nbformat.v4.new_code_cell("import time\\ntime.sleep(60)")]
nbformat.write(nb, out + "/slow.ipynb")
os.environ["CCHC_CELL_TIMEOUT"] = "2"
try:
    build_reports(["2023-Q1"], data_dir=data, out_dir=out + "/a", notebook=out + "/slow.ipynb", jobs=1)
    sys.exit("the slow cell was not stopped")
except ReportError:
    pass
del os.environ["CCHC_CELL_TIMEOUT"]
files = build_reports(["2023-Q1", "2023-Q2"], data_dir=data, out_dir=out + "/b", formats="json", jobs=2)
print(sorted(p.name for p in files))
"""


@pytest.mark.notebook
def test_a_pool_forked_after_this_process_stopped_a_kernel_builds_its_periods(tmp_path):
    """A process that drove a kernel (one stopped at its cell's time limit) then builds in a pool:
    the forked workers drive their own kernels on loops of their own, never waiting forever on
    the loop they inherited."""
    done = subprocess.run([sys.executable, "-c", POOL_AFTER_A_STOPPED_KERNEL, str(tmp_path),
                           str(paths.SAMPLE_DATA_DIR)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "['2023-Q1.json', '2023-Q2.json']"


@pytest.mark.notebook
def test_a_reports_kernel_keeps_no_input_history(tmp_path):
    """Kernels running at once share IPython's history database; a kernel that found it busy
    printed its complaint into a cell's output, and so into the published report. A report's
    kernel keeps no history, so there is no database to find busy."""
    from cchc_lib.running.kernel import execute_notebook, shutdown_kernel

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("period = ''", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(get_ipython().history_manager.enabled)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source = tmp_path / "probe.ipynb"
    nbformat.write(nb, source)
    try:
        executed = execute_notebook(source, tmp_path / "out.ipynb", {"period": "2023-Q1"})
    finally:
        shutdown_kernel()
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert printed.strip().splitlines()[-1] == "False"
