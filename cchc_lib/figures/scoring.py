"""The reform index self-assessment (Chỉ số CCHC): the province's criteria as data, scored.

The criteria and self-scores of a data folder's ``scoring/`` are read and checked by
:mod:`cchc_lib.inputs.criteria` (docs/self-assessment.md, "The reform index self-assessment").
Each criterion is scored by its ``method``: ``sum`` (its children), ``milestones`` (the plan's
milestones of the linked tasks), ``kpi`` (a dossier KPI of the year to date), ``indicator`` (an
indicator measured by hand, ``plan/indicators.csv``) or ``manual`` (the self-score). Nothing
about a year, an area or a point is in the code.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from ..base import vi
from ..base.periods import Period, PeriodError, check_cutoff, parse_period
from ..inputs.criteria import (
    _EPS,
    INDICATOR,
    KPI,
    MANUAL,
    MILESTONES,
    PROPORTIONAL,
    RATIO_METHODS,
    SUM,
    Criterion,
    Scoring,
    SelfScore,
    _round,
    _target_vi,
    points_vi,
)
from ..inputs.plan import INDICATOR_NAMES_VI, STATE_VI, Plan, milestone_status, owner_label, target_conflicts
from ..inputs.unit import slugify
from . import coverage
from .dossiers import KPI_NAMES_VI, classify_dossiers, compute_kpis

FLAGS = ("overdue", "no_evidence", "data_missing", "below_target", "target_conflict", "overridden")
KIND = "chi-so-cchc"
SCHEMA_VERSION = 1


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
# the plan's names of the milestone states (the page's form), with the self-assessment's own two
_STATE_WORDS = {
    "done_on_time": vi.lower_first(STATE_VI["done_on_time"]),
    "proven": "thường xuyên/theo yêu cầu có tài liệu kiểm chứng",
    "done_late": f"{vi.lower_first(STATE_VI['done_late'])} (tính nửa số điểm)",
    "overdue": vi.lower_first(STATE_VI["overdue"]),
    "unproven": "thường xuyên/theo yêu cầu chưa có tài liệu kiểm chứng",
    "not_yet_due": vi.lower_first(STATE_VI["not_yet_due"]),
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
        # the province sheet's issuing decision and year, where its title gives them
        **({"criteria_decision": scoring.decision} if scoring.decision else {}),
        **({"criteria_year": scoring.year} if scoring.year else {}),
        "max": scoring.max,
        "score": total,
        "at_risk": _round(sum(a["at_risk"] for a in areas)),
        "open": due["points_not_yet_due"],
        **due,
        "score_text": score_sentence(total, due["points_due"], due["points_not_yet_due"]),
        "flags": {f: flags[f] for f in FLAGS if flags[f]},
        "areas": areas,
    }
