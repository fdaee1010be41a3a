"""Reading a unit's data folder: ``unit.yaml`` and the dossier exports.

A data folder holds:

- ``unit.yaml`` (optional): ``name``, ``province``, ``district``, ``slug``;
- the dossier exports: ``dossiers.csv``, ``dossiers.xlsx``, or a folder ``dossiers/``
  of several ``.csv`` / ``.xlsx`` files, read and concatenated;
- ``plan/`` (optional): the reform plan's files.

Only the columns the analysis knows (:mod:`cchc_lib.schema`) are read from an export;
any other column, personal data included, is never loaded. Each row keeps its origin
(file name and the row number the analyst sees in the file) for error messages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from . import schema as S
from .errors import DataError

UNIT_FILE = "unit.yaml"
PLAN_DIR = "plan"
_DOSSIER_SUFFIXES = (".csv", ".xlsx")
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)
PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem_vi", "problem_en"]


@dataclass(frozen=True)
class Unit:
    """The reporting unit (a commune) whose data folder is read."""

    name: str
    slug: str
    province: str = ""
    district: str = ""


def slugify(text: str) -> str:
    """An ASCII file-name form of a Vietnamese name.

    >>> slugify("Xã Hoằng Giang")
    'xa-hoang-giang'
    >>> slugify("Đông Sơn")
    'dong-son'
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "unit"


def read_unit(data_dir: Path, name: str = "") -> Unit:
    """The unit described by ``data_dir/unit.yaml``; ``name`` overrides its display name.

    Without ``unit.yaml`` the folder's name is the unit's name.
    """
    info: dict = {}
    path = data_dir / UNIT_FILE
    if path.exists():
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise DataError(f"{path}: not a valid UTF-8 YAML file: {exc}".splitlines()[0]) from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise DataError(f"{path}: expected keys such as 'name:' and 'province:', found {type(loaded).__name__}")
        info = loaded or {}
    display = unicodedata.normalize("NFC", str(name or info.get("name") or data_dir.resolve().name))
    return Unit(
        name=display,
        slug=slugify(str(info.get("slug") or display)),
        province=str(info.get("province") or ""),
        district=str(info.get("district") or ""),
    )


def find_dossier_files(data_dir: Path) -> list[Path]:
    """The dossier exports of a data folder, in a stable order."""
    files = [data_dir / f"dossiers{suffix}" for suffix in _DOSSIER_SUFFIXES]
    files = [f for f in files if f.is_file()]
    folder = data_dir / "dossiers"
    if folder.is_dir():
        files += sorted(
            f for f in folder.iterdir() if f.suffix.lower() in _DOSSIER_SUFFIXES and not f.name.startswith(("~$", "."))
        )
    return files


def has_plan(data_dir: Path) -> bool:
    """Whether the data folder holds the plan's files."""
    plan = data_dir / PLAN_DIR
    return plan.is_dir() and any(plan.iterdir())


def _read_table(path: Path) -> pd.DataFrame:
    """One export as text cells (Excel dates stay datetimes), known columns only."""

    def wanted(header: object) -> bool:
        return S.canonical_column(str(header)) is not None

    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig", usecols=wanted
            )
        return pd.read_excel(path, dtype=object, usecols=wanted, engine="openpyxl")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the export as CSV UTF-8"
        ) from exc
    except (ValueError, OSError, KeyError) as exc:
        raise DataError(f"{path}: cannot be read: {exc}") from exc


def parse_dates(values: pd.Series) -> pd.Series:
    """Day-first dates and date-times (ISO, dd/mm/yyyy, dd/mm/yyyy HH:MM, Excel dates) to datetimes.

    Empty cells become NaT; a cell that matches no form becomes NaT too (callers
    compare with the empty cells to find the bad ones).

    >>> parse_dates(pd.Series(["05/03/2023", "2023-03-06", "07/03/2023 15:30", ""])).dt.strftime("%d/%m %H:%M").tolist()
    ['05/03 00:00', '06/03 00:00', '07/03 15:30', nan]
    """
    native = pd.to_datetime(values.where(values.map(lambda v: hasattr(v, "year"))), errors="coerce")
    text = values.map(lambda v: "" if v is None or hasattr(v, "year") else str(v).strip())
    result = native.astype("datetime64[ns]")
    for fmt in _DATE_FORMATS:
        missing = result.isna() & (text != "")
        if not missing.any():
            break
        parsed = pd.to_datetime(text[missing], format=fmt, errors="coerce")
        result = result.where(~missing, parsed.reindex(result.index))
    return result


def _problem(file: str, row: object, column: str, value: object, vi: str, en: str) -> dict:
    return dict(zip(PROBLEM_COLUMNS, (file, row, column, value, vi, en)))


def read_dossiers(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All dossier exports of ``data_dir`` as one canonical frame, and the problems found.

    The frame has every column of :data:`schema.DOSSIER_COLUMNS` (missing optional
    ones empty) plus ``source_file`` and ``source_row``; date columns are datetimes.
    """
    files = find_dossier_files(data_dir)
    problems: list[dict] = []
    if not files:
        problems.append(
            _problem(
                str(data_dir), "", "", "",
                "Không tìm thấy tệp hồ sơ (dossiers.csv, dossiers.xlsx hoặc thư mục dossiers/)",
                "no dossier export found (dossiers.csv, dossiers.xlsx or a folder dossiers/)",
            )
        )
    frames = []
    lacking: dict[str, set[str]] = {column: set() for column in S.REQUIRED_COLUMNS}
    for path in files:
        raw = _read_table(path)
        raw.columns = [S.canonical_column(str(c)) for c in raw.columns]
        for column in S.REQUIRED_COLUMNS:
            if column not in raw.columns:
                lacking[column].add(path.name)
                problems.append(
                    _problem(path.name, 1, column, "", "Thiếu cột bắt buộc", "required column missing")
                )
        frame = raw.reindex(columns=list(S.DOSSIER_COLUMNS)).assign(
            **{S.SOURCE_FILE: path.name, S.SOURCE_ROW: range(2, len(raw) + 2)}
        )
        frames.append(frame)
    if not frames:
        empty = pd.DataFrame(columns=[*S.DOSSIER_COLUMNS, S.SOURCE_FILE, S.SOURCE_ROW])
        return empty, pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    dossiers = pd.concat(frames, ignore_index=True)
    text_columns = [c for c in S.DOSSIER_COLUMNS if c not in S.DATE_COLUMNS]
    dossiers[text_columns] = dossiers[text_columns].apply(
        lambda col: col.map(lambda v: "" if pd.isna(v) else unicodedata.normalize("NFC", str(v).strip()))
    )
    for column in S.DATE_COLUMNS:
        raw_values = dossiers[column]
        parsed = parse_dates(raw_values)
        given = raw_values.map(lambda v: not (v is None or (isinstance(v, float) and pd.isna(v)) or str(v).strip() == ""))
        for idx in dossiers.index[given & parsed.isna()]:
            problems.append(
                _problem(
                    dossiers.at[idx, S.SOURCE_FILE], int(dossiers.at[idx, S.SOURCE_ROW]), column, str(raw_values[idx]),
                    "Ngày không đọc được (dùng dd/mm/yyyy)", "date not understood (use dd/mm/yyyy)",
                )
            )
        if column in S.REQUIRED_COLUMNS:
            for idx in dossiers.index[~given & ~dossiers[S.SOURCE_FILE].isin(lacking[column])]:
                problems.append(
                    _problem(dossiers.at[idx, S.SOURCE_FILE], int(dossiers.at[idx, S.SOURCE_ROW]), column, "",
                             "Thiếu ngày bắt buộc", "required date missing")
                )
        dossiers[column] = parsed
    no_id = (dossiers[S.DOSSIER_ID] == "") & ~dossiers[S.SOURCE_FILE].isin(lacking[S.DOSSIER_ID])
    for idx in dossiers.index[no_id]:
        problems.append(
            _problem(dossiers.at[idx, S.SOURCE_FILE], int(dossiers.at[idx, S.SOURCE_ROW]), S.DOSSIER_ID, "",
                     "Thiếu mã hồ sơ", "dossier id missing")
        )
    return dossiers, pd.DataFrame(problems, columns=PROBLEM_COLUMNS)


def format_problems(problems: pd.DataFrame, limit: int | None = None) -> str:
    """The problems table as text, one line a problem: file, row, column, value, what is wrong."""
    shown = problems if limit is None else problems.head(limit)
    lines = [
        f"{p.file}, dòng/row {p.row}, cột/column {p.column or '-'}: {p.value!r}: {p.problem_vi} / {p.problem_en}"
        for p in shown.itertuples(index=False)
    ]
    if limit is not None and len(problems) > limit:
        lines.append(f"… and {len(problems) - limit} more (run 'cchc validate')")
    return "\n".join(lines)


def load_dossiers(data_dir: Path) -> pd.DataFrame:
    """The canonical dossier frame of ``data_dir``; raises :class:`DataError` listing every problem."""
    dossiers, problems = read_dossiers(data_dir)
    if len(problems):
        raise DataError(f"{len(problems)} problem(s) in the dossier data:\n{format_problems(problems, limit=20)}")
    return dossiers
