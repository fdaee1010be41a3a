"""Many units in one run: discovery, one unit's failure, progress, the roll-up, a dask cluster."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc_lib.base.errors import CchcError
from cchc_lib.cli import main
from cchc_lib.running.units import UnitResult, find_units, progress_line, unit_jobs

from .conftest import write_data_dir

ROWS_A = [
    "A1,Đăng ký khai sinh,Hộ tịch,20/03/2023 08:00,20/03/2023,20/03/2023,resolved,direct,,true,satisfied,",
    "A2,Chứng thực chữ ký,Chứng thực,21/03/2023 09:00,21/03/2023,22/03/2023,resolved,online,full,true,,",
    "A3,Chứng thực chữ ký,Chứng thực,05/06/2023 10:00,05/06/2023,,,direct,,,,",
]
ROWS_B = [
    "B1,Đăng ký khai sinh,Hộ tịch,16/03/2023 08:00,16/03/2023,17/03/2023,resolved,online,partial,false,neutral,",
    "B2,Đăng ký kết hôn,Hộ tịch,17/04/2023 08:00,18/04/2023,18/04/2023,resolved,direct,,true,satisfied,",
]


def units_root(tmp_path: Path, broken: bool = True) -> Path:
    root = tmp_path / "units"
    write_data_dir(root / "dong-loi", ROWS_A, "name: Xã Đồng Lợi\nslug: dong-loi\n")
    write_data_dir(root / "hoang-son", ROWS_B, "name: Xã Hoằng Sơn\nslug: hoang-son\n")
    if broken:  # a date that does not exist: this unit's data is refused
        write_data_dir(root / "zz-hong", ["Z1,P,F,31/02/2023,01/03/2023,,,direct,,,,"],
                       "name: Xã Hỏng\nslug: xa-hong\n")
    (root / "_notes").mkdir()
    (root / "empty").mkdir()
    return root


def test_the_unit_folders_are_the_sub_folders_with_a_dossier_export(tmp_path):
    root = units_root(tmp_path)
    assert [f.name for f in find_units(root)] == ["dong-loi", "hoang-son", "zz-hong"]
    with pytest.raises(CchcError, match="holds no unit folder"):
        find_units(root / "empty")


def test_two_units_with_one_slug_are_refused_naming_both(tmp_path):
    root = units_root(tmp_path, broken=False)
    write_data_dir(root / "copy", ROWS_B, "name: Xã Hoằng Sơn\nslug: hoang-son\n")
    with pytest.raises(CchcError, match=r"copy and hoang-son both report as 'hoang-son'|hoang-son and copy both"):
        unit_jobs(find_units(root), ["2023-Q2"], cutoff="decree09", out_dir=tmp_path / "out", formats=("json",))


def test_progress_lines_say_done_total_elapsed_and_time_left():
    ok = UnitResult("units/a", "A", "a", ("1.json", "2.json"), seconds=3.0)
    assert progress_line(ok, 2, 5, 20.0) == "[2/5] a: 2 file(s) in 3.0 s; elapsed 0:20, about 0:30 left"


@pytest.mark.notebook
def test_units_run_publishes_the_good_units_names_the_broken_one_and_rolls_up(tmp_path, capsys):
    root = units_root(tmp_path)
    out = tmp_path / "out"
    code = main(["report", "--units", str(root), "2023-Q2", "--format", "json", "--out", str(out), "--jobs", "2"])
    captured = capsys.readouterr()
    assert code == 1
    assert "xa-hong (folder zz-hong)" in captured.err
    assert "Ngày không đọc được" not in captured.err.splitlines()[-1][:10]
    assert "[3/3]" in captured.err and "FAILED xa-hong" in captured.err
    # each unit's folder: its report, its index and the folder's lock file (empty, it stays)
    assert sorted(p.name for p in (out / "dong-loi").iterdir()) == [".lock", "2023-Q2.json", "index.html"]
    assert sorted(p.name for p in (out / "hoang-son").iterdir()) == [".lock", "2023-Q2.json", "index.html"]
    assert not (out / "xa-hong").exists()
    units = [json.loads((out / slug / "2023-Q2.json").read_text(encoding="utf-8"))
             for slug in ("dong-loi", "hoang-son")]
    rollup = json.loads((out / "_tong-hop" / "2023-Q2.json").read_text(encoding="utf-8"))
    for key in units[0]["dossiers"]["total"]:
        assert rollup["dossiers"]["total"][key] == sum(u["dossiers"]["total"][key] for u in units), key
    assert [m["unit_slug"] for m in rollup["missing_units"]] == ["xa-hong"]
    assert sorted(u["unit_slug"] for u in rollup["units"]) == ["dong-loi", "hoang-son"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "dong-loi/index.html" in index and "_tong-hop/index.html" in index


@pytest.mark.notebook
def test_a_local_dask_cluster_gives_the_json_of_the_local_pool(tmp_path):
    from distributed import LocalCluster

    from cchc_lib.running.units import build_units

    root = units_root(tmp_path, broken=False)
    pool = build_units(root, ["2023-Q2"], out_dir=tmp_path / "pool", formats=("json",), workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = build_units(root, ["2023-Q2"], out_dir=tmp_path / "dask", formats=("json",),
                           scheduler=cluster.scheduler_address)
    assert not pool.failed and not dask.failed

    def figures(folder: Path) -> dict:
        found = {}
        for path in sorted(folder.glob("*/2023-Q2.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            data.pop("generated_at")
            for unit in data.get("units", []):  # a roll-up records when each report it sums was made
                unit.pop("generated_at")
            found[path.parent.name] = data
        return found

    assert figures(tmp_path / "pool") == figures(tmp_path / "dask")
    assert set(figures(tmp_path / "pool")) == {"dong-loi", "hoang-son", "_tong-hop"}


def test_split_on_the_command_line_writes_one_folder_per_unit(tmp_path, capsys):
    source = tmp_path / "all.csv"
    source.write_text("unit,dossier_id,procedure,field,received_at,due_at,resolved_at,outcome,channel\n"
                      "Xã A,A1,Đăng ký khai sinh,Hộ tịch,06/03/2023,06/03/2023,06/03/2023,resolved,direct\n"
                      "Xã B,B1,Đăng ký khai sinh,Hộ tịch,07/03/2023,07/03/2023,,,online\n", encoding="utf-8")
    assert main(["split", str(source), "--by", "unit", "--out", str(tmp_path / "units")]) == 0
    assert "xa-a  1  Xã A" in capsys.readouterr().out
    assert [f.name for f in find_units(tmp_path / "units")] == ["xa-a", "xa-b"]
    assert main(["split", str(source), "--by", "unit", "--out", str(tmp_path / "units")]) == 1  # never overwritten
    assert "xa-a" in capsys.readouterr().err


def test_a_unit_that_failed_in_this_run_is_missing_from_the_roll_up_whatever_an_earlier_run_left(tmp_path):
    from cchc_lib.figures.rollup import load_unit_summaries

    stale = tmp_path / "xa-b"
    stale.mkdir()
    (stale / "2023-Q2.json").write_text('{"period": "2023-Q2"}', encoding="utf-8")
    summaries, missing = load_unit_summaries(tmp_path, "2023-Q2", ["xa-b"], failed={"xa-b": "1 problem(s): row 3"})
    assert summaries == []
    assert missing == [{"unit_slug": "xa-b", "reason": "báo cáo của lần chạy này bị lỗi: 1 problem(s): row 3"}]


@pytest.mark.parametrize("argv", [
    ["report", "--units", "ROOT", "--data", "x", "2023-Q2"],
    ["report", "--units", "ROOT", "--unit", "X", "2023-Q2"],
    ["report", "--scheduler", "tcp://127.0.0.1:8786", "2023-Q2"],
    ["report", "--jobs", "0", "2023-Q2"],
])
def test_options_that_do_not_go_together_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(argv)
    assert excinfo.value.code == 2


def test_a_scheduler_address_that_answers_nothing_is_one_clear_line(tmp_path, capsys):
    root = units_root(tmp_path, broken=False)
    code = main(["report", "--units", str(root), "2023-Q2", "--format", "json", "--out", str(tmp_path / "o"),
                 "--scheduler", "not-an-address"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("cchc: error: --scheduler: no dask scheduler answers at 'not-an-address'")
    assert "Traceback" not in err
