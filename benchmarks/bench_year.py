"""Wall time of a whole year's reports against bare papermill CLI runs, side by side.

    .venv/bin/python benchmarks/bench_year.py [--runs 3]

Prints, for the same machine and moment:
- one ``papermill`` CLI run of an empty notebook (median of --runs), and seven of them;
- ``cchc report --year 2023`` (all seven periods in the five formats: HTML, PDF, DOCX, XLSX, JSON;
  median of --runs);
- their ratio. Figures only: the machines are shared, so nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

BIN = Path(sys.executable).parent


def _wall(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", default="2023")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, empty)
        bare, year = [], []
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            bare.append(_wall([str(BIN / "papermill"), "--no-progress-bar", str(empty), str(Path(tmp) / "out.ipynb")]))
            year.append(_wall([str(BIN / "cchc"), "report", "--year", args.year, "--out", str(Path(tmp) / "reports")]))
    one = statistics.median(bare)
    whole = statistics.median(year)
    print(f"papermill CLI, empty notebook, one run : {one:6.2f} s "
          f"(median of {args.runs}: {', '.join(f'{t:.2f}' for t in bare)})")
    print(f"  seven such runs                       : {7 * one:6.2f} s")
    print(f"cchc report --year {args.year} (7 periods, 5 formats): {whole:6.2f} s "
          f"(median of {args.runs}: {', '.join(f'{t:.2f}' for t in year)})")
    print(f"ratio year / seven bare runs          : {whole / (7 * one):6.2f}")


if __name__ == "__main__":
    main()
