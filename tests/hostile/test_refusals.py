"""Hostile cells and names of the dossier exports: control characters in a cell, a cell of
megabytes, a byte that is not UTF-8, an export saved under a name that is almost the one read.
Each is read (a cell changed on reading named in a warning: file, row, column) or refused
naming the file, the row and the column; refused cases run ``cchc report 2023-Q1 --format json``
(refused before any notebook starts), leaving the earlier report as it was and showing no
personal value."""

from __future__ import annotations

import csv
import html
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from cchc_lib import build_summary, check_parameters, load_dossiers, load_plan
from cchc_lib.base.errors import ParameterError
from cchc_lib.inputs import schema as S
from cchc_lib.inputs.exports import MAX_CELL_CHARS, read_export
from cchc_lib.inputs.ingest import read_raw_dossiers
from cchc_lib.running.units import find_units

from .support import PERSONAL, assert_no_personal, cchc, make_data
from .test_reading import (
    html_export,
    html_table,
    planted,
    refused_report,
    replace_export,
    rows_read,
    write_csv,
    xlsx_of,
)

ROW = 6  # the row of the file spoiled: the 5th dossier under the header
MARK = "QQMARKQQ"  # where a workbook's cell gets its escaped control characters


def spoiled(data: Path, column: str, value) -> tuple[list[str], list[list[str]], str]:
    """The planted header and rows, the cell of ``column`` in :data:`ROW` given ``value(cell)``;
    and the cell as it was."""
    header, rows = planted(data)
    at = header.index(column)
    was = rows[ROW - 2][at]
    rows[ROW - 2][at] = value(was)
    return header, rows, was


def png() -> bytes:
    """A small real PNG image."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    pixels = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(96)) for y in range(32))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 32, 32, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))


def warning_lines(run) -> list[str]:
    return [line for line in run.stdout.splitlines() if "control characters" in line]


# --- control characters in a cell ---------------------------------------------------------------


def write_spoiled(data: Path, shape: str, controls: str) -> tuple[str, str]:
    """The export rewritten as ``shape`` with ``controls`` inside the procedure name of
    :data:`ROW`: its file name, and the name as it was."""
    inside = lambda name: name[:5] + (MARK if shape == "xlsx" else controls) + name[5:]  # noqa: E731
    header, rows, was = spoiled(data, "procedure", inside)
    if shape == "csv":
        write_csv(data / "dossiers.csv", [header, *rows], ",")
        return "dossiers.csv", was
    if shape == "html":
        # html_table escapes the cells: an entity is written as such
        table = html_table(rows, header).replace(html.escape(controls), controls)
        replace_export(data, "dossiers.xls", html_export([table]))
        return "dossiers.xls", was
    # a workbook carries control characters as escapes (_x0000_) in its XML
    write_csv(data / "dossiers.csv", [header, *rows], ",")
    source = xlsx_of(data, data / "book.xlsx", {"Danh sách": True})
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name).replace(MARK.encode(), controls.encode()) for name in archive.namelist()}
    source.unlink()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    replace_export(data, "dossiers.xlsx", buffer.getvalue())
    return "dossiers.xlsx", was


@pytest.mark.parametrize(("shape", "controls"), [
    ("csv", "\x00\x00\x00"),
    ("csv", "\x0b\x1b"),
    ("xlsx", "_x0000__x000B__x0001_"),
    ("html", "\x00\x00"),
    ("html", "&#11;"),
])
def test_control_characters_in_a_cell_read_are_dropped_with_a_warning(data, shape, controls):
    name, was = write_spoiled(data, shape, controls)
    run = cchc("validate", "--data", data)
    assert run.status == 0 and "Traceback" not in run.text, run.text
    lines = warning_lines(run)
    assert len(lines) == 1, run.stdout
    assert lines[0].startswith(f"cảnh báo/warning: {name}, dòng/row {ROW}, cột/column procedure: {was!r}"), lines
    inspect = cchc("inspect", data / name)
    assert inspect.status == 0, inspect.text
    assert f"control characters dropped: 'procedure' (procedure), rows {ROW}" in inspect.stdout, inspect.stdout
    # the cell read as it was before the control characters got in
    frame = read_export(data / name).frame
    assert frame.loc[frame[S.SOURCE_ROW] == ROW, S.PROCEDURE].item() == was
    assert_no_personal(run, inspect)


def test_the_warning_reaches_the_reports_data_quality(data):
    write_spoiled(data, "csv", "\x00\x00\x00")
    ctx = check_parameters("2023-Q1", "decree09", str(data))
    summary = build_summary(ctx, load_dossiers(ctx.data_dir), load_plan(ctx.data_dir))
    found = [w for w in summary["data_quality"]["warning_list"] if "control characters" in w["problem_en"]]
    assert [(w["file"], w["row"], w["column"]) for w in found] == [("dossiers.csv", ROW, "procedure")]
    assert_no_personal(str(summary))


def test_a_header_holding_control_characters_is_read_without_them(data):
    header, rows = planted(data)
    header[header.index("procedure")] = "Tên thủ\x00 tục"
    write_csv(data / "dossiers.csv", [header, *rows], ",")
    reading = read_export(data / "dossiers.csv")
    assert ("Tên thủ tục", S.PROCEDURE) in reading.columns
    assert reading.frame[S.PROCEDURE].tolist() == [r[1] for r in rows]


@pytest.mark.parametrize("column", ["Địa chỉ", "Ghi chú"])
def test_control_characters_in_a_column_never_read_do_not_matter(data, column):
    header, rows = planted(data)
    if column not in header:  # a column the project does not know
        header, rows = [*header, column], [[*r, "ghi chú"] for r in rows]
    at = header.index(column)
    rows[ROW - 2][at] = rows[ROW - 2][at][:3] + "\x00\x00\x00" + rows[ROW - 2][at][3:]
    write_csv(data / "dossiers.csv", [header, *rows], ",")
    run = cchc("validate", "--data", data)
    assert run.status == 0 and not warning_lines(run), run.text
    inspect = cchc("inspect", data / "dossiers.csv")
    assert inspect.status == 0 and rows_read(inspect) == len(rows) and "control characters" not in inspect.stdout
    assert_no_personal(run, inspect)


@pytest.mark.parametrize("name", ["procedures.csv", "plan/tasks.csv"])
def test_a_control_character_in_a_file_read_whole_is_refused_naming_row_and_column(data, earlier, name):
    path = data / name
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[2][0] = rows[2][0][:3] + "\x0b" + rows[2][0][3:]  # row 3, its first cell
    write_csv(path, rows, ",")
    refused_report(data, earlier, file=name, row=3, says=("row 3, column A", "control character (U+000B)"))


@pytest.mark.parametrize(("content", "says"), [
    (png(), "binary content that is neither an Excel workbook nor text"),
    (None, "a zip archive, not an Excel workbook"),
])
def test_a_binary_file_named_csv_is_still_refused(data, earlier, content, says):
    if content is None:  # the export itself, zipped, then named .csv
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("dossiers.csv", (data / "dossiers.csv").read_bytes())
        content = buffer.getvalue()
    replace_export(data, "dossiers.csv", content)
    refused_report(data, earlier, file="dossiers.csv", says=(says,))


# --- a cell of megabytes --------------------------------------------------------------------------

BIG = 20_000_000


@pytest.mark.parametrize(("column", "title"), [("Địa chỉ", False), ("Ghi chú", True)])
def test_a_cell_of_megabytes_in_a_column_never_read_is_read_past(data, column, title):
    header, rows = planted(data)
    if column not in header:
        header, rows = [*header, column], [[*r, ""] for r in rows]
    rows[ROW - 2][header.index(column)] = "x" * BIG
    # a title line above the header: rows of unequal widths, read by the other reader
    write_csv(data / "dossiers.csv", [*([["DANH SÁCH HỒ SƠ"]] if title else []), header, *rows], ",")
    run = cchc("inspect", data / "dossiers.csv")
    assert run.status == 0, run.text[-2000:]
    assert rows_read(run) == len(rows) and "x" * 100 not in run.text
    validate = cchc("validate", "--data", data)
    assert validate.status == 0, validate.text[-2000:]
    assert_no_personal(run, validate)


def test_a_cell_of_megabytes_in_a_column_read_is_refused_naming_row_and_column(data, earlier):
    header, rows, _ = spoiled(data, "procedure", lambda name: name * (BIG // len(name)))
    write_csv(data / "dossiers.csv", [header, *rows], ",")
    length = len(rows[ROW - 2][header.index("procedure")])
    assert length > MAX_CELL_CHARS
    run = refused_report(data, earlier, file="dossiers.csv", row=ROW, column="procedure",
                         says=("column B ('procedure'", f"{length:,} characters"))
    assert rows[ROW - 2][header.index("procedure")][:50] not in run.text


# --- a byte that is not UTF-8 ---------------------------------------------------------------------


def test_a_byte_not_utf8_is_refused_naming_row_and_column(data, earlier):
    header, rows, _ = spoiled(data, "field", lambda field: MARK + field)
    write_csv(data / "dossiers.csv", [header, *rows], ",")
    text = (data / "dossiers.csv").read_bytes()
    replace_export(data, "dossiers.csv", text.replace(MARK.encode(), b"\xe0"))
    refused_report(data, earlier, file="dossiers.csv", row=ROW, says=("not UTF-8 text", f"row {ROW}, column C"))


# --- names almost the one read ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "target"), [
    ("dossiers (1).xlsx", "dossiers.xlsx"),
    ("dossiers - Copy.csv", "dossiers.csv"),
    ("dossier.csv", "dossiers.csv"),
])
def test_an_export_saved_under_a_near_miss_name_is_named_with_what_to_do(data, earlier, name, target):
    if name.endswith(".xlsx"):
        xlsx_of(data, data / name, {"Danh sách": True})
        (data / "dossiers.csv").unlink()
    else:
        (data / "dossiers.csv").rename(data / name)
    refused_report(data, earlier, file=name, says=(f"found '{name}': rename it to {target}",))
    run = cchc("validate", "--data", data)
    assert run.status == 1 and f"found '{name}': rename it to {target}" in run.stdout, run.text
    # done as told, the export is read
    (data / name).rename(data / target)
    assert cchc("validate", "--data", data).status == 0
    assert_no_personal(run)


def test_files_in_the_exports_folder_of_a_format_not_read_are_named(data, earlier):
    (data / "dossiers").mkdir()
    (data / "dossiers.csv").rename(data / "dossiers" / "2023-q1.ods")
    (data / "dossiers.txt").write_text("ghi chú", encoding="utf-8")
    run = refused_report(data, earlier, file="dossiers/2023-q1.ods",
                         says=("found 'dossiers/2023-q1.ods': not a format read",
                               "found 'dossiers.txt': save it as dossiers.xlsx or dossiers.csv"))
    assert run.stderr.count("found '") == 2


def test_a_unit_folder_whose_export_has_a_near_miss_name_is_a_unit_that_says_what_to_rename(tmp_path):
    root = tmp_path / "units"
    make_data(root / "xa-mot")
    make_data(root / "xa-hai")
    (root / "xa-hai" / "dossiers.csv").rename(root / "xa-hai" / "dossiers (1).csv")
    assert [f.name for f in find_units(root)] == ["xa-hai", "xa-mot"]
    with pytest.raises(ParameterError) as refused:
        check_parameters("2023-Q1", "decree09", str(root / "xa-hai"))
    assert "found 'dossiers (1).csv': rename it to dossiers.csv" in str(refused.value)
    assert_no_personal(str(refused.value))


@pytest.mark.parametrize("name", ["Dossiers.CSV", "DOSSIERS.csv", "dossiers.Csv"])
def test_an_export_named_in_another_case_is_read(data, name):
    (data / "dossiers.csv").rename(data / name)
    run = cchc("validate", "--data", data)
    assert run.status == 0, run.text
    raw, problems, _ = read_raw_dossiers(data)
    assert len(raw) == 400 and set(raw[S.SOURCE_FILE]) == {name} and not (problems["severity"] == "error").any()
    assert_no_personal(run)
    assert PERSONAL
