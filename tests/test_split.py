"""One export of several communes split into one data folder per commune: each folder reads
back as that commune's dossiers, personal data goes nowhere, nothing is dropped or
overwritten silently."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from cchc_lib.base.errors import DataError
from cchc_lib.inputs import schema as S
from cchc_lib.inputs.loading import load_dossiers
from cchc_lib.inputs.unit import read_unit
from cchc_lib.running import split_out as split_module
from cchc_lib.running.checks import validate_data
from cchc_lib.running.split_out import split_export
from tests.conftest import CANONICAL_HEADER, write_data_dir

# (unit, canonical row)
ROWS = [
    ("Xã Hoằng Giang",
     "G1,Đăng ký khai sinh,Hộ tịch,02/03/2023 08:10,02/03/2023,02/03/2023,resolved,online,full,true,satisfied,"),
    ("Xã Hoằng Xuân", "X1,Chứng thực chữ ký,Chứng thực,03/03/2023 09:00,03/03/2023,03/03/2023,resolved,direct,,,,"),
    ("Xã Hoằng Giang",
     'G2,"Xác nhận, nguồn gốc ""đất""",Đất đai,06/03/2023 10:30,20/03/2023,24/03/2023,resolved,direct,,,,27/03/2023'),
    ("Thị trấn Bút Sơn", "B1,Đăng ký kết hôn,Hộ tịch,07/03/2023 14:00,07/03/2023,,,online,partial,,,"),
    ("Xã Hoằng Xuân", "X2,Chứng thực chữ ký,Chứng thực,08/03/2023 08:00,08/03/2023,08/03/2023,refused,direct,,,,"),
    ("Xã Hoằng Giang",
     "G3,Đăng ký khai tử,Hộ tịch,13/03/2023 07:50,13/03/2023,13/03/2023,resolved,postal,,true,neutral,"),
]
SLUGS = {"Xã Hoằng Giang": "xa-hoang-giang", "Xã Hoằng Xuân": "xa-hoang-xuan", "Thị trấn Bút Sơn": "thi-tran-but-son"}
PERSONAL = {"name": "Nguyễn Văn Cắm Mốc", "phone": "0912345678", "address": "Thôn Cắm Mốc Đông",
            "content": "Khai sinh cho cháu Nguyễn Thị Cắm Mốc"}


def canonical_export(folder: Path, rows=ROWS, name: str = "tinh.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    lines = [f"unit,{CANONICAL_HEADER}", *(f'"{unit}",{row}' if unit else f",{row}" for unit, row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def expected_folder(root: Path, unit: str, rows=ROWS) -> Path:
    """The unit's rows as a data folder of their own, written by hand."""
    return write_data_dir(root / f"expected-{SLUGS[unit]}", [row for u, row in rows if u == unit], unit_yaml=None)


def dossiers(folder: Path) -> pd.DataFrame:
    return load_dossiers(folder).dossiers.reset_index(drop=True)


def test_a_canonical_csv_becomes_one_folder_per_unit_with_its_rows(tmp_path):
    source = canonical_export(tmp_path / "in")
    result = split_export(source, "unit", tmp_path / "out")
    assert [(u.slug, u.name, u.rows) for u in result.units] == [
        ("thi-tran-but-son", "Thị trấn Bút Sơn", 1), ("xa-hoang-giang", "Xã Hoằng Giang", 3),
        ("xa-hoang-xuan", "Xã Hoằng Xuân", 2)]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(SLUGS.values())
    for unit, slug in SLUGS.items():
        folder = tmp_path / "out" / slug
        got = dossiers(folder)
        assert got[S.DOSSIER_ID].tolist() == [row.split(",")[0] for u, row in ROWS if u == unit]
        pd.testing.assert_frame_equal(got, dossiers(expected_folder(tmp_path, unit)))
        assert load_dossiers(folder).problems.empty
        assert (folder / "dossiers.csv").read_bytes().startswith(b"\xef\xbb\xbf" + CANONICAL_HEADER.encode() + b"\n")
        assert read_unit(folder).name == unit and read_unit(folder).slug == slug
        assert sorted(p.name for p in folder.iterdir()) == ["dossiers.csv", "unit.yaml"]  # no template given
    assert "unit" not in (tmp_path / "out" / "xa-hoang-giang" / "dossiers.csv").read_text(encoding="utf-8-sig")
    lines = result.describe().splitlines()
    assert lines[0].endswith(f"6 dossier(s) of 3 unit(s) by column 'unit', in {tmp_path / 'out'}")
    assert lines[1].split() == ["thi-tran-but-son", "1", "Thị", "trấn", "Bút", "Sơn"]
    assert lines[2].split()[:2] == ["xa-hoang-giang", "3"] and len(lines) == 4


def test_the_header_is_compared_without_regard_to_case_spacing_or_unicode_form(tmp_path):
    source = canonical_export(tmp_path / "in")
    result = split_export(source, "  UNIT ", tmp_path / "out")
    assert result.by == "unit" and len(result.units) == 3


def thanh_hoa_export(folder: Path, units: dict[str, list[str]]) -> Path:
    """The Thanh Hóa system's 'Excel' download of a district: an HTML table named .xls, title
    rows, a group row per receiving unit, personal columns, a dossier never taken in."""
    head = ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Lĩnh vực", "Chủ hồ sơ", "Địa chỉ", "Số điện thoại",
            "Nội dung hồ sơ", "Ngày nộp hồ sơ", "Ngày nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái",
            "Trực tuyến", "Đơn vị tiếp nhận"]
    width = len(head)
    rows = [f'<tr><td colspan="{width}">DANH SÁCH HỒ SƠ HUYỆN HOẰNG HÓA</td></tr>',
            f'<tr><td colspan="{width}">Từ ngày 01/03/2023 đến ngày 14/03/2023</td></tr>',
            "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    statuses = ["Đã trả kết quả", "Đang xử lý", "Không được tiếp nhận"]
    for unit, codes in units.items():
        rows.append(f'<tr><td colspan="{width}">{unit} ( {len(codes)} )</td></tr>')
        for n, code in enumerate(codes, start=1):
            status = statuses[n % 3]
            end = f"0{n}/03/2023 16:00:00" if status != "Đang xử lý" else ""
            cells = [n, code, "Đăng ký khai sinh", "Hộ tịch", PERSONAL["name"], PERSONAL["address"], PERSONAL["phone"],
                     PERSONAL["content"], f"0{n}/03/2023 08:00:00", f"0{n}/03/2023 08:00:00",
                     f"0{n + 1}/03/2023 17:00:00", end, status, "true" if n % 2 else "false", f"  {unit} "]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    never = [1, "HS-NEVER", "Đăng ký khai sinh", "Hộ tịch", PERSONAL["name"], "", PERSONAL["phone"], "",
             "09/03/2023 20:00:00", "", "", "", "Mới đăng ký", "true", next(iter(units))]
    rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in never) + "</tr>")
    html = ('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head><body>'
            f"<table>{''.join(rows)}</table></body></html>")
    path = folder / "Danh sách hồ sơ huyện 5-3-2024.xls"
    path.write_text(html, encoding="utf-8")
    return path


def template_folder(root: Path, sample: Path) -> Path:
    """A unit data folder to copy from: the sample's catalogue and plan, its own dossiers."""
    folder = root / "mau"
    shutil.copytree(sample / "plan", folder / "plan")
    shutil.copy(sample / "procedures.csv", folder / "procedures.csv")
    (folder / "unit.yaml").write_text("name: Xã Mẫu\nslug: mau\ndistrict: Huyện Hoằng Hóa\nprovince: Tỉnh Thanh Hóa\n",
                                      encoding="utf-8")
    (folder / "plan" / "~$tasks.xlsx").write_bytes(b"lock")  # an office lock file: not copied
    shutil.copytree(sample / "scoring", folder / "scoring")  # criteria copied, self-scores not
    (folder / "dossiers.csv").write_text(CANONICAL_HEADER + "\nM1,x,y,01/01/2023,,,,,,,,\n", encoding="utf-8")
    return folder


def test_a_district_html_export_is_split_and_personal_data_goes_nowhere(tmp_path, sample_dir):
    units = {"UBND xã Hoằng Giang": ["HG-1", "HG-2", "HG-3"], "UBND xã Hoằng Xuân": ["HX-1", "HX-2"]}
    source = thanh_hoa_export(tmp_path, units)
    template = template_folder(tmp_path, sample_dir)
    out = tmp_path / "huyen"
    result = split_export(source, "đơn vị tiếp nhận", out, template=template)
    assert result.by == "Đơn vị tiếp nhận"
    assert [(u.slug, u.name, u.rows) for u in result.units] == [
        ("ubnd-xa-hoang-giang", "UBND xã Hoằng Giang", 3), ("ubnd-xa-hoang-xuan", "UBND xã Hoằng Xuân", 2)]
    # two group rows, one never taken in
    assert result.dropped == 3 and result.copied == ["procedures.csv", "plan/", "scoring/criteria.csv"]
    for unit in result.units:
        assert sorted(p.name for p in (unit.data_dir / "scoring").iterdir()) == ["criteria.csv"]
        assert (unit.data_dir / "scoring" / "criteria.csv").read_bytes() == (
            template / "scoring" / "criteria.csv").read_bytes()
    for unit in result.units:
        data = load_dossiers(unit.data_dir)
        assert data.errors.empty, data.errors
        frame = data.dossiers
        assert frame[S.DOSSIER_ID].tolist() == units[unit.name]
        assert frame[S.CHANNEL].tolist() == ["online", "direct", "online"][:unit.rows]  # from the Trực tuyến column
        assert [None if pd.isna(o) else o for o in frame[S.OUTCOME]] == [None, S.REFUSED, S.RESOLVED][:unit.rows]
        assert validate_data(unit.data_dir).query("severity == 'error'").empty
        # the template's catalogue and plan, the unit's own unit.yaml
        assert (unit.data_dir / "procedures.csv").read_bytes() == (template / "procedures.csv").read_bytes()
        plan_files = sorted(p.name for p in (sample_dir / "plan").iterdir())
        assert sorted(p.name for p in (unit.data_dir / "plan").iterdir()) == plan_files
        assert (unit.data_dir / "plan" / "tasks.csv").read_bytes() == (template / "plan" / "tasks.csv").read_bytes()
        info = yaml.safe_load((unit.data_dir / "unit.yaml").read_text(encoding="utf-8"))
        assert info == {"name": unit.name, "slug": unit.slug, "district": "Huyện Hoằng Hóa",
                        "province": "Tỉnh Thanh Hóa"}
        assert not (unit.data_dir / "dossiers").exists()  # the template's own dossiers stay in the template
    written = {p: p.read_bytes().decode("utf-8") for p in out.rglob("*") if p.is_file()}
    assert len(written) == 2 * (3 + len(plan_files) + 1)  # dossiers, unit.yaml, catalogue, plan, criteria
    planted = [*PERSONAL.values(), "Cắm Mốc"]
    for path, text in written.items():
        for value in planted:
            assert value not in text, (path, value)
    text = result.describe()
    assert "edit each commune's plan" in text and "rows that are not dossiers" in text
    assert not any(value in text for value in planted)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # the temporary folder is gone


def test_a_workbook_export_gives_the_rows_of_the_canonical_csv(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH HỒ SƠ"])
    sheet.append(["STT", "Xã/ phường", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Người nộp", "Ngày tiếp nhận",
                  "Ngày hẹn trả", "Ngày có kết quả", "Kết quả xử lý", "Hình thức nộp"])
    outcome_vi = {"resolved": "Đã giải quyết", "": None, "refused": "Từ chối tiếp nhận"}
    channel_vi = {"online": "Trực tuyến", "direct": "Trực tiếp", "postal": "Bưu chính công ích"}
    day = lambda text, fmt="%d/%m/%Y": dt.datetime.strptime(text, fmt) if text else None  # noqa: E731
    for n, (unit, row) in enumerate(ROWS, start=1):
        i, p, f, rec, due, res, out, ch = next(csv.reader([row]))[:8]
        sheet.append([n, unit, i, p, f, PERSONAL["name"], day(rec, "%d/%m/%Y %H:%M"), day(due), day(res),
                      outcome_vi[out], channel_vi[ch]])
    source = tmp_path / "huyen.xlsx"
    book.save(source)
    result = split_export(source, "Xã/phường", tmp_path / "out")
    assert {u.name for u in result.units} == set(SLUGS)
    for unit in result.units:
        got = dossiers(unit.data_dir)
        want = dossiers(expected_folder(tmp_path, unit.name))
        columns = [S.DOSSIER_ID, S.PROCEDURE, S.FIELD, S.RECEIVED_AT, S.DUE_AT, S.RESOLVED_AT, S.OUTCOME, S.CHANNEL]
        pd.testing.assert_frame_equal(got[columns], want[columns])
        header = (unit.data_dir / "dossiers.csv").read_text(encoding="utf-8-sig").splitlines()[0]
        assert header == ",".join(columns)  # the columns the export gives, no empty ones added
        assert PERSONAL["name"] not in (unit.data_dir / "dossiers.csv").read_text(encoding="utf-8-sig")


def test_rows_with_no_unit_are_an_error_naming_them_or_skipped_and_counted(tmp_path):
    rows = [*ROWS[:2], ("", "N1,Đăng ký khai sinh,Hộ tịch,02/03/2023,02/03/2023,,,direct,,,,"), *ROWS[2:]]
    source = canonical_export(tmp_path / "in", rows)
    with pytest.raises(DataError, match=r"tinh\.csv: 1 dossier row\(s\) with no 'unit' \(rows 4\)"):
        split_export(source, "unit", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    result = split_export(source, "unit", tmp_path / "out", unassigned="skip")
    assert result.skipped == 1 and result.skipped_rows == [4] and result.rows == len(ROWS)
    assert "N1" not in "".join(p.read_text(encoding="utf-8-sig") for p in (tmp_path / "out").rglob("*.csv"))
    assert "rows with no 'unit', left out: 1 (rows 4)" in result.describe()


def test_many_rows_with_no_unit_are_named_ten_and_counted(tmp_path):
    rows = [*ROWS, *(("", f"N{i},Đăng ký khai sinh,Hộ tịch,02/03/2023,02/03/2023,,,direct,,,,") for i in range(12))]
    source = canonical_export(tmp_path / "in", rows)
    with pytest.raises(DataError, match=r"12 dossier row\(s\) with no 'unit' \(rows 8, 9, 10, 11, 12, 13, 14, 15, 16, "
                                        r"17 and 2 more\)"):
        split_export(source, "unit", tmp_path / "out")


def test_two_names_with_one_slug_are_refused(tmp_path):
    rows = [*ROWS, ("Xa Hoang Giang", "G9,Đăng ký khai sinh,Hộ tịch,02/03/2023,02/03/2023,,,direct,,,,")]
    source = canonical_export(tmp_path / "in", rows)
    with pytest.raises(DataError, match=r"'Xa Hoang Giang' and 'Xã Hoằng Giang' → xa-hoang-giang"):
        split_export(source, "unit", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_existing_unit_folder_is_refused_unless_overwrite(tmp_path):
    source = canonical_export(tmp_path / "in")
    out = tmp_path / "out"
    (out / "xa-hoang-xuan").mkdir(parents=True)
    (out / "xa-hoang-xuan" / "ghi-chu.txt").write_text("kept", encoding="utf-8")
    (out / "khac").mkdir()  # a folder of another unit: untouched either way
    with pytest.raises(DataError, match=r"unit folder\(s\) exist: xa-hoang-xuan; nothing written"):
        split_export(source, "unit", out)
    assert sorted(p.name for p in out.iterdir()) == ["khac", "xa-hoang-xuan"]
    assert (out / "xa-hoang-xuan" / "ghi-chu.txt").read_text(encoding="utf-8") == "kept"
    split_export(source, "unit", out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["khac", *sorted(SLUGS.values())]
    assert not (out / "xa-hoang-xuan" / "ghi-chu.txt").exists()  # the folder replaced whole
    assert dossiers(out / "xa-hoang-xuan")[S.DOSSIER_ID].tolist() == ["X1", "X2"]


def test_a_failure_while_writing_leaves_no_unit_folder_and_the_old_ones_as_they_were(tmp_path, monkeypatch):
    source = canonical_export(tmp_path / "in")
    out = tmp_path / "out"
    (out / "xa-hoang-xuan").mkdir(parents=True)
    (out / "xa-hoang-xuan" / "ghi-chu.txt").write_text("kept", encoding="utf-8")
    written = []
    real = split_module._write_unit

    def failing(folder, *args):
        if written:
            raise OSError("disk full")
        written.append(folder)
        real(folder, *args)

    monkeypatch.setattr(split_module, "_write_unit", failing)
    with pytest.raises(OSError, match="disk full"):
        split_export(source, "unit", out, overwrite=True)
    assert [p.name for p in out.iterdir()] == ["xa-hoang-xuan"]
    assert [p.name for p in (out / "xa-hoang-xuan").iterdir()] == ["ghi-chu.txt"]


def test_a_header_the_file_does_not_have_is_an_error_listing_its_headers(tmp_path):
    source = canonical_export(tmp_path / "in")
    with pytest.raises(DataError, match=r"tinh\.csv: no column headed 'Mã đơn vị'; the file's headers: 'unit', "
                                        r"'dossier_id', 'procedure', .*'apology_at'"):
        split_export(source, "Mã đơn vị", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_personal_or_dossier_column_is_not_a_unit(tmp_path):
    source = thanh_hoa_export(tmp_path, {"UBND xã Hoằng Giang": ["HG-1"]})
    with pytest.raises(DataError, match="'Chủ hồ sơ' holds personal data"):
        split_export(source, "chủ hồ sơ", tmp_path / "out")
    with pytest.raises(DataError, match="'Mã hồ sơ' is read as the dossiers' 'dossier_id'"):
        split_export(source, "Mã hồ sơ", tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("header", ["Số CCCD/CMND", "Họ tên chủ hồ sơ", "Điện thoại liên hệ", "Ngày sinh"])
def test_a_personal_column_spelled_another_way_is_not_a_unit_either(tmp_path, header):
    source = tmp_path / "tinh.csv"
    source.write_text(f"Mã hồ sơ,Ngày tiếp nhận,Trạng thái,{header}\nA1,01/03/2023,Đã trả kết quả,038190012345\n",
                      encoding="utf-8")
    with pytest.raises(DataError, match="holds personal data"):
        split_export(source, header, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_templates_mapping_reads_an_export_the_project_does_not_know(tmp_path):
    template = tmp_path / "mau"
    template.mkdir()
    (template / "unit.yaml").write_text("name: Xã Mẫu\nprovince: Tỉnh Thanh Hóa\ncolumns:\n  Số biên nhận: dossier_id\n"
                                        "  Thời điểm nhận: received_at\n  Tình trạng: status\n"
                                        "values:\n  status:\n    Xong: resolved\n", encoding="utf-8")
    source = tmp_path / "tinh.csv"
    source.write_text("Số biên nhận,Thời điểm nhận,Tình trạng,Mã đơn vị\nA1,01/03/2023,Xong,H56.27.12\n"
                      "A2,02/03/2023,Xong,H56.27.13\n", encoding="utf-8")
    with pytest.raises(DataError, match="no header row found"):
        split_export(source, "Mã đơn vị", tmp_path / "out")
    result = split_export(source, "Mã đơn vị", tmp_path / "out", template=template)
    assert [(u.slug, u.name) for u in result.units] == [("h56-27-12", "H56.27.12"), ("h56-27-13", "H56.27.13")]
    folder = result.units[0].data_dir
    assert (folder / "dossiers.csv").read_text(encoding="utf-8-sig") == (
        "dossier_id,received_at,outcome\nA1,01/03/2023,resolved\n")
    assert yaml.safe_load((folder / "unit.yaml").read_text(encoding="utf-8")) == {
        "name": "H56.27.12", "slug": "h56-27-12", "province": "Tỉnh Thanh Hóa"}  # no mapping: the CSV is canonical
    assert result.copied == []


def test_a_failure_while_moving_into_place_puts_everything_back(tmp_path, monkeypatch):
    source = canonical_export(tmp_path / "in")
    out = tmp_path / "out"
    (out / "xa-hoang-xuan").mkdir(parents=True)
    (out / "xa-hoang-xuan" / "ghi-chu.txt").write_text("kept", encoding="utf-8")
    real = split_module.os.replace
    calls = []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 4:  # the last unit's new folder, after the old one was set aside
            raise OSError("device busy")
        real(src, dst)

    monkeypatch.setattr(split_module.os, "replace", failing)
    with pytest.raises(OSError, match="device busy"):
        split_export(source, "unit", out, overwrite=True)
    monkeypatch.undo()
    assert [p.name for p in out.iterdir()] == ["xa-hoang-xuan"]
    assert [p.name for p in (out / "xa-hoang-xuan").iterdir()] == ["ghi-chu.txt"]


def test_an_export_whose_rows_all_lack_a_unit_is_refused_even_when_skipping(tmp_path):
    source = canonical_export(tmp_path / "in", [("", row) for _, row in ROWS])
    with pytest.raises(DataError, match="no dossier row has a 'unit'"):
        split_export(source, "unit", tmp_path / "out", unassigned="skip")
