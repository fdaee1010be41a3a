"""The national service index of Quyết định 766/QĐ-TTg (2022), as far as a commune's dossiers tell it.

The national portal scores each authority on 100 points in six groups: công khai, minh bạch
(18); tiến độ, kết quả giải quyết (20); dịch vụ trực tuyến (12); thanh toán trực tuyến (10);
mức độ hài lòng (18); số hóa hồ sơ (22). An indicator of ratio R, target T and maximum P scores
P when R ≥ T, else R × P / T (the proportional rule).

The indicators are data, not code: ``reference/service_index_766.csv``, one row per
indicator (``group, group_name, group_max, indicator, name, measure, target, max, note``). How
a group's points are split over its indicators, and each indicator's target, is this project's
reading of the decision for what a commune's dossier export can tell (the ``note`` column says
so row by row); change the file to change it. The table is checked when read: the indicators of
a group add up to its ``group_max``, the groups to 100, and each ``measure`` is one the code
knows (or empty).

Measures (docs/figures.md, "The service index (QĐ 766/QĐ-TTg)"):

- ``progress_766``: ((8)+(9)+(12)) / (3) of Biểu II.06a, the KPI of :func:`~cchc_lib.figures.dossiers.compute_kpis`;
- ``early_share``: (8) / (7): dossiers resolved before their due date among those resolved;
- ``online_rate``, ``full_online_rate``, ``satisfaction_rate``, ``e_result_rate``: the KPIs;
- ``online_payment_rate``: dossiers received in the window paid online / those paid online or
  otherwise (the optional ``payment`` column; ``none``, no fee, and empty cells left out);
- empty: the dossiers cannot tell it (the portal's publication data, digitised dossiers).

An indicator the data cannot tell (no measure, a denominator of 0, channels unknown, an export
without the column) is ``computable: false`` with a note in Vietnamese and ``points: null``,
never 0; a group's points are those of its computable indicators, null when none is.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..base.errors import DataError
from ..base.paths import REFERENCE_DIR
from ..inputs import schema as S
from .dossiers import CHANNEL_UNKNOWN

RULES_FILE = REFERENCE_DIR / "service_index_766.csv"
COLUMNS = ("group", "group_name", "group_max", "indicator", "name", "measure", "target", "max", "note")
SOURCE = "Quyết định 766/QĐ-TTg"
RULE = "P khi R ≥ T, ngược lại R × P / T"
TOTAL_MAX = 100

NO_MEASURE_NOTE = "Không tính được từ số liệu hồ sơ: cần số liệu ngoài tệp xuất hồ sơ của xã"
# measure -> (its denominator, in words, for "none in the window"; why the data cannot tell it)
MEASURES: dict[str, tuple[str, str]] = {
    "progress_766": ("hồ sơ nào thuộc kỳ (3)", ""),
    "early_share": ("hồ sơ nào đã giải quyết (7)", ""),
    "online_rate": ("hồ sơ nào tiếp nhận trong kỳ ((4)+(5))",
                    "Không tính được: có hồ sơ tiếp nhận trong kỳ không rõ hình thức nộp"),
    "full_online_rate": ("hồ sơ nào tiếp nhận trực tuyến (4)",
                         "Không tính được: có hồ sơ không rõ hình thức nộp, hoặc tệp xuất không ghi mức độ "
                         "dịch vụ công trực tuyến"),
    "online_payment_rate": ("hồ sơ nào tiếp nhận trong kỳ có nộp phí, lệ phí",
                            "Không tính được: tệp xuất không có cột thanh toán (Thanh toán trực tuyến, "
                            "Hình thức thanh toán)"),
    "satisfaction_rate": ("hồ sơ giải quyết nào được đánh giá mức độ hài lòng", ""),
    "e_result_rate": ("hồ sơ nào giải quyết xong", "Không tính được: tệp xuất không ghi kết quả điện tử"),
}


@dataclass(frozen=True)
class Indicator:
    """One row of the indicator table; ``target`` in percent, ``row`` as numbered in the file."""

    group: str
    group_name: str
    group_max: float
    indicator: str
    name: str
    measure: str
    target: float
    max: float
    note: str
    row: int


def _number(path: Path, row: int, column: str, text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise DataError(f"{path}, row {row}: {column} {text!r} is not a number") from None
    if not value > 0:
        raise DataError(f"{path}, row {row}: {column} {text!r} must be more than 0")
    return value


def _indicator(path: Path, row: int, record: dict[str, str]) -> Indicator:
    cells = {column: (record.get(column) or "").strip() for column in COLUMNS}
    for column in ("group", "group_name", "indicator", "name"):
        if not cells[column]:
            raise DataError(f"{path}, row {row}: {column} is empty")
    if not cells["indicator"].startswith(cells["group"] + "."):
        raise DataError(f"{path}, row {row}: indicator {cells['indicator']!r} is not of group {cells['group']!r} "
                        f"(write it {cells['group']}.N)")
    if cells["measure"] and cells["measure"] not in MEASURES:
        raise DataError(f"{path}, row {row}: measure {cells['measure']!r} is not one the project computes "
                        f"({', '.join(MEASURES)}, or empty)")
    target = _number(path, row, "target", cells["target"])
    if target > 100:
        raise DataError(f"{path}, row {row}: target {cells['target']!r} is a percentage: at most 100")
    return Indicator(cells["group"], cells["group_name"], _number(path, row, "group_max", cells["group_max"]),
                     cells["indicator"], cells["name"], cells["measure"], target,
                     _number(path, row, "max", cells["max"]), cells["note"], row)


def _check_groups(path: Path, table: list[Indicator]) -> None:
    """Each group's rows agree on its name and maximum, its indicators add up to that maximum,
    and the groups to :data:`TOTAL_MAX`."""
    groups: dict[str, list[Indicator]] = {}
    for item in table:
        groups.setdefault(item.group, []).append(item)
    seen: set[str] = set()
    for item in table:
        if item.indicator in seen:
            raise DataError(f"{path}, row {item.row}: indicator {item.indicator} is listed twice")
        seen.add(item.indicator)
    for group, items in groups.items():
        first = items[0]
        for item in items[1:]:
            if (item.group_name, item.group_max) != (first.group_name, first.group_max):
                raise DataError(f"{path}, row {item.row}: group {group} has group_name / group_max "
                                f"{item.group_name!r} / {item.group_max:g} where row {first.row} has "
                                f"{first.group_name!r} / {first.group_max:g}")
        total = sum(item.max for item in items)
        if abs(total - first.group_max) > 1e-9:
            rows = ", ".join(str(item.row) for item in items)
            raise DataError(f"{path}, row {items[-1].row}: the indicators of group {group} (rows {rows}) add up to "
                            f"{total:g} points, not the group's {first.group_max:g}")
    overall = sum(items[0].group_max for items in groups.values())
    if abs(overall - TOTAL_MAX) > 1e-9:
        raise DataError(f"{path}, row {table[-1].row}: the groups add up to {overall:g} points, not {TOTAL_MAX}")


def load_table(path: Path = RULES_FILE) -> list[Indicator]:
    """The indicator table, checked; a broken one is a :class:`DataError` naming the file and row."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(f"{path}, row 1: the header lacks {', '.join(missing)} (columns: {', '.join(COLUMNS)})")
            table = []
            for record in reader:
                if not any((value or "").strip() for value in record.values() if isinstance(value, str)):
                    continue
                table.append(_indicator(path, reader.line_num, record))
    except OSError as exc:
        raise DataError(f"{path}: the service index table cannot be read ({exc.strerror or exc})") from None
    if not table:
        raise DataError(f"{path}: the service index table has no indicator row")
    _check_groups(path, table)
    return table


@dataclass(frozen=True)
class Measured:
    """A measure's numerator and denominator, or None for both where the data cannot tell it."""

    numerator: int | None
    denominator: int | None


def _from_kpi(key: str) -> Callable[[pd.DataFrame, dict, dict], Measured]:
    def measure(classified: pd.DataFrame, kpis: dict, counts: dict) -> Measured:
        part = kpis.get(key) or {}
        numerator, denominator = part.get("numerator"), part.get("denominator")
        if numerator is None or denominator is None:
            return Measured(None, None)
        return Measured(int(numerator), int(denominator))
    return measure


def _early_share(classified: pd.DataFrame, kpis: dict, counts: dict) -> Measured:
    early, resolved = counts.get("resolved_early"), counts.get("resolved_total")
    if early is None or resolved is None:
        return Measured(None, None)
    return Measured(int(early), int(resolved))


def _online_payment(classified: pd.DataFrame, kpis: dict, counts: dict) -> Measured:
    """Dossiers received in the window paid online / those paid online or otherwise; unknown
    when no dossier of the window carries a payment value (an export without the column)."""
    if S.PAYMENT not in classified.columns or (len(classified) and classified[S.PAYMENT].isna().all()):
        return Measured(None, None)
    flags = [c for c in ("received_online", "received_direct_postal", CHANNEL_UNKNOWN) if c in classified.columns]
    received = classified[flags].any(axis=1) if flags else pd.Series(True, index=classified.index)
    payment = classified.loc[received, S.PAYMENT].astype(object)
    online = int((payment == S.ONLINE).sum())
    return Measured(online, online + int((payment == S.DIRECT).sum()))


COMPUTE: dict[str, Callable[[pd.DataFrame, dict, dict], Measured]] = {
    **{key: _from_kpi(key) for key in ("progress_766", "online_rate", "full_online_rate", "satisfaction_rate",
                                       "e_result_rate")},
    "early_share": _early_share,
    "online_payment_rate": _online_payment,
}


def score(ratio: float, target: float, max_points: float) -> float:
    """The proportional rule: ``max_points`` when ``ratio`` ≥ ``target``, else ratio × max / target
    (ratio and target as fractions), rounded to 2 decimals.

    >>> score(0.97, 1.0, 16), score(0.6, 0.5, 4), score(0.25, 0.5, 4)
    (15.52, 4.0, 2.0)
    """
    return round(float(max_points) if ratio >= target else ratio * max_points / target, 2)


def _number_out(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _indicator_part(item: Indicator, classified: pd.DataFrame, kpis: dict, counts: dict) -> dict:
    target = item.target / 100
    part = {"indicator": item.indicator, "name": item.name, "measure": item.measure or None, "ratio": None,
            "numerator": None, "denominator": None, "target": target, "max": _number_out(item.max),
            "points": None, "computable": False, "note": NO_MEASURE_NOTE}
    if not item.measure:
        return part
    measured = COMPUTE[item.measure](classified, kpis, counts)
    denominator_words, unknown_note = MEASURES[item.measure]
    part.update(numerator=measured.numerator, denominator=measured.denominator)
    if measured.denominator is None or measured.numerator is None:
        part["note"] = unknown_note or NO_MEASURE_NOTE
    elif measured.denominator == 0:
        part["note"] = f"Không tính được: trong kỳ không có {denominator_words}"
    else:
        ratio = measured.numerator / measured.denominator
        part.update(ratio=ratio, points=score(ratio, target, item.max), computable=True, note=None)
    return part


def service_index(classified: pd.DataFrame, kpis: dict, counts: dict, table: list[Indicator] | None = None) -> dict:
    """The indicators of QĐ 766/QĐ-TTg the dossiers can tell, for the summary's ``service_index``.

    ``classified`` is the frame of :func:`~cchc_lib.figures.dossiers.classify_dossiers`, ``kpis`` the
    result of :func:`~cchc_lib.figures.dossiers.compute_kpis`, ``counts`` the total counts of Biểu
    II.06a; ``table`` defaults to the shipped :data:`RULES_FILE`."""
    table = load_table() if table is None else table
    groups: dict[str, list[Indicator]] = {}
    for item in table:
        groups.setdefault(item.group, []).append(item)
    parts = []
    for group, items in groups.items():
        indicators = [_indicator_part(item, classified, kpis, counts) for item in items]
        scored = [p["points"] for p in indicators if p["computable"]]
        parts.append({"group": group, "name": items[0].group_name, "max": _number_out(items[0].group_max),
                      "points": round(sum(scored), 2) if scored else None, "computable": bool(scored),
                      "indicators": indicators})
    computable = [p for g in parts for p in g["indicators"] if p["computable"]]
    return {
        "source": SOURCE,
        "rule": RULE,
        "max": TOTAL_MAX,
        "points": round(sum(p["points"] for p in computable), 2) if computable else None,
        "max_computable": _number_out(round(sum(p["max"] for p in computable), 2)),
        "groups": parts,
    }
