import json
import re

from cchc_lib.base.files import write_text
from cchc_lib.outputs.index_page import list_reports
from cchc_lib.running.publish import write_index


def _report(folder, period_id, start, end, kinds=("html", "pdf", "json")):
    for kind in kinds:
        if kind == "json":
            summary = {"unit": "Xã Thử", "period": period_id, "cutoff": "decree09", "start": start, "end": end,
                       "generated_at": "2024-01-20T08:30:00+07:00"}
            (folder / f"{period_id}.json").write_text(json.dumps(summary), encoding="utf-8")
        else:
            (folder / f"{period_id}.{kind}").write_text("x", encoding="utf-8")


def test_index_lists_every_report_in_period_order_with_links(tmp_path):
    _report(tmp_path, "2023-Y", "2022-12-15", "2023-12-14")
    _report(tmp_path, "2023-Q1", "2022-12-15", "2023-03-14")
    _report(tmp_path, "2023-H1", "2022-12-15", "2023-06-14", kinds=("html",))
    (tmp_path / "notes.html").write_text("not a report")
    (tmp_path / "2023-q2.html").write_text("not a canonical name")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    names = re.findall(r"<strong>(.*?)</strong>", page)
    assert names == ["Quý I năm 2023", "6 tháng đầu năm 2023", "Năm 2023"]
    assert 'href="2023-Q1.html"' in page and 'href="2023-Q1.pdf"' in page and 'href="2023-Q1.json"' in page
    assert 'href="2023-H1.pdf"' not in page
    assert "15/12/2022 – 14/03/2023" in page
    assert "08:30 20/01/2024" in page
    assert "Xã Thử" in page
    assert "notes.html" not in page


def test_index_of_an_empty_folder_says_so(tmp_path):
    assert "Chưa có báo cáo nào" in write_index(tmp_path).read_text(encoding="utf-8")


def test_report_without_json_still_listed_with_its_file_time(tmp_path):
    _report(tmp_path, "2023-Q3", "", "", kinds=("pdf",))
    (entry,) = list_reports(tmp_path)
    assert entry["window"] == "—" and entry["files"] == {"pdf": "2023-Q3.pdf"}


def test_a_file_written_whole_replaces_the_old_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "index.html"
    target.write_text("old")
    write_text(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_json_that_is_a_list_or_has_a_bad_time_is_left_out_with_a_note_and_a_line(tmp_path):
    from cchc_lib.outputs.index_page import render_index

    _report(tmp_path, "2023-Q1", "2022-12-15", "2023-03-14")
    (tmp_path / "2023-Q2.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "2023-Q3.json").write_text(json.dumps({"generated_at": "hôm qua"}), encoding="utf-8")
    (tmp_path / "2023-Q3.html").write_text("x", encoding="utf-8")
    (tmp_path / "2023-Q4.json").write_text("{not json", encoding="utf-8")
    lines = []
    page = render_index(tmp_path, on_skip=lines.append)
    assert [r["period"].id for r in list_reports(tmp_path)] == ["2023-Q1", "2023-Q3"]  # Q3 by its HTML
    assert len(lines) == 3 and all("left out" in line for line in lines)
    assert "2023-Q2.json" in page and "a JSON list" in page and "generated_at" in page
    assert "Không đọc được 3 tệp" in page
    assert 'href="2023-Q3.html"' in page and 'href="2023-Q3.json"' not in page


def test_the_index_of_staged_files_is_made_before_anything_moves(tmp_path):
    from cchc_lib.running.publish import publish_staged

    out, staging = tmp_path / "out", tmp_path / "out" / ".staging-x"
    staging.mkdir(parents=True)
    _report(out, "2023-Q1", "2022-12-15", "2023-03-14")
    _report(staging, "2023-Q2", "2023-03-15", "2023-06-14", kinds=("json",))
    published = publish_staged(staging, out, ["2023-Q2.json"])
    assert published == [out / "2023-Q2.json"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "2023-Q1.html" in page and "2023-Q2.json" in page
    assert sorted(p.name for p in staging.iterdir()) == []


def test_a_second_lock_on_a_folder_is_refused_and_the_lock_ends_with_its_holder(tmp_path):
    import pytest

    from cchc_lib.base.errors import ReportError
    from cchc_lib.running.publish import folder_lock

    with folder_lock(tmp_path):
        with pytest.raises(ReportError, match="in use by another cchc run"), folder_lock(tmp_path):
            pass
    with folder_lock(tmp_path):  # released
        pass


def test_stale_staging_folders_and_temporary_index_files_are_cleared(tmp_path):
    from cchc_lib.running.publish import clear_stale_staging

    (tmp_path / ".staging-abc").mkdir()
    (tmp_path / ".staging-abc" / "2023-Q1.pdf").write_text("half", encoding="utf-8")
    (tmp_path / ".index.html.xyz").write_text("half", encoding="utf-8")
    (tmp_path / "2023-Q1.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".lock").write_text("", encoding="utf-8")
    assert len(clear_stale_staging(tmp_path)) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "2023-Q1.json"]


def test_an_output_folder_that_is_a_file_or_under_one_is_refused(tmp_path):
    import pytest

    from cchc_lib.base.errors import ReportError
    from cchc_lib.running.publish import check_out_dir

    afile = tmp_path / "f"
    afile.write_text("x", encoding="utf-8")
    for out in (afile, afile / "sub"):
        for create in (True, False):
            with pytest.raises(ReportError, match="cannot use"):
                check_out_dir(out, create=create)
    assert check_out_dir(tmp_path / "new" / "deeper", create=False) == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()


def test_long_texts_of_a_json_are_cut_on_the_index(tmp_path):
    summary = {"unit": "X" * 100_000, "period": "2023-Q1", "start": "2022-12-15", "end": "2023-03-14"}
    (tmp_path / "2023-Q1.json").write_text(json.dumps(summary), encoding="utf-8")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert "X" * 200 not in page and "X" * 199 + "…" in page
    assert len(page) < 10_000


# --- the year at a glance ------------------------------------------------------------------------

KPIS = {"on_time_rate": 0.9709, "online_rate": 0.4363, "full_online_rate": None, "e_result_rate": 1.0,
        "satisfaction_rate": 0.955, "apology_coverage": 0.5, "progress_766": 0.97}


def _target(kpi, value, met, target_id="T1", conflict=False, sentence="Đạt từ 99% trở lên"):
    return {"target_id": target_id, "kpi": kpi, "comparison": ">=", "value": value, "actual": None, "met": met,
            "actual_source": "hồ sơ TTHC", "where": "Mục II", "sentence": sentence, "conflict": conflict}


def _summary(period_id, kpis=None, targets=None, unit="Xã Thử", **more):
    return {"unit": unit, "period": period_id, "cutoff": "decree09", "start": "2022-12-15", "end": "2023-12-14",
            "generated_at": "2024-01-20T08:30:00+07:00", "kpis": dict(KPIS if kpis is None else kpis),
            "targets": targets if targets is not None else [], **more}


def _write(folder, period_id, summary, kinds=("html", "pdf")):
    (folder / f"{period_id}.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    for kind in kinds:
        (folder / f"{period_id}.{kind}").write_bytes(b"x")


class _KpiCells:
    """The KPI tables' cells of an index page: (kpi, period) -> (value text, state), and the
    column headings of the first table."""

    def __init__(self, page: str):
        import html

        head = re.search(r'<table class="kpis">\s*<thead>(.*?)</thead>', page, re.S)
        self.columns = [html.unescape(re.sub(r"<[^>]+>", "", th)).strip()
                        for th in re.findall(r"<th\b[^>]*>(.*?)</th>", head.group(1), re.S)] if head else []
        self.cells: dict[tuple[str, str], tuple[str, str]] = {}
        for row in page.split('<tr data-kpi="')[1:]:
            kpi = row[: row.index('"')]
            for state, period, text in re.findall(
                    r'<td class="([\w-]*)" data-period="([^"]+)"><span class="value">([^<]*)</span>', row):
                self.cells[(kpi, period)] = (html.unescape(text), state)


def test_the_kpi_table_holds_each_periods_values_in_period_order_with_the_target_and_verdict(tmp_path):
    from cchc_lib.outputs.index_page import INDEX_KPIS, _vi_percent

    values = {
        "2023-Y": {**KPIS, "on_time_rate": 0.995},
        "2023-Q1": {**KPIS, "online_rate": 0.1},
        "2023-H1": {**KPIS, "e_result_rate": None},
        "2023-Q3": {**KPIS, "satisfaction_rate": 0.94},
    }
    for period_id, kpis in values.items():
        targets = [_target("on_time_rate", 0.99, kpis["on_time_rate"] >= 0.99),
                   _target("satisfaction_rate", 0.95, kpis["satisfaction_rate"] >= 0.95, "T4", True),
                   _target("satisfaction_rate", 0.96, kpis["satisfaction_rate"] >= 0.96, "T5", True),
                   _target("officials_qualified", 0.98, True, "T7")]
        _write(tmp_path, period_id, _summary(period_id, kpis, targets))
    page = write_index(tmp_path).read_text(encoding="utf-8")
    table = _KpiCells(page)
    assert table.columns == ["Chỉ số", "Chỉ tiêu kế hoạch", "Quý I", "Quý III", "6 tháng", "Cả năm"]
    for period_id, kpis in values.items():
        for kpi in INDEX_KPIS:
            assert table.cells[(kpi, period_id)][0] == _vi_percent(kpis[kpi]), (kpi, period_id)
    assert table.cells[("online_rate", "2023-Q1")][0] == "10%"
    assert table.cells[("e_result_rate", "2023-H1")][0] == "—"
    assert table.cells[("on_time_rate", "2023-Y")][1] == "met"
    assert table.cells[("on_time_rate", "2023-Q1")][1] == "not-met"
    assert table.cells[("online_rate", "2023-Q1")][1] == "none"  # the plan gives no target for it
    assert table.cells[("satisfaction_rate", "2023-Q1")][1] == "not-met"  # 95,5%: meets 95%, not 96%
    assert "đạt 1/2 mức" in page and "⚠ nhiều mức" in page
    assert "≥ 99%" in page and "≥ 95%" in page and "≥ 96%" in page
    assert "Đạt từ 99% trở lên" in page
    assert 'style="width: 99.5%"' in page  # the year's on-time rate as a bar
    assert "apology_coverage" not in page and "<script" not in page


def test_a_report_of_another_year_gets_a_table_of_its_own_most_recent_year_first(tmp_path):
    _write(tmp_path, "2023-Q1", _summary("2023-Q1"))
    _write(tmp_path, "2024-Q1", _summary("2024-Q1"))
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert page.index("Các chỉ số năm 2024") < page.index("Các chỉ số năm 2023")


def test_every_existing_file_of_a_period_is_linked_in_order_and_no_absent_one(tmp_path):
    _write(tmp_path, "2023-Q1", _summary("2023-Q1"), kinds=("html", "pdf", "docx", "xlsx"))
    _write(tmp_path, "2023-Q2", _summary("2023-Q2"), kinds=("xlsx",))
    (tmp_path / "2023-Q3.docx").write_bytes(b"PK")  # a period with a Word file only
    (tmp_path / "2023-Q4.xlsx.tmp").write_bytes(b"half")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    links = re.findall(r'<a href="(2023-[^"]+)" title=', page)
    assert links == ["2023-Q1.html", "2023-Q1.pdf", "2023-Q1.docx", "2023-Q1.xlsx", "2023-Q1.json",
                     "2023-Q2.xlsx", "2023-Q2.json", "2023-Q3.docx"]
    for absent in ("2023-Q2.html", "2023-Q2.pdf", "2023-Q2.docx", "2023-Q3.json", "2023-Q4"):
        assert f'href="{absent}' not in page
    assert ">Word</a>" in page and ">Excel</a>" in page
    assert 'href="2023-Q2.xlsx"' in page and "<th scope=\"col\">Quý II</th>" in page  # no page to link the column to


def test_hostile_texts_of_a_json_are_escaped_and_odd_values_shown_as_unknown(tmp_path):
    planted = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    targets = [_target("on_time_rate", 0.99, True, target_id=planted, sentence=planted),
               _target("online_rate", "<b>1</b>", False), "not a target", {"kpi": ["x"]},
               {**_target("e_result_rate", 1.0, "yes"), "comparison": planted}]
    kpis = {"on_time_rate": "<script>", "online_rate": True, "full_online_rate": 7.5, "e_result_rate": float("nan")}
    _write(tmp_path, "2023-Q1", _summary("2023-Q1", kpis, targets, unit=planted))
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "onerror=alert(1)>" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert page.count("&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") >= 3  # unit, target id, sentence, comparison
    cells = _KpiCells(page).cells
    assert cells[("on_time_rate", "2023-Q1")] == ("—", "met")
    assert cells[("online_rate", "2023-Q1")][0] == "—" and cells[("e_result_rate", "2023-Q1")][0] == "—"
    assert cells[("full_online_rate", "2023-Q1")][0] == "750%" and 'style="width: 100.0%"' in page


def test_an_unreadable_json_beside_good_ones_leaves_the_table_of_the_others(tmp_path):
    from cchc_lib.outputs.index_page import render_index

    _write(tmp_path, "2023-Q1", _summary("2023-Q1"))
    (tmp_path / "2023-Q2.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "2023-Q2.html").write_text("x", encoding="utf-8")
    _write(tmp_path, "2023-Q3", _summary("2023-Q3", kpis={}) | {"kpis": "none"})
    lines = []
    page = render_index(tmp_path, on_skip=lines.append)
    assert len(lines) == 1 and "2023-Q2.json" in page and "Không đọc được 1 tệp" in page
    assert _KpiCells(page).columns == ["Chỉ số", "Chỉ tiêu kế hoạch", "Quý I"]
    assert 'href="2023-Q2.html"' in page and 'href="2023-Q3.json"' in page


def test_a_folder_of_reports_without_kpis_has_no_table(tmp_path):
    _report(tmp_path, "2023-Q1", "2022-12-15", "2023-03-14")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert "Các chỉ số năm" not in page and 'class="kpis"' not in page
