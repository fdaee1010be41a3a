"""Write the JSON reports the golden check compares against (tests/golden/<case>/…).

Run from the project root, on the commit whose outputs are the reference::

    .venv/bin/python tests/golden/make_golden.py OUT_DIR

Each case is a `cchc` command line run into OUT_DIR/<case>/; only the JSON files are kept, byte for
byte as written, but for the value of `generated_at` (the time of the run), which is masked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "hoang-giang"
TINY_ROWS = [
    "A1,Đăng ký khai sinh,Hộ tịch,14/12/2022 16:00,15/12/2022,15/12/2022,resolved,direct,,true,satisfied,",
    "A2,Chứng thực chữ ký,Chứng thực,15/12/2022 08:00,15/12/2022,15/12/2022,resolved,online,full,true,,",
    "A3,Chứng thực chữ ký,Chứng thực,14/03/2023 16:59,15/03/2023,,,direct,,,,",
    "A4,Đăng ký kết hôn,Hộ tịch,01/02/2023,01/02/2023,01/02/2023,refused,direct,,,,",
    "A5,Đăng ký khai sinh,Hộ tịch,03/07/2023,05/07/2023,10/07/2023,resolved,online,partial,false,"
    "dissatisfied,09/07/2023",
]
TINY_HEADER = (
    "dossier_id,procedure,field,received_at,due_at,resolved_at,outcome,channel,online_level,e_result,"
    "satisfaction,apology_at"
)


def tiny_unit(folder: Path) -> Path:
    """A hand-written unit of five dossiers, with unit.yaml and no plan."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "unit.yaml").write_text("name: Xã Thử Nghiệm\nprovince: Tỉnh Thanh Hóa\n", encoding="utf-8")
    (folder / "dossiers.csv").write_text("\n".join([TINY_HEADER, *TINY_ROWS]) + "\n", encoding="utf-8")
    return folder


def cases(work: Path) -> dict[str, list[str]]:
    """Each case's `cchc` arguments (the output folder is added by run_case)."""
    tiny = tiny_unit(work / "inputs" / "xa-thu-nghiem")
    units = work / "inputs" / "units"
    shutil.copytree(SAMPLE, units / "hoang-giang", dirs_exist_ok=True)
    tiny_unit(units / "xa-thu-nghiem")
    return {
        "sample-year": ["report", "--year", "2023", "--data", str(SAMPLE), "--format", "json"],
        "sample-calendar": ["report", "2023-Q2", "2023-Y", "--cutoff", "calendar", "--data", str(SAMPLE),
                            "--format", "json"],
        "tiny-year": ["report", "--year", "2023", "--data", str(tiny), "--format", "json"],
        "units-year": ["report", "2023-Q1", "2023-Y", "--units", str(units), "--format", "json"],
        "score-year": ["score", "2023", "--data", str(SAMPLE), "--format", "json"],
        "score-q3": ["score", "2023-Q3", "--data", str(SAMPLE), "--format", "json"],
    }


GENERATED_AT = re.compile(rb'"generated_at": "[^"]*"')


def masked(raw: bytes) -> bytes:
    """The file's bytes with the run's time replaced by a fixed mark."""
    return GENERATED_AT.sub(b'"generated_at": "<time of the run>"', raw)


def run_case(cchc: list[str], args: list[str], out: Path) -> dict[str, bytes]:
    """Run one case into `out`; its JSON files by relative path, their bytes masked."""
    subprocess.run([*cchc, *args, "--out", str(out), "--quiet"], check=True, cwd=ROOT, capture_output=True)
    return {path.relative_to(out).as_posix(): masked(path.read_bytes()) for path in sorted(out.rglob("*.json"))}


def main(dest: Path) -> None:
    cchc = [str(Path(sys.executable).with_name("cchc"))]
    work = dest / "_work"
    for name, args in cases(work).items():
        for rel, raw in run_case(cchc, args, work / "out" / name).items():
            target = dest / name / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)
    shutil.rmtree(work)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
