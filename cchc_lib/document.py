"""The period report as the document a commune sends: content built from the summary.

:func:`build_document` turns a period's summary (the dict of ``<PERIOD>.json``), the unit's
``unit.yaml`` and the office's own words for the period into one plain, JSON-ready dict, the
*document context*. The HTML page (templates ``templates/document/``), the PDF made from it and
the Word file (:mod:`cchc_lib.docx_report`) are all written from this one context, so the three
say the same thing. The outline, the sentences and their rules are in the README, "The official
report". Every value is plain text: the templates escape it.

Keys: ``header`` (``authority``, ``unit``, ``number``, ``nation``, ``motto``, ``place_date``),
``title``, ``subtitle``, ``window_line``, ``intro``; ``sections`` (I to V: ``id``, ``heading``,
``paragraphs``, ``bullets``, ``subsections`` of ``heading, paragraphs, bullets, narrative``,
``narrative``, ``to_fill``); ``closing``, ``recipients``, ``signature`` (``on_behalf``,
``title``, ``name``); ``appendices`` (``heading``, ``note``, ``image``, ``table``: ``header``
rows of ``text, colspan, rowspan`` cells, ``rows``, ``total_rows``, ``align``, ``widths``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

from . import vi
from .dossiers import KPI_NAMES_VI
from .errors import DataError
from .ingest import DocumentInfo
from .periods import CUTOFF_SHORT_VI
from .plan import INDICATOR_NAMES_VI

NARRATIVE_DIR = "narrative"  # the office's own words: narrative/<PERIOD>.md in the data folder
NARRATIVE_LIMIT = 256 * 1024  # bytes of one narrative file
SECTION_IDS = ("I", "II", "III", "IV", "V")
SECTION_TITLES = {
    "I": "Công tác chỉ đạo, điều hành",
    "II": "Kết quả thực hiện các nhiệm vụ cải cách hành chính",
    "III": "Đánh giá chung",
    "IV": "Phương hướng, nhiệm vụ kỳ tới",
    "V": "Đề xuất, kiến nghị",
}
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# what identifies the plan's areas that sections I, the TTHC and the e-government parts speak of
# (README, "The official report"): words of the area's name as the plan writes it
DIRECTION_WORDS = ("chỉ đạo",)
TTHC_WORDS = ("thủ tục hành chính",)
EGOV_WORDS = ("chính quyền điện tử", "chính quyền số")
UNIT_KINDS = ("thị trấn", "phường", "xã", "huyện", "quận", "thị xã", "thành phố", "tỉnh")
MAIN_KPIS = ("on_time_rate", "online_rate", "full_online_rate", "e_result_rate", "satisfaction_rate")
EGOV_KPIS = ("online_rate", "full_online_rate", "e_result_rate")


# numbers and dates as Vietnamese write them (cchc_lib.vi), under the names the sentences use
percent, number, date, _points = vi.percent, vi.number, vi.date, vi.points


TEXT_LIMIT = 300  # characters of one text of the data inside the document (the JSON keeps it whole)


def clipped(value: object, limit: int = TEXT_LIMIT) -> object:
    """``value`` with every text longer than ``limit`` cut (with an ellipsis), at any depth.

    >>> clipped({"a": ["x" * 5, 3]}, limit=4)
    {'a': ['xxx…', 3]}
    """
    if isinstance(value, str):
        return value if len(value) <= limit else value[: limit - 1] + "…"
    if isinstance(value, dict):
        return {k: clipped(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [clipped(v, limit) for v in value]
    return value


def _has(name: str, words: tuple[str, ...]) -> bool:
    folded = unicodedata.normalize("NFC", name).casefold()
    return any(w in folded for w in words)


# --------------------------------------------------------------------------- the office's words
def read_narrative(data_dir: Path | str, period: str) -> dict[str, list[str]]:
    """The office's own text for ``period`` (``narrative/<PERIOD>.md``), by section: keys ``I`` …
    ``V``, ``II.<n>`` for the n-th area of section II, and ``intro`` (text before any heading).

    A heading (``#`` line) starts with the section's Roman number (``## II. Kết quả …``); under
    II, ``### 2. …`` names the second area. Paragraphs are separated by blank lines; a line
    starting with ``-`` or ``*`` is one bullet. No file: an empty dict.
    """
    path = Path(data_dir) / NARRATIVE_DIR / f"{period}.md"
    if not path.is_file():
        return {}
    if path.stat().st_size > NARRATIVE_LIMIT:
        raise DataError(f"{path}: larger than {NARRATIVE_LIMIT // 1024} KiB; the office's text of a period is "
                        "a few pages")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    return parse_narrative(unicodedata.normalize("NFC", text), str(path))


def check_narratives(data_dir: Path | str, plan: object = None) -> list[dict]:
    """The problems of the office's texts (``narrative/*.md``) as ``cchc validate`` lists them:
    a file named after no period (warning), one that cannot be read or whose heading names no
    section, or an area of section II the plan does not have (errors, naming file and line)."""
    from .periods import PeriodError, parse_period
    from .problems import WARNING, problem

    folder = Path(data_dir) / NARRATIVE_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.md")):
        where = f"{NARRATIVE_DIR}/{path.name}"
        try:
            if parse_period(path.stem).id != path.stem:
                raise PeriodError(path.stem)
        except PeriodError:
            found.append(problem(where, None, "", path.stem, "Tên tệp không phải mã kỳ báo cáo (ví dụ 2023-Q2.md): "
                                 "văn bản không được dùng", "the file is named after no period (e.g. 2023-Q2.md): "
                                 "its text is not used", WARNING))
            continue
        try:
            check_narrative_places(read_narrative(data_dir, path.stem),
                                   section_two_areas(plan, parse_period(path.stem).year))
        except DataError as exc:
            message = str(exc).removeprefix(str(path)).removeprefix(where).lstrip(":, ")
            line = re.match(r"line (\d+): ", message)
            if line:
                message = message[line.end():]
            found.append(problem(where, int(line.group(1)) if line else None, "", "",
                                 "Văn bản của văn phòng không dùng được (không có chỗ trong báo cáo hoặc không đọc "
                                 "được)", message))
    return found


_ROMAN_HEADING = re.compile(r"^(IV|V|III|II|I)(?:[.:)\-–\s]|$)")
_NUMBER_HEADING = re.compile(r"^(\d{1,2})(?:[.:)\-–\s]|$)")


class Narrative(dict):
    """The office's text by section (a dict), with where each part's heading is (``where``:
    key → "file, line n") for the errors of a part the document has no place for."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.where: dict[str, str] = {}


def parse_narrative(text: str, where: str = "narrative") -> dict[str, list[str]]:
    """The office's text split by section (see :func:`read_narrative`).

    >>> parse_narrative("## I. Chỉ đạo\\nĐã họp.\\n\\n## II\\n### 2. TTHC\\n- Niêm yết\\n- Rà soát\\n## V\\nĐề nghị.")
    {'I': ['Đã họp.'], 'II.2': ['- Niêm yết', '- Rà soát'], 'V': ['Đề nghị.']}
    """
    parts = Narrative()
    key, section, lines = "intro", "", []
    for number_, line in enumerate([*text.splitlines(), "# end"], start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            lines.append(stripped)
            continue
        _flush(parts, key, lines)
        lines = []
        if number_ > len(text.splitlines()):
            break
        heading = stripped.lstrip("#").strip()
        roman, arabic = _ROMAN_HEADING.match(heading), _NUMBER_HEADING.match(heading)
        if roman:
            section = key = roman.group(1)
        elif arabic and section == "II":
            key = f"II.{int(arabic.group(1))}"
        else:
            key = ""
        if not key:
            raise DataError(f"{where}, line {number_}: heading {heading[:60]!r} names no section of the report: "
                            "start it with I, II, III, IV or V (and, under II, with the area's number: '### 2.')")
        parts.where.setdefault(key, f"{where}, line {number_}")
    return parts


def section_two_areas(plan: object, year: int) -> int:
    """How many sub-sections section II of a report of ``year`` has: the plan's areas but the
    direction one, when the plan is of that year; else the one of the dossiers."""
    if plan is None or plan.year != year:
        return 1
    names = plan.tasks.groupby("area")["area_name"].first()
    return max(1, sum(1 for name in names if not _has(str(name), DIRECTION_WORDS)))


def check_narrative_places(narrative: dict, areas: int) -> None:
    """Every part of the office's text has its place: section II has ``areas`` sub-sections
    (1 to ``areas``); a heading naming another is an error naming the file and the line."""
    for key in narrative:
        if key.startswith("II.") and not 1 <= int(key[3:]) <= areas:
            where = getattr(narrative, "where", {}).get(key, "narrative")
            raise DataError(f"{where}: heading names area {key[3:]} of section II, which has {areas} "
                            f"(1–{areas}, in the plan's order): the text would have no place in the report")


def _flush(parts: dict[str, list[str]], key: str, lines: list[str]) -> None:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.startswith(("- ", "* ", "+ ")):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            paragraphs.append("- " + line[2:].strip())
        elif line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if paragraphs:
        parts.setdefault(key, []).extend(paragraphs)


# --------------------------------------------------------------------------- the document
def build_document(summary: dict, info: DocumentInfo | None = None, narrative: dict | None = None) -> dict:
    """The document context of one period report (see the module's docstring)."""
    info = info or DocumentInfo()
    narrative = narrative or {}
    summary = clipped(summary)  # a text of the data is cut where it is long; the office's own words are not
    who = _Who(summary, info)
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
    return {
        "header": who.header(summary),
        "title": "BÁO CÁO",
        "subtitle": f"Kết quả thực hiện công tác cải cách hành chính {_lower_first(summary['period_name'])}",
        "window_line": (f"(Số liệu từ ngày {date(summary['start'])} đến ngày {date(summary['end'])}, "
                        f"chốt {CUTOFF_SHORT_VI.get(summary['cutoff'], summary['cutoff'])})"),
        "intro": [_intro(summary, who), *narrative.get("intro", [])],
        "sections": sections,
        "closing": (f"Trên đây là báo cáo kết quả thực hiện công tác cải cách hành chính "
                    f"{_lower_first(summary['period_name'])} của {who.body}./."),
        "recipients": list(info.recipients) or who.default_recipients(summary),
        "signature": {"on_behalf": (info.signer_on_behalf or f"TM. {who.authority}").upper(),
                      "title": (info.signer_title or "Chủ tịch").upper(), "name": info.signer},
        "appendices": appendices(summary),
    }


def _lower_first(text: str) -> str:
    """A name or phrase as it reads inside a sentence: its first letter in lower case, unless
    its first word is written in capitals (an abbreviation: "UBND", "TTHC").

    >>> _lower_first("Quý II năm 2023"), _lower_first("UBND xã"), _lower_first("6 tháng đầu năm 2023")
    ('quý II năm 2023', 'UBND xã', '6 tháng đầu năm 2023')
    """
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


def short_task(text: str | None, limit: int = 140) -> str:
    """A task of the plan named by its first clause (up to ``limit`` characters).

    >>> short_task("Tiếp tục triển khai, xây dựng văn bản QPPL. Thường xuyên rà soát.")
    'Tiếp tục triển khai, xây dựng văn bản QPPL'
    """
    text = " ".join(str(text or "").split())
    first = re.split(r"(?<=[^\d])[.;](?:\s|$)", text, maxsplit=1)[0].strip(" .;-")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


class _Who:
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
        return [f"{above};", f"Phòng Nội vụ {short};".replace(" ;", ";"), "Lưu: VT."]


def _intro(summary: dict, who: _Who) -> str:
    plan = summary.get("plan") or {}
    if plan.get("available"):
        basis = f"Thực hiện {plan['title']}"
        if plan.get("document"):
            basis += f" ({_lower_first(plan['document'])})"
        basis += ", "
    else:
        basis = ""
    return (f"{basis}{who.body} báo cáo kết quả thực hiện công tác cải cách hành chính "
            f"{_lower_first(summary['period_name'])} như sau:")


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
def _area_milestones(summary: dict, area: int) -> list[dict]:
    return [m for m in summary["plan"]["milestones"] if m["area"] == area]


def milestone_sentences(summary: dict, area: int) -> tuple[list[str], list[str]]:
    """The area's milestones of the window in sentences: the counts, then one bullet per
    milestone done (with its evidence), in progress, and overdue (with its owner)."""
    counts = (summary.get("tasks") or {}).get("by_area", {}).get(str(area))
    paragraphs = []
    if counts and counts["due"]:
        done = counts["done_on_time"] + counts["done_late"]
        text = f"Trong kỳ có {counts['due']} công việc đến hạn theo kế hoạch; đã hoàn thành {done}"
        if counts["done_late"]:
            text += f" (trong đó {counts['done_late']} hoàn thành chậm so với thời hạn)"
        text += f", {counts['overdue']} quá hạn chưa hoàn thành." if counts["overdue"] else ", không có việc quá hạn."
        paragraphs.append(text)
    elif counts is not None:
        paragraphs.append("Trong kỳ không có công việc đến hạn theo kế hoạch.")
    bullets = done_sentences(_area_milestones(summary, area))
    for m in _area_milestones(summary, area):
        task = short_task(m.get("task")) or m["label"]
        if m["state"] in ("continuous", "no_fixed_date") and m.get("latest_status"):
            proof = f"; cập nhật ngày {date(m['latest_date'])}: {m['evidence']}" if m.get("evidence") else ""
            bullets.append(f"{task}: đang thực hiện thường xuyên{proof}.")
    for m in summary["plan"]["overdue"]:
        if m["area"] == area:
            bullets.append(f"{short_task(m.get('task')) or m['label']} ({_milestone_name(m)}): {_overdue_text(m)}.")
    return paragraphs, bullets


def done_sentences(milestones: list[dict]) -> list[str]:
    """One sentence per task with milestones done in the window: which (the period reported on,
    or the date), those done late, and the evidence documents; a task's many milestones of a
    long period (a plan's quarterly reports over a year) read as one line."""
    by_task: dict[str, list[dict]] = {}
    for m in milestones:
        if m["state"] in ("done_on_time", "done_late"):
            by_task.setdefault(m["task_id"], []).append(m)
    sentences = []
    for done in by_task.values():
        task = short_task(done[0].get("task")) or done[0]["label"]
        names = "; ".join(_milestone_name(m, with_due=len(done) == 1) for m in done)
        late = [m for m in done if m["state"] == "done_late"]
        text = f"{task}: hoàn thành {len(done)} mốc ({names})" if len(done) > 1 else (
            f"{task} ({names}): hoàn thành ngày {date(done[0]['done_at'])}" if done[0].get("done_at")
            else f"{task} ({names}): đã hoàn thành")
        if late:
            text += ", chậm so với hạn " + ", ".join(date(m["due"]) for m in late)
        proofs = list(dict.fromkeys(m["evidence"] for m in done if m.get("evidence")))
        text += f"; văn bản: {'; '.join(proofs)}" if proofs else "; chưa có văn bản kiểm chứng"
        if proofs and len(proofs) < len(done):
            text += f" ({len(done) - len(proofs)} mốc chưa có văn bản kiểm chứng)"
        sentences.append(text + ".")
    return sentences


def _milestone_name(m: dict, with_due: bool = True) -> str:
    """"hạn 14/06/2023", or the period a periodic milestone reports on."""
    label = m.get("label") or ""
    inner = re.search(r"\(([^()]*)\)\s*$", label)
    named = inner.group(1) if inner and m.get("kind") == "period" else ""
    due = f"hạn {date(m['due'])}" if m.get("due") and (with_due or not named) else ""
    return ", ".join(p for p in (_lower_first(named) if named else "", due) if p) or label


def _overdue_text(m: dict) -> str:
    days = int(m.get("days_overdue") or 0)
    owner = m.get("owner") or "chưa rõ người thực hiện"
    return f"quá hạn{f' {days} ngày' if days else ''}, chưa hoàn thành; người thực hiện: {owner}"


def direction_part(summary: dict, direction: list[tuple[int, str]]) -> dict:
    """Section I: the plan's direction, inspection and communication area."""
    if not direction:
        if (summary.get("plan") or {}).get("available"):
            return {"paragraphs": ["Kế hoạch không có lĩnh vực chỉ đạo, điều hành riêng."]}
        return {"paragraphs": [_no_plan(summary)]}
    paragraphs, bullets = [], []
    for area, name in direction:
        p, b = milestone_sentences(summary, area)
        paragraphs += [f"{name}: {p[0][0].lower()}{p[0][1:]}" if len(direction) > 1 and p else t for t in p]
        bullets += b
    return {"paragraphs": paragraphs, "bullets": bullets}


def _no_plan(summary: dict) -> str:
    left_out = (summary.get("plan") or {}).get("left_out_year")
    if left_out:
        return (f"Kế hoạch cải cách hành chính năm {left_out} không phải kế hoạch của kỳ báo cáo; "
                "tiến độ thực hiện kế hoạch không được tổng hợp.")
    return "Chưa có dữ liệu kế hoạch cải cách hành chính; tiến độ thực hiện kế hoạch không được tổng hợp."


def _area_part(summary: dict, area: int, name: str, index: int, narrative: dict, who: _Who) -> dict:
    paragraphs, bullets = milestone_sentences(summary, area)
    if _has(name, TTHC_WORDS):
        paragraphs = [*paragraphs, *dossier_sentences(summary, who), *service_index_sentences(summary)]
        bullets = [*bullets, *kpi_sentences(summary, [k for k in summary["kpis"] if k not in EGOV_KPIS]),
                   *service_index_bullets(summary)]
    elif _has(name, EGOV_WORDS):
        bullets = [*bullets, *kpi_sentences(summary, EGOV_KPIS), *indicator_sentences(summary)]
    return {"heading": f"{index}. {name}", "paragraphs": paragraphs, "bullets": bullets,
            "narrative": narrative.get(f"II.{index}", [])}


# --------------------------------------------------------------------------- dossiers
def dossier_sentences(summary: dict, who: _Who) -> list[str]:
    """Biểu II.06a in sentences."""
    t = summary["dossiers"]["total"]
    new = summary["dossiers"]["received_in_period"]
    online, direct = t["received_online"], t["received_direct_postal"]
    first = f"Trong kỳ, {who.actor} tiếp nhận {number(t['received_total'])} hồ sơ thủ tục hành chính"
    parts = [f"{number(new)} hồ sơ mới tiếp nhận"]
    if online is not None:
        parts[0] += f" (trong đó {number(online)} hồ sơ trực tuyến, {number(direct)} hồ sơ trực tiếp và qua bưu chính)"
    parts.append(f"{number(t['carried_over'])} hồ sơ từ kỳ trước chuyển sang")
    first += f", gồm {' và '.join(parts)}."
    resolved = t["resolved_total"] or 0
    in_time = (t["resolved_early"] or 0) + (t["resolved_on_time"] or 0)
    second = f"Đã giải quyết {number(resolved)} hồ sơ"
    if resolved:
        second += (f", trong đó {number(in_time)} hồ sơ trước hạn và đúng hạn ({percent(in_time / resolved)}), "
                   f"{number(t['resolved_late'])} hồ sơ quá hạn")
    second += (f"; đang giải quyết {number(t['pending_total'])} hồ sơ, trong đó "
               f"{number(t['pending_overdue'])} hồ sơ đã quá hạn.")
    sentences = [first, second]
    days = summary.get("processing_days") or {}
    if days.get("count"):
        sentences.append(f"Thời gian giải quyết bình quân {str(days['mean']).replace('.', ',')} ngày làm việc "
                         f"mỗi hồ sơ ({number(days['count'])} hồ sơ đã giải quyết).")
    return sentences


def _targets_of(summary: dict, kpi: str) -> list[dict]:
    return [t for t in summary.get("targets", []) if t["kpi"] == kpi]


def _target_text(target: dict) -> str:
    comparison = {">=": "≥", "<=": "≤", "=": "="}.get(target["comparison"], target["comparison"])
    if target.get("met") is None:
        state = "chưa đủ số liệu để đánh giá"
    else:
        state = "đạt" if target["met"] else "chưa đạt"
    text = f"chỉ tiêu {comparison} {percent(target['value'])}: {state}"
    return text + (", kế hoạch ghi nhiều giá trị chỉ tiêu khác nhau" if target.get("conflict") else "")


def kpi_sentences(summary: dict, keys) -> list[str]:
    """One sentence per KPI: its value, its numerator and denominator, each target."""
    sentences = []
    for key in keys:
        value = summary["kpis"].get(key)
        parts = summary["kpi_parts"].get(key, {})
        name = KPI_NAMES_VI[key]
        if value is None:
            text = f"{name}: số liệu không đủ để tính"
        else:
            text = f"{name}: {percent(value)} ({number(parts['numerator'])}/{number(parts['denominator'])} hồ sơ)"
        targets = _targets_of(summary, key)
        if targets:
            text += "; " + "; ".join(_target_text(t) for t in targets)
        sentences.append(text + ".")
    return sentences


def indicator_sentences(summary: dict) -> list[str]:
    """The hand-entered indicators the plan sets targets for, with their source."""
    sentences = []
    for t in summary.get("targets", []):
        if t["kpi"] in KPI_NAMES_VI:
            continue
        name = INDICATOR_NAMES_VI.get(t["kpi"], t["kpi"])
        value = "chưa có số liệu" if t["actual"] is None else f"{percent(t['actual'])} (theo {t['actual_source']})"
        sentences.append(f"{name}: {value}; {_target_text(t)}.")
    return sentences


def service_index_sentences(summary: dict) -> list[str]:
    """The service index of QĐ 766/QĐ-TTg in one sentence: the points the dossiers can tell."""
    index = summary.get("service_index")
    if not index:
        return []
    told = [g for g in index["groups"] if g["computable"]]
    untold = [g["name"] for g in index["groups"] if not g["computable"]]
    text = (f"Chỉ số chất lượng phục vụ người dân, doanh nghiệp ({index['source']}): các nhóm tính được từ số liệu "
            f"hồ sơ đạt {_points(index['points'])}/{_points(index['max_computable'])} điểm"
            f" ({len(told)}/{len(index['groups'])} nhóm)")
    if untold:
        text += f"; chưa tính được từ số liệu hồ sơ: {', '.join(untold)}"
    return [text + "."]


def service_index_bullets(summary: dict) -> list[str]:
    """One line per indicator of the service index the dossiers can tell."""
    index = summary.get("service_index") or {}
    bullets = []
    for group in index.get("groups", []):
        for ind in group["indicators"]:
            if not ind["computable"]:
                continue
            bullets.append(f"Chỉ số {ind['indicator']} {ind['name']}: tỷ lệ {percent(ind['ratio'])}, chỉ tiêu "
                           f"{percent(ind['target'])}: {_points(ind['points'])}/{_points(ind['max'])} điểm.")
    return bullets


def service_index_appendix(summary: dict, index: int) -> dict | None:
    """The service index laid out per group and indicator; what the data cannot tell is said so."""
    data = summary.get("service_index")
    if not data:
        return None
    rows = []
    for group in data["groups"]:
        rows.append([group["group"], group["name"], "", "", _points(group["max"]),
                     _points(group["points"]) if group["computable"] else "Không tính được"])
        for ind in group["indicators"]:
            rows.append([ind["indicator"], ind["name"] + ("" if ind["computable"] else f" ({ind.get('note') or ''})"),
                         percent(ind["ratio"]) if ind["computable"] else "—", percent(ind["target"]),
                         _points(ind["max"]), _points(ind["points"]) if ind["computable"] else "Không tính được"])
    rows.append(["", "Các nhóm tính được", "", "", _points(data["max_computable"]), _points(data["points"])])
    return {"heading": f"Phụ lục {index}. Chỉ số chất lượng phục vụ người dân, doanh nghiệp ({data['source']})",
            "note": f"Điểm mỗi chỉ số: {data['rule']} (R: tỷ lệ, T: chỉ tiêu, P: điểm tối đa). Chỉ số không tính được "
                    "từ số liệu hồ sơ được ghi rõ, không tính là 0 điểm.",
            "image": None,
            "table": {"header": [[_cell(t) for t in ("Mã", "Nhóm / chỉ số", "Tỷ lệ", "Chỉ tiêu", "Điểm tối đa",
                                                      "Điểm")]],
                      "rows": rows, "total_rows": 1, "align": ["left", "left", "right", "right", "right", "right"],
                      "widths": [7, 49, 11, 11, 10, 12]}}


# --------------------------------------------------------------------------- III, IV
def assessment(summary: dict) -> dict:
    """Section III: targets met and not met, and the few things that most need attention."""
    targets = summary.get("targets", [])
    judged = [t for t in targets if t.get("met") is not None]
    paragraphs = []
    if targets:
        met = [t for t in judged if t["met"]]
        paragraphs.append(f"Kế hoạch đặt {len(targets)} chỉ tiêu; trong kỳ đạt {len(met)}, chưa đạt "
                          f"{len(judged) - len(met)}" + (f", {len(targets) - len(judged)} chưa đủ số liệu để đánh giá"
                                                         if len(judged) < len(targets) else "") + ".")
    bullets = [f"{_target_name(t)}: {percent(t['actual'])} so với {_target_text(t)}." for t in judged]
    for conflict in (summary.get("plan") or {}).get("target_conflicts", []):
        values = ", ".join(percent(v) for v in conflict["values"])
        bullets.append(f"{KPI_NAMES_VI.get(conflict['kpi'], conflict['kpi'])}: kế hoạch ghi nhiều chỉ tiêu khác "
                       f"nhau ({values}, mục tiêu {', '.join(conflict['targets'])}); cần thống nhất một giá trị.")
    if not targets:
        paragraphs.append("Kế hoạch không đặt chỉ tiêu đo được bằng số liệu." if (summary.get("plan") or {}).get(
            "available") else _no_plan(summary))
    attention = attention_points(summary) or ["Không có vấn đề nổi bật trong số liệu của kỳ."]
    return {"subsections": [
        {"heading": "1. Kết quả thực hiện các chỉ tiêu", "paragraphs": paragraphs, "bullets": bullets, "narrative": []},
        {"heading": "2. Những vấn đề cần quan tâm", "paragraphs": [], "bullets": attention, "narrative": []},
    ]}


def _target_name(target: dict) -> str:
    return KPI_NAMES_VI.get(target["kpi"]) or INDICATOR_NAMES_VI.get(target["kpi"], target["kpi"])


def attention_points(summary: dict) -> list[str]:
    """The field with the most late dossiers, overdue plan work and its owners, KPIs that fell
    since the previous comparable period (both values)."""
    points = []
    late = summary.get("late_dossiers", [])
    fields = Counter(r["field"] or "(không rõ lĩnh vực)" for r in late)
    if fields:
        field, count = max(fields.items(), key=lambda kv: (kv[1], kv[0]))
        points.append(f"Lĩnh vực {field} có nhiều hồ sơ trễ hạn nhất: {number(count)}/{number(len(late))} hồ sơ "
                      f"trễ hạn ({percent(count / len(late))}).")
        no_apology = sum(1 for r in late if not r["apology"])
        if no_apology:
            points.append(f"{number(no_apology)} hồ sơ trễ hạn chưa có thư xin lỗi người dân, tổ chức.")
    overdue = (summary.get("plan") or {}).get("overdue", [])
    if overdue:
        owners = Counter(m["owner"] or "chưa rõ người thực hiện" for m in overdue)
        listed = "; ".join(f"{o} ({n})" for o, n in owners.most_common(3))
        points.append(f"{len(overdue)} công việc của kế hoạch quá hạn chưa hoàn thành; người thực hiện: {listed}.")
    previous = summary.get("previous") or {}
    for key in MAIN_KPIS:
        now, before = summary["kpis"].get(key), (previous.get("kpis") or {}).get(key)
        if now is not None and before is not None and now < before - 0.0005:
            points.append(f"{KPI_NAMES_VI[key]} giảm từ {percent(before)} ({previous['period']}) "
                          f"xuống {percent(now)} trong kỳ này.")
    return points


def next_period(summary: dict) -> dict:
    """Section IV: milestones due in the next period, and the overdue ones still open."""
    plan = summary.get("plan") or {}
    if not plan.get("available"):
        return {"paragraphs": [_no_plan(summary)]}
    following = plan.get("next_period") or {"name": "kỳ tới", "milestones": []}
    bullets = [f"{short_task(m.get('task')) or m['label']} ({_milestone_name(m)}; "
               f"{m['owner'] or 'chưa rõ người thực hiện'})." for m in following["milestones"]]
    bullets += [f"Khẩn trương hoàn thành việc quá hạn: {short_task(m.get('task')) or m['label']} "
                f"({_milestone_name(m)}; {m['owner'] or 'chưa rõ người thực hiện'})." for m in plan.get("overdue", [])]
    name = _lower_first(following["name"])
    if following["milestones"]:
        lead = f"Trong {name}, tập trung thực hiện {len(following['milestones'])} công việc đến hạn theo kế hoạch:"
    else:
        lead = f"Kế hoạch không có công việc đến hạn trong {name}."
    return {"paragraphs": [lead], "bullets": bullets}


# --------------------------------------------------------------------------- appendices
def _cell(text: str, colspan: int = 1, rowspan: int = 1) -> dict:
    return {"text": text, "colspan": colspan, "rowspan": rowspan}


TTHC_HEADER = [
    [_cell("STT", rowspan=3), _cell("Lĩnh vực", rowspan=3), _cell("Số hồ sơ nhận giải quyết", colspan=4),
     _cell("Số hồ sơ đã giải quyết", colspan=4), _cell("Số hồ sơ đang giải quyết", colspan=3)],
    [_cell("Tổng số", rowspan=2), _cell("Trong kỳ", colspan=2), _cell("Từ kỳ trước", rowspan=2),
     _cell("Tổng số", rowspan=2), _cell("Trước hạn", rowspan=2), _cell("Đúng hạn", rowspan=2),
     _cell("Quá hạn", rowspan=2), _cell("Tổng số", rowspan=2), _cell("Trong hạn", rowspan=2),
     _cell("Quá hạn", rowspan=2)],
    [_cell("Trực tuyến"), _cell("Trực tiếp, bưu chính")],
    [_cell(f"({i})") for i in range(1, 14)],
]
STATE_VI = {"done_on_time": "Hoàn thành đúng hạn", "done_late": "Hoàn thành chậm", "overdue": "Quá hạn",
            "not_yet_due": "Chưa đến hạn", "continuous": "Thường xuyên", "no_fixed_date": "Không định thời hạn"}


def appendices(summary: dict) -> list[dict]:
    """Biểu II.06a laid out like the form, the KPIs, the late dossiers, the plan's milestones,
    the chart of dossiers by month."""
    by_field = summary["dossiers"]["by_field"]
    rows = [[str(i), field, *(number(v) if v is not None else "" for v in counts.values())]
            for i, (field, counts) in enumerate(by_field.items(), start=1)]
    rows.append(["", "Tổng số", *(number(v) if v is not None else "" for v in summary["dossiers"]["total"].values())])
    items = [{
        "heading": "Phụ lục 1. Tình hình, kết quả giải quyết thủ tục hành chính (Biểu II.06a)",
        "note": "Theo Biểu II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP). (3) = (4) + (5) + (6) = (7) + (11).",
        "image": None,
        "table": {"header": TTHC_HEADER, "rows": rows, "total_rows": 1,
                  "align": ["center", "left", *["right"] * 11], "widths": [6, 17, *[77 / 11] * 11]},
    }, {
        "heading": "Phụ lục 2. Các chỉ số giải quyết thủ tục hành chính",
        "note": "Tỷ lệ tính trên hồ sơ của kỳ; chỉ tiêu theo kế hoạch cải cách hành chính.",
        "image": None,
        "table": {"header": [[_cell("Chỉ số"), _cell("Kết quả"), _cell("Tử số / mẫu số"), _cell("Chỉ tiêu")]],
                  "rows": [[KPI_NAMES_VI[k], percent(v),
                            f"{number(summary['kpi_parts'][k]['numerator'])}/"
                            f"{number(summary['kpi_parts'][k]['denominator'])}" if v is not None else "—",
                            "; ".join(_target_text(t) for t in _targets_of(summary, k)) or "—"]
                           for k, v in summary["kpis"].items()],
                  "total_rows": 0, "align": ["left", "right", "right", "left"], "widths": [40, 12, 16, 32]},
    }]
    late = summary.get("late_dossiers", [])
    items.append({
        "heading": "Phụ lục 3. Hồ sơ trễ hạn",
        "note": f"{number(len(late))} hồ sơ" + (" (50 hồ sơ trễ nhiều ngày nhất; danh sách đầy đủ trong tệp Excel)"
                                                if len(late) > 50 else "") if late else "Không có hồ sơ trễ hạn.",
        "image": None,
        "table": {"header": [[_cell(t) for t in ("Mã hồ sơ", "Thủ tục", "Lĩnh vực", "Hạn giải quyết",
                                                  "Số ngày trễ", "Xin lỗi")]],
                  "rows": [[r["dossier_id"], r["procedure"] or "", r["field"] or "", date(r["due_at"]),
                            number(r["days_late"]), "Có" if r["apology"] else "Chưa"] for r in late[:50]],
                  "total_rows": 0, "align": ["left", "left", "left", "center", "right", "center"],
                  "widths": [24, 30, 15, 13, 9, 9]} if late else None,
    })
    service = service_index_appendix(summary, len(items) + 1)
    if service:
        items.append(service)
    plan = summary.get("plan") or {}
    if plan.get("available"):
        milestones = plan["milestones"]
        items.append({
            "heading": f"Phụ lục {len(items) + 1}. Tiến độ công việc của kế hoạch",
            "note": "Công việc đến hạn trong kỳ, quá hạn, thường xuyên hoặc không định thời hạn.",
            "image": None,
            "table": {"header": [[_cell(t) for t in ("Mã", "Công việc", "Người thực hiện", "Hạn", "Tình trạng",
                                                      "Văn bản kiểm chứng")]],
                      "rows": [[m["task_id"], f"{short_task(m.get('task'))} ({m['label']})", m["owner"] or "",
                                date(m["due"]), STATE_VI.get(m["state"], m["state"]), m.get("evidence") or ""]
                               for m in milestones],
                      "total_rows": 0, "align": ["left", "left", "left", "center", "left", "left"],
                      "widths": [8, 33, 15, 13, 11, 20]} if milestones else None,
        })
    items.append({"heading": f"Phụ lục {len(items) + 1}. Hồ sơ tiếp nhận theo tháng",
                  "note": "Tháng không trọn kỳ ghi rõ ngày đầu, ngày cuối của phần tháng thuộc kỳ.",
                  "image": "received_by_month", "table": None})
    items.append(quality_appendix(summary, len(items) + 1))
    return items


QUALITY_ROWS = 40  # problems listed in the document (all of them in the JSON)


def quality_appendix(summary: dict, index: int) -> dict:
    """What the checks found: the exports read, the counts, then notices, rows left out, where
    the data corrects the plan's text, and warnings (file, row, column, problem), the first
    :data:`QUALITY_ROWS`."""
    q = summary["data_quality"]
    files = ", ".join(summary["dossiers"].get("source_files", [])) or "—"
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
