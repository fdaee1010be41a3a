"""The input rules for dossiers, checked once where data enters, every failure at once.

:func:`load_dossiers` reads a data folder's exports (:mod:`cchc_lib.ingest`), types the cells
(dates, vocabularies), drops rows repeated identically across exports, fills due dates from
the procedure catalogue, and checks the rules with pandera (``lazy=True``): every failure
becomes a row of one problems table (file, row as numbered in the file, column, value, what
is wrong in Vietnamese and English, severity).

Errors: required columns and values; unique dossier ids (a dossier repeated with different
content); known values; dates that parse; received ≤ resolved; received ≤ due; a finished
outcome has a date and a date has an outcome (refused may have either); a due date, given
or computable from the catalogue, for every dossier that needs one.

Warnings (suspicious but possible): an apology letter on a dossier finished before its due
date; a due date more than :data:`FAR_DUE_SLACK` working days beyond the procedure's legal time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from . import schema as S
from .errors import DataError
from .exports import ExportReading
from .ingest import (
    ERROR,
    PROBLEM_COLUMNS,
    UNIT_FILE,
    WARNING,
    find_catalogue,
    find_dossier_files,
    format_problems,
    read_catalogue,
    read_raw_dossiers,
    read_unit,
)
from .plan import load_plan
from .workdays import due_date, working_days_between

FAR_DUE_SLACK = 10  # working days beyond the legal time before a due date looks wrong
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)

# check name -> (column it concerns, Vietnamese, English)
MESSAGES: dict[str, tuple[str | None, str, str]] = {
    "not_nullable": (None, "Thiếu giá trị bắt buộc", "required value missing"),
    "field_uniqueness": (S.DOSSIER_ID, "Mã hồ sơ trùng với dòng khác có nội dung khác",
                         "same dossier id as another row with different content"),
    "isin": (None, "Giá trị không thuộc danh mục", "unknown value"),
    "date_format": (None, "Ngày không đọc được (dùng dd/mm/yyyy)", "date not understood (use dd/mm/yyyy)"),
    "resolved_before_received": (S.RESOLVED_AT, "Ngày có kết quả trước ngày tiếp nhận",
                                 "resolved before it was received"),
    "due_before_received": (S.DUE_AT, "Ngày hẹn trả trước ngày tiếp nhận", "due before it was received"),
    "finished_without_date": (S.RESOLVED_AT, "Đã có kết quả xử lý nhưng thiếu ngày có kết quả",
                              "finished outcome without a date"),
    "date_without_outcome": (S.OUTCOME, "Có ngày có kết quả nhưng thiếu kết quả xử lý",
                             "resolution date without an outcome"),
    "due_unknown": (S.DUE_AT, "Thiếu ngày hẹn trả và danh mục thủ tục không có thời hạn",
                    "no due date, and the catalogue gives no legal time for the procedure"),
    "apology_not_late": (S.APOLOGY_AT, "Có thư xin lỗi nhưng hồ sơ giải quyết trước hạn",
                         "apology letter on a dossier finished before its due date"),
    "due_far_beyond_legal": (S.DUE_AT, f"Ngày hẹn trả quá thời hạn luật định hơn {FAR_DUE_SLACK} ngày làm việc",
                             f"due date more than {FAR_DUE_SLACK} working days beyond the legal time"),
}
VOCABULARY_COLUMNS = tuple(S.VOCABULARIES)
NEEDS_NO_DUE = (S.REFUSED, S.WITHDRAWN, S.RETURNED)


@dataclass(frozen=True)
class DossierData:
    """The dossiers of a data folder, typed and checked, and what the checks found.

    ``dossiers`` holds the rows the figures count; ``problems`` every error and warning;
    ``excluded`` the (file, row) of rows left out for an error (with ``skip_invalid``).
    """

    dossiers: pd.DataFrame
    problems: pd.DataFrame
    excluded: pd.DataFrame
    duplicates_dropped: int
    exports: list[dict] = field(default_factory=list)  # how each export was read

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems.loc[self.problems["severity"] == ERROR]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.problems.loc[self.problems["severity"] == WARNING]


def parse_date_cell(value: object) -> object:
    """A date cell as a Timestamp; None when empty; the text itself when no form matches.

    >>> parse_date_cell("07/03/2023 15:30"), parse_date_cell("2023-03-06"), parse_date_cell("31/02/2023")
    (Timestamp('2023-03-07 15:30:00'), Timestamp('2023-03-06 00:00:00'), '31/02/2023')
    """
    if value is None or isinstance(value, pd.Timestamp):
        return value
    text = str(value)
    for fmt in _DATE_FORMATS:
        try:
            return pd.Timestamp(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    return text


def _as_day(values: pd.Series) -> pd.Series:
    """Timestamps of a typed date column as midnight datetimes; NaT for empty or unparsed cells."""
    stamps = values.map(lambda v: v if isinstance(v, pd.Timestamp) else pd.NaT)
    return pd.to_datetime(stamps).dt.normalize()


def type_dossiers(raw: pd.DataFrame) -> pd.DataFrame:
    """Raw cells to typed ones: dates parsed (unparsed text kept for the checks), vocabularies
    mapped to canonical values (unknown text kept for the checks)."""
    typed = raw.copy()
    for column in S.DATE_COLUMNS:
        typed[column] = raw[column].map(parse_date_cell).astype(object)
    for column in VOCABULARY_COLUMNS:
        typed[column] = raw[column].map(lambda v, c=column: None if v is None else S.canonical_value(c, str(v)))
    for column in (S.DOSSIER_ID, S.PROCEDURE, S.FIELD):
        typed[column] = raw[column].map(lambda v: None if v is None else str(v))
    return typed


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NaT


def merge_rows(typed: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows of the same dossier (same code) from several exports become one: each column takes
    the value the rows give (one export may give the field, another the channel; dates are
    compared as calendar dates, as the figures use them). Rows that give different values for
    a column are kept apart, for the uniqueness check to name them.
    Returns the rows and how many were merged away."""
    ids = typed[S.DOSSIER_ID]
    repeated = ids.notna() & ids.duplicated(keep=False)
    if not repeated.any():
        return typed, 0
    merged, kept_apart = [], []
    for _, group in typed.loc[repeated].groupby(S.DOSSIER_ID, sort=False):
        row = group.iloc[0].copy()
        for column in S.DOSSIER_COLUMNS:
            values = [v for v in group[column] if _given(v)]
            if len({v.date() if isinstance(v, pd.Timestamp) else str(v) for v in values}) > 1:
                kept_apart.append(group)
                break
            if values:
                row[column] = values[0]
        else:
            merged.append(row.to_frame().T)
    result = pd.concat([typed.loc[~repeated], *merged, *kept_apart]).sort_index()
    return result.astype(object).where(result.notna(), None), int(len(typed) - len(result))


def fill_from_catalogue(typed: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """What the procedure catalogue gives where the exports do not: the field of a named
    procedure, and the due date from its legal time (kept in ``legal_days``)."""
    fields = {k: f for k, f in zip(catalogue["key"], catalogue[S.FIELD]) if f}
    keys = typed[S.PROCEDURE].map(lambda v: S.normalize_header(v or ""))
    typed = typed.assign(**{S.FIELD: [f if _given(f) else fields.get(k) for f, k in zip(typed[S.FIELD], keys)]})
    legal = dict(zip(catalogue["key"], catalogue[S.LEGAL_DAYS]))
    legal_days = pd.array([legal.get(k, pd.NA) for k in keys], dtype="Int64")
    received = typed[S.RECEIVED_AT]
    missing = typed[S.DUE_AT].isna() & received.map(lambda v: isinstance(v, pd.Timestamp)) & ~pd.isna(legal_days)
    computed = [
        pd.Timestamp(due_date(received[i].to_pydatetime(), int(days))) if need else due
        for i, need, days, due in zip(typed.index, missing, legal_days, typed[S.DUE_AT])
    ]
    return typed.assign(**{S.DUE_AT: pd.Series(computed, index=typed.index, dtype=object),
                           S.LEGAL_DAYS: legal_days, S.DUE_COMPUTED: missing.to_numpy()})


def _date_column(required: bool = False) -> pa.Column:
    return pa.Column(
        checks=pa.Check(lambda v: not isinstance(v, str), element_wise=True, name="date_format"),
        nullable=not required,
    )


def _row_check(name: str, passes) -> pa.Check:
    return pa.Check(lambda df: passes(df), name=name)


def _resolved_before_received(df: pd.DataFrame) -> pd.Series:
    return ~(_as_day(df[S.RESOLVED_AT]) < _as_day(df[S.RECEIVED_AT]))


def _due_before_received(df: pd.DataFrame) -> pd.Series:
    return ~(_as_day(df[S.DUE_AT]) < _as_day(df[S.RECEIVED_AT]))


def _finished_without_date(df: pd.DataFrame) -> pd.Series:
    return ~(df[S.OUTCOME].isin(S.FINISHED_OUTCOMES) & df[S.RESOLVED_AT].isna())


def _date_without_outcome(df: pd.DataFrame) -> pd.Series:
    return ~(df[S.RESOLVED_AT].notna() & df[S.OUTCOME].isna())


def _due_unknown(df: pd.DataFrame) -> pd.Series:
    return ~(df[S.DUE_AT].isna() & ~df[S.OUTCOME].isin(NEEDS_NO_DUE))


def _apology_not_late(df: pd.DataFrame) -> pd.Series:
    resolved = _as_day(df[S.RESOLVED_AT])
    return ~(df[S.APOLOGY_AT].notna() & df[S.OUTCOME].eq(S.RESOLVED) & (resolved < _as_day(df[S.DUE_AT])))


def _due_far_beyond_legal(df: pd.DataFrame) -> pd.Series:
    flags = []
    for received, due, legal in zip(df[S.RECEIVED_AT], df[S.DUE_AT], df[S.LEGAL_DAYS]):
        if not (isinstance(received, pd.Timestamp) and isinstance(due, pd.Timestamp)) or pd.isna(legal):
            flags.append(True)
            continue
        legal_due = due_date(received.to_pydatetime(), int(legal))
        flags.append(working_days_between(legal_due, due.date()) <= FAR_DUE_SLACK)
    return pd.Series(flags, index=df.index)


ERROR_SCHEMA = pa.DataFrameSchema(
    {
        S.DOSSIER_ID: pa.Column(nullable=False, unique=True, report_duplicates="all"),
        S.RECEIVED_AT: _date_column(required=True),
        S.DUE_AT: _date_column(),
        S.RESOLVED_AT: _date_column(),
        S.APOLOGY_AT: _date_column(),
        **{
            column: pa.Column(checks=pa.Check.isin(S.VOCABULARIES[column]), nullable=True)
            for column in VOCABULARY_COLUMNS
        },
    },
    checks=[
        _row_check("resolved_before_received", _resolved_before_received),
        _row_check("due_before_received", _due_before_received),
        _row_check("finished_without_date", _finished_without_date),
        _row_check("date_without_outcome", _date_without_outcome),
        _row_check("due_unknown", _due_unknown),
    ],
    name="dossiers",
)
WARNING_SCHEMA = pa.DataFrameSchema(
    checks=[
        _row_check("apology_not_late", _apology_not_late),
        _row_check("due_far_beyond_legal", _due_far_beyond_legal),
    ],
    name="dossier warnings",
)


def _failures(schema: pa.DataFrameSchema, typed: pd.DataFrame, raw: pd.DataFrame, severity: str) -> list[dict]:
    """Run ``schema`` lazily and turn its failure cases into problem rows, in the file's terms."""
    try:
        schema.validate(typed, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    problems = []
    for case in cases.itertuples(index=False):
        name = str(case.check).split("(")[0]
        if name not in MESSAGES or pd.isna(case.index):
            raise DataError(f"unexpected check failure {case.check!r} on column {case.column!r}")
        fixed_column, vi, en = MESSAGES[name]
        column = fixed_column or str(case.column)
        idx = int(case.index)
        value = raw.at[idx, column] if column in raw.columns else None
        problems.append(dict(zip(PROBLEM_COLUMNS, (
            typed.at[idx, S.SOURCE_FILE], int(typed.at[idx, S.SOURCE_ROW]), column,
            "" if value is None else str(value), vi, en, severity,
        ))))
    return problems


def _unknown_channels(typed: pd.DataFrame, lacking_channel: set[str]) -> list[dict]:
    """A warning for each dossier whose export has a channel column left empty (a whole export
    without one is warned about once, when it is read)."""
    empty = typed[S.CHANNEL].isna() & ~typed[S.SOURCE_FILE].isin(lacking_channel)
    return [
        dict(zip(PROBLEM_COLUMNS, (f, int(r), S.CHANNEL, "", "Không ghi hình thức nộp: tính là 'không rõ'",
                                   "channel not given: counted as unknown", WARNING)))
        for f, r in zip(typed.loc[empty, S.SOURCE_FILE], typed.loc[empty, S.SOURCE_ROW])
    ]


def check_dossiers(
    raw: pd.DataFrame, catalogue: pd.DataFrame, lacking_channel: set[str] = frozenset()
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Type, de-duplicate and check raw dossier rows.

    Returns the typed rows (with ``legal_days`` and ``due_computed``), the problems table
    (errors and warnings) and the number of rows merged into another of the same dossier.
    """
    typed, repeated = merge_rows(type_dossiers(raw))
    typed = fill_from_catalogue(typed, catalogue)
    problems = _failures(ERROR_SCHEMA, typed, raw, ERROR) + _failures(WARNING_SCHEMA, typed, raw, WARNING)
    problems += _unknown_channels(typed, set(lacking_channel))
    table = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    table = table.drop_duplicates().sort_values(["severity", "file", "row", "column"], kind="stable")
    return typed, table.reset_index(drop=True), repeated


def finalize_dossiers(typed: pd.DataFrame) -> pd.DataFrame:
    """Checked rows with final dtypes: datetimes, booleans for ``e_result``, text elsewhere."""
    result = typed.copy()
    for column in S.DATE_COLUMNS:
        result[column] = pd.to_datetime(result[column].map(lambda v: v if isinstance(v, pd.Timestamp) else pd.NaT))
    result[S.E_RESULT] = result[S.E_RESULT].map({"true": True, "false": False}).astype("boolean")
    return result.reset_index(drop=True)


def load_dossiers(data_dir: Path, skip_invalid: bool = False) -> DossierData:
    """Read and check the dossiers of ``data_dir``.

    On errors, raises :class:`DataError` listing them, unless ``skip_invalid``: then the
    rows with an error are left out and listed in ``excluded``. Warnings never stop a report.

    The result is kept for the process while the input files keep their size and time of
    change, so a batch of periods reads and checks the data once; treat it as read-only.
    """
    folder = Path(data_dir).resolve()
    return _load_checked(_input_signature(folder), folder, skip_invalid)


def _input_signature(data_dir: Path) -> tuple:
    files = [data_dir / UNIT_FILE, *find_dossier_files(data_dir), find_catalogue(data_dir)]
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files if f is not None and f.is_file())


@lru_cache(maxsize=4)
def _load_checked(signature: tuple, data_dir: Path, skip_invalid: bool) -> DossierData:
    unit = read_unit(data_dir)
    raw, read_problems, readings = read_raw_dossiers(data_dir, unit.dossier_sheet, unit.mapping)
    catalogue, catalogue_problems = read_catalogue(data_dir)
    file_problems = pd.concat([read_problems, catalogue_problems], ignore_index=True)
    file_errors = file_problems.loc[file_problems["severity"] == ERROR]
    if len(file_errors):
        # missing files, columns or a broken catalogue: no row can be trusted
        raise DataError(f"{len(file_errors)} problem(s) in the input files:\n{format_problems(file_errors, 20)}")
    typed, problems, repeated = check_dossiers(raw, catalogue, _lacking_channel(readings))
    problems = pd.concat([file_problems, problems], ignore_index=True)
    errors = problems.loc[problems["severity"] == ERROR]
    if len(errors) and not skip_invalid:
        raise DataError(f"{len(errors)} problem(s) in the dossier data:\n{format_problems(errors, 20)}")
    bad = set(zip(errors["file"], errors["row"]))
    keep = [(f, r) not in bad for f, r in zip(typed[S.SOURCE_FILE], typed[S.SOURCE_ROW])]
    excluded = errors.groupby(["file", "row"], sort=True, as_index=False).agg(
        column=("column", ", ".join), problem_vi=("problem_vi", "; ".join), problem_en=("problem_en", "; ".join)
    )
    return DossierData(finalize_dossiers(typed.loc[keep]), problems, excluded, repeated,
                       [_export_summary(r) for r in readings])


def _lacking_channel(readings: list[ExportReading]) -> set[str]:
    return {r.frame[S.SOURCE_FILE].iloc[0] for r in readings if S.CHANNEL in r.lacking and len(r.frame)}


def _export_summary(reading: ExportReading) -> dict:
    dropped: dict[str, int] = {}
    for _, reason in reading.dropped:
        dropped[reason] = dropped.get(reason, 0) + 1
    name = reading.frame[S.SOURCE_FILE].iloc[0] if len(reading.frame) else reading.path.name
    return {"file": name, "format": reading.format, "header_rows": list(reading.header_rows),
            "rows": int(len(reading.frame)), "dropped": dropped, "lacking": list(reading.lacking)}


def validate_data(data_dir: Path) -> pd.DataFrame:
    """Every problem of a data folder's inputs (files, catalogue, dossier rows, plan files)."""
    data_dir = Path(data_dir)
    unit = read_unit(data_dir)
    raw, read_problems, readings = read_raw_dossiers(data_dir, unit.dossier_sheet, unit.mapping)
    catalogue, catalogue_problems = read_catalogue(data_dir)
    readable = not (read_problems["severity"] == ERROR).any()
    _, problems, _ = check_dossiers(raw, catalogue, _lacking_channel(readings)) if readable else (None, None, 0)
    parts = [read_problems, catalogue_problems] + ([problems] if problems is not None else [])
    plan = load_plan(data_dir, strict=False)
    if plan is not None:
        parts.append(plan.problems)
    return pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
