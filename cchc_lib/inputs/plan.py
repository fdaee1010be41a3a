"""The reform plan as data: tasks, their milestones, targets, indicators and progress.

A data folder's ``plan/`` holds (CSV files in UTF-8 with BOM, so Excel opens them with every
Vietnamese letter right; XLSX of the same name works too):

- ``plan.yaml``: ``year``, ``title``, ``document``;
- ``tasks.csv``: ``task_id, area, area_name, task, deliverable, owner, timing`` (the timing text
  exactly as written), ``timing_corrected`` and ``correction_note`` where the original is wrong;
- ``milestones.csv`` (optional): ``task_id, milestone, kind, due, label, note``: explicit
  milestones, replacing what the timing text would give for that task;
- ``updates.csv``: ``task_id, milestone, date, status, evidence, note``: progress;
- ``targets.csv``: ``target_id, kpi, comparison, value, where, sentence`` and optionally ``area``;
- ``indicators.csv``: ``indicator, period, value, source, note``: indicators measured by hand.

A milestone's key: the period id (``2023-Q1``) of a periodic report, the due date
(``31/01/2023``) of a dated one, ``continuous`` for work checked at each period, ``on_notice``
for work done when the province or district asks.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from ..base import vi
from ..base.errors import ParameterError
from ..base.periods import Period, PeriodError, parse_period
from ..base.problems import (
    WARNING,
    ProblemError,
    concat_problems,
    problem,
    problem_table,
    raise_errors,
    row_check,
    schema_problems,
)
from . import schema as S
from .cache import kept
from .columns import fold_key, map_values, parse_dates
from .confine import confinement_problems
from .ingest import near_misses
from .numbers import parse_shares
from .params import REPORT_YEARS, check_covered
from .plan_header import read_plan_yaml
from .tables import find_table, known_header, read_known_columns

PLAN_DIR = "plan"
DATE = "date"
PERIODIC = "period"
CONTINUOUS = "continuous"
ON_NOTICE = "on_notice"
KINDS = (DATE, PERIODIC, CONTINUOUS, ON_NOTICE)
STATUSES = {
    "chưa thực hiện": "not_started", "not_started": "not_started",
    "đang thực hiện": "in_progress", "in_progress": "in_progress",
    "hoàn thành": "done", "đã hoàn thành": "done", "done": "done",
}
# a milestone's state in words: on the report's page ("page") and in the document and its companion ("document")
STATE_NAMES: dict[str, dict[str, str]] = {
    "done_on_time": {"page": "Hoàn thành đúng hạn", "document": "Hoàn thành đúng hạn"},
    "done_late": {"page": "Hoàn thành trễ hạn", "document": "Hoàn thành chậm"},
    "overdue": {"page": "Quá hạn", "document": "Quá hạn"},
    "not_yet_due": {"page": "Chưa đến hạn", "document": "Chưa đến hạn"},
    "continuous": {"page": "Thường xuyên", "document": "Thường xuyên"},
    "no_fixed_date": {"page": "Chưa có thời hạn", "document": "Không định thời hạn"},
}
STATES = tuple(STATE_NAMES)
STATE_VI = {state: names["page"] for state, names in STATE_NAMES.items()}
DOSSIER_KPIS = S.KPI_KEYS
INDICATOR_NAMES_VI = {
    "officials_qualified": "Tỷ lệ cán bộ, công chức đạt chuẩn chuyên môn",
    "e_work_files": "Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng",
}
COMPARISONS = (">=", "<=", "=")
ELIGIBLE_KPIS = ("online_rate", "full_online_rate", "e_result_rate")  # targets "of the eligible dossiers"
_PERIOD_KINDS_ALL = ("Q1", "Q2", "H1", "Q3", "9M", "Q4", "Y")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


class TimingError(ValueError):
    """A timing phrase the parser does not understand."""


@dataclass(frozen=True)
class Milestone:
    """One dated deliverable of a task (or its continuous / on-notice work)."""

    task_id: str
    key: str
    kind: str
    label: str
    due: dt.date | None = None  # dated milestones
    period: str = ""  # periodic milestones: their period id

    def due_on(self, cutoff: str) -> dt.date | None:
        """The due date: a periodic report is due at its period's cut-off."""
        if self.kind == PERIODIC:
            return parse_period(self.period).window(cutoff)[1]
        return self.due


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s-(?=\w)", " ", text)  # "thực -hiện": a bullet of the PDF caught mid-line
    return " ".join(text.split())


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _date(day: int, month: int, year: int, task_id: str, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise TimingError(f"{task_id}: no such date in {text!r}") from None


_BEFORE = re.compile(r"trước(?: ngày)? (\d{1,2})/(\d{1,2})/(\d{4})")
_MONTH = re.compile(r"(đầu |cuối )?tháng (\d{1,2})/(\d{4})")
_QUARTER = re.compile(r"quý (iv|iii|ii|i|[1-4])/(\d{4})")
_PERIODIC = re.compile(r"định kỳ(.*)")
_EACH_QUARTER = re.compile(r"các quý")
_CONTINUOUS = re.compile(r"thường xuyên")
_ON_NOTICE = re.compile(r"khi có (thông báo|hướng dẫn)")


def parse_timing(text: str, year: int, task_id: str = "") -> list[Milestone]:
    """The milestones a timing text of the plan means.

    The text is split into clauses at ``;`` and line breaks; each clause must name a month
    (``Tháng 01/2023`` → 31/01/2023; ``đầu tháng`` → the 10th), a quarter (``Quý I/2023``,
    ``Quý 4/2023`` → its last day), a date (``Trước 10/12/2023`` → 10/12/2023), a periodic
    report (``định kỳ quý, 6 tháng, 9 tháng, năm`` → one per period of ``year``; ``hàng quý``
    → Q1–Q4; ``Theo định kỳ`` alone → all seven; ``Các quý trong năm`` → Q1–Q4), continuous
    work (``Thường xuyên``) or work on notice (``Khi có thông báo/hướng dẫn của tỉnh, huyện``).

    >>> [(m.key, m.due) for m in parse_timing("Quý I/2023", 2023, "PL05-1")]
    [('31/03/2023', datetime.date(2023, 3, 31))]
    >>> [m.key for m in parse_timing("Khi có hướng dẫn của tỉnh, huyện; Báo cáo kết quả thực hiện tháng 12/2023", 2023)]
    ['on_notice', '31/12/2023']
    >>> parse_timing("Sớm nhất có thể", 2023, "PL09-9")
    Traceback (most recent call last):
    ...
    cchc_lib.inputs.plan.TimingError: PL09-9: timing not understood: 'Sớm nhất có thể'
    """
    clauses = [c for c in re.split(r"[;\n]", text or "") if _clean(c).strip(" -.,:")]
    if not clauses:
        raise TimingError(f"{task_id}: no timing given")
    milestones: list[Milestone] = []
    for raw in clauses:
        clause = _clean(raw).strip(" -")
        low = clause.lower()
        found = [*_dates_in(low, clause, task_id), *_periods_in(low, year), *_open_ended_in(low)]
        if not found:
            raise TimingError(f"{task_id}: timing not understood: {clause!r}")
        milestones += _clause_milestones(found, task_id, clause.rstrip("."))
    return _unique_milestones(milestones)


def _dates_in(low: str, clause: str, task_id: str) -> list[tuple]:
    """The dates a clause (``low``: lower-cased) names: ``trước 10/12/2023``, ``(đầu|cuối) tháng 01/2023``,
    ``quý I/2023``; as ``(position, DATE, due, "")``."""
    found = []
    for match in _BEFORE.finditer(low):
        day, month, yr = (int(g) for g in match.groups())
        found.append((match.start(), DATE, _date(day, month, yr, task_id, clause), ""))
    for match in _MONTH.finditer(low):
        month, yr = int(match[2]), int(match[3])
        if not 1 <= month <= 12:
            raise TimingError(f"{task_id}: no month {month} in {clause!r}")
        due = _date(10, month, yr, task_id, clause) if match[1] == "đầu " else _month_end(yr, month)
        found.append((match.start(), DATE, due, ""))
    for match in _QUARTER.finditer(low):
        quarter = _ROMAN.get(match[1]) or int(match[1])
        found.append((match.start(), DATE, _month_end(int(match[2]), quarter * 3), ""))
    return found


def _periods_in(low: str, year: int) -> list[tuple]:
    """The reporting periods of ``year`` a clause (lower-cased) asks a report for: ``định kỳ …``
    (all seven when it names none), ``các quý`` (Q1–Q4); as ``(position, PERIODIC, None, period id)``."""
    periodic = _PERIODIC.search(low)
    if periodic:
        rest = periodic[1]
        kinds = [k for k, word in (("quý", "quý"), ("H1", "6 tháng"), ("9M", "9 tháng"), ("Y", "năm"))
                 if re.search(rf"\b{word}\b", rest)]
        chosen = []
        for kind in kinds:
            chosen += ["Q1", "Q2", "Q3", "Q4"] if kind == "quý" else [kind]
        return [(periodic.start(), PERIODIC, None, Period(year, kind).id)
                for kind in [k for k in _PERIOD_KINDS_ALL if k in chosen] or list(_PERIOD_KINDS_ALL)]
    if _EACH_QUARTER.search(low):
        return [(0, PERIODIC, None, Period(year, kind).id) for kind in ("Q1", "Q2", "Q3", "Q4")]
    return []


def _open_ended_in(low: str) -> list[tuple]:
    """Continuous work and work on notice, if a clause (lower-cased) names them."""
    found = []
    if _CONTINUOUS.search(low):
        found.append((0, CONTINUOUS, None, ""))
    if _ON_NOTICE.search(low):
        found.append((0, ON_NOTICE, None, ""))
    return found


def _clause_milestones(found: list[tuple], task_id: str, label: str) -> list[Milestone]:
    """The milestones of one clause's findings, labelled with the clause."""
    milestones = []
    for _, kind, due, period in found:
        if kind == DATE:
            milestones.append(Milestone(task_id, due.strftime("%d/%m/%Y"), DATE, label, due=due))
        elif kind == PERIODIC:
            name = parse_period(period).name_vi
            milestones.append(Milestone(task_id, period, PERIODIC, f"{label} ({name})", period=period))
        else:
            milestones.append(Milestone(task_id, kind, kind, label))
    return milestones


def _unique_milestones(milestones: list[Milestone]) -> list[Milestone]:
    """The first milestone of each key, in order."""
    seen: set[str] = set()
    unique = []
    for m in milestones:
        if m.key not in seen:
            seen.add(m.key)
            unique.append(m)
    return unique


@dataclass(frozen=True)
class Plan:
    """A plan's files, read and checked."""

    year: int
    title: str
    document: str
    tasks: pd.DataFrame
    milestones: list[Milestone]
    updates: pd.DataFrame
    targets: pd.DataFrame
    indicators: pd.DataFrame
    problems: pd.DataFrame

    @property
    def corrections(self) -> pd.DataFrame:
        """Tasks whose timing the data corrects, with the original text and the note."""
        has_note = self.tasks["correction_note"] != ""
        return self.tasks.loc[has_note, ["task_id", "timing", "timing_corrected", "correction_note"]]


PLAN_FILES = ("tasks", "milestones", "updates", "targets", "indicators")  # CSV, or XLSX of the same name


def _read_file(folder: Path, stem: str, columns: list[str], required: list[str], problems: list[dict]) -> pd.DataFrame:
    """A plan file (``<stem>.csv``, else ``<stem>.xlsx``: :func:`.tables.find_table`) as text cells
    (NFC, stripped; a workbook's typed dates as ISO text), read by the small-table reader of every
    input, with ``source_row`` as numbered in the file and ``source_file``; empty rows left out."""
    path = find_table(folder, stem)
    if path is None:
        return pd.DataFrame(columns=[*columns, "source_row", "source_file"])
    table = read_known_columns(path, known_header(columns), tuple(required))
    problems.extend(table.problems)
    text = table.frame.reindex(columns=columns).astype(object).fillna("")
    return text.assign(source_row=table.frame[S.SOURCE_ROW].astype("int64"), source_file=path.name)


def _parse_days(texts: pd.Series) -> pd.Series:
    """A column of date cells as days (NaT where empty or not a date), by the one date parser
    of every input (:func:`cchc_lib.inputs.columns.parse_dates`)."""
    days, _ = parse_dates(texts.replace("", None))
    return days.dt.normalize()


def _fractions(texts: pd.Series) -> pd.Series:
    """``96%``, ``96``, ``0,96`` or ``0.96`` as 0.96; NaN when not a number in 0–100%."""
    return parse_shares(texts.astype(str))


def _as_dates(days: pd.Series) -> list[dt.date | None]:
    return [None if pd.isna(d) else d.date() for d in days]


def _folder_problems(folder: Path) -> list[dict]:
    """A ``plan/`` folder must hold ``plan.yaml`` and ``tasks.csv`` (or ``tasks.xlsx``); a plan
    file found only under another name (as Excel names a copy) is named, never skipped."""
    label = f"{PLAN_DIR}/"
    problems = []
    for stem in ("plan", *PLAN_FILES):
        expected = ("plan.yaml",) if stem == "plan" else (f"{stem}.csv", f"{stem}.xlsx")
        if any((folder / name).is_file() for name in expected):
            continue
        misses = [n for n in near_misses(folder, stem) if n not in expected]
        required = stem in ("plan", "tasks")
        if not misses and not required:
            continue
        shown = " hoặc ".join(expected)
        found_vi = f"; có tệp {', '.join(misses)}: đổi tên thành {expected[0]}" if misses else ""
        found_en = f"; found {', '.join(misses)}: rename it {expected[0]}" if misses else ""
        problems.append(problem(label, None, "", ", ".join(misses),
                                f"Thư mục kế hoạch thiếu tệp {shown}{found_vi}",
                                f"the plan folder has no {' or '.join(expected)}{found_en}"))
    return problems


def _plan_meta(folder: Path) -> tuple[dict, int | None, list[dict]]:
    """``plan.yaml``: its keys and the plan's year (None when not a year that can be right)."""
    label = "plan.yaml"
    try:
        meta = read_plan_yaml(folder.parent)
    except ProblemError as exc:
        return {}, None, exc.problems.to_dict(orient="records")
    year = meta.get("year")
    if isinstance(year, str) and year.strip().isdigit() and len(year.strip()) == 4:
        year = int(year.strip())  # year: "2023", quoted: the year meant is plain
    latest = S.report_day().year + 1
    if isinstance(year, int) and not isinstance(year, bool) and S.EARLIEST_DATE.year <= year <= latest:
        return meta, year, []
    return meta, None, [problem(
        label, None, "year", "" if year is None else str(year),
        f"Khóa 'year:' phải là năm của kế hoạch, từ {S.EARLIEST_DATE.year} đến {latest} (ví dụ 'year: 2023')",
        f"the key 'year:' must give the plan's year, {S.EARLIEST_DATE.year}–{latest} (e.g. 'year: 2023')",
    )]


def _deadline_window(year: int) -> tuple[dt.date, dt.date]:
    """Deadlines that can be right: the plan's year and the years either side of it."""
    return dt.date(year - 1, 1, 1), dt.date(year + 1, 12, 31)


def _not_empty(column: str) -> pa.Check:
    return row_check(f"required:{column}", lambda df: df[column] != "")


_YEARS = "–".join(map(str, REPORT_YEARS))  # the years a period can be of
_DATE_VI, _DATE_EN = "Ngày không đọc được (dùng dd/mm/yyyy)", "date not understood (use dd/mm/yyyy)"
PLAN_MESSAGES = {
    "required": (None, "Thiếu giá trị bắt buộc", "required value missing"),
    "duplicate_task": ("task_id", "Mã nhiệm vụ trùng", "duplicate task id"),
    "area_not_number": ("area", "Lĩnh vực (số) không hợp lệ", "area must be a number"),
    "timing_not_understood": (
        None, "Không hiểu thời gian thực hiện; sửa ô này hoặc ghi mốc trong milestones.csv",
        lambda rows: rows["__timing_error"] + "; correct it or give the milestones in milestones.csv"),
    "deadline_far": (
        None, lambda rows: "Hạn " + rows["__far"] + " cách xa năm kế hoạch (chỉ nhận từ năm trước đến năm sau)",
        lambda rows: "deadline " + rows["__far"]
        + " far from the plan year (only the year before to the year after)"),
    "deadline_outside_year": (
        None,
        lambda rows: "Mốc " + rows["__outside"] + " ngoài năm kế hoạch: nếu sai, ghi bản sửa vào timing_corrected",
        lambda rows: "milestone " + rows["__outside"] + " falls outside the plan year"),
    "unknown_task": ("task_id", "Mã nhiệm vụ không có trong tasks.csv", "unknown task id"),
    "bad_kind": ("kind", f"Loại mốc phải là một trong {', '.join(KINDS)}", f"kind must be one of {', '.join(KINDS)}"),
    "date_unread": (None, _DATE_VI, _DATE_EN),
    "date_too_early": (None, f"Ngày trước {S.EARLIEST_DATE:%d/%m/%Y}: không thể đúng",
                       f"date before {S.EARLIEST_DATE:%d/%m/%Y}: cannot be right"),
    "date_after_today": (None, "Ngày cập nhật sau ngày lập báo cáo: không thể đúng",
                         "update dated after the day the report is made: cannot be right"),
    "periodic_not_period": ("milestone", f"Mốc định kỳ phải là mã kỳ (2023-Q1…, năm {_YEARS})",
                            f"a periodic milestone is a period id (2023-Q1…, of {_YEARS})"),
    "unknown_milestone": (
        "milestone",
        lambda rows: "Nhiệm vụ " + rows["task_id"] + " không có mốc này (có: " + rows["__keys"] + ")",
        "the task has no such milestone"),
    "bad_status": ("status", "Trạng thái phải là: chưa thực hiện, đang thực hiện, hoàn thành",
                   "status must be: chưa thực hiện, đang thực hiện, hoàn thành"),
    "unknown_kpi": ("kpi", "Chỉ số không biết (chỉ số hồ sơ hoặc chỉ số trong indicators.csv)", "unknown KPI"),
    "bad_comparison": ("comparison", "So sánh phải là >=, <= hoặc =", "comparison must be >=, <= or ="),
    "bad_value": ("value", "Giá trị phải là tỷ lệ 0–100%", "value must be a share, 0–100%"),
    "bad_period": ("period", f"Kỳ không hợp lệ (2023-Q1 … 2023-Y, năm {_YEARS})",
                   f"invalid period id (2023-Q1 … 2023-Y, of {_YEARS})"),
    "duplicate_milestone": (
        "milestone",
        lambda rows: "Nhiệm vụ " + rows["task_id"] + " đã có mốc " + rows["milestone"] + " ở dòng "
        + rows["__first"].astype(str) + " (cột task_id, milestone): mỗi mốc chỉ ghi một dòng",
        lambda rows: "task " + rows["task_id"] + " gives the milestone " + rows["milestone"] + " twice, rows "
        + rows["__first"].astype(str) + " and " + rows["source_row"].astype(str)
        + " (columns task_id, milestone): give each milestone once"),
    "conflicting_updates": (
        "status",
        lambda rows: "Nhiệm vụ " + rows["task_id"] + ", mốc " + rows["__key"] + ": các cập nhật ngày " + rows["date"]
        + " ghi trạng thái khác nhau, dòng " + rows["__conflict"] + "; chỉ giữ dòng đúng",
        lambda rows: "updates of task " + rows["task_id"] + "'s milestone " + rows["__key"] + " on " + rows["date"]
        + " give different statuses: rows " + rows["__conflict"] + "; keep the one that is right"),
    "repeated_update": (
        "", lambda rows: "Dòng lặp lại nguyên dòng " + rows["__first"].astype(str) + ": chỉ tính một lần",
        lambda rows: "repeats row " + rows["__first"].astype(str)
        + " (same task, milestone, date, status, evidence and note): counted once"),
}


def _timings(tasks: pd.DataFrame, explicit_tasks: set[str], year: int) -> tuple[pd.DataFrame, list[list[Milestone]]]:
    """Each task's timing text parsed (tasks with explicit milestones skipped): the columns the
    checks read (``__timing_error``, ``__far``, ``__outside``, ``__timing_column``) and the milestones."""
    first, last = _deadline_window(year)
    errors, far, outside, parsed_all = [], [], [], []
    for task_id, timing, corrected in zip(tasks["task_id"], tasks["timing"], tasks["timing_corrected"], strict=False):
        parsed: list[Milestone] = []
        error = ""
        if task_id not in explicit_tasks:  # a free text per task (a plan has a few dozen): parsed one by one
            try:
                parsed = parse_timing(corrected or timing, year, task_id)
            except TimingError as exc:
                error = str(exc)
        dated = [m for m in parsed if m.due is not None]
        errors.append(error)
        far.append(", ".join(m.key for m in dated if not first <= m.due <= last))
        outside.append(", ".join(m.key for m in dated if m.due.year != year and first <= m.due <= last))
        parsed_all.append(parsed if not far[-1] else [m for m in parsed if m.due is None or first <= m.due <= last])
    columns = pd.DataFrame({"__timing_error": errors, "__far": far, "__outside": outside}, index=tasks.index)
    columns["__timing_column"] = np.where(tasks["timing_corrected"] != "", "timing_corrected", "timing")
    return columns, parsed_all


def _timing_checks(check: str, flag: str) -> list[pa.Check]:
    return [
        row_check(f"{check}:{column}",
                  lambda df, column=column: ~((df[flag] != "") & (df["__timing_column"] == column)))
        for column in ("timing", "timing_corrected")
    ]


def _milestone_keys(explicit: pd.DataFrame) -> list[str]:
    """The milestone of each row of milestones.csv as two rows naming one milestone compare
    it: a periodic one's period id (``2023-q2`` is ``2023-Q2``), else the key folded."""
    return [parse_period(key).id if kind == PERIODIC and _is_period(key) else " ".join(str(key).split()).casefold()
            for kind, key in zip(explicit["kind"], explicit["milestone"], strict=False)]


def _first_of_same(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """For each row, the file row of the first row with the same values in ``columns``; 0 for
    that first row itself."""
    if not len(frame):
        return pd.Series(0, index=frame.index, dtype="int64")
    first = frame.groupby(columns, sort=False, dropna=False)["source_row"].transform("first")
    return first.where(first != frame["source_row"], 0).astype("int64")


def _status_conflicts(u_frame: pd.DataFrame) -> pd.Series:
    """For each update after the first of its milestone and date whose statuses differ (docs/plan.md,
    "The reform plan": which one holds cannot be told), the rows and statuses of that milestone
    and date (``5 (hoàn thành), 6 (đang thực hiện)``); ``""`` elsewhere."""
    result = pd.Series("", index=u_frame.index, dtype=object)
    usable = u_frame.loc[u_frame["__known"] & u_frame["__day"].notna() & u_frame["__state"].notna()]
    if not len(usable):
        return result
    groups = usable.groupby(["task_id", "__key", "__day"], sort=False)
    spread = groups["__state"].transform("nunique")
    for _, group in usable.loc[spread > 1].groupby(["task_id", "__key", "__day"], sort=False):
        rows = ", ".join(f"{r} ({status})" for r, status in zip(group["source_row"], group["status"], strict=False))
        result.loc[group.index[1:]] = rows
    return result


def read_plan(data_dir: Path) -> tuple[Plan | None, pd.DataFrame]:
    """The plan of ``data_dir/plan/`` (None when there is no ``plan/`` folder, or when its
    folder or ``plan.yaml`` is wrong) and every problem of its files (docs/plan.md, "The reform
    plan"): each file checked with a pandera schema, every failure at once, naming file, row
    and column. Errors are in the table; the plan holds the rows that passed. Read and checked
    once per process while the plan's files are unchanged (:func:`.cache.kept`)."""
    folder = Path(data_dir) / PLAN_DIR

    def files() -> list[Path | None]:
        return [folder, *(sorted(folder.iterdir()) if folder.is_dir() else [])]

    return kept(("plan", str(folder.resolve())), files, lambda: _read_plan(Path(data_dir)))


def _read_plan(data_dir: Path) -> tuple[Plan | None, pd.DataFrame]:
    """:func:`read_plan`, read: the folder's shape and ``plan.yaml`` first, then each file checked."""
    folder = data_dir / PLAN_DIR
    if not folder.is_dir():
        return None, problem_table()
    # a plan file that is no regular file of the data folder (docs/data.md, "The data folder"): no plan read
    refused = confinement_problems(data_dir, [folder / "plan.yaml", *(
        folder / f"{stem}{suffix}" for stem in PLAN_FILES for suffix in (".csv", ".xlsx"))])
    if refused:
        return None, problem_table(refused)
    shape = _folder_problems(folder)
    if any(p["file"] == f"{PLAN_DIR}/" and "tasks" in p["problem_en"] for p in shape):
        return None, problem_table(shape)
    meta, year, meta_problems = _plan_meta(folder) if (folder / "plan.yaml").is_file() else ({}, None, [])
    if year is None:
        return None, problem_table([*shape, *meta_problems])
    problems: list[dict] = [*shape]
    frames = {stem: _read_file(folder, stem, columns, required, problems)
              for stem, (columns, required) in _PLAN_COLUMNS.items()}
    found = [problem_table(problems)]
    milestones = _checked_tasks(frames["tasks"], frames["milestones"], year, found)
    updates = _checked_updates(frames["updates"], frames["tasks"], milestones, found)
    targets, indicators = _checked_targets(frames["targets"], frames["indicators"], found)
    table = concat_problems(*found)
    plan = Plan(year=year, title=str(meta.get("title") or ""), document=str(meta.get("document") or ""),
                tasks=frames["tasks"], milestones=milestones, updates=updates, targets=targets,
                indicators=indicators, problems=table)
    return plan, table


# each plan file: its columns and those it must have
_PLAN_COLUMNS = {
    "tasks": (["task_id", "area", "area_name", "task", "deliverable", "owner", "timing", "timing_corrected",
               "correction_note"], ["task_id", "area", "task", "timing"]),
    "milestones": (["task_id", "milestone", "kind", "due", "label", "note"], ["task_id", "milestone", "kind"]),
    "updates": (["task_id", "milestone", "date", "status", "evidence", "note"], ["task_id", "date", "status"]),
    "targets": (["target_id", "kpi", "comparison", "value", "where", "sentence", "area"],
                ["target_id", "kpi", "comparison", "value"]),
    "indicators": (["indicator", "period", "value", "source", "note"], ["indicator", "period", "value"]),
}


def _known_tasks(tasks: pd.DataFrame) -> set[str]:
    return set(tasks["task_id"]) - {""}


def _checked_tasks(tasks: pd.DataFrame, explicit: pd.DataFrame, year: int, found: list[pd.DataFrame]
                   ) -> list[Milestone]:
    """``tasks.csv`` and ``milestones.csv`` checked (their problems added to ``found``): the plan's
    milestones, those written in ``milestones.csv`` that passed and those of the tasks' timings."""
    explicit_tasks = set(explicit["task_id"])
    timing, parsed = _timings(tasks, explicit_tasks, year)
    task_frame = pd.concat([tasks, timing], axis=1)
    found.append(schema_problems(pa.DataFrameSchema(checks=[
        _not_empty("task_id"),
        row_check("duplicate_task", lambda df: ~(df["task_id"].duplicated() & (df["task_id"] != ""))),
        row_check("area_not_number", lambda df: df["area"].str.fullmatch(r"\d+")),
        *_timing_checks("timing_not_understood", "__timing_error"),
        *_timing_checks("deadline_far", "__far"),
    ], name="tasks.csv"), task_frame, PLAN_MESSAGES))
    found.append(schema_problems(pa.DataFrameSchema(checks=_timing_checks("deadline_outside_year", "__outside"),
                                                    name="tasks.csv"), task_frame, PLAN_MESSAGES, severity=WARNING))
    milestones = _checked_milestones(explicit, _known_tasks(tasks), year, found)
    for task_milestones in parsed:
        milestones += task_milestones
    return milestones


def _checked_milestones(explicit: pd.DataFrame, known_tasks: set[str], year: int, found: list[pd.DataFrame]
                        ) -> list[Milestone]:
    """``milestones.csv`` checked (its problems added to ``found``): the milestones of its rows that passed."""
    first, last = _deadline_window(year)
    due = _parse_days(explicit["due"])
    kinds_ok = explicit["kind"].isin(KINDS)
    periodic = explicit["kind"] == PERIODIC
    period_ok = pd.Series([_is_period(m) for m in explicit["milestone"]], index=explicit.index, dtype=bool) \
        if len(explicit) else pd.Series(dtype=bool)
    due_unread = ((explicit["due"] != "") & due.isna()) | ((explicit["kind"] == DATE) & (explicit["due"] == ""))
    due_far = due.notna() & ~due.between(pd.Timestamp(first), pd.Timestamp(last))
    m_frame = explicit.assign(__due_unread=due_unread, __due_far=due_far,
                              __far=explicit["due"], __outside=explicit["due"],
                              __first=_first_of_same(explicit.assign(__key=_milestone_keys(explicit)),
                                                     ["task_id", "__key"]))
    found.append(schema_problems(pa.DataFrameSchema(checks=[
        row_check("unknown_task:task_id", lambda df: df["task_id"].isin(known_tasks)),
        row_check("bad_kind", lambda df: df["kind"].isin(KINDS)),
        row_check("date_unread:due", lambda df: ~df["__due_unread"]),
        row_check("deadline_far:due", lambda df: ~df["__due_far"]),
        row_check("periodic_not_period", lambda df: ~((df["kind"] == PERIODIC) & ~period_ok)),
        row_check("duplicate_milestone", lambda df: df["__first"] == 0),
    ], name="milestones.csv"), m_frame, PLAN_MESSAGES))
    found.append(schema_problems(pa.DataFrameSchema(checks=[
        row_check("deadline_outside_year:due", lambda df: ~(due.notna() & ~due_far & (due.dt.year != year))),
    ], name="milestones.csv"), m_frame, PLAN_MESSAGES, severity=WARNING))
    good = explicit["task_id"].isin(known_tasks) & kinds_ok & ~due_unread & ~due_far & ~(periodic & ~period_ok) \
        & (m_frame["__first"] == 0)
    return [
        Milestone(t, key, kind, label or key, due=d, period=key if kind == PERIODIC else "")
        for t, key, kind, label, d in zip(*(explicit.loc[good, c] for c in ("task_id", "milestone", "kind", "label")),
                                          _as_dates(due.loc[good]), strict=False)
    ]


def _checked_updates(updates: pd.DataFrame, tasks: pd.DataFrame, milestones: list[Milestone],
                     found: list[pd.DataFrame]) -> pd.DataFrame:
    """``updates.csv`` checked (its problems added to ``found``): its rows with the milestone each
    names (the task's only one when left empty), the day and the state; a row repeated whole once."""
    known_tasks = _known_tasks(tasks)
    today = pd.Timestamp(S.report_day())
    earliest = pd.Timestamp(S.EARLIEST_DATE)
    keys_by_task: dict[str, list[str]] = {}
    for m in milestones:
        keys_by_task.setdefault(m.task_id, []).append(m.key)
    only_key = {t: k[0] for t, k in keys_by_task.items() if len(k) == 1}
    key = updates["milestone"].where(updates["milestone"] != "", updates["task_id"].map(only_key).fillna(""))
    pairs = {(m.task_id, m.key) for m in milestones}
    day = _parse_days(updates["date"])
    state = map_values(fold_key(updates["status"].replace("", None)), STATUSES)
    has_key = pd.Series([(t, k) in pairs for t, k in zip(updates["task_id"], key, strict=False)],
                        index=updates.index, dtype=bool)
    u_frame = updates.assign(
        __known=updates["task_id"].isin(known_tasks), __has_key=has_key, __day=day, __state=state,
        __keys=updates["task_id"].map({t: ", ".join(k) for t, k in keys_by_task.items()}).fillna(""),
        __key=key,
    )
    repeated = _first_of_same(u_frame, ["task_id", "__key", "__day", "__state", "evidence", "note"])
    u_frame = u_frame.assign(__conflict=_status_conflicts(u_frame), __first=repeated)
    found.append(schema_problems(pa.DataFrameSchema(checks=[
        row_check("unknown_task:task_id", lambda df: df["__known"]),
        row_check("unknown_milestone", lambda df: ~df["__known"] | df["__has_key"]),
        row_check("date_unread:date", lambda df: df["__day"].notna()),
        row_check("date_too_early:date", lambda df: ~(df["__day"] < earliest)),
        row_check("date_after_today:date", lambda df: ~(df["__day"] > today)),
        row_check("bad_status", lambda df: df["__state"].notna()),
        row_check("conflicting_updates", lambda df: df["__conflict"] == ""),
    ], name="updates.csv"), u_frame, PLAN_MESSAGES))
    found.append(schema_problems(pa.DataFrameSchema(checks=[
        row_check("repeated_update", lambda df: df["__first"] == 0),
    ], name="updates.csv"), u_frame, PLAN_MESSAGES, severity=WARNING))
    updates = updates.assign(milestone=key, day=_as_dates(day), state=state.where(state.notna(), None).tolist())
    return updates.loc[u_frame["__first"] == 0]  # a row repeated whole counts once


def _checked_targets(targets: pd.DataFrame, indicators: pd.DataFrame, found: list[pd.DataFrame]
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``targets.csv`` and ``indicators.csv`` checked (their problems added to ``found``): each with
    its value as a share (``target``, ``share``; None where not one)."""
    known_kpis = set(DOSSIER_KPIS) | set(indicators["indicator"]) | set(INDICATOR_NAMES_VI)
    target_values = _fractions(targets["value"])
    found.append(schema_problems(pa.DataFrameSchema(checks=[
        row_check("unknown_kpi", lambda df: df["kpi"].isin(known_kpis)),
        row_check("bad_comparison", lambda df: df["comparison"].isin(COMPARISONS)),
        row_check("bad_value", lambda df: df["__value"].notna()),
        row_check("area_not_number", lambda df: df["area"].str.fullmatch(r"\d*")),
    ], name="targets.csv"), targets.assign(__value=target_values), PLAN_MESSAGES))
    indicator_values = _fractions(indicators["value"])
    periods_ok = pd.Series([_is_period(p) for p in indicators["period"]], index=indicators.index, dtype=bool)
    found.append(schema_problems(pa.DataFrameSchema(checks=[
        row_check("bad_period", lambda df: periods_ok.reindex(df.index)),
        row_check("bad_value", lambda df: df["__value"].notna()),
    ], name="indicators.csv"), indicators.assign(__value=indicator_values), PLAN_MESSAGES))
    return (targets.assign(target=[None if pd.isna(v) else float(v) for v in target_values]),
            indicators.assign(share=[None if pd.isna(v) else float(v) for v in indicator_values]))


def _is_period(text: str) -> bool:
    """Whether ``text`` is a period id of a year a report can cover (docs/commands.md, "Periods")."""
    try:
        check_covered(text)
    except (PeriodError, ParameterError):
        return False
    return True


def load_plan(data_dir: Path, strict: bool = True) -> Plan | None:
    """The plan of ``data_dir/plan/``, or None when the data folder has no ``plan/`` folder.

    Every problem is collected (file, row, column, value, what is wrong); with ``strict``
    a plan with errors (a ``plan/`` folder without ``tasks.csv`` included) raises
    :class:`DataError` listing them; without, the plan's ``problems`` holds them (None when
    the folder or ``plan.yaml`` is wrong: :func:`read_plan` gives those problems).
    """
    plan, problems = read_plan(data_dir)
    if strict:
        raise_errors(problems, "the plan files")
    return plan


def owner_label(text: str) -> str:
    r"""A responsible-official cell on one line: PDF bullets and line breaks become ``; ``.

    >>> owner_label("-Công chức tư pháp\n-CB, CC có liên quan")
    'Công chức tư pháp; CB, CC có liên quan'
    """
    parts = [" ".join(p.split()).strip(" -") for p in re.split(r"\n|\s-(?=\w)", text or "")]
    return "; ".join(p for p in parts if p) or "(không ghi)"


def milestone_status(plan: Plan, start: dt.date, end: dt.date, cutoff: str) -> pd.DataFrame:
    """Every milestone's state at the end of the window, with its task, owner and latest update.

    A milestone due on or before ``end`` is ``done_on_time`` (done on or before its due date),
    ``done_late`` (done after it, by ``end``) or ``overdue`` (due before ``end``, not done); one
    due later, or due on ``end`` itself and not yet done, is ``not_yet_due`` (docs/plan.md, "The reform plan":
    milestone states: what falls due on the window's last day is often the period's own report);
    continuous and on-notice work show their latest update (``continuous``, ``no_fixed_date``).
    Only updates dated on or before ``end`` count.
    """
    tasks = {row["task_id"]: row for row in plan.tasks.to_dict(orient="records")}
    known = plan.updates.loc[plan.updates["day"].map(lambda d: d is not None and d <= end)]
    by_milestone: dict[tuple[str, str], list[dict]] = {}
    for update in known.sort_values("day", kind="stable").to_dict(orient="records"):
        by_milestone.setdefault((update["task_id"], update["milestone"]), []).append(update)
    rows = []
    for m in plan.milestones:
        task = tasks[m.task_id]
        own = by_milestone.get((m.task_id, m.key), [])
        done_days = [u["day"] for u in own if u["state"] == "done"]
        done_at = min(done_days) if done_days else None
        latest = own[-1] if own else None
        due = m.due_on(cutoff)
        if m.kind == CONTINUOUS:
            state = "continuous"
        elif m.kind == ON_NOTICE:
            state = "no_fixed_date"
        elif due > end or (done_at is None and due == end):
            state = "not_yet_due"  # due on the window's last day: the period's own report, not yet late
        elif done_at is None:
            state = "overdue"
        else:
            state = "done_on_time" if done_at <= due else "done_late"
        rows.append({
            "task_id": m.task_id, "area": int(task["area"]), "area_name": task["area_name"],
            "owner": owner_label(task["owner"]),
            "task": task["task"], "milestone": m.key, "kind": m.kind, "label": m.label,
            "due": due, "state": state, "done_at": done_at,
            "days_overdue": (end - due).days if state == "overdue" else None,
            "latest_status": latest["state"] if latest is not None else None,
            "latest_date": latest["day"] if latest is not None else None,
            "evidence": latest["evidence"] if latest is not None else "",
            "in_window": due is not None and start <= due <= end,
        })
    frame = pd.DataFrame(rows)
    order = frame["due"].map(lambda d: d or dt.date.max)
    return frame.assign(_order=order).sort_values(["area", "task_id", "_order"], kind="stable").drop(columns="_order")


def count_states(status: pd.DataFrame, by: str) -> dict[str, dict[str, int]]:
    """Milestone counts per ``by`` (``area`` or ``owner``): ``due`` (= done on time + done late +
    overdue), ``done_on_time``, ``done_late``, ``overdue``, ``not_yet_due``, and the
    ``continuous`` and ``no_fixed_date`` milestones."""
    result = {}
    for key, group in status.groupby(by, sort=True):
        counts = {state: int((group["state"] == state).sum()) for state in STATES}
        counts = {"due": counts["done_on_time"] + counts["done_late"] + counts["overdue"], **counts}
        result[str(key)] = counts
    return result


def evaluate_targets(plan: Plan, kpis: dict[str, float | None], period: Period, cutoff: str) -> list[dict]:
    """Each target with its actual value (a dossier KPI, or the hand-entered indicator of the
    period, else of the latest period ending before it) and whether it is met; targets that
    give different values for the same KPI are marked ``conflict``, and the first of them in the
    plan's order is the ``binding`` one the document judges by (the others are a data problem for
    the checks). ``area``: the plan area the target belongs to, where targets.csv gives one;
    ``eligible_only``: the plan's target counts only the dossiers eligible for the online service,
    which an export cannot tell apart, so the rate is over all dossiers (docs/plan.md, "The reform plan": targets)."""
    end = period.window(cutoff)[1]
    values_by_kpi = plan.targets.groupby("kpi")["target"].nunique()
    binding = set(plan.targets.drop_duplicates("kpi")["target_id"])  # the first of each KPI, in the plan's order
    result = []
    for row in plan.targets.itertuples(index=False):
        actual, source = None, ""
        if row.kpi in kpis:
            actual, source = kpis[row.kpi], "hồ sơ TTHC"
        else:
            entries = plan.indicators.loc[plan.indicators["indicator"] == row.kpi].copy()
            entries["end"] = [parse_period(p).window(cutoff)[1] for p in entries["period"]]
            exact = entries.loc[entries["period"] == period.id]
            earlier = entries.loc[entries["end"] <= end].sort_values("end", kind="stable")
            chosen = exact.iloc[-1] if len(exact) else (earlier.iloc[-1] if len(earlier) else None)
            if chosen is not None:
                actual, source = float(chosen["share"]), chosen["source"]
                if chosen["period"] != period.id:  # an earlier period's figure: named in words
                    source += f", số liệu {vi.lower_first(parse_period(chosen['period']).name_vi)}"
        met = None
        if actual is not None:
            met = {">=": actual >= row.target - 1e-12, "<=": actual <= row.target + 1e-12,
                   "=": abs(actual - row.target) < 1e-9}[row.comparison]
        result.append({
            "target_id": row.target_id, "kpi": row.kpi, "comparison": row.comparison, "value": row.target,
            "actual": actual, "met": met, "actual_source": source, "where": row.where, "sentence": row.sentence,
            "conflict": bool(values_by_kpi.get(row.kpi, 1) > 1), "binding": row.target_id in binding,
            "area": int(row.area) if str(getattr(row, "area", "") or "").isdigit() else None,
            "eligible_only": row.kpi in ELIGIBLE_KPIS and "đủ điều kiện" in str(row.sentence).casefold(),
        })
    return result


def target_conflicts(plan: Plan) -> list[dict]:
    """KPIs for which the plan states more than one target value."""
    conflicts = []
    for kpi, group in plan.targets.groupby("kpi", sort=True):
        if group["target"].nunique() > 1:
            conflicts.append({"kpi": kpi, "values": sorted(group["target"].unique().tolist()),
                              "targets": group["target_id"].tolist()})
    return conflicts


def evidence_by_area(plan: Plan, status: pd.DataFrame, end: dt.date) -> list[dict]:
    """The documents that prove the work done by ``end``, per area (for the reform index's
    self-scoring): area, task, milestone, date, evidence."""
    areas = plan.tasks.set_index("task_id")["area"]
    rows = plan.updates.loc[(plan.updates["evidence"] != "")
                            & plan.updates["day"].map(lambda d: d is not None and d <= end)]
    return [
        {"area": int(areas[r.task_id]), "task_id": r.task_id, "milestone": r.milestone, "date": r.day.isoformat(),
         "evidence": r.evidence}
        for r in rows.sort_values(["task_id", "day"], kind="stable").itertuples(index=False)
    ]
