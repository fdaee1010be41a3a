"""The ``cchc`` command: parses arguments, calls the library, sets the exit status.

    cchc report 2023-Q1 [2023-H1 ...] [--data DIR] [--out DIR] [--format html,pdf,json] [--cutoff decree09|calendar]
    cchc report --year 2023
    cchc periods 2023
    cchc validate [--data DIR]
    cchc inspect FILE [--data DIR]        # how one export is read
    cchc report ... --skip-invalid        # leave rows with errors out, listed in the report
    cchc report --units ROOT --year 2023 [--out OUT] [--scheduler tcp://HOST:8786]
    cchc split FILE --by COLUMN --out ROOT [--template DIR]
    cchc score 2023 [--data DIR] [--out DIR]  # the reform index self-assessment (or 2023-Q3: during the year)
    cchc init DIR --name "Xã …" [--province …] [--plan FILE] [--export FILE] [--criteria FILE]
              [--procedures FILE] [--force]

Exit status 0 on success; 1 with a one-line reason on stderr on any failure; 2 for bad usage;
130 after Ctrl-C and 143 after SIGTERM (the run is cancelled and leaves nothing changed).
Every check of the parameters is the library's: the command only parses and calls.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path

from .base.errors import CchcError
from .base.periods import CUTOFFS, PeriodError


def _year(text: str) -> int:
    if not text.isdigit() or len(text) != 4:
        raise argparse.ArgumentTypeError(f"expected a year such as 2023, got {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cchc", description="Báo cáo cải cách hành chính theo kỳ (CCHC / TTHC).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_report(commands)
    _add_split(commands)
    _add_score(commands)
    _add_checks(commands)
    _add_init(commands)
    _add_plan(commands)
    return parser


def _add_init(commands: argparse._SubParsersAction) -> None:
    """``cchc init``: a new unit's data folder from its plan, export and the province's criteria."""
    init = commands.add_parser("init", help="make a new unit's data folder (unit.yaml, plan, export, criteria)")
    init.add_argument("folder", type=Path, metavar="DIR")
    init.add_argument("--name", required=True, help='the unit\'s name ("Xã …")')
    init.add_argument("--province", default="", help='the province ("Tỉnh …")')
    init.add_argument("--plan", type=Path, default=None, metavar="FILE", help="the reform plan document to import")
    init.add_argument("--export", type=Path, default=None, metavar="FILE", help="a dossier export, into dossiers/")
    init.add_argument("--criteria", type=Path, default=None, metavar="FILE",
                      help="the province's criteria sheet (.xlsx as it comes) or a criteria.csv, into scoring/")
    init.add_argument("--procedures", type=Path, default=None, metavar="FILE",
                      help="the commune's catalogue of procedures (procedures.csv or .xlsx), with their legal times")
    init.add_argument("--force", action="store_true", help="write into a folder that already holds files")


def _add_plan(commands: argparse._SubParsersAction) -> None:
    """``cchc plan import``: a plan document (.docx, .pdf, .txt) read into a data folder's plan files."""
    plan = commands.add_parser("plan", help="the plan's files: import them from the plan document")
    actions = plan.add_subparsers(dest="plan_command", required=True, metavar="ACTION")
    imports = actions.add_parser("import", help="read a plan document (.docx, .pdf, .txt) into plan/ of a data folder")
    imports.add_argument("file", type=Path, metavar="FILE")
    imports.add_argument("--data", type=Path, required=True, help="the unit's data folder")
    imports.add_argument("--overwrite", action="store_true", help="replace a plan already in the folder")


def _add_report(commands: argparse._SubParsersAction) -> None:
    """``cchc report``: one unit's periods (its data folder: ``--data``), or every unit's under ``--units ROOT``."""
    report = commands.add_parser("report",
                                 help="build period reports (HTML, PDF, Word, Excel, JSON) and the index page")
    report.add_argument("periods", nargs="*", metavar="PERIOD", help="2023-Q1 … 2023-Q4, 2023-H1, 2023-9M, 2023-Y")
    report.add_argument("--year", type=_year, help="all seven periods of this year")
    report.add_argument("--data", type=Path, default=None,
                        help="the unit's data folder (default in a checkout: the shipped sample)")
    report.add_argument("--out", type=Path, default=None,
                        help="the unit's output folder (default: reports/<unit-slug>/, of the repository in a "
                             "checkout, else of the current folder)")
    report.add_argument("--format", default="html,pdf,docx,xlsx,json",
                        help="comma-separated: html,pdf,docx,xlsx,json (default: all five)")
    report.add_argument("--cutoff", choices=CUTOFFS, default="decree09", help="period windows (default: decree09)")
    report.add_argument("--unit", default="", help="the unit's display name (default: from unit.yaml)")
    report.add_argument("--skip-invalid", action="store_true",
                        help="leave rows with errors out (listed in the report and JSON) instead of refusing to run")
    report.add_argument("--jobs", type=int, default=None,
                        help="periods (with --units: units) built at once (default: the number of cores)")
    report.add_argument("--units", type=Path, default=None, metavar="ROOT",
                        help="report the data folder of every unit under ROOT (ROOT/<folder>/), each into its "
                             "output folder OUT/<unit-slug>/, then the roll-up into OUT/_tong-hop/ "
                             "(OUT default: reports/)")
    report.add_argument("--scheduler", default="", metavar="ADDRESS",
                        help="with --units: run the units on this dask.distributed scheduler (tcp://host:8786)")
    report.add_argument("--quiet", "-q", action="store_true",
                        help="no progress line on stderr as each period (with --units: unit) finishes")


def _add_split(commands: argparse._SubParsersAction) -> None:
    """``cchc split``: an export of many units into one data folder each, under ``--out ROOT``."""
    split = commands.add_parser("split", help="split an export of many units into one data folder per unit")
    split.add_argument("file", type=Path, metavar="FILE")
    split.add_argument("--by", required=True, metavar="COLUMN", help="the header of the column naming the unit")
    split.add_argument("--out", type=Path, required=True, metavar="ROOT",
                       help="where the units' data folders are written (ROOT/<unit-slug>/)")
    split.add_argument("--template", type=Path, default=None, metavar="DIR",
                       help="a unit data folder whose catalogue, plan and unit.yaml district/province are copied")
    split.add_argument("--overwrite", action="store_true", help="replace units' data folders that already exist")
    split.add_argument("--skip-unassigned", action="store_true", help="leave out rows naming no unit (counted)")


def _add_score(commands: argparse._SubParsersAction) -> None:
    """``cchc score``: the reform index self-assessment of a year, or the view during it."""
    score = commands.add_parser("score", help="the reform index self-assessment of a year (HTML, PDF, XLSX, JSON)")
    score.add_argument("target", metavar="YEAR|PERIOD",
                       help="2023: the year's self-assessment; 2023-Q3 (any period of the year): the points "
                            "secured so far, at risk and still open")
    score.add_argument("--data", type=Path, default=None,
                       help="the unit's data folder, with scoring/criteria.csv (default in a checkout: the sample)")
    score.add_argument("--out", type=Path, default=None,
                       help="the unit's output folder (default: reports/<unit-slug>/)")
    score.add_argument("--format", default="html,pdf,xlsx,json",
                       help="comma-separated: html,pdf,xlsx,json (default: all four)")
    score.add_argument("--cutoff", choices=CUTOFFS, default="decree09", help="the window (default: decree09)")
    score.add_argument("--unit", default="", help="the unit's display name (default: from unit.yaml)")
    score.add_argument("--skip-invalid", action="store_true", help="leave dossier rows with errors out")
    score.add_argument("--quiet", "-q", action="store_true", help="no line on stderr with the total")


def _add_checks(commands: argparse._SubParsersAction) -> None:
    """``cchc periods``, ``cchc inspect`` and ``cchc validate``: what the periods are, how one export
    is read, every problem of a data folder."""
    periods = commands.add_parser("periods", help="list a year's periods and their windows")
    periods.add_argument("year", type=_year)

    inspect = commands.add_parser("inspect", help="show how one export is read: format, header, columns, rows")
    inspect.add_argument("file", type=Path, metavar="FILE")
    inspect.add_argument("--data", type=Path, default=None,
                         help="the data folder whose unit.yaml maps the export "
                              "(default: the file's folder or its parent)")
    inspect.add_argument("--rows", type=int, default=5, help="rows to preview (default 5)")

    validate = commands.add_parser("validate", help="check a data folder and list every problem")
    validate.add_argument("--data", type=Path, default=None,
                          help="the unit's data folder (default in a checkout: the shipped sample)")


def _period_of(name: str) -> str | None:
    """The period whose report ``name`` is a file of (None for another file).

    >>> _period_of("2023-9M-noi-bo.html"), _period_of("2023-Y-noi-bo.html"), _period_of("2023-Y.pdf")
    ('2023-9M', '2023-Y', '2023-Y')
    >>> _period_of("2023-chi-so-cchc.pdf"), _period_of("index.html")
    (None, None)
    """
    from .base.periods import parse_period

    candidate = name.split(".")[0][:7].rstrip("-")
    try:
        return parse_period(candidate).id
    except Exception:  # noqa: BLE001 - not a period's id
        return None


def _progress(args: argparse.Namespace):  # noqa: ANN202 - a line printer, or None with --quiet
    if args.quiet:
        return None
    return lambda line: print(line, file=sys.stderr, flush=True)


def _cmd_report(args: argparse.Namespace) -> int:
    from .running.report import build_reports

    if args.units:
        return _report_units(args)
    started = time.perf_counter()
    published = build_reports(
        args.periods, year=args.year, cutoff=args.cutoff, data_dir=args.data or "", out_dir=args.out,
        formats=args.format, unit=args.unit, skip_invalid=args.skip_invalid, jobs=args.jobs,
        progress=_progress(args),
    )
    unit_out = published[0].parent if published else args.out  # the unit's output folder
    # a period's files share its id (2023-Q2.html, 2023-Q2-noi-bo.html); the self-assessment's are not a period's
    count = len({_period_of(p.name) for p in published} - {None})
    print(f"{count} period(s), {len(published)} file(s) in {unit_out} ({time.perf_counter() - started:.1f} s)")
    for path in published:
        print(f"  {path}")
    print(f"  {unit_out / 'index.html'}")
    return 0


def _report_units(args: argparse.Namespace) -> int:
    from .running.units import UnitsStopped, build_units

    started = time.perf_counter()
    try:
        outcome = build_units(args.units, args.periods, year=args.year, cutoff=args.cutoff, out_dir=args.out,
                              formats=args.format, skip_invalid=args.skip_invalid, workers=args.jobs,
                              scheduler=args.scheduler, progress=_progress(args))
    except UnitsStopped as exc:  # the workers stopped building: the last lines say what was published
        print(f"cchc: error: {exc.reason}", file=sys.stderr)
        for line in exc.lines:
            print(f"  {line}", file=sys.stderr)
        return 1
    done = [r for r in outcome.results if not r.failed]
    print(f"{len(done)} of {len(outcome.results)} unit(s), {sum(len(r.files) for r in done)} file(s), "
          f"roll-up: {len(outcome.rollup)} file(s) ({time.perf_counter() - started:.1f} s)")
    # each failed unit by its slug and the name of its data folder under ROOT
    problems = [f"{r.slug} (folder {Path(r.folder).name}): {r.error}" for r in outcome.failed]
    if outcome.rollup_error:
        problems.append(f"roll-up: {outcome.rollup_error}")
    if problems:
        raise CchcError(f"{len(outcome.failed)} unit(s) failed: " + "; ".join(problems))
    return 0


def _cmd_split(args: argparse.Namespace) -> int:
    from .running.split_out import split_export

    result = split_export(args.file, args.by, args.out, template=args.template, overwrite=args.overwrite,
                          unassigned="skip" if args.skip_unassigned else "error")
    print(result.describe())
    return 0


def _cmd_score(args: argparse.Namespace) -> int:
    from .running.score_report import build_score

    started = time.perf_counter()
    published = build_score(args.target, data_dir=args.data or "", out_dir=args.out, cutoff=args.cutoff,
                            unit=args.unit, formats=args.format, skip_invalid=args.skip_invalid,
                            progress=_progress(args))
    unit_out = published[0].parent if published else args.out  # the unit's output folder
    print(f"{len(published)} file(s) in {unit_out} ({time.perf_counter() - started:.1f} s)")
    for path in published:
        print(f"  {path}")
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from .running.init import init_unit

    result = init_unit(args.folder, args.name, province=args.province, plan=args.plan, export=args.export,
                       procedures=args.procedures, criteria=args.criteria, force=args.force)
    print(result.describe())
    return 0


def _cmd_periods(args: argparse.Namespace) -> int:
    from .inputs.params import check_periods

    periods = check_periods(year=args.year)  # a year the working-day calendar covers
    print(f"{'id':<9} {'tên kỳ':<22} {'decree09':<25} calendar")
    for period in periods:
        windows = [
            "{} – {}".format(*(d.strftime("%d/%m/%Y") for d in period.window(cutoff))) for cutoff in CUTOFFS
        ]
        print(f"{period.id:<9} {period.name_vi:<22} {windows[0]:<25} {windows[1]}")
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    from .inputs.inspection import inspect_export

    print(inspect_export(args.file, args.data, args.rows))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .base.problems import ERROR, format_problems
    from .inputs.params import resolve_data_dir
    from .running.checks import validate_data

    data_dir = resolve_data_dir(args.data or "")
    problems = validate_data(data_dir)
    errors = int((problems["severity"] == ERROR).sum())
    warnings = len(problems) - errors
    if len(problems):
        print(format_problems(problems))
    if errors:
        raise CchcError(f"{errors} error(s) and {warnings} warning(s) in {data_dir}")
    print(f"{data_dir}: no error, {warnings} warning(s)")
    return 0


def _check_usage(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Options that do not go together: a usage error (exit status 2)."""
    if args.command != "report":
        return
    if args.units and (args.data or args.unit):
        parser.error("--units reads the data folder of every unit under ROOT: --data and --unit do not apply")
    if args.scheduler and not args.units:
        parser.error("--scheduler runs units: give --units ROOT")
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs: expected 1 or more, got {args.jobs}")


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: the run is cancelled, its staging folder removed."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def _cmd_plan(args: argparse.Namespace) -> int:
    from .running.plan_import import import_plan, review_lines

    result = import_plan(args.file, args.data, overwrite=args.overwrite)
    areas = {task["area"] for task in result.plan.tasks}
    print(f"Đã nhập {len(result.plan.tasks)} nhiệm vụ ({len(areas)} lĩnh vực) và {len(result.plan.targets)} chỉ tiêu"
          f" từ {args.file.name}; đã ghi:")
    for path in result.written:
        print(f"  {path}")
    lines = review_lines(result)
    print(f"Cần kiểm tra ({len(lines)} điểm, cũng ghi trong {result.written[-1]}):" if lines
          else "Không có điểm nào cần kiểm tra.")
    for line in lines:
        print(line)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _check_usage(parser, args)
    # the libraries' log records (a kernel's timeout, a template's warning) are not the command's
    # words: what went wrong is said once, on the 'cchc: error:' line
    logging.getLogger().addHandler(logging.NullHandler())
    command = {"report": _cmd_report, "periods": _cmd_periods, "validate": _cmd_validate,
               "inspect": _cmd_inspect, "split": _cmd_split, "score": _cmd_score, "plan": _cmd_plan,
               "init": _cmd_init}[args.command]
    handler = None
    try:
        handler = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: leave SIGTERM as it is
        pass
    try:
        status = command(args)
        sys.stdout.flush()
        return status
    except (CchcError, PeriodError) as exc:
        lines = str(exc).strip().splitlines() or [type(exc).__name__]
        more = " (run 'cchc validate' for the full list)" if len(lines) > 1 and args.command == "report" else ""
        print(f"cchc: error: {lines[0]}{more}", file=sys.stderr)
        for line in lines[1:6]:  # the first problems, each naming its file, row and column
            print(f"  {line}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader of stdout went away (``cchc periods 2023 | head -n 1``): stop quietly
        _silence_stdout()
        return 0
    except Terminated as exc:
        _say_stopped("cchc: stopped (SIGTERM)", exc, "nothing was published by the unfinished run")
        return 143
    except KeyboardInterrupt as exc:
        _say_stopped("cchc: interrupted", exc, "")
        return 130
    finally:
        if handler is not None:
            signal.signal(signal.SIGTERM, handler)


def _say_stopped(first: str, exc: BaseException, otherwise: str) -> None:
    """The stop message: with ``--units``, what the roll-up became, then the units the run
    published whole and those it did not, a line each."""
    lines, seen = None, exc
    while seen is not None and not lines:  # a second signal while the first was said: the first's lines
        lines, seen = getattr(seen, "units_stopped", None), seen.__context__
    if lines:
        print(f"{first}; {lines[0]}; units published whole stay, the others are as they were:", file=sys.stderr)
        for line in lines[1:]:
            print(f"  {line}", file=sys.stderr)
    else:
        print(f"{first}; {otherwise}" if otherwise else first, file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
