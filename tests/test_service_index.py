import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from cchc_lib import load_dossiers, validate_data
from cchc_lib.base.errors import DataError
from cchc_lib.figures.dossiers import classify_dossiers, compute_kpis, tthc_table
from cchc_lib.figures.service_index import RULES_FILE, load_table, score, service_index
from cchc_lib.inputs import schema as S

from .conftest import write_data_dir

START, END = dt.date(2023, 3, 1), dt.date(2023, 3, 31)
HEADER = "group,group_name,group_max,indicator,name,measure,target,max,note"


def _kpi(numerator, denominator):
    if numerator is None:
        return {"value": None, "numerator": None, "denominator": None}
    return {"value": numerator / denominator if denominator else None, "numerator": numerator,
            "denominator": denominator}


KPIS = {
    "progress_766": _kpi(97, 100),  # R = 0.97 < T = 1: 0.97 × 16 = 15.52
    "online_rate": _kpi(30, 50),  # R = 0.6 ≥ T = 0.5: all 6 points
    "full_online_rate": _kpi(12, 30),  # R = 0.4 < 0.8: 0.4 × 6 / 0.8 = 3
    "satisfaction_rate": _kpi(45, 50),  # R = 0.9 < 1: 0.9 × 18 = 16.2
    "e_result_rate": _kpi(None, None),  # the exports give no electronic result
}
COUNTS = {"resolved_early": 20, "resolved_total": 80}  # R = 0.25 < 0.5: 0.25 × 4 / 0.5 = 2


def _dossiers(payments: list[str | None] | None) -> pd.DataFrame:
    """Four dossiers received in March 2023, resolved early; with a payment column unless None."""
    n = 4
    frame = pd.DataFrame({
        S.FIELD: ["Hộ tịch"] * n,
        S.RECEIVED_AT: pd.to_datetime(["2023-03-01"] * n),
        S.DUE_AT: pd.to_datetime(["2023-03-03"] * n),
        S.RESOLVED_AT: pd.to_datetime(["2023-03-02"] * n),
        S.OUTCOME: ["resolved"] * n,
        S.CHANNEL: ["online", "online", "direct", "direct"],
    })
    return frame if payments is None else frame.assign(**{S.PAYMENT: payments})


def _by_id(index: dict) -> dict:
    return {i["indicator"]: i for g in index["groups"] for i in g["indicators"]}


def _group(index: dict, group: str) -> dict:
    return next(g for g in index["groups"] if g["group"] == group)


def test_the_proportional_rule_worked_by_hand():
    assert score(0.97, 1.0, 16) == 15.52
    assert score(1.0, 1.0, 16) == 16 and score(0.99, 0.5, 4) == 4
    assert score(0.25, 0.5, 4) == 2 and score(0.0, 0.5, 10) == 0


def test_points_of_each_indicator_group_and_total_by_hand():
    classified = classify_dossiers(_dossiers(None), START, END)
    index = service_index(classified, KPIS, COUNTS)
    json.dumps(index)  # JSON-ready
    got = {key: (i["points"], i["computable"]) for key, i in _by_id(index).items()}
    assert got == {
        "1.1": (None, False), "1.2": (None, False),
        "2.1": (15.52, True), "2.2": (2.0, True),
        "3.1": (6.0, True), "3.2": (3.0, True),
        "4.1": (None, False),
        "5.1": (16.2, True),
        "6.1": (None, False), "6.2": (None, False),
    }
    item = _by_id(index)["2.1"]
    assert (item["ratio"], item["numerator"], item["denominator"]) == (0.97, 97, 100)
    assert (item["target"], item["max"]) == (1, 16)
    assert _by_id(index)["2.2"]["target"] == 0.5
    assert [(g["group"], g["max"], g["points"], g["computable"]) for g in index["groups"]] == [
        ("1", 18, None, False), ("2", 20, 17.52, True), ("3", 12, 9.0, True), ("4", 10, None, False),
        ("5", 18, 16.2, True), ("6", 22, None, False)]
    assert index["points"] == 42.72  # 15.52 + 2 + 6 + 3 + 16.2
    assert index["max_computable"] == 50  # 16 + 4 + 6 + 6 + 18
    assert (index["source"], index["max"]) == ("Quyết định 766/QĐ-TTg", 100)
    assert index["rule"] == "P khi R ≥ T, ngược lại R × P / T"


def test_what_the_data_cannot_tell_is_not_zero_and_says_why():
    kpis = {**KPIS, "online_rate": _kpi(None, None), "full_online_rate": _kpi(None, None),
            "satisfaction_rate": _kpi(0, 0)}
    index = service_index(classify_dossiers(_dossiers(None), START, END), kpis, {**COUNTS, "resolved_early": 0,
                                                                                 "resolved_total": 0})
    items = _by_id(index)
    for key in ("1.1", "2.2", "3.1", "3.2", "4.1", "5.1", "6.1", "6.2"):
        assert items[key]["points"] is None and items[key]["computable"] is False and items[key]["ratio"] is None
        assert items[key]["note"]
    assert "không rõ hình thức nộp" in items["3.1"]["note"]
    assert "không có hồ sơ nào đã giải quyết" in items["2.2"]["note"]
    assert "thanh toán" in items["4.1"]["note"]
    for group in ("3", "4", "5", "6"):
        assert _group(index, group)["points"] is None and _group(index, group)["computable"] is False
    assert _group(index, "2")["points"] == 15.52 and index["points"] == 15.52 and index["max_computable"] == 16


def test_nothing_computable_gives_null_points():
    kpis = {key: _kpi(0, 0) for key in KPIS}
    index = service_index(classify_dossiers(_dossiers(None).iloc[:0], START, END), kpis, {})
    assert index["points"] is None and index["max_computable"] == 0
    assert all(g["points"] is None for g in index["groups"])


def test_a_payment_column_makes_online_payment_computable():
    # paid online, paid in cash, no fee, not written: 1 / (1 + 1) = 0.5 ≥ T = 0.5 → all 10 points
    classified = classify_dossiers(_dossiers(["online", "direct", "none", None]), START, END)
    item = _by_id(service_index(classified, KPIS, COUNTS))["4.1"]
    assert (item["numerator"], item["denominator"], item["ratio"], item["points"], item["computable"]) == (
        1, 2, 0.5, 10.0, True)
    # 1 of 3 paid online: 1/3 × 10 / 0.5 = 6.67
    classified = classify_dossiers(_dossiers(["online", "direct", "direct", None]), START, END)
    assert _by_id(service_index(classified, KPIS, COUNTS))["4.1"]["points"] == 6.67
    # the column there but no fee paid in the window: not computable either
    classified = classify_dossiers(_dossiers(["none", "none", None, None]), START, END)
    item = _by_id(service_index(classified, KPIS, COUNTS))["4.1"]
    assert item["computable"] is False and item["denominator"] == 0 and item["points"] is None


def test_a_payment_column_left_empty_is_as_no_column():
    classified = classify_dossiers(_dossiers([None] * 4), START, END)
    item = _by_id(service_index(classified, KPIS, COUNTS))["4.1"]
    assert item["computable"] is False and item["numerator"] is None


def test_the_shipped_table_adds_up():
    table = load_table()
    groups: dict[str, list] = {}
    for item in table:
        groups.setdefault(item.group, []).append(item)
    assert list(groups) == ["1", "2", "3", "4", "5", "6"]
    assert [items[0].group_max for items in groups.values()] == [18, 20, 12, 10, 18, 22]
    assert sum(items[0].group_max for items in groups.values()) == 100
    for items in groups.values():
        assert sum(item.max for item in items) == items[0].group_max
    measures = {item.indicator: item.measure for item in table}
    assert measures["2.1"] == "progress_766" and measures["2.2"] == "early_share"
    assert measures["4.1"] == "online_payment_rate" and measures["1.1"] == ""
    assert all("cách đọc của dự án" in item.note for item in table)
    assert RULES_FILE.name == "service_index_766.csv"


def _table(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "service_index.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


GOOD_ROWS = [
    "1,Một,40,1.1,A,,100,40,",
    "2,Hai,60,2.1,B,progress_766,100,50,",
    "2,Hai,60,2.2,C,early_share,50,10,",
]


def test_a_table_that_adds_up_is_read(tmp_path):
    table = load_table(_table(tmp_path, GOOD_ROWS))
    assert [(i.indicator, i.max, i.row) for i in table] == [("1.1", 40, 2), ("2.1", 50, 3), ("2.2", 10, 4)]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([GOOD_ROWS[0], GOOD_ROWS[1], "2,Hai,60,2.2,C,early_share,50,9,"],
         r"service_index\.csv, row 4: the indicators of group 2 \(rows 3, 4\) add up to 59 points, not the group's 60"),
        (["1,Một,30,1.1,A,,100,30,", *GOOD_ROWS[1:]], r"row 4: the groups add up to 90 points, not 100"),
        ([GOOD_ROWS[0], "2,Hai,60,2.1,B,speed,100,50,", GOOD_ROWS[2]], r"row 3: measure 'speed' is not one"),
        ([GOOD_ROWS[0], "2,Hai,60,2.1,B,progress_766,nhiều,50,", GOOD_ROWS[2]],
         r"row 3: target 'nhiều' is not a number"),
        ([GOOD_ROWS[0], "2,Hai,60,2.1,B,progress_766,120,50,", GOOD_ROWS[2]], r"row 3: target '120' is a percentage"),
        ([GOOD_ROWS[0], "2,Hai,60,3.1,B,progress_766,100,50,", GOOD_ROWS[2]],
         r"row 3: indicator '3.1' is not of group"),
        ([*GOOD_ROWS, "2,Hai,60,2.2,C,early_share,50,0,"], r"row 5: max '0' must be more than 0"),
        ([GOOD_ROWS[0], GOOD_ROWS[1], "2,Ba,60,2.2,C,early_share,50,10,"], r"row 4: group 2 has group_name"),
    ],
)
def test_a_broken_table_names_the_file_and_row(tmp_path, rows, message):
    with pytest.raises(DataError, match=message):
        load_table(_table(tmp_path, rows))


def test_a_table_without_a_column_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("group,indicator,max\n1,1.1,100\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"t\.csv, row 1: the header lacks group_name"):
        load_table(path)


def test_a_custom_table_is_scored(tmp_path):
    table = load_table(_table(tmp_path, GOOD_ROWS))
    index = service_index(classify_dossiers(_dossiers(None), START, END), KPIS, COUNTS, table)
    # 0.97 × 50 = 48.5; 0.25 × 10 / 0.5 = 5
    assert [(i["indicator"], i["points"]) for g in index["groups"] for i in g["indicators"]] == [
        ("1.1", None), ("2.1", 48.5), ("2.2", 5.0)]
    assert index["points"] == 53.5 and index["max_computable"] == 60


PAYMENT_HEADER = ("Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Kết quả xử lý,Hình thức nộp,"
                  "Thanh toán trực tuyến")


def test_an_export_with_a_payment_column_read_end_to_end(tmp_path):
    folder = write_data_dir(tmp_path / "d", [
        "T1,06/03/2023,08/03/2023,07/03/2023,Đã giải quyết,Trực tuyến,Có",
        "T2,06/03/2023,08/03/2023,07/03/2023,Đã giải quyết,Trực tiếp,Tiền mặt",
        "T3,06/03/2023,08/03/2023,07/03/2023,Đã giải quyết,Trực tuyến,Qua mạng",
        "T4,06/03/2023,08/03/2023,07/03/2023,Đã giải quyết,Trực tiếp,Miễn phí",
        "T5,06/03/2023,08/03/2023,07/03/2023,Đã giải quyết,Trực tiếp,",
    ], header=PAYMENT_HEADER)
    dossiers = load_dossiers(folder).dossiers
    assert dossiers[S.PAYMENT].astype(object).where(dossiers[S.PAYMENT].notna(), None).tolist() == [
        "online", "direct", "online", "none", None]
    classified = classify_dossiers(dossiers, START, END)
    counts = tthc_table(classified).loc["Tổng số"].astype(int).to_dict()
    item = _by_id(service_index(classified, compute_kpis(classified), counts))["4.1"]
    # 2 paid online of 3 paid: 2/3 ≥ 0.5 → 10 points
    assert (item["numerator"], item["denominator"], item["points"]) == (2, 3, 10.0)


def test_an_export_without_a_payment_column_is_read_as_before(tmp_path):
    folder = write_data_dir(tmp_path / "d", ["T1,06/03/2023,08/03/2023,07/03/2023,Đã giải quyết,Trực tuyến"],
                            header=PAYMENT_HEADER.rsplit(",", 1)[0])
    assert validate_data(folder).query("severity == 'error'").empty
    dossiers = load_dossiers(folder).dossiers
    assert dossiers[S.PAYMENT].isna().all()
    classified = classify_dossiers(dossiers, START, END)
    counts = tthc_table(classified).loc["Tổng số"].astype(int).to_dict()
    item = _by_id(service_index(classified, compute_kpis(classified), counts))["4.1"]
    assert item["computable"] is False and item["points"] is None


def test_an_unknown_payment_value_names_file_row_and_column(tmp_path):
    folder = write_data_dir(tmp_path / "d", [
        "T1,06/03/2023,08/03/2023,07/03/2023,Đã giải quyết,Trực tuyến,Có",
        "T2,06/03/2023,08/03/2023,07/03/2023,Đã giải quyết,Trực tiếp,Bằng vàng",
    ], header=PAYMENT_HEADER)
    errors = validate_data(folder).query("severity == 'error'")
    assert [(r.file, r.row, r.column, r.value, r.problem_en) for r in errors.itertuples()] == [
        ("dossiers.csv", 3, S.PAYMENT, "Bằng vàng", "unknown value")]
    with pytest.raises(DataError, match="payment"):
        load_dossiers(folder)
