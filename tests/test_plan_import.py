"""`cchc plan import`: a plan document read into the plan's files (docs/plan.md, "Importing a plan document")."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cchc_lib.base.errors import DataError
from cchc_lib.cli import main
from cchc_lib.inputs.plan import load_plan
from cchc_lib.running import plan_import
from cchc_lib.running.plan_import import import_plan

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "hoang-giang"
SOURCE = SAMPLE / "plan" / "ke-hoach-cchc-2023.txt"
FIELDS = ("task_id", "area", "area_name", "task", "deliverable", "owner", "timing")


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unit")
    return folder, import_plan(SOURCE, folder)


def test_the_sample_plan_comes_back_from_its_own_source_text_field_by_field(imported):
    folder, _ = imported
    shipped, got = _rows(SAMPLE / "plan" / "tasks.csv"), _rows(folder / "plan" / "tasks.csv")
    assert len(got) == 24 and len({row["area"] for row in got}) == 7
    differences = [(s["task_id"], field, s[field], g[field]) for s, g in zip(shipped, got, strict=True)
                   for field in FIELDS if s[field] != g[field]]
    assert differences == []


def test_the_seeds_own_mistakes_come_through_as_written_and_are_flagged(imported):
    folder, result = imported
    tasks = {row["task_id"]: row for row in _rows(folder / "plan" / "tasks.csv")}
    assert "01/2032" in tasks["PL01-2"]["timing"] and tasks["PL01-2"]["timing_corrected"] == ""
    years = {item.task_id for item in result.review if item.kind == "year" and item.task_id}
    assert years == {"PL01-2", "PL02-1", "PL06-1"}
    titles = [item.message for item in result.review if item.kind == "year" and not item.task_id]
    assert len(titles) == 5 and all("năm 2022, khác năm kế hoạch 2023" in message for message in titles)
    assert any(item.kind == "empty" and item.task_id == "PL06-4" for item in result.review)


def test_the_header_and_the_issuing_decision_are_read_as_written(imported):
    folder, result = imported
    assert result.header["unit_name"] == "Xã Hoằng Giang"
    assert result.header["year"] == 2023
    text = (folder / "plan" / "plan.yaml").read_text(encoding="utf-8")
    assert "title: Kế hoạch cải cách hành chính năm 2023" in text
    assert "số: .../QĐ – UBND ngày 03 tháng 01 năm 2023" in text
    assert any(item.kind == "number" for item in result.review)


def test_targets_are_the_plans_own_sentences_mapped_to_rates(imported):
    folder, result = imported
    targets = _rows(folder / "plan" / "targets.csv")
    got = {(t["kpi"], t["value"]) for t in targets}
    assert {("on_time_rate", "99%"), ("online_rate", "100%"), ("e_result_rate", "100%"),
            ("satisfaction_rate", "95%"), ("satisfaction_rate", "96%")} <= got
    assert all(t["sentence"] and t["sentence"] in " ".join(SOURCE.read_text(encoding="utf-8").split())
               for t in targets)
    unmapped = [item.message for item in result.review if item.kind == "target"]
    assert any("máy vi tính" in message for message in unmapped)


def test_the_imported_plan_loads_with_the_samples_other_files(tmp_path):
    folder = tmp_path / "unit"
    (folder / "plan").mkdir(parents=True)
    for name in ("milestones.csv", "indicators.csv", "updates.csv"):
        (folder / "plan" / name).write_bytes((SAMPLE / "plan" / name).read_bytes())
    result = import_plan(SOURCE, folder)
    plan = load_plan(folder, strict=False)
    assert plan is not None and len(plan.tasks) == 24
    assert {t["kpi"] for t in _rows(folder / "plan" / "targets.csv")} >= {"officials_qualified", "e_work_files"}
    assert not any("indicators.csv" in item.message for item in result.review)


def test_an_existing_plan_is_never_replaced_without_overwrite(tmp_path):
    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "tasks.csv").write_text("kept", encoding="utf-8")
    with pytest.raises(DataError, match="--overwrite"):
        import_plan(SOURCE, tmp_path)
    assert (tmp_path / "plan" / "tasks.csv").read_text(encoding="utf-8") == "kept"
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == ["tasks.csv"]
    import_plan(SOURCE, tmp_path, overwrite=True)
    assert len(_rows(tmp_path / "plan" / "tasks.csv")) == 24


def test_a_failure_while_writing_leaves_no_half_plan(tmp_path, monkeypatch):
    def broken(columns, rows):
        raise OSError("disk full")
    monkeypatch.setattr(plan_import, "_csv", broken)
    with pytest.raises(OSError):
        import_plan(SOURCE, tmp_path)
    assert not (tmp_path / "plan").exists() or sorted(p.name for p in (tmp_path / "plan").iterdir()) == []


def test_a_document_of_another_kind_or_without_tables_is_refused(tmp_path):
    other = tmp_path / "plan.odt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match=r"\.txt, \.docx, \.pdf"):
        import_plan(other, tmp_path / "unit")
    text = tmp_path / "plan.txt"
    text.write_text("KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2026\n\nKhông có phụ lục.\n", encoding="utf-8")
    with pytest.raises(DataError, match="no table of tasks"):
        import_plan(text, tmp_path / "unit")
    assert not (tmp_path / "unit" / "plan" / "tasks.csv").exists()


def test_the_command_prints_the_review_and_writes_the_review_page(tmp_path, capsys):
    assert main(["plan", "import", str(SOURCE), "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Đã nhập 24 nhiệm vụ (7 lĩnh vực)" in out and "2032" in out
    page = (tmp_path / "plan" / "import-review.html").read_text(encoding="utf-8")
    assert "Kiểm tra kế hoạch đã nhập" in page and "dòng 1017" in page
    assert main(["plan", "import", str(SOURCE), "--data", str(tmp_path)]) == 1
    assert "--overwrite" in capsys.readouterr().err


def test_a_file_that_is_not_a_pdf_is_refused_naming_it(tmp_path):
    broken = tmp_path / "ke-hoach.pdf"
    broken.write_bytes(b"%PDF-1.4 not a pdf at all")
    with pytest.raises(DataError, match=r"ke-hoach\.pdf: không đọc được tệp PDF"):
        import_plan(broken, tmp_path / "unit")
    assert not (tmp_path / "unit").exists()
