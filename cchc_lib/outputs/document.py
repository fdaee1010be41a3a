"""The period report as the document a commune sends: content built from the summary.

:func:`build_document` turns a period's summary (the dict of ``<PERIOD>.json``), the unit's
``unit.yaml`` and the office's own words for the period into one plain, JSON-ready dict, the
*document context*. The HTML page (templates ``templates/document/``), the PDF made from it and
the Word file (:mod:`cchc_lib.outputs.docx_report`) are all written from this one context, so the three
say the same thing. The outline, the sentences and their rules are in docs/report.md, "The official
report"; the sentences' wording is in ``templates/document/phrases.j2``. Every value is plain text:
the templates escape it.

Keys: ``draft`` (true while the office has written nothing for section V), ``header`` (``authority``,
``unit``, ``number``, ``nation``, ``motto``, ``place_date``),
``title``, ``subtitle``, ``window_line``, ``intro``; ``sections`` (I to V: ``id``, ``heading``,
``paragraphs``, ``bullets``, ``subsections`` of ``heading, paragraphs, bullets, narrative``,
``narrative``, ``to_fill``); ``closing``, ``recipients``, ``signature`` (``on_behalf``,
``title``, ``name``: empty when unit.yaml names no signer); ``appendices`` (``heading``, ``note``,
``image``, ``new_page``, ``table``: ``header``
rows of ``text, colspan, rowspan`` cells, ``rows``, ``total_rows``, ``align``, ``widths``).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from jinja2 import StrictUndefined

from ..base import vi
from ..figures import coverage
from ..figures.dossiers import KPI_NAMES_VI, MAIN_KPIS, UNKNOWN_FIELD
from ..inputs import schema as S
from ..inputs.narrative import DIRECTION_WORDS, check_narrative_places
from ..inputs.narrative import names_words as _has
from ..inputs.plan import INDICATOR_NAMES_VI, STATE_NAMES
from ..inputs.unit import DocumentInfo
from . import tthc_form
from .templating import TEXT_LIMIT, clip, environment

SECTION_TITLES = {
    "I": "Công tác chỉ đạo, điều hành",
    "II": "Kết quả thực hiện các nhiệm vụ cải cách hành chính",
    "III": "Đánh giá chung",
    "IV": "Phương hướng, nhiệm vụ kỳ tới",
    "V": "Đề xuất, kiến nghị",
}
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# what identifies the plan's areas that the TTHC and the e-government parts speak of (section I's:
# cchc_lib.inputs.narrative.DIRECTION_WORDS): words of the area's name as the plan writes it
TTHC_WORDS = ("thủ tục hành chính",)
EGOV_WORDS = ("chính quyền điện tử", "chính quyền số")
UNIT_KINDS = ("thị trấn", "phường", "xã", "huyện", "quận", "thị xã", "thành phố", "tỉnh")
EGOV_KPIS = ("online_rate", "full_online_rate", "e_result_rate")


# numbers and dates as Vietnamese write them (cchc_lib.base.vi), under the names the sentences use
percent, number, date, _points = vi.percent, vi.number, vi.date, vi.points


NO_DATA, NO_DATA_MARK = vi.NO_DATA, vi.MISSING  # a figure the data cannot tell: in words, in a narrow cell
APOLOGY_VI = {True: "Có", False: "Chưa", None: NO_DATA_MARK}
PHRASES = "document/phrases.j2"  # the sentences, as Jinja macros (an office changes the wording there)


@functools.cache
def _phrases() -> object:
    env = environment(sandboxed=True, undefined=StrictUndefined, autoescape=False)  # an office may reword them
    return env.get_template(PHRASES).module


def say(phrase: str, **values: object) -> str:
    """One sentence of the document: the macro ``phrase`` of :data:`PHRASES` given ``values``, as
    one line of plain text (the document's templates escape it).

    >>> say("dossiers_resolved", resolved=5, in_time=5, rate=1.0, late=0, pending=3, pending_overdue=0)[62:]
    '(100%), không có hồ sơ quá hạn; đang giải quyết 3 hồ sơ, tất cả đều trong hạn.'
    """
    return " ".join(str(getattr(_phrases(), phrase)(**values)).split())


def clipped(value: object, limit: int = TEXT_LIMIT) -> object:
    """``value`` with every text longer than ``limit`` cut between words (with an ellipsis), at any depth.

    >>> clipped({"a": ["xin lỗi người dân", 3]}, limit=12)
    {'a': ['xin lỗi…', 3]}
    """
    if isinstance(value, str):
        return clip(value, limit, words=True)
    if isinstance(value, dict):
        return {k: clipped(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [clipped(v, limit) for v in value]
    return value


# --------------------------------------------------------------------------- the document
def build_document(summary: dict, info: DocumentInfo | None = None, narrative: dict | None = None) -> dict:
    """The document context of one period report (see the module's docstring)."""
    info = info or DocumentInfo()
    narrative = narrative or {}
    summary = clipped(summary)  # a text of the data is cut where it is long; the office's own words are not
    who = Who(summary, info)
    plan = summary.get("plan") or {}
    areas = [(int(a), name) for a, name in (plan.get("areas") or {}).items()] if plan.get("available") else []
    direction = [a for a in areas if _has(a[1], DIRECTION_WORDS)]
    tasks = [a for a in areas if a not in direction]
    check_narrative_places(narrative, len(tasks) or 1)
    sections = [
        _section("I", direction_part(summary, direction), narrative),
        _section("II", {"subsections": [_area_part(summary, n, name, i, narrative, who)
                                        for i, (n, name) in enumerate(tasks, start=1)]
                        or [{"heading": "1. Cải cách thủ tục hành chính", "paragraphs": dossier_sentences(summary, who),
                             "bullets": kpi_sentences(summary, MAIN_KPIS), "narrative": narrative.get("II.1", [])}]},
                 narrative),
        _section("III", assessment(summary), narrative),
        _section("IV", next_period(summary), narrative),
        _section("V", {}, narrative),
    ]
    sections[-1]["to_fill"] = not sections[-1]["narrative"]
    attached = say("attached", number=(info.report_number or "…/BC-UBND"), year=summary["end"][:4], body=who.body)
    return {
        "draft": sections[-1]["to_fill"],  # the office has not yet written its proposals: a draft
        "header": who.header(summary),
        "title": "BÁO CÁO",
        "subtitle": f"Kết quả thực hiện công tác cải cách hành chính {vi.lower_first(summary['period_name'])}",
        "window_line": tthc_form.window_line(summary),
        "intro": [_intro(summary, who), *narrative.get("intro", [])],
        "sections": sections,
        "closing": say("closing", period=vi.lower_first(summary["period_name"]), body=who.body),
        "recipients": list(info.recipients) or who.default_recipients(summary),
        "signature": {"on_behalf": (info.signer_on_behalf or f"TM. {who.authority}").upper(),
                      "title": (info.signer_title or "Chủ tịch").upper(), "name": info.signer},
        "appendices": [{**a, "attached": attached} for a in appendices(summary)],
    }


def short_task(text: str | None, limit: int = 140) -> str:
    """A task of the plan named by its first clause (up to ``limit`` characters).

    >>> short_task("Tiếp tục triển khai, xây dựng văn bản QPPL. Thường xuyên rà soát.")
    'Tiếp tục triển khai, xây dựng văn bản QPPL'
    """
    text = " ".join(str(text or "").split())
    first = re.split(r"(?<=[^\d])[.;](?:\s|$)", text, maxsplit=1)[0].strip(" .;-")
    return vi.clip(first, limit)


class Who:
    """How the document names its author: "UBND xã", "Ủy ban nhân dân xã Hoằng Giang"."""

    def __init__(self, summary: dict, info: DocumentInfo):
        self.authority = info.authority or "Ủy ban nhân dân"
        unit = summary["unit"]
        folded = unit.casefold()
        self.kind = next((k for k in UNIT_KINDS if folded.startswith(k + " ")), "")
        self.place = info.place or (unit[len(self.kind):].strip() if self.kind else unit)
        short = "UBND" if self.authority.casefold() == "ủy ban nhân dân" else self.authority
        self.actor = f"{short} {self.kind}".strip()  # "UBND xã"
        named = f"{self.kind} {unit[len(self.kind):].strip()}" if self.kind else unit
        self.body = f"{short} {named}"  # "UBND xã Hoằng Giang": the unit's own name; place is the date line's
        self.info = info

    def header(self, summary: dict) -> dict:
        year = summary["end"][:4]
        number = self.info.report_number or "      /BC-UBND"
        return {"authority": self.authority.upper(), "unit": summary["unit"].upper(), "number": f"Số: {number}",
                "nation": NATION, "motto": MOTTO,
                "place_date": f"{self.place}, ngày      tháng      năm {year}"}

    def default_recipients(self, summary: dict) -> list[str]:
        district = summary.get("district") or ""
        short = district
        for kind in ("Huyện", "Quận", "Thị xã", "Thành phố"):
            if district.startswith(kind + " "):
                short = kind.lower() + district[len(kind):]
        above = f"UBND {short}" if short else "UBND cấp trên"
        return [f"{above};", f"Phòng Nội vụ {short};".replace(" ;", ";"), "Lưu: VT, VP."]


def _intro(summary: dict, who: Who) -> str:
    plan = summary.get("plan") or {}
    available = plan.get("available")
    return say("intro", plan_title=plan.get("title") if available else "",
               plan_document=vi.lower_first(plan["document"]) if available and plan.get("document") else "",
               body=who.body, period=vi.lower_first(summary["period_name"]))


def _section(section_id: str, part: dict, narrative: dict) -> dict:
    return {
        "id": section_id,
        "heading": f"{section_id}. {SECTION_TITLES[section_id].upper()}",
        "paragraphs": part.get("paragraphs", []),
        "bullets": part.get("bullets", []),
        "subsections": part.get("subsections", []),
        "narrative": narrative.get(section_id, []),
        "to_fill": False,
    }


# --------------------------------------------------------------------------- plan areas
JUDGED_STATES = ("done_on_time", "done_late", "overdue")
MILESTONES_NAMED = 3  # a task's milestones of the window named one by one; more are counted
FALL_NOTED = 0.01  # a main KPI's fall since the previous period worth noting: one percentage point


def _area_milestones(summary: dict, area: int) -> list[dict]:
    """The area's milestones of the window and those overdue from before it, once each."""
    plan = summary["plan"]
    seen, found = set(), []
    for m in [*plan["milestones"], *({"state": "overdue", **m} for m in plan.get("overdue", []))]:
        key = (m["task_id"], m.get("milestone"), m.get("due"))
        if m["area"] == area and key not in seen:
            seen.add(key)
            found.append(m)
    return found


def task_lines(milestones: list[dict], end: str | None = None) -> tuple[dict, list[str]]:
    """One line per task of the window, whatever its number of milestones (a plan's report of the
    quarter and of the 6 months fall due together), with one state: overdue when any of them is;
    else due on the window's last day (``end``) when one of those is not yet done: neither done nor
    late, and said so; else done (late when any was done late). Returns the counts of those lines
    (``due``, ``done``, ``late``, ``overdue``, ``at_end``) and the lines."""
    by_task: dict[str, list[dict]] = {}
    for m in milestones:
        if m["state"] in JUDGED_STATES or (m["state"] == "not_yet_due" and end and m.get("due") == end):
            by_task.setdefault(m["task_id"], []).append(m)
    counts = {"due": len(by_task), "done": 0, "late": 0, "overdue": 0, "at_end": 0}
    return counts, [_task_line(group, counts) for group in by_task.values()]


def _task_line(group: list[dict], counts: dict) -> str:
    task = short_task(group[0].get("task")) or group[0]["label"]
    overdue = [m for m in group if m["state"] == "overdue"]
    waiting = [m for m in group if m["state"] == "not_yet_due"]
    done = [m for m in group if m["state"] in ("done_on_time", "done_late")]
    if overdue:
        counts["overdue"] += 1
        return say("task_overdue", task=task, names=_names(overdue), due=min(m["due"] for m in overdue),
                   days=max(int(m.get("days_overdue") or 0) for m in overdue), owner=overdue[0].get("owner"),
                   done_names=_names(done, with_due=False), waiting_names=_names(waiting, with_due=False),
                   waiting_due=waiting[0]["due"] if waiting else None)
    if waiting:
        counts["at_end"] += 1
        return say("task_at_end", task=task, names=_names(waiting, with_due=False), due=waiting[0]["due"],
                   done_names=_names(done, with_due=False))
    late = [m for m in done if m["state"] == "done_late"]
    counts["done"] += 1
    counts["late"] += bool(late)
    proofs = list(dict.fromkeys(m["evidence"] for m in done if m.get("evidence")))
    days = {m.get("done_at") for m in done}
    many = len(proofs) > MILESTONES_NAMED  # the latest document, and how many came before it
    return say("task_done", task=task, names=_names(done, with_due=len(done) == 1),
               done_at=days.pop() if len(days) == 1 else None, late_dues=[m["due"] for m in late],
               proofs=proofs[-1:] if many else proofs, earlier=len(proofs) - 1 if many else 0,
               unproven=len(done) - len(proofs) if proofs and len(proofs) < len(done) else 0)


def _names(milestones: list[dict], with_due: bool = True) -> str:
    """The milestones of one task named together: "quý III và 9 tháng năm 2023, hạn 14/09/2023"
    when they share their due date, else each with its own."""
    dues = {m.get("due") for m in milestones}
    if len(milestones) > MILESTONES_NAMED:  # a year's quarterly reports: counted, not listed
        last = max(d for d in dues if d)
        return f"{vi.count(len(milestones))} lần trong kỳ" + (f", lần cuối hạn {date(last)}" if with_due else "")
    if len(milestones) > 1 and len(dues) == 1:
        named = [_milestone_name(m, with_due=False) for m in milestones]
        if all(not n.startswith("hạn ") for n in named):
            due = dues.pop()
            return " và ".join(named) + (f", hạn {date(due)}" if with_due and due else "")
    return "; ".join(_milestone_name(m, with_due) for m in milestones)


def milestone_sentences(summary: dict, area: int) -> tuple[list[str], list[str]]:
    """The area's tasks of the window: how many fell due and how they stand, then one line per
    task (done, with its evidence; overdue, with its owner), then the continuous ones."""
    milestones = _area_milestones(summary, area)
    counts, bullets = task_lines(milestones, summary.get("end"))
    paragraphs = [say("task_counts", **counts)]
    for m in milestones:
        if m["state"] in ("continuous", "no_fixed_date") and m.get("latest_status"):
            bullets.append(say("task_continuous", task=short_task(m.get("task")) or m["label"],
                               on=m.get("latest_date"), evidence=m.get("evidence"),
                               on_notice=m["state"] == "no_fixed_date"))
    return paragraphs, bullets


def _milestone_name(m: dict, with_due: bool = True) -> str:
    """"hạn 14/06/2023", or the period a periodic milestone reports on."""
    label = m.get("label") or ""
    inner = re.search(r"\(([^()]*)\)\s*$", label)
    named = inner.group(1) if inner and m.get("kind") == "period" else ""
    due = f"hạn {date(m['due'])}" if m.get("due") and (with_due or not named) else ""
    return ", ".join(p for p in (vi.lower_first(named) if named else "", due) if p) or label


def direction_part(summary: dict, direction: list[tuple[int, str]]) -> dict:
    """Section I: the plan's direction, inspection and communication area."""
    if not direction:
        if (summary.get("plan") or {}).get("available"):
            return {"paragraphs": [say("no_direction_area")]}
        return {"paragraphs": [_no_plan(summary)]}
    paragraphs, bullets = [], []
    for area, name in direction:
        p, b = milestone_sentences(summary, area)
        paragraphs += [f"{name}: {p[0][0].lower()}{p[0][1:]}" if len(direction) > 1 and p else t for t in p]
        bullets += b
    return {"paragraphs": paragraphs, "bullets": bullets}


def _no_plan(summary: dict) -> str:
    return say("no_plan", year=(summary.get("plan") or {}).get("left_out_year"))


def _area_part(summary: dict, area: int, name: str, index: int, narrative: dict, who: Who) -> dict:
    paragraphs, bullets = milestone_sentences(summary, area)
    placed = {t["kpi"] for t in summary.get("targets", []) if t.get("area") is not None}
    own = [t for t in summary.get("targets", []) if t.get("area") == area and t["kpi"] not in KPI_NAMES_VI]
    if _has(name, TTHC_WORDS):
        paragraphs = [*paragraphs, *dossier_sentences(summary, who)]
        bullets = [*bullets, *kpi_sentences(summary, [k for k in summary["kpis"] if k not in EGOV_KPIS])]
    elif _has(name, EGOV_WORDS):
        own += [t for t in summary.get("targets", []) if t["kpi"] not in KPI_NAMES_VI and t["kpi"] not in placed]
        bullets = [*bullets, *kpi_sentences(summary, EGOV_KPIS)]
    bullets += indicator_sentences([t for t in own if t.get("binding", True)])
    return {"heading": f"{index}. {name}", "paragraphs": paragraphs, "bullets": bullets,
            "narrative": narrative.get(f"II.{index}", [])}


# --------------------------------------------------------------------------- dossiers
def dossier_sentences(summary: dict, who: Who) -> list[str]:
    """Biểu II.06a in sentences, and the mean processing time over the dossiers it counts."""
    t = summary["dossiers"]["total"]
    resolved = t["resolved_total"] or 0
    in_time = (t["resolved_early"] or 0) + (t["resolved_on_time"] or 0)
    sentences = [
        say("dossiers_received", actor=who.actor, total=t["received_total"],
            new=summary["dossiers"]["received_in_period"], online=t["received_online"],
            direct=t["received_direct_postal"], carried=t["carried_over"]),
    ]
    lacking = coverage.not_told(summary, coverage.FINISHING)  # docs/figures.md, "The figures"
    if lacking:
        sentences.append(say("dossiers_not_told", what=lacking))
    else:
        sentences.append(say("dossiers_resolved", resolved=resolved, in_time=in_time,
                             rate=in_time / resolved if resolved else None, late=t["resolved_late"],
                             pending=t["pending_total"], pending_overdue=t["pending_overdue"]))
    days = summary.get("processing_days") or {}
    if days.get("count"):
        sentences.append(say("processing_time", mean=vi.decimal(days["mean"], 2, 1), count=days["count"],
                             resolved=resolved))
    previous = summary.get("previous") or {}
    if previous and not previous.get("covered", True):
        sentences.append(say("no_comparison", previous=vi.lower_first(_period_name(previous["period"]))))
    return sentences


# what each rate is counted over, named in its sentence
KPI_OVER = {"on_time_rate": "hồ sơ đã giải quyết", "online_rate": "hồ sơ mới tiếp nhận",
            "full_online_rate": "hồ sơ trực tuyến",
            "e_result_rate": "hồ sơ có kết quả giải quyết, không kể hồ sơ rút, trả lại",
            "satisfaction_rate": "hồ sơ được đánh giá", "apology_coverage": "hồ sơ trễ hạn",
            "progress_766": "hồ sơ của kỳ được giải quyết trước hạn, đúng hạn hoặc đang giải quyết trong hạn"}


def _targets_of(summary: dict, kpi: str) -> list[dict]:
    return [t for t in summary.get("targets", []) if t["kpi"] == kpi]


def _binding(summary: dict, kpi: str) -> dict | None:
    """The one target the plan binds a KPI to (its first, in the plan's order); the others, when
    the plan gives several values, are a data problem listed by the checks."""
    return next((t for t in _targets_of(summary, kpi) if t.get("binding", True)), None)


def _target_text(target: dict | None, explain: bool = False) -> str:
    """The target and the judgement; ``explain``: say what a rate of "the eligible dossiers" was
    computed over (once, in section II)."""
    if target is None:
        return ""
    comparison = vi.sign(target["comparison"])
    if target["comparison"] in (">=", "=") and target["value"] >= 1:  # "100%", not "≥ 100%"
        comparison = ""
    return say("target", sign=comparison, value=target["value"], met=target.get("met"),
               eligible_only=target.get("eligible_only", False), explain=explain)


def kpi_sentences(summary: dict, keys) -> list[str]:
    """One sentence per KPI: its value over what it counts, and the target the plan binds it to."""
    sentences = []
    for key in keys:
        parts = summary["kpi_parts"].get(key, {})
        lacking = coverage.not_told(summary, coverage.KPI_NEEDS.get(key, ()))
        if lacking:
            sentences.append(say("kpi_not_told", name=KPI_NAMES_VI[key], what=lacking,
                                 target=_target_text(_binding(summary, key), True)))
            continue
        sentences.append(say("kpi", name=KPI_NAMES_VI[key], value=summary["kpis"].get(key),
                             numerator=parts.get("numerator"), denominator=parts.get("denominator"),
                             over=KPI_OVER.get(key, "hồ sơ"), target=_target_text(_binding(summary, key), True)))
    return sentences


def indicator_sentences(targets: list[dict]) -> list[str]:
    """The hand-entered indicators the plan sets targets for, with their source."""
    return [say("indicator", name=INDICATOR_NAMES_VI.get(t["kpi"], t["kpi"]), value=t["actual"],
                source=t["actual_source"], target=_target_text(t)) for t in targets]


def service_index_appendix(summary: dict, index: int) -> dict | None:
    """The unit's own estimate of the service index, per group and indicator; what the data
    cannot tell is said so."""
    data = summary.get("service_index")
    if not data:
        return None
    rows = []
    for group in data["groups"]:
        rows.append([group["group"], group["name"], "", "", _points(group["max"]),
                     _points(group["points"]) if group["computable"] else "Chưa tính"])
        for ind in group["indicators"]:
            rows.append([ind["indicator"], ind["name"],
                         percent(ind["ratio"]) if ind["computable"] else vi.MISSING, percent(ind["target"]),
                         _points(ind["max"]), _points(ind["points"]) if ind["computable"] else "Chưa tính"])
    rows.append(["", "Các chỉ số tính được", "", "", _points(data["max_computable"]), _points(data["points"])])
    return {"heading": f"Phụ lục {index}. Ước tính Chỉ số chất lượng phục vụ người dân, doanh nghiệp "
                       f"({data['source']})",
            "note": f"Đơn vị tự ước tính từ số liệu hồ sơ của kỳ; không phải kết quả đánh giá chính thức. Điểm mỗi "
                    f"chỉ số: {data['rule']} (R: tỷ lệ, T: chỉ tiêu, P: điểm tối đa). \"Chưa tính\": chỉ số "
                    "cần số liệu ngoài hồ sơ thủ tục hành chính"
                    + (", hoặc dữ liệu hồ sơ của kỳ không có thông tin để tính (không có số liệu);"
                       if coverage.missing_columns(summary) else ",") + " không tính là 0 điểm.",
            "image": None,
            "table": {"header": [[_cell(t) for t in ("Mã", "Nhóm / chỉ số", "Tỷ lệ", "Chỉ tiêu theo QĐ 766",
                                                      "Điểm tối đa", "Điểm")]],
                      "rows": rows, "total_rows": 1, "align": ["left", "left", "right", "right", "right", "right"],
                      "widths": [7, 45, 10, 10, 11, 17]}}


# --------------------------------------------------------------------------- III, IV
def assessment(summary: dict) -> dict:
    """Section III: each KPI judged once, by the target the plan binds it to; then the few things
    that most need attention."""
    binding = [t for t in summary.get("targets", []) if t.get("binding", True)]
    judged = [t for t in binding if t.get("met") is not None]
    paragraphs = []
    if binding:
        paragraphs.append(say("targets_judged", count=len(binding), met=sum(1 for t in judged if t["met"]),
                              unjudged=len(binding) - len(judged)))
    elif (summary.get("plan") or {}).get("available"):
        paragraphs.append(say("no_targets"))
    else:
        paragraphs.append(_no_plan(summary))
    bullets = [say("target_line", name=_target_name(t), value=t["actual"], target=_target_text(t)) for t in judged]
    attention = attention_points(summary) or [say("nothing_to_note")]
    return {"subsections": [
        {"heading": "1. Kết quả thực hiện các chỉ tiêu", "paragraphs": paragraphs, "bullets": bullets, "narrative": []},
        {"heading": "2. Những vấn đề cần quan tâm", "paragraphs": [], "bullets": attention, "narrative": []},
    ]}


def _target_name(target: dict) -> str:
    return KPI_NAMES_VI.get(target["kpi"]) or INDICATOR_NAMES_VI.get(target["kpi"], target["kpi"])


def attention_points(summary: dict) -> list[str]:
    """The field with the most late dossiers, overdue plan work and its owners, KPIs that fell
    since the previous period (both values and the base), when the data covers that period."""
    points = []
    late = summary.get("late_dossiers", [])
    if late is None:  # the export does not tell which dossiers are late
        points.append(say("late_not_told", what=coverage.not_told(summary, coverage.FINISHING)))
    fields = Counter(r["field"] or f"({vi.lower_first(UNKNOWN_FIELD)})" for r in late or [])
    if fields:
        field, count = max(fields.items(), key=lambda kv: (kv[1], kv[0]))
        points.append(say("most_late_field", field=field, count=count, total=len(late)))
        no_apology = sum(1 for r in late if r["apology"] is False)
        if any(r["apology"] is None for r in late):
            points.append(say("apology_not_told", count=len(late), what=coverage.not_told(summary, (S.APOLOGY_AT,))))
        elif no_apology:
            points.append(say("no_apology", count=no_apology))
    overdue = {m["task_id"]: m for m in (summary.get("plan") or {}).get("overdue", [])}
    if overdue:
        owners = [part for m in overdue.values() for part in (m["owner"] or "chưa phân công").split("; ")]
        points.append(say("tasks_overdue", count=len(overdue), owners="; ".join(dict.fromkeys(owners))))
    points += _comparison_points(summary)
    return points


def _comparison_points(summary: dict) -> list[str]:
    previous = summary.get("previous") or {}
    if not previous:
        return []
    name = vi.lower_first(_period_name(previous["period"]))
    if not previous.get("covered", True):
        return []  # said with the dossiers' figures (section II)
    points = []
    for key in MAIN_KPIS:
        now, before = summary["kpis"].get(key), (previous.get("kpis") or {}).get(key)
        if now is not None and before is not None and now <= before - FALL_NOTED:
            base = (previous.get("kpi_parts") or {}).get(key) or {}
            points.append(say("kpi_fell", name=KPI_NAMES_VI[key], before=before, previous=name, now=now,
                              before_numerator=base.get("numerator"), before_base=base.get("denominator")))
    return points


def _period_name(period_id: str) -> str:
    from ..base.periods import parse_period

    return parse_period(period_id).name_vi


def next_period(summary: dict) -> dict:
    """Section IV: the plan's tasks due in the time that follows (named as the plan's year allows:
    the next quarter, or what is left of the year), then the overdue ones still open."""
    plan = summary.get("plan") or {}
    if not plan.get("available"):
        return {"paragraphs": [_no_plan(summary)]}
    following = plan.get("next_period") or {"name": "kỳ tới", "milestones": []}
    by_task: dict[str, list[dict]] = {}
    for m in following["milestones"]:
        by_task.setdefault(m["task_id"], []).append(m)
    bullets = [say("next_task", task=short_task(g[0].get("task")) or g[0]["label"], names=_names(g),
                   owner=g[0].get("owner")) for g in by_task.values()]
    overdue: dict[str, list[dict]] = {}
    for m in plan.get("overdue", []):
        overdue.setdefault(m["task_id"], []).append(m)
    bullets += [say("finish_overdue", task=short_task(g[0].get("task")) or g[0]["label"], names=_names(g),
                    owner=g[0].get("owner")) for g in overdue.values()]
    name = following["name"]
    when = name if name.casefold().startswith("từ ") else f"trong {vi.lower_first(name)}"
    return {"paragraphs": [say("next_lead", when=when, count=len(by_task), overdue=len(overdue))], "bullets": bullets}


# --------------------------------------------------------------------------- appendices
def _cell(text: str, colspan: int = 1, rowspan: int = 1) -> dict:
    return {"text": text, "colspan": colspan, "rowspan": rowspan}


def milestone_state(state: str) -> str:
    """A milestone's state in the document's words (:data:`cchc_lib.inputs.plan.STATE_NAMES`).

    >>> milestone_state("done_late"), milestone_state("other")
    ('Hoàn thành chậm', 'other')
    """
    return STATE_NAMES[state]["document"] if state in STATE_NAMES else state


LATE_ROWS = 30  # late dossiers listed in the document (all of them in the workbook and the JSON)


def appendices(summary: dict) -> list[dict]:
    """What goes upward after the body: Biểu II.06a laid out like the form, the KPIs, the late
    dossiers, the plan's tasks done late or overdue, the chart of dossiers by month, and the unit's
    own estimate of the service index. Only the first starts a page (``new_page``); the full list
    of milestones and the checks' notes go to the internal companion (:func:`companion`)."""
    items = [tthc_appendix(summary), kpi_appendix(summary), late_appendix(summary)]
    tasks = late_tasks_appendix(summary)
    if tasks:
        items.append(tasks)
    items.append({"heading": "Hồ sơ tiếp nhận theo tháng",
                  "note": "Tháng không trọn kỳ ghi rõ ngày đầu, ngày cuối của phần tháng thuộc kỳ.",
                  "image": "received_by_month", "table": None})
    service = service_index_appendix(summary, 0)
    if service:
        items.append(service)
    for number_, item in enumerate(items, start=1):
        item["heading"] = f"Phụ lục {number_}. " + re.sub(r"^Phụ lục \d+\. ", "", item["heading"])
        item["new_page"] = number_ == 1
    return items


def tthc_appendix(summary: dict) -> dict:
    by_field = summary["dossiers"]["by_field"]
    rows = [[str(i), field, *(number(v) if v is not None else "" for v in counts.values())]
            for i, (field, counts) in enumerate(by_field.items(), start=1)]
    rows.append(["", "Tổng số", *(number(v) if v is not None else "" for v in summary["dossiers"]["total"].values())])
    lacking = coverage.not_told(summary, coverage.COUNTS_NEED)
    note = tthc_form.document_note(summary)
    if lacking:  # a count the export cannot tell is marked, never left blank or 0
        rows = [[*row[:2], *(cell or NO_DATA_MARK for cell in row[2:])] for row in rows]
        note += f" Dấu {NO_DATA_MARK}: không có số liệu (dữ liệu hồ sơ không có thông tin {lacking})."
    return {
        "heading": "Tình hình, kết quả giải quyết thủ tục hành chính (Biểu II.06a)",
        "note": note,
        "image": None,
        "table": {**tthc_form.table_layout(), "rows": rows},
    }


def kpi_appendix(summary: dict) -> dict:
    rows = []
    for key, value in summary["kpis"].items():
        parts = summary["kpi_parts"][key]
        lacking = coverage.not_told(summary, coverage.KPI_NEEDS.get(key, ()))
        if lacking:
            rows.append([KPI_NAMES_VI[key], NO_DATA_MARK, f"{NO_DATA} (dữ liệu hồ sơ không có thông tin {lacking})",
                         _target_text(_binding(summary, key)) or vi.MISSING])
            continue
        rows.append([KPI_NAMES_VI[key], percent(value),
                     f"{number(parts['numerator'])}/{number(parts['denominator'])} {KPI_OVER.get(key, 'hồ sơ')}"
                     if value is not None else vi.MISSING, _target_text(_binding(summary, key)) or vi.MISSING])
    return {"heading": "Các chỉ số giải quyết thủ tục hành chính",
            "note": "Tỷ lệ tính trên hồ sơ của kỳ; chỉ tiêu theo kế hoạch cải cách hành chính.", "image": None,
            "table": {"header": [[_cell("Chỉ số"), _cell("Kết quả"), _cell("Tử số / mẫu số"), _cell("Chỉ tiêu")]],
                      "rows": rows, "total_rows": 0, "align": ["left", "right", "left", "left"],
                      "widths": [34, 11, 25, 30]}}


def late_appendix(summary: dict) -> dict:
    late = summary.get("late_dossiers", [])
    note = "Không có hồ sơ trễ hạn." if not late else f"{number(len(late))} hồ sơ" + (
        f" ({LATE_ROWS} hồ sơ trễ nhiều ngày nhất; danh sách đầy đủ tại bảng tính Excel gửi kèm báo cáo)"
        if len(late) > LATE_ROWS else "")
    if late is None:
        note = say("late_not_told", what=coverage.not_told(summary, coverage.FINISHING))
    elif any(r["apology"] is None for r in late):
        note += (f". Cột Xin lỗi: không có số liệu (dữ liệu hồ sơ không có thông tin "
                 f"{coverage.not_told(summary, (S.APOLOGY_AT,))}).")
    return {"heading": "Hồ sơ trễ hạn", "note": note, "image": None,
            "table": {"header": [[_cell(t) for t in ("Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Hạn giải quyết",
                                                      "Số ngày trễ", "Xin lỗi")]],
                      "rows": [[r["dossier_id"], r["procedure"] or "", r["field"] or "", date(r["due_at"]),
                                number(r["days_late"]), APOLOGY_VI[r["apology"]]] for r in late[:LATE_ROWS]],
                      "total_rows": 0, "align": ["left", "left", "left", "center", "right", "center"],
                      "widths": [28, 29, 14, 12, 8, 9]} if late else None}


def _milestone_rows(milestones: list[dict], codes: bool = True) -> list[list[str]]:
    """One row per milestone; ``codes``: the first column is the task's id of the plan's files (for
    the office), else a running number (what goes upward names no code)."""
    return [[m["task_id"] if codes else str(i), f"{short_task(m.get('task'))} ({_milestone_name(m, with_due=False)})",
             m["owner"] or "", date(m["due"]), milestone_state(m["state"]), m.get("evidence") or ""]
            for i, m in enumerate(milestones, start=1)]


MILESTONE_HEADER = [[_cell(t) for t in ("Mã", "Nhiệm vụ", "Người thực hiện", "Hạn", "Tình trạng",
                                         "Văn bản kiểm chứng")]]
UPWARD_MILESTONE_HEADER = [[_cell("STT"), *MILESTONE_HEADER[0][1:]]]


def late_tasks_appendix(summary: dict) -> dict | None:
    """The plan's tasks done late or overdue, one row per milestone."""
    plan = summary.get("plan") or {}
    if not plan.get("available"):
        return None
    seen, rows = set(), []
    for m in [*plan["milestones"], *({"state": "overdue", **m} for m in plan.get("overdue", []))]:
        key = (m["task_id"], m.get("milestone"))
        if m["state"] in ("overdue", "done_late") and key not in seen:
            seen.add(key)
            rows.append(m)
    if not rows:
        return None
    return {"heading": "Nhiệm vụ của kế hoạch hoàn thành chậm hoặc quá hạn", "note": "", "image": None,
            "table": {"header": UPWARD_MILESTONE_HEADER, "rows": _milestone_rows(rows, codes=False), "total_rows": 0,
                      "align": ["center", "left", "left", "center", "left", "left"], "widths": [6, 35, 15, 13, 11, 20]}}


def companion(summary: dict) -> list[dict]:
    """The internal companion of a period's report, for the office and not sent upward: every
    milestone of the window with its state and evidence, then what the checks found (files, rows,
    columns), in the appendices' shape."""
    plan = summary.get("plan") or {}
    items = []
    if plan.get("available") and plan["milestones"]:
        items.append({"heading": "Tiến độ các nhiệm vụ của kế hoạch",
                      "note": "Mốc đến hạn trong kỳ, quá hạn, thường xuyên hoặc không định thời hạn.", "image": None,
                      "table": {"header": MILESTONE_HEADER, "rows": _milestone_rows(plan["milestones"]),
                                "total_rows": 0, "align": ["left", "left", "left", "center", "left", "left"],
                                "widths": [8, 33, 15, 13, 11, 20]}})
    items.append(quality_appendix(summary, 0))
    for conflict in plan.get("target_conflicts", []):
        values = ", ".join(percent(v) for v in conflict["values"])
        items[-1]["note"] += (f" {KPI_NAMES_VI.get(conflict['kpi'], conflict['kpi'])}: kế hoạch ghi nhiều chỉ tiêu "
                              f"khác nhau ({values}; {', '.join(conflict['targets'])}); báo cáo đánh giá theo chỉ tiêu "
                              "ghi đầu tiên, cần thống nhất một giá trị.")
    for number_, item in enumerate(items, start=1):
        item["heading"] = f"{number_}. " + re.sub(r"^Phụ lục \d+\. ", "", item["heading"])
        item["new_page"] = False
    return items


QUALITY_ROWS = 40  # problems listed in the document (all of them in the JSON)


def quality_appendix(summary: dict, index: int) -> dict:
    """What the checks found: the exports read, the counts, then notices, rows left out, where
    the data corrects the plan's text, and warnings (file, row, column, problem), the first
    :data:`QUALITY_ROWS`."""
    q = summary["data_quality"]
    files = ", ".join(summary["dossiers"].get("source_files", [])) or vi.MISSING
    note = (f"Tệp số liệu: {files}. Lỗi: {number(q['errors'])}; cảnh báo: {number(q['warnings'])}; dòng bị loại: "
            f"{number(q['excluded_rows'])}; hồ sơ trùng đã gộp: {number(q['duplicates_dropped'])}; hạn giải quyết "
            f"tính theo danh mục thủ tục: {number(q['due_dates_computed'])}.")
    notices = q.get("notices", [])
    plan = summary.get("plan") or {}
    corrections = [{"file": "plan/tasks.csv", "row": None, "column": f"{c['task_id']}: timing",
                    "problem_vi": c.get("correction_note") or c.get("timing_corrected") or ""}
                   for c in plan.get("corrections", [])]
    problems = [*(("Lưu ý", n) for n in notices), *(("Dòng bị loại", r) for r in summary.get("excluded_rows", [])),
                *(("Sửa kế hoạch", c) for c in corrections),
                *(("Cảnh báo", w) for w in [*q.get("warning_list", []), *plan.get("warnings", [])]
                  if w not in notices)]
    rows = [[kind, p.get("file") or "", "" if p.get("row") is None else str(p["row"]), p.get("column") or "",
             p.get("problem_vi") or ""] for kind, p in problems[:QUALITY_ROWS]]
    if len(problems) > QUALITY_ROWS:
        note += f" Danh sách dưới đây gồm {QUALITY_ROWS}/{number(len(problems))} mục; đầy đủ trong tệp JSON."
    return {"heading": f"Phụ lục {index}. Chất lượng số liệu", "note": note, "image": None,
            "table": {"header": [[_cell(t) for t in ("Loại", "Tệp", "Dòng", "Cột", "Nội dung")]], "rows": rows,
                      "total_rows": 0, "align": ["left", "left", "right", "left", "left"],
                      "widths": [13, 20, 8, 15, 44]} if rows else None}
