"""``cchc init`` and the province's criteria sheet read as it comes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from cchc_lib.base.errors import CchcError
from cchc_lib.cli import main
from cchc_lib.inputs.criteria import read_scoring
from cchc_lib.running.init import init_unit

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "hoang-giang"


def _sheet(path: Path, bad_max: bool = False) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "Bộ tiêu chí"
    ws["A1"] = "ỦY BAN NHÂN DÂN TỈNH THANH HÓA"
    ws["A2"] = "BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CẤP XÃ NĂM 2023"
    ws["A3"] = "(Ban hành kèm theo Quyết định số 123/QĐ-UBND ngày 15/01/2023 của UBND tỉnh)"
    ws.append(["STT", "Lĩnh vực, tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Tài liệu kiểm chứng", "Ghi chú"])
    ws.append(["I", "CẢI CÁCH THỂ CHẾ", None])
    ws.merge_cells("B5:E5")
    ws.append(["1", "Ban hành văn bản theo kế hoạch", "mười" if bad_max else 6, "Báo cáo", None])
    ws.append(["2", "Theo dõi thi hành pháp luật", None])
    ws.append(["2.1", "Kế hoạch theo dõi", 2, "Kế hoạch"])
    ws.append(["2.2", "Báo cáo kết quả", 2, "Báo cáo"])
    ws.append([None, None, None, None])
    ws.append(["II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", 90])
    ws.append(["1", "Giải quyết thủ tục hành chính", 90, "Số liệu một cửa"])
    book.save(path)
    return path


def _scoring_folder(tmp_path: Path, bad_max: bool = False) -> Path:
    (tmp_path / "scoring").mkdir()
    _sheet(tmp_path / "scoring" / "criteria.xlsx", bad_max)
    return tmp_path


def test_the_province_sheet_is_read_as_it_comes(tmp_path):
    scoring, problems = read_scoring(_scoring_folder(tmp_path), None)
    assert problems[problems["severity"] == "error"].empty, problems
    assert list(scoring.criteria) == ["1", "1.1", "1.2", "1.2.1", "1.2.2", "2", "2.1"]
    assert scoring.criteria["1"].max == 10 and scoring.criteria["1.2"].max == 4  # group rows: their children's sum
    assert scoring.criteria["1.1"].method == "manual" and scoring.criteria["1.1"].row == 6
    assert scoring.criteria["2"].text == "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"
    assert scoring.max == 100
    assert scoring.decision == "Quyết định số 123/QĐ-UBND ngày 15/01/2023" and scoring.year == 2023


def test_a_bad_max_names_workbook_sheet_row_and_column(tmp_path):
    _, problems = read_scoring(_scoring_folder(tmp_path, bad_max=True), None)
    errors = problems[problems["severity"] == "error"]
    bad = errors[errors["column"] == "Điểm tối đa (C)"]
    cell = bad[bad["row"] == 6]  # the area above (row 5) has no sum either
    assert len(cell) == 1
    assert cell.iloc[0]["file"] == "scoring/criteria.xlsx (sheet Bộ tiêu chí)" and cell.iloc[0]["value"] == "mười"


def test_init_refuses_a_folder_with_files_unless_forced(tmp_path):
    target = tmp_path / "xa-moi"
    target.mkdir()
    (target / "ghi-chu.txt").write_text("x", encoding="utf-8")
    with pytest.raises(CchcError, match="--force"):
        init_unit(target, "Xã Mới")
    assert sorted(p.name for p in target.iterdir()) == ["ghi-chu.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["xa-moi"]  # no staging folder left
    init_unit(target, "Xã Mới", province="Tỉnh Thanh Hóa", force=True)
    assert "slug: xa-moi" in (target / "unit.yaml").read_text(encoding="utf-8")


def test_a_failing_init_leaves_nothing(tmp_path):
    with pytest.raises(CchcError):
        init_unit(tmp_path / "xa-moi", "Xã Mới", export=tmp_path / "khong-co.csv")
    assert list(tmp_path.iterdir()) == []


def test_init_copies_the_criteria_sheet(tmp_path, capsys):
    sheet = _sheet(tmp_path / "bo-tieu-chi-2023.xlsx")
    assert main(["init", str(tmp_path / "xa"), "--name", "Xã Mới", "--criteria", str(sheet)]) == 0
    assert (tmp_path / "xa" / "scoring" / "criteria.xlsx").is_file()
    out = capsys.readouterr().out
    assert "cchc report 2026-Q1 --data" in out and "cchc score 2026" in out


def test_init_imports_the_plan_document(tmp_path, capsys):
    folder = tmp_path / "hoang-giang"
    assert main(["init", str(folder), "--name", "Xã Hoằng Giang", "--plan",
                 str(SAMPLE / "plan" / "ke-hoach-cchc-2023.txt")]) == 0
    assert (folder / "plan" / "plan.yaml").is_file() and (folder / "plan" / "tasks.csv").is_file()
    assert (folder / "plan" / "import-review.html").is_file()
    assert "Kế hoạch: ke-hoach-cchc-2023.txt → plan/" in capsys.readouterr().out
    keys = (folder / "unit.yaml").read_text(encoding="utf-8")
    assert "authority: Ủy ban nhân dân xã Hoằng Giang" in keys, keys  # the issuer of the plan


def _plan_document(path: Path) -> Path:
    """A plan of 2023 as a commune writes it in Word: the header block, the title, one appendix table."""
    import docx

    document = docx.Document()
    head = document.add_table(rows=1, cols=2)
    head.cell(0, 0).text, head.cell(0, 1).text = "ỦY BAN NHÂN DÂN\nXÃ HOẰNG GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    document.add_paragraph("KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023")
    document.add_paragraph("(Ban hành kèm theo Quyết định số 05/QĐ-UBND ngày 03/01/2023 của Chủ tịch UBND xã)")
    document.add_paragraph("- Duy trì tỷ lệ giải quyết đúng hạn từ 99% trở lên.")
    document.add_paragraph("Phụ lục số 01: Các nhiệm vụ trọng tâm về cải cách thủ tục hành chính năm 2023")
    table = document.add_table(rows=3, cols=5)
    rows = [["TT", "Nhiệm vụ", "Sản phẩm", "Cơ quan thực hiện", "Thời gian thực hiện"],
            ["1", "Niêm yết công khai thủ tục hành chính", "Báo cáo", "Văn phòng", "Quý I/2023"],
            ["2", "Rà soát quy trình nội bộ", "Kế hoạch rà soát", "Công chức tư pháp", "Tháng 11/2023"]]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(path)
    return path


@pytest.mark.notebook
def test_init_then_a_first_report(tmp_path):
    folder = tmp_path / "hoang-giang"
    assert main(["init", str(folder), "--name", "Xã Hoằng Giang", "--province", "Tỉnh Thanh Hóa",
                 "--plan", str(_plan_document(tmp_path / "ke-hoach.docx")), "--export", str(SAMPLE / "dossiers.csv"),
                 "--procedures", str(SAMPLE / "procedures.csv")]) == 0
    out = tmp_path / "out"
    assert main(["report", "2023-Q1", "--data", str(folder), "--out", str(out), "--format", "json", "-q"]) == 0
    report = json.loads((out / "2023-Q1.json").read_text(encoding="utf-8"))
    assert report["unit"] == "Xã Hoằng Giang"
    assert report["plan"]["available"] and report["plan"]["title"] == "Kế hoạch cải cách hành chính năm 2023"
    assert report["tasks"]["total"] == 2, report["tasks"]  # the two tasks of the document


@pytest.mark.notebook
def test_the_sheet_s_decision_is_cited_by_the_self_assessment(tmp_path):
    folder = tmp_path / "xa"
    assert main(["init", str(folder), "--name", "Xã Hoằng Giang", "--export", str(SAMPLE / "dossiers.csv"),
                 "--criteria", str(_sheet(tmp_path / "bo-tieu-chi.xlsx"))]) == 0
    shutil.copy2(SAMPLE / "procedures.csv", folder)
    out = tmp_path / "out"
    assert main(["score", "2023", "--data", str(folder), "--out", str(out), "--format", "html,json", "-q"]) == 0
    result = json.loads((out / "2023-chi-so-cchc.json").read_text(encoding="utf-8"))
    assert result["criteria_decision"] == "Quyết định số 123/QĐ-UBND ngày 15/01/2023"
    assert result["criteria_year"] == 2023
    page = (out / "2023-chi-so-cchc.html").read_text(encoding="utf-8")
    assert "Bộ tiêu chí ban hành kèm theo Quyết định số 123/QĐ-UBND ngày 15/01/2023" in page
