"""Reading a unit's data folder: the dossier exports and the procedure catalogue (``unit.yaml``: :mod:`.unit`).

A data folder holds:

- ``unit.yaml`` (optional): ``name``, ``province``, ``district``, ``slug``, ``dossier_sheet``, and
  what the official report's header, signature and template need (:class:`.unit.DocumentInfo`);
- the dossier exports: ``dossiers.csv``, ``dossiers.xlsx``, or a folder ``dossiers/``
  of several ``.csv`` / ``.xlsx`` files, read and concatenated;
- ``procedures.csv`` (optional): the procedure catalogue (field, legal processing time);
- ``plan/`` (optional): the reform plan's files.

Only the columns the analysis knows (:mod:`cchc_lib.inputs.schema`) are read from an export;
any other column, personal data included, is never loaded. Each row keeps its origin
(file name and the row number the analyst sees in the file) for error messages.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..base.problems import PROBLEM_COLUMNS, WARNING, problem, problem_table, row_check, schema_problems
from . import schema as S
from .columns import fold_key
from .confine import confinement_problems
from .exports import ExportMapping, ExportReading, read_export
from .tables import find_table, read_known_columns

_DOSSIER_SUFFIXES = (".csv", ".xlsx", ".xls", ".html", ".htm")


def find_dossier_files(data_dir: Path) -> list[Path]:
    """The dossier exports of a data folder, in a stable order: ``dossiers.csv`` … and the files
    of ``dossiers/``, their names' case aside (``Dossiers.CSV``), as Windows and macOS find them
    (docs/data.md, "Dossier exports")."""
    entries = sorted(data_dir.iterdir()) if data_dir.is_dir() else []
    files = [f for suffix in _DOSSIER_SUFFIXES for f in entries
             if f.name.lower() == f"dossiers{suffix}"]  # a link or a pipe is refused when read, never passed over
    for folder in (f for f in entries if f.name.lower() == "dossiers" and f.is_dir()):
        files += sorted(
            f for f in folder.iterdir() if f.suffix.lower() in _DOSSIER_SUFFIXES and not f.name.startswith(("~$", "."))
        )
    return files


_COPY_MARKS = re.compile(r"(\s*\(\d+\)|\s*-\s*(copy|sao chép|bản sao)(\s*\(\d+\))?|^(copy of|bản sao của)\s+)",
                         re.IGNORECASE)


def near_misses(folder: Path, stem: str) -> list[str]:
    """Files of ``folder`` that look like ``stem`` saved under another name (``tasks (1).csv``,
    ``Tasks.CSV``, ``tasks - Copy.csv``, ``tasks.xls``), office lock files left out."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("~$", ".")) or not path.is_file():
            continue
        base = _COPY_MARKS.sub("", unicodedata.normalize("NFC", path.name.split(".")[0])).strip().lower()
        if base == stem:
            found.append(path.name)
    return found


def missing_export_hint(data_dir: Path) -> tuple[str, str, str]:
    """For a data folder without a dossier export: the files that look like one under another
    name (``dossiers (1).xlsx``, ``Copy of dossiers.csv``, ``dossier.csv``, ``dossiers.ods``, a
    ``dossiers/`` file of a format not read), and what to do with each, in Vietnamese and English
    ('' when there is none)."""
    if not data_dir.is_dir():
        return "", "", ""
    found: list[tuple[str, str, str]] = []
    for name in dict.fromkeys(n for stem in ("dossiers", "dossier") for n in near_misses(data_dir, stem)):
        suffix = Path(name).suffix.lower()
        target = f"dossiers{suffix}" if suffix in _DOSSIER_SUFFIXES else ""
        found.append((name, f"đổi tên thành {target}" if target else "lưu lại thành dossiers.xlsx hoặc dossiers.csv",
                      f"rename it to {target}" if target else "save it as dossiers.xlsx or dossiers.csv"))
    for folder in (f for f in sorted(data_dir.iterdir()) if f.name.lower() == "dossiers" and f.is_dir()):
        found += [(f"{folder.name}/{f.name}", "định dạng không đọc được: lưu lại thành .xlsx hoặc .csv",
                   "not a format read (.csv, .xlsx, .xls, .html): save it as .xlsx or .csv")
                  for f in sorted(folder.iterdir()) if f.is_file() and not f.name.startswith(("~$", "."))]
    if not found:
        return "", "", ""
    return (", ".join(name for name, _, _ in found),
            "".join(f"; có tệp '{name}': {vi}" for name, vi, _ in found),
            "".join(f"; found '{name}': {en}" for name, _, en in found))


MISSING_COLUMN_WARNINGS: dict[str, tuple[str, str]] = {
    S.PROCEDURE: ("Tệp không có cột tên thủ tục", "the export has no procedure column"),
    S.FIELD: ("Tệp không có cột lĩnh vực: lấy theo danh mục thủ tục (procedures.csv) nếu có",
              "the export has no field column: taken from the procedure catalogue where it names the procedure"),
    S.DUE_AT: ("Tệp không có cột ngày hẹn trả: tính theo danh mục thủ tục",
               "the export has no due date column: computed from the procedure catalogue"),
    S.RESOLVED_AT: ("Tệp không có cột ngày có kết quả", "the export has no resolution date column"),
    S.OUTCOME: ("Tệp không có cột kết quả xử lý hay trạng thái", "the export has no outcome or status column"),
    S.CHANNEL: ("Tệp không có cột hình thức nộp: số hồ sơ trực tuyến / trực tiếp ghi 'không rõ'",
                "the export has no channel column: online and direct counts are shown as unknown"),
}


def read_raw_dossiers(
    data_dir: Path, sheet: str = "", mapping: ExportMapping | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, list[ExportReading]]:
    """All dossier exports of ``data_dir`` concatenated, cells as read (not yet typed); the
    problems found while reading (no export, a required column missing: errors; an expected
    column missing: warnings); and how each export was read.

    The frame has every column of :data:`schema.DOSSIER_COLUMNS` (None where a file lacks
    it) plus ``source_file`` and ``source_row``. ``sheet`` names the workbook sheet (default:
    the first); ``mapping`` adds headers and values the project does not know.
    """
    files = find_dossier_files(data_dir)
    problems: list[dict] = []
    if not files:
        names, found_vi, found_en = missing_export_hint(data_dir)
        problems.append(
            problem(
                str(data_dir), "", "", names,
                f"Không tìm thấy tệp hồ sơ (dossiers.csv, dossiers.xlsx hoặc thư mục dossiers/){found_vi}",
                f"no dossier export found (dossiers.csv, dossiers.xlsx or a folder dossiers/){found_en}",
            )
        )
    # rows and problems name a file by its path in the data folder: dossiers.csv and
    # dossiers/dossiers.csv are two files
    refused = confinement_problems(data_dir, files)  # docs/data.md, "The data folder"
    problems += refused
    files = [f for f in files if f.relative_to(data_dir).as_posix() not in {p["file"] for p in refused}]
    readings = [read_export(path, mapping, sheet, path.relative_to(data_dir).as_posix()) for path in files]
    for reading in readings:
        header_row = reading.header_rows[0]
        label = reading.path.relative_to(data_dir).as_posix()
        for column in reading.lacking:
            if column in S.REQUIRED_COLUMNS:
                problems.append(problem(label, header_row, column, "", "Thiếu cột bắt buộc",
                                         "required column missing"))
            else:
                vi, en = MISSING_COLUMN_WARNINGS[column]
                problems.append(problem(label, header_row, column, "", vi, en, WARNING))
    for reading in readings:
        problems += cleaned_warnings(reading.path.relative_to(data_dir).as_posix(), reading)
    columns = [*S.DOSSIER_COLUMNS, S.SOURCE_FILE, S.SOURCE_ROW]
    frames = [r.frame for r in readings if len(r.frame)]
    if frames:
        raw = pd.concat(frames, ignore_index=True).reindex(columns=columns)
    else:
        raw = pd.DataFrame({c: pd.Series(dtype="str") for c in columns[:-1]} | {S.SOURCE_ROW: pd.Series(dtype="int64")})
    return raw, pd.DataFrame(problems, columns=PROBLEM_COLUMNS), readings


def cleaned_warnings(label: str, reading: ExportReading) -> list[dict]:
    """A warning per column read whose cells held control characters, dropped on reading
    (docs/data.md, "Dossier exports"): its first row named, and how many cells, which rows, in all."""
    found = []
    for column, header, rows, value in reading.cleaned:
        shown = ", ".join(map(str, rows[1:10])) + (" …" if len(rows) > 10 else "")
        also_vi = f" (cả dòng {shown}: {len(rows)} ô của cột)" if len(rows) > 1 else ""
        also_en = f" (also rows {shown}: {len(rows)} cells of the column)" if len(rows) > 1 else ""
        found.append(problem(label, rows[0], column, value,
                              f"Ô của cột {header!r} chứa ký tự điều khiển (NUL …), không phải chữ: đã bỏ các ký tự "
                              f"này khi đọc{also_vi}",
                              f"control characters (NUL and the like) in the cell of {header!r}: dropped, the cell "
                              f"read without them{also_en}", WARNING))
    return found


CATALOGUE_STEM = "procedures"


def find_catalogue(data_dir: Path) -> Path | None:
    """The procedure catalogue of a data folder (``procedures.csv``, else ``procedures.xlsx``:
    :func:`.tables.find_table`), if there is one."""
    return find_table(data_dir, CATALOGUE_STEM)


CATALOGUE_MESSAGES = {
    "legal_time_unread": (S.LEGAL_DAYS, "Thời hạn không đọc được (số ngày làm việc hoặc 'trong ngày')",
                          "legal time not understood (working days, or 'trong ngày')"),
    "legal_time_too_long": (S.LEGAL_DAYS,
                            f"Thời hạn quá {S.MAX_LEGAL_DAYS} ngày làm việc: không có thủ tục nào dài như vậy",
                            f"legal time above {S.MAX_LEGAL_DAYS} working days: no procedure takes that long"),
    "duplicate_procedure": (S.PROCEDURE, "Thủ tục có hai dòng trong danh mục",
                            "procedure listed twice in the catalogue"),
}
CATALOGUE_SCHEMA = pa.DataFrameSchema(
    checks=[
        row_check("legal_time_unread", lambda df: df[S.LEGAL_DAYS].notna() | df["__too_long"]),
        row_check("legal_time_too_long", lambda df: ~df["__too_long"]),
        row_check("duplicate_procedure", lambda df: ~df["key"].duplicated()),
    ],
    name="procedure catalogue",
)


def read_catalogue(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The procedure catalogue: ``procedure``, ``field``, ``legal_days`` (working days, 0 = same
    day; NA where not given or above :data:`schema.MAX_LEGAL_DAYS`), with a ``key`` column for
    matching names; and its problems (checked with a pandera schema, every failure at once)."""
    path = find_catalogue(data_dir)
    columns = [*S.CATALOGUE_COLUMNS, "key", S.SOURCE_FILE, S.SOURCE_ROW]
    if path is None:
        return pd.DataFrame(columns=columns), problem_table()
    refused = confinement_problems(data_dir, [path])  # docs/data.md, "The data folder"
    if refused:
        return pd.DataFrame(columns=columns), problem_table(refused)

    def alias(header: str) -> str | None:
        key = S.normalize_header(header)
        return key if key in S.CATALOGUE_COLUMNS else S.CATALOGUE_HEADER_ALIASES.get(key)

    table = read_known_columns(path, alias, (S.PROCEDURE, S.LEGAL_DAYS))
    frame, problems = table.frame, table.problems
    if problems:
        return pd.DataFrame(columns=columns), problem_table(problems)
    frame = frame.reindex(columns=[*S.CATALOGUE_COLUMNS, S.SOURCE_FILE, S.SOURCE_ROW])
    written = frame.copy()
    given = fold_key(frame[S.LEGAL_DAYS])
    text = given.str.replace(r"(ngày làm việc|ngày)$", "", regex=True).str.strip()
    digits = text.str.fullmatch(r"\d{1,9}").fillna(False).astype(bool)
    legal = pd.to_numeric(text.where(digits), errors="coerce").astype("Int64")
    legal = legal.mask(given.isin(S.SAME_DAY_WORDS).fillna(False).astype(bool), 0)
    too_long = (legal > S.MAX_LEGAL_DAYS).fillna(False).astype(bool)
    # an absurd legal time is named, and never used: no due date is computed from it
    frame[S.LEGAL_DAYS] = legal.mask(too_long)
    frame["key"] = fold_key(frame[S.PROCEDURE]).fillna("")
    found = schema_problems(CATALOGUE_SCHEMA, frame.assign(__too_long=too_long.to_numpy()), CATALOGUE_MESSAGES,
                            values=written)
    return frame[columns], found.sort_values(["row", "column"], kind="stable").reset_index(drop=True)
