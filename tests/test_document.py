"""The official report's content (cchc_lib.outputs.document): outline, sentences holding the summary's
figures, the office's own words, unit.yaml's author keys, and its HTML rendering."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from cchc_lib import build_summary, check_parameters, load_dossiers, load_plan
from cchc_lib.base.errors import DataError
from cchc_lib.inputs.narrative import check_narratives, parse_narrative, read_narrative
from cchc_lib.inputs.unit import read_unit
from cchc_lib.outputs import views
from cchc_lib.outputs.document import (
    FALL_NOTED,
    SECTION_TITLES,
    attention_points,
    build_document,
    companion,
    number,
    percent,
)
from tests.hostile.support import Page


@pytest.fixture(scope="module")
def sample():
    ctx = check_parameters("2023-Q2")
    data = load_dossiers(ctx.data_dir)
    return ctx, build_summary(ctx, data, load_plan(ctx.data_dir))


def _texts(part: dict) -> list[str]:
    out = [*part.get("paragraphs", []), *part.get("bullets", []), *part.get("narrative", [])]
    for sub in part.get("subsections", []):
        out += [sub["heading"], *_texts(sub)]
    return out


def test_outline_is_the_period_report_and_areas_come_from_the_plan(sample):
    ctx, summary = sample
    doc = build_document(summary, ctx.unit.document)
    assert [s["id"] for s in doc["sections"]] == ["I", "II", "III", "IV", "V"]
    assert [s["heading"] for s in doc["sections"]] == [f"{i}. {SECTION_TITLES[i].upper()}" for i in SECTION_TITLES]
    areas = summary["plan"]["areas"]
    # section I is the plan's direction area; II has one sub-section per other area, in the plan's order and words
    expected = [name for a, name in areas.items() if "chỉ đạo" not in name.lower()]
    assert [sub["heading"] for sub in doc["sections"][1]["subsections"]] == [
        f"{i}. {name}" for i, name in enumerate(expected, start=1)]
    header = doc["header"]
    assert (header["authority"], header["unit"]) == ("ỦY BAN NHÂN DÂN", "XÃ HOẰNG GIANG")
    assert header["nation"] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and header["motto"] == "Độc lập - Tự do - Hạnh phúc"
    assert header["number"].startswith("Số:") and header["number"].endswith("/BC-UBND")
    assert doc["subtitle"] == "Kết quả thực hiện công tác cải cách hành chính quý II năm 2023"
    assert "15/03/2023" in doc["window_line"] and "14/06/2023" in doc["window_line"]
    assert doc["recipients"] == ["UBND huyện Hoằng Hóa;", "Phòng Nội vụ huyện Hoằng Hóa;", "Lưu: VT, VP."]
    assert doc["signature"] == {"on_behalf": "TM. ỦY BAN NHÂN DÂN", "title": "CHỦ TỊCH", "name": ""}
    assert doc["sections"][4]["to_fill"] is True and not _texts(doc["sections"][4])


def test_the_tthc_sentences_hold_the_summary_figures(sample):
    ctx, summary = sample
    doc = build_document(summary, ctx.unit.document)
    tthc = next(s for s in doc["sections"][1]["subsections"] if "thủ tục hành chính" in s["heading"])
    text = " ".join(_texts(tthc))
    t = summary["dossiers"]["total"]
    in_time = t["resolved_early"] + t["resolved_on_time"]
    assert f"tiếp nhận {number(t['received_total'])} hồ sơ" in text
    assert f"{number(t['received_online'])} hồ sơ trực tuyến" in text
    assert f"Đã giải quyết {number(t['resolved_total'])} hồ sơ" in text
    assert f"{number(in_time)} hồ sơ trước hạn và đúng hạn ({percent(in_time / t['resolved_total'])})" in text
    kpi = summary["kpis"]["on_time_rate"]
    parts = summary["kpi_parts"]["on_time_rate"]
    assert f"{percent(kpi)} ({number(parts['numerator'])}/{number(parts['denominator'])} hồ sơ đã giải quyết); " \
           "chỉ tiêu ≥ 99%: " \
           f"{'đạt' if kpi >= 0.99 else 'chưa đạt'}" in text
    egov = next(s for s in doc["sections"][1]["subsections"] if "chính quyền điện tử" in s["heading"])
    egov_text = " ".join(_texts(egov))
    for key in ("online_rate", "full_online_rate", "e_result_rate"):
        assert percent(summary["kpis"][key]) in egov_text
    # a hand-entered indicator sits under the area targets.csv gives it: staff qualification under
    # "chế độ công vụ" (area 4), electronic work files under e-government (area 6)
    subsections = {sub["heading"][3:]: " ".join(_texts(sub)) for sub in doc["sections"][1]["subsections"]}
    for target in summary["targets"]:
        if target["kpi"] in ("officials_qualified", "e_work_files"):
            name = summary["plan"]["areas"][str(target["area"])]
            assert percent(target["actual"]) in subsections[name]
            assert [n for n, t in subsections.items() if percent(target["actual"]) + ", theo" in t] == [name]
    assert summary["plan"]["areas"]["4"] == "Cải cách chế độ công vụ"


def test_assessment_names_the_worst_field_overdue_work_and_falling_kpis(sample):
    _, summary = sample
    late = summary["late_dossiers"]
    fields = {}
    for r in late:
        fields[r["field"]] = fields.get(r["field"], 0) + 1
    worst = max(fields, key=lambda f: (fields[f], f))
    points = " ".join(attention_points(summary))
    assert f"Lĩnh vực {worst} có nhiều hồ sơ trễ hạn nhất: {fields[worst]}/{len(late)}" in points
    for m in summary["plan"]["overdue"]:
        assert m["owner"] in points
    previous = summary["previous"]["kpis"]
    fell = [k for k in ("on_time_rate", "online_rate") if summary["kpis"][k] <= previous[k] - FALL_NOTED]
    assert fell, "the sample's Q2 has KPIs below Q1's (guards the check below)"
    for key in fell:
        before, now = percent(previous[key]), percent(summary["kpis"][key])
        parts = summary["previous"]["kpi_parts"][key]
        base = f"{number(parts['numerator'])}/{number(parts['denominator'])}"
        assert f"giảm từ {before} ({base} hồ sơ, quý I năm 2023) xuống {now}" in points
    # a previous period without its parts (an older JSON) gives no base: none is printed, never 0/0
    unknown = copy.deepcopy(summary)
    unknown["previous"].pop("kpi_parts", None)
    text = " ".join(attention_points(unknown))
    for key in fell:
        assert f"giảm từ {percent(previous[key])} (quý I năm 2023) xuống" in text
    assert "0/0" not in text
    # a KPI that rose is not named
    risen = copy.deepcopy(summary)
    risen["previous"]["kpis"] = {k: 0.0 for k in previous}
    assert "giảm từ" not in " ".join(attention_points(risen))
    # a previous period the data does not cover whole is no base for a comparison
    partial = copy.deepcopy(summary)
    partial["previous"]["covered"] = False
    text = " ".join(attention_points(partial))
    assert "giảm từ" not in text
    # …and the document says, with the dossiers' figures, that it does not compare
    doc = build_document(partial, None)
    tthc = " ".join(" ".join(_texts(sub)) for sub in doc["sections"][1]["subsections"])
    assert "Số liệu hồ sơ quý I năm 2023 chưa đầy đủ nên báo cáo không so sánh các chỉ số với quý I năm 2023." in tthc


def test_conflicting_targets_are_a_data_problem_and_each_kpi_is_judged_once(sample):
    ctx, summary = sample
    doc = build_document(summary, ctx.unit.document)
    body = " ".join(" ".join(_texts(s)) for s in doc["sections"])
    assert "nhiều chỉ tiêu khác nhau" not in body and "nhiều giá trị" not in body
    assert body.count("Tỷ lệ hài lòng: 94,7%") == 2  # once in II (with its base), once in III
    assert "chỉ tiêu ≥ 95%" in body and "chỉ tiêu ≥ 96%" not in body and "chỉ tiêu 100%: chưa đạt" in body
    assert "≥ 100%" not in body
    notes = " ".join(item["note"] for item in companion(summary))
    assert "kế hoạch ghi nhiều chỉ tiêu khác nhau (95%, 96%, 100%" in notes


def test_next_period_lists_the_milestones_due_and_the_overdue_ones(sample):
    ctx, summary = sample
    doc = build_document(summary, ctx.unit.document)
    section = doc["sections"][3]
    nxt = summary["plan"]["next_period"]
    assert nxt["name"] == "Quý III năm 2023" and nxt["start"] == "2023-06-15" and nxt["end"] == "2023-09-14"
    assert all("2023-06-15" <= m["due"] <= "2023-09-14" for m in nxt["milestones"])
    tasks = {m["task_id"] for m in nxt["milestones"]}
    # one line per task, its milestones of the window together ("quý III và 9 tháng năm 2023, hạn 14/09/2023")
    assert len(section["bullets"]) == len(tasks) + len({m["task_id"] for m in summary["plan"]["overdue"]})
    assert section["paragraphs"][0] == f"Trong quý III năm 2023, tập trung thực hiện {len(tasks):02d} nhiệm vụ đến " \
                                       "hạn theo kế hoạch:"
    assert any("(quý III năm 2023 và 9 tháng năm 2023, hạn 14/09/2023)" in b for b in section["bullets"])


def test_the_office_words_go_to_their_sections(sample, tmp_path):
    ctx, summary = sample
    folder = tmp_path / "narrative"
    folder.mkdir()
    (folder / "2023-Q2.md").write_text(
        "Mở đầu của văn phòng.\n\n## I. Công tác chỉ đạo\nĐã họp giao ban\nhằng tuần.\n\n"
        "## II. Kết quả\n### 2. Thủ tục hành chính\n- Niêm yết đủ 124 thủ tục\n\n"
        "## V. Kiến nghị\nĐề nghị huyện hỗ trợ máy quét.\n",
        encoding="utf-8")
    narrative = read_narrative(tmp_path, "2023-Q2")
    assert narrative == {"intro": ["Mở đầu của văn phòng."], "I": ["Đã họp giao ban hằng tuần."],
                         "II.2": ["- Niêm yết đủ 124 thủ tục"], "V": ["Đề nghị huyện hỗ trợ máy quét."]}
    doc = build_document(summary, ctx.unit.document, narrative)
    assert doc["sections"][0]["narrative"] == ["Đã họp giao ban hằng tuần."]
    assert doc["sections"][1]["subsections"][1]["narrative"] == ["- Niêm yết đủ 124 thủ tục"]
    assert doc["sections"][4]["narrative"] == ["Đề nghị huyện hỗ trợ máy quét."] and not doc["sections"][4]["to_fill"]
    assert doc["intro"][-1] == "Mở đầu của văn phòng."
    assert read_narrative(tmp_path, "2023-Q3") == {}


def test_a_part_for_an_area_the_plan_lacks_is_refused_naming_the_file_and_line(sample, tmp_path):
    ctx, summary = sample
    (tmp_path / "narrative").mkdir()
    (tmp_path / "narrative" / "2023-Q2.md").write_text("## II\n### 9. Không có\nMất chữ\n", encoding="utf-8")
    (tmp_path / "narrative" / "ghi-chu.md").write_text("x\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"2023-Q2.md, line 2: heading names area 9 of section II, which has 6"):
        build_document(summary, ctx.unit.document, read_narrative(tmp_path, "2023-Q2"))
    problems = {(p["file"], p["row"], p["severity"]) for p in check_narratives(tmp_path, load_plan(ctx.data_dir))}
    assert problems == {("narrative/2023-Q2.md", 2, "error"), ("narrative/ghi-chu.md", None, "warning")}


def test_a_heading_that_names_no_section_is_refused_with_its_line():
    with pytest.raises(DataError, match=r"2023-Q2.md, line 3: heading 'Ghi chú' names no section"):
        parse_narrative("## I\nA\n## Ghi chú\nB", "narrative/2023-Q2.md")


def test_unit_yaml_gives_the_author(tmp_path, sample):
    _, summary = sample
    (tmp_path / "mau.docx").write_bytes(b"PK")
    (tmp_path / "unit.yaml").write_text(
        "name: Phường Đông Sơn\ndistrict: Thành phố Thanh Hóa\nplace: Thanh Hóa\nreport_number: 15/BC-UBND\n"
        "signer: Lê Văn B\nsigner_title: Phó Chủ tịch\nsigner_on_behalf: KT. Chủ tịch\n"
        "recipients: [Văn phòng HĐND-UBND thành phố;, Lưu VT.]\nreport_template: mau.docx\n", encoding="utf-8")
    unit = read_unit(tmp_path)
    assert unit.document.template_path == (tmp_path / "mau.docx").resolve()
    doc = build_document({**summary, "unit": unit.name, "district": unit.district}, unit.document)
    assert doc["header"]["number"] == "Số: 15/BC-UBND"
    # the place is the date line's; the body names the unit itself
    assert doc["header"]["unit"] == "PHƯỜNG ĐÔNG SƠN" and doc["header"]["place_date"].startswith("Thanh Hóa, ngày")
    assert doc["signature"] == {"on_behalf": "KT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": "Lê Văn B"}
    assert doc["recipients"] == ["Văn phòng HĐND-UBND thành phố;", "Lưu VT."]
    assert "UBND phường Đông Sơn" in doc["closing"] and "UBND phường Đông Sơn báo cáo" in doc["intro"][0]
    assert "Thanh Hóa" not in doc["closing"]


@pytest.mark.parametrize("text, message", [
    ("report_template: mau.doc\n", "must be a Word file"),
    ("report_template: khong-co.docx\n", "no such file"),
    ("recipients: Lưu VT\n", "must be a list of texts"),
    ("recipients: [123, true, 2023-01-05]\n", "must be a list of texts"),
    ("report_template: ../ngoai.docx\n", "lies outside the data folder"),
    ("signer: [a, b]\n", "'signer:' must be one text"),
])
def test_bad_author_keys_are_refused_naming_unit_yaml(tmp_path, text, message):
    (tmp_path / "unit.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=message) as caught:
        read_unit(tmp_path)
    assert "unit.yaml" in str(caught.value)


def test_the_html_document_escapes_every_value(sample):
    ctx, summary = sample
    hostile = copy.deepcopy(summary)
    vector = '<script>alert(1)</script>=HYPERLINK("http://x","y")'
    hostile["unit"] = vector
    hostile["late_dossiers"][0]["procedure"] = vector
    hostile["plan"]["milestones"][0]["evidence"] = vector
    narrative = {"V": [vector]}
    doc = build_document(hostile, ctx.unit.document, narrative)
    html = views.show_document(doc, {"received_by_month": views.DataUri("image/png", b"\x89PNG")}).data
    page = Page(html)
    assert "script" not in page.tags and "a" not in page.tags
    text = page.text
    assert text.count(vector) >= 3  # the late list, the evidence, the office's words
    assert vector.upper() in text  # the unit, in capitals, in the header block
    assert re.search(r'<img alt="[^"]*" src="data:image/png;base64,iVBORw==">', html)


def test_long_data_texts_are_cut_and_the_office_words_are_not(sample):
    ctx, summary = sample
    long = copy.deepcopy(summary)
    long["late_dossiers"][0]["procedure"] = "Thủ tục " * 5000
    doc = build_document(long, ctx.unit.document, {"V": ["Kiến nghị " * 300]})
    late_table = next(a for a in doc["appendices"] if a["heading"].startswith("Phụ lục 3"))["table"]
    assert len(late_table["rows"][0][1]) == 300 and late_table["rows"][0][1].endswith("…")
    assert doc["sections"][4]["narrative"][0] == "Kiến nghị " * 300


def test_without_a_plan_the_document_says_so(sample):
    ctx, summary = sample
    bare = {**summary, "tasks": None, "targets": [], "plan": {"available": False, "left_out_year": 2022}}
    doc = build_document(bare, ctx.unit.document)
    assert "năm 2022 không phải kế hoạch của kỳ báo cáo" in doc["sections"][0]["paragraphs"][0]
    assert [s["heading"] for s in doc["sections"][1]["subsections"]] == ["1. Cải cách thủ tục hành chính"]
    assert not any("Tiến độ công việc" in a["heading"] for a in doc["appendices"])


def test_sample_unit_folder_has_no_author_keys_yet():
    """The sample's unit.yaml gives no author keys: the defaults are what the sample shows."""
    unit = read_unit(Path(__file__).resolve().parents[1] / "data" / "hoang-giang")
    assert unit.document.template_path is None and unit.document.recipients == ()


def test_the_period_notebook_is_valid_and_shows_the_document():
    """Every cell has an id (nbformat 4.5; a missing one is a warning on every run) and the
    notebook hands the document to the Word writer through its ``document-json`` cell."""
    import nbformat

    from cchc_lib.base import paths

    nb = nbformat.read(paths.PERIOD_REPORT_NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(cell.get("id") for cell in nb.cells)
    tags = [tag for cell in nb.cells for tag in cell.get("metadata", {}).get("tags", [])]
    assert "document-json" in tags and "summary-json" in tags


def test_without_the_outcome_the_document_says_of_refused_dossiers_what_the_page_says(sample):
    from cchc_lib.outputs import tthc_form
    from cchc_lib.outputs.document import tthc_appendix

    _, summary = sample
    told = tthc_appendix(summary)["note"]
    assert told.startswith(f"{tthc_form.FORM_BASIS_NOTE} {tthc_form.FORM_NOTE}.")
    assert tthc_form.DOCUMENT_WITHDRAWN_RULE in told and tthc_form.NO_OUTCOME_RULE not in told
    lacking = copy.deepcopy(summary)
    lacking["data_quality"]["missing_columns"] = [*lacking["data_quality"].get("missing_columns", []), "outcome"]
    note = tthc_appendix(lacking)["note"]
    page = views.show_tthc_table(lacking).data
    assert note.startswith(tthc_form.page_note(lacking)) and tthc_form.NO_OUTCOME_RULE in page
    assert tthc_form.DOCUMENT_WITHDRAWN_RULE not in note and tthc_form.WITHDRAWN_RULE not in note
