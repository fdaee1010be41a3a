"""The report's parameters, checked once before anything is read or run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import ParameterError
from .ingest import Unit, find_dossier_files, read_unit
from .paths import SAMPLE_DATA_DIR
from .periods import Period, PeriodError, check_cutoff, parse_period


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
    cchc_lib.errors.ParameterError: cutoff: unknown cut-off 'monthly'; valid: decree09, calendar
    """
    if isinstance(period, int) and not isinstance(period, bool):
        period = str(period)  # papermill's "-p period 2023" hands over a number
    for name, value in (("period", period), ("cutoff", cutoff), ("unit", unit)):
        if not isinstance(value, str):
            raise ParameterError(f"{name}: expected text, got {type(value).__name__} {value!r}")
    if not isinstance(skip_invalid, bool):
        raise ParameterError(f"skip_invalid: expected True or False, got {skip_invalid!r}")
    parsed = check_period_and_cutoff(period, cutoff)
    folder = resolve_data_dir(data_dir)
    if not find_dossier_files(folder):
        raise ParameterError(
            f"data_dir: {str(folder)!r} holds no dossier export (dossiers.csv, dossiers.xlsx or a folder dossiers/)"
        )
    start, end = parsed.window(cutoff)
    return ReportContext(
        unit=read_unit(folder, unit.strip()),
        period=parsed,
        cutoff=cutoff,
        start=start,
        end=end,
        data_dir=folder,
        skip_invalid=skip_invalid,
    )


def check_period_and_cutoff(period: str, cutoff: str) -> Period:
    """The period a notebook's ``period`` parameter names, its ``cutoff`` checked too; a
    :class:`ParameterError` naming the bad one otherwise."""
    try:
        parsed = parse_period(str(period))
    except PeriodError as exc:
        raise ParameterError(f"period: {exc}") from None
    try:
        check_cutoff(cutoff)
    except PeriodError as exc:
        raise ParameterError(f"cutoff: {exc}") from None
    return parsed


def resolve_data_dir(data_dir: str | Path = "") -> Path:
    """The data folder to read: ``data_dir``, or the shipped sample when empty; it must exist."""
    folder = Path(data_dir) if str(data_dir).strip() else SAMPLE_DATA_DIR
    if not folder.is_dir():
        raise ParameterError(f"data_dir: {str(folder)!r} is not a folder")
    return folder.resolve()
