"""Reports per minute of a many-unit run against bare papermill runs, side by side.

    .venv/bin/python benchmarks/bench_units.py [--units 20] [--year 2023] [--format html,pdf,json] [--runs 3]

Makes ``--units`` unit folders (copies of the shipped sample's data, each with a slug and a
name of its own and a different seeded half of the dossiers), then prints, for the same
machine and moment:
- one ``papermill`` CLI run of an empty notebook (median of --runs) and the reports per minute
  that would give if each report were one such run;
- ``cchc report --units ROOT --year YEAR --format ...`` on the local pool (one run): wall time,
  reports (units × periods) per minute, and the ratio of the two rates.
Figures only: the machines are shared, so nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd

BIN = Path(sys.executable).parent
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "hoang-giang"


def make_units(root: Path, count: int) -> None:
    """``count`` unit folders from the sample: its catalogue and plan, half of its dossiers each."""
    dossiers = pd.read_csv(SAMPLE / "dossiers.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for n in range(1, count + 1):
        folder = root / f"xa-{n:03d}"
        shutil.copytree(SAMPLE, folder)
        (folder / "unit.yaml").write_text(f"name: Xã Thử {n:03d}\nslug: xa-thu-{n:03d}\n"
                                          "district: Huyện Hoằng Hóa\nprovince: Tỉnh Thanh Hóa\n", encoding="utf-8")
        dossiers.sample(frac=0.5, random_state=n).sort_index().to_csv(folder / "dossiers.csv", index=False)


def _wall(cmd: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        print(f"  FAILED: {(done.stderr.strip().splitlines() or ['?'])[-1]}", flush=True)
    return time.perf_counter() - started, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--year", default="2023")
    parser.add_argument("--format", default="html,pdf,json")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "units"
        make_units(root, args.units)
        empty = Path(tmp) / "empty.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, empty)
        bare = [_wall([str(BIN / "papermill"), "--no-progress-bar", str(empty), str(Path(tmp) / "out.ipynb")])[0]
                for _ in range(args.runs)]
        one = statistics.median(bare)
        print(f"papermill CLI, empty notebook, one run  : {one:6.2f} s (median of {args.runs}); "
              f"{60 / one:6.1f} runs per minute", flush=True)
        wall, code = _wall([str(BIN / "cchc"), "report", "--units", str(root), "--year", args.year,
                            "--format", args.format, "--out", str(Path(tmp) / "reports")])
        reports = args.units * 7
        rate = reports / wall * 60
        print(f"cchc report --units ({args.units} units x 7 periods, {args.format}): {wall:6.2f} s; "
              f"{rate:6.1f} reports per minute{' (FAILED)' if code else ''}", flush=True)
        print(f"ratio of rates, units run / bare papermill runs: {rate / (60 / one):6.2f}", flush=True)


if __name__ == "__main__":
    main()
