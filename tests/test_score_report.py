"""The reform index self-assessment's files (cchc_lib.score_report): the workbook's cells equal
the JSON, texts of the data are inert in the page and the workbook, ``cchc score`` publishes the
four files with the index, and a year's report run writes them beside the reports."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile

import pytest
from openpyxl import load_workbook

from cchc_lib import paths
from cchc_lib.errors import ReportError
from cchc_lib.score_report import build_score_workbook, compute_score, render_score_html, score_stem
from tests.hostile.support import Page, assert_no_personal, cchc, make_data

VECTOR = '=HYPERLINK("http://127.0.0.1:9/x","bấm")<script>alert(1)</script>'


@pytest.fixture(scope="module")
def year_result():
    return compute_score("2023", data_dir=paths.SAMPLE_DATA_DIR)


def _rows(result: dict) -> list[dict]:
    return [c for area in result["areas"] for c in area["criteria"]]


def test_a_year_other_than_the_plans_is_refused():
    """Criteria and self-scores carry no year: scoring 2024 with the 2023 plan would credit 2023's
    documents to 2024."""
    with pytest.raises(ReportError, match="the plan .* is of 2023: the self-assessment of 2024 needs"):
        compute_score("2024", data_dir=paths.SAMPLE_DATA_DIR)


def test_the_workbook_is_the_self_scoring_form_and_its_cells_equal_the_json(year_result, tmp_path):
    wb = build_score_workbook(year_result)
    ws = wb.active
    header_row = next(r for r in ws.iter_rows() if r[0].value == "STT")
    assert [c.value for c in header_row] == ["STT", "Lĩnh vực / tiêu chí", "Điểm tối đa", "Điểm tự chấm",
                                             "Tài liệu kiểm chứng", "Ghi chú"]
    body = list(ws.iter_rows(min_row=header_row[0].row + 1, values_only=True))
    criteria = _rows(year_result)
    assert len(body) == len(criteria) + 1
    for values, c in zip(body, criteria, strict=False):
        assert values[0] == c["id"] and values[1] == c["text"]
        assert values[2] == c["max"] and values[3] == c["score"]
        assert isinstance(values[2], float | int)
        assert values[4] == ("\n".join(c["evidence"]) or None)
    assert body[-1][1] == "Tổng cộng" and body[-1][2] == year_result["max"] and body[-1][3] == year_result["score"]
    assert year_result["score"] == pytest.approx(sum(a["score"] for a in year_result["areas"]), abs=0.011)


def test_during_the_year_the_form_shows_points_at_risk_and_open():
    result = compute_score("2023-Q2", data_dir=paths.SAMPLE_DATA_DIR)
    assert score_stem(result) == "2023-Q2-chi-so-cchc" and not result["year_end"]
    ws = build_score_workbook(result).active
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "STT")
    assert header[-2:] == ("Điểm có nguy cơ mất", "Điểm chưa đến hạn")
    total = list(ws.iter_rows(values_only=True))[-1]
    assert total[-2:] == (result["at_risk"], result["open"]) and result["open"] > 0 and result["at_risk"] > 0
    assert "nguy cơ mất" in render_score_html(result)


def _plant(data, criterion: str) -> None:
    """A criterion's text and a self-score's evidence holding markup and a formula."""
    path = data / "scoring" / "criteria.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    comments = [line for line in lines if line.startswith("#")]
    rows = list(csv.reader([line for line in lines if not line.startswith("#")]))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("id")] == criterion:
            row[header.index("text")] = VECTOR
    with path.open("w", encoding="utf-8", newline="") as f:
        f.writelines(comments)
        csv.writer(f).writerows(rows)
    scores = data / "scoring" / "self-scores.csv"
    rows = list(csv.reader(scores.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()))
    rows[1][rows[0].index("evidence")] = VECTOR
    with scores.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


@pytest.mark.notebook
def test_cchc_score_publishes_four_inert_files_and_the_index(tmp_path):
    data = make_data(tmp_path / "xa", rows=None)
    _plant(data, "1.1")
    out = tmp_path / "out"
    run = cchc("score", "2023", "--data", data, "--out", out, timeout=600)
    assert run.status == 0, run.text
    names = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert names == {f"2023-chi-so-cchc.{s}" for s in ("html", "pdf", "xlsx", "json")} | {"index.html"}
    result = json.loads((out / "2023-chi-so-cchc.json").read_text(encoding="utf-8"))
    assert any(c["text"] == VECTOR for c in _rows(result))
    page = Page((out / "2023-chi-so-cchc.html").read_text(encoding="utf-8"))
    assert "script" not in page.tags and "a" not in page.tags and VECTOR in page.text
    with zipfile.ZipFile(out / "2023-chi-so-cchc.xlsx") as xlsx:
        for name in (n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")):
            assert not re.search(r"<f[ >]", xlsx.read(name).decode("utf-8"))
    ws = load_workbook(out / "2023-chi-so-cchc.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if c.value == VECTOR]
    assert cells and all(c.data_type == "s" for c in cells)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="2023-chi-so-cchc.pdf"' in index and "Chỉ số cải cách hành chính" in index
    assert (out / "2023-chi-so-cchc.pdf").read_bytes().startswith(b"%PDF")
    assert_no_personal(run, out)


@pytest.mark.notebook
def test_without_criteria_cchc_score_says_where_they_are_read_and_writes_nothing(tmp_path):
    data = tmp_path / "xa"
    shutil.copytree(paths.SAMPLE_DATA_DIR, data)
    shutil.rmtree(data / "scoring")
    out = tmp_path / "out"
    run = cchc("score", "2023", "--data", data, "--out", out)
    assert run.status == 1 and "scoring/criteria.csv" in run.stderr and "Traceback" not in run.text
    assert not out.exists() or not any(p for p in out.iterdir() if not p.name.startswith("."))
