import datetime as dt

from cchc_lib import schema as S
from cchc_lib.dossiers import count_by_month, received_in
from cchc_lib.ingest import load_dossiers


def test_received_in_counts_both_ends_ignores_times_and_leaves_out_refused(tiny_data):
    dossiers = load_dossiers(tiny_data)
    inside = received_in(dossiers, dt.date(2022, 12, 15), dt.date(2023, 3, 14))
    # A1 came the day before the start; A2 on the first day 08:00; A3 on the last day 16:59; A4 was refused.
    assert inside[S.DOSSIER_ID].tolist() == ["A2", "A3"]


def test_count_by_month_fills_empty_months(tiny_data):
    dossiers = load_dossiers(tiny_data)
    counts = count_by_month(received_in(dossiers, dt.date(2022, 12, 1), dt.date(2023, 3, 31)))
    assert counts.to_dict() == {"12/2022": 2, "01/2023": 0, "02/2023": 0, "03/2023": 1}
