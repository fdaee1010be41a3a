"""Dossiers in a period window.

Dates are compared as calendar dates (times of day ignored), both ends inclusive.
Refused dossiers (từ chối tiếp nhận) were never taken in and are left out.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from . import schema as S


def received_in(dossiers: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The dossiers taken in between ``start`` and ``end`` (both inclusive), refused ones left out.

    >>> frame = pd.DataFrame({
    ...     S.RECEIVED_AT: pd.to_datetime(["2023-03-14 16:00", "2023-03-15 00:00", "2023-01-02 09:00", "2022-12-15 08:00"]),
    ...     S.OUTCOME: ["resolved", "", "refused", ""],
    ... })
    >>> len(received_in(frame, dt.date(2022, 12, 15), dt.date(2023, 3, 14)))
    2
    """
    day = dossiers[S.RECEIVED_AT].dt.normalize()
    inside = day.between(pd.Timestamp(start), pd.Timestamp(end)) & (dossiers[S.OUTCOME] != S.REFUSED)
    return dossiers.loc[inside]


def count_by_month(dossiers: pd.DataFrame, column: str = S.RECEIVED_AT) -> pd.Series:
    """Number of dossiers per calendar month of ``column``, months without any included as 0.

    >>> frame = pd.DataFrame({S.RECEIVED_AT: pd.to_datetime(["2023-01-05", "2023-03-01", "2023-03-02"])})
    >>> count_by_month(frame).to_dict()
    {'01/2023': 1, '02/2023': 0, '03/2023': 2}
    """
    if dossiers.empty:
        return pd.Series(dtype="int64", name="count")
    months = dossiers[column].dt.to_period("M")
    counts = months.value_counts().reindex(pd.period_range(months.min(), months.max(), freq="M"), fill_value=0)
    counts.index = counts.index.strftime("%m/%Y")
    return counts.sort_index(key=lambda idx: pd.to_datetime(idx, format="%m/%Y")).rename("count")
