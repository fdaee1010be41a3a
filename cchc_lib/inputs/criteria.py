"""The reform index criteria and self-scores (Chỉ số CCHC) of a data folder's ``scoring/``, read and checked.

The folder holds (docs/self-assessment.md, "The reform index self-assessment"; CSV in UTF-8, or an XLSX of the
same name):

- ``criteria.csv``: ``id, text, max, method, source, rule, target, thresholds, evidence``: one
  row per area, criterion and sub-criterion (``1.1.2`` belongs to ``1.1``); the top-level ids
  are the plan's area numbers. Lines starting with ``#`` above the header are comments; a first
  comment containing ``VÍ DỤ`` marks the set as an example;
- ``self-scores.csv`` (optional): ``id, score, evidence, official, note``: the points and
  documents the officials give by hand.

They are read and checked once per process while their files and the plan's links are unchanged
(:func:`.cache.kept`); :mod:`cchc_lib.figures.scoring` scores them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..base import vi
from ..base.problems import (
    WARNING,
    concat_problems,
    problem,
    problem_table,
    raise_errors,
    row_check,
    schema_problems,
)
from . import schema as S
from .cache import kept
from .confine import confinement_problems
from .criteria_sheet import is_province_sheet, read_criteria_sheet
from .numbers import parse_points, parse_share
from .plan import PLAN_DIR, Plan
from .tables import find_table, known_header, read_known_columns

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
EXAMPLE_MARK = "VÍ DỤ"
TOTAL_POINTS = 100.0
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
    decision: str = ""  # the province sheet's issuing decision ("Quyết định số 123/QĐ-UBND ngày 15/01/2023")
    year: int | None = None  # the year of the province sheet's title

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

    def key(self) -> tuple:
        """What the links are, as a key of the readings kept: each set sorted (None without a plan)."""
        return tuple(None if known is None else tuple(sorted(known))
                     for known in (self.tasks, self.indicators, self.areas)) + (self.plan_folder,)

    def unknown(self, method: str, links: tuple[str, ...]) -> tuple[str, str]:
        """The links of a criterion that name nothing, as Vietnamese and English text ("" if none);
        a kpi or indicator criterion links one source."""
        known = set(S.KPI_KEYS) if method == KPI else self.tasks if method == MILESTONES else self.indicators
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
            return (f"Chỉ số hồ sơ không biết: {names} (một trong {', '.join(S.KPI_KEYS)})",
                    f"unknown dossier KPI: {names} (one of {', '.join(S.KPI_KEYS)})")
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
    row and column. The scoring holds the rows that passed and the warnings. Read and checked once
    per process while the folder's files and what the criteria may link in ``plan`` are unchanged
    (:func:`.cache.kept`)."""
    folder = Path(data_dir) / SCORING_DIR
    links = _Links.of(data_dir, plan)

    def files() -> list[Path | None]:
        return [folder, *(sorted(folder.iterdir()) if folder.is_dir() else [])]

    return kept(("scoring", str(folder.resolve()), links.key()), files, lambda: _read_scoring(Path(data_dir), links))


def _read_scoring(data_dir: Path, links: _Links) -> tuple[Scoring | None, pd.DataFrame]:
    """:func:`read_scoring`, read: the folder's files, then the criteria and the self-scores checked."""
    folder = data_dir / SCORING_DIR
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
    label, decision, year, sheet = f"{SCORING_DIR}/{path.name}", "", None, None
    if path.suffix.lower() == ".xlsx" and is_province_sheet(path):
        # the province's sheet as it comes (docs/self-assessment.md, "The province's criteria sheet")
        sheet = read_criteria_sheet(path, label)
        read_problems += sheet.problems
        frame, comments, label, decision, year = sheet.frame, [], sheet.label, sheet.decision, sheet.year
        if frame.empty:
            return None, problem_table(read_problems)
    else:
        frame, comments = _read_table(path, CRITERIA_COLUMNS, CRITERIA_REQUIRED, read_problems)
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
    table = sheet.name_columns(table) if sheet is not None else table
    example = bool(comments) and EXAMPLE_MARK in unicodedata.normalize("NFC", comments[0]).upper()
    scoring = Scoring(criteria, self_scores, label,
                      f"{SCORING_DIR}/{self_path.name}" if self_path is not None else None,
                      example, tuple(comments), table.loc[table["severity"] == WARNING].reset_index(drop=True),
                      decision, year)
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
