"""Every step has a time limit (docs/commands.md, "Time limits"): a Word template that loops for ever, or
any other step past its limit, fails its period naming the step and the variable, and no earlier
report changes."""

from __future__ import annotations

import time

import pytest

from cchc_lib.base.errors import ReportError
from cchc_lib.running.limits import TIME_LIMITS, StepTimeout, run_limited, time_limit

from .support import assert_no_personal, assert_refused, assert_unchanged, cchc, snapshot


def test_every_step_has_a_documented_variable():
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "docs" / "commands.md").read_text(encoding="utf-8")
    for step, (name, default) in TIME_LIMITS.items():
        assert name.startswith("CCHC_") and default > 0
        assert name in page, f"{name} ({step}) is not in docs/commands.md"
    for step in ("docx", "xlsx", "index", "score", "html", "pdf", "notebook", "output"):
        assert step in TIME_LIMITS


def test_a_step_past_its_limit_is_stopped_and_named(monkeypatch):
    monkeypatch.setenv("CCHC_DOCX_TIMEOUT", "0.5")
    started = time.monotonic()
    with pytest.raises(StepTimeout, match=r"time limit of 0\.5 s \(CCHC_DOCX_TIMEOUT\)"):
        run_limited("docx", time.sleep, 30)
    assert time.monotonic() - started < 10


def test_a_limit_that_is_not_a_positive_number_keeps_the_default(monkeypatch):
    for value in ("", "abc", "0", "-3", "nan", "inf", "-inf"):
        monkeypatch.setenv("CCHC_XLSX_TIMEOUT", value)
        assert time_limit("xlsx") == TIME_LIMITS["xlsx"][1]


def test_the_projects_own_error_in_a_step_comes_back_as_it_was_said():
    def refuse() -> None:
        raise ReportError("Word template mau.docx: not a Word .docx file")

    with pytest.raises(ReportError) as caught:
        run_limited("docx", refuse)
    assert str(caught.value) == "Word template mau.docx: not a Word .docx file"


def _looping_template(data) -> None:
    from docx import Document

    template = Document()
    template.add_paragraph("{{ subtitle }}")
    for line in ("{%p for i in range(100000) %}", "{%p for j in range(100000) %}", "{%p endfor %}", "{%p endfor %}"):
        template.add_paragraph(line)
    template.save(str(data / "mau-vong-lap.docx"))
    unit = (data / "unit.yaml").read_text(encoding="utf-8")
    (data / "unit.yaml").write_text(unit + "report_template: mau-vong-lap.docx\n", encoding="utf-8")


@pytest.mark.notebook
def test_a_word_template_that_never_ends_fails_its_period_at_the_docx_limit(data, earlier):
    _looping_template(data)
    before = snapshot(earlier)
    started = time.monotonic()
    run = cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "docx,json",
               env={"CCHC_DOCX_TIMEOUT": "3"}, timeout=600)
    assert_refused(run, says=("2023-Q1: docx failed", "time limit of 3 s", "CCHC_DOCX_TIMEOUT",
                              "no report was changed"))
    assert time.monotonic() - started < 300
    assert_unchanged(before, earlier)
    assert_no_personal(earlier, run)


@pytest.mark.notebook
def test_the_index_page_has_its_limit_too(data, earlier):
    before = snapshot(earlier)
    run = cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json", "--quiet",
               env={"CCHC_INDEX_TIMEOUT": "0.001"}, timeout=600)
    assert_refused(run, says=("index page", "time limit", "CCHC_INDEX_TIMEOUT", "no report was changed"))
    assert_unchanged(before, earlier)


@pytest.mark.notebook
def test_with_units_a_unit_whose_template_never_ends_fails_and_the_others_are_published(tmp_path):
    from .support import make_data

    root = tmp_path / "units"
    for slug, name in (("dong-loi", "Xã Đồng Lợi"), ("hoang-son", "Xã Hoằng Sơn")):
        folder = make_data(root / slug, rows=60)
        text = (folder / "unit.yaml").read_text(encoding="utf-8")
        text = text.replace("name: Xã Hoằng Giang", f"name: {name}").replace("slug: hoang-giang", f"slug: {slug}")
        (folder / "unit.yaml").write_text(text, encoding="utf-8")
    _looping_template(root / "hoang-son")
    out = tmp_path / "out"
    started = time.monotonic()
    run = cchc("report", "2023-Q1", "--units", root, "--out", out, "--format", "docx,json", "--quiet",
               env={"CCHC_DOCX_TIMEOUT": "3"}, timeout=900)
    assert run.status == 1, run.text
    assert "Traceback" not in run.text
    assert time.monotonic() - started < 600
    assert "hoang-son" in run.stderr and "CCHC_DOCX_TIMEOUT" in run.stderr
    assert (out / "dong-loi" / "2023-Q1.docx").is_file() and (out / "dong-loi" / "2023-Q1.json").is_file()
    assert not (out / "hoang-son" / "2023-Q1.docx").exists()
    assert_no_personal(out, run)


@pytest.mark.notebook
def test_the_score_command_keeps_the_self_assessment_limit(data, earlier):
    before = snapshot(earlier)
    run = cchc("score", "2023", "--data", data, "--out", earlier, "--format", "json,pdf",
               env={"CCHC_SCORE_TIMEOUT": "0.0001"}, timeout=600)
    assert_refused(run, says=("time limit", "CCHC_SCORE_TIMEOUT"))
    assert_unchanged(before, earlier)
