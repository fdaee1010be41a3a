import subprocess
import sys
from pathlib import Path

import pytest

from cchc_lib.cli import main

from .conftest import write_data_dir


def test_periods_prints_ids_names_and_both_windows(capsys):
    assert main(["periods", "2023"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 8  # header and seven periods
    assert lines[1].split() == ["2023-Q1", "Quý", "I", "năm", "2023", "15/12/2022", "–", "14/03/2023",
                                "01/01/2023", "–", "31/03/2023"]
    assert lines[7].startswith("2023-Y ")
    assert "15/12/2022 – 14/12/2023" in lines[7] and "01/01/2023 – 31/12/2023" in lines[7]


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["report", "2023-Q5"], "cchc: error: invalid period id '2023-Q5'; valid forms: YYYY-Q1"),
        (["report", "23-Q1"], "cchc: error: invalid period id '23-Q1'"),
        (["report"], "cchc: error: give at least one PERIOD (e.g. 2023-Q1) or --year YYYY"),
        (["report", "2023-Q1", "--year", "2023"], "cchc: error: give either PERIOD ... or --year, not both"),
        (["report", "2023-Q1", "--format", "html,odt"],
         "cchc: error: --format: unknown odt; choose from html,pdf,docx,xlsx,json"),
        (["report", "2023-Q1", "--format", " , "], "cchc: error: --format: no format given"),
        (["report", "2023-Q1", "--data", "/no/such/dir"], "cchc: error: data_dir: '/no/such/dir' is not a folder"),
    ],
)
def test_report_failures_exit_non_zero_with_a_one_line_reason(argv, reason, capsys):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(reason)
    assert len(err.strip().splitlines()) == 1


def test_bad_cutoff_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["report", "2023-Q1", "--cutoff", "monthly"])
    assert excinfo.value.code == 2
    assert "invalid choice: 'monthly'" in capsys.readouterr().err


def test_report_refuses_bad_data_before_any_notebook_runs(tmp_path, capsys):
    folder = write_data_dir(tmp_path / "d", ["B1,P,F,31/02/2023,01/03/2023,,,direct,,,,",
                                             "B2,P,F,01/03/2023,01/03/2023,,,direct,,,,"])
    out = tmp_path / "out"
    assert main(["report", "2023-Q1", "--data", str(folder), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cchc: error: 1 problem(s) in the dossier data: (run 'cchc validate' for the full list)")
    assert "dossiers.csv, dòng/row 2, cột/column received_at: '31/02/2023'" in err
    assert not out.exists()


def test_validate_lists_every_problem_with_file_row_and_column(tmp_path, capsys):
    folder = write_data_dir(tmp_path / "d", ["B1,P,F,31/02/2023,01/03/2023,,,direct,,,,",
                                             ",P,F,01/03/2023,01/03/2023,,,direct,,,,",
                                             "B3,P,F,01/03/2023,03/03/2023,02/03/2023,resolved,direct,,,,02/03/2023"])
    assert main(["validate", "--data", str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "dossiers.csv, dòng/row 2, cột/column received_at: '31/02/2023': Ngày không đọc được (dùng dd/mm/yyyy) / "
        "date not understood (use dd/mm/yyyy)",
        "dossiers.csv, dòng/row 3, cột/column dossier_id: '': Thiếu giá trị bắt buộc / required value missing",
        "cảnh báo/warning: dossiers.csv, dòng/row 4, cột/column apology_at: '02/03/2023': "
        "Có thư xin lỗi nhưng hồ sơ giải quyết trước hạn / apology letter on a dossier finished before its due date",
    ]
    assert captured.err.strip() == f"cchc: error: 2 error(s) and 1 warning(s) in {folder.resolve()}"


def test_validate_on_the_sample_finds_no_error_and_warns_of_its_unfilled_decision_number(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("hoang-giang: no error, 1 warning(s)\n")
    assert out.startswith("cảnh báo/warning: plan/plan.yaml, dòng/row -, cột/column document: 'số .../QĐ-UBND': ")


def test_console_script_is_installed():
    cchc = Path(sys.executable).parent / "cchc"
    result = subprocess.run([str(cchc), "periods", "2024"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "2024-Q1   Quý I năm 2024         15/12/2023 – 14/03/2024" in result.stdout


def test_validate_checks_the_plan_files_too(tmp_path, capsys):
    import shutil

    from cchc_lib.base.paths import SAMPLE_DATA_DIR

    folder = tmp_path / "unit"
    shutil.copytree(SAMPLE_DATA_DIR, folder)
    with (folder / "plan" / "updates.csv").open("a", encoding="utf-8") as updates:
        updates.write("PL99-1,31/01/2023,20/01/2023,hoàn thành,,\nPL01-1,31/01/2023,20/01/2023,gần xong,,\n")
    assert main(["validate", "--data", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("updates.csv, dòng/row 73, cột/column task_id: 'PL99-1'") for line in out)
    assert any(line.startswith("updates.csv, dòng/row 74, cột/column status: 'gần xong'") for line in out)


def test_a_closed_stdout_ends_the_command_quietly():
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line (as after ``| head -n 1``)
    try:
        done = subprocess.run([sys.executable, "-m", "cchc_lib.cli", "periods", "2023"], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == 0
    assert done.stderr == ""


def test_quiet_is_an_option_of_report():
    from cchc_lib.cli import _parser

    assert _parser().parse_args(["report", "2023-Q1", "--quiet"]).quiet
    assert not _parser().parse_args(["report", "2023-Q1"]).quiet


def test_inspect_of_a_folder_says_to_give_a_file(tmp_path, capsys):
    assert main(["inspect", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cchc: error:") and "a folder; give one export file" in err
    assert main(["inspect", str(tmp_path / "none.csv")]) == 1
    assert "no such file" in capsys.readouterr().err
