"""The period's figures as one JSON-ready dict: the contract of ``<PERIOD>.json``.

Keys (stable; province tools read them):

- ``unit``: the unit's display name; ``unit_slug``, ``district``, ``province``;
- ``period``: canonical period id (``2023-Q1``); ``period_name``: its Vietnamese name;
- ``cutoff``: ``decree09`` or ``calendar``; ``start``, ``end``: the window, ISO dates, both inclusive;
- ``previous_period``: id of the previous comparable period;
- ``generated_at``: ISO date-time with offset;
- ``dossiers.received_in_period``: dossiers taken in within the window (refused left out);
  ``dossiers.source_files``: the export files read;
- ``plan.available``: whether the data folder holds the plan's files.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import schema as S
from .dossiers import received_in
from .ingest import has_plan
from .params import ReportContext

SCHEMA_VERSION = 1


def build_summary(ctx: ReportContext, dossiers: pd.DataFrame) -> dict:
    """The JSON summary of one period report."""
    received = received_in(dossiers, ctx.start, ctx.end)
    return {
        "schema_version": SCHEMA_VERSION,
        "unit": ctx.unit.name,
        "unit_slug": ctx.unit.slug,
        "district": ctx.unit.district,
        "province": ctx.unit.province,
        "period": ctx.period.id,
        "period_name": ctx.period.name_vi,
        "cutoff": ctx.cutoff,
        "start": ctx.start.isoformat(),
        "end": ctx.end.isoformat(),
        "previous_period": ctx.period.previous().id,
        "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "dossiers": {
            "received_in_period": int(len(received)),
            "source_files": sorted(dossiers[S.SOURCE_FILE].unique().tolist()),
        },
        "plan": {"available": has_plan(ctx.data_dir)},
    }
