"""cchc_lib: period reports of a commune's administrative reform (CCHC) plan and TTHC dossiers.

The package is five rooms, each importing only the rooms before it (``tests/test_layers.py``
checks it): :mod:`cchc_lib.base` (errors, periods, working days, Vietnamese words and numbers),
:mod:`cchc_lib.inputs` (a data folder read and checked), :mod:`cchc_lib.figures` (the figures of a
period, a roll-up, the self-assessment), :mod:`cchc_lib.outputs` (the document and its formats) and
:mod:`cchc_lib.running` (notebooks run, files published, many units); :mod:`cchc_lib.cli` is the
``cchc`` command on top.

The public face, used by the notebooks::

    ctx = check_parameters(period, cutoff, data_dir, unit)
    dossiers = load_dossiers(ctx.data_dir)
    summary = build_summary(ctx, dossiers, load_plan(ctx.data_dir))

The batch API (:func:`build_reports`, :func:`publish_rollup`, :func:`build_score`,
:func:`validate_data`) is loaded on first use, so a notebook never imports papermill or
WeasyPrint.
"""

from __future__ import annotations

import importlib

from .base.periods import Period, parse_period, periods_of_year
from .figures.summary import build_summary
from .inputs.loading import DossierData, load_dossiers
from .inputs.params import ReportContext, check_parameters
from .inputs.plan import Plan, load_plan

_BATCH = {
    "build_reports": "cchc_lib.running.report",
    "publish_rollup": "cchc_lib.running.rollup",
    "build_score": "cchc_lib.running.score_report",
    "validate_data": "cchc_lib.running.checks",
}

__all__ = [
    "DossierData",
    "Period",
    "Plan",
    "ReportContext",
    "build_summary",
    "check_parameters",
    "load_dossiers",
    "load_plan",
    "parse_period",
    "periods_of_year",
    *_BATCH,
]


def __getattr__(name: str) -> object:
    if name in _BATCH:
        return getattr(importlib.import_module(_BATCH[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
