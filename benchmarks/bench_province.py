"""A province's volume: a million dossiers of 500 communes, loaded, counted and reported.

    .venv/bin/python benchmarks/bench_province.py [--rows 1000000] [--units 500]
        [--xlsx-rows 100000] [--runs 3] [--seed 2023] [--skip-report] [--cache benchmarks/.cache]

First makes (seeded, so the same files come out; only when missing or when --rows, --units,
--xlsx-rows or --seed change) two data folders in the cache folder, each with a ``unit.yaml``
and a copy of the sample's ``procedures.csv``:

- ``province-<rows>r-<units>u-s<seed>-v<n>/dossiers.csv``: the canonical columns and values of
  ``data/hoang-giang/dossiers.csv``, received 12/2022 – 01/2024, unique ids (about 140 MB at a
  million rows: the sample's rows average 143 bytes);
- ``province-xlsx-<rows>r-<units>u-s<seed>-v<n>/dossiers.xlsx``: a one-stop system's export of
  other dossiers drawn the same way (Vietnamese headers and values, Excel dates, an STT column).
A million rows take seconds to make, the XLSX's 100,000 about half a minute.

Then prints, one line each as soon as it is measured (figures only: the machines are shared,
so nothing is asserted):

- pyarrow's plain read of the CSV (``pandas.read_csv(dtype=str)`` when pyarrow is missing);
- ``load_dossiers`` of the CSV folder, and the figures of the seven periods of 2023 (decree09
  windows: the calls ``build_summary`` makes), each against the plain read; the peak memory of
  that step;
- ``load_dossiers`` of the XLSX folder against python-calamine's plain read of the same file;
- ``cchc report --year 2023 --format json`` on the province against the shipped sample, with
  the peak memory of each run's process tree;
- the sample's year in all formats against seven bare ``papermill`` CLI runs of an empty notebook.

Every library measurement runs in a fresh Python process (nothing cached, imports not timed).
Peak memory is sampled with psutil every 50 ms over the whole process tree (the sum of the
RSS of every process, so pages shared between processes are counted in each); the largest
single process's peak (``wait4`` ru_maxrss) is printed beside it. A step or CLI run that fails
prints the last line of its stderr and the bench goes on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SAMPLE = ROOT / "data" / "hoang-giang"
YEAR = 2023
# Bump when the generator changes what it writes: the cached folders are then made again.
GENERATOR_VERSION = 1
COMPLETE = ".complete"  # written last into a generated folder

# the window of the sample: received 01/12/2022 – 12/01/2024, exported on 15/01/2024
FIRST, LAST, AS_OF = dt.date(2022, 12, 1), dt.date(2024, 1, 12), dt.date(2024, 1, 15)
CALENDAR_START, CALENDAR_END = dt.date(2022, 11, 1), dt.date(2024, 12, 31)
OUTCOMES = ("resolved", "withdrawn", "returned", "refused")
OUTCOME_SHARES = (0.958, 0.02, 0.012, 0.01)
SATISFACTION = ("satisfied", "neutral", "dissatisfied")
SATISFACTION_SHARES = (0.94, 0.045, 0.015)
COMMUNES_PER_DISTRICT = 20


def _sample_module():
    """scripts/make_sample_data.py (not a package): its procedures, fields and export vocabulary."""
    spec = importlib.util.spec_from_file_location("make_sample_data", ROOT / "scripts" / "make_sample_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- generation


class _WorkingDays:
    """Working days as day offsets from CALENDAR_START, for whole columns at once."""

    def __init__(self, is_working_day) -> None:
        import numpy as np

        days = (CALENDAR_END - CALENDAR_START).days + 1
        self.working = np.array([is_working_day(CALENDAR_START + dt.timedelta(i)) for i in range(days)])
        self.list = np.flatnonzero(self.working)  # offsets of the working days, ascending

    def add(self, day, n):
        """``cchc_lib.base.workdays.add_working_days`` of each (day, n): n = 0 is the day itself if it is
        a working day, else the next one; n > 0 the n-th working day after the day."""
        import numpy as np

        n = np.asarray(n)
        pos = np.searchsorted(self.list, day, side="left")
        return self.list[pos + n - ((n > 0) & ~self.working[day])]


def generate(rows: int, units: int, seed: int) -> dict:
    """``rows`` invented dossiers of ``units`` communes, sorted by receipt: canonical column name ->
    object array of the values as written in the CSV.

    The rules are those of scripts/make_sample_data.py, drawn for whole columns at once; the
    communes differ in size and in their share of online dossiers.
    """
    import numpy as np

    from cchc_lib.base.workdays import due_date, is_working_day

    sample = _sample_module()
    rng = np.random.default_rng(seed)
    cal = _WorkingDays(is_working_day)
    first, last, as_of = ((d - CALENDAR_START).days for d in (FIRST, LAST, AS_OF))

    # communes: size (lognormal) and online share (beta around the sample's 42 %)
    weight = rng.lognormal(0.0, 0.6, units)
    online_share = rng.beta(4.2, 5.8, units)
    unit = rng.choice(units, size=rows, p=weight / weight.sum())

    # channel, then the moment of receipt: online any day and hour, desk and post on working hours
    draw = rng.random(rows)
    online = draw < online_share[unit]
    postal = ~online & (draw < online_share[unit] + 0.02)
    channel = np.where(online, "online", np.where(postal, "postal", "direct")).astype(object)
    desk_days = cal.list[(cal.list >= first) & (cal.list <= last)]
    day = np.where(online, rng.integers(first, last + 1, rows), desk_days[rng.integers(0, len(desk_days), rows)])
    minute = np.where(online, rng.integers(0, 24 * 60, rows), rng.integers(7 * 60 + 30, 17 * 60, rows))
    order = np.lexsort((unit, minute, day))  # by time of receipt, as an export lists them
    unit, channel, online, day, minute = unit[order], channel[order], online[order], day[order], minute[order]

    # field and procedure, legal time
    names = list(sample.FIELDS)
    shares = np.array([sample.FIELDS[f][0] for f in names])
    procedures = [(p, f, days) for f in names for p, days in sample.FIELDS[f][1]]
    first_procedure = np.cumsum([0] + [len(sample.FIELDS[f][1]) for f in names])[:-1]
    per_field = np.array([len(sample.FIELDS[f][1]) for f in names])
    field = rng.choice(len(names), size=rows, p=shares / shares.sum())
    procedure = first_procedure[field] + (rng.random(rows) * per_field[field]).astype(np.int64)
    legal = np.array([days for _, _, days in procedures])[procedure]

    # due date (Nghị định 61/2018: same day before 15:00, else N working days after receipt)
    start = cal.add(day, 0)
    same_day = np.where(cal.working[day] & (minute < 15 * 60), day, cal.add(day, 1))
    due = np.where(legal == 0, same_day, cal.add(start, legal))

    # outcome and end of processing
    outcome = rng.choice(len(OUTCOMES), size=rows, p=OUTCOME_SHARES)
    draw = rng.random(rows)
    resolved = np.select(
        [outcome == 3, (outcome == 1) | (outcome == 2), draw < 0.03, (legal == 0) | (draw < 0.5)],
        [
            day,
            cal.add(start, (rng.random(rows) * (np.maximum(legal, 1) + 1)).astype(np.int64)),
            cal.add(due, rng.integers(1, 8, rows)),
            due,
        ],
        default=cal.add(start, (rng.random(rows) * legal).astype(np.int64)),
    )
    resolved = np.maximum(resolved, day)
    finished = resolved <= as_of
    is_resolved = outcome == 0
    late = (resolved > due) & is_resolved
    rated = finished & is_resolved & (rng.random(rows) < 0.65)
    picked = np.array(SATISFACTION, dtype=object)[rng.choice(3, size=rows, p=SATISFACTION_SHARES)]
    satisfaction = np.where(rated, picked, "")
    apology = (late | (~finished & (due < as_of))) & (rng.random(rows) < 0.8)
    apology_day = np.maximum(due - 1, day)  # the day before the due date, not before receipt
    level = np.where(rng.random(rows) < 0.45, "full", "partial")
    e_result = np.where(rng.random(rows) < 0.85, "true", "false")
    due_missing = rng.random(rows) < 0.03  # a few exports leave the appointment date empty

    # the calendar of the data, written once per day, hour and number
    calendar = [CALENDAR_START + dt.timedelta(i) for i in range(len(cal.working))]
    dmy = np.array([d.strftime("%d/%m/%Y") for d in calendar], dtype=object)
    yymmdd = np.array([d.strftime("-%y%m%d-") for d in calendar], dtype=object)
    hhmm = np.array([f" {m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)], dtype=object)
    prefix = np.array([f"H56.{u // COMMUNES_PER_DISTRICT + 1:02d}.{u % COMMUNES_PER_DISTRICT + 1:02d}"
                       for u in range(units)], dtype=object)
    # number of the dossier in its commune, in order of receipt
    by_unit = np.argsort(unit, kind="stable")
    grouped = unit[by_unit]
    number = np.empty(rows, dtype=np.int64)
    number[by_unit] = np.arange(rows) - np.searchsorted(grouped, grouped, side="left") + 1
    numbers = np.array([f"{i:04d}" for i in range(int(number.max(initial=0)) + 1)], dtype=object)

    columns = {
        "dossier_id": prefix[unit] + yymmdd[day] + numbers[number],
        "procedure": np.array([p for p, _, _ in procedures], dtype=object)[procedure],
        "field": np.array(names, dtype=object)[field],
        "received_at": dmy[day] + hhmm[minute],
        "due_at": np.where(due_missing, "", dmy[due]),
        "resolved_at": np.where(finished, dmy[resolved], ""),
        "outcome": np.where(finished, np.array(OUTCOMES, dtype=object)[outcome], ""),
        "channel": channel,
        "online_level": np.where(online, level, ""),
        "e_result": np.where(finished & is_resolved, e_result, ""),
        "satisfaction": satisfaction,
        "apology_at": np.where(apology, dmy[apology_day], ""),
    }
    _check_due_dates(due, day, minute, legal, due_date, rng)
    return columns


def _check_due_dates(due, day, minute, legal, due_date, rng) -> None:
    """The column-wise due dates agree with cchc_lib.base.workdays.due_date on a few hundred rows."""
    for i in rng.choice(len(due), size=min(len(due), 300), replace=False):
        received = dt.datetime.combine(CALENDAR_START + dt.timedelta(int(day[i])), dt.time()) + dt.timedelta(
            minutes=int(minute[i]))
        expected = due_date(received, int(legal[i]))
        got = CALENDAR_START + dt.timedelta(int(due[i]))
        if expected != got:
            raise RuntimeError(f"generator out of step with cchc_lib.base.workdays: row {i}, {received}, "
                               f"{legal[i]} days: {got} instead of {expected}")


def write_csv(columns: dict, path: Path) -> None:
    """The columns as a UTF-8 CSV with a header row, quoted where a value needs it."""
    texts = []
    for values in columns.values():
        distinct = set(values.tolist())
        every = "".join(distinct)
        if any(c in every for c in ',"\r\n'):
            quoted = {v: '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\r\n') else v for v in distinct}
            values = [quoted[v] for v in values.tolist()]
        texts.append(values)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(columns) + "\n")
        out.write("\n".join(map(",".join, zip(*texts, strict=False))))
        out.write("\n")


def _unit_yaml(rows: int, units: int, what: str) -> str:
    count = f"{rows:,}".replace(",", ".")
    return (
        "# Invented dossiers of a province's communes, made by benchmarks/bench_province.py.\n"
        f"name: Tỉnh Thanh Hóa ({units} xã, {count} hồ sơ{what})\n"
        f"slug: tinh-thanh-hoa-{rows}\n"
        "province: Tỉnh Thanh Hóa\n"
    )


def _write_xlsx(export, path: Path) -> None:
    """The export as a one-stop system's workbook, with openpyxl's write-only mode."""
    import pandas as pd
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách hồ sơ")
    sheet.append(list(export.columns))
    columns = []
    for name in export.columns:
        values = export[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            timed = bool((values.dropna().dt.normalize() != values.dropna()).any())
            columns.append([None if pd.isna(v) else (v.to_pydatetime() if timed else v.date()) for v in values])
        else:  # empty text is an empty cell
            columns.append([None if v is None or v == "" or (isinstance(v, float) and v != v) else v
                            for v in values.tolist()])
    for row in zip(*columns, strict=False):
        sheet.append(row)
    book.save(path)


def _folder(cache: Path, name: str, make) -> tuple[Path, float | None]:
    """``cache/name``, made by ``make(tmp_folder)`` unless a complete one is there; the seconds it took."""
    folder = cache / name
    if (folder / COMPLETE).is_file():
        return folder, None
    started = time.perf_counter()
    cache.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=cache))
    building.chmod(0o755)
    try:
        make(building)
        (building / COMPLETE).write_text(f"generator version {GENERATOR_VERSION}\n", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        building.rename(folder)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return folder, time.perf_counter() - started


def province_folders(cache: Path, rows: int, units: int, xlsx_rows: int, seed: int) -> dict:
    """The CSV and XLSX data folders (made when missing) and the time each took to make."""
    tag = f"{units}u-s{seed}-v{GENERATOR_VERSION}"

    def make_csv(folder: Path) -> None:
        write_csv(generate(rows, units, seed), folder / "dossiers.csv")
        (folder / "unit.yaml").write_text(_unit_yaml(rows, units, ""), encoding="utf-8")
        shutil.copyfile(SAMPLE / "procedures.csv", folder / "procedures.csv")

    def make_xlsx(folder: Path) -> None:
        import pandas as pd

        frame = pd.DataFrame(generate(xlsx_rows, units, seed + 1))
        _write_xlsx(_sample_module().to_export(frame), folder / "dossiers.xlsx")
        (folder / "unit.yaml").write_text(_unit_yaml(xlsx_rows, units, ", XLSX"), encoding="utf-8")
        shutil.copyfile(SAMPLE / "procedures.csv", folder / "procedures.csv")

    csv_folder, csv_took = _folder(cache, f"province-{rows}r-{tag}", make_csv)
    xlsx_folder, xlsx_took = _folder(cache, f"province-xlsx-{xlsx_rows}r-{tag}", make_xlsx)
    return {"csv": csv_folder, "csv_took": csv_took, "xlsx": xlsx_folder, "xlsx_took": xlsx_took}


# --------------------------------------------------------------------------- measured steps (child processes)


def _step_plain_csv(path: str) -> dict:
    try:
        import pyarrow.csv as pacsv
    except ImportError:
        import pandas as pd

        started = time.perf_counter()
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        return {"seconds": time.perf_counter() - started, "rows": len(frame),
                "reader": "pandas.read_csv(dtype=str): pyarrow not installed"}
    started = time.perf_counter()
    table = pacsv.read_csv(path)
    return {"seconds": time.perf_counter() - started, "rows": table.num_rows, "reader": "pyarrow.csv.read_csv"}


def _step_plain_xlsx(path: str) -> dict:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    return {"seconds": time.perf_counter() - started, "rows": len(rows) - 1}


def _step_load(folder: str, figures: bool) -> dict:
    import cchc_lib
    from cchc_lib.base.periods import periods_of_year
    from cchc_lib.figures import dossiers as D

    clear = getattr(getattr(getattr(cchc_lib, "validate", None), "_load_checked", None), "cache_clear", None)
    if clear is not None:
        clear()
    started = time.perf_counter()
    data = cchc_lib.load_dossiers(Path(folder))
    result = {"load": time.perf_counter() - started, "rows": int(len(data.dossiers))}
    if figures:
        started = time.perf_counter()
        for period in periods_of_year(YEAR):
            first, last = period.window("decree09")
            classified = D.classify_dossiers(data.dossiers, first, last)
            D.tthc_table(classified)
            D.compute_kpis(classified)
            D.processing_days(classified)
            D.late_dossiers(classified, last)
            D.backlog_by_age(classified, last)
        result["figures"] = time.perf_counter() - started
    return result


STEPS = {
    "plain-csv": lambda arg: _step_plain_csv(arg),
    "plain-xlsx": lambda arg: _step_plain_xlsx(arg),
    "load": lambda arg: _step_load(arg, figures=False),
    "load-figures": lambda arg: _step_load(arg, figures=True),
}


# --------------------------------------------------------------------------- running and watching


def _tree_rss(root) -> int:
    import psutil

    total = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


class Run:
    """One child process: wall time, exit status, stdout, last line of stderr, peak memory."""

    def __init__(self, cmd: list[str], cwd: Path = ROOT) -> None:
        started = time.perf_counter()
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            process = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
            self.tree_peak = self._watch(process.pid)
            _, status, usage = os.wait4(process.pid, 0)
            self.seconds = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            self.returncode = process.returncode
            self.largest = usage.ru_maxrss * 1024  # KiB on Linux
            out.seek(0)
            err.seek(0)
            self.stdout = out.read().decode("utf-8", "replace")
            lines = [line for line in err.read().decode("utf-8", "replace").splitlines() if line.strip()]
            self.error = lines[-1] if lines else f"exit status {self.returncode}"

    @staticmethod
    def _watch(pid: int) -> int | None:
        """Peak of the tree's summed RSS, sampled every 50 ms until the process exits (None
        without psutil). Runs until the child is a zombie, so wait4 still has its usage."""
        try:
            import psutil
        except ImportError:
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # until it exits, leaving it to wait4
            return None
        peak = 0
        root = psutil.Process(pid)
        while True:
            try:
                if root.status() == psutil.STATUS_ZOMBIE:
                    return peak
            except psutil.NoSuchProcess:
                return peak
            peak = max(peak, _tree_rss(root))
            time.sleep(0.05)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _step(name: str, arg: str) -> tuple[dict | None, Run]:
    run = Run([sys.executable, str(Path(__file__).resolve()), "--step", name, arg])
    if not run.ok:
        return None, run
    return json.loads(run.stdout.strip().splitlines()[-1]), run


def _say(text: str) -> None:
    print(text, flush=True)


def _mb(n: int | None) -> str:
    return "n/a" if n is None else f"{n / 2**20:,.0f} MB"


def _ratio(a: float | None, b: float | None) -> str:
    return "n/a" if a is None or not b else f"{a / b:.2f}"


def _times(values: list[float]) -> str:
    if len(values) == 1:
        return ""
    return f" (median of {len(values)}: {', '.join(f'{v:.2f}' for v in values)})"


LABEL_WIDTH = 52


def _line(label: str, seconds: float | None, rest: str = "") -> None:
    """One measurement: label, seconds (if any), the rest."""
    figure = f"{seconds:8.2f} s   " if seconds is not None else ""
    _say(f"{label:<{LABEL_WIDTH}}: {figure}{rest}".rstrip())


def _failed(label: str, run: Run) -> None:
    _say(f"{label:<{LABEL_WIDTH}}: FAILED after {run.seconds:.1f} s: {run.error}")


def _repeat(name: str, arg: str, runs: int, key: str, label: str) -> tuple[float | None, dict | None]:
    """Median of ``runs`` fresh-process runs of a step; None (with the failure printed) if one fails."""
    seconds, last = [], None
    for _ in range(runs):
        result, run = _step(name, arg)
        if result is None:
            _failed(label, run)
            return None, None
        seconds.append(result[key])
        last = result
    last["all"] = seconds
    return statistics.median(seconds), last


def _cli(args: list[str], runs: int = 1) -> tuple[float | None, list[Run]]:
    """Median wall time of ``runs`` CLI runs (None when one fails) and the runs."""
    done = []
    for _ in range(runs):
        run = Run(args)
        done.append(run)
        if not run.ok:
            return None, done
    return statistics.median(r.seconds for r in done), done


def _peaks(runs: list[Run]) -> str:
    tree = [r.tree_peak for r in runs if r.tree_peak is not None]
    return (f"peak tree RSS {_mb(max(tree)) if tree else 'n/a'}, "
            f"largest process {_mb(max(r.largest for r in runs))}")


def _empty_notebook(folder: Path) -> Path:
    import nbformat

    path = folder / "empty.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="dossiers of the CSV (default 1,000,000)")
    parser.add_argument("--units", type=int, default=500, help="communes (default 500)")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="dossiers of the XLSX (default 100,000)")
    parser.add_argument("--runs", type=int, default=3,
                        help="repeats of the short measurements: plain reads, XLSX load, the sample's JSON "
                             "report, the bare papermill run; medians printed (default 3)")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--skip-report", action="store_true", help="leave out the cchc report and papermill runs")
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / ".cache",
                        help="where the generated data folders are kept (default benchmarks/.cache)")
    parser.add_argument("--step", nargs=2, metavar=("NAME", "ARG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step[0]](args.step[1])), flush=True)
        return
    runs = max(1, args.runs)

    _say(f"cores: {os.cpu_count()}  (python {platform.python_version()}, {platform.machine()})")
    _say("memory: peak of the process tree's summed RSS, psutil sampling every 50 ms; "
         "'largest process' is wait4's ru_maxrss")
    started = time.perf_counter()
    folders = province_folders(args.cache, args.rows, args.units, args.xlsx_rows, args.seed)
    for kind, label in (("csv", "CSV"), ("xlsx", "XLSX")):
        file = folders[kind] / f"dossiers.{kind}"
        took = folders[f"{kind}_took"]
        _say(f"{label} data: {file} ({file.stat().st_size / 2**20:,.1f} MB; "
             f"{'generated in ' + format(took, '.1f') + ' s' if took is not None else 'cached'})")
    csv_file = folders["csv"] / "dossiers.csv"

    # plain reads, then the library on the same data
    label = "plain read of the CSV"
    plain, detail = _repeat("plain-csv", str(csv_file), runs, "seconds", label)
    if plain is not None:
        _line(f"{label}, {detail['rows']:,} rows", plain, f"{detail['reader']}{_times(detail['all'])}")

    label = "load_dossiers (CSV) + figures"
    result, run = _step("load-figures", str(folders["csv"]))
    if result is None:
        _failed(label, run)
    else:
        load, figures = result["load"], result["figures"]
        _line(f"load_dossiers (CSV), {result['rows']:,} dossiers", load, f"ratio to plain read {_ratio(load, plain)}")
        _line(f"figures of the 7 periods of {YEAR} (decree09)", figures,
              f"ratio to plain read {_ratio(figures, plain)}")
        _line("load + figures", load + figures, f"ratio to plain read {_ratio(load + figures, plain)}  (aim: within 3)")
        _line("load + figures, memory", None, f"{_peaks([run])}  (aim: under 1 GB)")

    xlsx_file = folders["xlsx"] / "dossiers.xlsx"
    label = "plain read of the XLSX, python-calamine"
    calamine, detail = _repeat("plain-xlsx", str(xlsx_file), runs, "seconds", label)
    if calamine is not None:
        _line(f"{label}, {detail['rows']:,} rows", calamine, _times(detail["all"]).strip())
    label = "load_dossiers (XLSX)"
    xlsx_load, detail = _repeat("load", str(folders["xlsx"]), runs, "load", label)
    if xlsx_load is not None:
        _line(f"{label}, {detail['rows']:,} dossiers", xlsx_load,
              f"ratio to calamine read {_ratio(xlsx_load, calamine)}{_times(detail['all'])}")

    if args.skip_report:
        _say(f"(cchc report runs skipped; --skip-report)  total {time.perf_counter() - started:.1f} s")
        return
    cchc = str(BIN / "cchc")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        label = f"cchc report --year {YEAR} --format json, province"
        big, big_runs = _cli([cchc, "report", "--year", str(YEAR), "--format", "json",
                              "--data", str(folders["csv"]), "--out", str(tmp / "province")])
        if big is None:
            _failed(label, big_runs[-1])
        else:
            _line(label, big, _peaks(big_runs))
        label = f"cchc report --year {YEAR} --format json, sample"
        small, small_runs = _cli([cchc, "report", "--year", str(YEAR), "--format", "json",
                                  "--data", str(SAMPLE), "--out", str(tmp / "sample-json")], runs)
        if small is None:
            _failed(label, small_runs[-1])
        else:
            _line(label, small, _peaks(small_runs) + _times([r.seconds for r in small_runs]))
        _line("  ratio province / sample", None, f"{_ratio(big, small)}  (aim: within 2)")

        label = "papermill CLI, empty notebook, one run"
        bare, bare_runs = _cli([str(BIN / "papermill"), "--no-progress-bar", str(_empty_notebook(tmp)),
                                str(tmp / "out.ipynb")], runs)
        if bare is None:
            _failed(label, bare_runs[-1])
        else:
            _line(label, bare, f"seven: {7 * bare:.2f} s{_times([r.seconds for r in bare_runs])}")
        label = f"cchc report --year {YEAR}, sample, all five formats"
        year, year_runs = _cli([cchc, "report", "--year", str(YEAR), "--out", str(tmp / "sample")])
        if year is None:
            _failed(label, year_runs[-1])
        else:
            _line(label, year, _peaks(year_runs))
        _line("  ratio year / seven bare papermill runs", None,
              f"{_ratio(year, None if bare is None else 7 * bare)}  (aim: 0.5)")
    _say(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
