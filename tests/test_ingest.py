import pandas as pd
import pytest

from cchc_lib import schema as S
from cchc_lib.errors import DataError
from cchc_lib.ingest import find_dossier_files, load_dossiers, read_dossiers, slugify

from .conftest import write_data_dir

VI_HEADER = (
    "STT,Mã hồ sơ,Tên thủ tục,Lĩnh vực,Chủ hồ sơ,Số điện thoại,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,"
    "Kết quả xử lý,Hình thức nộp"
)


def test_canonical_csv_is_read_with_dates_and_origin(tiny_data):
    dossiers = load_dossiers(tiny_data)
    assert dossiers[S.DOSSIER_ID].tolist() == ["A1", "A2", "A3", "A4"]
    assert dossiers[S.RECEIVED_AT].tolist() == [
        pd.Timestamp("2022-12-14 16:00"), pd.Timestamp("2022-12-15 08:00"),
        pd.Timestamp("2023-03-14 16:59"), pd.Timestamp("2023-02-01"),
    ]
    assert pd.isna(dossiers.loc[2, S.RESOLVED_AT])
    assert dossiers[S.SOURCE_FILE].unique().tolist() == ["dossiers.csv"]
    assert dossiers[S.SOURCE_ROW].tolist() == [2, 3, 4, 5]  # the header is row 1


def test_vietnamese_headers_map_and_personal_columns_are_never_read(tmp_path):
    folder = write_data_dir(
        tmp_path / "d",
        ["1,X-1,Đăng ký khai sinh,Hộ tịch,Nguyễn Văn A,0912345678,05/01/2023 09:15,05/01/2023,05/01/2023,Đã giải quyết,Trực tiếp"],
        header=VI_HEADER,
        encoding="utf-8-sig",
    )
    dossiers = load_dossiers(folder)
    assert list(dossiers.columns) == [*S.DOSSIER_COLUMNS, S.SOURCE_FILE, S.SOURCE_ROW]
    assert dossiers.loc[0, S.DOSSIER_ID] == "X-1"
    assert dossiers.loc[0, S.RESOLVED_AT] == pd.Timestamp("2023-01-05")
    text = dossiers.to_csv()
    assert "Nguyễn" not in text and "0912345678" not in text


def test_headers_are_matched_in_nfc_and_without_regard_to_case_and_spacing(tmp_path):
    decomposed = "MÃ  HỒ SƠ".replace("Ã", "A\u0303")  # NFD form, upper case, double space
    folder = write_data_dir(tmp_path / "d", ["X-2,05/01/2023"], header=f"{decomposed},Ngày tiếp nhận")
    assert load_dossiers(folder)[S.DOSSIER_ID].tolist() == ["X-2"]


def test_every_problem_is_listed_with_file_row_and_column(tmp_path):
    folder = write_data_dir(
        tmp_path / "d",
        [
            "B1,P,F,31/02/2023,,,,,,,,",
            ",P,F,01/03/2023,,,,,,,,",
            "B3,P,F,,,,,,,,,",
            "B4,P,F,01/03/2023,2023/13/45,,,,,,,",
        ],
    )
    _, problems = read_dossiers(folder)
    found = set(zip(problems["file"], problems["row"], problems["column"]))
    assert found == {
        ("dossiers.csv", 2, S.RECEIVED_AT),
        ("dossiers.csv", 3, S.DOSSIER_ID),
        ("dossiers.csv", 4, S.RECEIVED_AT),
        ("dossiers.csv", 5, S.DUE_AT),
    }
    assert problems.loc[problems["row"] == 2, "value"].item() == "31/02/2023"
    with pytest.raises(DataError, match=r"4 problem\(s\).*\n.*dossiers.csv, dòng/row 2, cột/column received_at"):
        load_dossiers(folder)


def test_a_missing_required_column_is_one_problem_not_one_per_row(tmp_path):
    folder = write_data_dir(tmp_path / "d", ["P,F", "P,F"], header="procedure,field")
    _, problems = read_dossiers(folder)
    assert problems[["file", "row", "column"]].values.tolist() == [
        ["dossiers.csv", 1, S.DOSSIER_ID], ["dossiers.csv", 1, S.RECEIVED_AT],
    ]


def test_a_file_that_is_not_utf8_is_refused_naming_the_file(tmp_path):
    folder = write_data_dir(tmp_path / "d", ["C1,Xác minh,Tư pháp,05/01/2023,,,,,,,,"], encoding="cp1258")
    with pytest.raises(DataError, match=r"dossiers\.csv: not UTF-8 text"):
        load_dossiers(folder)


def test_a_folder_of_exports_is_concatenated_in_name_order(tmp_path):
    folder = tmp_path / "d"
    write_data_dir(folder / "dossiers", ["Q2-1,P,F,01/04/2023,,,,,,,,"], unit_yaml=None, name="2023-q2.csv")
    write_data_dir(folder / "dossiers", ["Q1-1,P,F,01/01/2023,,,,,,,,"], unit_yaml=None, name="2023-q1.csv")
    (folder / "dossiers" / "notes.txt").write_text("not an export")
    assert [f.name for f in find_dossier_files(folder)] == ["2023-q1.csv", "2023-q2.csv"]
    dossiers = load_dossiers(folder)
    assert dossiers[[S.DOSSIER_ID, S.SOURCE_FILE, S.SOURCE_ROW]].values.tolist() == [
        ["Q1-1", "2023-q1.csv", 2], ["Q2-1", "2023-q2.csv", 2],
    ]


def test_xlsx_export_with_excel_dates_reads_like_the_csv(tmp_path, tiny_data):
    from_csv = load_dossiers(tiny_data)
    folder = tmp_path / "x"
    folder.mkdir()
    raw = pd.read_csv(tiny_data / "dossiers.csv", dtype=str, keep_default_na=False)
    raw["received_at"] = pd.to_datetime(raw["received_at"], format="%d/%m/%Y %H:%M", errors="coerce").fillna(
        pd.to_datetime(raw["received_at"], format="%d/%m/%Y", errors="coerce")
    )
    raw.to_excel(folder / "dossiers.xlsx", index=False)
    from_xlsx = load_dossiers(folder)
    columns = [S.DOSSIER_ID, S.RECEIVED_AT, S.DUE_AT, S.OUTCOME, S.SOURCE_ROW]
    pd.testing.assert_frame_equal(from_xlsx[columns], from_csv[columns])
    assert from_xlsx[S.SOURCE_FILE].unique().tolist() == ["dossiers.xlsx"]


def test_no_export_at_all_is_a_problem(tmp_path):
    _, problems = read_dossiers(tmp_path)
    assert problems["problem_en"].tolist() == ["no dossier export found (dossiers.csv, dossiers.xlsx or a folder dossiers/)"]


def test_slugify_folds_vietnamese_letters():
    assert slugify("Xã Hoằng Giang") == "xa-hoang-giang"
    assert slugify("ĐỒNG LỢI / Ư") == "dong-loi-u"
