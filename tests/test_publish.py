import json
import re

from cchc_lib.publish import list_reports, write_atomic, write_index


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


def test_write_atomic_replaces_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "index.html"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]
    assert target.stat().st_mode & 0o777 == 0o644
