"""Biểu II.06a rules, one behaviour per test, on hand-built frames; then properties on random data."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_lib.base.periods import parse_period
from cchc_lib.figures.dossiers import (
    COUNT_KEYS,
    TOTAL_LABEL,
    backlog_by_age,
    classify_dossiers,
    compute_kpis,
    late_dossiers,
    processing_days,
    tthc_table,
)
from cchc_lib.inputs import schema as S

START, END = dt.date(2023, 3, 15), dt.date(2023, 6, 14)  # 2023-Q2 under decree09


def frame(*rows: dict) -> pd.DataFrame:
    """Typed dossiers from short dicts (dates as dd/mm/yyyy text)."""
    defaults = {S.DOSSIER_ID: None, S.PROCEDURE: "P", S.FIELD: "Hộ tịch", S.RECEIVED_AT: None, S.DUE_AT: None,
                S.RESOLVED_AT: None, S.OUTCOME: None, S.CHANNEL: "direct", S.ONLINE_LEVEL: None, S.E_RESULT: None,
                S.SATISFACTION: None, S.APOLOGY_AT: None}
    records = [{**defaults, S.DOSSIER_ID: f"D{i}", **row} for i, row in enumerate(rows)]
    out = pd.DataFrame(records, columns=list(defaults))
    for column in S.DATE_COLUMNS:
        out[column] = pd.to_datetime(out[column], format="%d/%m/%Y %H:%M", errors="coerce").fillna(
            pd.to_datetime(out[column], format="%d/%m/%Y", errors="coerce"))
    out[S.E_RESULT] = out[S.E_RESULT].astype("boolean")
    return out


def counts(df: pd.DataFrame, start=START, end=END) -> dict[str, int]:
    return tthc_table(classify_dossiers(df, start, end)).loc[TOTAL_LABEL].to_dict()


def only(**nonzero) -> dict[str, int]:
    return {key: nonzero.get(key, 0) for key in COUNT_KEYS}


def test_received_on_the_first_day_counts_in_the_period():
    df = frame({S.RECEIVED_AT: "15/03/2023 07:30", S.DUE_AT: "15/06/2023"})
    assert counts(df) == only(received_total=1, received_direct_postal=1, pending_total=1, pending_in_term=1)


def test_received_on_the_last_day_late_in_the_evening_counts_in_the_period():
    df = frame({S.RECEIVED_AT: "14/06/2023 23:59", S.DUE_AT: "14/06/2023", S.CHANNEL: "online"})
    assert counts(df) == only(received_total=1, received_online=1, pending_total=1, pending_overdue=1)


def test_received_the_day_after_the_end_is_outside():
    assert counts(frame({S.RECEIVED_AT: "15/06/2023", S.DUE_AT: "15/06/2023"})) == only()


def test_postal_counts_with_direct():
    df = frame({S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "30/06/2023", S.CHANNEL: "postal"})
    assert counts(df)["received_direct_postal"] == 1


def test_finished_the_day_before_the_start_is_not_carried_over():
    df = frame({S.RECEIVED_AT: "10/03/2023", S.DUE_AT: "14/03/2023",
                S.RESOLVED_AT: "14/03/2023", S.OUTCOME: "resolved"})
    assert counts(df) == only()


def test_finished_on_the_first_day_is_carried_over_and_resolved():
    df = frame({S.RECEIVED_AT: "10/03/2023", S.DUE_AT: "16/03/2023",
                S.RESOLVED_AT: "15/03/2023", S.OUTCOME: "resolved"})
    assert counts(df) == only(received_total=1, carried_over=1, resolved_total=1, resolved_early=1)


def test_received_before_and_still_pending_is_carried_over():
    df = frame({S.RECEIVED_AT: "01/02/2023", S.DUE_AT: "01/08/2023"})
    assert counts(df) == only(received_total=1, carried_over=1, pending_total=1, pending_in_term=1)


@pytest.mark.parametrize(
    ("resolved", "key"),
    [("19/04/2023", "resolved_early"), ("20/04/2023", "resolved_on_time"), ("21/04/2023", "resolved_late")],
)
def test_resolved_before_on_or_after_the_due_date(resolved, key):
    df = frame({S.RECEIVED_AT: "17/04/2023 09:00", S.DUE_AT: "20/04/2023", S.RESOLVED_AT: f"{resolved} 16:45",
                S.OUTCOME: "resolved"})
    assert counts(df) == only(received_total=1, received_direct_postal=1, resolved_total=1, **{key: 1})


@pytest.mark.parametrize("outcome", ["withdrawn", "returned"])
def test_withdrawn_and_returned_count_as_on_time_even_after_the_due_date(outcome):
    df = frame({S.RECEIVED_AT: "17/04/2023", S.DUE_AT: "18/04/2023", S.RESOLVED_AT: "28/04/2023", S.OUTCOME: outcome})
    assert counts(df)["resolved_on_time"] == 1 and counts(df)["resolved_late"] == 0


def test_refused_dossiers_are_left_out():
    df = frame({S.RECEIVED_AT: "17/04/2023", S.RESOLVED_AT: "17/04/2023", S.OUTCOME: "refused"})
    assert counts(df) == only()


def test_pending_due_on_the_last_day_is_overdue():
    df = frame({S.RECEIVED_AT: "12/06/2023", S.DUE_AT: "14/06/2023"})
    assert counts(df)["pending_overdue"] == 1


def test_pending_due_the_day_after_the_end_is_in_term():
    df = frame({S.RECEIVED_AT: "12/06/2023", S.DUE_AT: "15/06/2023"})
    assert counts(df)["pending_in_term"] == 1


def test_finished_after_the_end_is_pending_at_the_end():
    df = frame({S.RECEIVED_AT: "12/06/2023", S.DUE_AT: "13/06/2023",
                S.RESOLVED_AT: "16/06/2023", S.OUTCOME: "resolved"})
    assert counts(df) == only(received_total=1, received_direct_postal=1, pending_total=1, pending_overdue=1)


def test_table_has_a_row_per_field_most_dossiers_first_and_a_total():
    df = frame(
        {S.FIELD: "Chứng thực", S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "20/03/2023"},
        {S.FIELD: "Hộ tịch", S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "20/03/2023"},
        {S.FIELD: "Hộ tịch", S.RECEIVED_AT: "21/03/2023", S.DUE_AT: "21/03/2023"},
        {S.FIELD: "", S.RECEIVED_AT: "21/03/2023", S.DUE_AT: "21/03/2023"},
    )
    table = tthc_table(classify_dossiers(df, START, END))
    assert table.index.tolist() == ["Hộ tịch", "Chứng thực", "Không rõ lĩnh vực", "Tổng số"]
    assert table["received_total"].tolist() == [2, 1, 1, 4]
    assert list(table.columns) == list(COUNT_KEYS) and (table.dtypes == "Int64").all()


def test_kpis_follow_their_definitions():
    df = frame(
        {S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "22/03/2023", S.RESOLVED_AT: "21/03/2023", S.OUTCOME: "resolved",
         S.CHANNEL: "online", S.ONLINE_LEVEL: "full", S.E_RESULT: True, S.SATISFACTION: "satisfied"},
        {S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "22/03/2023", S.RESOLVED_AT: "24/03/2023", S.OUTCOME: "resolved",
         S.CHANNEL: "online", S.ONLINE_LEVEL: "partial", S.E_RESULT: False, S.SATISFACTION: "neutral",
         S.APOLOGY_AT: "21/03/2023"},
        {S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "22/03/2023", S.RESOLVED_AT: "22/03/2023", S.OUTCOME: "withdrawn"},
        {S.RECEIVED_AT: "01/06/2023", S.DUE_AT: "05/06/2023"},  # pending overdue, no apology
        {S.RECEIVED_AT: "13/06/2023", S.DUE_AT: "20/06/2023"},  # pending in term
    )
    kpis = {k: v["value"] for k, v in compute_kpis(classify_dossiers(df, START, END)).items()}
    assert kpis == {
        "on_time_rate": 2 / 3,
        "online_rate": 2 / 5,
        "full_online_rate": 1 / 2,
        "e_result_rate": 1 / 2,
        "satisfaction_rate": 1 / 2,
        "apology_coverage": 1 / 2,
        "progress_766": 3 / 5,
    }


def test_a_rate_without_denominator_is_none():
    kpis = compute_kpis(classify_dossiers(frame({S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "30/06/2023"}), START, END))
    assert kpis["on_time_rate"] == {"value": None, "numerator": 0, "denominator": 0}
    assert kpis["online_rate"]["value"] == 0.0


def test_late_list_counts_working_days_and_apology():
    df = frame(
        {S.DOSSIER_ID: "L1", S.RECEIVED_AT: "17/04/2023", S.DUE_AT: "27/04/2023", S.RESOLVED_AT: "04/05/2023",
         S.OUTCOME: "resolved", S.APOLOGY_AT: "26/04/2023"},  # 28/04 and 04/05 are working days; 29/04–03/05 not
        {S.DOSSIER_ID: "L2", S.RECEIVED_AT: "05/06/2023", S.DUE_AT: "12/06/2023"},  # pending, late to 14/06: 2 days
    )
    late = late_dossiers(classify_dossiers(df, START, END), END)
    assert late[[S.DOSSIER_ID, "status", "days_late", "apology"]].values.tolist() == [
        ["L1", "resolved_late", 2, True], ["L2", "pending_overdue", 2, False]]


def test_backlog_bands_by_working_days_since_receipt():
    df = frame({S.RECEIVED_AT: "12/06/2023", S.DUE_AT: "13/06/2023"},  # 2 days, overdue
               {S.RECEIVED_AT: "01/02/2023", S.DUE_AT: "01/08/2023"})  # > 40 days
    backlog = backlog_by_age(classify_dossiers(df, START, END), END).set_index("band")
    assert backlog.loc["0–5 ngày"].tolist() == [1, 1]
    assert backlog.loc["trên 40 ngày"].tolist() == [1, 0]
    assert backlog["pending"].sum() == 2


def test_processing_days_mean_and_p90_in_working_days():
    df = frame(*[{S.RECEIVED_AT: "06/03/2023", S.DUE_AT: "31/03/2023", S.RESOLVED_AT: f"{d:02d}/03/2023",
                  S.OUTCOME: "resolved"} for d in (6, 7, 8, 9, 10, 13, 14, 15, 16, 17)])  # 0..9 working days
    assert processing_days(classify_dossiers(df, dt.date(2023, 3, 1), dt.date(2023, 3, 31))) == {
        "count": 10, "mean": 4.5, "p90": 8.1}


# ---- properties on random data -------------------------------------------------------------------

DAY0 = dt.date(2022, 11, 1)


@st.composite
def dossier_rows(draw):
    received = DAY0 + dt.timedelta(days=draw(st.integers(0, 480)))
    due = received + dt.timedelta(days=draw(st.integers(0, 40)))
    finished = draw(st.booleans())
    resolved = received + dt.timedelta(days=draw(st.integers(0, 60))) if finished else None
    outcome = draw(st.sampled_from(["resolved", "withdrawn", "returned", "refused"])) if finished else None
    return {
        S.FIELD: draw(st.sampled_from(["Hộ tịch", "Chứng thực", "Đất đai"])),
        S.RECEIVED_AT: received.strftime("%d/%m/%Y"),
        S.DUE_AT: due.strftime("%d/%m/%Y"),
        S.RESOLVED_AT: resolved.strftime("%d/%m/%Y") if resolved else None,
        S.OUTCOME: outcome,
        S.CHANNEL: draw(st.sampled_from(["online", "direct", "postal"])),
    }


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(dossier_rows(), max_size=40), period=st.sampled_from(["2023-Q1", "2023-Q2", "2023-Q3", "2023-H1",
                                                                            "2023-9M", "2023-Y"]),
       cutoff=st.sampled_from(["decree09", "calendar"]))
def test_the_form_identities_hold_for_every_field(rows, period, cutoff):
    start, end = parse_period(period).window(cutoff)
    table = tthc_table(classify_dossiers(frame(*rows), start, end))
    t = table
    assert (t["received_total"] == t["received_online"] + t["received_direct_postal"] + t["carried_over"]).all()
    assert (t["received_total"] == t["resolved_total"] + t["pending_total"]).all()
    assert (t["resolved_total"] == t["resolved_early"] + t["resolved_on_time"] + t["resolved_late"]).all()
    assert (t["pending_total"] == t["pending_in_term"] + t["pending_overdue"]).all()
    assert (t.drop(index=TOTAL_LABEL).sum() == t.loc[TOTAL_LABEL]).all()


IN_PERIOD = ("received_online", "received_direct_postal", "resolved_total", "resolved_early", "resolved_on_time",
             "resolved_late")


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(dossier_rows(), max_size=40), half=st.sampled_from([("2023-Q1", "2023-Q2", "2023-H1"),
                                                                         ("2023-H1", "2023-Q3", "2023-9M"),
                                                                         ("2023-9M", "2023-Q4", "2023-Y")]))
def test_consecutive_decree09_periods_add_up_to_the_longer_one(rows, half):
    df = frame(*rows)
    first, second, whole = (counts(df, *parse_period(p).window("decree09")) for p in half)
    for key in IN_PERIOD:
        assert first[key] + second[key] == whole[key], key
    # what the first leaves pending is what the second carries over; the end states are the same
    assert first["pending_total"] == second["carried_over"]
    for key in ("pending_total", "pending_in_term", "pending_overdue"):
        assert second[key] == whole[key]


def test_unknown_channels_leave_the_online_split_unknown():
    df = frame({S.FIELD: "Hộ tịch", S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "30/06/2023", S.CHANNEL: None},
               {S.FIELD: "Chứng thực", S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "30/06/2023", S.CHANNEL: "online"})
    classified = classify_dossiers(df, START, END)
    table = tthc_table(classified)
    assert table.loc["Hộ tịch", ["received_online", "received_direct_postal"]].isna().all()
    assert table.loc["Chứng thực", ["received_online", "received_direct_postal"]].tolist() == [1, 0]
    assert table.loc[TOTAL_LABEL, ["received_online", "received_direct_postal"]].isna().all()
    assert table.loc[TOTAL_LABEL, "received_total"] == 2
    kpis = compute_kpis(classified)
    assert kpis["online_rate"] == {"value": None, "numerator": None, "denominator": None}
    assert kpis["progress_766"]["value"] == 1.0


def test_a_rate_whose_values_no_export_gives_is_unknown_not_zero():
    df = frame({S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "22/03/2023", S.RESOLVED_AT: "21/03/2023",
                S.OUTCOME: "resolved", S.CHANNEL: "online"},
               {S.RECEIVED_AT: "20/03/2023", S.DUE_AT: "22/03/2023", S.RESOLVED_AT: "21/03/2023",
                S.OUTCOME: "resolved", S.CHANNEL: "online", S.E_RESULT: True, S.ONLINE_LEVEL: "full"})
    classified = classify_dossiers(df, START, END)
    assert compute_kpis(classified)["e_result_rate"]["value"] == 0.5  # one filled, one empty: "no"
    assert compute_kpis(classified.iloc[:1])["e_result_rate"] == {"value": None, "numerator": None, "denominator": None}
    assert compute_kpis(classified.iloc[:1])["full_online_rate"]["value"] is None
