"""Reading a unit's data folder: ``unit.yaml`` and the dossier exports.

A data folder holds:

- ``unit.yaml`` (optional): ``name``, ``province``, ``district``, ``slug``, ``dossier_sheet``, and
  what the official report's header, signature and template need (:class:`DocumentInfo`);
- the dossier exports: ``dossiers.csv``, ``dossiers.xlsx``, or a folder ``dossiers/``
  of several ``.csv`` / ``.xlsx`` files, read and concatenated;
- ``procedures.csv`` (optional): the procedure catalogue (field, legal processing time);
- ``plan/`` (optional): the reform plan's files.

Only the columns the analysis knows (:mod:`cchc_lib.inputs.schema`) are read from an export;
any other column, personal data included, is never loaded. Each row keeps its origin
(file name and the row number the analyst sees in the file) for error messages.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..base.errors import DataError

# the problems table lives in cchc_lib.base.problems; these names stay importable from here
from ..base.problems import (  # noqa: F401
    ERROR,
    PROBLEM_COLUMNS,
    WARNING,
    ProblemError,
    format_problems,
    load_yaml,
    problem,
    problem_table,
    row_check,
    schema_problems,
)
from . import schema as S
from .columns import fold_key
from .confine import MISSING, OUTSIDE, confinement_problems, data_file, present, refusal
from .exports import ExportMapping, ExportReading, read_export, read_table

UNIT_FILE = "unit.yaml"
_DOSSIER_SUFFIXES = (".csv", ".xlsx", ".xls", ".html", ".htm")
_problem = problem  # the former name of cchc_lib.base.problems.problem


@dataclass(frozen=True)
class DocumentInfo:
    """What ``unit.yaml`` says of the unit as the author of an official report (docs/report.md, "The
    official report"); every key is optional."""

    authority: str = ""  # authority: the issuing body's line of the header ("Ủy ban nhân dân")
    place: str = ""  # place: the place of the date line ("Hoằng Giang, ngày … tháng … năm …")
    report_number: str = ""  # report_number: the number after "Số: " ("…/BC-UBND" left to fill)
    recipients: tuple[str, ...] = ()  # recipients: the "Nơi nhận" list
    signer: str = ""  # signer: the name under the signature
    signer_title: str = ""  # signer_title: "Chủ tịch", "Phó Chủ tịch"
    signer_on_behalf: str = ""  # signer_on_behalf: "TM. Ủy ban nhân dân", "KT. Chủ tịch"
    report_template: str = ""  # report_template: a Word template of the office's own, in the data folder
    template_path: Path | None = None  # report_template resolved in the data folder


_DOCUMENT_TEXT_KEYS = ("authority", "place", "report_number", "signer", "signer_title", "signer_on_behalf",
                       "report_template")


def read_document_info(info: dict, data_dir: Path, where: str) -> DocumentInfo:
    """The report-author keys of ``unit.yaml`` (``info``), checked: texts are texts, the
    recipients a list of texts, the template a ``.docx`` file of the data folder."""
    values: dict = {}
    for key in _DOCUMENT_TEXT_KEYS:
        value = info.get(key)
        if value is None:
            continue
        if isinstance(value, dict | list):
            raise DataError(f"{where}: '{key}:' must be one text, found a {type(value).__name__}")
        values[key] = unicodedata.normalize("NFC", str(value).strip())
    recipients = info.get("recipients")
    if recipients is not None:
        if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
            raise DataError(f"{where}: 'recipients:' must be a list of texts, one per line of \"Nơi nhận\"")
        values["recipients"] = tuple(unicodedata.normalize("NFC", str(r).strip()) for r in recipients)
    template = values.get("report_template")
    if template:
        # a regular file inside the data folder, links followed (docs/data.md, "The data folder")
        why = refusal(data_dir, data_dir / template)
        if why is not None and why != MISSING:
            hint = ": put the Word template in the data folder and name it from there" if why == OUTSIDE else ""
            found = problem(UNIT_FILE, None, "report_template", template, f"Mẫu Word {template} {why[0]}", why[1])
            raise ProblemError(problem_table([found]), UNIT_FILE,
                               headline=f"{where}: 'report_template: {template}': {why[1]}{hint}")
        path = (data_dir / template).resolve()  # links followed: where the file really is
        if Path(template).suffix.lower() != ".docx" or path.suffix.lower() != ".docx":
            raise DataError(f"{where}: 'report_template: {template}' must be a Word file (.docx)")
        if why is not None:
            raise DataError(f"{where}: 'report_template: {template}': no such file in {data_dir}")
        values["template_path"] = path
    return DocumentInfo(**values)


@dataclass(frozen=True)
class Unit:
    """The reporting unit (a commune) whose data folder is read."""

    name: str
    slug: str
    province: str = ""
    district: str = ""
    dossier_sheet: str = ""  # the XLSX sheet holding the dossiers; default: the first
    mapping: ExportMapping = field(default_factory=ExportMapping)  # unit.yaml's columns: and values:
    document: DocumentInfo = field(default_factory=DocumentInfo)  # the official report's author


SLUG_MAX = 80  # characters of a folder name made from a unit's name (docs/units.md, "One export of many communes")


def slugify(text: str) -> str:
    """An ASCII file-name form of a Vietnamese name, at most :data:`SLUG_MAX` characters.

    A longer one is cut at a word boundary and ends with 8 hexadecimal digits of the SHA-1 of
    the whole slug, so the folder name stays within every file system's limit and two long
    names sharing their first 70 characters keep different folders; a slug of
    :data:`SLUG_MAX` characters or fewer (one written in ``unit.yaml`` too) is kept as it is.

    >>> slugify("Xã Hoằng Giang")
    'xa-hoang-giang'
    >>> slugify("Đông Sơn")
    'dong-son'
    >>> slug = slugify("Bộ phận một cửa của Ủy ban nhân dân xã Hoằng Giang, huyện Nông Cống, tỉnh Thanh Hóa")
    >>> slug, len(slug), slugify(slug) == slug
    ('bo-phan-mot-cua-cua-uy-ban-nhan-dan-xa-hoang-giang-huyen-nong-cong-tinh-82fbd429', 80, True)
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "unit"
    if len(slug) <= SLUG_MAX:
        return slug
    digest = hashlib.sha1(slug.encode("ascii")).hexdigest()[:8]
    head = slug[: SLUG_MAX - len(digest)]  # room for "-" and the digest
    cut = head.rfind("-")
    head = head[:cut] if cut > len(head) // 2 else head[:-1]  # at a word boundary, unless a long word holds it
    return f"{head.rstrip('-')}-{digest}"


def read_unit(data_dir: Path, name: str = "") -> Unit:
    """The unit described by ``data_dir/unit.yaml``; ``name`` overrides its display name.

    Without ``unit.yaml`` the folder's name is the unit's name.
    """
    info: dict = {}
    path = data_dir / UNIT_FILE
    if present(path):
        # the one safe YAML reader (docs/data.md, "The data folder"): small, no anchors or aliases
        info = load_yaml(data_file(data_dir, path), UNIT_FILE)
        _check_texts(info, str(path))
    if "name" in info and not str(info["name"] or "").strip():
        raise DataError(f"{path}: name: is empty; write the unit's name (Xã …) or remove the line to use "
                        "the folder's name")
    display = unicodedata.normalize("NFC", str(name or info.get("name") or data_dir.resolve().name))
    return Unit(
        name=display,
        slug=slugify(str(info.get("slug") or display)),
        province=str(info.get("province") or ""),
        district=str(info.get("district") or ""),
        dossier_sheet=str(info.get("dossier_sheet") or ""),
        mapping=ExportMapping.from_unit(info, str(path)),
        document=read_document_info(info, data_dir, str(path)),
    )


def _check_texts(value: object, where: str, key: str = "") -> None:
    """Every text of ``unit.yaml`` free of control characters (a NUL written ``"\\0"``): each is
    printed in the documents and becomes file names; an error names the key."""
    if isinstance(value, dict):
        for k, v in value.items():
            _check_texts(v, where, f"{key}.{k}" if key else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value, start=1):
            _check_texts(v, where, f"{key}[{i}]")
    elif isinstance(value, str):
        control = next((c for c in value if ord(c) < 0x20 and c not in "\t\n\r"), None)
        if control is not None:
            raise DataError(f"{where}: {key}: holds a control character (U+{ord(control):04X}), which no "
                            "document prints; retype the value")


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


def missing_export_hint(data_dir: Path) -> tuple[str, str, str]:
    """For a data folder without a dossier export: the files that look like one under another
    name (``dossiers (1).xlsx``, ``Copy of dossiers.csv``, ``dossier.csv``, ``dossiers.ods``, a
    ``dossiers/`` file of a format not read), and what to do with each, in Vietnamese and English
    ('' when there is none)."""
    from .plan import _near_misses  # the plan folder's rule for a file saved under another name

    if not data_dir.is_dir():
        return "", "", ""
    found: list[tuple[str, str, str]] = []
    for name in dict.fromkeys(n for stem in ("dossiers", "dossier") for n in _near_misses(data_dir, stem)):
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


def read_with_aliases(
    path: Path, aliases: Callable[[str], str | None], required: tuple[str, ...]
) -> tuple[pd.DataFrame, list[dict]]:
    """A simple table (header in row 1): its known columns under their canonical names, as
    text, each row with its origin; empty rows left out."""
    _, table = read_table(path)
    header = [str(v) if pd.notna(v) else "" for v in table.iloc[0]] if len(table) else []
    targets = [aliases(h) for h in header]
    problems = [
        _problem(path.name, 1, column, "", "Thiếu cột bắt buộc", "required column missing")
        for column in required
        if column not in targets
    ]
    for target in dict.fromkeys(t for t in targets if t and targets.count(t) > 1):
        # two headers naming one thing: which one the office meant is not for the reader to guess
        named = " / ".join(repr(h) for h, t in zip(header, targets, strict=True) if t == target)
        problems.append(_problem(path.name, 1, target, named, f"Hai cột cùng là {target}: giữ lại một cột",
                                 f"two columns give {target}: keep one"))
    body = table.iloc[1:]
    body = body.loc[body.notna().any(axis=1)]
    chosen = {t: i for i, t in enumerate(targets) if t}
    frame = pd.DataFrame({t: body[i] for t, i in sorted(chosen.items(), key=lambda kv: kv[1])}, index=body.index)
    frame = frame.assign(**{S.SOURCE_FILE: path.name, S.SOURCE_ROW: (body.index + 1).astype("int64")})
    return frame.reset_index(drop=True), problems


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
            _problem(
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
                problems.append(_problem(label, header_row, column, "", "Thiếu cột bắt buộc",
                                         "required column missing"))
            else:
                vi, en = MISSING_COLUMN_WARNINGS[column]
                problems.append(_problem(label, header_row, column, "", vi, en, WARNING))
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
        found.append(_problem(label, rows[0], column, value,
                              f"Ô của cột {header!r} chứa ký tự điều khiển (NUL …), không phải chữ: đã bỏ các ký tự "
                              f"này khi đọc{also_vi}",
                              f"control characters (NUL and the like) in the cell of {header!r}: dropped, the cell "
                              f"read without them{also_en}", WARNING))
    return found


CATALOGUE_NAMES = ("procedures.csv", "procedures.xlsx")


def find_catalogue(data_dir: Path) -> Path | None:
    """The procedure catalogue of a data folder, if there is one."""
    return next((data_dir / name for name in CATALOGUE_NAMES if present(data_dir / name)), None)


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

    frame, problems = read_with_aliases(path, alias, (S.PROCEDURE, S.LEGAL_DAYS))
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
