"""The roll-up's parameters checked: the period and cut-off, the output folder of the units' reports, the
units expected (folder names) and the units whose reports failed in the run; the roll-up itself is
:mod:`cchc_lib.figures.rollup`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..base import paths
from ..base.errors import ParameterError
from ..base.periods import Period
from .params import check_notebook_texts, check_period_and_cutoff

_PERIOD_FILE = re.compile(r"^\d{4}-(Q[1-4]|H1|9M|Y)\.json$")


@dataclass(frozen=True)
class RollupContext:
    """What a roll-up is about: the period and its window, the output folder, the units expected."""

    period: Period
    cutoff: str
    start: dt.date
    end: dt.date
    reports_dir: Path
    units: list[str]


def check_slug(slug: str) -> str:
    """A unit's folder name as the roll-up accepts it: one folder of the output folder.

    >>> check_slug(" xa-hoang-giang ")
    'xa-hoang-giang'
    >>> check_slug("../etc")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    cchc_lib.base.errors.ParameterError: units: '../etc' is not a unit folder name
    (no '/', '\\\\', and not starting with '.' or '_')
    """
    name = str(slug).strip()
    if not name or "/" in name or "\\" in name or name.startswith((".", "_")):
        raise ParameterError(
            f"units: {name!r} is not a unit folder name (no '/', '\\\\', and not starting with '.' or '_')"
        )
    return name


def parse_units(units: str | list[str] | tuple[str, ...]) -> list[str]:
    """The expected units: comma-separated folder names (or a list), in order, each once.

    >>> parse_units("xa-b, xa-a,,xa-b")
    ['xa-b', 'xa-a']
    """
    items = units.split(",") if isinstance(units, str) else list(units)
    seen: dict[str, None] = {}
    for item in items:
        if str(item).strip():
            seen.setdefault(check_slug(item), None)
    return list(seen)


def unit_folders(reports_dir: Path) -> list[str]:
    """The unit folders of an output folder, by name: sub-folders not starting with ``_`` or
    ``.`` that hold a period report's JSON (``<PERIOD>.json``) of any period."""
    return sorted(
        folder.name for folder in Path(reports_dir).iterdir()
        if folder.is_dir() and not folder.name.startswith(("_", "."))
        and any(_PERIOD_FILE.match(f.name) for f in folder.iterdir() if f.is_file())
    )


def check_rollup_parameters(period: str, cutoff: str = "decree09", reports_dir: str | Path = "",
                            units: str | list[str] = "") -> RollupContext:
    """Validate the roll-up notebook's parameters into a :class:`RollupContext`.

    ``reports_dir`` empty means the project's ``reports/`` folder; ``units`` empty means every
    unit folder of it (see :func:`unit_folders`): a folder holding reports of other periods but
    not this one is then a missing unit. Raises :class:`ParameterError` naming the bad value.

    >>> check_rollup_parameters("2023-Q5")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    cchc_lib.base.errors.ParameterError: period: invalid period id '2023-Q5';
    valid forms: YYYY-Q1, YYYY-Q2, YYYY-Q3, YYYY-Q4, YYYY-H1, YYYY-9M, YYYY-Y (or YYYY)
    """
    period = check_notebook_texts(period, {"cutoff": cutoff, "reports_dir": reports_dir}, folders=("reports_dir",))
    if not isinstance(units, (str, list, tuple)):
        raise ParameterError(f"units: expected comma-separated folder names, got {type(units).__name__} {units!r}")
    parsed = check_period_and_cutoff(period, cutoff)
    folder = Path(reports_dir) if str(reports_dir).strip() else paths.REPORTS_DIR
    if not folder.is_dir():
        raise ParameterError(f"reports_dir: {str(folder)!r} is not a folder (the output folder of the units' reports)")
    expected = parse_units(units)
    if not expected:
        expected = unit_folders(folder)
        if not any((folder / slug / f"{parsed.id}.json").is_file() for slug in expected):
            raise ParameterError(
                f"units: no folder of {str(folder)!r} holds a report of {parsed.id} (<unit>/{parsed.id}.json)"
            )
    start, end = parsed.window(cutoff)
    return RollupContext(parsed, cutoff, start, end, folder.resolve(), expected)


def check_failed(failed: object) -> dict[str, str]:
    """The ``failed`` parameter: unit folder → why its reports failed in this run.

    >>> check_failed({"xa-b": "1 problem(s)"}), check_failed({})
    ({'xa-b': '1 problem(s)'}, {})
    """
    if not isinstance(failed, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in failed.items()):
        raise ParameterError(f"failed: expected {{unit folder: reason}}, got {failed!r}")
    return dict(failed)
