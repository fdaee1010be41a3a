"""The figures of any window of two dates, of all dossiers or of one field or procedure: what the
analyst's notebook (``notebooks/explore.ipynb``) shows.

The rules are a period's (:mod:`.dossiers`): the same dossiers concern a window, Biểu II.06a counts
them alike, and a figure whose columns an export of the window lacks is unknown, as in the report
(:mod:`.coverage`). Only the canonical columns of a dossier are shown (:data:`SHOWN_COLUMNS`): no
column of an export the checks did not name.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..inputs import schema as S
from ..inputs.loading import DossierData
from ..inputs.plan import STATE_VI, Plan, milestone_status
from . import coverage
from .dossiers import (
    COUNT_KEYS,
    TOTAL_LABEL,
    UNKNOWN_FIELD,
    classify_dossiers,
    late_dossiers,
    received_by_month,
    tthc_table,
)

SHOWN_COLUMNS: tuple[str, ...] = (S.DOSSIER_ID, S.PROCEDURE, S.FIELD, S.RECEIVED_AT, S.DUE_AT, S.RESOLVED_AT,
                                  S.OUTCOME, S.CHANNEL)
MILESTONE_COLUMNS: tuple[str, ...] = ("task_id", "area", "task", "label", "due", "state", "state_vi", "done_at",
                                      "days_overdue", "latest_status", "latest_date")


def select(dossiers: pd.DataFrame, field: str = "", procedure: str = "") -> pd.DataFrame:
    """The dossiers of ``field`` and of ``procedure`` as written in the data (an empty one: any).

    >>> frame = pd.DataFrame({S.FIELD: ["Hộ tịch", "Chứng thực"], S.PROCEDURE: ["Khai sinh", "Chữ ký"]})
    >>> select(frame, field="Hộ tịch")[S.PROCEDURE].tolist(), len(select(frame, "Hộ tịch", "Chữ ký"))
    (['Khai sinh'], 0)
    """
    chosen = pd.Series(True, index=dossiers.index)
    for column, value in ((S.FIELD, field), (S.PROCEDURE, procedure)):
        if value:
            chosen &= (dossiers[column].astype(object) == value).fillna(False).astype(bool)
    return dossiers.loc[chosen]


def _classified(data: DossierData, start: dt.date, end: dt.date, field: str, procedure: str) -> pd.DataFrame:
    return classify_dossiers(select(data.dossiers, field, procedure), start, end)


def window_dossiers(data: DossierData, start: dt.date, end: dt.date, field: str = "",
                    procedure: str = "") -> pd.DataFrame:
    """The dossiers that concern the window [``start``, ``end``] (received in it, or before it and
    not finished by its first day; refused ones left out), of ``field`` and ``procedure`` (empty:
    any), in :data:`SHOWN_COLUMNS`, by date of receipt."""
    classified = _classified(data, start, end, field, procedure)
    shown = classified[list(SHOWN_COLUMNS)].sort_values([S.RECEIVED_AT, S.DOSSIER_ID], kind="stable")
    return shown.reset_index(drop=True)


def window_counts(data: DossierData, start: dt.date, end: dt.date, field: str = "",
                  procedure: str = "") -> pd.DataFrame:
    """Biểu II.06a of the window [``start``, ``end``] (both inclusive), of ``field`` and
    ``procedure`` (empty: any): one row per field, most dossiers first, and a last row ``Tổng số``;
    columns :data:`~cchc_lib.figures.dossiers.COUNT_KEYS`. A count is missing (NA) where an export
    with dossiers of the window lacks a column it needs, or where the channel of some is unknown.

    >>> data = DossierData(pd.DataFrame({
    ...     S.FIELD: ["Hộ tịch"], S.PROCEDURE: ["Khai sinh"], S.RECEIVED_AT: pd.to_datetime(["2023-03-01"]),
    ...     S.DUE_AT: pd.to_datetime(["2023-03-02"]), S.RESOLVED_AT: pd.to_datetime(["2023-03-03"]),
    ...     S.OUTCOME: ["resolved"], S.CHANNEL: ["online"], S.SOURCE_FILE: ["dossiers.csv"]}),
    ...     pd.DataFrame(), pd.DataFrame(), 0)
    >>> window_counts(data, dt.date(2023, 3, 1), dt.date(2023, 3, 31)).loc["Tổng số", "resolved_late"]
    np.int64(1)
    """
    classified = _classified(data, start, end, field, procedure)
    table = tthc_table(classified)
    missing = coverage.missing_here(data, classified)
    unknown = [key for key in COUNT_KEYS if coverage.unknown(coverage.COUNT_NEEDS[key], missing)]
    table[unknown] = pd.NA
    return table


def window_late(data: DossierData, start: dt.date, end: dt.date, field: str = "", procedure: str = "",
                status: str = "") -> pd.DataFrame | None:
    """The dossiers of the window finished after their due date (``status`` ``resolved_late``) or
    pending past it at the window's end (``pending_overdue``; empty: both), of ``field`` and
    ``procedure`` (empty: any), as :func:`~cchc_lib.figures.dossiers.late_dossiers` lists them,
    most days late first. None where an export of the window does not tell when or how dossiers
    were finished; ``apology`` missing where one does not give the apology."""
    classified = _classified(data, start, end, field, procedure)
    missing = coverage.missing_here(data, classified)
    if coverage.unknown(coverage.FINISHING, missing):
        return None
    late = late_dossiers(classified, end)
    if S.APOLOGY_AT in missing:
        late["apology"] = pd.NA
    return late.loc[late["status"] == status].reset_index(drop=True) if status else late


def window_months(data: DossierData, start: dt.date, end: dt.date, field: str = "",
                  procedure: str = "") -> list[dict]:
    """The dossiers of ``field`` and ``procedure`` (empty: any) received in the window per calendar
    month (:func:`~cchc_lib.figures.dossiers.received_by_month`, what a chart of
    :mod:`cchc_lib.outputs.charts` draws); ``online`` missing where an export of the window gives no
    channel."""
    chosen = select(data.dossiers, field, procedure)
    months = received_by_month(chosen, start, end)
    if S.CHANNEL in coverage.missing_here(data, classify_dossiers(chosen, start, end)):
        months = [{**month, "online": None} for month in months]
    return months


def months_by_field(data: DossierData, start: dt.date, end: dt.date) -> dict[str, list[dict]]:
    """:func:`window_months` of each field the data names that has dossiers in the window, most
    dossiers first."""
    fields = [f for f in window_counts(data, start, end).index if f not in (TOTAL_LABEL, UNKNOWN_FIELD)]
    return {name: window_months(data, start, end, field=name) for name in fields}


def window_milestones(plan: Plan | None, start: dt.date, end: dt.date, cutoff: str = "decree09") -> pd.DataFrame:
    """The plan's milestones due in the window [``start``, ``end``] or overdue at its end, each with
    its state at the end (:func:`~cchc_lib.inputs.plan.milestone_status`, ``state_vi`` its name in
    Vietnamese), by area and task; no rows without a plan."""
    if plan is None:
        return pd.DataFrame(columns=list(MILESTONE_COLUMNS))
    status = milestone_status(plan, start, end, cutoff)
    shown = status.loc[status["in_window"] | (status["state"] == "overdue")]
    return shown.assign(state_vi=shown["state"].map(STATE_VI))[list(MILESTONE_COLUMNS)].reset_index(drop=True)
