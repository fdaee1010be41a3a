"""The period's figures as one JSON-ready dict: the contract of ``<PERIOD>.json``.

Stable keys (province tools read them):

- ``unit``: the unit's display name; ``unit_slug``, ``district``, ``province``;
- ``period``: canonical period id (``2023-Q1``); ``period_name``: its Vietnamese name;
- ``cutoff``: ``decree09`` or ``calendar``; ``start``, ``end``: the window, ISO dates, both inclusive;
- ``previous_period``: id of the previous comparable period; ``generated_at``: ISO date-time;
- ``dossiers.total`` and ``dossiers.by_field.<field as written in the data>``: the integer counts
  of Biểu II.06a: ``received_total`` (3), ``received_online`` (4), ``received_direct_postal`` (5),
  ``carried_over`` (6), ``resolved_total`` (7), ``resolved_early`` (8), ``resolved_on_time`` (9),
  ``resolved_late`` (10), ``pending_total`` (11), ``pending_in_term`` (12), ``pending_overdue`` (13);
- ``dossiers.received_in_period``: (4)+(5); ``dossiers.source_files``: the exports read;
- ``kpis``: ``on_time_rate``, ``online_rate``, ``full_online_rate``, ``e_result_rate``,
  ``satisfaction_rate``, ``apology_coverage``, ``progress_766``: fractions 0–1, or null when the
  denominator is 0; ``kpi_parts.<kpi>``: its ``numerator`` and ``denominator``;
- ``processing_days``: ``count``, ``mean``, ``p90`` (working days, dossiers resolved in the window);
- ``late_dossiers``: list of ``dossier_id, procedure, field, status (resolved_late | pending_overdue),
  due_at, days_late (working days), apology (bool)``;
- ``backlog_by_age``: list of ``band, pending, overdue`` (age in working days at the end);
- ``excluded_rows``: rows left out with ``--skip-invalid``: ``file, row, column, problem_vi, problem_en``;
- ``data_quality``: ``errors``, ``warnings`` (counts), ``excluded_rows``, ``duplicates_dropped``,
  ``due_dates_computed``, ``warning_list`` (``file, row, column, value, problem_vi, problem_en``);
- ``tasks``: ``total`` (number of tasks), ``by_area.<area number>`` and ``by_owner.<owner>``
  with milestone counts ``due, done_on_time, done_late, overdue, not_yet_due`` (and
  ``continuous``, ``no_fixed_date``); null without a plan;
- ``targets``: one entry per target of the plan: ``target_id, kpi, comparison, value, actual``
  (or null), ``met`` (true / false / null), ``actual_source, where, sentence, conflict``;
- ``plan``: ``available``, ``title``, ``document``, ``year``, ``milestones`` (those due in the
  window, overdue, continuous or without a date, with state and latest update), ``overdue``,
  ``evidence`` (per area), ``corrections`` (where the data corrects the plan's text, with the
  note), ``target_conflicts`` (KPIs given several target values), ``warnings``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import schema as S
from .dossiers import (
    CHANNEL_UNKNOWN,
    COUNT_KEYS,
    TOTAL_LABEL,
    backlog_by_age,
    classify_dossiers,
    compute_kpis,
    late_dossiers,
    processing_days,
    tthc_table,
)
from .params import ReportContext
from .plan import Plan, count_states, evaluate_targets, evidence_by_area, milestone_status, target_conflicts
from .validate import DossierData

SCHEMA_VERSION = 3


def _counts(row) -> dict[str, int | None]:
    return {key: None if pd.isna(row[key]) else int(row[key]) for key in COUNT_KEYS}


def _plain(value):
    """A value as JSON has it: dates in ISO form, missing values as null."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def plan_summary(plan: Plan | None, ctx: ReportContext, kpis: dict) -> dict:
    """The plan's part of the summary: ``tasks``, ``targets`` and ``plan``."""
    if plan is None:
        return {"tasks": None, "targets": [], "plan": {"available": False}}
    status = milestone_status(plan, ctx.start, ctx.end, ctx.cutoff)
    shown = status.loc[status["in_window"] | status["state"].isin(["overdue", "continuous", "no_fixed_date"])]
    overdue = status.loc[status["state"] == "overdue"].sort_values(["days_overdue", "task_id"], ascending=[False, True])
    return {
        "tasks": {
            "total": int(len(plan.tasks)),
            "by_area": count_states(status, "area"),
            "by_owner": count_states(status, "owner"),
        },
        "targets": evaluate_targets(plan, kpis, ctx.period, ctx.cutoff),
        "plan": {
            "available": True,
            "title": plan.title,
            "document": plan.document,
            "year": plan.year,
            "areas": {str(a): n for a, n in plan.tasks.groupby("area")["area_name"].first().items()},
            "milestones": _records(shown.drop(columns=["task", "in_window"])),
            "overdue": _records(overdue[["task_id", "area", "milestone", "kind", "label", "owner", "due", "days_overdue"]]),
            "evidence": evidence_by_area(plan, status, ctx.end),
            "corrections": _records(plan.corrections),
            "target_conflicts": target_conflicts(plan),
            "warnings": _records(plan.problems.drop(columns="severity")),
        },
    }


def build_summary(ctx: ReportContext, data: DossierData, plan: Plan | None = None) -> dict:
    """The JSON summary of one period report."""
    classified = classify_dossiers(data.dossiers, ctx.start, ctx.end)
    table = tthc_table(classified)
    kpis = compute_kpis(classified)
    total = _counts(table.loc[TOTAL_LABEL])
    warnings = data.warnings
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
            "total": total,
            "by_field": {field: _counts(row) for field, row in table.drop(index=TOTAL_LABEL).iterrows()},
            "received_in_period": int(classified[["received_online", "received_direct_postal", CHANNEL_UNKNOWN]]
                                      .any(axis=1).sum()),
            "source_files": sorted(data.dossiers[S.SOURCE_FILE].unique().tolist()),
        },
        "kpis": {key: part["value"] for key, part in kpis.items()},
        "kpi_parts": {key: {"numerator": p["numerator"], "denominator": p["denominator"]} for key, p in kpis.items()},
        "processing_days": processing_days(classified),
        "late_dossiers": late_dossiers(classified, ctx.end).to_dict(orient="records"),
        "backlog_by_age": backlog_by_age(classified, ctx.end).to_dict(orient="records"),
        "excluded_rows": data.excluded.to_dict(orient="records"),
        "data_quality": {
            "errors": int(len(data.errors)),
            "warnings": int(len(warnings)),
            "excluded_rows": int(len(data.excluded)),
            "duplicates_dropped": data.duplicates_dropped,
            "due_dates_computed": int(data.dossiers[S.DUE_COMPUTED].sum()),
            "exports": data.exports,
            "warning_list": warnings.drop(columns="severity").to_dict(orient="records"),
        },
        **plan_summary(plan, ctx, {key: part["value"] for key, part in kpis.items()}),
    }
