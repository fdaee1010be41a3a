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


def test_a_json_that_is_a_list_or_has_a_bad_time_is_left_out_with_a_note_and_a_line(tmp_path):
    from cchc_lib.publish import render_index

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
    from cchc_lib.publish import publish_staged

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

    from cchc_lib.errors import ReportError
    from cchc_lib.publish import folder_lock

    with folder_lock(tmp_path):
        with pytest.raises(ReportError, match="in use by another cchc run"), folder_lock(tmp_path):
            pass
    with folder_lock(tmp_path):  # released
        pass


def test_stale_staging_folders_and_temporary_index_files_are_cleared(tmp_path):
    from cchc_lib.publish import clear_stale_staging

    (tmp_path / ".staging-abc").mkdir()
    (tmp_path / ".staging-abc" / "2023-Q1.pdf").write_text("half", encoding="utf-8")
    (tmp_path / ".index.html.xyz").write_text("half", encoding="utf-8")
    (tmp_path / "2023-Q1.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".lock").write_text("", encoding="utf-8")
    assert len(clear_stale_staging(tmp_path)) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "2023-Q1.json"]


def test_an_output_folder_that_is_a_file_or_under_one_is_refused(tmp_path):
    import pytest

    from cchc_lib.errors import ReportError
    from cchc_lib.publish import check_out_dir

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
