"""The problems table: one record per thing wrong in the inputs, and how it is shown.

Every input (dossier exports, the procedure catalogue, ``unit.yaml``, the plan's files)
reports what is wrong through this module (docs/checks.md, "Checks"): a problem names the file (as
named in the data folder), the row (as numbered in the file, header = row 1; empty for a
file or folder as a whole), the column (or the YAML key), the value as written, what is wrong
in Vietnamese and in English, and its severity: an ``error`` stops a report, a ``warning``
is reported and never blocks.

:func:`schema_problems` runs a pandera schema lazily (every failure collected) and turns its
failure cases into problem rows, a whole table at a time. :func:`load_yaml` is the one
reader of the YAML files (``unit.yaml``, ``plan/plan.yaml``): small documents, no anchors or
aliases.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml
from pandera.errors import SchemaErrors

from . import vi
from .errors import DataError

PROBLEM_COLUMNS = ["file", "row", "column", "value", "problem_vi", "problem_en", "severity"]
ERROR = "error"
WARNING = "warning"
SOURCE_FILE = "source_file"  # the columns naming each row's origin (schema.SOURCE_FILE / SOURCE_ROW)
SOURCE_ROW = "source_row"

# check name -> (column it concerns, or None: the column pandera names; Vietnamese; English).
# A text may be a function of the failing rows (a frame), giving one text per row.
Text = str | Callable[[pd.DataFrame], object]
Messages = Mapping[str, tuple[str | None, Text, Text]]


def problem(file: str, row: object, column: str, value: object, vi: str, en: str, severity: str = ERROR) -> dict:
    """One row of the problems table."""
    return dict(zip(PROBLEM_COLUMNS, (file, row, column, value, vi, en, severity), strict=False))


def problem_table(rows: list[dict] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Problem rows as a table with the columns of :data:`PROBLEM_COLUMNS` (empty when none)."""
    if isinstance(rows, pd.DataFrame):
        return rows.reindex(columns=PROBLEM_COLUMNS)
    return pd.DataFrame(rows or [], columns=PROBLEM_COLUMNS, dtype=object)  # rows: numbers, or None for a file


def concat_problems(*tables: pd.DataFrame) -> pd.DataFrame:
    """Several problems tables as one, in the order given."""
    parts = [problem_table(t) for t in tables if t is not None and len(t)]
    return pd.concat(parts, ignore_index=True) if parts else problem_table()


def errors_of(problems: pd.DataFrame) -> pd.DataFrame:
    return problems.loc[problems["severity"] == ERROR]


def format_problems(problems: pd.DataFrame, limit: int | None = None) -> str:
    """The problems table as text, one line a problem: file, row, column, value, what is wrong."""
    shown = problems if limit is None else problems.head(limit)
    lines = [
        f"{'cảnh báo/warning: ' if p.severity == WARNING else ''}"
        f"{p.file}, dòng/row {'-' if _empty(p.row) else p.row}, cột/column {p.column or '-'}: "
        f"{shown_value(p.value)!r}: {p.problem_vi} / {p.problem_en}"
        for p in shown.itertuples(index=False)
    ]
    if limit is not None and len(problems) > limit:
        lines.append(f"… and {len(problems) - limit} more (run 'cchc validate')")
    return "\n".join(lines)


_DIGIT_RUN = re.compile(r"\d{9,}")  # a phone number or an ID card number: no code, date or count is written so
SHOWN_VALUE_LIMIT = 80  # characters of a wrong value repeated in a message


def shown_value(value: object) -> str:
    """A wrong value as a message repeats it (docs/checks.md, "Checks"): cut to :data:`SHOWN_VALUE_LIMIT`
    characters, and any run of nine digits or more (a phone or ID number typed into the wrong
    column) hidden, so that a message or a log never carries a citizen's number.

    >>> shown_value("Đã giải quyết"), shown_value("gọi 0912345678"), shown_value(None)
    ('Đã giải quyết', 'gọi [10 chữ số]', '')
    """
    if _missing(value):
        return ""
    text = _DIGIT_RUN.sub(lambda m: f"[{len(m.group())} chữ số]", str(value))
    return vi.clip(text, SHOWN_VALUE_LIMIT, words=False)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _empty(value: object) -> bool:
    return _missing(value) or value == ""


class ProblemError(DataError):
    """Input problems that stop the reading: the message lists them (file, row, column, what
    is wrong), and :attr:`problems` holds them as a table."""

    def __init__(self, problems: pd.DataFrame, where: str, limit: int = 20, headline: str = ""):
        self.problems = problem_table(problems)
        errors = errors_of(self.problems)
        headline = headline or f"{len(errors)} problem(s) in {where}:"
        super().__init__(f"{headline}\n{format_problems(errors, limit)}")


def raise_errors(problems: pd.DataFrame, where: str) -> None:
    """Raise :class:`ProblemError` when ``problems`` holds an error."""
    if len(errors_of(problems)):
        raise ProblemError(problems, where)


def schema_problems(
    schema: pa.DataFrameSchema,
    frame: pd.DataFrame,
    messages: Messages,
    values: pd.DataFrame | None = None,
    severity: str = ERROR,
) -> pd.DataFrame:
    """Validate ``frame`` with ``schema`` lazily and turn every failure case into a problem row.

    ``frame`` carries ``source_file`` and ``source_row`` (where each row came from). A check
    is named ``name`` or ``name:column`` (the column the failure concerns); ``messages`` gives
    each name's column (when the name does not) and texts. The value shown is the cell of
    ``values`` (default: ``frame``) in that column: the text as written, not as typed.
    """
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return problem_table()
    check = cases["check"].astype(str).str.split("(").str[0]
    parts = check.str.partition(":")
    name, named = parts[0], parts[2]
    unexpected = ~name.isin(list(messages)) | cases["index"].isna()
    if unexpected.any():
        first = cases.loc[unexpected].iloc[0]
        raise DataError(f"unexpected check failure {first['check']!r} on column {first['column']!r}")
    fixed = name.map({n: m[0] for n, m in messages.items()})
    column = named.where(named != "", fixed.where(fixed.notna(), cases["column"].astype(str)))
    index = pd.Index(cases["index"].astype("int64"))
    source = values if values is not None else frame
    shown = pd.Series("", index=cases.index, dtype=object)
    for col in column.unique():
        if col in source.columns:
            here = (column == col).to_numpy()
            cells = source[col].reindex(index[here]).astype(object)
            shown[here] = cells.where(cells.notna(), "").map(str).to_numpy()
    vi = pd.Series("", index=cases.index, dtype=object)
    en = pd.Series("", index=cases.index, dtype=object)
    for check_name in name.unique():
        here = (name == check_name).to_numpy()
        rows = frame.loc[index[here]]
        _, text_vi, text_en = messages[check_name]
        vi[here] = _texts(text_vi, rows)
        en[here] = _texts(text_en, rows)
    table = pd.DataFrame({
        "file": frame[SOURCE_FILE].reindex(index).astype(object).to_numpy(),
        "row": frame[SOURCE_ROW].reindex(index).astype("int64").to_numpy(),
        "column": column.to_numpy(),
        "value": shown.to_numpy(),
        "problem_vi": vi.to_numpy(),
        "problem_en": en.to_numpy(),
        "severity": severity,
    })
    return table.astype({"row": object}).drop_duplicates().reset_index(drop=True)


def _texts(text: Text, rows: pd.DataFrame) -> object:
    if callable(text):
        return pd.Series(list(text(rows)), dtype=object).to_numpy()
    return text


def row_check(name: str, passes: Callable[[pd.DataFrame], pd.Series]) -> pa.Check:
    """A check of whole rows, named for :func:`schema_problems` (``name`` or ``name:column``)."""
    return pa.Check(lambda df: passes(df), name=name)


# --- YAML -------------------------------------------------------------------------------------

YAML_MAX_BYTES = 64 * 1024  # a unit.yaml or plan.yaml is a few hundred bytes; 64 KiB is plenty


def load_yaml(path: Path, label: str) -> dict:
    """A small YAML file as a mapping (empty when the file is empty), read safely.

    Refused, naming the file (``label``): a file larger than :data:`YAML_MAX_BYTES`, text
    that is not UTF-8, anchors and aliases (``&a`` / ``*a``: a few lines of aliases can stand
    for billions of values), tags that build objects, several documents, a document that is
    not a mapping of keys. Raises :class:`ProblemError` (one problem row)."""

    def refuse(vi: str, en: str) -> ProblemError:
        return ProblemError(problem_table([problem(label, None, "", "", vi, en)]), label, headline=f"{label}: {en}")

    try:
        size = path.stat().st_size
        if size > YAML_MAX_BYTES:
            raise refuse(f"Tệp YAML quá lớn ({size} byte; tối đa {YAML_MAX_BYTES})",
                         f"YAML file too large ({size} bytes; at most {YAML_MAX_BYTES})")
        with path.open("rb") as handle:
            data = handle.read(YAML_MAX_BYTES + 1)
    except OSError as exc:
        raise refuse("Không đọc được tệp", f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > YAML_MAX_BYTES:
        raise refuse(f"Tệp YAML quá lớn (tối đa {YAML_MAX_BYTES} byte)",
                     f"YAML file too large (at most {YAML_MAX_BYTES} bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse("Tệp không phải văn bản UTF-8", "not a valid UTF-8 YAML file: not UTF-8 text") from None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                mark = token.start_mark
                raise refuse(f"Không dùng neo/bí danh YAML (&, *) (dòng {mark.line + 1})",
                             f"YAML anchors and aliases (&, *) are not accepted (line {mark.line + 1})")
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        mark = getattr(exc, "problem_mark", None)
        where = f" (dòng/line {mark.line + 1})" if mark is not None else ""
        raise refuse(f"Tệp YAML không hợp lệ{where}", f"not a valid UTF-8 YAML file{where}: {first}") from None
    except RecursionError:
        raise refuse("Tệp YAML lồng quá sâu", "YAML nested too deeply") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise refuse("Tệp phải gồm các khóa như 'name:'",
                     f"expected keys such as 'name:' and 'year:', found {type(loaded).__name__}")
    return loaded
