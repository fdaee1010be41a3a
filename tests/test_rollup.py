"""The roll-up of many units: sums of the units' JSON summaries, missing units named and never
counted, KPIs from the summed parts, the ranking against the plans' targets, and publishing."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata

import nbformat
import openpyxl
import pandas as pd
import pytest
from docx import Document
from pypdf import PdfReader

from cchc_lib.base import paths
from cchc_lib.base.errors import ParameterError, ReportError
from cchc_lib.figures import rollup, rollup_analysis
from cchc_lib.outputs import views
from cchc_lib.outputs.index_page import list_units
from cchc_lib.running.publish import write_units_index
from cchc_lib.running.rollup import publish_rollup

from .test_views import assert_no_live_markup, hostile, shown_escaped

COUNT_KEYS = ("received_total", "received_online", "received_direct_postal", "carried_over", "resolved_total",
              "resolved_early", "resolved_on_time", "resolved_late", "pending_total", "pending_in_term",
              "pending_overdue")
KPIS = rollup.KPI_KEYS
STATES = ("due", "done_on_time", "done_late", "overdue", "not_yet_due", "continuous", "no_fixed_date")


def _counts(*values: int | None) -> dict:
    return dict(zip(COUNT_KEYS, values, strict=True))


def _parts(**given: tuple[int | None, int | None]) -> dict:
    """KPI parts: every KPI 1/2 unless given."""
    return {key: dict(zip(("numerator", "denominator"), given.get(key, (1, 2)), strict=True)) for key in KPIS}


def _target(target_id: str, kpi: str, value: float, actual: float | None) -> dict:
    met = None if actual is None else actual >= value
    return {"target_id": target_id, "kpi": kpi, "comparison": ">=", "value": value, "actual": actual, "met": met,
            "actual_source": "hồ sơ TTHC", "where": "Mục II", "sentence": "…", "conflict": False}


def _unit(slug: str, name: str, by_field: dict[str, dict], parts: dict, targets: list[dict] | None = None,
          overdue: int = 0, period: str = "2023-Q1") -> dict:
    """A unit's summary as ``build_summary`` shapes it (the keys the roll-up reads)."""
    total = {key: (None if any(c[key] is None for c in by_field.values()) else sum(c[key] for c in by_field.values()))
             for key in COUNT_KEYS}
    kpis = {key: (p["numerator"] / p["denominator"] if p["denominator"] else None) for key, p in parts.items()}
    return {
        "schema_version": 3, "unit": name, "unit_slug": slug, "district": "Huyện Hoằng Hóa",
        "province": "Tỉnh Thanh Hóa", "period": period, "period_name": "Quý I năm 2023", "cutoff": "decree09",
        "start": "2022-12-15", "end": "2023-03-14", "generated_at": "2023-03-20T08:00:00+07:00",
        "dossiers": {"total": total, "by_field": by_field, "received_in_period": total["received_total"],
                     "source_files": ["dossiers.csv"]},
        "kpis": kpis, "kpi_parts": parts,
        "tasks": {"total": 5, "by_area": {"1": dict(zip(STATES, (3, 1, 1, 1, 0, 0, 0), strict=True)),
                                          "2": dict(zip(STATES, (overdue, 0, 0, overdue, 2, 1, 0), strict=True))},
                  "by_owner": {}},
        "targets": targets or [],
    }


@pytest.fixture
def units() -> list[dict]:
    """Three units: A and B know every channel; C does not know the channels of Hộ tịch."""
    return three_units()


def three_units() -> list[dict]:
    """The three units of the fixture ``units``."""
    a = _unit("xa-a", "Xã A", {"Chứng thực": _counts(10, 4, 5, 1, 9, 3, 5, 1, 1, 1, 0),
                                "Hộ tịch": _counts(6, 2, 4, 0, 6, 6, 0, 0, 0, 0, 0)},
              _parts(on_time_rate=(14, 15), online_rate=(6, 15), satisfaction_rate=(9, 10)),
              [_target("T1", "on_time_rate", 0.99, 14 / 15), _target("T4", "satisfaction_rate", 0.95, 0.9),
               _target("T6", "satisfaction_rate", 1.0, 0.9)], overdue=2)
    b = _unit("xa-b", "Xã B", {"Chứng thực": _counts(20, 10, 10, 0, 20, 20, 0, 0, 0, 0, 0)},
              _parts(on_time_rate=(20, 20), online_rate=(10, 20), satisfaction_rate=(19, 19)),
              [_target("T1", "on_time_rate", 0.99, 1.0), _target("T4", "satisfaction_rate", 0.95, 1.0),
               _target("T6", "satisfaction_rate", 1.0, 1.0)])
    c = _unit("xa-c", "Xã C", {"Hộ tịch": _counts(7, None, None, 1, 5, 2, 2, 1, 2, 1, 1),
                                "Đất đai": _counts(3, 1, 2, 0, 3, 3, 0, 0, 0, 0, 0)},
              _parts(on_time_rate=(4, 5), online_rate=(None, None), satisfaction_rate=(0, 0)),
              [_target("T1", "on_time_rate", 0.99, 0.8)], overdue=1)
    return [a, b, c]


def test_totals_are_the_sums_of_the_units_per_field_and_in_total(units):
    a, b, _ = units
    summary = rollup.build_rollup_summary([a, b], [], "2023-Q1", "decree09")
    for key in COUNT_KEYS:
        assert summary["dossiers"]["total"][key] == a["dossiers"]["total"][key] + b["dossiers"]["total"][key]
    assert summary["dossiers"]["by_field"] == {
        "Chứng thực": _counts(30, 14, 15, 1, 29, 23, 5, 1, 1, 1, 0),
        "Hộ tịch": _counts(6, 2, 4, 0, 6, 6, 0, 0, 0, 0, 0),
    }
    assert list(summary["dossiers"]["by_field"]) == ["Chứng thực", "Hộ tịch"]  # most received first
    assert summary["dossiers"]["total"] == _counts(36, 16, 19, 1, 35, 29, 5, 1, 1, 1, 0)
    assert summary["dossiers"]["received_in_period"] == 36
    assert (summary["kind"], summary["schema_version"], summary["unit_count"]) == ("rollup", 1, 2)
    assert {k: summary[k] for k in ("period", "period_name", "cutoff", "start", "end", "previous_period")} == {
        "period": "2023-Q1", "period_name": "Quý I năm 2023", "cutoff": "decree09", "start": "2022-12-15",
        "end": "2023-03-14", "previous_period": "2022-Q4"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", summary["generated_at"])
    assert json.loads(json.dumps(summary)) == summary  # plain JSON


def test_a_channel_split_one_unit_cannot_tell_makes_the_sum_unknown(units):
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    total = summary["dossiers"]["total"]
    assert total["received_online"] is None and total["received_direct_postal"] is None
    assert total["received_total"] == 16 + 20 + 10 and total["pending_overdue"] == 1
    by_field = summary["dossiers"]["by_field"]
    assert by_field["Hộ tịch"]["received_online"] is None  # C's Hộ tịch is unknown
    assert by_field["Chứng thực"]["received_online"] == 14  # C has no Chứng thực: known
    assert by_field["Đất đai"] == _counts(3, 1, 2, 0, 3, 3, 0, 0, 0, 0, 0)
    assert summary["kpis"]["online_rate"] is None
    assert summary["kpi_parts"]["online_rate"] == {"numerator": None, "denominator": None}


def test_kpis_come_from_the_summed_parts_not_from_the_units_rates(units):
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    # (14 + 20 + 4) / (15 + 20 + 5) = 38 / 40; the mean of the three rates would be 0.9111
    assert summary["kpi_parts"]["on_time_rate"] == {"numerator": 38, "denominator": 40}
    assert summary["kpis"]["on_time_rate"] == pytest.approx(0.95)
    # C rated no dossier (0 / 0): the sum still holds A's and B's
    assert summary["kpis"]["satisfaction_rate"] == pytest.approx(28 / 29)
    zero = rollup.build_rollup_summary([units[2]], [], "2023-Q1", "decree09")
    assert zero["kpi_parts"]["satisfaction_rate"] == {"numerator": 0, "denominator": 0}
    assert zero["kpis"]["satisfaction_rate"] is None


def test_each_unit_keeps_its_own_figures_tasks_and_targets_not_met(units):
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    a, b, c = summary["units"]
    assert [u["unit_slug"] for u in summary["units"]] == ["xa-a", "xa-b", "xa-c"]
    assert a["dossiers"] == units[0]["dossiers"]["total"] and a["kpis"] == units[0]["kpis"]
    assert (a["unit"], a["district"], a["province"]) == ("Xã A", "Huyện Hoằng Hóa", "Tỉnh Thanh Hóa")
    assert a["tasks"] == {"total": 5, "due": 5, "done_on_time": 1, "done_late": 1, "overdue": 3, "not_yet_due": 2,
                          "continuous": 1, "no_fixed_date": 0}
    assert a["below_target"] == ["T1", "T4", "T6"] and b["below_target"] == [] and c["below_target"] == ["T1"]
    no_plan = {**units[1], "tasks": None, "targets": []}
    assert rollup.build_rollup_summary([no_plan], [], "2023-Q1", "decree09")["units"][0]["tasks"] is None


def test_ranking_orders_units_best_first_and_marks_those_below_target(units):
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    on_time = summary["ranking"]["on_time_rate"]
    assert on_time["value"] == pytest.approx(0.95)
    assert on_time["targets"] == [{"target_id": "T1", "comparison": ">=", "value": 0.99}]
    assert [(u["unit_slug"], u["rank"], u["met"], u["below_target"]) for u in on_time["units"]] == [
        ("xa-b", 1, True, []), ("xa-a", 2, False, ["T1"]), ("xa-c", 3, False, ["T1"])]
    assert on_time["units"][1]["value"] == pytest.approx(14 / 15)
    assert (on_time["units"][1]["numerator"], on_time["units"][1]["denominator"]) == (14, 15)
    satisfaction = summary["ranking"]["satisfaction_rate"]
    assert [t["target_id"] for t in satisfaction["targets"]] == ["T4", "T6"]
    # C has no value (0 rated): last, without rank, without verdict
    assert [(u["unit_slug"], u["rank"], u["met"]) for u in satisfaction["units"]] == [
        ("xa-b", 1, True), ("xa-a", 2, False), ("xa-c", None, None)]
    online = summary["ranking"]["online_rate"]
    assert online["targets"] == []
    # no target for the online rate: ranked, never marked; C's channels unknown: last
    assert [(u["unit_slug"], u["rank"]) for u in online["units"]] == [("xa-b", 1), ("xa-a", 2), ("xa-c", None)]
    assert [t["target_id"] for t in summary["target_levels"]] == ["T1", "T4", "T6"]


def test_equal_values_share_a_rank():
    same = [_unit(slug, name, {"Hộ tịch": _counts(2, 1, 1, 0, 2, 2, 0, 0, 0, 0, 0)}, _parts(on_time_rate=parts))
            for slug, name, parts in (("xa-a", "Xã A", (1, 2)), ("xa-b", "Xã B", (2, 4)), ("xa-c", "Xã C", (3, 4)))]
    ranked = rollup.build_rollup_summary(same, [], "2023-Q1", "decree09")["ranking"]["on_time_rate"]["units"]
    assert [(u["unit_slug"], u["rank"]) for u in ranked] == [("xa-c", 1), ("xa-a", 2), ("xa-b", 2)]


def _write_json(folder, slug, summary):
    (folder / slug).mkdir(parents=True, exist_ok=True)
    (folder / slug / f"{summary['period']}.json").write_text(json.dumps(summary, ensure_ascii=False),
                                                               encoding="utf-8")


def test_a_missing_unit_is_named_with_its_reason_and_never_counted(units, tmp_path):
    a, b, c = units
    _write_json(tmp_path, "xa-a", a)
    _write_json(tmp_path, "xa-b", b)
    _write_json(tmp_path, "xa-cu", {**c, "period": "2022-Q4"})  # only an older report
    (tmp_path / "xa-hong").mkdir()
    (tmp_path / "xa-hong" / "2023-Q1.json").write_text('{"period": "2023-Q1", "dossiers": ', encoding="utf-8")
    _write_json(tmp_path, "xa-lich", {**c, "cutoff": "calendar"})
    _write_json(tmp_path, "xa-thieu", {"period": "2023-Q1", "cutoff": "decree09", "unit": "Xã Thiếu"})
    expected = ["xa-a", "xa-b", "xa-cu", "xa-hong", "xa-lich", "xa-thieu", "xa-khong-co"]
    summaries, missing = rollup.load_unit_summaries(tmp_path, "2023-Q1", expected, cutoff="decree09")
    assert [s["unit_slug"] for s in summaries] == ["xa-a", "xa-b"]
    reasons = {m["unit_slug"]: m["reason"] for m in missing}
    assert list(reasons) == ["xa-cu", "xa-hong", "xa-lich", "xa-thieu", "xa-khong-co"]
    assert "chưa có báo cáo kỳ này" in reasons["xa-cu"] and "xa-cu/2023-Q1.json" in reasons["xa-cu"]
    assert reasons["xa-hong"].startswith("không đọc được tệp xa-hong/2023-Q1.json")
    assert "chốt số liệu theo cách khác" in reasons["xa-lich"]
    assert "thiếu số liệu hồ sơ" in reasons["xa-thieu"]
    assert "xa-khong-co/2023-Q1.json" in reasons["xa-khong-co"]
    # without a cut-off to check, the calendar report is read; any other period never is
    assert [s["unit_slug"] for s in rollup.load_unit_summaries(tmp_path, "2023-Q1", ["xa-lich", "xa-cu"])[0]] == [
        "xa-lich"]

    summary = rollup.build_rollup_summary(summaries, missing, "2023-Q1", "decree09")
    assert summary["unit_count"] == 2
    assert summary["missing_units"] == missing
    assert summary["dossiers"]["total"] == rollup.build_rollup_summary([a, b], [], "2023-Q1", "decree09")[
        "dossiers"]["total"]
    assert {u["unit_slug"] for u in summary["units"]} == {"xa-a", "xa-b"}
    assert all(u["unit_slug"] in ("xa-a", "xa-b") for r in summary["ranking"].values() for u in r["units"])


def test_no_unit_at_all_gives_unknown_counts_not_zeros():
    summary = rollup.build_rollup_summary([], [{"unit_slug": "xa-a", "reason": "…"}], "2023-Y", "calendar")
    assert summary["dossiers"]["total"] == dict.fromkeys(COUNT_KEYS)
    assert summary["dossiers"]["by_field"] == {} and summary["dossiers"]["received_in_period"] is None
    assert set(summary["kpis"].values()) == {None}
    assert (summary["start"], summary["end"]) == ("2023-01-01", "2023-12-31")
    html = views.show_rollup_header(summary).data
    assert "Chưa có số liệu của 1 đơn vị." in html


def test_parameters_are_checked_with_clear_messages(units, tmp_path):
    with pytest.raises(ParameterError, match=r"^period: invalid period id '2023-Q5'"):
        rollup.check_rollup_parameters("2023-Q5", reports_dir=tmp_path)
    with pytest.raises(ParameterError, match=r"^cutoff: unknown cut-off 'monthly'"):
        rollup.check_rollup_parameters("2023-Q1", "monthly", tmp_path)
    with pytest.raises(ParameterError, match=r"^reports_dir: .* is not a folder"):
        rollup.check_rollup_parameters("2023-Q1", reports_dir=tmp_path / "nowhere")
    with pytest.raises(ParameterError, match=r"^units: '\.\./x' is not a unit folder name"):
        rollup.check_rollup_parameters("2023-Q1", reports_dir=tmp_path, units="xa-a, ../x")
    with pytest.raises(ParameterError, match=r"^units: no folder of .* holds a report of 2023-Q1"):
        rollup.check_rollup_parameters("2023-Q1", reports_dir=tmp_path)
    _write_json(tmp_path, "xa-b", units[1])
    _write_json(tmp_path, "xa-a", units[0])
    _write_json(tmp_path, "xa-cu", {**units[2], "period": "2022-Q4"})
    (tmp_path / "_tong-hop").mkdir()
    (tmp_path / ".staging-x").mkdir()
    (tmp_path / "ghi-chu").mkdir()  # holds no report: not a unit
    ctx = rollup.check_rollup_parameters(2023, reports_dir=str(tmp_path), units="xa-a")
    assert (ctx.period.id, ctx.units) == ("2023-Y", ["xa-a"])  # papermill hands "-p period 2023" as a number
    ctx = rollup.check_rollup_parameters("2023-q1", reports_dir=str(tmp_path))
    assert (ctx.period.id, ctx.units, ctx.reports_dir) == ("2023-Q1", ["xa-a", "xa-b", "xa-cu"], tmp_path.resolve())
    assert rollup.check_rollup_parameters("2023-Q1", reports_dir=tmp_path, units=" xa-b ,xa-a,xa-b").units == [
        "xa-b", "xa-a"]


# ---------------------------------------------------------------------------------------------
# what the reader sees
# ---------------------------------------------------------------------------------------------


def test_the_views_show_the_ranking_the_marks_and_the_missing_units(units):
    summary = rollup.build_rollup_summary(units, [{"unit_slug": "xa-d", "reason": "chưa có báo cáo kỳ này"}],
                                          "2023-Q1", "decree09")
    header = views.show_rollup_header(summary).data
    assert "<h1>Báo cáo tổng hợp kết quả cải cách hành chính<br>Quý I năm 2023</h1>" in header
    assert "Huyện Hoằng Hóa, Tỉnh Thanh Hóa" in header
    assert "Tổng hợp số liệu của <strong>3</strong> trong số 4 đơn vị: Xã A, Xã B, Xã C." in header
    assert '<div class="cchc-notice"><p><strong>Chưa có số liệu của 1 đơn vị.</strong>' in header
    assert "<li><strong>xa-d</strong>: chưa có báo cáo kỳ này</li>" in header
    tthc = views.show_tthc_table(summary).data  # the unit report's table, on the sums
    assert '<td class="num">46</td><td class="num unknown">không rõ</td>' in tthc
    ranking = views.show_rollup_ranking(summary).data
    assert "<h3>2.1. Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn</h3>" in ranking
    assert re.search(r"<td class=\"num\">1</td><td>Xã B</td><td class=\"num\"><strong>100%</strong></td>"
                     r"<td class=\"num\">20 / 20</td>\s*<td class=\"verdict-true\">Đạt</td>", ranking)
    assert '<td class="verdict-false">Chưa đạt (T4, T6)</td>' in ranking
    assert "≥ 99% (T1)" in ranking and '<td class="num verdict-false">2 / 3</td>' in ranking
    table = views.show_rollup_units(summary).data
    assert '<td colspan="7" class="unknown">Không tổng hợp: chưa có báo cáo kỳ này</td>' in table
    assert re.search(r'<td class="total">Toàn địa bàn \(3 đơn vị\)</td><td class="num">46</td><td class="num">43</td>'
                     r'<td class="num">95%</td><td class="num unknown">không rõ</td><td class="num">1</td>'
                     r'<td class="num">6</td>', table)
    assert '<td class="verdict-false">3: T1, T4, T6</td>' in table
    for html in (header, tthc, ranking, table):
        assert_no_live_markup(html)


def test_names_from_the_units_are_shown_as_text(units):
    a, b, _ = units
    a = {**a, "unit": hostile("unit name"), "district": hostile("district"),
         "targets": [{**a["targets"][0], "target_id": hostile("target id")}]}
    a["dossiers"] = {**a["dossiers"], "by_field": {hostile("field"): a["dossiers"]["by_field"]["Chứng thực"]}}
    missing = [{"unit_slug": hostile("missing slug"), "reason": hostile("reason")}]
    summary = rollup.build_rollup_summary([a, b], missing, "2023-Q1", "decree09")
    html = "".join(view(summary).data for view in (views.show_rollup_header, views.show_tthc_table,
                                                   views.show_rollup_ranking, views.show_rollup_units))
    assert_no_live_markup(html)
    for name in ("unit name", "target id", "field", "missing slug", "reason"):
        assert shown_escaped(name, html), name
    for view, names in ((views.show_rollup_attention, ("unit name", "target id")),
                        (views.show_rollup_changes, ("unit name",)), (views.show_rollup_late, ("unit name", "field"))):
        shown = view(summary).data
        assert_no_live_markup(shown)
        assert all(shown_escaped(name, shown) for name in names), view.__name__


def test_the_page_of_units_links_each_unit_and_the_rollup(units, tmp_path):
    _write_json(tmp_path, "xa-a", units[0])
    (tmp_path / "xa-a" / "index.html").write_text("x", encoding="utf-8")
    hostile_folder = 'xa "b" <i>'
    _write_json(tmp_path, hostile_folder, {**units[1], "unit": hostile("unit")})
    (tmp_path / hostile_folder / "index.html").write_text("x", encoding="utf-8")
    (tmp_path / "_tong-hop").mkdir()
    summary = rollup.build_rollup_summary([units[0]], [{"unit_slug": "xa-z", "reason": "…"}], "2023-Q1", "decree09")
    (tmp_path / "_tong-hop" / "2023-Q1.json").write_text(json.dumps(summary), encoding="utf-8")
    (tmp_path / "_tong-hop" / "2023-Q1.html").write_text("x", encoding="utf-8")
    (tmp_path / "_tong-hop" / "index.html").write_text("x", encoding="utf-8")
    page = write_units_index(tmp_path, [{"slug": "xa-z", "name": "Xã Z", "failed": True, "error": "boom\nmore"}]
                             ).read_text(encoding="utf-8")
    assert '<a href="_tong-hop/index.html">Danh sách báo cáo tổng hợp</a>' in page
    assert '<a href="_tong-hop/2023-Q1.html">HTML</a>' in page and "Thiếu 1: xa-z" in page
    assert '<a href="xa-a/index.html">Danh sách báo cáo</a>' in page
    assert 'href="xa%20%22b%22%20%3Ci%3E/index.html"' in page
    assert "<i>" not in page and shown_escaped("unit", page) and "<script" not in page
    assert "Lần chạy gần nhất bị lỗi: boom<" in page
    assert [u["slug"] for u in list_units(tmp_path, [{"slug": "xa-z"}])] == ["xa-z", hostile_folder, "xa-a"]
    assert list_units(tmp_path)[0]["periods"] == ["Quý I năm 2023"]


def test_the_notebook_is_thin_and_tagged():
    nb = nbformat.read(paths.ROLLUP_NOTEBOOK, as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[0] == ["remove"] and ["parameters"] in tags and tags[-1] == ["summary-json"]
    parameters = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    for line in ('period = "2023-Y"', 'cutoff = "decree09"', 'reports_dir = ""', 'units = ""'):
        assert line in parameters
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "check_rollup_parameters" in code and "def " not in code and "<" not in code


# ---------------------------------------------------------------------------------------------
# publishing, through the notebook
# ---------------------------------------------------------------------------------------------

ROLLUP_PERIOD = "2023-Q1"


@pytest.fixture(scope="module")
def units_out(tmp_path_factory):
    """Two units' JSON of 2023-Q1 made by the unit report: the sample, and half its dossiers
    under another name."""
    from cchc_lib.base.periods import parse_period
    from cchc_lib.running.report import build_reports

    base = tmp_path_factory.mktemp("rollup")
    other = base / "data-hoang-dong"
    shutil.copytree(paths.SAMPLE_DATA_DIR, other)
    dossiers = pd.read_csv(other / "dossiers.csv", dtype=str, keep_default_na=False)
    dossiers.iloc[::2].to_csv(other / "dossiers.csv", index=False)
    (other / "unit.yaml").write_text("name: Xã Hoằng Đông\nslug: hoang-dong\ndistrict: Huyện Hoằng Hóa\n"
                                     "province: Tỉnh Thanh Hóa\n", encoding="utf-8")
    out = base / "out"
    period = [parse_period(ROLLUP_PERIOD)]
    build_reports(period, out_dir=out / "hoang-giang", formats=("json",), jobs=1)
    build_reports(period, data_dir=other, out_dir=out / "hoang-dong", formats=("json",), jobs=1)
    return out


@pytest.mark.notebook
def test_publish_rollup_sums_the_units_and_a_failure_changes_nothing(units_out, tmp_path):
    expected = ["hoang-giang", "hoang-dong", "hoang-khong-co"]
    kinds = ("html", "pdf", "docx", "xlsx", "json")
    published = publish_rollup([ROLLUP_PERIOD], units_out, expected, "decree09", kinds)
    folder = units_out / paths.ROLLUP_DIR_NAME
    assert published == [folder / f"{ROLLUP_PERIOD}.{kind}" for kind in kinds]
    assert sorted(p.name for p in folder.iterdir()) == sorted(  # the folder's lock file stays, empty
        [f"{ROLLUP_PERIOD}.{kind}" for kind in kinds] + ["index.html", ".lock"])

    summary = json.loads((folder / f"{ROLLUP_PERIOD}.json").read_text(encoding="utf-8"))
    unit_json = [json.loads((units_out / slug / f"{ROLLUP_PERIOD}.json").read_text(encoding="utf-8"))
                 for slug in expected[:2]]
    assert summary["kind"] == "rollup" and summary["unit_count"] == 2
    for key in COUNT_KEYS:
        assert summary["dossiers"]["total"][key] == sum(u["dossiers"]["total"][key] for u in unit_json)
    assert summary["dossiers"]["total"]["received_total"] > unit_json[0]["dossiers"]["total"]["received_total"] > 0
    assert summary["missing_units"][0]["unit_slug"] == "hoang-khong-co"
    sheet = openpyxl.load_workbook(folder / f"{ROLLUP_PERIOD}.xlsx", data_only=True)["Theo đơn vị"]
    total_row = next(c.row for c in sheet["B"] if str(c.value).startswith("Toàn địa bàn"))
    assert sheet.cell(row=total_row, column=3).value == summary["dossiers"]["total"]["received_total"]
    word = "\n".join(p.text for p in Document(folder / f"{ROLLUP_PERIOD}.docx").paragraphs)
    assert f"tiếp nhận {summary['dossiers']['total']['received_total']:,} hồ sơ".replace(",", ".") in word
    # the units' files of the period, linked relative to the roll-up's folder (these units made only JSON)
    assert summary["units"][0]["links"] == {"json": "../hoang-giang/2023-Q1.json", "index": "../hoang-giang/index.html"}
    assert '<a href="../hoang-giang/index.html">Các kỳ</a>' in (folder / f"{ROLLUP_PERIOD}.html").read_text(
        encoding="utf-8")

    html = (folder / f"{ROLLUP_PERIOD}.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "Báo cáo tổng hợp kết quả cải cách hành chính" in html and "Quý I năm 2023" in html
    assert "Xã Hoằng Giang" in html and "Xã Hoằng Đông" in html and "hoang-khong-co" in html
    for code in ("check_rollup_parameters", "load_unit_summaries", "reports_dir"):
        assert code not in html
    text = unicodedata.normalize("NFC", "\n".join(
        page.extract_text() for page in PdfReader(folder / f"{ROLLUP_PERIOD}.pdf").pages))
    assert "Báo cáo tổng hợp kết quả cải cách hành chính" in text and "Chưa đạt" in text
    assert "Quý I năm 2023" in (folder / "index.html").read_text(encoding="utf-8")
    units_page = (units_out / "index.html").read_text(encoding="utf-8")
    assert 'href="_tong-hop/index.html"' in units_page and "Xã Hoằng Đông" in units_page

    before = {p: p.read_bytes() for p in [*folder.iterdir(), units_out / "index.html"] if p.is_file()}
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(ReportError, match=rf"^roll-up {ROLLUP_PERIOD}: notebook failed: .*no report was changed"):
        publish_rollup([ROLLUP_PERIOD], units_out, expected, "decree09", ("json",), notebook=broken)
    failing = tmp_path / "failing.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('period = ""\nreports_dir = ""\nunits = ""',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell('raise RuntimeError("boom in the roll-up")')]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, failing)
    with pytest.raises(ReportError) as excinfo:
        publish_rollup([ROLLUP_PERIOD], units_out, expected, "decree09", ("json",), notebook=failing)
    assert str(excinfo.value).startswith(
        f"roll-up {ROLLUP_PERIOD}: notebook cell In [3] failed: RuntimeError: boom in the roll-up;")
    after = {p: p.read_bytes() for p in [*folder.iterdir(), units_out / "index.html"] if p.is_file()}
    assert after == before
    assert (folder / "_failed" / f"{ROLLUP_PERIOD}.ipynb").is_file()
    assert not list(folder.glob(".staging-*"))


# ---------------------------------------------------------------------------------------------
# what the district reads first: gaps, bands, attention, change, late dossiers, links
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "comparison", "target", "points", "band", "text"), [
    (0.982, ">=", 0.99, -0.8, "near", "−0,8 điểm %"),
    (1.0, ">=", 0.99, 1.0, "met", "+1,0 điểm %"),
    (0.99, ">=", 0.99, 0.0, "met", "bằng chỉ tiêu"),
    (0.9504, ">=", 1.0, -4.96, "short", "−5,0 điểm %"),  # judged as shown: 5,0 points short
    (0.9506, ">=", 1.0, -4.94, "near", "−4,9 điểm %"),
    (0.801, ">=", 1.0, -19.9, "short", "−19,9 điểm %"),
    (0.16, ">=", 1.0, -84.0, "far", "−84,0 điểm %"),
    (0.88, ">=", 1.0, -12.0, "short", "−12,0 điểm %"),
    (0.07, "<=", 0.05, -2.0, "near", "−2,0 điểm %"),
])
def test_the_gap_to_a_target_its_band_and_its_words(value, comparison, target, points, band, text):
    gap = rollup_analysis.gap_points(value, comparison, target)
    assert gap == pytest.approx(points) and rollup_analysis.gap_band(gap) == band
    assert rollup_analysis.gap_text(gap) == text
    assert rollup_analysis.BAND_LABELS_VI == {"met": "Đạt", "near": "Gần đạt", "short": "Còn thấp", "far": "Cách xa"}


def test_each_unit_gets_its_gap_to_the_target_it_is_furthest_from(units):
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    a, b, c = summary["units"]
    assert a["gaps"]["on_time_rate"] == {"target_id": "T1", "comparison": ">=", "target": 0.99, "points": -5.67,
                                         "band": "short"}
    # A's satisfaction 90% against T4 (95%) and T6 (100%): measured against T6
    assert a["gaps"]["satisfaction_rate"] == {"target_id": "T6", "comparison": ">=", "target": 1.0, "points": -10.0,
                                              "band": "short"}
    assert a["gaps"]["online_rate"] is None  # no target
    assert (b["gaps"]["on_time_rate"]["points"], b["gaps"]["on_time_rate"]["band"]) == (1.0, "met")
    assert (b["gaps"]["satisfaction_rate"]["target_id"], b["gaps"]["satisfaction_rate"]["points"]) == ("T6", 0.0)
    assert c["gaps"]["on_time_rate"]["points"] == -19.0 and c["gaps"]["satisfaction_rate"] is None
    ranked = {e["unit_slug"]: e["gap"] for e in summary["ranking"]["on_time_rate"]["units"]}
    assert ranked["xa-c"] == c["gaps"]["on_time_rate"]
    # the roll-up's own rate, 38/40 = 95%, against T1
    assert summary["ranking"]["on_time_rate"]["total_gaps"] == [
        {"target_id": "T1", "comparison": ">=", "value": 0.99, "points": -4.0, "band": "near"}]
    assert [b["band"] for b in summary["gap_bands"]] == ["met", "near", "short", "far"]
    assert [b["least_shortfall_points"] for b in summary["gap_bands"]] == [None, 0.0, 5.0, 20.0]


def test_the_attention_box_names_the_units_furthest_from_a_target(units):
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    chosen = summary["attention"]
    assert chosen["threshold_points"] == 5.0
    assert [(u["unit_slug"], u["worst_points"]) for u in chosen["units"]] == [("xa-c", -19.0), ("xa-a", -10.0)]
    assert [(i["kpi"], i["points"], i["target_id"]) for i in chosen["units"][1]["items"]] == [
        ("satisfaction_rate", -10.0, "T6"), ("on_time_rate", -5.67, "T1")]
    html = views.show_rollup_attention(summary).data
    assert "<h2>Đơn vị cần chú ý</h2>" in html
    assert html.index("Xã C") < html.index("Xã A") and "Xã B" not in html
    assert ('tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn 80%, <span class="cchc-band band-short">−19,0 điểm % so với '
            'chỉ tiêu ≥ 99% (T1), còn thấp</span>') in html
    assert "tỷ lệ hài lòng 90%, <span class=\"cchc-band band-short\">−10,0 điểm % so với chỉ tiêu ≥ 100% (T6)" in html
    only_b = rollup.build_rollup_summary([units[1]], [], "2023-Q1", "decree09")
    assert only_b["attention"]["units"] == []
    assert ("Không có đơn vị nào thiếu từ 5 điểm % trở lên so với chỉ tiêu của kế hoạch."
            in views.show_rollup_attention(only_b).data)


def _months(*received: int) -> list[dict]:
    labels = ["15–30/09", "10/2022", "11/2022", "01–14/12"]
    return [{"month": f"m{i}", "label": label, "partial": False, "received": n, "online": 0}
            for i, (label, n) in enumerate(zip(labels, received, strict=True))]


def test_the_change_since_the_previous_period_only_where_its_data_covers_it(units, tmp_path):
    a, b, c = units
    before_a = {**a, "period": "2022-Q4", "kpis": {**a["kpis"], "on_time_rate": 0.9, "satisfaction_rate": 0.95},
                "kpi_parts": {**a["kpi_parts"], "on_time_rate": {"numerator": 9, "denominator": 10}},
                "dossiers": {**a["dossiers"], "by_month": _months(3, 4, 5, 2),
                             "total": {**a["dossiers"]["total"], "received_total": 12}}}
    before_b = {**b, "period": "2022-Q4", "dossiers": {**b["dossiers"], "by_month": _months(0, 0, 3, 2)}}
    _write_json(tmp_path, "xa-a", before_a)
    _write_json(tmp_path, "xa-b", before_b)
    previous = rollup.load_previous_summaries(tmp_path, "2023-Q1", units, cutoff="decree09")
    assert previous["xa-c"] == {"summary": None, "reason": ""} and previous["xa-a"]["summary"]["period"] == "2022-Q4"
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09", previous=previous)
    change_a, change_b, change_c = (u["change"] for u in summary["units"])
    assert (change_a["period"], change_a["comparable"], change_a["reason"]) == ("2022-Q4", True, "")
    assert change_a["kpis"]["on_time_rate"] == {"previous": 0.9, "current": pytest.approx(14 / 15), "points": 3.33}
    assert change_a["kpis"]["satisfaction_rate"]["points"] == -5.0
    assert change_a["kpis"]["online_rate"]["points"] == 0.0
    assert change_a["received_total"] == {"previous": 12, "current": 16}
    assert change_b["comparable"] is False and change_b["kpis"] is None
    assert change_b["reason"] == ("số liệu quý IV năm 2022 không đủ cả kỳ (không có hồ sơ tiếp nhận trong "
                                  "15–30/09, 10/2022)")
    assert (change_c["comparable"], change_c["reason"]) == (False, "chưa có báo cáo quý IV năm 2022 của đơn vị")
    # the district's change over the units that have a comparable period (A alone), from its parts
    assert summary["change"]["unit_count"] == 1 and summary["change"]["period_name"] == "Quý IV năm 2022"
    assert summary["change"]["kpis"]["on_time_rate"] == {"previous": 0.9, "current": pytest.approx(14 / 15),
                                                          "points": 3.33}
    html = views.show_rollup_changes(summary).data
    assert "<h2>4. So với kỳ trước (Quý IV năm 2022)</h2>" in html
    assert '<span class="cchc-change">tăng 3,3 điểm %</span>' in html
    assert ('<td class="num cchc-change-down"><span class="cchc-pct">90%</span><br><span class="cchc-change">giảm 5,0 '
            'điểm %</span>') in html
    assert '<span class="cchc-change">không đổi</span>' in html
    assert "Không có kỳ so sánh: chưa có báo cáo quý IV năm 2022 của đơn vị" in html
    assert "Toàn địa bàn (1 đơn vị có kỳ so sánh)" in html
    # a previous report of another cut-off is not compared
    _write_json(tmp_path, "xa-a", {**before_a, "cutoff": "calendar"})
    reason = rollup.load_previous_summaries(tmp_path, "2023-Q1", units, cutoff="decree09")["xa-a"]["reason"]
    assert reason.startswith("báo cáo chốt số liệu theo cách khác")
    none = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    assert none["change"]["unit_count"] == 0 and "Toàn địa bàn (" not in views.show_rollup_changes(none).data


def test_the_late_dossiers_per_unit_and_field(units):
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    late = summary["late_by_unit"]
    assert late["fields"] == ["Hộ tịch", "Chứng thực"]
    assert [(u["unit_slug"], u["by_field"], u["resolved_late"], u["pending_overdue"], u["total"])
            for u in late["units"]] == [("xa-c", {"Hộ tịch": 2}, 1, 1, 2), ("xa-a", {"Chứng thực": 1}, 1, 0, 1),
                                        ("xa-b", {}, 0, 0, 0)]
    assert late["total"] == {"by_field": {"Hộ tịch": 2, "Chứng thực": 1}, "resolved_late": 2, "pending_overdue": 1,
                             "total": 3}
    html = views.show_rollup_late(summary).data
    assert "<th>Hộ tịch</th><th>Chứng thực</th><th>Tổng số</th>" in html
    assert re.search(r'<td class="num">1</td><td>Xã C</td><td class="num">2</td><td class="num cchc-zero">–</td>'
                     r'<td class="num">2</td><td class="num">1</td><td class="num">1</td>', html)
    assert re.search(r'Toàn địa bàn \(3 đơn vị\)</td><td class="num">2</td><td class="num">1</td>'
                     r'<td class="num">3</td><td class="num">2</td><td class="num">1</td>', html)
    many = views.show_rollup_late(summary, columns=1).data  # the other fields in one column
    assert "<th>Hộ tịch</th><th>Lĩnh vực khác</th>" in many


def test_links_to_each_units_report_are_relative_and_shown_on_screen_only(units, tmp_path):
    from weasyprint import HTML as PdfHtml

    for slug in ("xa-a", 'xa "b" <i>'):
        (tmp_path / slug).mkdir()
        for name in ("2023-Q1.html", "2023-Q1.pdf", "index.html", "2022-Q4.html"):
            (tmp_path / slug / name).write_text("x", encoding="utf-8")
    links = rollup.unit_report_links(tmp_path, "2023-Q1", ["xa-a", 'xa "b" <i>', "xa-c"])
    assert links == {"xa-a": {"html": "../xa-a/2023-Q1.html", "pdf": "../xa-a/2023-Q1.pdf",
                              "index": "../xa-a/index.html"},
                     'xa "b" <i>': {"html": "../xa%20%22b%22%20%3Ci%3E/2023-Q1.html",
                                    "pdf": "../xa%20%22b%22%20%3Ci%3E/2023-Q1.pdf",
                                    "index": "../xa%20%22b%22%20%3Ci%3E/index.html"},
                     "xa-c": {}}
    b = {**units[1], "unit_slug": 'xa "b" <i>'}
    summary = rollup.build_rollup_summary([units[0], b, units[2]], [], "2023-Q1", "decree09", links=links)
    assert summary["units"][0]["links"] == links["xa-a"]
    table = views.show_rollup_units(summary).data
    assert ('<a class="cchc-on-screen" href="../xa-a/2023-Q1.html">Xã A</a><span class="cchc-in-print">Xã A</span>'
            '<br><span class="cchc-on-screen cchc-files"><a href="../xa-a/2023-Q1.pdf">PDF</a> · '
            '<a href="../xa-a/index.html">Các kỳ</a></span>') in table
    assert 'href="../xa%20%22b%22%20%3Ci%3E/2023-Q1.html"' in table and "<i>" not in table
    assert "<td>Xã C</td>" in table  # no report file: no link
    hrefs = re.findall(r'href="([^"]*)"', table)
    assert hrefs and all(h.startswith("../") and not h.startswith("../.") for h in hrefs)
    # the PDF prints the names, without links (a PDF cannot follow a link relative to its folder)
    page = views.show_rollup_header(summary).data + table
    pdf = tmp_path / "t.pdf"
    PdfHtml(string=f"<html><body>{page}</body></html>", base_url=str(tmp_path)).write_pdf(pdf)
    reader = PdfReader(pdf)
    assert all(not page.get("/Annots") for page in reader.pages)
    assert "Xã A" in reader.pages[0].extract_text()


def test_the_page_of_units_gives_each_units_main_figures(units, tmp_path):
    for unit in units:
        _write_json(tmp_path, unit["unit_slug"], unit)
    (tmp_path / "_tong-hop").mkdir()
    summary = rollup.build_rollup_summary(units, [], "2023-Q1", "decree09")
    (tmp_path / "_tong-hop" / "2023-Q1.json").write_text(json.dumps(summary), encoding="utf-8")
    (tmp_path / "_tong-hop" / "2023-Q1.html").write_text("x", encoding="utf-8")
    page = write_units_index(tmp_path).read_text(encoding="utf-8")
    assert 'Số liệu chính: Quý I năm 2023 (15/12/2022 – 14/03/2023), theo <a href="_tong-hop/2023-Q1.html">' in page
    rows = {slug: re.search(rf"{slug}.*?</tr>", page, re.S).group(0) for slug in ("xa-a", "xa-b", "xa-c")}
    assert re.search(r'<td class="num">16</td><td class="num">93,3%</td><td class="num">40%</td>'
                     r'<td class="num">0</td>\s*<td>3 <span class="band band-short">Còn thấp</span></td>', rows["xa-a"])
    assert re.search(r'<td class="num">20</td><td class="num">100%</td><td class="num">50%</td>'
                     r'<td class="num">0</td>\s*<td>Không</td>', rows["xa-b"])
    assert re.search(r'<td class="num">10</td><td class="num">80%</td><td class="num">—</td>'
                     r'<td class="num">1</td>\s*<td>1 <span class="band band-short">Còn thấp</span></td>', rows["xa-c"])


def test_the_gap_and_the_targets_missed_follow_the_target_the_unit_is_judged_by():
    from cchc_lib.figures.rollup_analysis import unit_gaps

    summary = {"kpis": {"satisfaction_rate": 0.947}, "targets": [
        {"target_id": "T4", "kpi": "satisfaction_rate", "comparison": ">=", "value": 0.95, "met": False,
         "binding": True},
        {"target_id": "T6", "kpi": "satisfaction_rate", "comparison": ">=", "value": 1.0, "met": False,
         "binding": False}]}
    gap = unit_gaps(summary, ("satisfaction_rate",))["satisfaction_rate"]
    assert (gap["target_id"], gap["points"], gap["band"]) == ("T4", -0.3, "near")
    from cchc_lib.figures.rollup import _unit_targets

    assert [t["target_id"] for t in _unit_targets(summary)] == ["T4"]
