"""Hostile dossier exports: each is read right (delimiters, title rows, a paginated HTML download)
or refused before any notebook starts, naming the file (and row and column where there is one),
saying what to do, leaving the earlier report as it was and showing no personal value."""

from __future__ import annotations

import csv
import html
import os
from pathlib import Path

import openpyxl
import pytest
import yaml

from cchc_lib.base.errors import DataError
from cchc_lib.inputs import schema as S
from cchc_lib.inputs.exports import ExportMapping, read_export

from .support import PERSONAL, assert_no_personal, assert_refused, assert_unchanged, cchc, make_data, snapshot


def planted(data: Path) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the planted ``dossiers.csv`` (personal columns included)."""
    with (data / "dossiers.csv").open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    return table[0], table[1:]


def replace_export(data: Path, name: str, content: bytes | str) -> Path:
    """The data folder's export replaced by ``name`` holding ``content``."""
    (data / "dossiers.csv").unlink()
    path = data / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def write_csv(path: Path, rows: list[list[str]], delimiter: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows(rows)


def html_table(rows: list[list[str]], header: list[str] | None) -> str:
    cells = lambda tag, values: "<tr>" + "".join(f"<{tag}>{html.escape(v)}</{tag}>" for v in values) + "</tr>"  # noqa: E731
    head = cells("th", header) if header else ""
    return f"<table>{head}{''.join(cells('td', r) for r in rows)}</table>"


def html_export(tables: list[str]) -> str:
    return ('<html><head><meta charset="utf-8"></head><body><p>DANH SÁCH HỒ SƠ</p>'
            + "<br/>".join(tables) + "</body></html>")


def rows_read(run) -> int:
    line = next(line for line in run.stdout.splitlines() if line.startswith("rows read:"))
    return int(line.split(":")[1].split(";")[0])


def refused_report(data: Path, earlier: Path, **expected) -> None:
    """``cchc report`` refuses the data folder before any notebook: exit 1, the message naming
    what ``expected`` says, the earlier report untouched, no personal value shown."""
    before = snapshot(earlier)
    run = cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json", timeout=120)
    assert_refused(run, **expected)
    assert_unchanged(before, earlier)
    assert_no_personal(run, earlier)
    return run


# --- read right ---------------------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "named"), [(";", "semicolon"), ("\t", "tab")])
def test_a_csv_with_semicolons_or_tabs_is_read_right(data, delimiter, named):
    header, rows = planted(data)
    write_csv(data / "dossiers.csv", [header, *rows], delimiter)
    run = cchc("inspect", data / "dossiers.csv")
    assert run.status == 0, run.text
    assert f"format: CSV ({named}-separated)" in run.stdout and rows_read(run) == len(rows) == 400
    assert cchc("validate", "--data", data).status == 0
    assert_no_personal(run)


@pytest.mark.parametrize("delimiter", [";", ","])
def test_a_title_row_with_fewer_fields_above_the_header_is_skipped(data, delimiter):
    header, rows = planted(data)
    title = [["DANH SÁCH HỒ SƠ TIẾP NHẬN"], ["Từ ngày 15/12/2022 đến ngày 14/03/2023", ""], []]
    write_csv(data / "dossiers.csv", [*title, header, *rows], delimiter)
    run = cchc("inspect", data / "dossiers.csv")
    assert run.status == 0, run.text
    assert "header: row 4 of the file" in run.stdout and rows_read(run) == len(rows)
    validate = cchc("validate", "--data", data)
    assert validate.status == 0, validate.text
    reading = read_export(data / "dossiers.csv")
    assert reading.frame[S.SOURCE_ROW].iloc[0] == 5 and reading.frame[S.DOSSIER_ID].iloc[0] == rows[0][0]


def test_an_html_export_of_two_tables_is_read_whole(tmp_path):
    data = make_data(tmp_path / "xa-thu", rows=2000)
    header, rows = planted(data)
    replace_export(data, "dossiers.xls", html_export([html_table(rows[:1300], header),
                                                       html_table(rows[1300:], header)]))
    run = cchc("inspect", data / "dossiers.xls")
    assert run.status == 0, run.text
    assert rows_read(run) == 2000 and "table 2: rows 1302–2002" in run.stdout
    validate = cchc("validate", "--data", data)
    assert validate.status == 0, validate.text
    frame = read_export(data / "dossiers.xls").frame
    assert len(frame) == 2000 and frame[S.DOSSIER_ID].tolist() == [r[0] for r in rows]
    # table 2's header is row 1302 of the file: its first dossier is row 1303
    assert frame[S.SOURCE_ROW].iloc[1300] == 1303
    assert_no_personal(run, validate)


# --- refused --------------------------------------------------------------------------------


def test_a_second_table_without_its_header_is_refused(data, earlier):
    header, rows = planted(data)
    replace_export(data, "dossiers.xls", html_export([html_table(rows[:300], header), html_table(rows[300:], None)]))
    refused_report(data, earlier, file="dossiers.xls", says=("table 2", "no header row"))


def test_an_html_row_missing_its_first_cell_is_refused(data, earlier):
    header, rows = planted(data)
    note = header.index("apology_at")
    rows = [[*r[:note], ""] + r[note + 1:] for r in rows]
    rows[9] = rows[9][1:]  # the row of the 10th dossier lost its first cell: every value one column left
    replace_export(data, "dossiers.xls", html_export([html_table(rows, header)]))
    run = refused_report(data, earlier, file="dossiers.xls", row=11, says=("cell(s) where the header (row 1)",))
    assert "apology_at" not in run.stderr


def test_an_html_dossier_row_merging_cells_is_refused_never_making_a_code_up(data, earlier):
    header, rows = planted(data)
    header = ["STT", *header]
    rows = [[str(n), *r] for n, r in enumerate(rows, 1)]
    table = html_table(rows, header)
    merged = "<tr><td>" + html.escape(rows[4][0]) + "</td>"  # the 5th dossier: STT spread over its code
    assert merged in table
    spread = f'<tr><td colspan="2">{html.escape(rows[4][0])}</td>'
    table = table.replace(merged + "<td>" + html.escape(rows[4][1]) + "</td>", spread, 1)
    assert spread in table
    replace_export(data, "dossiers.xls", html_export([table]))
    refused_report(data, earlier, file="dossiers.xls", row=6, says=("merges cells across columns (colspan)",))


def test_a_csv_row_with_a_field_too_many_is_refused(data, earlier):
    header, rows = planted(data)
    rows[4] = [rows[4][0], "", *rows[4][1:]]
    write_csv(data / "dossiers.csv", [header, *rows], ",")
    refused_report(data, earlier, file="dossiers.csv", row=6, says=("one too many",))


@pytest.mark.parametrize(("column", "first", "second"), [("received_at", "Ngày tiếp nhận", "Ngày nhận hồ sơ"),
                                                     ("dossier_id", "Mã hồ sơ", "Mã hồ sơ")])
def test_two_headers_giving_one_column_are_refused(data, earlier, column, first, second):
    header, rows = planted(data)
    at = header.index(column)
    write_csv(data / "dossiers.csv", [[first if h == column else h for h in header] + [second],
                                      *[[*r, r[at]] for r in rows]], ",")
    refused_report(data, earlier, file="dossiers.csv", row=1, column=first,
                   says=(f"{second!r} (column Q)", "both give", "ignored"))


def test_an_empty_file_is_refused(data, earlier):
    replace_export(data, "dossiers.csv", b"")
    refused_report(data, earlier, file="dossiers.csv", says=("empty (0 bytes)",))


def test_a_header_without_rows_is_refused(data, earlier):
    header, _ = planted(data)
    write_csv(data / "dossiers.csv", [header], ",")
    refused_report(data, earlier, file="dossiers.csv", row=1, says=("no dossier row",))


def test_random_bytes_named_xlsx_are_refused(data, earlier):
    replace_export(data, "dossiers.xlsx", os.urandom(20_000))
    refused_report(data, earlier, file="dossiers.xlsx", says=("not an Excel workbook", "download it again"))


def xlsx_of(data: Path, path: Path, sheets: dict[str, bool]) -> Path:
    """A workbook of the planted dossiers: each sheet holding them (True) or a cover (False)."""
    header, rows = planted(data)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, dossiers in sheets.items():
        ws = book.create_sheet(name)
        if dossiers:
            ws.append(header)
            for r in rows:
                ws.append(r)
        else:
            ws.append(["BÁO CÁO TÌNH HÌNH GIẢI QUYẾT TTHC"])
            ws.append(["Đơn vị: Xã Thử"])
    book.save(path)
    return path


def test_a_truncated_xlsx_is_refused(data, earlier):
    whole = xlsx_of(data, data / "whole.xlsx", {"Danh sách": True}).read_bytes()
    (data / "whole.xlsx").unlink()
    replace_export(data, "dossiers.xlsx", whole[: len(whole) // 2])
    refused_report(data, earlier, file="dossiers.xlsx", says=("damaged or incomplete", "download the export again"))


@pytest.mark.parametrize("marked", [True, False])
def test_a_password_protected_xlsx_is_refused(data, earlier, marked):
    # an encrypted workbook is an OLE2 compound file holding the streams EncryptionInfo and EncryptedPackage
    body = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088) + os.urandom(8192))
    if marked:
        body[1024:1024 + 32] = "EncryptedPackage".encode("utf-16-le")
    replace_export(data, "dossiers.xlsx", bytes(body))
    refused_report(data, earlier, file="dossiers.xlsx", says=("protected by a password", "remove the password"))


@pytest.mark.parametrize("ole", [False, True])
def test_garbage_named_xls_is_refused(data, earlier, ole):
    content = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) if ole else b"") + os.urandom(12_000)
    replace_export(data, "dossiers.xls", content)
    refused_report(data, earlier, file="dossiers.xls",
                   says=("damaged or cut short",) if ole else ("not an Excel workbook",))


def test_dossiers_on_another_sheet_are_refused_naming_the_sheet(data, earlier):
    xlsx_of(data, data / "dossiers.xlsx", {"Bìa": False, "Sheet2": True})
    (data / "dossiers.csv").unlink()
    refused_report(data, earlier, file="dossiers.xlsx",
                   says=("appear to be on sheet 'Sheet2'", "dossier_sheet: Sheet2", "unit.yaml"))
    (data / "unit.yaml").write_text((data / "unit.yaml").read_text(encoding="utf-8") + "dossier_sheet: Sheet2\n",
                                    encoding="utf-8")
    run = cchc("validate", "--data", data)
    assert run.status == 0, run.text


YAML_LISTS = {
    "list as a column": ("columns:\n  Số biên nhận: [dossier_id]\n", ("columns: 'Số biên nhận'", "a list")),
    "list under columns": ("columns:\n  - Số biên nhận\n", ("'columns:' must be a mapping", "a list")),
    "list under values": ("values:\n  - status\n", ("'values:' must be a mapping", "a list")),
    "list as values": ("values:\n  status: [Xong, resolved]\n", ("values: 'status'", "a list")),
    "list as a value": ("values:\n  status:\n    Xong: [resolved]\n", ("values: status: 'Xong'", "a list")),
}


@pytest.mark.parametrize("case", ["list as a column", "list under values"])
def test_a_list_in_unit_yaml_mapping_is_refused(data, earlier, case):
    yaml_text, says = YAML_LISTS[case]
    (data / "unit.yaml").write_text((data / "unit.yaml").read_text(encoding="utf-8") + yaml_text, encoding="utf-8")
    refused_report(data, earlier, file="unit.yaml", says=says)


@pytest.mark.parametrize("case", sorted(YAML_LISTS))
def test_every_non_mapping_in_unit_yaml_is_named(case):
    yaml_text, says = YAML_LISTS[case]
    with pytest.raises(DataError) as refused:
        ExportMapping.from_unit(yaml.safe_load(yaml_text), "xa-thu/unit.yaml")
    assert str(refused.value).startswith("xa-thu/unit.yaml: ") and all(text in str(refused.value) for text in says)


@pytest.mark.parametrize(("name", "content", "says"), [
    ("dossiers.csv", b"", "empty (0 bytes)"),
    ("dossiers.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), "protected by a password"),
    ("dossiers.xls", bytes(range(256)) * 40, "not an Excel workbook"),
])
def test_inspect_refuses_the_same_files_clearly(data, name, content, says):
    path = replace_export(data, name, content)
    run = cchc("inspect", path)
    assert_refused(run, file=name, says=(says,))
    assert_no_personal(run)
    assert PERSONAL  # the planted folder is the one checked
