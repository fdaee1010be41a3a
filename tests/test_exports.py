"""Exports in the shapes the one-stop systems write, each giving the figures of the same
dossiers written as canonical CSV; unit.yaml mappings; personal data never read."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import xlwt

from cchc_lib.cli import main
from cchc_lib.figures.summary import build_summary
from cchc_lib.inputs import schema as S
from cchc_lib.inputs.exports import CSV, HTML_TABLE, XLS, XLSX, read_export, sniff_format
from cchc_lib.inputs.loading import load_dossiers
from cchc_lib.inputs.params import check_parameters
from tests.hostile.support import file_text

# (id, procedure, field, received, due, resolved, outcome, channel)
DOSSIERS = [
    ("HS-001", "Đăng ký khai sinh", "Hộ tịch", "02/03/2023 08:10:00", "02/03/2023", "02/03/2023", "resolved", "online"),
    ("HS-002", "Chứng thực chữ ký", "Chứng thực", "03/03/2023 09:00:00",
     "03/03/2023", "03/03/2023", "resolved", "direct"),
    ("HS-003", "Xác nhận nguồn gốc đất", "Đất đai", "06/03/2023 10:30:00",
     "20/03/2023", "24/03/2023", "resolved", "direct"),
    ("HS-004", "Đăng ký kết hôn", "Hộ tịch", "07/03/2023 14:00:00", "07/03/2023", "", "", "online"),
    ("HS-005", "Chứng thực chữ ký", "Chứng thực", "08/03/2023 08:00:00",
     "08/03/2023", "08/03/2023", "refused", "direct"),
    ("HS-006", "Trợ cấp xã hội hằng tháng", "Bảo trợ xã hội", "09/03/2023 09:45:00",
     "20/03/2023", "15/03/2023", "withdrawn", "direct"),
    ("HS-007", "Đăng ký khai tử", "Hộ tịch", "13/03/2023 07:50:00", "13/03/2023", "13/03/2023", "resolved", "online"),
    ("HS-008", "Chứng thực bản sao từ bản chính", "Chứng thực", "14/03/2023 16:20:00", "15/03/2023", "", "", "direct"),
    ("HS-009", "Hòa giải tranh chấp đất đai", "Đất đai", "01/02/2023 10:00:00", "15/03/2023", "", "", "direct"),
    ("HS-010", "Đăng ký khai sinh", "Hộ tịch", "20/02/2023 10:00:00", "20/02/2023", "21/02/2023", "resolved", "online"),
]
PERSONAL = {"name": "Lê Văn Cắm Mốc", "phone": "0987654321", "address": "Thôn Đông Cắm Mốc, xã Hoằng Giang",
            "content": "Khai sinh cho cháu Lê Thị Cắm Mốc"}
THANH_HOA_STATUS = {"resolved": "Đã trả kết quả", "": "Đang xử lý", "refused": "Không được tiếp nhận",
                    "withdrawn": "Công dân yêu cầu rút hồ sơ"}
OPENCPS_STATUS = {"resolved": "Đã xử lý xong", "": "Chờ bổ sung", "refused": "Từ chối xử lý", "withdrawn": "Xin rút"}
CHANNEL_VI = {"online": "Trực tuyến", "direct": "Trực tiếp"}


def canonical_folder(root: Path) -> Path:
    folder = root / "canonical"
    folder.mkdir()
    rows = ["dossier_id,procedure,field,received_at,due_at,resolved_at,outcome,channel"]
    rows += [",".join(d) for d in DOSSIERS]
    (folder / "dossiers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def thanh_hoa_html(folder: Path) -> Path:
    """The Thanh Hóa system's 'Excel' download: an HTML table named .xls, title rows above the
    header, a group row per receiving agency (STT restarting), a dossier never taken in."""
    head = ["STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Lĩnh vực", "Chủ hồ sơ", "Địa chỉ", "Số điện thoại",
            "Nội dung hồ sơ", "Ngày nộp hồ sơ", "Ngày nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái",
            "Trực tuyến", "Đơn vị tiếp nhận"]
    cells = lambda values: "".join(f"<td>{v}</td>" for v in values)  # noqa: E731
    rows = [f'<tr><td colspan="{len(head)}"></td></tr>',
            f'<tr><td colspan="{len(head)}">DANH SÁCH HỒ SƠ</td></tr>',
            f'<tr><td colspan="{len(head)}">Từ ngày 01/02/2023 đến ngày 14/03/2023</td></tr>',
            "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    groups = {"Bộ phận một cửa xã Hoằng Giang": DOSSIERS[:6], "Cổng dịch vụ công tỉnh": DOSSIERS[6:]}
    for agency, members in groups.items():
        rows.append(f'<tr><td colspan="{len(head)}">{agency} ( {len(members)} )</td></tr>')
        for n, (i, p, f, rec, due, res, out, ch) in enumerate(members, start=1):
            day = lambda text: text[:10] + (" 17:00:00" if text else "")  # noqa: E731
            rows.append("<tr>" + cells([n, i, p, f, PERSONAL["name"], PERSONAL["address"], PERSONAL["phone"],
                                        PERSONAL["content"], rec, rec, due + " 17:00:00", day(res),
                                        THANH_HOA_STATUS[out], "true" if ch == "online" else "false", agency])
                        + "</tr>")
    rows.append("<tr>" + cells([1, "HS-999", "Đăng ký khai sinh", "Hộ tịch", PERSONAL["name"], "", "", "",
                                "14/03/2023 20:00:00", "", "", "", "Mới đăng ký", "true", "Cổng"]) + "</tr>")
    html = ('<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head><body>'
            f"<table>{''.join(rows)}</table></body></html>")
    path = folder / "Danh sách hồ sơ 5-3-2024 9-7.xls"
    path.write_text(html, encoding="utf-8")
    return path


def opencps_xls(folder: Path) -> Path:
    """A legacy binary workbook as OpenCPS writes it, with a title row and date-time text."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Hồ sơ")
    sheet.write(0, 0, "DANH SÁCH HỒ SƠ TIẾP NHẬN")
    head = ["STT", "Số hồ sơ", "Tên thủ tục", "Lĩnh vực", "Người nộp", "Thư điện tử", "Ngày nhận", "Ngày hẹn trả",
            "Ngày hoàn thành", "Trạng thái", "Kênh thực hiện"]
    for c, h in enumerate(head):
        sheet.write(2, c, h)
    for r, (i, p, f, rec, due, res, out, ch) in enumerate(DOSSIERS, start=3):
        values = [r - 2, i, p, f, PERSONAL["name"], "cam.moc@example.vn", rec, due + " 00:00:00",
                  res + " 16:30:00" if res else "", OPENCPS_STATUS[out], CHANNEL_VI[ch]]
        for c, v in enumerate(values):
            sheet.write(r, c, v)
    path = folder / "hoso-opencps.xls"
    book.save(str(path))
    return path


def csv_with_groups(folder: Path) -> Path:
    """CSV with a BOM, group rows and a total row."""
    head = ("STT,Mã hồ sơ,Tên thủ tục,Lĩnh vực,Số điện thoại,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,"
            "Kết quả xử lý,Hình thức nộp")
    outcome_vi = {"resolved": "Đã giải quyết", "": "", "refused": "Từ chối tiếp nhận", "withdrawn": "Rút hồ sơ"}
    lines = [head, "Bộ phận một cửa ( 10 ),,,,,,,,,"]
    for n, (i, p, f, rec, due, res, out, ch) in enumerate(DOSSIERS, start=1):
        lines.append(",".join([str(n), i, f'"{p}"', f, PERSONAL["phone"], rec[:16], due, res, outcome_vi[out],
                               CHANNEL_VI[ch]]))
    lines.append("Tổng cộng,,,,,,,,,")
    path = folder / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def two_level_xlsx(folder: Path) -> Path:
    """A workbook with a merged two-level header and a column-number row under it."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["BÁO CÁO HỒ SƠ"])
    ws.append(["STT", "Mã hồ sơ", "Tên thủ tục", "Lĩnh vực", "Ngày", None, None, "Kết quả xử lý", "Hình thức nộp"])
    ws.append([None, None, None, None, "tiếp nhận", "hẹn trả", "có kết quả", None, None])
    ws.merge_cells("E2:G2")
    ws.append(list(range(1, 10)))
    outcome_vi = {"resolved": "Đã giải quyết", "": None, "refused": "Từ chối tiếp nhận", "withdrawn": "Rút hồ sơ"}
    for n, (i, p, f, rec, due, res, out, ch) in enumerate(DOSSIERS, start=1):
        ws.append([n, i, p, f, dt.datetime.strptime(rec, "%d/%m/%Y %H:%M:%S"), dt.datetime.strptime(due, "%d/%m/%Y"),
                   dt.datetime.strptime(res, "%d/%m/%Y") if res else None, outcome_vi[out], CHANNEL_VI[ch]])
    path = folder / "bao-cao.xlsx"
    book.save(path)
    return path


SHAPES = {"thanh_hoa_html": thanh_hoa_html, "opencps_xls": opencps_xls, "csv_with_groups": csv_with_groups,
          "two_level_xlsx": two_level_xlsx}


def shape_folder(root: Path, shape: str) -> tuple[Path, Path]:
    folder = root / shape
    (folder / "dossiers").mkdir(parents=True)
    return folder, SHAPES[shape](folder / "dossiers")


def figures(folder: Path, period: str = "2023-Q1") -> dict:
    ctx = check_parameters(period, data_dir=folder)
    summary = build_summary(ctx, load_dossiers(folder))
    return {"dossiers": {k: summary["dossiers"][k] for k in ("total", "by_field", "received_in_period")},
            "kpis": summary["kpis"], "late": summary["late_dossiers"], "backlog": summary["backlog_by_age"]}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_each_shape_gives_the_figures_of_the_canonical_csv(tmp_path, shape):
    folder, _ = shape_folder(tmp_path, shape)
    expected = figures(canonical_folder(tmp_path))
    assert expected["dossiers"]["total"]["received_total"] == 9  # a real check, not two empty reports
    assert figures(folder) == expected


@pytest.mark.parametrize(("shape", "kind"), [("thanh_hoa_html", HTML_TABLE), ("opencps_xls", XLS),
                                             ("csv_with_groups", CSV), ("two_level_xlsx", XLSX)])
def test_the_format_is_sniffed_from_the_content(tmp_path, shape, kind):
    _, path = shape_folder(tmp_path, shape)
    assert sniff_format(path) == kind


def test_the_html_export_is_understood_row_by_row(tmp_path):
    _, path = shape_folder(tmp_path, "thanh_hoa_html")
    reading = read_export(path)
    assert reading.header_rows == (4,)
    columns = dict(reading.columns)
    assert columns["Chủ hồ sơ"] == columns["Số điện thoại"] == columns["Nội dung hồ sơ"] == "personal data: never read"
    assert columns["Ngày nhận"] == S.RECEIVED_AT
    assert columns["Ngày nộp hồ sơ"] == "ignored: received_at is read from 'Ngày nhận'"
    assert columns["Trạng thái"] == S.STATUS and columns["Trực tuyến"] == S.ONLINE_FLAG
    assert reading.dropped == [(5, "group"), (12, "group"), (17, "not received")]
    assert reading.statuses["Đã trả kết quả"] == "resolved" and reading.statuses["Mới đăng ký"] == "not_received"
    assert reading.frame[S.SOURCE_ROW].tolist()[:2] == [6, 7]
    assert reading.frame[S.CHANNEL].tolist()[:2] == ["online", "direct"]


def test_the_two_level_header_and_column_numbers(tmp_path):
    _, path = shape_folder(tmp_path, "two_level_xlsx")
    reading = read_export(path)
    assert reading.header_rows == (2, 3)
    assert dict(reading.columns)["Ngày hẹn trả"] == S.DUE_AT
    assert reading.dropped == [(4, "column numbers")]


def test_csv_group_and_total_rows_are_dropped_and_counted(tmp_path):
    folder, _ = shape_folder(tmp_path, "csv_with_groups")
    data = load_dossiers(folder)
    assert data.exports == [{"file": "dossiers/export.csv", "format": CSV, "header_rows": [1], "rows": 10,
                             "dropped": {"group": 1, "total": 1}, "lacking": []}]


def test_a_mapping_in_unit_yaml_reads_an_export_never_seen(tmp_path):
    folder = tmp_path / "unknown"
    folder.mkdir()
    (folder / "unit.yaml").write_text(
        "name: Xã Thử\n"
        "columns:\n  Số biên nhận: dossier_id\n  Thời điểm nhận: received_at\n  Hạn: due_at\n"
        "  Xong lúc: resolved_at\n  Tình trạng: status\n  Cách nộp: channel\n  Loại việc: procedure\n"
        "  Mảng: field\n  Người liên hệ: personal\n"
        "values:\n  status:\n    Xong: resolved\n    Chờ: in_process\n    Không nhận: refused\n    Bỏ: withdrawn\n"
        "  channel:\n    Qua mạng: online\n    Tại quầy: direct\n",
        encoding="utf-8",
    )
    status = {"resolved": "Xong", "": "Chờ", "refused": "Không nhận", "withdrawn": "Bỏ"}
    channel = {"online": "Qua mạng", "direct": "Tại quầy"}
    lines = ["Số biên nhận,Loại việc,Mảng,Người liên hệ,Thời điểm nhận,Hạn,Xong lúc,Tình trạng,Cách nộp"]
    lines += [",".join([i, p, f, PERSONAL["name"], rec, due, res, status[out], channel[ch]])
              for i, p, f, rec, due, res, out, ch in DOSSIERS]
    (folder / "dossiers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert figures(folder) == figures(canonical_folder(tmp_path))
    assert dict(read_export(folder / "dossiers.csv", load_unit_mapping(folder)).columns)["Người liên hệ"] == (
        "personal data: never read")


def load_unit_mapping(folder: Path):
    from cchc_lib.inputs.unit import read_unit

    return read_unit(folder).mapping


def test_a_mapping_to_an_unknown_column_is_refused(tmp_path):
    (tmp_path / "unit.yaml").write_text("columns:\n  Số biên nhận: ma_so\n", encoding="utf-8")
    (tmp_path / "dossiers.csv").write_text("Số biên nhận\nX\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"unit\.yaml: columns: 'Số biên nhận' → 'ma_so': not a column"):
        load_dossiers(tmp_path)


def test_exports_with_different_columns_merge_by_dossier_code(tmp_path):
    folder = tmp_path / "merged"
    (folder / "dossiers").mkdir(parents=True)
    with_fields = ["Mã hồ sơ,Tên thủ tục,Lĩnh vực,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Kết quả xử lý"]
    with_fields += [",".join([i, p, f, rec, due, res, out]) for i, p, f, rec, due, res, out, ch in DOSSIERS]
    with_channels = ["Mã hồ sơ,Ngày tiếp nhận,Hình thức nộp"]
    with_channels += [",".join([i, rec, CHANNEL_VI[ch]]) for i, p, f, rec, due, res, out, ch in DOSSIERS]
    (folder / "dossiers" / "a-linh-vuc.csv").write_text("\n".join(with_fields) + "\n", encoding="utf-8")
    (folder / "dossiers" / "b-kenh.csv").write_text("\n".join(with_channels) + "\n", encoding="utf-8")
    data = load_dossiers(folder)
    assert len(data.dossiers) == len(DOSSIERS) and data.duplicates_dropped == len(DOSSIERS)
    assert figures(folder) == figures(canonical_folder(tmp_path))


def test_without_a_channel_the_report_runs_and_says_so(tmp_path):
    folder = tmp_path / "no-channel"
    folder.mkdir()
    lines = ["Mã hồ sơ,Tên thủ tục,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Kết quả xử lý"]
    lines += [",".join([i, p, rec, due, res, out]) for i, p, f, rec, due, res, out, ch in DOSSIERS]
    (folder / "dossiers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    catalogue = {p: f for _, p, f, *_ in DOSSIERS}
    (folder / "procedures.csv").write_text(
        "procedure,field,legal_days\n" + "\n".join(f"{p},{f},1" for p, f in catalogue.items()) + "\n", encoding="utf-8")
    data = load_dossiers(folder)
    warnings = data.warnings[["file", "column", "problem_en"]].values.tolist()
    assert ["dossiers.csv", S.CHANNEL, "the export has no channel column: online and direct counts are shown "
            "as unknown"] in warnings
    assert ["dossiers.csv", S.FIELD, "the export has no field column: taken from the procedure catalogue where it "
            "names the procedure"] in warnings
    got = figures(folder)
    want = figures(canonical_folder(tmp_path))
    assert got["dossiers"]["total"]["received_online"] is None and got["kpis"]["online_rate"] is None
    assert sorted(got["dossiers"]["by_field"]) == sorted(want["dossiers"]["by_field"])  # fields from the catalogue
    for key in ("received_total", "resolved_total", "resolved_late", "pending_overdue"):
        assert got["dossiers"]["total"][key] == want["dossiers"]["total"][key]


def test_inspect_tells_what_was_understood(tmp_path, capsys):
    _, path = shape_folder(tmp_path, "thanh_hoa_html")
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"format: {HTML_TABLE}" in out
    assert "header: row 4 of the file" in out
    assert "Chủ hồ sơ" in out and "→ personal data: never read" in out
    assert "Mới đăng ký → not_received" in out and "Đang xử lý → in_process" in out
    assert "group (dòng nhóm theo cơ quan): 2 (rows 5, 12)" in out
    assert "not received (hồ sơ chưa được tiếp nhận (Mới đăng ký)): 1 (rows 17)" in out
    assert "HS-001" in out
    for value in PERSONAL.values():
        assert value not in out


@pytest.mark.notebook
def test_personal_data_reaches_no_output(tmp_path):
    root = tmp_path / "data"
    root.mkdir()
    folder = root / "xa-thu"
    (folder / "dossiers").mkdir(parents=True)
    for shape in SHAPES.values():
        if shape is not two_level_xlsx:  # the three shapes that carry personal columns, read together
            shape(folder / "dossiers")
    out = tmp_path / "out"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cchc"), "report", "2023-Q1", "--data", str(folder), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    inspect = subprocess.run([str(Path(sys.executable).parent / "cchc"), "inspect",
                              str(folder / "dossiers" / "Danh sách hồ sơ 5-3-2024 9-7.xls")],
                             capture_output=True, text=True, check=True)
    validate = subprocess.run([str(Path(sys.executable).parent / "cchc"), "validate", "--data", str(folder)],
                              capture_output=True, text=True, check=False)
    texts = {"stdout/stderr": result.stdout + result.stderr + inspect.stdout + validate.stdout + validate.stderr}
    for path in out.rglob("*"):
        if path.is_file():
            texts[path.name] = file_text(path)  # a PDF's text, a Word or Excel file's XML parts
    assert {f"2023-Q1.{s}" for s in ("html", "pdf", "docx", "xlsx", "json")} | {"index.html"} <= set(texts)
    summary = json.loads(texts["2023-Q1.json"])
    assert summary["dossiers"]["total"]["received_total"] > 0
    planted = [*PERSONAL.values(), "Cắm Mốc", "cam.moc@example.vn"]
    for name, text in texts.items():
        for value in planted:
            assert value not in text, (name, value)
