import pandas as pd
import pytest

from cchc_lib.base.errors import DataError
from cchc_lib.inputs import schema as S
from cchc_lib.inputs.loading import load_dossiers
from cchc_lib.running.checks import validate_data

from .conftest import write_data_dir

GOOD = "G1,Đăng ký khai sinh,Hộ tịch,06/03/2023 09:00,06/03/2023,06/03/2023,resolved,direct,,true,satisfied,"


def _problems(tmp_path, rows, catalogue: str | None = None):
    folder = write_data_dir(tmp_path / "d", [GOOD, *rows])
    if catalogue is not None:
        (folder / "procedures.csv").write_text(catalogue, encoding="utf-8")
    table = validate_data(folder)
    return [(r.row, r.column, r.value, r.problem_en, r.severity) for r in table.itertuples()]


def test_a_clean_row_has_no_problem(tmp_path):
    assert _problems(tmp_path, []) == []


def test_values_are_typed_and_vietnamese_spellings_mapped(tmp_path):
    folder = write_data_dir(tmp_path / "d", [
        "V1,P,F,06/03/2023 09:00,2023-03-08,07/03/2023,Đã  giải quyết,TRỰC TUYẾN,Toàn trình,Có,Hài lòng,",
        "V2,P,F,06/03/2023,08/03/2023,,,Bưu chính công ích,,,,",
    ])
    dossiers = load_dossiers(folder).dossiers
    assert dossiers[[S.OUTCOME, S.CHANNEL, S.ONLINE_LEVEL, S.SATISFACTION]].iloc[0].tolist() == [
        "resolved", "online", "full", "satisfied"]
    assert dossiers[S.E_RESULT].tolist()[0] is True
    assert dossiers[S.CHANNEL].tolist()[1] == "postal"
    assert dossiers[S.DUE_AT].tolist() == [pd.Timestamp("2023-03-08"), pd.Timestamp("2023-03-08")]
    assert dossiers[S.RECEIVED_AT].dtype.kind == "M"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (",P,F,06/03/2023,06/03/2023,,,direct,,,,", (3, S.DOSSIER_ID, "", "required value missing")),
        ("B2,P,F,,06/03/2023,,,direct,,,,", (3, S.RECEIVED_AT, "", "required value missing")),
        ("B4,P,F,31/02/2023,06/03/2023,,,direct,,,,",
         (3, S.RECEIVED_AT, "31/02/2023", "date not understood (use dd/mm/yyyy)")),
        ("B5,P,F,03/06/2023,13/31/2023,,,direct,,,,",
         (3, S.DUE_AT, "13/31/2023", "date not understood (use dd/mm/yyyy)")),
        ("B6,P,F,06/03/2023,06/03/2023,06/03/2023,xong,direct,,,,", (3, S.OUTCOME, "xong", "unknown value")),
        ("B7,P,F,06/03/2023,06/03/2023,,,zalo,,,,", (3, S.CHANNEL, "zalo", "unknown value")),
        ("B8,P,F,06/03/2023,06/03/2023,,,online,mức 5,,,", (3, S.ONLINE_LEVEL, "mức 5", "unknown value")),
        ("B9,P,F,06/03/2023,06/03/2023,06/03/2023,resolved,direct,,có lẽ,,", (3, S.E_RESULT, "có lẽ", "unknown value")),
        ("B10,P,F,06/03/2023,06/03/2023,06/03/2023,resolved,direct,,,tạm được,",
         (3, S.SATISFACTION, "tạm được", "unknown value")),
        ("B11,P,F,06/03/2023,06/03/2023,05/03/2023,resolved,direct,,,,",
         (3, S.RESOLVED_AT, "05/03/2023", "resolved before it was received")),
        ("B12,P,F,06/03/2023,03/03/2023,,,direct,,,,", (3, S.DUE_AT, "03/03/2023", "due before it was received")),
        ("B13,P,F,06/03/2023,06/03/2023,,resolved,direct,,,,",
         (3, S.RESOLVED_AT, "", "finished outcome without a date")),
        ("B14,P,F,06/03/2023,06/03/2023,06/03/2023,,direct,,,,",
         (3, S.OUTCOME, "", "resolution date without an outcome")),
        ("B15,P,F,06/03/2023,,,,direct,,,,",
         (3, S.DUE_AT, "", "no due date, and the catalogue gives no legal time for the procedure")),
    ],
)
def test_each_rule_names_row_column_and_value(tmp_path, row, expected):
    assert _problems(tmp_path, [row]) == [(*expected, "error")]


def test_an_empty_channel_is_counted_as_unknown_with_a_warning(tmp_path):
    assert _problems(tmp_path, ["B3,P,F,06/03/2023,06/03/2023,,,,,,,"]) == [
        (3, S.CHANNEL, "", "channel not given: counted as unknown", "warning")]


def test_refused_may_have_a_date_or_not(tmp_path):
    rows = ["R1,P,F,06/03/2023,,06/03/2023,refused,direct,,,,", "R2,P,F,06/03/2023,,,Từ chối tiếp nhận,direct,,,,"]
    assert _problems(tmp_path, rows) == []


def test_withdrawn_and_returned_need_no_due_date(tmp_path):
    rows = ["W1,P,F,06/03/2023,,07/03/2023,withdrawn,direct,,,,", "W2,P,F,06/03/2023,,07/03/2023,Trả lại,direct,,,,"]
    assert _problems(tmp_path, rows) == []


def test_received_equal_to_resolved_and_due_is_fine(tmp_path):
    assert _problems(tmp_path, ["E1,P,F,06/03/2023 16:00,06/03/2023,06/03/2023,resolved,direct,,,,"]) == []


def test_identical_rows_in_two_exports_count_once(tmp_path):
    folder = tmp_path / "d"
    write_data_dir(folder / "dossiers", [GOOD], name="a.csv", unit_yaml=None)
    write_data_dir(folder / "dossiers", [GOOD], name="b.csv", unit_yaml=None)
    data = load_dossiers(folder)
    assert len(data.dossiers) == 1 and data.duplicates_dropped == 1 and data.problems.empty


def test_conflicting_rows_of_the_same_dossier_are_errors_in_both_files(tmp_path):
    folder = tmp_path / "d"
    write_data_dir(folder / "dossiers", [GOOD], name="a.csv", unit_yaml=None)
    write_data_dir(folder / "dossiers", [GOOD.replace("resolved,direct", "resolved,online")], name="b.csv",
                   unit_yaml=None)
    table = validate_data(folder)
    assert table[["file", "row", "column", "value"]].values.tolist() == [
        ["dossiers/a.csv", 2, S.DOSSIER_ID, "G1"], ["dossiers/b.csv", 2, S.DOSSIER_ID, "G1"],
    ]


def test_apology_on_a_dossier_finished_early_is_a_warning(tmp_path):
    row = "A1,P,F,06/03/2023,09/03/2023,07/03/2023,resolved,direct,,,,08/03/2023"
    assert _problems(tmp_path, [row]) == [
        (3, S.APOLOGY_AT, "08/03/2023", "apology letter on a dossier finished before its due date", "warning")]


def test_apology_on_a_dossier_not_yet_late_is_normal(tmp_path):
    rows = ["A2,P,F,06/03/2023,09/03/2023,,,direct,,,,08/03/2023",  # pending, apology sent before the deadline
            "A3,P,F,06/03/2023,09/03/2023,10/03/2023,resolved,direct,,,,08/03/2023"]  # then finished late
    assert _problems(tmp_path, rows) == []


CATALOGUE = "procedure,field,legal_days\nĐăng ký khai sinh,Hộ tịch,trong ngày\nXác nhận nguồn gốc đất,Đất đai,10\n"


def test_missing_due_date_is_computed_from_the_catalogue_in_working_days(tmp_path):
    folder = write_data_dir(tmp_path / "d", [
        "C1,Xác nhận nguồn gốc đất,Đất đai,19/01/2023 10:00,,,,direct,,,,",  # Tết 20–26/01/2023 is skipped
        "C2,ĐĂNG KÝ KHAI SINH,Hộ tịch,06/03/2023 15:30,,,,direct,,,,",  # same day, but after 15:00
    ])
    (folder / "procedures.csv").write_text(CATALOGUE, encoding="utf-8")
    data = load_dossiers(folder)
    assert data.dossiers[S.DUE_AT].tolist() == [pd.Timestamp("2023-02-09"), pd.Timestamp("2023-03-07")]
    assert data.dossiers[S.DUE_COMPUTED].tolist() == [True, True]


def test_due_date_far_beyond_the_legal_time_is_a_warning(tmp_path):
    rows = ["F1,Đăng ký khai sinh,Hộ tịch,06/03/2023 09:00,21/03/2023,,,direct,,,,",  # 11 working days late
            "F2,Đăng ký khai sinh,Hộ tịch,06/03/2023 09:00,20/03/2023,,,direct,,,,"]  # 10: still plausible
    assert _problems(tmp_path, rows, CATALOGUE) == [
        (3, S.DUE_AT, "21/03/2023", "due date more than 10 working days beyond the legal time", "warning")]


def test_load_refuses_errors_unless_told_to_skip_them(tmp_path):
    folder = write_data_dir(tmp_path / "d", [GOOD, "B1,P,F,31/02/2023,,,,direct,,,,",
                                             "B2,P,F,06/03/2023,06/03/2023,,,zalo,,,,"])
    with pytest.raises(DataError, match=r"^3 problem\(s\) in the dossier data:\ndossiers.csv, dòng/row 3"):
        load_dossiers(folder)
    data = load_dossiers(folder, skip_invalid=True)
    assert data.dossiers[S.DOSSIER_ID].tolist() == ["G1"]
    assert data.excluded[["file", "row", "column"]].values.tolist() == [
        ["dossiers.csv", 3, "due_at, received_at"], ["dossiers.csv", 4, S.CHANNEL]]


def test_every_problem_of_several_kinds_is_listed_at_once(tmp_path):
    found = _problems(tmp_path, [
        "M1,P,F,31/02/2023,06/03/2023,,,direct,,,,",
        "M2,P,F,06/03/2023,06/03/2023,,,zalo,,,,",
        "M3,P,F,06/03/2023,06/03/2023,05/03/2023,resolved,direct,,,,",
    ])
    assert [(row, column) for row, column, *_ in found] == [(3, S.RECEIVED_AT), (4, S.CHANNEL), (5, S.RESOLVED_AT)]


def test_files_of_the_same_name_in_two_places_are_told_apart(tmp_path):
    folder = write_data_dir(tmp_path / "d", [GOOD])
    write_data_dir(folder / "dossiers", ["G2,P,F,06/03/2023,06/03/2023,,,zalo,,,,"], unit_yaml=None)
    data = load_dossiers(folder, skip_invalid=True)
    assert data.dossiers[S.DOSSIER_ID].tolist() == ["G1"]  # the good row of the top-level file stays
    assert data.excluded[["file", "row"]].values.tolist() == [["dossiers/dossiers.csv", 2]]


def test_a_batch_kernel_takes_the_checked_dossiers_handed_over_while_the_inputs_are_unchanged(
        tiny_data, tmp_path, monkeypatch):
    from cchc_lib.inputs import loading as validate

    handover = tmp_path / "checked.pickle"
    validate.hand_over_dossiers(tiny_data, False, handover)
    expected = load_dossiers(tiny_data).dossiers
    validate.release_dossiers()
    monkeypatch.setenv(validate.CHECKED_DATA_ENV, str(handover))

    def no_reading(*args, **kwargs):
        raise AssertionError("the exports were read again")

    monkeypatch.setattr(validate, "read_raw_dossiers", no_reading)
    pd.testing.assert_frame_equal(load_dossiers(tiny_data).dossiers, expected)
    validate.release_dossiers()
    with pytest.raises(AssertionError, match="read again"):  # asked with other options: read anew
        load_dossiers(tiny_data, skip_invalid=True)
    (tiny_data / "dossiers.csv").write_text((tiny_data / "dossiers.csv").read_text(encoding="utf-8") + "\n",
                                            encoding="utf-8")
    validate.release_dossiers()
    with pytest.raises(AssertionError, match="read again"):  # an export changed since: read anew
        load_dossiers(tiny_data)
    validate.release_dossiers()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("W1,P,F,06/03/2023,06/03/2023,02/01/2099,resolved,direct,,,,",
         (3, S.RESOLVED_AT, "02/01/2099", "date after the day the report is made: cannot be right")),
        ("W2,P,F,02/01/1800,06/03/2023,06/03/2023,resolved,direct,,,,",
         (3, S.RECEIVED_AT, "02/01/1800", "date before 01/01/2000 (before one-stop systems existed): cannot be right")),
        ("W3,P,F,06/03/2023,06/03/2023,07/03/2023,resolved,direct,,,,15/06/2300",
         (3, S.APOLOGY_AT, "15/06/2300", "date after the day the report is made: cannot be right")),
        ("W4,P,F,06/03/2023,31/12/2099,,,direct,,,,",
         (3, S.DUE_AT, "31/12/2099", "due date more than two years after the day the report is made: cannot be right")),
    ],
)
def test_a_date_that_cannot_be_right_names_the_cell(tmp_path, row, expected):
    assert _problems(tmp_path, [row]) == [(*expected, "error")]


def test_the_date_window_ends_the_day_the_report_is_made(tmp_path):
    import datetime as dt

    today = dt.date.today()
    tomorrow, soon = today + dt.timedelta(days=1), today + dt.timedelta(days=400)
    rows = [f"T1,P,F,{today:%d/%m/%Y},{soon:%d/%m/%Y},,,direct,,,,",
            f"T2,P,F,{tomorrow:%d/%m/%Y},{soon:%d/%m/%Y},,,direct,,,,",
            "T3,P,F,01/01/2000,03/01/2000,03/01/2000,resolved,direct,,,,"]
    assert _problems(tmp_path, rows) == [(4, S.RECEIVED_AT, f"{tomorrow:%d/%m/%Y}",
                                          "date after the day the report is made: cannot be right", "error")]


def test_a_received_date_out_of_the_window_computes_no_due_date(tmp_path):
    found = _problems(tmp_path, ["Z1,Ba ngày,F,01/01/1800,,,,direct,,,,"], "procedure,field,legal_days\nBa ngày,F,3\n")
    assert [(r[1], r[3]) for r in found] == [
        (S.DUE_AT, "no due date, and the catalogue gives no legal time for the procedure"),
        (S.RECEIVED_AT, "date before 01/01/2000 (before one-stop systems existed): cannot be right")]


def test_a_field_and_a_procedure_written_several_ways_are_one(tmp_path):
    folder = write_data_dir(tmp_path / "d", [
        "S1,đăng ký  khai sinh,Hộ tịch,06/03/2023,06/03/2023,06/03/2023,resolved,direct,,,,",
        "S2,Đăng ký khai sinh,HỘ TỊCH,06/03/2023,06/03/2023,06/03/2023,resolved,direct,,,,",
        "S3,ĐĂNG KÝ KHAI SINH,Hộ  tịch ,06/03/2023,06/03/2023,06/03/2023,resolved,direct,,,,",
        "S4,Đăng ký khai sinh,hộ tịch,06/03/2023,06/03/2023,06/03/2023,resolved,direct,,,,",
        "S5,Chứng thực chữ ký,chứng THỰC,06/03/2023,06/03/2023,06/03/2023,resolved,direct,,,,",
        "S6,Chứng thực chữ ký,,06/03/2023,06/03/2023,06/03/2023,resolved,direct,,,,",
    ])
    (folder / "procedures.csv").write_text("procedure,field,legal_days\nChứng thực chữ ký,Chứng thực,0\n",
                                           encoding="utf-8")
    dossiers = load_dossiers(folder).dossiers
    # the data's most used spelling, else the catalogue's
    assert dossiers[S.PROCEDURE].tolist() == ["Đăng ký khai sinh"] * 4 + ["Chứng thực chữ ký"] * 2
    assert dossiers[S.FIELD].tolist() == ["Hộ tịch"] * 4 + ["Chứng thực"] * 2


def test_rows_of_one_dossier_spelling_the_field_two_ways_merge(tmp_path):
    folder = write_data_dir(tmp_path / "d", [
        "M1,P,Hộ tịch,06/03/2023,06/03/2023,06/03/2023,resolved,,,,,",
        "M1,P,HỘ TỊCH,06/03/2023,06/03/2023,06/03/2023,resolved,direct,,,,",
    ])
    data = load_dossiers(folder)
    assert data.duplicates_dropped == 1 and data.dossiers[S.FIELD].tolist() == ["Hộ tịch"]


# ---- the plan's header: a plan of another unit, a decision number left unfilled -------------------

OTHER_UNIT_VI = ("Văn bản ban hành kế hoạch ghi tên xã Hoằng Giang, không phải Phường Nam Ngạn (đơn vị của thư mục "
                 "dữ liệu): có thể là kế hoạch sao từ đơn vị khác; cần sửa cho đúng đơn vị trước khi lập báo cáo")
OTHER_UNIT_EN = ("the plan's issuing document names xã Hoằng Giang, not Phường Nam Ngạn (the data folder's unit): "
                 "a plan copied from another unit? Edit it for this unit before its reports")


COPIED_DOCUMENT = "Ban hành kèm theo Quyết định số .../QĐ-UBND ngày 03/01/2023 của Chủ tịch UBND xã Hoằng Giang"


def _unfilled(value: str, label_vi: str = "Văn bản ban hành kế hoạch", label_en: str = "issuing document"):
    return (f"{label_vi} chưa ghi số văn bản ({value}): các báo cáo sẽ in nguyên như vậy; cần điền số văn bản",
            f"the plan's {label_en} leaves the document's number unfilled ({value}): every report prints it so; "
            "write the number")


def _plan_folder(tmp_path, unit: str | None, document: str, title: str = "Kế hoạch cải cách hành chính năm 2023"):
    """One good dossier and a one-task plan whose plan.yaml gives ``title`` and ``document``."""
    folder = write_data_dir(tmp_path / "d", [GOOD], unit_yaml=None if unit is None else f"name: {unit}\n")
    (folder / "plan").mkdir()
    (folder / "plan" / "plan.yaml").write_text(f"year: 2023\ntitle: {title}\ndocument: {document}\n",
                                               encoding="utf-8")
    (folder / "plan" / "tasks.csv").write_text(
        "task_id,area,area_name,task,owner,timing\nT1,1,Cải cách thể chế,Rà soát văn bản,Công chức tư pháp,"
        "Tháng 3/2023\n", encoding="utf-8")
    return folder


def _rows(table: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in table.itertuples(index=False)]


def test_a_plan_issued_by_another_unit_is_a_warning_naming_both(tmp_path):
    folder = _plan_folder(tmp_path, "Phường Nam Ngạn",
                          "Ban hành kèm theo Quyết định số 05/QĐ-UBND ngày 03/01/2023 của Chủ tịch UBND xã Hoằng Giang")
    assert _rows(validate_data(folder)) == [
        ("plan/plan.yaml", None, "document", "xã Hoằng Giang", OTHER_UNIT_VI, OTHER_UNIT_EN, "warning")]


@pytest.mark.parametrize(("unit", "document"), [
    ("Xã Hoằng Giang", "Ban hành kèm theo Quyết định số 05/QĐ-UBND ngày 03/01/2023 của Chủ tịch UBND xã Hoằng Giang"),
    ("UBND xã Hoằng Giang", "Quyết định số 05/QĐ-UBND của Chủ tịch Ủy ban nhân dân XÃ HOẰNG GIANG, huyện Hoằng Hóa"),
    ("Phường Quảng Hòa", "Quyết định số 05/QĐ-UBND của Chủ tịch Uỷ ban nhân dân phường Quảng Hoà, thị xã Nghi Sơn"),
    ("Thị trấn Bút Sơn", "Quyết định số 05/QĐ-UBND của Chủ tịch UBND thị trấn Bút Sơn"),
    ("Phường Nam Ngạn", "Quyết định số 05/QĐ-UBND ngày 03/01/2023 về việc ban hành Kế hoạch cải cách hành chính"),
])
def test_the_plans_own_unit_however_written_is_no_warning(tmp_path, unit, document):
    assert validate_data(_plan_folder(tmp_path, unit, document)).empty


def test_a_title_naming_another_unit_names_the_title(tmp_path):
    folder = _plan_folder(tmp_path, "Xã Hoằng Xuân", "Quyết định số 05/QĐ-UBND ngày 03/01/2023",
                          title="Kế hoạch cải cách hành chính năm 2023 của UBND xã Hoằng Giang")
    assert _rows(validate_data(folder)) == [(
        "plan/plan.yaml", None, "title", "xã Hoằng Giang",
        "Tên kế hoạch ghi tên xã Hoằng Giang, không phải Xã Hoằng Xuân (đơn vị của thư mục dữ liệu): có thể là kế "
        "hoạch sao từ đơn vị khác; cần sửa cho đúng đơn vị trước khi lập báo cáo",
        "the plan's title names xã Hoằng Giang, not Xã Hoằng Xuân (the data folder's unit): a plan copied from "
        "another unit? Edit it for this unit before its reports", "warning")]


@pytest.mark.parametrize(("document", "value"), [
    ("Ban hành kèm theo Quyết định số .../QĐ-UBND ngày 03/01/2023 của Chủ tịch UBND xã Thử Nghiệm", "số .../QĐ-UBND"),
    ("Ban hành kèm theo Quyết định số ……/QĐ-UBND ngày 03/01/2023", "số ……/QĐ-UBND"),
    ("Ban hành kèm theo Quyết định Số:   /QĐ-UBND ngày 03/01/2023", "Số:   /QĐ-UBND"),
    ("Ban hành kèm theo quyết định số:     /QĐ – UBND ngày 03 tháng 01 năm 2023", "số:     /QĐ – UBND"),
    ("Ban hành kèm theo Quyết định số … ngày 03/01/2023", "số …"),
])
def test_a_decision_number_left_unfilled_is_a_warning(tmp_path, document, value):
    folder = _plan_folder(tmp_path, "Xã Thử Nghiệm", f'"{document}"')
    assert _rows(validate_data(folder)) == [("plan/plan.yaml", None, "document", value, *_unfilled(value), "warning")]


def test_without_unit_yaml_only_the_number_is_checked(tmp_path):
    folder = _plan_folder(tmp_path, None, "Quyết định số .../QĐ-UBND của Chủ tịch UBND xã Hoằng Giang")
    assert _rows(validate_data(folder)) == [
        ("plan/plan.yaml", None, "document", "số .../QĐ-UBND", *_unfilled("số .../QĐ-UBND"), "warning")]


def test_the_plan_header_warnings_do_not_fail_validate_and_are_listed(tmp_path, capsys):
    from cchc_lib.cli import main

    folder = _plan_folder(tmp_path, "Phường Nam Ngạn", COPIED_DOCUMENT)
    assert main(["validate", "--data", str(folder)]) == 0
    vi, en = _unfilled("số .../QĐ-UBND")
    assert capsys.readouterr().out.splitlines() == [
        f"cảnh báo/warning: plan/plan.yaml, dòng/row -, cột/column document: 'xã Hoằng Giang': {OTHER_UNIT_VI} / "
        f"{OTHER_UNIT_EN}",
        f"cảnh báo/warning: plan/plan.yaml, dòng/row -, cột/column document: 'số .../QĐ-UBND': {vi} / {en}",
        f"{folder.resolve()}: no error, 2 warning(s)",
    ]


def test_the_plan_header_warnings_reach_the_reports_data_quality_notes(tmp_path):
    from cchc_lib import build_summary, check_parameters, load_plan
    from cchc_lib.outputs.document import quality_appendix

    folder = _plan_folder(tmp_path, "Phường Nam Ngạn", COPIED_DOCUMENT)
    ctx = check_parameters("2023-Q1", "decree09", str(folder))
    summary = build_summary(ctx, load_dossiers(ctx.data_dir), load_plan(ctx.data_dir))
    vi, en = _unfilled("số .../QĐ-UBND")
    expected = [{"file": "plan/plan.yaml", "row": None, "column": "document", "value": "xã Hoằng Giang",
                 "problem_vi": OTHER_UNIT_VI, "problem_en": OTHER_UNIT_EN},
                {"file": "plan/plan.yaml", "row": None, "column": "document", "value": "số .../QĐ-UBND",
                 "problem_vi": vi, "problem_en": en}]
    assert summary["data_quality"]["warning_list"] == expected and summary["data_quality"]["warnings"] == 2
    assert summary["plan"]["warnings"] == []  # listed once in the document's notes, not twice
    notes = quality_appendix(summary, 1)  # the document's notes of what the checks found
    assert notes["table"]["rows"] == [["Cảnh báo", "plan/plan.yaml", "", "document", OTHER_UNIT_VI],
                                      ["Cảnh báo", "plan/plan.yaml", "", "document", vi]]


def test_a_plan_header_changed_since_is_checked_anew(tmp_path):
    folder = _plan_folder(tmp_path, "Xã Thử Nghiệm", "Quyết định số .../QĐ-UBND ngày 03/01/2023")
    assert load_dossiers(folder).warnings["value"].tolist() == ["số .../QĐ-UBND"]
    (folder / "plan" / "plan.yaml").write_text("year: 2023\ntitle: Kế hoạch\ndocument: Quyết định số 05/QĐ-UBND\n",
                                               encoding="utf-8")
    assert load_dossiers(folder).warnings.empty


def test_the_sample_plan_has_its_number_unfilled_and_its_own_unit(sample_dir):
    header = validate_data(sample_dir).query("file == 'plan/plan.yaml'")
    assert _rows(header) == [
        ("plan/plan.yaml", None, "document", "số .../QĐ-UBND", *_unfilled("số .../QĐ-UBND"), "warning")]


def test_a_plan_split_from_a_template_warns_in_the_units_it_was_not_written_for(tmp_path, sample_dir):
    import shutil

    from cchc_lib.running.split_out import split_export

    from .conftest import CANONICAL_HEADER

    template = tmp_path / "mau"
    shutil.copytree(sample_dir / "plan", template / "plan")
    (template / "unit.yaml").write_text("name: Xã Hoằng Giang\n", encoding="utf-8")
    source = tmp_path / "tinh.csv"
    source.write_text(f"unit,{CANONICAL_HEADER}\nXã Hoằng Giang,{GOOD}\nXã Hoằng Xuân,{GOOD.replace('G1', 'X1')}\n",
                      encoding="utf-8")
    result = split_export(source, "unit", tmp_path / "out", template=template)
    warned = {u.name: validate_data(u.data_dir).query("file == 'plan/plan.yaml'")["value"].tolist()
              for u in result.units}
    assert warned == {"Xã Hoằng Giang": ["số .../QĐ-UBND"], "Xã Hoằng Xuân": ["xã Hoằng Giang", "số .../QĐ-UBND"]}
