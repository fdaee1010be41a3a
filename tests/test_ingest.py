import pandas as pd
import pytest

from cchc_lib.base.errors import DataError
from cchc_lib.inputs import schema as S
from cchc_lib.inputs.columns import parse_dates
from cchc_lib.inputs.ingest import find_dossier_files, read_catalogue, read_raw_dossiers
from cchc_lib.inputs.unit import slugify

from .conftest import write_data_dir

VI_HEADER = (
    "STT,Mã hồ sơ,Tên thủ tục,Lĩnh vực,Chủ hồ sơ,Số điện thoại,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,"
    "Kết quả xử lý,Hình thức nộp"
)


def test_canonical_csv_is_read_as_text_with_its_origin(tiny_data):
    raw, problems, _ = read_raw_dossiers(tiny_data)
    assert problems.empty
    assert raw[S.DOSSIER_ID].tolist() == ["A1", "A2", "A3", "A4"]
    assert raw[S.RECEIVED_AT].tolist()[:2] == ["14/12/2022 16:00", "15/12/2022 08:00"]
    assert pd.isna(raw.loc[2, S.RESOLVED_AT])  # empty cells are missing
    assert raw[S.SOURCE_FILE].unique().tolist() == ["dossiers.csv"]
    assert raw[S.SOURCE_ROW].tolist() == [2, 3, 4, 5]  # the header is row 1


def test_vietnamese_headers_map_and_personal_columns_are_never_read(tmp_path):
    folder = write_data_dir(
        tmp_path / "d",
        ["1,X-1,Đăng ký khai sinh,Hộ tịch,Nguyễn Văn A,0912345678,05/01/2023 09:15,05/01/2023,05/01/2023,"
         "Đã giải quyết,Trực tiếp"],
        header=VI_HEADER,
        encoding="utf-8-sig",
    )
    raw, _, _ = read_raw_dossiers(folder)
    assert list(raw.columns) == [*S.DOSSIER_COLUMNS, S.SOURCE_FILE, S.SOURCE_ROW]
    assert raw.loc[0, [S.DOSSIER_ID, S.RESOLVED_AT, S.OUTCOME]].tolist() == ["X-1", "05/01/2023", "Đã giải quyết"]
    text = raw.to_csv()
    assert "Nguyễn" not in text and "0912345678" not in text


def test_headers_are_matched_in_nfc_and_without_regard_to_case_and_spacing(tmp_path):
    decomposed = "MÃ  HỒ SƠ".replace("Ã", "A\u0303")  # NFD form, upper case, double space
    folder = write_data_dir(tmp_path / "d", ["X-2,05/01/2023,Trực tiếp"],
                            header=f"{decomposed},Ngày tiếp nhận,Hình thức nộp")
    assert read_raw_dossiers(folder)[0][S.DOSSIER_ID].tolist() == ["X-2"]


def test_a_missing_required_column_is_one_problem_per_file(tmp_path):
    folder = write_data_dir(tmp_path / "d", ["X,P,F", "Y,P,F"], header="Mã hồ sơ,procedure,field")
    _, problems, _ = read_raw_dossiers(folder)
    errors = problems.loc[problems["severity"] == "error"]
    assert errors[["file", "row", "column"]].values.tolist() == [["dossiers.csv", 1, S.RECEIVED_AT]]
    warned = problems.loc[problems["severity"] == "warning", "column"].tolist()
    assert warned == [S.DUE_AT, S.RESOLVED_AT, S.OUTCOME, S.CHANNEL]


def test_a_file_without_any_known_header_is_refused_naming_it(tmp_path):
    folder = write_data_dir(tmp_path / "d", ["X,P,F"], header="a,b,c")
    with pytest.raises(DataError, match=r"dossiers\.csv: no header row found: no row names a dossier code"):
        read_raw_dossiers(folder)


def test_a_file_that_is_not_utf8_is_refused_naming_the_file_and_a_guess(tmp_path):
    text = ("dossier_id,procedure,received_at,channel\n"
            + "C1,Xác minh nơi cư trú tại địa phương,05/01/2023,direct\n" * 20)
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "dossiers.csv").write_bytes(text.encode("utf-16"))
    with pytest.raises(DataError, match=r"dossiers\.csv: not UTF-8 text \(it looks like utf_16"):
        read_raw_dossiers(folder)


def test_a_folder_of_exports_is_concatenated_in_name_order(tmp_path):
    folder = tmp_path / "d"
    write_data_dir(folder / "dossiers", ["Q2-1,P,F,01/04/2023,,,,direct,,,,"], unit_yaml=None, name="2023-q2.csv")
    write_data_dir(folder / "dossiers", ["Q1-1,P,F,01/01/2023,,,,direct,,,,"], unit_yaml=None, name="2023-q1.csv")
    (folder / "dossiers" / "notes.txt").write_text("not an export")
    assert [f.name for f in find_dossier_files(folder)] == ["2023-q1.csv", "2023-q2.csv"]
    raw, _, _ = read_raw_dossiers(folder)
    assert raw[[S.DOSSIER_ID, S.SOURCE_FILE, S.SOURCE_ROW]].values.tolist() == [
        ["Q1-1", "dossiers/2023-q1.csv", 2], ["Q2-1", "dossiers/2023-q2.csv", 2],
    ]


def test_xlsx_cells_keep_excel_dates_and_whole_numbers_as_text(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    pd.DataFrame({
        "Mã hồ sơ": [12345, 67890],
        "Ngày tiếp nhận": [pd.Timestamp("2023-03-06 09:30"), pd.Timestamp("2023-03-07")],
        "Hình thức nộp": ["Trực tuyến", "Trực tiếp"],
        "Kết quả điện tử": [1, 0],
    }).to_excel(folder / "dossiers.xlsx", index=False)
    raw, _, _ = read_raw_dossiers(folder)
    assert raw[S.DOSSIER_ID].tolist() == ["12345", "67890"]
    days, unparsed = parse_dates(raw[S.RECEIVED_AT])  # the cells' dates, exactly
    assert days.tolist() == [pd.Timestamp("2023-03-06 09:30"), pd.Timestamp("2023-03-07")] and not unparsed.any()
    assert raw[S.E_RESULT].tolist() == ["1", "0"]


def test_xlsx_sheet_named_in_unit_yaml_is_read(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    with pd.ExcelWriter(folder / "dossiers.xlsx") as writer:
        pd.DataFrame({"Ghi chú": ["bìa"]}).to_excel(writer, sheet_name="Bìa", index=False)
        pd.DataFrame({"Mã hồ sơ": ["S-1"], "Ngày tiếp nhận": ["06/03/2023"], "Hình thức nộp": ["Trực tiếp"]}).to_excel(
            writer, sheet_name="Hồ sơ", index=False)
    raw, problems, _ = read_raw_dossiers(folder, sheet="Hồ sơ")
    assert not (problems["severity"] == "error").any() and raw[S.DOSSIER_ID].tolist() == ["S-1"]
    with pytest.raises(DataError,
                       match=r"dossiers.xlsx: cannot be read as Excel \(.xlsx\): Worksheet named 'Không có' not found"):
        read_raw_dossiers(folder, sheet="Không có")


def test_no_export_at_all_is_a_problem(tmp_path):
    _, problems, _ = read_raw_dossiers(tmp_path)
    assert problems["problem_en"].tolist() == [
        "no dossier export found (dossiers.csv, dossiers.xlsx or a folder dossiers/)"]


def test_catalogue_reads_legal_times_and_names_bad_ones(tmp_path):
    (tmp_path / "procedures.csv").write_text(
        "Tên thủ tục,Lĩnh vực,Thời hạn giải quyết\n"
        "Đăng ký khai sinh,Hộ tịch,Trong ngày\n"
        "Xác nhận tình trạng hôn nhân,Hộ tịch,3 ngày làm việc\n"
        "Hòa giải tranh chấp đất đai,Đất đai,45\n"
        "Cấp phép xây dựng,Xây dựng,sớm nhất có thể\n",
        encoding="utf-8-sig",
    )
    catalogue, problems = read_catalogue(tmp_path)
    assert catalogue[S.LEGAL_DAYS].tolist()[:3] == [0, 3, 45]
    assert pd.isna(catalogue[S.LEGAL_DAYS].iloc[3])
    assert catalogue["key"].tolist()[0] == "đăng ký khai sinh"
    assert problems[["file", "row", "column", "value"]].values.tolist() == [
        ["procedures.csv", 5, S.LEGAL_DAYS, "sớm nhất có thể"],
    ]


def test_a_catalogue_with_two_columns_for_one_thing_is_refused_naming_both(tmp_path):
    (tmp_path / "procedures.csv").write_text(
        "procedure,field,legal_days,Thời hạn giải quyết\n"
        "Đăng ký khai sinh,Hộ tịch,0,45\n",
        encoding="utf-8-sig",
    )
    catalogue, problems = read_catalogue(tmp_path)
    assert catalogue.empty
    assert problems[["file", "row", "column", "value", "problem_en"]].values.tolist() == [
        ["procedures.csv", 1, S.LEGAL_DAYS, "'legal_days' / 'Thời hạn giải quyết'",
         f"two columns give {S.LEGAL_DAYS}: keep one"],
    ]


def test_slugify_folds_vietnamese_letters():
    assert slugify("Xã Hoằng Giang") == "xa-hoang-giang"
    assert slugify("ĐỒNG LỢI / Ư") == "dong-loi-u"


def test_a_legal_time_above_the_maximum_is_named_and_never_used(tmp_path):
    (tmp_path / "procedures.csv").write_text(
        "procedure,field,legal_days\nA,F,90\nB,F,91\nC,F,100000 ngày làm việc\nA,F,3\n", encoding="utf-8")
    catalogue, problems = read_catalogue(tmp_path)
    assert catalogue[S.LEGAL_DAYS].tolist()[:1] == [90] and catalogue[S.LEGAL_DAYS].iloc[1:3].isna().all()
    assert problems[["row", "column", "value"]].values.tolist() == [
        [3, S.LEGAL_DAYS, "91"], [4, S.LEGAL_DAYS, "100000 ngày làm việc"], [5, S.PROCEDURE, "A"]]
    assert "above 90 working days" in problems["problem_en"].iloc[0]


def test_a_yaml_bomb_in_unit_yaml_is_refused_naming_the_file(tmp_path):
    from cchc_lib.base.problems import ProblemError
    from cchc_lib.inputs.unit import read_unit

    (tmp_path / "unit.yaml").write_text("a: &a [x, x]\nb: [*a, *a]\n", encoding="utf-8")
    with pytest.raises(ProblemError,
                       match=r"unit\.yaml: YAML anchors and aliases .*\nunit\.yaml, dòng/row -, cột/column -"):
        read_unit(tmp_path)


def test_the_unit_is_read_once_while_its_file_is_unchanged(tmp_path, monkeypatch):
    import os
    import time

    from cchc_lib.inputs import unit as unit_module
    from cchc_lib.inputs.unit import read_unit

    path = tmp_path / "unit.yaml"
    path.write_text("name: Xã A\n", encoding="utf-8")
    old = time.time() - 60
    os.utime(path, (old, old))
    reads = []
    real = unit_module.load_yaml
    monkeypatch.setattr(unit_module, "load_yaml", lambda *a: reads.append(a) or real(*a))
    assert read_unit(tmp_path).name == read_unit(tmp_path).name == "Xã A"
    assert len(reads) == 1
    path.write_text("name: Xã B\n", encoding="utf-8")  # changed just now: read again, never kept on its time
    assert read_unit(tmp_path).name == read_unit(tmp_path).name == "Xã B"
    assert len(reads) == 3
