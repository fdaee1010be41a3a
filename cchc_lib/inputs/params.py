"""The report's parameters, checked once before anything is read or run."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..base.errors import ParameterError
from ..base.paths import sample_data_dir
from ..base.periods import Period, PeriodError, check_cutoff, parse_period, periods_of_year
from ..base.workdays import CALENDAR_YEARS
from .ingest import find_dossier_files, missing_export_hint
from .unit import Unit, read_unit

# The years a report can be about (docs/commands.md, "Periods"): those whose windows the working-day
# calendar covers. A year's decree09 window starts on 15/12 of the year before, so the first
# year the calendar covers gives no period of its own.
REPORT_YEARS = (CALENDAR_YEARS[0] + 1, CALENDAR_YEARS[1])


@dataclass(frozen=True)
class ReportContext:
    """Everything a period report is about: the unit, the period and its window."""

    unit: Unit
    period: Period
    cutoff: str
    start: dt.date
    end: dt.date
    data_dir: Path
    skip_invalid: bool = False


def check_parameters(
    period: str, cutoff: str = "decree09", data_dir: str | Path = "", unit: str = "", skip_invalid: bool = False
) -> ReportContext:
    """Validate the report notebook's parameters and resolve them into a :class:`ReportContext`.

    ``data_dir`` empty means the shipped sample; ``unit`` empty means the name in the
    data folder's ``unit.yaml`` (or the folder's name); ``skip_invalid`` leaves rows with
    errors out instead of refusing the data. Raises :class:`ParameterError`
    with a message naming the bad value.

    >>> ctx = check_parameters("2023-Q1")
    >>> ctx.period.id, ctx.start.isoformat(), ctx.end.isoformat(), ctx.unit.name
    ('2023-Q1', '2022-12-15', '2023-03-14', 'Xã Hoằng Giang')
    >>> check_parameters("2023-Q1", cutoff="monthly")
    Traceback (most recent call last):
    ...
    cchc_lib.base.errors.ParameterError: cutoff: unknown cut-off 'monthly'; valid: decree09, calendar
    """
    period = check_notebook_texts(period, {"cutoff": cutoff, "unit": unit})
    if not isinstance(skip_invalid, bool):
        raise ParameterError(f"skip_invalid: expected True or False, got {skip_invalid!r}")
    parsed = check_period_and_cutoff(period, cutoff)
    data_dir = resolve_data_dir(data_dir)
    if not find_dossier_files(data_dir):
        raise ParameterError(
            f"data_dir: {str(data_dir)!r} holds no dossier export (dossiers.csv, dossiers.xlsx or a folder dossiers/)"
            f"{missing_export_hint(data_dir)[2]}"
        )
    start, end = parsed.window(cutoff)
    return ReportContext(
        unit=read_unit(data_dir, unit.strip()),
        period=parsed,
        cutoff=cutoff,
        start=start,
        end=end,
        data_dir=data_dir,
        skip_invalid=skip_invalid,
    )


def check_notebook_texts(period: object, values: dict[str, object], folders: tuple[str, ...] = ()) -> str:
    """A notebook's ``period`` parameter as text (papermill's ``-p period 2023`` hands over a
    number), it and each of ``values`` (name → value) checked to be text, a path too for the names
    in ``folders``; a :class:`ParameterError` naming the first that is not.

    >>> check_notebook_texts(2023, {"cutoff": "decree09"})
    '2023'
    >>> check_notebook_texts("2023-Q1", {"unit": 5})
    Traceback (most recent call last):
    ...
    cchc_lib.base.errors.ParameterError: unit: expected text, got int 5
    """
    period = _text("period", period)
    for name, value in values.items():
        if not isinstance(value, (str, Path) if name in folders else str):
            raise ParameterError(f"{name}: expected text, got {type(value).__name__} {value!r}")
    return period


def check_period_and_cutoff(period: str, cutoff: str) -> Period:
    """The period a notebook's ``period`` parameter names, its ``cutoff`` checked too; a
    :class:`ParameterError` naming the bad one otherwise."""
    try:
        parsed = check_covered(str(period))
    except PeriodError as exc:
        raise ParameterError(f"period: {exc}") from None
    try:
        check_cutoff(cutoff)
    except PeriodError as exc:
        raise ParameterError(f"cutoff: {exc}") from None
    return parsed


def check_covered(period: Period | str, name: str = "period") -> Period:
    """The period ``period`` names if its year is one of :data:`REPORT_YEARS`; else a
    :class:`ParameterError` naming it (``name``: the parameter) and the years covered, so that
    such a period is refused before any notebook runs. An id of no valid form raises
    :class:`PeriodError`.

    >>> check_covered("2023-Q2").id
    '2023-Q2'
    >>> check_covered("1900-Q2")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    cchc_lib.base.errors.ParameterError: period: 1900-Q2 is outside the years a report can cover, 2000–2100
    (the working-day calendar covers 1999–2100; a year's window starts on 15/12 of the year before)
    """
    text = period.id if isinstance(period, Period) else str(period).strip()
    match = re.match(r"(\d{4})(?:-|$)", text)
    first, last = REPORT_YEARS
    if match and not first <= int(match[1]) <= last:  # checked first: Period itself takes 1900–9998 only
        year = int(match[1])
        shown = year if name == "year" else text
        raise ParameterError(
            f"{name}: {shown} is outside the years a report can cover, {first}–{last} (the working-day calendar "
            f"covers {CALENDAR_YEARS[0]}–{CALENDAR_YEARS[1]}; a year's window starts on 15/12 of the year before)"
        )
    return parse_period(period)


def resolve_data_dir(data_dir: str | Path = "") -> Path:
    """The data folder to read: ``data_dir``, or the shipped sample when empty; it must exist."""
    folder = Path(data_dir) if str(data_dir).strip() else sample_data_dir()
    if not folder.is_dir():
        raise ParameterError(f"data_dir: {str(folder)!r} is not a folder")
    return folder.resolve()


def check_window(start: str | dt.date, end: str | dt.date) -> tuple[dt.date, dt.date]:
    """The window ``start`` – ``end`` (both inclusive) as dates, each given as a date or as text
    ``YYYY-MM-DD``; a :class:`ParameterError` naming the bad one, or saying the end comes first.

    >>> check_window("2023-01-01", dt.date(2023, 3, 31))
    (datetime.date(2023, 1, 1), datetime.date(2023, 3, 31))
    >>> check_window("2023-04-01", "2023-03-31")
    Traceback (most recent call last):
    ...
    cchc_lib.base.errors.ParameterError: end: 2023-03-31 is before start 2023-04-01
    """
    days = []
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
            raise ParameterError(f"{name}: expected a date YYYY-MM-DD, got {type(value).__name__} {value!r}")
        try:
            days.append(value if isinstance(value, dt.date) else dt.date.fromisoformat(value.strip()))
        except ValueError:
            raise ParameterError(f"{name}: expected a date YYYY-MM-DD, got {value!r}") from None
    if days[1] < days[0]:
        raise ParameterError(f"end: {days[1].isoformat()} is before start {days[0].isoformat()}")
    return days[0], days[1]


# ---------------------------------------------------------------------------------------------
# The parameters of a run of many periods (``cchc report``, ``render.build_reports``,
# ``units.build_units``): checked here, so a Python caller is refused exactly as the command is.
# ---------------------------------------------------------------------------------------------

FORMATS: tuple[str, ...] = ("html", "pdf", "docx", "xlsx", "json")


def check_periods(periods: Iterable[str | Period] | str | None = None, year: int | str | None = None) -> list[Period]:
    """The periods of a run, in the order given without repeats: ``periods`` (ids or
    :class:`Period`) or every period of ``year``, not both. A :class:`ParameterError` otherwise.

    >>> [p.id for p in check_periods(["2023-q1", "2023-Q1", "2023-Y"])]
    ['2023-Q1', '2023-Y']
    >>> len(check_periods(year=2023))
    7
    >>> check_periods(["2023-Q5"])  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    cchc_lib.base.errors.ParameterError: invalid period id '2023-Q5';
    valid forms: YYYY-Q1, YYYY-Q2, YYYY-Q3, YYYY-Q4, YYYY-H1, YYYY-9M, YYYY-Y (or YYYY)
    """
    if isinstance(periods, (str, Period)):
        periods = [periods]
    periods = list(periods or [])
    if year is not None and periods:
        raise ParameterError("give either PERIOD ... or --year, not both")
    if year is None and not periods:
        raise ParameterError("give at least one PERIOD (e.g. 2023-Q1) or --year YYYY")
    try:
        if year is not None:
            if isinstance(year, bool) or not str(year).isdigit() or len(str(year)) != 4:
                raise ParameterError(f"year: expected a year such as 2023, got {year!r}")
            check_covered(str(year), "year")
            return periods_of_year(int(year))
        parsed = [check_covered(p if isinstance(p, Period) else _text("period", p)) for p in periods]
    except PeriodError as exc:
        raise ParameterError(str(exc)) from None
    return list(dict.fromkeys(parsed))


def _text(name: str, value: object) -> str:
    """``value`` as text: a whole number as its digits (a year handed over as a number), else it must be text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ParameterError(f"{name}: expected text, got {type(value).__name__} {value!r}")
    return value


def check_formats(formats: str | Iterable[str], allowed: tuple[str, ...] = FORMATS) -> tuple[str, ...]:
    """The formats asked for (``"html,pdf,json"`` or a sequence) among ``allowed``, in its order.

    >>> check_formats("json, html"), check_formats(["pdf"])
    (('html', 'json'), ('pdf',))
    """
    parts = formats.split(",") if isinstance(formats, str) else list(formats)
    asked = {_text("--format", part).strip().lower() for part in parts if _text("--format", part).strip()}
    unknown = sorted(asked - set(allowed))
    if not asked:
        raise ParameterError(f"--format: no format given; choose from {','.join(allowed)}")
    if unknown:
        raise ParameterError(f"--format: unknown {', '.join(unknown)}; choose from {','.join(allowed)}")
    return tuple(f for f in allowed if f in asked)


def check_cutoff_name(cutoff: str) -> str:
    """``cutoff`` if it is a known convention; a :class:`ParameterError` naming it otherwise."""
    try:
        return check_cutoff(_text("cutoff", cutoff))
    except PeriodError as exc:
        raise ParameterError(f"cutoff: {exc}") from None


def check_jobs(jobs: int | None) -> int | None:
    """``jobs`` (processes at once): None (one per core) or a whole number, 1 or more."""
    if jobs is None:
        return None
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"--jobs: expected 1 or more, got {jobs!r}")
    return jobs
