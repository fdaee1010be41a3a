"""Dossiers in a period window: the counts of Biểu II.06a, the plan's KPIs, the late list,
the backlog and processing times.

Rules (docs/figures.md, "The figures"), for a window [start, end]:

- calendar dates are compared, times ignored; both ends inclusive;
- refused dossiers (từ chối tiếp nhận) were never taken in and are left out;
- (4)/(5) received in the window online / direct or postal; (6) received before the start
  and not finished before it; (3) = (4)+(5)+(6);
- (7) finished in the window; (8) before the due date; (9) on the due date, and every
  withdrawn or returned dossier; (10) after the due date;
- (11) received by the end and not finished by it; (12) due after the end; (13) due on or
  before the end. (3) = (7)+(11).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..base.workdays import working_days_between_days
from ..inputs import schema as S

# The eleven counts of Biểu II.06a, columns (3) to (13), as the JSON names them (their Vietnamese
# headers: cchc_lib.outputs.tthc_form)
COUNT_KEYS: tuple[str, ...] = ("received_total", "received_online", "received_direct_postal", "carried_over",
                               "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
                               "pending_total", "pending_in_term", "pending_overdue")
CHANNEL_COUNTS = ("received_online", "received_direct_postal")
CHANNEL_UNKNOWN = "received_channel_unknown"  # received in the window through a channel no export gives
TOTAL_LABEL = "Tổng số"
UNKNOWN_FIELD = "Không rõ lĩnh vực"

KPI_KEYS, MAIN_KPIS = S.KPI_KEYS, S.MAIN_KPIS  # the seven rates (the main five first), once for every room
# a late dossier's status (``late_dossiers``) in words
LATE_STATUS_VI = {"resolved_late": "Đã giải quyết", "pending_overdue": "Đang giải quyết"}
# KPI -> Vietnamese name, in the order of KPI_KEYS (numerators and denominators as documented in summary.py)
KPI_NAMES_VI: dict[str, str] = {
    "on_time_rate": "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
    "online_rate": "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
    "full_online_rate": "Tỷ lệ hồ sơ trực tuyến toàn trình",
    "e_result_rate": "Tỷ lệ hồ sơ có kết quả điện tử (số hóa kết quả)",
    "satisfaction_rate": "Tỷ lệ hài lòng",
    "apology_coverage": "Tỷ lệ hồ sơ trễ hạn có thư xin lỗi",
    "progress_766": "Chỉ số tiến độ giải quyết (QĐ 766, 2.1)",
}
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0–5 ngày", 0, 5),
    ("6–10 ngày", 6, 10),
    ("11–20 ngày", 11, 20),
    ("21–40 ngày", 21, 40),
    ("trên 40 ngày", 41, None),
)


def _days(values: pd.Series) -> pd.Series:
    return values.dt.normalize()


def classify_dossiers(dossiers: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The dossiers that concern the window (refused left out), each with a boolean column per
    count of Biểu II.06a (named by :data:`COUNT_KEYS`).

    >>> frame = pd.DataFrame({
    ...     S.FIELD: ["Hộ tịch", "Hộ tịch", "Chứng thực"],
    ...     S.RECEIVED_AT: pd.to_datetime(["2023-03-01", "2023-03-02", "2023-02-20"]),
    ...     S.DUE_AT: pd.to_datetime(["2023-03-01", "2023-03-03", "2023-02-21"]),
    ...     S.RESOLVED_AT: pd.to_datetime(["2023-03-02", None, "2023-02-21"]),
    ...     S.OUTCOME: ["resolved", None, "resolved"],
    ...     S.CHANNEL: ["online", "direct", "postal"],
    ... })
    >>> c = classify_dossiers(frame, dt.date(2023, 3, 1), dt.date(2023, 3, 31))
    >>> c[["received_online", "resolved_late", "pending_overdue"]].sum().tolist()
    [1, 1, 1]
    """
    kept = dossiers
    taken_in = (dossiers[S.OUTCOME] != S.REFUSED).fillna(True).astype(bool)
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    received, due, resolved = _days(kept[S.RECEIVED_AT]), _days(kept[S.DUE_AT]), _days(kept[S.RESOLVED_AT])
    channel = kept[S.CHANNEL]
    received_in = taken_in & received.between(first, last)
    carried_over = taken_in & (received < first) & ~(resolved < first)
    in_scope = received_in | carried_over
    finished = in_scope & resolved.between(first, last)
    always_on_time = kept[S.OUTCOME].isin([S.WITHDRAWN, S.RETURNED])
    pending = in_scope & ~(resolved <= last)
    flags = pd.DataFrame(
        {
            "received_total": in_scope,
            "received_online": received_in & (channel == S.ONLINE),
            "received_direct_postal": received_in & channel.isin([S.DIRECT, S.POSTAL]),
            "carried_over": carried_over,
            "resolved_total": finished,
            "resolved_early": finished & ~always_on_time & (resolved < due),
            "resolved_on_time": finished & (always_on_time | (resolved == due)),
            "resolved_late": finished & ~always_on_time & (resolved > due),
            "pending_total": pending,
            "pending_in_term": pending & (due > last),
            "pending_overdue": pending & ~(due > last),
            CHANNEL_UNKNOWN: received_in & channel.isna(),
        },
        index=kept.index,
    )
    return pd.concat([kept.loc[in_scope], flags.loc[in_scope]], axis=1)


def tthc_table(classified: pd.DataFrame) -> pd.DataFrame:
    """Biểu II.06a: one row per field (most dossiers first) and a last row ``Tổng số``.

    Columns are :data:`COUNT_KEYS`, integer counts (Int64); the index holds the field names.
    Where some dossiers received in the window have no known channel, that row's (4) and (5)
    are missing (NA): the report says "không rõ" rather than a wrong split.
    """
    columns = [*COUNT_KEYS, CHANNEL_UNKNOWN]
    by_field = classified[columns].astype("int64").groupby(classified[S.FIELD], observed=True, dropna=False).sum()
    # a field the data does not give is counted as "Không rõ lĩnh vực"
    names = pd.Series(by_field.index.astype(object), index=by_field.index)
    by_field.index = names.where(names.notna() & (names != ""), UNKNOWN_FIELD).astype(str).tolist()
    by_field = by_field.groupby(level=0).sum()
    by_field = by_field.sort_index().sort_values("received_total", ascending=False, kind="stable")
    total = by_field.sum().to_frame(TOTAL_LABEL).T
    table = pd.concat([by_field, total]).astype("Int64")
    table.loc[table[CHANNEL_UNKNOWN] > 0, list(CHANNEL_COUNTS)] = pd.NA
    table = table.drop(columns=CHANNEL_UNKNOWN)
    table.index.name = S.FIELD
    return table


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def compute_kpis(classified: pd.DataFrame) -> dict[str, dict]:
    """The seven rates, each as ``{"value", "numerator", "denominator"}``; value None when
    the denominator is 0, and all three None when the data cannot tell the rate: some channels
    unknown (online rates), or no dossier of the denominator carrying the value at all (an
    export without electronic-result or service-level column). A cell left empty where others
    are filled counts as "no"."""
    c = classified
    finished_ok = c["resolved_total"] & (c[S.OUTCOME] == S.RESOLVED)
    rated = c["resolved_total"] & c[S.SATISFACTION].notna()
    late = c["resolved_late"] | c["pending_overdue"]
    parts = {
        "on_time_rate": ((c["resolved_early"] | c["resolved_on_time"]).sum(), c["resolved_total"].sum()),
        "online_rate": (c["received_online"].sum(), (c["received_online"] | c["received_direct_postal"]).sum()),
        "full_online_rate": ((c["received_online"] & (c[S.ONLINE_LEVEL] == S.FULL)).sum(), c["received_online"].sum()),
        "e_result_rate": ((finished_ok & c[S.E_RESULT].fillna(False).astype(bool)).sum(), finished_ok.sum()),
        "satisfaction_rate": ((rated & (c[S.SATISFACTION] == S.SATISFIED)).sum(), rated.sum()),
        "apology_coverage": ((late & c[S.APOLOGY_AT].notna()).sum(), late.sum()),
        "progress_766": (
            (c["resolved_early"] | c["resolved_on_time"] | c["pending_in_term"]).sum(), c["received_total"].sum()
        ),
    }
    result = {
        key: {"value": _rate(int(num), int(den)), "numerator": int(num), "denominator": int(den)}
        for key, (num, den) in parts.items()
    }
    unknown = {"value": None, "numerator": None, "denominator": None}
    if c[CHANNEL_UNKNOWN].any():  # the split by channel is not known for every dossier
        result["online_rate"] = result["full_online_rate"] = unknown
    # a column no export gives (every cell empty) is unknown, not "none of them"
    if finished_ok.any() and c.loc[finished_ok, S.E_RESULT].isna().all():
        result["e_result_rate"] = unknown
    if c["received_online"].any() and c.loc[c["received_online"], S.ONLINE_LEVEL].isna().all():
        result["full_online_rate"] = unknown
    return result


def late_dossiers(classified: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """Dossiers finished late in the window or pending past their due date at its end: code,
    procedure, field, status, due date, working days late (to the result, or to the end of the
    window), apology yes/no. Most days late first."""
    late = classified.loc[classified["resolved_late"] | classified["pending_overdue"],
                          [S.DOSSIER_ID, S.PROCEDURE, S.FIELD, S.DUE_AT, S.RESOLVED_AT, S.APOLOGY_AT, "resolved_late"]]
    finished = late["resolved_late"].to_numpy(dtype=bool)
    until = np.where(finished, late[S.RESOLVED_AT].to_numpy().astype("datetime64[D]"), np.datetime64(end, "D"))
    frame = pd.DataFrame({
        S.DOSSIER_ID: late[S.DOSSIER_ID].to_numpy(dtype=object),
        S.PROCEDURE: late[S.PROCEDURE].astype(object).where(late[S.PROCEDURE].notna(), None).to_numpy(),
        S.FIELD: late[S.FIELD].astype(object).where(late[S.FIELD].notna(), None).to_numpy(),
        "status": np.where(finished, "resolved_late", "pending_overdue").astype(object),
        S.DUE_AT: np.datetime_as_string(late[S.DUE_AT].to_numpy().astype("datetime64[D]")).astype(object),
        "days_late": working_days_between_days(late[S.DUE_AT], until).astype("int64"),
        "apology": late[S.APOLOGY_AT].notna().to_numpy(),
    }, columns=[S.DOSSIER_ID, S.PROCEDURE, S.FIELD, "status", S.DUE_AT, "days_late", "apology"])
    return frame.sort_values(["days_late", S.DOSSIER_ID], ascending=[False, True], kind="stable").reset_index(drop=True)


def backlog_by_age(classified: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """Dossiers pending at the end of the window by age (working days since receipt), with
    how many of them are overdue."""
    pending = classified.loc[classified["pending_total"], [S.RECEIVED_AT, "pending_overdue"]]
    ages = pd.Series(working_days_between_days(pending[S.RECEIVED_AT], np.datetime64(end, "D")), index=pending.index)
    rows = []
    for label, low, high in AGE_BANDS:
        inside = (ages >= low) & ((ages <= high) if high is not None else True)
        rows.append({"band": label, "pending": int(inside.sum()),
                     "overdue": int((inside & pending["pending_overdue"]).sum())})
    return pd.DataFrame(rows)


def processing_days(classified: pd.DataFrame) -> dict:
    """Processing time in working days of the dossiers resolved in the window (outcome
    resolved): count, mean and 90th percentile (None when there are none)."""
    done = classified.loc[classified["resolved_total"] & (classified[S.OUTCOME] == S.RESOLVED),
                          [S.RECEIVED_AT, S.RESOLVED_AT]]
    days = pd.Series(working_days_between_days(done[S.RECEIVED_AT], done[S.RESOLVED_AT]), dtype="float64")
    if days.empty:
        return {"count": 0, "mean": None, "p90": None}
    return {"count": int(days.size), "mean": round(float(days.mean()), 2), "p90": round(float(days.quantile(0.9)), 2)}


def received_in(dossiers: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The dossiers taken in between ``start`` and ``end`` (both inclusive), refused ones left out.

    >>> frame = pd.DataFrame({
    ...     S.RECEIVED_AT: pd.to_datetime(["2023-03-14 16:00", "2023-03-15 00:00",
    ...                                    "2023-01-02 09:00", "2022-12-15 08:00"]),
    ...     S.OUTCOME: ["resolved", "", "refused", ""],
    ... })
    >>> len(received_in(frame, dt.date(2022, 12, 15), dt.date(2023, 3, 14)))
    2
    """
    day = dossiers[S.RECEIVED_AT].dt.normalize()
    inside = day.between(pd.Timestamp(start), pd.Timestamp(end)) & (dossiers[S.OUTCOME] != S.REFUSED)
    return dossiers.loc[inside]


def received_by_month(dossiers: pd.DataFrame, start: dt.date, end: dt.date) -> list[dict]:
    """Dossiers received in the window [``start``, ``end``] (both inclusive, refused ones left
    out, as in (4)+(5)), per calendar month the window touches, months without any included.

    Each month: ``month`` (``2023-03``), ``label`` (``04/2023`` for a whole month; the days the
    window covers, ``15–31/03``, when it covers only part of the month), ``partial``,
    ``received`` and ``online`` (of those, received online; a dossier whose channel is unknown
    is not counted there).

    >>> frame = pd.DataFrame({
    ...     S.RECEIVED_AT: pd.to_datetime(["2023-03-14 16:00", "2023-03-15 08:00", "2023-04-30 17:00",
    ...                                    "2023-06-14 09:00", "2023-06-15 07:00", "2023-04-03 08:00"]),
    ...     S.OUTCOME: ["resolved", None, "resolved", None, None, "refused"],
    ...     S.CHANNEL: ["online", "online", "direct", None, "online", "online"],
    ... })
    >>> for m in received_by_month(frame, dt.date(2023, 3, 15), dt.date(2023, 6, 14)):
    ...     print(m["month"], m["label"], m["partial"], m["received"], m["online"])
    2023-03 15–31/03 True 1 1
    2023-04 04/2023 False 1 0
    2023-05 05/2023 False 0 0
    2023-06 01–14/06 True 1 0
    """
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    months = pd.period_range(first, last, freq="M")
    if months.empty:
        return []
    day = pd.to_datetime(dossiers[S.RECEIVED_AT]).dt.normalize()
    inside = day.between(first, last)
    if S.OUTCOME in dossiers:
        inside &= (dossiers[S.OUTCOME] != S.REFUSED).fillna(True).astype(bool)
    online = inside & (dossiers[S.CHANNEL] == S.ONLINE).fillna(False).astype(bool) if S.CHANNEL in dossiers else None
    # month number counted from the window's first month: 0, 1, ... (whole columns, no loop over rows)
    offset = ((day.dt.year - first.year) * 12 + day.dt.month - first.month).to_numpy()
    size = len(months)
    received_counts = np.bincount(offset[inside.to_numpy()].astype("int64"), minlength=size)
    online_counts = np.zeros(size, dtype="int64") if online is None else \
        np.bincount(offset[online.to_numpy()].astype("int64"), minlength=size)
    result = []
    for i, month in enumerate(months):
        low, high = max(month.start_time, first), min(month.end_time.normalize(), last)
        partial = (low, high) != (month.start_time, month.end_time.normalize())
        result.append({
            "month": month.strftime("%Y-%m"),
            "label": f"{low.day:02d}–{high.day:02d}/{low.month:02d}" if partial else month.strftime("%m/%Y"),
            "partial": partial,
            "received": int(received_counts[i]),
            "online": int(online_counts[i]),
        })
    return result
