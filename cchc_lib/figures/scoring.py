"""The reform index self-assessment (Chỉ số CCHC): the province's criteria as data, scored.

A data folder's ``scoring/`` holds (docs/self-assessment.md, "The reform index self-assessment"; CSV in UTF-8, or
an XLSX of the same name):

- ``criteria.csv``: ``id, text, max, method, source, rule, target, thresholds, evidence``: one
  row per area, criterion and sub-criterion (``1.1.2`` belongs to ``1.1``); the top-level ids
  are the plan's area numbers. Lines starting with ``#`` above the header are comments; a first
  comment containing ``VÍ DỤ`` marks the set as an example;
- ``self-scores.csv`` (optional): ``id, score, evidence, official, note``: the points and
  documents the officials give by hand.

Each criterion is scored by its ``method``: ``sum`` (its children), ``milestones`` (the plan's
milestones of the linked tasks), ``kpi`` (a dossier KPI of the year to date), ``indicator`` (an
indicator measured by hand, ``plan/indicators.csv``) or ``manual`` (the self-score). Nothing
about a year, an area or a point is in the code.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..base import vi
from ..base.periods import Period, PeriodError, check_cutoff, parse_period
from ..base.problems import (
    WARNING,
    concat_problems,
    problem,
    problem_table,
    raise_errors,
    row_check,
    schema_problems,
)
from ..inputs import schema as S
from ..inputs.confine import confinement_problems
from ..inputs.numbers import parse_points, parse_share
from ..inputs.plan import INDICATOR_NAMES_VI, PLAN_DIR, Plan, milestone_status, owner_label, target_conflicts
from ..inputs.tables import find_table, known_header, read_known_columns
from ..inputs.unit import slugify
from . import coverage
from .dossiers import KPI_NAMES_VI, classify_dossiers, compute_kpis

SCORING_DIR = "scoring"
CRITERIA_FILE = "criteria"
SELF_SCORES_FILE = "self-scores"
CRITERIA_COLUMNS = ["id", "text", "max", "method", "source", "rule", "target", "thresholds", "evidence"]
CRITERIA_REQUIRED = ("id", "text", "max", "method")
SELF_SCORE_COLUMNS = ["id", "score", "evidence", "official", "note"]
SELF_SCORE_REQUIRED = ("id", "score")
SUM, MILESTONES, KPI, INDICATOR, MANUAL = "sum", "milestones", "kpi", "indicator", "manual"
METHODS = (SUM, MILESTONES, KPI, INDICATOR, MANUAL)
LINKED = (MILESTONES, KPI, INDICATOR)
RATIO_METHODS = (KPI, INDICATOR)
PROPORTIONAL, THRESHOLDS = "proportional", "thresholds"
RULES = (PROPORTIONAL, THRESHOLDS)
FLAGS = ("overdue", "no_evidence", "data_missing", "below_target", "target_conflict", "overridden")
EXAMPLE_MARK = "VÍ DỤ"
TOTAL_POINTS = 100.0
KIND = "chi-so-cchc"
SCHEMA_VERSION = 1
_EPS = 1e-9
_ID = re.compile(r"\d+(?:\.\d+)*")


# ---- numbers as the office writes them --------------------------------------------------------

def _parse_part(text: str) -> float | None:
    """A part of the points: ``0,5``, ``1`` or ``50%``; None above all of them or below none (``2``
    is no part: read as a percentage it would give 2 % of the points without a word)."""
    value = text.strip()
    if value.endswith("%"):
        return parse_share(value)
    number = parse_points(value)
    return number if number is not None and 0 <= number <= 1 else None


def parse_thresholds(text: object) -> tuple[tuple[float, float], ...] | None:
    """A threshold list ``99%:1; 95%:0,5`` (R ≥ 99% → all the points, R ≥ 95% → half) as
    ``((0.99, 1.0), (0.95, 0.5))``, highest first; None when malformed.

    >>> parse_thresholds("95%:0,5; 99%:1")
    ((0.99, 1.0), (0.95, 0.5))
    >>> parse_thresholds("99%-1") is None, parse_thresholds("") is None, parse_thresholds("95%:2") is None
    (True, True, True)
    """
    levels = []
    for item in re.split(r"[;\n]", str(text or "")):
        if not item.strip():
            continue
        ratio, colon, part = item.partition(":")
        low, share = parse_share(ratio), _parse_part(part)
        if not colon or low is None or share is None:
            return None
        levels.append((low, share))
    if not levels or len({low for low, _ in levels}) < len(levels):
        return None
    return tuple(sorted(levels, reverse=True))


def points_vi(value: float) -> str:
    """Points as Vietnamese writes them: two decimals at most (rounded half away from zero), decimal comma.

    >>> points_vi(4.5), points_vi(3.0), points_vi(4.898989), points_vi(0.125)
    ('4,5', '3', '4,9', '0,13')
    """
    return vi.points(_round(value))


def _target_vi(share: float) -> str:
    """A target as the plan writes it: ``99%``, ``99,5%``."""
    return points_vi(share * 100) + "%"


def _round(value: float) -> float:
    """Two decimals, half away from zero (4,125 → 4,13), as a hand calculation rounds."""
    return math.floor(abs(value) * 100 + 0.5 + _EPS) / 100 * (1 if value >= 0 else -1)


# ---- the criteria and self-scores as read -----------------------------------------------------

@dataclass(frozen=True)
class Criterion:
    """One row of ``criteria.csv``, checked: an area (level 1), criterion or sub-criterion."""

    id: str
    parent: str | None
    level: int
    text: str
    max: float
    method: str
    source: tuple[str, ...]
    rule: str
    target: float | None
    thresholds: tuple[tuple[float, float], ...]
    expected_evidence: str
    children: tuple[str, ...]
    row: int


@dataclass(frozen=True)
class SelfScore:
    """One row of ``self-scores.csv``: points given by hand (None: only evidence or a note)."""

    id: str
    score: float | None
    evidence: tuple[str, ...]
    official: str
    note: str
    row: int


@dataclass(frozen=True)
class Scoring:
    """A data folder's criteria (depth-first, in file order) and self-scores, checked."""

    criteria: dict[str, Criterion]
    self_scores: dict[str, SelfScore]
    criteria_file: str
    self_scores_file: str | None
    example: bool
    comments: tuple[str, ...] = ()
    problems: pd.DataFrame = field(default_factory=problem_table)  # the warnings

    @property
    def areas(self) -> list[Criterion]:
        return [c for c in self.criteria.values() if c.level == 1]

    @property
    def max(self) -> float:
        return _round(sum(c.max for c in self.areas))


def _both_forms(folder: Path, stem: str) -> list[dict]:
    """An error when a file is there both as CSV and as XLSX: which one the office keeps up to
    date is not for the reader to guess."""
    if (folder / f"{stem}.csv").is_file() and (folder / f"{stem}.xlsx").is_file():
        return [problem(f"{SCORING_DIR}/{stem}.xlsx", None, "", "",
                        f"Có cả {stem}.csv và {stem}.xlsx: giữ lại một tệp",
                        f"both {stem}.csv and {stem}.xlsx are there: keep one")]
    return []


def _read_table(path: Path, columns: list[str], required: tuple[str, ...],
                problems: list[dict]) -> tuple[pd.DataFrame, list[str]]:
    """A scoring file as text cells (NFC, stripped, empty as ``""``) under the known headers, by the
    small-table reader of every input (:func:`cchc_lib.inputs.tables.read_known_columns`), with
    ``source_file`` (``scoring/<name>``) and ``source_row`` as numbered in the file; the ``#`` comment
    lines above the header, and empty rows, left out. Returns the frame and the comments."""
    table = read_known_columns(path, known_header(columns), required, f"{SCORING_DIR}/{path.name}", comments=True)
    problems.extend(table.problems)
    frame = table.frame.reindex(columns=columns).astype(object).fillna("").map(lambda v: str(v).strip())
    frame = frame.assign(source_row=table.frame[S.SOURCE_ROW], source_file=table.frame[S.SOURCE_FILE])
    return frame, list(table.comments)


def _parent_id(cid: str) -> str:
    return cid.rpartition(".")[0]


def _links(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in re.split(r"[;\n]", text) if p.strip()))


def _documents(text: str) -> tuple[str, ...]:
    """The evidence documents of a cell: one per line or per ``;``."""
    return _links(text)


SCORING_MESSAGES = {
    "required": (None, "Thiếu giá trị bắt buộc", "required value missing"),
    "bad_id": ("id", "Mã tiêu chí phải là số, cấp dưới nối bằng dấu chấm (1, 1.1, 1.1.2)",
               "a criterion id is a number, sub-criteria joined by dots (1, 1.1, 1.1.2)"),
    "duplicate_id": ("id", "Mã tiêu chí trùng với dòng khác", "same criterion id as another row"),
    "no_parent": ("id", lambda rows: "Không có tiêu chí cha " + rows["__parent"],
                  lambda rows: "no parent criterion " + rows["__parent"]),
    "bad_max": ("max", "Điểm tối đa phải là số không âm (dấu phẩy hoặc chấm thập phân)",
                "max must be a number of points, not negative"),
    "max_sum": ("max",
                lambda rows: "Tổng điểm tối đa của các tiêu chí con là " + rows["__child_sum_vi"]
                + ", khác điểm tối đa " + rows["max"],
                lambda rows: "the sub-criteria's max add up to " + rows["__child_sum"].map(lambda v: f"{v:g}")
                + ", not " + rows["max"]),
    "unknown_method": ("method", f"Cách chấm phải là một trong {', '.join(METHODS)}",
                       f"method must be one of {', '.join(METHODS)}"),
    "method_missing": ("method", "Tiêu chí không có tiêu chí con cần cách chấm (milestones, kpi, indicator, manual)",
                       "a criterion without sub-criteria needs a method (milestones, kpi, indicator, manual)"),
    "children_not_sum": ("method", "Tiêu chí có tiêu chí con được tính bằng tổng điểm các tiêu chí con (sum)",
                         "a criterion with sub-criteria is the sum of its children (method sum)"),
    "no_source": ("source", "Thiếu nguồn số liệu (mã nhiệm vụ, chỉ số hồ sơ hoặc chỉ số nhập tay)",
                  "the method needs its source (task ids, a dossier KPI or an indicator id)"),
    "no_plan": ("source", "Tiêu chí lấy số liệu từ kế hoạch nhưng thư mục dữ liệu không có plan/",
                "the criterion links the plan, but the data folder has no plan/"),
    "unknown_link": ("source", lambda rows: rows["__unknown_vi"], lambda rows: rows["__unknown_en"]),
    "bad_rule": ("rule", "Quy tắc phải là proportional hoặc thresholds", "rule must be proportional or thresholds"),
    "bad_target": ("target", "Chỉ tiêu phải là tỷ lệ lớn hơn 0, tối đa 100% (ví dụ 99%)",
                   "target must be a share above 0, at most 100% (e.g. 99%)"),
    "bad_thresholds": ("thresholds", "Ngưỡng phải có dạng 99%:1; 95%:0,5 (tỷ lệ:phần điểm, phần điểm từ 0 đến 1)",
                       "thresholds must read 99%:1; 95%:0,5 (share:part of the points, parts 0–1)"),
    "not_an_area": ("id", "Mã lĩnh vực (cấp 1) không phải số lĩnh vực nào trong plan/tasks.csv",
                    "a top-level id is not an area number of plan/tasks.csv"),
    "unknown_criterion": ("id", "Mã tiêu chí không có trong criteria.csv", "no such criterion in criteria.csv"),
    "duplicate_score": ("id", "Tiêu chí đã được tự chấm ở dòng khác", "criterion scored on another row too"),
    "bad_score": ("score", "Điểm tự chấm phải là số không âm", "score must be a number of points, not negative"),
    "score_above_max": ("score", lambda rows: "Điểm tự chấm vượt điểm tối đa " + rows["__max_vi"],
                        lambda rows: "score above the criterion's max " + rows["__max"].map(lambda v: f"{v:g}")),
    "score_on_sum": ("score", "Tiêu chí có tiêu chí con: điểm là tổng điểm các tiêu chí con, không tự chấm",
                     "a criterion with sub-criteria scores the sum of its children: no score by hand"),
}


@dataclass(frozen=True)
class _Links:
    """What a criterion may link: the plan's task ids and indicators, the dossier KPIs."""

    tasks: set[str] | None  # None: no plan to check against
    indicators: set[str] | None
    areas: set[str] | None
    plan_folder: bool

    @classmethod
    def of(cls, data_dir: Path, plan: Plan | None) -> _Links:
        if plan is None:
            return cls(None, None, None, (Path(data_dir) / PLAN_DIR).is_dir())
        indicators = set(plan.indicators["indicator"]) - {""}
        return cls(set(plan.tasks["task_id"]) - {""}, indicators, set(plan.tasks["area"]) - {""}, True)

    def unknown(self, method: str, links: tuple[str, ...]) -> tuple[str, str]:
        """The links of a criterion that name nothing, as Vietnamese and English text ("" if none);
        a kpi or indicator criterion links one source."""
        known = set(KPI_NAMES_VI) if method == KPI else self.tasks if method == MILESTONES else self.indicators
        if known is None:
            return "", ""
        bad = [k for k in links if k not in known]
        if method in RATIO_METHODS and len(links) > 1:
            bad = bad or list(links[1:])
        if not bad:
            return "", ""
        names = ", ".join(bad)
        if method == MILESTONES:
            return (f"Mã nhiệm vụ không có trong plan/tasks.csv: {names}",
                    f"unknown task id (not in plan/tasks.csv): {names}")
        if method == KPI:
            return (f"Chỉ số hồ sơ không biết: {names} (một trong {', '.join(KPI_NAMES_VI)})",
                    f"unknown dossier KPI: {names} (one of {', '.join(KPI_NAMES_VI)})")
        return (f"Chỉ số không có trong plan/indicators.csv: {names} (một chỉ số mỗi tiêu chí)",
                f"unknown indicator (not in plan/indicators.csv; one per criterion): {names}")


def _criteria_frame(frame: pd.DataFrame, links: _Links) -> pd.DataFrame:
    """``criteria.csv`` with the columns its checks read (``__id_ok``, ``__parent``, ``__max``…)."""
    ids = frame["id"]
    id_ok = ids.map(lambda v: bool(_ID.fullmatch(v))).astype(bool)
    duplicate = ids.duplicated(keep="first") & (ids != "")
    parent = ids.map(_parent_id).where(id_ok, "")
    first = id_ok & ~duplicate
    points = frame["max"].map(parse_points)
    max_value = pd.to_numeric(points, errors="coerce").astype("float64")
    children_max = max_value.loc[first].groupby(parent.loc[first]).sum()
    has_children = ids.isin(set(parent.loc[first]) - {""}) & first
    child_sum = ids.map(children_max).where(has_children).astype("float64")
    method = frame["method"].str.strip().str.lower()
    method = method.where((method != "") | ~has_children, SUM)
    rule = frame["rule"].str.strip().str.lower()
    sources = frame["source"].map(_links)
    unknown = [links.unknown(m, s) if m in LINKED and s else ("", "") for m, s in zip(method, sources, strict=True)]
    return frame.assign(
        __id_ok=id_ok, __duplicate=duplicate, __parent=parent,
        __parent_ok=(parent == "") | parent.isin(set(ids.loc[id_ok])),
        __max=max_value, __has_children=has_children, __child_sum=child_sum,
        __child_sum_vi=child_sum.map(lambda v: "" if pd.isna(v) else points_vi(v)),
        __method=method, __rule=rule, __sources=sources,
        __unknown_vi=[u[0] for u in unknown], __unknown_en=[u[1] for u in unknown],
        __target=pd.to_numeric(frame["target"].map(parse_share), errors="coerce").astype("float64"),
        __thresholds=frame["thresholds"].map(parse_thresholds),
    )


def _criteria_checks(links: _Links) -> list[pa.Check]:
    def ratio(df: pd.DataFrame, rule: str) -> pd.Series:
        return df["__method"].isin(RATIO_METHODS) & (df["__rule"] == rule)

    needs_plan = (MILESTONES, INDICATOR)
    return [
        row_check("required:id", lambda df: df["id"] != ""),
        row_check("bad_id", lambda df: (df["id"] == "") | df["__id_ok"]),
        row_check("duplicate_id", lambda df: ~df["__duplicate"]),
        row_check("no_parent", lambda df: df["__parent_ok"]),
        row_check("bad_max", lambda df: df["__max"].notna()),
        row_check("max_sum", lambda df: ~df["__has_children"] | df["__max"].isna() | df["__child_sum"].isna()
                  | ((df["__max"] - df["__child_sum"]).abs() < 0.005)),
        row_check("unknown_method", lambda df: df["__method"].isin([*METHODS, ""])),
        row_check("method_missing", lambda df: df["__has_children"] | ~df["__method"].isin([SUM, ""])),
        row_check("children_not_sum", lambda df: ~df["__has_children"] | (df["__method"] == SUM)),
        row_check("no_source", lambda df: ~(df["__method"].isin(LINKED) & (df["source"] == ""))),
        row_check("no_plan", lambda df: links.plan_folder
                  | ~(df["__method"].isin(needs_plan) & (df["source"] != ""))),
        row_check("unknown_link", lambda df: df["__unknown_vi"] == ""),
        row_check("bad_rule", lambda df: ~(df["__method"].isin(RATIO_METHODS) & ~df["__rule"].isin(RULES))),
        row_check("bad_target", lambda df: ~(ratio(df, PROPORTIONAL) & ~(df["__target"] > 0))),
        row_check("bad_thresholds", lambda df: ~(ratio(df, THRESHOLDS) & df["__thresholds"].isna())),
    ]


def _criteria_warnings(checked: pd.DataFrame, links: _Links, label: str) -> pd.DataFrame:
    """Warnings: the areas' points not adding up to 100; a top-level id that is no area of the plan."""
    top = checked.loc[checked["__id_ok"] & ~checked["__duplicate"] & (checked["__parent"] == "")]
    found = []
    total = top["__max"].sum(min_count=1)
    if len(top) and pd.notna(total) and abs(total - TOTAL_POINTS) > 0.005:
        found.append(problem(label, None, "max", points_vi(total),
                             f"Tổng điểm tối đa của các lĩnh vực là {points_vi(total)}, không phải 100",
                             f"the areas' max add up to {total:g}, not 100", WARNING))
    areas = links.areas
    schema = pa.DataFrameSchema(checks=[row_check("not_an_area", lambda df: df["id"].isin(areas))], name=label)
    table = schema_problems(schema, top, SCORING_MESSAGES, severity=WARNING) if areas is not None else None
    return concat_problems(problem_table(found), table)


def _build_criteria(checked: pd.DataFrame) -> dict[str, Criterion]:
    """The criteria of the checked rows, depth-first with the children in file order."""
    rows = {r["id"]: r for r in checked.loc[checked["__id_ok"] & ~checked["__duplicate"]].to_dict(orient="records")}
    children: dict[str, list[str]] = {}
    for cid, row in rows.items():
        children.setdefault(row["__parent"], []).append(cid)
    ordered: dict[str, Criterion] = {}

    def visit(cid: str, level: int) -> None:
        row = rows[cid]
        ordered[cid] = Criterion(
            id=cid, parent=row["__parent"] or None, level=level, text=row["text"],
            max=float(row["__max"]) if pd.notna(row["__max"]) else 0.0, method=row["__method"] or SUM,
            source=row["__sources"], rule=row["__rule"],
            target=None if pd.isna(row["__target"]) else float(row["__target"]),
            thresholds=row["__thresholds"] or (), expected_evidence=row["evidence"],
            children=tuple(children.get(cid, ())), row=int(row["source_row"]),
        )
        for child in children.get(cid, ()):
            visit(child, level + 1)

    for cid in children.get("", ()):
        visit(cid, 1)
    return ordered


def _self_score_problems(frame: pd.DataFrame, criteria: dict[str, Criterion]) -> pd.DataFrame:
    maxima = {cid: c.max for cid, c in criteria.items()}
    score = pd.to_numeric(frame["score"].map(parse_points), errors="coerce").astype("float64")
    checked = frame.assign(
        __score=score, __max=frame["id"].map(maxima).astype("float64"),
        __max_vi=frame["id"].map(lambda cid: points_vi(maxima[cid]) if cid in maxima else ""),
        __sum=frame["id"].map(lambda cid: cid in criteria and bool(criteria[cid].children)).astype(bool),
    )
    schema = pa.DataFrameSchema(checks=[
        row_check("required:id", lambda df: df["id"] != ""),
        row_check("unknown_criterion", lambda df: (df["id"] == "") | df["id"].isin(list(criteria))),
        row_check("duplicate_score", lambda df: ~(df["id"].duplicated(keep="first") & (df["id"] != ""))),
        row_check("bad_score", lambda df: (df["score"] == "") | df["__score"].notna()),
        row_check("score_above_max", lambda df: ~(df["__score"] > df["__max"] + _EPS)),
        row_check("score_on_sum", lambda df: ~(df["__sum"] & (df["score"] != ""))),
    ], name="self-scores")
    return schema_problems(schema, checked, SCORING_MESSAGES)


def _build_self_scores(frame: pd.DataFrame, criteria: dict[str, Criterion]) -> dict[str, SelfScore]:
    found: dict[str, SelfScore] = {}
    for row in frame.to_dict(orient="records"):
        if row["id"] in criteria and row["id"] not in found:
            found[row["id"]] = SelfScore(row["id"], parse_points(row["score"]), _documents(row["evidence"]),
                                         row["official"], row["note"], int(row["source_row"]))
    return found


def read_scoring(data_dir: Path, plan: Plan | None) -> tuple[Scoring | None, pd.DataFrame]:
    """The criteria and self-scores of ``data_dir/scoring/`` (None when there is no such folder,
    or no ``criteria.csv`` in it) and every problem of their files (docs/self-assessment.md, "The reform index
    self-assessment"): each checked with a pandera schema, every failure at once, naming file,
    row and column. The scoring holds the rows that passed and the warnings."""
    folder = Path(data_dir) / SCORING_DIR
    if not folder.is_dir():
        return None, problem_table()
    # a scoring file that is no regular file of the data folder (docs/data.md, "The data folder"): none read
    refused = confinement_problems(Path(data_dir), [
        folder / f"{stem}{suffix}" for stem in (CRITERIA_FILE, SELF_SCORES_FILE) for suffix in (".csv", ".xlsx")])
    if refused:
        return None, problem_table(refused)
    path = find_table(folder, CRITERIA_FILE)
    if path is None:
        return None, problem_table([problem(
            f"{SCORING_DIR}/", None, "", "", "Thư mục chấm điểm thiếu tệp criteria.csv hoặc criteria.xlsx",
            "the scoring folder has no criteria.csv or criteria.xlsx")])
    read_problems: list[dict] = [*_both_forms(folder, CRITERIA_FILE), *_both_forms(folder, SELF_SCORES_FILE)]
    frame, comments = _read_table(path, CRITERIA_COLUMNS, CRITERIA_REQUIRED, read_problems)
    label = f"{SCORING_DIR}/{path.name}"
    links = _Links.of(data_dir, plan)
    checked = _criteria_frame(frame, links)
    found = [problem_table(read_problems),
             schema_problems(pa.DataFrameSchema(checks=_criteria_checks(links), name=label), checked,
                             SCORING_MESSAGES),
             _criteria_warnings(checked, links, label)]
    criteria = _build_criteria(checked)
    self_path = find_table(folder, SELF_SCORES_FILE)
    self_scores: dict[str, SelfScore] = {}
    if self_path is not None:
        self_read: list[dict] = []
        scores, _ = _read_table(self_path, SELF_SCORE_COLUMNS, SELF_SCORE_REQUIRED, self_read)
        found += [problem_table(self_read), _self_score_problems(scores, criteria)]
        self_scores = _build_self_scores(scores, criteria)
    table = concat_problems(*found)
    example = bool(comments) and EXAMPLE_MARK in unicodedata.normalize("NFC", comments[0]).upper()
    scoring = Scoring(criteria, self_scores, label,
                      f"{SCORING_DIR}/{self_path.name}" if self_path is not None else None,
                      example, tuple(comments), table.loc[table["severity"] == WARNING].reset_index(drop=True))
    return scoring, table


def check_scoring(data_dir: Path, plan: Plan | None) -> pd.DataFrame:
    """Every problem of ``data_dir/scoring/`` (an empty table without the folder): errors and
    warnings with file, row, column, value and what is wrong (docs/self-assessment.md, "The reform index
    self-assessment")."""
    return read_scoring(data_dir, plan)[1]


def load_scoring(data_dir: Path, plan: Plan | None) -> Scoring | None:
    """The checked criteria and self-scores of ``data_dir/scoring/``; None without the folder.
    Raises :class:`ProblemError` listing every error (docs/self-assessment.md, "The reform index self-assessment")."""
    scoring, problems = read_scoring(data_dir, plan)
    raise_errors(problems, "the reform index criteria")
    return scoring


# ---- scoring ------------------------------------------------------------------------------------

@dataclass
class _Score:
    """A criterion's points, as computed (before rounding for the JSON)."""

    score: float | None
    how: str
    at_risk: float = 0.0
    open: float = 0.0
    evidence: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    official: str = ""
    note: str = ""
    open_dates: list[dt.date] = field(default_factory=list)  # the due dates of the milestones not yet due


@dataclass
class _Context:
    """What the scoring of one period reads: the year-to-date window and the data."""

    year: int
    start: dt.date
    end: dt.date
    cutoff: str
    year_end: bool
    plan: Plan | None  # None without a plan of the period's year
    self_scores: dict[str, SelfScore]
    status: pd.DataFrame | None = None
    evidence: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    kpis: dict[str, dict] | None = None
    conflicts: set[str] = field(default_factory=set)


def _context(scoring: Scoring, period: Period, cutoff: str, data: object, plan: Plan | None) -> _Context:
    start = Period(period.year, "Y").window(cutoff)[0]
    end = period.window(cutoff)[1]
    plan = plan if plan is not None and plan.year == period.year else None
    ctx = _Context(period.year, start, end, cutoff, period.kind == "Y", plan, scoring.self_scores)
    if plan is not None:
        ctx.status = milestone_status(plan, start, end, cutoff)
        updates = plan.updates.loc[plan.updates["day"].map(lambda d: d is not None and d <= end)]
        for update in updates.sort_values("day", kind="stable").to_dict(orient="records"):
            ctx.evidence.setdefault((update["task_id"], update["milestone"]), []).append(update)
        ctx.conflicts = {c["kpi"] for c in target_conflicts(plan)}
    dossiers = getattr(data, "dossiers", data)
    if isinstance(dossiers, pd.DataFrame):
        classified = classify_dossiers(dossiers, start, end)
        # a rate whose column an export lacks is unknown, not 0 (docs/figures.md, "The figures")
        missing = coverage.missing_here(data, classified)
        ctx.kpis = coverage.blank_kpis(compute_kpis(classified), missing)
    return ctx


_DONE_FULL = ("done_on_time", "proven")
_STATE_WORDS = {
    "done_on_time": "hoàn thành đúng hạn",
    "proven": "thường xuyên/theo yêu cầu có tài liệu kiểm chứng",
    "done_late": "hoàn thành trễ hạn (tính nửa số điểm)",
    "overdue": "quá hạn",
    "unproven": "thường xuyên/theo yêu cầu chưa có tài liệu kiểm chứng",
    "not_yet_due": "chưa đến hạn",
}


def _milestone_docs(ctx: _Context, task_id: str, key: str, state: str) -> tuple[str, list[str]]:
    """A milestone's state for the points (continuous and on-notice work: ``proven`` when an update
    by the as-of date gives a document, else ``unproven``) and its evidence documents (those of the
    updates marking it done, else every document given for it by the as-of date)."""
    updates = ctx.evidence.get((task_id, key), [])
    given = [u["evidence"] for u in updates if u["evidence"]]
    if state in ("continuous", "no_fixed_date"):
        return ("proven" if given else "unproven"), given
    done = [u["evidence"] for u in updates if u["evidence"] and u["state"] == "done"]
    return state, (done or given) if state in ("done_on_time", "done_late") else []


def _score_milestones(c: Criterion, ctx: _Context) -> _Score:
    """docs/self-assessment.md, "The reform index self-assessment": each milestone of the linked tasks an equal
    share; on time → the share, late → half, overdue → 0 (at risk during the year), due later →
    open; continuous and on-notice work count as done with an evidence document by the as-of date."""
    if ctx.status is None:
        return _Score(None, f"Chưa có kế hoạch CCHC năm {ctx.year}: chưa tính được tiến độ", flags=["data_missing"])
    rows = ctx.status.loc[ctx.status["task_id"].isin(c.source)]
    if not len(rows):
        return _Score(None, "Các nhiệm vụ liên kết không có mốc nào", flags=["data_missing"])
    share = c.max / len(rows)
    counts: Counter[str] = Counter()
    result = _Score(0.0, "")
    bare = 0
    for row in rows.itertuples(index=False):
        state, docs = _milestone_docs(ctx, row.task_id, row.milestone, row.state)
        counts[state] += 1
        gained = share if state in _DONE_FULL else share / 2 if state == "done_late" else 0.0
        result.score += gained
        result.open += share if state == "not_yet_due" else 0.0
        result.open_dates += [row.due] if state == "not_yet_due" and row.due not in result.open_dates else []
        result.at_risk += share if state in ("overdue", "unproven") and not ctx.year_end else 0.0
        bare += 1 if gained and not docs else 0
        result.evidence += [d for d in docs if d not in result.evidence]
    result.flags = [*(["overdue"] if counts["overdue"] else []), *(["no_evidence"] if bare else [])]
    result.how = _milestones_how(counts, len(rows), share, result, bare)
    return result


def _milestones_how(counts: Counter, total: int, share: float, result: _Score, bare: int) -> str:
    """``3/4 mốc hoàn thành đúng hạn, 1 mốc quá hạn: 3 × 1,5 = 4,5 điểm``; the milestones not yet
    due with their due dates, and their points as not yet scored rather than as 0
    (``1/1 mốc chưa đến hạn (hạn 31/12/2023): 3 điểm chấm khi đến hạn``)."""
    parts = []
    for state, words in _STATE_WORDS.items():
        if counts[state]:
            dates = f" (hạn {', '.join(f'{d:%d/%m/%Y}' for d in sorted(result.open_dates))})" \
                if state == "not_yet_due" and result.open_dates else ""
            parts.append(f"{counts[state]}{'' if parts else f'/{total}'} mốc {words}{dates}")
    full, late = counts["done_on_time"] + counts["proven"], counts["done_late"]
    # a milestone's share of the points, exact to four decimals (3/8 of a point: 0,375)
    terms = [f"{n} × {vi.points(part, 4)}" for n, part in ((full, share), (late, share / 2)) if n]
    scored = f"{' + '.join(terms)} = {points_vi(result.score)} điểm" if terms \
        else "" if counts["not_yet_due"] == total else "0 điểm"
    waiting = f"{points_vi(result.open)} điểm chấm khi đến hạn" if result.open else ""
    sentence = f"{', '.join(parts)}: {'; '.join(p for p in (scored, waiting) if p)}"
    if bare:
        sentence += f"; {bare} mốc có điểm nhưng chưa có tài liệu kiểm chứng"
    return sentence


def _indicator_value(key: str, ctx: _Context) -> tuple[float | None, str, str]:
    """The latest value of an indicator for a period of the year ending on or before the as-of
    date: value, period id and source."""
    best: tuple[dt.date, float, str, str] | None = None
    for row in ctx.plan.indicators.loc[ctx.plan.indicators["indicator"] == key].to_dict(orient="records"):
        try:
            period = parse_period(row["period"])
        except PeriodError:
            continue
        ends = period.window(ctx.cutoff)[1]
        if period.year == ctx.year and ends <= ctx.end and row["share"] is not None and not pd.isna(row["share"]):
            if best is None or ends >= best[0]:
                best = (ends, float(row["share"]), period.id, row["source"])
    return (None, "", "") if best is None else best[1:]


def _ratio(c: Criterion, ctx: _Context) -> tuple[float | None, str, list[str]]:
    """The ratio R of a kpi or indicator criterion, how it was found, and its evidence."""
    key = c.source[0] if c.source else ""
    window = f"{ctx.start:%d/%m/%Y}–{ctx.end:%d/%m/%Y}"
    if c.method == KPI:
        kpi = (ctx.kpis or {}).get(key) or {}
        if kpi.get("value") is None:
            return None, f"Chưa có số liệu {KPI_NAMES_VI.get(key, key).lower()} ({window})", []
        parts = f" ({kpi['numerator']}/{kpi['denominator']} hồ sơ)"
        return float(kpi["value"]), parts, [f"Số liệu hồ sơ TTHC {window}: {KPI_NAMES_VI[key]}{parts}"]
    if ctx.plan is None:
        return None, f"Chưa có kế hoạch CCHC năm {ctx.year}: chưa có số liệu chỉ số", []
    value, period, source = _indicator_value(key, ctx)
    name = INDICATOR_NAMES_VI.get(key, key)
    if value is None:
        return None, f"Chưa có số liệu {vi.lower_first(name)} đến {ctx.end:%d/%m/%Y}", []
    return value, f" ({parse_period(period).name_vi})", [s for s in (source,) if s]


def _score_ratio(c: Criterion, ctx: _Context) -> _Score:
    """docs/self-assessment.md, "The reform index self-assessment": proportional → P when R ≥ T, else R × P / T;
    thresholds → the part of the points of the highest level R reaches, 0 below the lowest."""
    value, detail, evidence = _ratio(c, ctx)
    conflict = ["target_conflict"] if c.source and c.source[0] in ctx.conflicts else []
    if value is None:
        return _Score(None, detail, flags=["data_missing", *conflict])
    rate = f"Tỷ lệ {vi.percent(value, trim=False)}{detail}"
    if c.rule == PROPORTIONAL:
        target = c.target or 1.0
        if value >= target - _EPS:
            points, how = c.max, f"{rate} đạt chỉ tiêu {_target_vi(target)}: {points_vi(c.max)} điểm"
        else:
            points = value * c.max / target
            how = (f"{rate} so với chỉ tiêu {_target_vi(target)}: {vi.percent(value, trim=False)} × {points_vi(c.max)}"
                   f" / {_target_vi(target)} = {points_vi(points)} điểm")
    else:
        reached = next(((low, part) for low, part in c.thresholds if value >= low - _EPS), None)
        if reached is None:
            points = 0.0
            how = f"{rate} dưới mức thấp nhất {_target_vi(c.thresholds[-1][0])}: 0 điểm"
        else:
            points = reached[1] * c.max
            how = (f"{rate} đạt mức từ {_target_vi(reached[0])}: {points_vi(reached[1])} × {points_vi(c.max)}"
                   f" = {points_vi(points)} điểm")
    below = c.max - _round(points) > _EPS
    return _Score(points, how, at_risk=c.max - _round(points) if below else 0.0, evidence=evidence,
                  flags=[*(["below_target"] if below else []), *conflict])


def _score_manual(c: Criterion, ctx: _Context) -> _Score:
    """The self-score; absent → no score (``data_missing``)."""
    own = ctx.self_scores.get(c.id)
    if own is None or own.score is None:
        return _Score(None, "Chưa có điểm tự chấm", flags=["data_missing"])
    return _Score(own.score, f"Tự chấm {points_vi(own.score)}/{points_vi(c.max)} điểm")


def _apply_self_score(c: Criterion, result: _Score, own: SelfScore | None) -> _Score:
    """What the self-scores add to the data: evidence, official, note; a score on a computed
    criterion replaces the computed one (``overridden``)."""
    if own is not None:
        result.evidence += [d for d in own.evidence if d not in result.evidence]
        result.official = own.official or result.official
        result.note = own.note
        if own.score is not None and c.method not in (MANUAL, SUM):
            computed = "chưa tính được" if result.score is None else f"{points_vi(result.score)} điểm"
            result.how = f"Điểm tự chấm {points_vi(own.score)} thay cho điểm tính từ số liệu ({computed}). {result.how}"
            result.score = own.score
            result.open = min(result.open, max(c.max - own.score, 0.0))
            result.at_risk = min(result.at_risk, max(c.max - own.score - result.open, 0.0))
            result.flags = [f for f in result.flags if f in ("overdue", "target_conflict")] + ["overridden"]
    if c.method != SUM and result.score and result.score > _EPS and not result.evidence \
            and "no_evidence" not in result.flags:
        result.flags.append("no_evidence")
    return result


_SCORERS = {MILESTONES: _score_milestones, KPI: _score_ratio, INDICATOR: _score_ratio, MANUAL: _score_manual}


def _score_all(scoring: Scoring, ctx: _Context) -> dict[str, _Score]:
    """Every criterion's points, children before their parent (a sum adds its children's
    rounded points, so an area is the sum of what its rows show)."""
    scores: dict[str, _Score] = {}
    for c in reversed(list(scoring.criteria.values())):
        if c.method == SUM:
            result = _sum_score(c, scoring, scores)
        else:
            result = _SCORERS[c.method](c, ctx)
            if c.method == MILESTONES and ctx.plan is not None:
                owners = ctx.plan.tasks.loc[ctx.plan.tasks["task_id"].isin(c.source), "owner"].map(owner_label)
                result.official = "; ".join(dict.fromkeys(o for o in owners if o != "(không ghi)"))
        scores[c.id] = _apply_self_score(c, result, scoring.self_scores.get(c.id))
    return scores


def _sum_score(c: Criterion, scoring: Scoring, scores: dict[str, _Score]) -> _Score:
    """A parent's points: the sum of its children's rounded points, a null child counting 0
    (``data_missing``); a child whose points are all not yet due is named apart rather than
    added as 0 (``Tổng điểm các tiêu chí thành phần: 4 + 1,2 = 5,2 điểm; tiêu chí 3.3 chưa đến
    hạn``)."""
    kids = [(k, scores[k]) for k in c.children]
    waiting = [k for k, s in kids if not s.score and _round(s.open) >= _round(scoring.criteria[k].max) > 0]
    shown = [points_vi(_round(s.score)) if s.score is not None else "chưa có điểm" for k, s in kids
             if k not in waiting]
    total = _round(sum(_round(s.score) for _, s in kids if s.score is not None))
    added = f"{' + '.join(shown)} = {points_vi(total)} điểm" if len(shown) > 1 else f"{points_vi(total)} điểm"
    how = f"Tổng điểm các tiêu chí thành phần: {added}" if shown else ""
    if waiting:
        how += f"{'; tiêu chí' if how else 'Tiêu chí'} {', '.join(waiting)} chưa đến hạn"
    return _Score(total, how, at_risk=sum(_round(s.at_risk) for _, s in kids),
                  open=sum(_round(s.open) for _, s in kids),
                  flags=["data_missing"] if any(s.score is None for _, s in kids) else [])


def _points(value: float | None) -> float | None:
    return None if value is None else _round(value)


def _criterion_json(c: Criterion, s: _Score) -> dict:
    return {
        "id": c.id, "parent": c.parent, "level": c.level, "text": c.text, "max": _round(c.max),
        "method": c.method, "source": ";".join(c.source), "rule": c.rule if c.method in RATIO_METHODS else "",
        "score": _points(s.score), "at_risk": _round(s.at_risk), "open": _round(s.open), "how": s.how,
        "evidence": list(s.evidence), "expected_evidence": c.expected_evidence, "official": s.official,
        "note": s.note, "flags": [f for f in FLAGS if f in s.flags],
        **_due_parts(c.max, s.open),
        "not_yet_due_dates": [d.isoformat() for d in sorted(s.open_dates)],
    }


def _due_parts(maximum: float, open_points: float) -> dict:
    """The points due by the as-of date and those not yet due (docs/self-assessment.md, "The reform index
    self-assessment"): a milestone not yet due at the as-of date (``not_yet_due`` of
    :func:`cchc_lib.inputs.plan.milestone_status`) holds its share of the points until then, neither
    scored nor lost; kpi, indicator and manual criteria are always due.

    >>> _due_parts(100, 9.0)
    {'points_due': 91.0, 'points_not_yet_due': 9.0}
    """
    return {"points_due": _round(maximum - _round(open_points)), "points_not_yet_due": _round(open_points)}


def score_sentence(score: float | None, points_due: float, points_not_yet_due: float) -> str:
    """The total as the office states it: the points secured over the points due so far, the
    points not yet due named (never counted as 0).

    >>> score_sentence(72.06, 91, 9)
    '72,06 / 91 điểm đến hạn; 9 điểm chưa đến hạn'
    >>> score_sentence(80, 100, 0), score_sentence(None, 0, 10)
    ('80 / 100 điểm', 'chưa có điểm đến hạn; 10 điểm chưa đến hạn')
    """
    if points_not_yet_due <= _EPS:
        return f"{points_vi(score or 0)} / {points_vi(points_due)} điểm"
    secured = f"{points_vi(score or 0)} / {points_vi(points_due)} điểm đến hạn" if points_due > _EPS \
        else "chưa có điểm đến hạn"
    return f"{secured}; {points_vi(points_not_yet_due)} điểm chưa đến hạn"


def score(scoring: Scoring, *, unit: object, period: Period | str, cutoff: str, data: object,
          plan: Plan | None) -> dict:
    """The self-assessment of the reform index at the end of ``period`` (docs/self-assessment.md, "The reform
    index self-assessment"): the year (``2023-Y``) for the year's self-scoring, any other period
    of the year for the view during the year (points secured, at risk and still open).

    ``unit`` is the reporting unit (:class:`cchc_lib.inputs.unit.Unit`, or its name); ``data`` the
    checked dossiers (:class:`cchc_lib.inputs.loading.DossierData` or their frame; None: every kpi
    criterion lacks its data); ``plan`` the plan (one of another year is left out). The KPIs and
    the milestones are those of the year to date: from the start of the year's window to the
    period's end under ``cutoff``. Returns plain JSON types only."""
    period = parse_period(period)
    check_cutoff(cutoff)
    ctx = _context(scoring, period, cutoff, data, plan)
    scores = _score_all(scoring, ctx)
    areas = []
    for area in scoring.areas:
        members = [c for c in scoring.criteria.values() if c.id == area.id or c.id.startswith(area.id + ".")]
        s = scores[area.id]
        areas.append({"id": area.id, "text": area.text, "max": _round(area.max), "score": _points(s.score),
                      "at_risk": _round(s.at_risk), "open": _round(s.open), **_due_parts(area.max, s.open),
                      "criteria": [_criterion_json(c, scores[c.id]) for c in members]})
    flags = Counter(f for c in scoring.criteria.values() if c.method != SUM for f in scores[c.id].flags)
    name = unit if isinstance(unit, str) else getattr(unit, "name", "")
    total = _round(sum(a["score"] or 0.0 for a in areas))
    due = _due_parts(scoring.max, sum(a["open"] for a in areas))
    return {
        "schema_version": SCHEMA_VERSION, "kind": KIND,
        "unit": name, "unit_slug": getattr(unit, "slug", "") or (slugify(name) if name else ""),
        "district": getattr(unit, "district", ""), "province": getattr(unit, "province", ""),
        "year": period.year, "period": period.id, "period_name": period.name_vi, "cutoff": cutoff,
        "start": ctx.start.isoformat(), "end": ctx.end.isoformat(), "year_end": ctx.year_end,
        "generated_at": vi.now().isoformat(timespec="seconds"),
        "criteria_file": scoring.criteria_file, "self_scores_file": scoring.self_scores_file,
        "example": scoring.example,
        "max": scoring.max,
        "score": total,
        "at_risk": _round(sum(a["at_risk"] for a in areas)),
        "open": due["points_not_yet_due"],
        **due,
        "score_text": score_sentence(total, due["points_due"], due["points_not_yet_due"]),
        "flags": {f: flags[f] for f in FLAGS if flags[f]},
        "areas": areas,
    }
