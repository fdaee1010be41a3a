"""Reading a unit's data folder: ``unit.yaml`` and the dossier exports.

A data folder holds:

- ``unit.yaml`` (optional): ``name``, ``province``, ``district``, ``slug``, ``dossier_sheet``;
- the dossier exports: ``dossiers.csv``, ``dossiers.xlsx``, or a folder ``dossiers/``
  of several ``.csv`` / ``.xlsx`` files, read and concatenated;
- ``procedures.csv`` (optional): the procedure catalogue (field, legal processing time);
- ``plan/`` (optional): the reform plan's files.

Only the columns the analysis knows (:mod:`cchc_lib.schema`) are read from an export;
any other column, personal data included, is never loaded. Each row keeps its origin
(file name and the row number the analyst sees in the file) for error messages.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from . import schema as S
from .errors import DataError

UNIT_FILE = "unit.yaml"
PLAN_DIR = "plan"
_DOSSIER_SUFFIXES = (".csv", ".xlsx")
PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem_vi", "problem_en", "severity"]
ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Unit:
    """The reporting unit (a commune) whose data folder is read."""

    name: str
    slug: str
    province: str = ""
    district: str = ""
    dossier_sheet: str = ""  # the XLSX sheet holding the dossiers; default: the first


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
        dossier_sheet=str(info.get("dossier_sheet") or ""),
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


def _problem(file: str, row: object, column: str, value: object, vi: str, en: str, severity: str = ERROR) -> dict:
    """One row of the problems table."""
    return dict(zip(PROBLEM_COLUMNS, (file, row, column, value, vi, en, severity)))


def _guess_encoding(path: Path) -> str:
    """The encoding charset-normalizer guesses for a file that is not UTF-8, or ''."""
    from charset_normalizer import from_path

    best = from_path(path).best()
    return best.encoding if best is not None else ""


def _read_table(path: Path, wanted: Callable[[str], bool], sheet: str = "") -> pd.DataFrame:
    """One export's wanted columns as raw cells: text, and datetimes where Excel stored dates."""
    try:
        if path.suffix.lower() == ".csv":
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig", usecols=lambda h: wanted(str(h))
            )
        return pd.read_excel(
            path, sheet_name=sheet or 0, dtype=object, usecols=lambda h: wanted(str(h)), engine="openpyxl"
        )
    except UnicodeDecodeError as exc:
        guess = _guess_encoding(path)
        named = f" (it looks like {guess})" if guess else ""
        raise DataError(
            f"{path}: not UTF-8 text{named}, byte {exc.start}; save the export as CSV UTF-8"
        ) from exc
    except (ValueError, OSError, KeyError) as exc:
        raise DataError(f"{path}: cannot be read: {str(exc).splitlines()[0]}") from exc


def _cell_text(value: object) -> object:
    """A cell as NFC text without surrounding spaces; datetimes stay, empty cells become None."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return pd.Timestamp(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _read_with_aliases(
    path: Path, aliases: Callable[[str], str | None], required: tuple[str, ...], sheet: str = ""
) -> tuple[pd.DataFrame, list[dict]]:
    """Read one file's known columns under their canonical names, with each row's origin."""
    raw = _read_table(path, lambda header: aliases(header) is not None, sheet)
    raw.columns = [aliases(str(c)) for c in raw.columns]
    raw = raw.loc[:, ~raw.columns.duplicated()]
    problems = [
        _problem(path.name, 1, column, "", "Thiếu cột bắt buộc", "required column missing")
        for column in required
        if column not in raw.columns
    ]
    frame = raw.astype(object).map(_cell_text).assign(
        **{S.SOURCE_FILE: path.name, S.SOURCE_ROW: range(2, len(raw) + 2)}
    )
    return frame, problems


def read_raw_dossiers(data_dir: Path, sheet: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """All dossier exports of ``data_dir`` concatenated, cells as read (not yet typed), and the
    problems found while reading (no export, a required column missing).

    The frame has every column of :data:`schema.DOSSIER_COLUMNS` (None where a file lacks
    it) plus ``source_file`` and ``source_row``. ``sheet`` names the XLSX sheet (default: the first).
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
    for path in files:
        frame, file_problems = _read_with_aliases(path, S.canonical_column, S.REQUIRED_COLUMNS, sheet)
        problems += file_problems
        frames.append(frame)
    columns = [*S.DOSSIER_COLUMNS, S.SOURCE_FILE, S.SOURCE_ROW]
    raw = pd.concat([f.reindex(columns=columns) for f in frames], ignore_index=True) if frames else pd.DataFrame(
        columns=columns
    )
    return raw.astype(object).where(raw.notna(), None), pd.DataFrame(problems, columns=PROBLEM_COLUMNS)


CATALOGUE_NAMES = ("procedures.csv", "procedures.xlsx")


def find_catalogue(data_dir: Path) -> Path | None:
    """The procedure catalogue of a data folder, if there is one."""
    return next((data_dir / name for name in CATALOGUE_NAMES if (data_dir / name).is_file()), None)


def read_catalogue(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The procedure catalogue: ``procedure``, ``field``, ``legal_days`` (working days, 0 = same
    day; NA where not given), with a ``key`` column for matching names; and its problems."""
    path = find_catalogue(data_dir)
    columns = [*S.CATALOGUE_COLUMNS, "key", S.SOURCE_FILE, S.SOURCE_ROW]
    if path is None:
        return pd.DataFrame(columns=columns), pd.DataFrame(columns=PROBLEM_COLUMNS)

    def alias(header: str) -> str | None:
        key = S.normalize_header(header)
        return key if key in S.CATALOGUE_COLUMNS else S.CATALOGUE_HEADER_ALIASES.get(key)

    frame, problems = _read_with_aliases(path, alias, (S.PROCEDURE, S.LEGAL_DAYS))
    if problems:
        return pd.DataFrame(columns=columns), pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    frame = frame.reindex(columns=[*S.CATALOGUE_COLUMNS, S.SOURCE_FILE, S.SOURCE_ROW])
    legal = []
    for row in frame.itertuples(index=False):
        text = S.normalize_header(row.legal_days or "")
        text = text.removesuffix("ngày làm việc").removesuffix("ngày").strip()
        if S.normalize_header(row.legal_days or "") in S.SAME_DAY_WORDS:
            legal.append(0)
        elif text.isdigit():
            legal.append(int(text))
        else:
            legal.append(pd.NA)
            problems.append(
                _problem(path.name, row.source_row, S.LEGAL_DAYS, row.legal_days or "",
                         "Thời hạn không đọc được (số ngày làm việc hoặc 'trong ngày')",
                         "legal time not understood (working days, or 'trong ngày')")
            )
    frame[S.LEGAL_DAYS] = pd.array(legal, dtype="Int64")
    frame["key"] = frame[S.PROCEDURE].map(lambda v: S.normalize_header(v or ""))
    for dup in frame.loc[frame["key"].duplicated(), :].itertuples(index=False):
        problems.append(_problem(path.name, dup.source_row, S.PROCEDURE, dup.procedure,
                                 "Thủ tục có hai dòng trong danh mục", "procedure listed twice in the catalogue"))
    return frame[columns], pd.DataFrame(problems, columns=PROBLEM_COLUMNS)


def format_problems(problems: pd.DataFrame, limit: int | None = None) -> str:
    """The problems table as text, one line a problem: file, row, column, value, what is wrong."""
    shown = problems if limit is None else problems.head(limit)
    lines = [
        f"{'cảnh báo/warning: ' if p.severity == WARNING else ''}"
        f"{p.file}, dòng/row {p.row}, cột/column {p.column or '-'}: {p.value!r}: {p.problem_vi} / {p.problem_en}"
        for p in shown.itertuples(index=False)
    ]
    if limit is not None and len(problems) > limit:
        lines.append(f"… and {len(problems) - limit} more (run 'cchc validate')")
    return "\n".join(lines)
