"""Values and names a message or a document would repeat: a citizen's number typed into the wrong
column is never echoed, a personal column cannot be mapped into the figures, and a control
character or a blank in unit.yaml or the office's text is refused naming where."""

from __future__ import annotations

import csv

from .support import PERSONAL, assert_no_personal, assert_refused, assert_unchanged, cchc, snapshot


def _spoil_cell(data, row: int, column: str, value: str) -> None:
    path = data / "dossiers.csv"
    with path.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    table[row - 1][table[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)


def test_a_phone_or_id_number_in_a_read_column_is_named_by_row_and_column_never_echoed(data, earlier):
    _spoil_cell(data, 6, "outcome", f"gọi {PERSONAL['phone']}")
    _spoil_cell(data, 7, "channel", PERSONAL["id_number"])
    before = snapshot(earlier)
    for run in (cchc("validate", "--data", data),
                cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json", "--quiet")):
        assert run.status == 1 and "Traceback" not in run.text, run.text
        assert "dossiers.csv, dòng/row 6, cột/column outcome" in run.text, run.text
        assert "dossiers.csv, dòng/row 7, cột/column channel" in run.text, run.text
        assert "[10 chữ số]" in run.text and "[12 chữ số]" in run.text
        assert_no_personal(run)
    assert_unchanged(before, earlier)


def test_a_personal_column_mapped_into_the_figures_is_refused_naming_unit_yaml(data, earlier):
    text = (data / "unit.yaml").read_text(encoding="utf-8")
    (data / "unit.yaml").write_text(text + "columns:\n  Chủ hồ sơ: field\n", encoding="utf-8")
    before = snapshot(earlier)
    for run in (cchc("validate", "--data", data),
                cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json,html", "--quiet")):
        assert run.status == 1 and "Traceback" not in run.text, run.text
        assert "unit.yaml" in run.text and "'Chủ hồ sơ'" in run.text and "personal data" in run.text, run.text
        assert_no_personal(run)
    assert_unchanged(before, earlier)


def test_a_control_character_or_a_blank_in_unit_yaml_is_refused_naming_the_key(data, earlier):
    text = (data / "unit.yaml").read_text(encoding="utf-8")
    before = snapshot(earlier)
    for name, says in (('"Xã Hoằng\\0Giang"', "U+0000"), ('"   "', "name: is empty")):
        lines = [f"name: {name}" if line.startswith("name:") else line for line in text.splitlines()]
        (data / "unit.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for run in (cchc("validate", "--data", data),
                    cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json", "--quiet")):
            assert run.status == 1 and "Traceback" not in run.text, run.text
            assert "unit.yaml" in run.text and says in run.text, run.text
            assert "\0" not in run.text
    assert_unchanged(before, earlier)


def test_a_control_character_in_the_offices_text_is_refused_naming_file_and_line(data, earlier):
    (data / "narrative").mkdir(exist_ok=True)
    (data / "narrative" / "2023-Q1.md").write_text("## I. Công tác chỉ đạo\n\nĐã ban hành\0 kế hoạch.\n",
                                                   encoding="utf-8")
    before = snapshot(earlier)
    run = cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json,html", "--quiet")
    assert_refused(run, file="2023-Q1.md", says=("line 3", "U+0000"))
    assert_unchanged(before, earlier)
    assert not list(earlier.rglob("*.html")) or all("\0" not in p.read_text(encoding="utf-8")
                                                    for p in earlier.rglob("*.html"))
