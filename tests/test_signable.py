"""The document a chairman signs: the Vietnamese an office writes, one state per task, no code or
file name in what goes upward, a draft until the office writes, Nghị định 30's page numbers."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from cchc_lib import build_summary, check_parameters, load_dossiers, load_plan
from cchc_lib.base import paths
from cchc_lib.outputs import views
from cchc_lib.outputs.companion import render_companion
from cchc_lib.outputs.document import build_document, say, short_task, task_lines
from cchc_lib.running.pages import html_to_pdf

PERIOD_CODE = re.compile(r"\b20\d\d-(?:Q[1-4]|H1|9M|Y)\b")


@pytest.fixture(scope="module")
def documents():
    found = {}
    for period in ("2023-Q2", "2023-Y"):
        ctx = check_parameters(period)
        summary = build_summary(ctx, load_dossiers(ctx.data_dir), load_plan(ctx.data_dir))
        found[period] = (summary, build_document(summary, ctx.unit.document))
    return found


def _body(doc: dict) -> list[str]:
    out = [*doc["intro"], doc["closing"]]
    for section in doc["sections"]:
        out += [*section["paragraphs"], *section["bullets"]]
        for sub in section["subsections"]:
            out += [*sub["paragraphs"], *sub["bullets"]]
    return out


def _upward(doc: dict) -> list[str]:
    texts = _body(doc)
    for a in doc["appendices"]:
        texts += [a["heading"], a["note"] or ""]
        if a["table"]:
            texts += [str(c) for row in a["table"]["rows"] for c in row]
    return texts


def test_counts_read_as_an_office_writes_them():
    resolved = say("dossiers_resolved", resolved=570, in_time=553, rate=553 / 570, late=17, pending=17,
                   pending_overdue=0)
    assert resolved == ("Đã giải quyết 570 hồ sơ, trong đó 553 hồ sơ trước hạn và đúng hạn (97%), 17 hồ sơ quá hạn; "
                        "đang giải quyết 17 hồ sơ, tất cả đều trong hạn.")
    assert "không có hồ sơ quá hạn" in say("dossiers_resolved", resolved=5, in_time=5, rate=1.0, late=0, pending=0,
                                          pending_overdue=0)
    none_met = say("targets_judged", count=9, met=0, unjudged=0)
    assert none_met == "Kế hoạch đặt 09 chỉ tiêu; trong kỳ chưa đạt chỉ tiêu nào."
    assert say("targets_judged", count=7, met=2, unjudged=1) == ("Kế hoạch đặt 07 chỉ tiêu; trong kỳ đạt 02 chỉ tiêu, "
                                                                "chưa đạt 04 chỉ tiêu, 01 chỉ tiêu chưa đủ số liệu để "
                                                                "đánh giá.")
    # targets whose result the data cannot tell are named apart, never read as failed
    assert say("targets_judged", count=7, met=0, unjudged=5) == ("Kế hoạch đặt 07 chỉ tiêu; trong kỳ chưa đạt 02 "
                                                                "chỉ tiêu, 05 chỉ tiêu chưa đủ số liệu để đánh giá; "
                                                                "chưa có chỉ tiêu nào đạt.")
    assert say("targets_judged", count=3, met=0, unjudged=3) == ("Kế hoạch đặt 03 chỉ tiêu; trong kỳ chưa đủ số liệu "
                                                                "để đánh giá chỉ tiêu nào.")
    unknown = say("target", sign="≥", value=1.0, met=None, eligible_only=True, explain=True)
    assert "chưa đủ số liệu để đánh giá" in unknown and "tỷ lệ tính trên" not in unknown
    assert say("task_counts", due=0, done=0, late=0, overdue=0) == "Trong kỳ không có nhiệm vụ đến hạn theo kế hoạch."


def _m(task, key, due, state, label, done_at=None, evidence="", days=None):
    return {"task_id": task, "task": "Báo cáo kết quả thực hiện. Chi tiết", "milestone": key, "kind": "period",
            "label": f"Báo cáo ({label})", "due": due, "state": state, "done_at": done_at, "evidence": evidence,
            "owner": "Công chức tư pháp", "days_overdue": days, "area": 1}


def test_a_tasks_milestones_of_the_window_read_as_one_line_with_one_state():
    done = _m("A", "2023-H1", "2023-06-14", "done_on_time", "6 tháng đầu năm 2023", "2023-06-13", "Báo cáo số 20/BC")
    late = _m("A", "2023-Q2", "2023-06-10", "overdue", "Quý II năm 2023", days=4)
    counts, lines = task_lines([done, late])
    assert counts == {"due": 1, "done": 0, "late": 0, "overdue": 1, "at_end": 0}
    assert lines == ["Báo cáo kết quả thực hiện (quý II năm 2023, hạn 10/06/2023): chưa hoàn thành, quá hạn 4 ngày so "
                     "với hạn 10/06/2023 (6 tháng đầu năm 2023 đã hoàn thành); người thực hiện: Công chức tư pháp."]
    both = _m("A", "2023-Q2", "2023-06-14", "done_on_time", "Quý II năm 2023", "2023-06-13", "Báo cáo số 19/BC")
    counts, lines = task_lines([both, done])
    assert counts == {"due": 1, "done": 1, "late": 0, "overdue": 0, "at_end": 0}
    assert lines == ["Báo cáo kết quả thực hiện (quý II năm 2023 và 6 tháng đầu năm 2023): đã hoàn thành ngày "
                     "13/06/2023; văn bản: Báo cáo số 19/BC; Báo cáo số 20/BC."]


def test_a_task_is_cut_between_words():
    text = "Thực hiện công khai kết quả giải quyết TTHC, mở rộng các hình thức tiếp nhận phản ánh, kiến nghị"
    cut = short_task(text, limit=80)
    assert cut.endswith("…") and len(cut) <= 80
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] in " ,"


def test_what_goes_upward_has_no_codes_no_zero_counts_and_no_file_names(documents):
    for period, (_, doc) in documents.items():
        text = "\n".join(_upward(doc))
        assert not PERIOD_CODE.search(text), (period, PERIOD_CODE.search(text))
        assert not re.search(r"\b0 (hồ sơ|nhiệm vụ|chỉ tiêu)", text), period
        assert not re.search(r"đạt 0(?!\d)", text) and not re.search(r"\d công việc", text) and " mốc (" not in text
        assert not re.search(r"\.csv|\.xlsx?\b|tasks|milestones|timing", text), period
        assert "nhiều giá trị chỉ tiêu" not in text and "nhiều chỉ tiêu khác nhau" not in text
        assert [a["new_page"] for a in doc["appendices"]].count(True) == 1


def test_section_iv_of_the_year_keeps_to_the_plans_year(documents):
    summary, doc = documents["2023-Y"]
    following = summary["plan"]["next_period"]
    assert following["name"] == "từ nay đến hết năm 2023"
    assert following["start"] == "2023-12-15" and following["end"] == "2023-12-31"
    lead = doc["sections"][3]["paragraphs"][0]
    assert lead.startswith("Từ nay đến hết năm 2023, tập trung thực hiện ") and "2024" not in lead
    # the year's own milestones due on its window's last day (14/12) are not overdue in its report
    assert not [m for m in summary["plan"]["overdue"] if m["due"] == summary["end"]]


def test_a_draft_until_the_office_writes_section_v(documents):
    summary, doc = documents["2023-Q2"]
    assert doc["draft"] is True and doc["sections"][4]["to_fill"] is True
    page = str(views.show_document(doc).data)
    assert "DỰ THẢO" in page and "cchc-doc-to-fill" in page and "(Họ và tên)" in page
    written = build_document(summary, None, {"V": ["Đề nghị hỗ trợ máy quét."]})
    assert written["draft"] is False
    page = str(views.show_document(written).data)
    assert "DỰ THẢO" not in page and "cchc-doc-to-fill\"" not in page and "Đề nghị hỗ trợ máy quét." in page


def test_the_companion_holds_what_stays_in_the_office(documents):
    summary, doc = documents["2023-Q2"]
    page = render_companion(summary)
    assert "không gửi kèm báo cáo" in page and "Chất lượng số liệu" in page
    assert "Tiến độ các nhiệm vụ của kế hoạch" in page
    assert len(re.findall(r"<tr", page)) > len(summary["plan"]["milestones"])


def _numbers_at_the_top(pdf) -> list[list[str]]:
    pages = []
    for page in PdfReader(pdf).pages:
        texts: list[tuple[str, float, float]] = []
        page.extract_text(visitor_text=lambda text, cm, tm, *_, into=texts: into.append(
            (text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5])))
        height, width = float(page.mediabox.height), float(page.mediabox.width)
        centred = [t for t, x, y in texts if abs(x - width * 0.55) < width * 0.15]  # the text area's middle
        pages.append([t for t, x, y in texts if t.isdigit() and y > height * 0.9 and t in centred])
    return pages


def test_page_numbers_stand_top_centre_from_the_second_page(documents, tmp_path):
    _, doc = documents["2023-Q2"]
    css = (paths.TEMPLATES_DIR / "cchc" / "report.css").read_text(encoding="utf-8")
    body = views.show_document(doc).data
    html = f"<html><head><meta charset='utf-8'><style>{css}</style></head><body>{body}</body></html>"
    target = tmp_path / "doc.pdf"
    html_to_pdf(html, target)
    tops = _numbers_at_the_top(target)
    assert len(tops) >= 3 and tops[0] == []
    assert [t for t in tops[1:]] == [[str(n)] for n in range(2, len(tops) + 1)]


def test_a_task_due_on_the_windows_last_day_and_not_done_is_neither_done_nor_overdue():
    done = _m("A", "2023-H1", "2023-06-14", "done_on_time", "6 tháng đầu năm 2023", "2023-06-13", "Báo cáo số 33/BC")
    waiting = _m("A", "2023-Q2", "2023-06-14", "not_yet_due", "Quý II năm 2023")
    later = _m("B", "2023-Q3", "2023-09-14", "not_yet_due", "Quý III năm 2023")
    counts, lines = task_lines([done, waiting, later], "2023-06-14")
    assert counts == {"due": 1, "done": 0, "late": 0, "overdue": 0, "at_end": 1}
    assert lines == ["Báo cáo kết quả thực hiện (quý II năm 2023): đến hạn ngày 14/06/2023, ngày cuối kỳ báo cáo, "
                     "chưa cập nhật kết quả (6 tháng đầu năm 2023 đã hoàn thành)."]
    assert say("task_counts", **counts) == ("Trong kỳ có 01 nhiệm vụ đến hạn theo kế hoạch, đến hạn đúng ngày cuối "
                                            "kỳ, chưa cập nhật kết quả.")
    # an overdue task names its milestones due on the last day too
    overdue = _m("A", "2023-Q1", "2023-03-14", "overdue", "Quý I năm 2023", days=92)
    counts, lines = task_lines([overdue, waiting], "2023-06-14")
    assert lines == ["Báo cáo kết quả thực hiện (quý I năm 2023, hạn 14/03/2023): chưa hoàn thành, quá hạn 92 ngày so "
                     "với hạn 14/03/2023; quý II năm 2023 đến hạn ngày 14/06/2023, ngày cuối kỳ báo cáo, chưa cập nhật "
                     "kết quả; người thực hiện: Công chức tư pháp."]


def test_work_on_notice_is_not_called_continuous_and_an_update_without_a_document_says_so():
    assert say("task_continuous", task="Đánh giá phân loại công chức", on="2023-12-05", evidence="",
               on_notice=True) == ("Đánh giá phân loại công chức: thực hiện khi có hướng dẫn, không định thời hạn; "
                                   "cập nhật ngày 05/12/2023, chưa có văn bản kiểm chứng.")
    assert say("task_continuous", task="Niêm yết TTHC", on="2023-03-31", evidence="Niêm yết 124 TTHC",
               on_notice=False) == "Niêm yết TTHC: thực hiện thường xuyên; cập nhật ngày 31/03/2023: Niêm yết 124 TTHC."


def test_the_forms_note_says_refused_dossiers_cannot_be_told_apart_without_the_outcome():
    from cchc_lib.outputs.xlsx_report import FORM_SOURCE, form_source

    assert form_source({"data_quality": {"missing_columns": []}}) == FORM_SOURCE
    lacking = form_source({"data_quality": {"missing_columns": ["resolved_at", "outcome"]}})
    assert "không phân biệt được hồ sơ từ chối tiếp nhận" in lacking and "không tính" not in lacking


def test_the_workbooks_centred_cells_wrap_so_an_unjudged_target_stays_in_its_column():
    from cchc_lib.outputs.xlsx_report import _CENTER_TOP, _KPI_CENTERED_COLUMNS, _KPI_HEADER

    assert _KPI_HEADER.index("Đánh giá") + 1 in _KPI_CENTERED_COLUMNS and _CENTER_TOP.wrap_text
