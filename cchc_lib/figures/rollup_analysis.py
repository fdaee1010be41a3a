"""What the district reads first in a roll-up: how far each unit is from its targets, which
units need attention, how each unit moved since the previous comparable period, and where
the late dossiers are.

Pure functions over the units' JSON summaries (the dicts of ``<slug>/<PERIOD>.json``) and the
roll-up's own ``units`` and ``ranking``; :func:`cchc_lib.running.rollup.build_rollup_summary` calls them.

**The gap to a target** is the unit's rate minus the target, in percentage points ("điểm %"):
``+1,0 điểm %`` above it, ``−0,8 điểm %`` below (for a target "≤ x" the sign is turned, so a
negative gap is always a shortfall). Where the plan gives a KPI several targets (95 % and
100 % satisfaction), the gap is to the binding one, the first in the plan's order, by which the
unit's own report judges it (the others are a problem of the unit's plan, for its checks);
:func:`worst_gap` takes the furthest of the targets it is given. **The bands** (of the
shortfall, rounded to 0,1 point as shown):

======== ================= ==========================================
band     label             shortfall
======== ================= ==========================================
met      Đạt               none: the target is met
near     Gần đạt           under 5 points
short    Còn thấp          5 points to under 20
far      Cách xa           20 points or more
======== ================= ==========================================

**Units needing attention** (``attention``): the units with a KPI short of its target by at
least :data:`ATTENTION_POINTS` (bands ``short`` and ``far``), furthest first, each with those
KPIs, furthest first.

**The change since the previous comparable period** of a unit is read from its own report of
that period (``<slug>/<previous>.json``, same cut-off), and only when that report's data
covers its window: dossiers were received in every month the window touches
(``dossiers.by_month``). Otherwise the unit has no comparable period, with the reason.
"""

from __future__ import annotations

import math

from ..base import vi
from ..base.periods import parse_period
from .dossiers import KPI_KEYS, KPI_NAMES_VI

# (band, label, least shortfall in points): the bands of the gap to a target, best first
GAP_BANDS: tuple[tuple[str, str, float | None], ...] = (
    ("met", vi.VERDICTS[True], None),
    ("near", "Gần đạt", 0.0),
    ("short", "Còn thấp", 5.0),
    ("far", "Cách xa", 20.0),
)
BAND_LABELS_VI = {band: label for band, label, _ in GAP_BANDS}
ATTENTION_POINTS = 5.0  # a unit needs attention when a KPI is this many points short of its target, or more
ATTENTION_LIMIT = 10  # units named in the attention box (the JSON lists them all)
CHANGE_KPIS: tuple[str, ...] = tuple(k for k in KPI_KEYS if k != "progress_766")  # the index is no rate of units
UNCHANGED_POINTS = 0.05  # a change smaller than this (in points) shows as "không đổi"


def _finite(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def gap_points(value: float | None, comparison: str, target: float | None) -> float | None:
    """The gap of ``value`` to ``target`` in percentage points, negative when short of it
    (rounded to 2 decimals); None without a value or a target.

    >>> gap_points(0.982, ">=", 0.99), gap_points(1.0, ">=", 0.95), gap_points(0.1, "<=", 0.05)
    (-0.8, 5.0, -5.0)
    >>> gap_points(None, ">=", 0.99)
    """
    value, target = _finite(value), _finite(target)
    if value is None or target is None:
        return None
    difference = {"<=": target - value, "=": -abs(value - target)}.get(comparison, value - target)
    return round(difference * 100, 2) + 0.0  # + 0.0: no "-0.0"


def gap_band(points: float | None) -> str | None:
    """The band of a gap (:data:`GAP_BANDS`), judged on the shortfall as shown (one decimal).

    >>> [gap_band(p) for p in (0.0, 2.5, -0.04, -4.94, -4.96, -19.9, -20.0, None)]
    ['met', 'met', 'near', 'near', 'short', 'short', 'far', None]
    """
    if points is None:
        return None
    if points >= 0:
        return "met"
    shortfall = round(-points, 1)
    chosen = "near"
    for band, _label, least in GAP_BANDS[1:]:
        if least is not None and shortfall >= least:
            chosen = band
    return chosen


def gap_text(points: float | None) -> str:
    """A gap as the report writes it.

    >>> [gap_text(p) for p in (-0.8, 12.0, 0.0, -0.04, -0.004, None)]
    ['−0,8 điểm %', '+12,0 điểm %', 'bằng chỉ tiêu', '−0,04 điểm %', 'thiếu dưới 0,01 điểm %', '—']
    """
    if points is None:
        return vi.MISSING
    if points == 0:
        return "bằng chỉ tiêu"
    size = abs(points)
    if size < 0.005:
        return "thiếu dưới 0,01 điểm %" if points < 0 else "vượt dưới 0,01 điểm %"
    return f"{'−' if points < 0 else '+'}{vi.decimal(size, 1 if size >= 0.05 else 2)} điểm %"


def worst_gap(value: float | None, targets: list[dict]) -> dict | None:
    """The gap of ``value`` to the target of ``targets`` (``target_id, comparison, value``) it is
    furthest from: ``target_id, comparison, target, points, band``; None without a value or target.

    >>> worst_gap(0.96, [{"target_id": "T4", "comparison": ">=", "value": 0.95},
    ...                  {"target_id": "T6", "comparison": ">=", "value": 1.0}])
    {'target_id': 'T6', 'comparison': '>=', 'target': 1.0, 'points': -4.0, 'band': 'near'}
    """
    gaps = [(gap_points(value, str(t.get("comparison")), t.get("value")), t) for t in targets]
    gaps = [(points, t) for points, t in gaps if points is not None]
    if not gaps:
        return None
    points, target = min(gaps, key=lambda pair: (pair[0], str(pair[1].get("target_id"))))
    return {"target_id": target.get("target_id"), "comparison": target.get("comparison"),
            "target": _finite(target.get("value")), "points": points, "band": gap_band(points)}


def unit_gaps(summary: dict, kpi_keys: tuple[str, ...]) -> dict[str, dict | None]:
    """Per KPI, the unit's gap to its own plan's targets (:func:`worst_gap`)."""
    targets = [t for t in summary.get("targets") or [] if isinstance(t, dict) and t.get("binding", True)]
    kpis = summary.get("kpis") or {}
    return {key: worst_gap(kpis.get(key), [t for t in targets if t.get("kpi") == key]) for key in kpi_keys}


def attention(units: list[dict], threshold: float = ATTENTION_POINTS) -> list[dict]:
    """The units with a KPI short of its target by ``threshold`` points or more, furthest first:
    ``unit_slug, unit, worst_points, items`` (``kpi, name, value, target_id, comparison, target,
    points, band``, furthest first). ``units``: the roll-up's units, with ``kpis`` and ``gaps``.

    >>> far = {"target_id": "T1", "comparison": ">=", "target": 0.99, "points": -30.0, "band": "far"}
    >>> near = {**far, "points": -1.0, "band": "near"}
    >>> rows = attention([
    ...     {"unit_slug": "a", "unit": "A", "kpis": {"on_time_rate": 0.98}, "gaps": {"on_time_rate": near}},
    ...     {"unit_slug": "b", "unit": "B", "kpis": {"on_time_rate": 0.69}, "gaps": {"on_time_rate": far}}])
    >>> [(r["unit_slug"], r["worst_points"], [i["kpi"] for i in r["items"]]) for r in rows]
    [('b', -30.0, ['on_time_rate'])]
    """
    chosen = []
    for unit in units:
        items = [{"kpi": key, "name": KPI_NAMES_VI.get(key, key), "value": unit["kpis"].get(key),
                  **{k: gap[k] for k in ("target_id", "comparison", "target", "points", "band")}}
                 for key, gap in (unit.get("gaps") or {}).items()
                 if gap is not None and round(-gap["points"], 1) >= threshold]
        if items:
            items.sort(key=lambda i: (i["points"], i["kpi"]))
            chosen.append({"unit_slug": unit["unit_slug"], "unit": unit["unit"], "worst_points": items[0]["points"],
                           "items": items})
    return sorted(chosen, key=lambda u: (u["worst_points"], u["unit"], u["unit_slug"]))


# ---------------------------------------------------------------------------------------------
# the change since the previous comparable period
# ---------------------------------------------------------------------------------------------


def uncovered_months(summary: dict) -> list[str] | None:
    """The months of a report's window in which its data received no dossier (``01–14/12``
    style labels, as the report names them); None when the report does not tell
    (no ``dossiers.by_month``).

    >>> uncovered_months({"dossiers": {"by_month": [{"label": "15–30/09", "received": 0},
    ...                                             {"label": "10/2022", "received": 4}]}})
    ['15–30/09']
    """
    months = (summary.get("dossiers") or {}).get("by_month")
    if not isinstance(months, list) or not months:
        return None
    return [str(m.get("label") or m.get("month")) for m in months
            if not isinstance(m, dict) or not _finite(m.get("received"))]


def unit_change(current: dict, previous: dict | None, reason: str = "") -> dict:
    """A unit's change since its previous comparable period: ``period, period_name,
    comparable, reason`` and, when comparable, ``kpis`` (per KPI ``previous, current, points``,
    the change in percentage points; null where either rate is unknown) and
    ``received_total`` (``previous, current``).

    ``previous`` is the unit's report of that period (None: none could be read, ``reason``
    says why); it is comparable only when its data covers its window (:func:`uncovered_months`).
    """
    period = parse_period(current["previous_period"]) if current.get("previous_period") else \
        parse_period(current["period"]).previous()
    result = {"period": period.id, "period_name": period.name_vi, "comparable": False, "reason": reason,
              "kpis": None, "received_total": None}
    if previous is None:
        result["reason"] = reason or f"chưa có báo cáo {vi.lower_first(period.name_vi)} của đơn vị"
        return result
    gaps = uncovered_months(previous)
    if gaps is None:
        result["reason"] = "báo cáo kỳ trước không cho biết số liệu có đủ cả kỳ hay không"
        return result
    if gaps:
        result["reason"] = (f"số liệu {vi.lower_first(period.name_vi)} không đủ cả kỳ (không có hồ sơ tiếp nhận "
                            f"trong {', '.join(gaps)})")
        return result
    before, now = previous.get("kpis") or {}, current.get("kpis") or {}
    result.update(comparable=True, reason="",
                  kpis={key: change_of(before.get(key), now.get(key)) for key in CHANGE_KPIS},
                  received_total={"previous": (previous["dossiers"]["total"] or {}).get("received_total"),
                                  "current": current["dossiers"]["total"].get("received_total")})
    return result


def change_of(before: float | None, now: float | None) -> dict:
    """``previous, current, points`` (the change in percentage points, 2 decimals; null where a
    rate is unknown).

    >>> change_of(0.9, 0.955), change_of(None, 0.5)["points"]
    ({'previous': 0.9, 'current': 0.955, 'points': 5.5}, None)
    """
    before, now = _finite(before), _finite(now)
    points = round((now - before) * 100, 2) + 0.0 if before is not None and now is not None else None
    return {"previous": before, "current": now, "points": points}


def change_text(points: float | None) -> str:
    """A change as the report writes it.

    >>> [change_text(p) for p in (5.5, -0.84, 0.01, None)]
    ['tăng 5,5 điểm %', 'giảm 0,8 điểm %', 'không đổi', '—']
    """
    if points is None:
        return vi.MISSING
    if abs(points) < UNCHANGED_POINTS:
        return "không đổi"
    return f"{'tăng' if points > 0 else 'giảm'} {vi.decimal(abs(points))} điểm %"


def total_change(units: list[dict], parts_now: dict[str, dict], parts_before: dict[str, dict]) -> dict:
    """The district's change over the units that have a comparable period, both periods over
    those same units: ``unit_count`` and per KPI ``previous, current, points`` from the summed
    parts. ``parts_now`` / ``parts_before``: slug → the unit's ``kpi_parts`` in each period."""
    chosen = [u["unit_slug"] for u in units if (u.get("change") or {}).get("comparable")]

    def rate(parts: dict[str, dict], key: str) -> float | None:
        numerators = [(parts[slug].get(key) or {}).get("numerator") for slug in chosen]
        denominators = [(parts[slug].get(key) or {}).get("denominator") for slug in chosen]
        if not chosen or any(v is None for v in numerators + denominators) or not sum(denominators):
            return None
        return sum(numerators) / sum(denominators)

    return {"unit_count": len(chosen),
            "kpis": {key: change_of(rate(parts_before, key), rate(parts_now, key)) for key in CHANGE_KPIS}}


# ---------------------------------------------------------------------------------------------
# late dossiers per unit and field
# ---------------------------------------------------------------------------------------------


def late_by_unit(summaries: list[dict]) -> dict:
    """The late dossiers ((10) resolved late + (13) pending past the due date) of each unit per
    field: ``fields`` (those with a late dossier, most first), ``units`` (most late first:
    ``unit_slug, unit, by_field, resolved_late, pending_overdue, total``) and ``total`` (the
    same summed). A count a unit cannot tell is null, and so is its sum.

    >>> late = late_by_unit([{"unit_slug": "a", "unit": "A", "dossiers": {"by_field": {
    ...     "Hộ tịch": {"resolved_late": 1, "pending_overdue": 2},
    ...     "Đất đai": {"resolved_late": 0, "pending_overdue": 0}}}}])
    >>> late["fields"], late["units"][0]["by_field"], late["total"]["total"]
    (['Hộ tịch'], {'Hộ tịch': 3}, 3)
    """
    rows = []
    for s in summaries:
        fields = s["dossiers"]["by_field"]
        by_field = {field: _add(c.get("resolved_late"), c.get("pending_overdue")) for field, c in fields.items()}
        resolved = _sum([c.get("resolved_late") for c in fields.values()])
        pending = _sum([c.get("pending_overdue") for c in fields.values()])
        rows.append({"unit_slug": s["unit_slug"], "unit": s.get("unit") or s["unit_slug"],
                     "by_field": {f: n for f, n in by_field.items() if n != 0},
                     "resolved_late": resolved, "pending_overdue": pending, "total": _add(resolved, pending)})
    totals: dict[str, int | None] = {}
    for row in rows:
        for field, count in row["by_field"].items():
            totals[field] = _add(totals.get(field, 0), count)
    fields = sorted(totals, key=lambda f: (-(totals[f] or 0), f))
    rows.sort(key=lambda r: (-(r["total"] or 0), r["unit"], r["unit_slug"]))
    total = {"by_field": {f: totals[f] for f in fields},
             **{key: _sum([r[key] for r in rows]) for key in ("resolved_late", "pending_overdue", "total")}}
    return {"fields": fields, "units": rows, "total": total}


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else int(a) + int(b)


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else int(sum(values))
