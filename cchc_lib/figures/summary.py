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
  ``dossiers.by_month``: one entry per calendar month the window touches: ``month`` (``2023-03``),
  ``label`` (``15–31/03`` for a month the window cuts, ``04/2023`` for a whole one), ``partial``,
  ``received``, ``online``;
- ``kpis``: ``on_time_rate``, ``online_rate``, ``full_online_rate``, ``e_result_rate``,
  ``satisfaction_rate``, ``apology_coverage``, ``progress_766``: fractions 0–1, or null when the
  denominator is 0; ``kpi_parts.<kpi>``: its ``numerator`` and ``denominator``;
- ``service_index``: the indicators of QĐ 766/QĐ-TTg the dossiers can tell: ``groups`` of
  ``indicators`` with ``ratio``, ``target``, ``max``, ``points``, ``computable``;
- ``previous``: the previous comparable period (``previous_period``) counted from the same data:
  ``period``, ``start``, ``end``, ``received_in_period``, ``kpis`` (null where the data cannot tell),
  ``kpi_parts``, ``covered`` (whether the data covers its whole window);
- ``processing_days``: ``count``, ``mean``, ``p90`` (working days, dossiers resolved in the window);
- ``late_dossiers``: list of ``dossier_id, procedure, field, status (resolved_late | pending_overdue),
  due_at, days_late (working days), apology (bool)``;
- ``backlog_by_age``: list of ``band, pending, overdue`` (age in working days at the end);
- ``excluded_rows``: rows left out with ``--skip-invalid``: ``file, row, column, problem_vi, problem_en``;
- ``data_quality``: ``errors``, ``warnings`` (counts), ``excluded_rows``, ``duplicates_dropped``,
  ``due_dates_computed``, ``warning_list`` (``file, row, column, value, problem_vi, problem_en``),
  ``notices`` (the same form: what the report leaves out or cannot show for this period, e.g. a
  plan of another year, a window without any dossier received, a column a figure needs; also in
  ``warning_list``), ``missing_columns`` (columns an export of the window lacks: the figures that
  need them are null, :mod:`cchc_lib.figures.coverage`);
- ``tasks``: ``total`` (number of tasks), ``by_area.<area number>`` and ``by_owner.<owner>``
  with milestone counts ``due, done_on_time, done_late, overdue, not_yet_due`` (and
  ``continuous``, ``no_fixed_date``); null without a plan;
- ``targets``: one entry per target of the plan: ``target_id, kpi, comparison, value, actual``
  (or null), ``met`` (true / false / null), ``actual_source, where, sentence, conflict``;
- ``plan``: ``available`` (false without a plan, or when the plan's year is not the period's:
  then ``left_out_year`` gives the plan's year), ``title``, ``document``, ``year``, ``milestones`` (those due in the
  window, overdue, continuous or without a date, with their task's text (``task``, cut to 300 characters),
  state and latest update), ``overdue``,
  ``evidence`` (per area), ``corrections`` (where the data corrects the plan's text, with the
  note), ``target_conflicts`` (KPIs given several target values), ``warnings``, ``next_period``
  (``name``, ``start``, ``end`` and ``milestones``: those due in the window of the work that
  follows the period, :meth:`~cchc_lib.base.periods.Period.next_window`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..base import vi
from ..inputs import schema as S
from ..inputs.ingest import MISSING_COLUMN_WARNINGS
from ..inputs.loading import DossierData
from ..inputs.params import ReportContext
from ..inputs.plan import Plan, count_states, evaluate_targets, evidence_by_area, milestone_status, target_conflicts
from . import coverage
from .dossiers import (
    CHANNEL_UNKNOWN,
    COUNT_KEYS,
    TOTAL_LABEL,
    backlog_by_age,
    classify_dossiers,
    compute_kpis,
    late_dossiers,
    processing_days,
    received_by_month,
    tthc_table,
)
from .service_index import service_index

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


def plan_for_period(plan: Plan | None, ctx: ReportContext) -> tuple[Plan | None, list[dict]]:
    """The plan when it is the plan of the period's year; else None and a notice (docs/plan.md, "The
    reform plan"): a 2023 plan says nothing of 2024's milestones, and would mark them all overdue."""
    if plan is None or plan.year == ctx.period.year:
        return plan, []
    return None, [_notice(
        "plan.yaml", "year", str(plan.year),
        f"Kế hoạch CCHC năm {plan.year} không phải kế hoạch của năm {ctx.period.year}: báo cáo kỳ "
        f"{ctx.period.id} không theo dõi tiến độ kế hoạch (cần kế hoạch năm {ctx.period.year})",
        f"the reform plan is for {plan.year}, not {ctx.period.year}: the report of {ctx.period.id} "
        f"leaves the plan out (a plan for {ctx.period.year} is needed)",
    )]


def window_notices(ctx: ReportContext, data: DossierData, received: int) -> list[dict]:
    """A notice when no dossier was received in the period's window (a period the data does
    not cover), naming the window and the dates the data covers."""
    if received:
        return []
    window = f"{ctx.start:%d/%m/%Y} – {ctx.end:%d/%m/%Y}"
    days = data.dossiers[S.RECEIVED_AT]
    if days.notna().any():
        covered = f"{days.min():%d/%m/%Y} – {days.max():%d/%m/%Y}"
        vi, en = f"; số liệu có hồ sơ tiếp nhận từ {covered}", f"; the data holds dossiers received {covered}"
    else:
        vi, en = "; số liệu không có hồ sơ nào", "; the data holds no dossier"
    files = ", ".join(sorted(data.dossiers[S.SOURCE_FILE].astype(str).unique().tolist()))
    return [_notice(files, S.RECEIVED_AT, "",
                    f"Không có hồ sơ nào tiếp nhận trong kỳ {ctx.period.id} ({window}){vi}",
                    f"no dossier was received in the window of {ctx.period.id} ({window}){en}")]


def _notice(file: str, column: str, value: str, vi: str, en: str) -> dict:
    return {"file": file, "row": None, "column": column, "value": value, "problem_vi": vi, "problem_en": en}


def plan_summary(plan: Plan | None, ctx: ReportContext, kpis: dict, left_out_year: int | None = None) -> dict:
    """The plan's part of the summary: ``tasks``, ``targets`` and ``plan``."""
    if plan is None:
        part = {"available": False} if left_out_year is None else {"available": False, "left_out_year": left_out_year}
        return {"tasks": None, "targets": [], "plan": part}
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
            "milestones": _records(_short_tasks(shown).drop(columns=["in_window"])),
            "overdue": _records(_short_tasks(overdue)[["task_id", "task", "area", "milestone", "kind", "label", "owner",
                                                       "due", "days_overdue"]]),
            "evidence": evidence_by_area(plan, status, ctx.end),
            "corrections": _records(plan.corrections),
            "target_conflicts": target_conflicts(plan),
            "warnings": _records(plan.problems.drop(columns="severity")),
            "next_period": next_milestones(plan, ctx),
        },
    }


TASK_TEXT_LIMIT = 300  # characters of a task's text kept in the JSON beside each milestone


def _short_tasks(status: pd.DataFrame) -> pd.DataFrame:
    """The milestones with their task's text, a long one cut (the plan's files keep it whole)."""
    text = status["task"].fillna("").astype(str).str.split().str.join(" ")
    return status.assign(task=text.map(lambda task: vi.clip(task, TASK_TEXT_LIMIT, words=False)))


def next_milestones(plan: Plan, ctx: ReportContext) -> dict:
    """The plan's milestones due in the window of the work that follows the period; a window that
    runs into the next year keeps to the plan's own year ("từ nay đến hết năm 2023"): a plan says
    nothing of the next year's work (docs/report.md, "The official report")."""
    name, start, end = ctx.period.next_window(ctx.cutoff)
    if end.year > plan.year:
        name, start, end = f"từ nay đến hết năm {plan.year}", ctx.end + dt.timedelta(days=1), dt.date(plan.year, 12, 31)
    status = milestone_status(plan, start, end, ctx.cutoff)
    due = status.loc[status["in_window"]].sort_values(["due", "task_id"], kind="stable")
    return {"name": name, "start": start.isoformat(), "end": end.isoformat(),
            "milestones": _records(_short_tasks(due)[["task_id", "task", "area", "milestone", "kind", "label", "owner",
                                                      "due"]])}


def previous_summary(ctx: ReportContext, data: DossierData) -> dict:
    """The previous comparable period's dossier KPIs, from the same data, and whether the data
    covers its whole window (``covered``: its first dossier was received on or before the window's
    first day); only a covered period is compared with (docs/commands.md, "Periods")."""
    previous = ctx.period.previous()
    start, end = previous.window(ctx.cutoff)
    classified = classify_dossiers(data.dossiers, start, end)
    kpis = coverage.blank_kpis(compute_kpis(classified), coverage.missing_here(data, classified))
    received = int(classified[["received_online", "received_direct_postal", CHANNEL_UNKNOWN]].any(axis=1).sum())
    first = data.dossiers[S.RECEIVED_AT].min()
    return {"period": previous.id, "start": start.isoformat(), "end": end.isoformat(),
            "received_in_period": received, "kpis": {key: part["value"] for key, part in kpis.items()},
            "kpi_parts": {key: {"numerator": part["numerator"], "denominator": part["denominator"]}
                          for key, part in kpis.items()},
            "covered": bool(pd.notna(first) and first.date() <= start)}


def build_summary(ctx: ReportContext, data: DossierData, plan: Plan | None = None) -> dict:
    """The JSON summary of one period report."""
    classified = classify_dossiers(data.dossiers, ctx.start, ctx.end)
    table = tthc_table(classified)
    # a figure whose columns an export of the window lacks is unknown (docs/figures.md, "The figures")
    missing = coverage.missing_here(data, classified)
    kpis = coverage.blank_kpis(compute_kpis(classified), missing)
    total = coverage.blank_counts(_counts(table.loc[TOTAL_LABEL]), missing)
    received = int(classified[["received_online", "received_direct_postal", CHANNEL_UNKNOWN]].any(axis=1).sum())
    used_plan, notices = plan_for_period(plan, ctx)
    notices += window_notices(ctx, data, received) + coverage.notices(missing)
    warning_list = [*notices, *_read_warnings(data, missing)]
    summary = {
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
        "generated_at": vi.now().isoformat(timespec="seconds"),
        "dossiers": {
            "total": total,
            "by_field": {field: coverage.blank_counts(_counts(row), missing)
                         for field, row in table.drop(index=TOTAL_LABEL).iterrows()},
            "received_in_period": received,
            "by_month": received_by_month(data.dossiers, ctx.start, ctx.end),
            "source_files": sorted(data.dossiers[S.SOURCE_FILE].unique().tolist()),
        },
        "kpis": {key: part["value"] for key, part in kpis.items()},
        "kpi_parts": {key: {"numerator": p["numerator"], "denominator": p["denominator"]} for key, p in kpis.items()},
        "service_index": coverage.explain_index(service_index(classified, kpis, total), missing),
        "previous": previous_summary(ctx, data),
        "processing_days": processing_days(classified),
        "late_dossiers": late_dossiers(classified, ctx.end).to_dict(orient="records"),
        "backlog_by_age": backlog_by_age(classified, ctx.end).to_dict(orient="records"),
        "excluded_rows": data.excluded.to_dict(orient="records"),
        "data_quality": {
            "errors": int(len(data.errors)),
            "warnings": len(warning_list),
            "excluded_rows": int(len(data.excluded)),
            "duplicates_dropped": data.duplicates_dropped,
            "due_dates_computed": int(data.dossiers[S.DUE_COMPUTED].sum()),
            "exports": data.exports,
            "warning_list": warning_list,
            "notices": notices,
            "missing_columns": list(missing),
        },
        **plan_summary(used_plan, ctx, {key: part["value"] for key, part in kpis.items()},
                       plan.year if plan is not None and used_plan is None else None),
    }
    coverage.blank_lists(summary, missing)
    return summary


def _read_warnings(data: DossierData, missing: dict[str, list[str]]) -> list[dict]:
    """The warnings of the checks, less those of a missing column a notice of the period says more of."""
    said = {(file, column, MISSING_COLUMN_WARNINGS[column][1]) for column, files in missing.items()
            if column in MISSING_COLUMN_WARNINGS for file in files}
    records = data.warnings.drop(columns="severity").to_dict(orient="records")
    return [r for r in records if (r["file"], r["column"], r["problem_en"]) not in said]
