"""The reform plan as data: tasks, their milestones, targets, indicators and progress.

A data folder's ``plan/`` holds (CSV files in UTF-8 with BOM, so Excel opens them with every
Vietnamese letter right; XLSX of the same name works too):

- ``plan.yaml``: ``year``, ``title``, ``document``;
- ``tasks.csv``: ``task_id, area, area_name, task, deliverable, owner, timing`` (the timing text
  exactly as written), ``timing_corrected`` and ``correction_note`` where the original is wrong;
- ``milestones.csv`` (optional): ``task_id, milestone, kind, due, label, note``: explicit
  milestones, replacing what the timing text would give for that task;
- ``updates.csv``: ``task_id, milestone, date, status, evidence, note``: progress;
- ``targets.csv``: ``target_id, kpi, comparison, value, where, sentence``;
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

import pandas as pd
import yaml

from .columns import parse_dates
from .errors import DataError
from .exports import read_table
from .ingest import ERROR, PROBLEM_COLUMNS, WARNING, _problem, format_problems
from .periods import PeriodError, Period, parse_period

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
STATUS_VI = {"not_started": "Chưa thực hiện", "in_progress": "Đang thực hiện", "done": "Hoàn thành"}
STATES = ("done_on_time", "done_late", "overdue", "not_yet_due", "continuous", "no_fixed_date")
STATE_VI = {
    "done_on_time": "Hoàn thành đúng hạn", "done_late": "Hoàn thành trễ hạn", "overdue": "Quá hạn",
    "not_yet_due": "Chưa đến hạn", "continuous": "Thường xuyên", "no_fixed_date": "Chưa có thời hạn",
}
DOSSIER_KPIS = ("on_time_rate", "online_rate", "full_online_rate", "e_result_rate", "satisfaction_rate",
                "apology_coverage", "progress_766")
INDICATOR_NAMES_VI = {
    "officials_qualified": "Tỷ lệ cán bộ, công chức đạt chuẩn chuyên môn",
    "e_work_files": "Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng",
}
COMPARISONS = (">=", "<=", "=")
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
    cchc_lib.plan.TimingError: PL09-9: timing not understood: 'Sớm nhất có thể'
    """
    milestones: list[Milestone] = []
    clauses = [c for c in re.split(r"[;\n]", text or "") if _clean(c).strip(" -.,:")]
    if not clauses:
        raise TimingError(f"{task_id}: no timing given")
    for raw in clauses:
        clause = _clean(raw).strip(" -")
        low = clause.lower()
        label = clause.rstrip(".")
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
        periodic = _PERIODIC.search(low)
        if periodic:
            rest = periodic[1]
            kinds = [k for k, word in (("quý", "quý"), ("H1", "6 tháng"), ("9M", "9 tháng"), ("Y", "năm"))
                     if re.search(rf"\b{word}\b", rest)]
            chosen = []
            for kind in kinds:
                chosen += ["Q1", "Q2", "Q3", "Q4"] if kind == "quý" else [kind]
            for kind in [k for k in _PERIOD_KINDS_ALL if k in chosen] or list(_PERIOD_KINDS_ALL):
                found.append((periodic.start(), PERIODIC, None, Period(year, kind).id))
        elif _EACH_QUARTER.search(low):
            for kind in ("Q1", "Q2", "Q3", "Q4"):
                found.append((0, PERIODIC, None, Period(year, kind).id))
        if _CONTINUOUS.search(low):
            found.append((0, CONTINUOUS, None, ""))
        if _ON_NOTICE.search(low):
            found.append((0, ON_NOTICE, None, ""))
        if not found:
            raise TimingError(f"{task_id}: timing not understood: {clause!r}")
        for _, kind, due, period in found:
            if kind == DATE:
                milestones.append(Milestone(task_id, due.strftime("%d/%m/%Y"), DATE, label, due=due))
            elif kind == PERIODIC:
                name = parse_period(period).name_vi
                milestones.append(Milestone(task_id, period, PERIODIC, f"{label} ({name})", period=period))
            else:
                milestones.append(Milestone(task_id, kind, kind, label))
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


def _read_csv(path: Path, columns: list[str], required: list[str], problems: list[dict]) -> pd.DataFrame:
    """A plan file (``.csv``, else an ``.xlsx`` of the same name) as text cells (NFC, stripped;
    a workbook's typed dates as ISO text), read by the same table reader as the dossier
    exports, with ``source_row`` as numbered in the file and ``source_file``; empty rows left out."""
    if not path.exists():
        xlsx = path.with_suffix(".xlsx")
        if xlsx.exists():
            path = xlsx
        else:
            return pd.DataFrame(columns=[*columns, "source_row", "source_file"])
    _, table = read_table(path)
    header = [unicodedata.normalize("NFC", str(v)).strip().lower() if pd.notna(v) else "" for v in table.iloc[0]] \
        if len(table) else []
    for column in required:
        if column not in header:
            problems.append(_problem(path.name, 1, column, "", "Thiếu cột bắt buộc", "required column missing"))
    body = table.iloc[1:]
    body = body.loc[body.notna().any(axis=1)]
    chosen = {name: i for i, name in reversed(list(enumerate(header))) if name in columns}
    frame = pd.DataFrame({c: (body[chosen[c]] if c in chosen else pd.Series(pd.NA, index=body.index, dtype="str"))
                          for c in columns}, index=body.index).astype(object).fillna("")
    return frame.assign(source_row=(body.index + 1).astype("int64"), source_file=path.name).reset_index(drop=True)


def _parse_days(texts: pd.Series) -> list[dt.date | None]:
    """A column of date cells as days (None where empty or not a date), by the one date parser
    of every input (:func:`cchc_lib.columns.parse_dates`)."""
    days, _ = parse_dates(texts.replace("", None))
    return [None if pd.isna(d) else d.date() for d in days]


def _parse_fraction(text: str) -> float | None:
    """``96%``, ``96``, ``0,96`` or ``0.96`` as 0.96; None when not a number in 0–100%."""
    cleaned = text.replace("%", "").replace(",", ".").strip()
    try:
        number = float(cleaned)
    except ValueError:
        return None
    value = number / 100 if ("%" in text or number > 1) else number
    return value if 0 <= value <= 1 else None


def load_plan(data_dir: Path, strict: bool = True) -> Plan | None:
    """The plan of ``data_dir/plan/``, or None when the folder has no plan.

    Every problem is collected (file, row, column, value, what is wrong); with ``strict``
    a plan with errors raises :class:`DataError` listing them.
    """
    folder = Path(data_dir) / PLAN_DIR
    if not (folder / "tasks.csv").exists() and not (folder / "tasks.xlsx").exists():
        return None
    problems: list[dict] = []
    meta: dict = {}
    if (folder / "plan.yaml").exists():
        try:
            meta = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise DataError(f"{folder / 'plan.yaml'}: not valid YAML: {str(exc).splitlines()[0]}") from exc
    year = meta.get("year")
    if not isinstance(year, int):
        raise DataError(f"{folder / 'plan.yaml'}: 'year:' must give the plan's year, e.g. 'year: 2023'")
    tasks = _read_csv(folder / "tasks.csv", ["task_id", "area", "area_name", "task", "deliverable", "owner", "timing",
                                             "timing_corrected", "correction_note"],
                      ["task_id", "area", "task", "timing"], problems)
    explicit = _read_csv(folder / "milestones.csv", ["task_id", "milestone", "kind", "due", "label", "note"],
                         ["task_id", "milestone", "kind"], problems)
    updates = _read_csv(folder / "updates.csv", ["task_id", "milestone", "date", "status", "evidence", "note"],
                        ["task_id", "date", "status"], problems)
    targets = _read_csv(folder / "targets.csv", ["target_id", "kpi", "comparison", "value", "where", "sentence"],
                        ["target_id", "kpi", "comparison", "value"], problems)
    indicators = _read_csv(folder / "indicators.csv", ["indicator", "period", "value", "source", "note"],
                           ["indicator", "period", "value"], problems)

    def bad(frame_row, column: str, value: str, vi: str, en: str, severity: str = ERROR) -> None:
        problems.append(_problem(frame_row.source_file, frame_row.source_row, column, value, vi, en, severity))

    seen: set[str] = set()
    for row in tasks.itertuples(index=False):
        if row.task_id in seen:
            bad(row, "task_id", row.task_id, "Mã nhiệm vụ trùng", "duplicate task id")
        seen.add(row.task_id)
        if not row.area.isdigit():
            bad(row, "area", row.area, "Lĩnh vực (số) không hợp lệ", "area must be a number")
    explicit_tasks = set(explicit["task_id"])
    milestones: list[Milestone] = []
    explicit_due = _parse_days(explicit["due"])
    for row, parsed_due in zip(explicit.itertuples(index=False), explicit_due):
        if row.task_id not in seen:
            bad(row, "task_id", row.task_id, "Mã nhiệm vụ không có trong tasks.csv", "unknown task id")
            continue
        if row.kind not in KINDS:
            bad(row, "kind", row.kind, f"Loại mốc phải là một trong {', '.join(KINDS)}", f"kind must be one of {', '.join(KINDS)}")
            continue
        due = parsed_due if row.due else None
        if row.kind == DATE and due is None:
            bad(row, "due", row.due, "Ngày không đọc được (dùng dd/mm/yyyy)", "date not understood (use dd/mm/yyyy)")
            continue
        if row.kind == PERIODIC:
            try:
                parse_period(row.milestone)
            except PeriodError:
                bad(row, "milestone", row.milestone, "Mốc định kỳ phải là mã kỳ (2023-Q1…)", "a periodic milestone is a period id")
                continue
        milestones.append(Milestone(row.task_id, row.milestone, row.kind, row.label or row.milestone, due=due,
                                    period=row.milestone if row.kind == PERIODIC else ""))
    for row in tasks.itertuples(index=False):
        if row.task_id in explicit_tasks:
            continue
        text = row.timing_corrected or row.timing
        try:
            parsed = parse_timing(text, year, row.task_id)
        except TimingError as exc:
            bad(row, "timing_corrected" if row.timing_corrected else "timing", text,
                "Không hiểu thời gian thực hiện; sửa ô này hoặc ghi mốc trong milestones.csv",
                f"{exc}; correct it or give the milestones in milestones.csv")
            continue
        for milestone in parsed:
            if milestone.due is not None and milestone.due.year != year:
                bad(row, "timing_corrected" if row.timing_corrected else "timing", text,
                    f"Mốc {milestone.key} ngoài năm kế hoạch {year}: nếu sai, ghi bản sửa vào timing_corrected",
                    f"milestone {milestone.key} falls outside the plan year {year}", WARNING)
        milestones += parsed
    keys = {(m.task_id, m.key) for m in milestones}
    by_task: dict[str, list[str]] = {}
    for m in milestones:
        by_task.setdefault(m.task_id, []).append(m.key)
    resolved_keys = []
    update_days = _parse_days(updates["date"])
    for row, day in zip(updates.itertuples(index=False), update_days):
        key = row.milestone
        if row.task_id not in seen:
            bad(row, "task_id", row.task_id, "Mã nhiệm vụ không có trong tasks.csv", "unknown task id")
        elif not key and len(by_task.get(row.task_id, [])) == 1:
            key = by_task[row.task_id][0]
        elif (row.task_id, key) not in keys:
            bad(row, "milestone", key, f"Nhiệm vụ {row.task_id} không có mốc này (có: {', '.join(by_task.get(row.task_id, []))})",
                "the task has no such milestone")
        if day is None:
            bad(row, "date", row.date, "Ngày không đọc được (dùng dd/mm/yyyy)", "date not understood (use dd/mm/yyyy)")
        if STATUSES.get(" ".join(row.status.lower().split())) is None:
            bad(row, "status", row.status, "Trạng thái phải là: chưa thực hiện, đang thực hiện, hoàn thành",
                "status must be: chưa thực hiện, đang thực hiện, hoàn thành")
        resolved_keys.append(key)
    updates = updates.assign(
        milestone=resolved_keys if len(updates) else updates["milestone"],
        day=update_days,
        state=[STATUSES.get(" ".join(s.lower().split())) for s in updates["status"]],
    )
    known_kpis = set(DOSSIER_KPIS) | set(indicators["indicator"]) | set(INDICATOR_NAMES_VI)
    target_values = []
    for row in targets.itertuples(index=False):
        if row.kpi not in known_kpis:
            bad(row, "kpi", row.kpi, "Chỉ số không biết (chỉ số hồ sơ hoặc chỉ số trong indicators.csv)", "unknown KPI")
        if row.comparison not in COMPARISONS:
            bad(row, "comparison", row.comparison, "So sánh phải là >=, <= hoặc =", "comparison must be >=, <= or =")
        value = _parse_fraction(row.value)
        if value is None:
            bad(row, "value", row.value, "Giá trị phải là tỷ lệ 0–100%", "value must be a share, 0–100%")
        target_values.append(value)
    indicator_values = []
    for row in indicators.itertuples(index=False):
        try:
            parse_period(row.period)
        except PeriodError:
            bad(row, "period", row.period, "Kỳ không hợp lệ (2023-Q1 … 2023-Y)", "invalid period id")
        value = _parse_fraction(row.value)
        if value is None:
            bad(row, "value", row.value, "Giá trị phải là tỷ lệ 0–100%", "value must be a share, 0–100%")
        indicator_values.append(value)
    table = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    errors = table.loc[table["severity"] == ERROR]
    if strict and len(errors):
        raise DataError(f"{len(errors)} problem(s) in the plan files:\n{format_problems(errors, 20)}")
    return Plan(
        year=year,
        title=str(meta.get("title") or ""),
        document=str(meta.get("document") or ""),
        tasks=tasks,
        milestones=milestones,
        updates=updates,
        targets=targets.assign(target=target_values),
        indicators=indicators.assign(share=indicator_values),
        problems=table,
    )


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
    ``done_late`` (done after it, by ``end``) or ``overdue``; one due later is ``not_yet_due``;
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
        elif due > end:
            state = "not_yet_due"
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
    give different values for the same KPI are marked ``conflict``."""
    end = period.window(cutoff)[1]
    values_by_kpi = plan.targets.groupby("kpi")["target"].nunique()
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
                actual, source = float(chosen["share"]), f"{chosen['source']} ({chosen['period']})"
        met = None
        if actual is not None:
            met = {">=": actual >= row.target - 1e-12, "<=": actual <= row.target + 1e-12,
                   "=": abs(actual - row.target) < 1e-9}[row.comparison]
        result.append({
            "target_id": row.target_id, "kpi": row.kpi, "comparison": row.comparison, "value": row.target,
            "actual": actual, "met": met, "actual_source": source, "where": row.where, "sentence": row.sentence,
            "conflict": bool(values_by_kpi.get(row.kpi, 1) > 1),
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
    rows = plan.updates.loc[(plan.updates["evidence"] != "") & plan.updates["day"].map(lambda d: d is not None and d <= end)]
    return [
        {"area": int(areas[r.task_id]), "task_id": r.task_id, "milestone": r.milestone, "date": r.day.isoformat(),
         "evidence": r.evidence}
        for r in rows.sort_values(["task_id", "day"], kind="stable").itertuples(index=False)
    ]
