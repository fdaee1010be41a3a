"""The problems table: its record, its text, pandera's failures in the file's terms, safe YAML."""

import pandas as pd
import pandera.pandas as pa
import pytest

from cchc_lib.base.errors import DataError
from cchc_lib.base.problems import (
    WARNING,
    ProblemError,
    format_problems,
    load_yaml,
    problem,
    problem_table,
    row_check,
    schema_problems,
)


def test_a_problem_line_names_file_row_column_and_value():
    table = problem_table([problem("d.csv", 3, "due_at", "31/02/2023", "Ngày sai", "bad date"),
                           problem("plan/", None, "", "", "Thiếu tệp", "no file", WARNING)])
    assert format_problems(table).splitlines() == [
        "d.csv, dòng/row 3, cột/column due_at: '31/02/2023': Ngày sai / bad date",
        "cảnh báo/warning: plan/, dòng/row -, cột/column -: '': Thiếu tệp / no file",
    ]
    assert format_problems(pd.concat([table] * 3), limit=2).endswith("… and 4 more (run 'cchc validate')")


def test_schema_failures_become_rows_in_the_files_terms():
    frame = pd.DataFrame({"n": [1, -2, 3, -4], "source_file": "t.csv", "source_row": [2, 3, 5, 6]}, index=[0, 1, 3, 4])
    written = pd.DataFrame({"n": ["1", "−2", "3", "-4 "]}, index=[0, 1, 3, 4])
    schema = pa.DataFrameSchema(checks=[row_check("negative:n", lambda df: df["n"] >= 0)])
    found = schema_problems(schema, frame, {"negative": (None, "Âm", lambda rows: "negative " + rows["n"].astype(str))},
                            values=written)
    assert found[["file", "row", "column", "value", "problem_en"]].values.tolist() == [
        ["t.csv", 3, "n", "−2", "negative -2"], ["t.csv", 6, "n", "-4 ", "negative -4"]]
    with pytest.raises(DataError, match="unexpected check failure"):
        schema_problems(schema, frame, {})


@pytest.mark.parametrize(("text", "says"), [
    ("a: &a [1, 2]\nb: [*a, *a]\n", "anchors and aliases"),
    ("name: x\n" + "y" * 70_000, "too large"),
    ("- a\n- b\n", "expected keys"),
    ("name: [unclosed\n", "not a valid UTF-8 YAML file"),
    ("name: !!python/object:os.system x\n", "not a valid UTF-8 YAML file"),
    ("a: 1\n---\nb: 2\n", "not a valid UTF-8 YAML file"),
])
def test_the_yaml_reader_refuses_what_it_cannot_read_safely(tmp_path, text, says):
    path = tmp_path / "unit.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProblemError, match=says) as caught:
        load_yaml(path, "unit.yaml")
    assert caught.value.problems["file"].tolist() == ["unit.yaml"]


def test_the_yaml_reader_reads_a_small_mapping(tmp_path):
    path = tmp_path / "unit.yaml"
    path.write_bytes("\ufeffname: Xã Thử\nyear: 2023\n".encode())
    assert load_yaml(path, "unit.yaml") == {"name": "Xã Thử", "year": 2023}
    path.write_text("", encoding="utf-8")
    assert load_yaml(path, "unit.yaml") == {}
    path.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(ProblemError, match="UTF-8"):
        load_yaml(path, "unit.yaml")
