"""The input rules for dossiers, checked once where data enters, every failure at once.

:func:`load_dossiers` reads a data folder's exports (:mod:`cchc_lib.inputs.ingest`), types the cells
(dates, vocabularies), drops rows repeated identically across exports, fills due dates from
the procedure catalogue, and checks the rules with pandera (``lazy=True``): every failure
becomes a row of one problems table (file, row as numbered in the file, column, value, what
is wrong in Vietnamese and English, severity).

Errors: required columns and values; unique dossier ids (a dossier repeated with different
content); known values; dates that parse; dates that can be right (not before 01/01/2000;
received, resolved and apology dates not after the day the report is made, due dates at most
two years after it: :func:`cchc_lib.inputs.schema.latest_date`); received ≤ resolved; received ≤ due;
a finished outcome has a date and a date has an outcome (refused may have either); a due date,
given or computable from the catalogue, for every dossier that needs one.

Procedure and field names are written one way per folded key (docs/data.md, "Dossier exports"): the
catalogue's spelling, else the one the data uses most.

Warnings (suspicious but possible): an apology letter on a dossier finished before its due
date; a due date more than :data:`FAR_DUE_SLACK` working days beyond the procedure's legal time.
The warnings of the plan's header (:mod:`cchc_lib.inputs.plan_header`: a plan naming another unit, a
decision number left as "...") concern every report of the folder: they are listed with the
dossiers' problems, so each report's data-quality notes name them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..base.problems import (
    ERROR,
    WARNING,
    concat_problems,
    problem_table,
    raise_errors,
    row_check,
    schema_problems,
)
from ..base.workdays import due_dates, working_days_between_days
from . import schema as S
from .cache import file_signature
from .columns import fold_key, map_values, normalize_text, one_spelling, parse_dates
from .exports import ExportReading
from .ingest import find_catalogue, find_dossier_files, read_catalogue, read_raw_dossiers
from .plan_header import HEADER_FILE, check_plan_header
from .unit import UNIT_FILE, read_unit

FAR_DUE_SLACK = 10  # working days beyond the legal time before a due date looks wrong
UNPARSED = "__unparsed"  # suffix of the typed frame's columns holding a date cell's text that is not a date
DUPLICATE = "__duplicate"  # flag of the typed frame: another row has the same code and other content

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
    "date_too_early": (None, f"Ngày trước {S.EARLIEST_DATE:%d/%m/%Y} (khi chưa có hệ thống một cửa): không thể đúng",
                       f"date before {S.EARLIEST_DATE:%d/%m/%Y} (before one-stop systems existed): cannot be right"),
    "date_after_today": (None, "Ngày sau ngày lập báo cáo: không thể đúng",
                         "date after the day the report is made: cannot be right"),
    "due_too_far": (S.DUE_AT, "Ngày hẹn trả quá 2 năm sau ngày lập báo cáo: không thể đúng",
                    "due date more than two years after the day the report is made: cannot be right"),
}
VOCABULARY_COLUMNS = tuple(S.VOCABULARIES)
NEEDS_NO_DUE = (S.REFUSED, S.WITHDRAWN, S.RETURNED)
CATEGORICAL_COLUMNS = (S.PROCEDURE, S.FIELD, S.OUTCOME, S.CHANNEL, S.ONLINE_LEVEL, S.SATISFACTION, S.PAYMENT,
                       S.SOURCE_FILE)


@dataclass(frozen=True)
class DossierData:
    """The dossiers of a data folder, typed and checked, and what the checks found.

    ``dossiers`` holds the rows the figures count; ``problems`` every error and warning (with
    the warnings of the plan's header, :func:`cchc_lib.inputs.plan_header.check_plan_header`);
    ``excluded`` the (file, row) of rows left out for an error (with ``skip_invalid``).
    """

    dossiers: pd.DataFrame
    problems: pd.DataFrame
    excluded: pd.DataFrame
    duplicates_dropped: int
    exports: list[dict] = field(default_factory=list)  # how each export was read
    # column -> the exports (with rows) that do not give it (docs/figures.md, "The figures")
    lacking: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems.loc[self.problems["severity"] == ERROR]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.problems.loc[self.problems["severity"] == WARNING]


def one_spelling_per_name(typed: pd.DataFrame, catalogue: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Procedure and field names written one way per folded key (NFC, case and spaces aside):
    the catalogue's spelling where it names the procedure or the field, else the spelling the
    data uses most. Returns the dossiers and the catalogue, its fields spelled the same way."""
    catalogue = catalogue.copy()
    if len(catalogue):
        catalogue[S.FIELD] = one_spelling(catalogue[S.FIELD].astype(object))
    procedures = dict(zip(catalogue["key"], catalogue[S.PROCEDURE].astype(object), strict=False))
    fields = catalogue[S.FIELD].dropna()
    field_names = dict(zip(fold_key(fields), fields, strict=False))
    return typed.assign(**{
        S.PROCEDURE: one_spelling(typed[S.PROCEDURE], procedures),
        S.FIELD: one_spelling(typed[S.FIELD], field_names),
    }), catalogue


def type_dossiers(raw: pd.DataFrame) -> pd.DataFrame:
    """Raw cells to typed ones, a whole column at a time: dates parsed (NaT where empty or not
    a date, its text kept in ``<column>__unparsed`` for the checks to name the cell), vocabularies
    mapped to canonical values (unknown text kept for the checks)."""
    typed = raw.copy()
    for column in S.DATE_COLUMNS:
        typed[column], unparsed = parse_dates(raw[column])
        typed[column + UNPARSED] = raw[column].where(unparsed)
    for column in VOCABULARY_COLUMNS:
        typed[column] = map_values(fold_key(raw[column]), S.VALUE_ALIASES[column], "str").fillna(raw[column])
    return typed


def merge_rows(typed: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows of the same dossier (same code) from several exports become one: each column takes
    the value the rows give (one export may give the field, another the channel; dates are
    compared as calendar dates, as the figures use them). Rows that give different values for
    a column are kept apart, for the checks to name them.
    Returns the rows and how many were merged away."""
    ids = typed[S.DOSSIER_ID]
    repeated = ids.notna() & ids.duplicated(keep=False)
    if not repeated.any():
        return typed.assign(**{DUPLICATE: False}), 0
    group = typed.loc[repeated]
    by_id = group[S.DOSSIER_ID]
    conflict = pd.Series(False, index=pd.Index(by_id.unique()))
    for column in S.DOSSIER_COLUMNS:
        values = group[column]
        if column in S.DATE_COLUMNS:  # the calendar day, or the text that is not a date
            days = values.dt.normalize()
            values = days.astype("str").where(days.notna()).fillna(group[column + UNPARSED])
        conflict |= values.groupby(by_id, sort=False).nunique() > 1
    apart = by_id.map(conflict).astype(bool)
    joined = group.loc[~apart]
    merged = joined.groupby(S.DOSSIER_ID, sort=False, as_index=False).first()
    merged.index = joined.groupby(S.DOSSIER_ID, sort=False).head(1).index
    result = pd.concat([typed.loc[~repeated], merged[typed.columns], group.loc[apart]]).sort_index()
    result = result.astype(typed.dtypes.to_dict())
    return result.assign(**{DUPLICATE: result.index.isin(group.index[apart.to_numpy()])}), int(len(typed) - len(result))


def fill_from_catalogue(typed: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """What the procedure catalogue gives where the exports do not: the field of a named
    procedure, and the due date from its legal time (kept in ``legal_days``)."""
    keys = fold_key(typed[S.PROCEDURE])
    named = catalogue.loc[catalogue[S.FIELD].notna() & (catalogue[S.FIELD] != "")]
    fields = map_values(keys, dict(zip(named["key"], named[S.FIELD], strict=False)), "str")
    legal_days = map_values(keys, dict(zip(catalogue["key"], catalogue[S.LEGAL_DAYS], strict=False)), "Int64")
    # only from a date that can be right: the working-day calendar is never asked about 1800 or 2300
    missing = (typed[S.DUE_AT].isna() & typed[S.DUE_AT + UNPARSED].isna() & _plausible(typed, S.RECEIVED_AT)
               & legal_days.notna())
    computed = due_dates(typed[S.RECEIVED_AT].where(missing), legal_days.where(missing))
    return typed.assign(**{S.FIELD: typed[S.FIELD].fillna(fields), S.DUE_AT: typed[S.DUE_AT].fillna(computed),
                           S.LEGAL_DAYS: legal_days, S.DUE_COMPUTED: missing.to_numpy()})


_row_check = row_check


def _plausible(df: pd.DataFrame, column: str, today: dt.date | None = None) -> pd.Series:
    """Dates given and inside the window of dates that can be right (docs/checks.md, "Checks")."""
    day = _day(df, column)
    return day.notna() & (day >= pd.Timestamp(S.EARLIEST_DATE)) & (day <= pd.Timestamp(S.latest_date(column, today)))


def _date_window(column: str, today: dt.date) -> list[pa.Check]:
    """A date before 01/01/2000, or after the latest day the column may hold, is an error."""
    latest = pd.Timestamp(S.latest_date(column, today))
    late = "due_too_far" if column == S.DUE_AT else f"date_after_today:{column}"
    return [
        _row_check(f"date_too_early:{column}", lambda df: ~(_day(df, column) < pd.Timestamp(S.EARLIEST_DATE))),
        _row_check(late, lambda df: ~(_day(df, column) > latest)),
    ]


def _date_format(column: str) -> pa.Check:
    return _row_check(f"date_format:{column}", lambda df: df[column + UNPARSED].isna())


def _day(df: pd.DataFrame, column: str) -> pd.Series:
    return df[column].dt.normalize()


def _received_missing(df: pd.DataFrame) -> pd.Series:
    return df[S.RECEIVED_AT].notna() | df[S.RECEIVED_AT + UNPARSED].notna()


def _resolved_before_received(df: pd.DataFrame) -> pd.Series:
    return ~(_day(df, S.RESOLVED_AT) < _day(df, S.RECEIVED_AT))


def _due_before_received(df: pd.DataFrame) -> pd.Series:
    return ~(_day(df, S.DUE_AT) < _day(df, S.RECEIVED_AT))


def _given(df: pd.DataFrame, column: str) -> pd.Series:
    """A date given: parsed, or written but not a date (which the format check names)."""
    return df[column].notna() | df[column + UNPARSED].notna()


def _finished_without_date(df: pd.DataFrame) -> pd.Series:
    return ~(df[S.OUTCOME].isin(S.FINISHED_OUTCOMES) & ~_given(df, S.RESOLVED_AT))


def _date_without_outcome(df: pd.DataFrame) -> pd.Series:
    return ~(_given(df, S.RESOLVED_AT) & df[S.OUTCOME].isna())


def _due_unknown(df: pd.DataFrame) -> pd.Series:
    return ~(~_given(df, S.DUE_AT) & ~df[S.OUTCOME].isin(NEEDS_NO_DUE))


def _apology_not_late(df: pd.DataFrame) -> pd.Series:
    late_or_open = ~(_day(df, S.RESOLVED_AT) < _day(df, S.DUE_AT))
    return ~(_given(df, S.APOLOGY_AT) & df[S.OUTCOME].eq(S.RESOLVED).fillna(False) & ~late_or_open)


def _due_far_beyond_legal(df: pd.DataFrame) -> pd.Series:
    # dates outside the window are errors already: no warning on top
    known = _plausible(df, S.RECEIVED_AT) & _plausible(df, S.DUE_AT) & df[S.LEGAL_DAYS].notna()
    legal_due = due_dates(df[S.RECEIVED_AT].where(known), df[S.LEGAL_DAYS].where(known))
    beyond = working_days_between_days(legal_due, df[S.DUE_AT].where(known))
    # -1: a date the working-day calendar does not reach (31/12/9999 and the like) is far beyond too
    return pd.Series(~known.to_numpy() | ((beyond >= 0) & (beyond <= FAR_DUE_SLACK)), index=df.index)


def error_schema(today: dt.date | None = None) -> pa.DataFrameSchema:
    """The errors of dossier rows; dates checked against the window ending ``today``."""
    today = today or S.report_day()
    return pa.DataFrameSchema(
        {
            S.DOSSIER_ID: pa.Column(nullable=False),
            **{
                column: pa.Column(checks=pa.Check.isin(S.VOCABULARIES[column]), nullable=True)
                for column in VOCABULARY_COLUMNS
            },
        },
        checks=[
            _row_check("field_uniqueness", lambda df: ~df[DUPLICATE]),
            _row_check(f"not_nullable:{S.RECEIVED_AT}", _received_missing),
            *(_date_format(column) for column in S.DATE_COLUMNS),
            *(check for column in S.DATE_COLUMNS for check in _date_window(column, today)),
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


def _unknown_channels(typed: pd.DataFrame, lacking_channel: set[str]) -> pd.DataFrame:
    """A warning for each dossier whose export has a channel column left empty (a whole export
    without one is warned about once, when it is read)."""
    empty = typed[S.CHANNEL].isna() & ~typed[S.SOURCE_FILE].isin(lacking_channel)
    rows = typed.loc[empty]
    return problem_table(pd.DataFrame({
        "file": rows[S.SOURCE_FILE].astype(object).to_numpy(), "row": rows[S.SOURCE_ROW].astype(object).to_numpy(),
        "column": S.CHANNEL, "value": "", "problem_vi": "Không ghi hình thức nộp: tính là 'không rõ'",
        "problem_en": "channel not given: counted as unknown", "severity": WARNING,
    }))


def check_dossiers(
    raw: pd.DataFrame, catalogue: pd.DataFrame, lacking_channel: set[str] = frozenset()
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Type, de-duplicate and check raw dossier rows.

    Returns the typed rows (with ``legal_days`` and ``due_computed``), the problems table
    (errors and warnings) and the number of rows merged into another of the same dossier.
    """
    typed, catalogue = one_spelling_per_name(type_dossiers(raw), catalogue)
    typed, repeated = merge_rows(typed)
    typed = fill_from_catalogue(typed, catalogue)
    table = concat_problems(
        schema_problems(error_schema(), typed, MESSAGES, values=raw, severity=ERROR),
        schema_problems(WARNING_SCHEMA, typed, MESSAGES, values=raw, severity=WARNING),
        _unknown_channels(typed, set(lacking_channel)),
    )
    table = table.drop_duplicates().sort_values(["severity", "file", "row", "column"], kind="stable")
    return typed, table.reset_index(drop=True), repeated


def finalize_dossiers(typed: pd.DataFrame) -> pd.DataFrame:
    """Checked rows with final dtypes: datetimes, booleans for ``e_result``, text elsewhere."""
    flags = [DUPLICATE, *(column + UNPARSED for column in S.DATE_COLUMNS)]
    result = typed.drop(columns=flags)
    result[S.E_RESULT] = map_values(result[S.E_RESULT], {"true": True, "false": False}).astype("boolean")
    # columns of a few distinct values are categorical: a period's selection then moves codes, not text
    for column in CATEGORICAL_COLUMNS:
        result[column] = result[column].astype("category")
    return result.reset_index(drop=True)


def load_dossiers(data_dir: Path, skip_invalid: bool = False) -> DossierData:
    """Read and check the dossiers of ``data_dir``.

    On errors, raises :class:`DataError` listing them, unless ``skip_invalid``: then the
    rows with an error are left out and listed in ``excluded``. Warnings never stop a report.

    The result is kept for the process while the input files keep their size and time of
    change, so a batch of periods reads and checks the data once; treat it as read-only.
    """
    data_dir = Path(data_dir).resolve()
    return _load_checked(_input_signature(data_dir), data_dir, skip_invalid)


CHECKED_DATA_ENV = "CCHC_CHECKED_DATA"  # a file of checked dossiers handed to the report kernels


def hand_over_dossiers(data_dir: Path, skip_invalid: bool, target: Path) -> None:
    """Write this process's checked dossiers of ``data_dir`` to ``target``, for the report
    kernels of a batch to load instead of reading and checking the exports again (a kernel
    takes it only while the inputs keep the size and time of change they had when checked)."""
    import pickle

    data_dir = Path(data_dir).resolve()
    signature = _input_signature(data_dir)
    data = _load_checked(signature, data_dir, skip_invalid)
    with open(target, "wb") as handle:
        pickle.dump((signature, skip_invalid, data), handle, protocol=pickle.HIGHEST_PROTOCOL)


def _handed_over(signature: tuple, skip_invalid: bool) -> DossierData | None:
    """The checked dossiers handed over by the process that started this one, if they are
    those of the same inputs."""
    import os
    import pickle

    path = os.environ.get(CHECKED_DATA_ENV)
    if not path or not Path(path).is_file():
        return None
    try:
        with open(path, "rb") as handle:
            given, given_skip, data = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return None
    return data if given == signature and given_skip == skip_invalid else None


def release_dossiers() -> None:
    """Forget the dossiers this process has read (a process that only dispatches the reports)."""
    import gc

    _load_checked.cache_clear()
    gc.collect()


def _input_signature(data_dir: Path) -> tuple:
    files = [data_dir / UNIT_FILE, data_dir / HEADER_FILE, *find_dossier_files(data_dir), find_catalogue(data_dir)]
    return file_signature(f for f in files if f is not None and f.is_file())


@lru_cache(maxsize=4)
def _load_checked(signature: tuple, data_dir: Path, skip_invalid: bool) -> DossierData:
    """The checked dossiers of ``data_dir``, kept for the process per file signature (the same
    :func:`.cache.file_signature` as the unit's and the plan's readings), the last four. Not through
    :func:`.cache.kept`, which hands each caller a deep copy: the dossiers are a frame of up to a million
    rows, shared read-only by every figure of a batch, and copied they would cost the time and memory
    the keeping saves; :func:`release_dossiers` lets them go."""
    handed = _handed_over(signature, skip_invalid)
    if handed is not None:
        return handed
    unit = read_unit(data_dir)
    raw, read_problems, readings = read_raw_dossiers(data_dir, unit.dossier_sheet, unit.mapping)
    catalogue, catalogue_problems = read_catalogue(data_dir)
    file_problems = concat_problems(read_problems, catalogue_problems)
    # missing files, columns or a broken catalogue: no row can be trusted
    raise_errors(file_problems, "the input files")
    typed, problems, repeated = check_dossiers(raw, catalogue, lacking_channel(readings))
    problems = concat_problems(file_problems, problems, check_plan_header(data_dir))
    errors = problems.loc[problems["severity"] == ERROR]
    if len(errors) and not skip_invalid:
        raise_errors(problems, "the dossier data")
    origin = pd.MultiIndex.from_arrays([typed[S.SOURCE_FILE], typed[S.SOURCE_ROW].astype("int64")])
    keep = ~origin.isin(pd.MultiIndex.from_arrays([errors["file"], pd.to_numeric(errors["row"]).astype("int64")])
                        if len(errors) else pd.MultiIndex.from_arrays([[], []]))
    excluded = errors.groupby(["file", "row"], sort=True, as_index=False).agg(
        column=("column", ", ".join), problem_vi=("problem_vi", "; ".join), problem_en=("problem_en", "; ".join)
    )
    return DossierData(finalize_dossiers(typed.loc[keep]), problems, excluded, repeated,
                       [_export_summary(r) for r in readings], _lacking_columns(readings))


def lacking_channel(readings: list[ExportReading]) -> set[str]:
    return {r.frame[S.SOURCE_FILE].iloc[0] for r in readings if S.CHANNEL in r.lacking and len(r.frame)}


def _lacking_columns(readings: list[ExportReading]) -> dict[str, tuple[str, ...]]:
    """Per dossier column, the exports with rows that do not give it (a status gives the outcome,
    a true/false "Trực tuyến" column the channel), less those whose every dossier another export
    that gives the column also holds (the rows are merged by code: one export may give the field,
    another the channel)."""
    gives: dict[str, list[pd.Series]] = {}
    lacks: dict[str, list[tuple[str, pd.Series]]] = {}
    for reading in readings:
        if not len(reading.frame):
            continue
        given = {what for _, what in reading.columns}
        given |= ({S.OUTCOME} if S.STATUS in given else set()) | ({S.CHANNEL} if S.ONLINE_FLAG in given else set())
        ids = normalize_text(reading.frame[S.DOSSIER_ID])
        for column in S.DOSSIER_COLUMNS:
            if column in given:
                gives.setdefault(column, []).append(ids)
            else:
                lacks.setdefault(column, []).append((str(reading.frame[S.SOURCE_FILE].iloc[0]), ids))
    lacking = {}
    for column, exports in lacks.items():
        others = pd.concat(gives[column], ignore_index=True) if column in gives else None
        files = tuple(file for file, ids in exports if others is None or not ids.dropna().isin(others).all())
        if files:
            lacking[column] = files
    return lacking


def _export_summary(reading: ExportReading) -> dict:
    dropped: dict[str, int] = {}
    for _, reason in reading.dropped:
        dropped[reason] = dropped.get(reason, 0) + 1
    name = reading.frame[S.SOURCE_FILE].iloc[0] if len(reading.frame) else reading.path.name
    return {"file": name, "format": reading.format, "header_rows": list(reading.header_rows),
            "rows": int(len(reading.frame)), "dropped": dropped, "lacking": list(reading.lacking)}
