"""The reform index self-assessment as a document: ``OUT/<YEAR>-chi-so-cchc.{html,pdf,xlsx,json}``.

The figures come from :func:`cchc_lib.figures.scoring.score` (docs/self-assessment.md, "The reform index
self-assessment"); this module lays them out: the JSON as it is, an HTML page (template
``templates/site/score.html.j2``, every value escaped), printed to PDF by the report's renderer
when the run writes the files (:mod:`cchc_lib.running.score_report`), and a workbook laid out
like the self-scoring forms provinces hand out (STT, Lĩnh vực / tiêu chí, Điểm tối đa, Điểm tự
chấm, Tài liệu kiểm chứng, Ghi chú), numbers as numbers and every text inert. For a period before
the year's end (``cchc score 2023-Q3``) the files are ``<PERIOD>-chi-so-cchc.*`` and show the
points secured so far, those at risk and those still open.

The total is the points secured over the points due by the as-of date, the points not yet due
named beside it ("72,06 / 91 điểm đến hạn; 9 điểm chưa đến hạn"), the maximum (100) shown too. A
criterion's points are not yet due when they are the share of a plan milestone that is not yet
due at the as-of date, the last day of the data (``end``: with the decree09 cut-off 14/12 for the
year), as :func:`cchc_lib.inputs.plan.milestone_status` tells it (``not_yet_due``); kpi, indicator and
manual criteria are always due. The day the files are made plays no part, so the same data
always gives the same self-assessment.
Every label is written once: a row's sentence says how its points were found, and a flag the
sentence already states is not repeated beside it.

The page and its PDF are a document of the commune, laid out as the period report is (Nghị định
30/2020/NĐ-CP): the header block, "BÁO CÁO" and its trích yếu, the closing sentence, "Nơi nhận" and
the signature block, written by the period report's templates (``templates/document/header.html.j2``
and ``closing.html.j2``) from :func:`document_context`; page numbers top centre from page 2. What
goes upward (page, PDF, workbook) names no file, folder or column of the data folder: the files the
criteria came from are in the JSON (``criteria_file``, ``self_scores_file``) and on the command line.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import jinja2
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..base import paths, vi
from ..figures.scoring import score_sentence
from ..inputs.unit import DocumentInfo
from .index_page import site_environment
from .tthc_form import window_line
from .xlsx_report import fit_row_height, put_cell, save_workbook, style_header_row, style_print

SCORE_SUFFIX = "chi-so-cchc"
SCORE_FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx", "json")
FLAG_NAMES_VI = {
    "no_evidence": "Có điểm nhưng chưa có tài liệu kiểm chứng",
    "data_missing": "Thiếu số liệu",
    "target_conflict": "Kế hoạch ghi nhiều mức chỉ tiêu",
    "overdue": "Có mốc công việc quá hạn",
    "below_target": "Chưa đạt mức tối đa",
    "overridden": "Điểm tự chấm thay điểm tính từ số liệu",
}
METHOD_NAMES_VI = {"sum": "Tổng các tiêu chí thành phần", "milestones": "Theo tiến độ kế hoạch",
                   "kpi": "Theo chỉ số hồ sơ", "indicator": "Theo chỉ số nhập tay", "manual": "Tự chấm"}
# a flag whose fact the row's sentence (``how``) already states, by the words that state it; the
# sentence of a criterion lacking its data always says what it lacks ("" is in every sentence)
_STATED_BY_HOW = {"overdue": "quá hạn", "no_evidence": "có điểm nhưng chưa có tài liệu kiểm chứng",
                  "overridden": "thay cho điểm tính từ số liệu", "data_missing": ""}
# an example set of criteria, as the page and the workbook say it (the file is named on the command line only)
EXAMPLE_NOTICE = ("Bộ tiêu chí dùng ở đây là bộ ví dụ, chưa phải bộ tiêu chí Chỉ số cải cách hành chính do Ủy ban "
                  "nhân dân tỉnh ban hành: kết quả tự chấm chỉ để tham khảo.")


class ScoreResult(dict):
    """The self-assessment (the dict :func:`cchc_lib.figures.scoring.score` returns, written as the JSON)
    with its author as ``unit.yaml`` gives it (``author``: :class:`cchc_lib.inputs.ingest.DocumentInfo`,
    the document's header and signature); the JSON holds the dict only.

    >>> r = ScoreResult({"year": 2023}, author=DocumentInfo(signer="Lê Văn A"))
    >>> import json; json.dumps(r), r.author.signer
    ('{"year": 2023}', 'Lê Văn A')
    """

    def __init__(self, *args: object, author: DocumentInfo | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.author = author or DocumentInfo()


def score_stem(result: dict) -> str:
    """``2023-chi-so-cchc`` for the year, ``2023-Q3-chi-so-cchc`` for a period of it."""
    return f"{result['year']}-{SCORE_SUFFIX}" if result.get("year_end") else f"{result['period']}-{SCORE_SUFFIX}"


def score_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats of the self-assessment among those of a report run (it has no Word file)."""
    return tuple(f for f in SCORE_FORMATS if f in formats)


def criterion_notes(c: dict) -> list[tuple[str, str]]:
    """What the notes cell of a criterion says, each thing once, as ``(kind, text)``: how its
    points were found (``how``), the flags the sentence does not already state (``flag``), the
    official (``official``) and the office's note (``note``).

    >>> criterion_notes({"method": "manual", "how": "Tự chấm 1/2 điểm", "official": "Công chức A",
    ...                  "flags": ["no_evidence"], "note": ""})
    [('how', 'Tự chấm 1/2 điểm'), ('flag', 'Có điểm nhưng chưa có tài liệu kiểm chứng'), \
('official', 'Người chấm: Công chức A')]
    >>> criterion_notes({"method": "milestones", "how": "1/2 mốc hoàn thành đúng hạn, 1 mốc quá hạn: 1 × 2 = 2 điểm",
    ...                  "flags": ["overdue"], "official": "", "note": "Chờ hướng dẫn"})
    [('how', '1/2 mốc hoàn thành đúng hạn, 1 mốc quá hạn: 1 × 2 = 2 điểm'), ('note', 'Chờ hướng dẫn')]
    """
    how = c.get("how") or METHOD_NAMES_VI.get(c["method"], c["method"])
    notes = [("how", how)]
    notes += [("flag", FLAG_NAMES_VI.get(f, f)) for f in c.get("flags", []) if _STATED_BY_HOW.get(f, "\0") not in how]
    if c.get("official"):
        notes.append(("official", f"Người chấm: {c['official']}"))
    if c.get("note"):
        notes.append(("note", c["note"]))
    return notes


def _not_yet_due_sentence(result: dict) -> str:
    """What "chưa đến hạn" means on this page, with the as-of date; empty when nothing waits."""
    if not result.get("points_not_yet_due"):
        return ""
    return (f"Điểm chưa đến hạn: điểm của các mốc công việc mà đến ngày {vi.date(result['end'])}, ngày cuối của số "
            "liệu, vẫn còn trong hạn (hạn của từng mốc ghi ở phần cách tính); chưa chấm, không tính là 0 điểm, được "
            "chấm khi đến hạn.")


def _area_heading(area: dict) -> str:
    """``3. Cải cách tổ chức bộ máy: 5,2 / 7 điểm đến hạn; 3 điểm chưa đến hạn (tối đa 10 điểm)``."""
    sentence = score_sentence(area["score"], area["points_due"], area["points_not_yet_due"])
    return sentence + (f" (tối đa {vi.points(area['max'])} điểm)" if area["points_not_yet_due"] else "")


def score_subject(result: dict) -> str:
    """The trích yếu: ``Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2023``;
    during the year the points are provisional, to the period's end.

    >>> score_subject({"year": 2023, "year_end": False, "period_name": "Quý II năm 2023"})
    'Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2023 (tạm tính đến hết quý II năm 2023)'
    """
    subject = f"Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {result['year']}"
    if result.get("year_end"):
        return subject
    name = result["period_name"]
    return f"{subject} (tạm tính đến hết {vi.lower_first(name)})"


def document_context(result: dict, author: DocumentInfo | None = None) -> dict:
    """The self-assessment as a document of the commune, in the keys of the period report's
    document context (:mod:`cchc_lib.outputs.document`: ``header``, ``title``, ``subtitle``,
    ``window_line``, ``intro``, ``closing``, ``recipients``, ``signature``), from the result and
    its author (``unit.yaml``). Its number is left to fill in: ``report_number`` of ``unit.yaml``
    is the period report's, not this document's.

    >>> d = document_context({"unit": "Xã Hoằng Giang", "district": "Huyện Hoằng Hóa", "year": 2023,
    ...     "year_end": True, "start": "2022-12-15", "end": "2023-12-14", "cutoff": "decree09"})
    >>> d["header"]["authority"], d["header"]["unit"], d["header"]["number"], d["header"]["place_date"]
    ('ỦY BAN NHÂN DÂN', 'XÃ HOẰNG GIANG', 'Số:       /BC-UBND', 'Hoằng Giang, ngày      tháng      năm 2023')
    >>> d["signature"], d["recipients"][0]
    ({'on_behalf': 'TM. ỦY BAN NHÂN DÂN', 'title': 'CHỦ TỊCH', 'name': ''}, 'UBND huyện Hoằng Hóa;')
    """
    from .document import Who

    info = dataclasses.replace(author or DocumentInfo(), report_number="")
    who = Who(result, info)
    subject = score_subject(result)
    scope = "" if result.get("year_end") else (
        " (điểm đã có, điểm có nguy cơ mất và điểm chưa đến hạn trong năm)")
    return {
        "draft": False, "header": who.header(result), "title": "BÁO CÁO", "subtitle": subject,
        "window_line": window_line(result),
        "intro": [f"{who.body} báo cáo {vi.lower_first(subject)}{scope} như sau:"],
        "closing": f"Trên đây là báo cáo {vi.lower_first(subject)} của {who.body}./.",
        "recipients": list(info.recipients) or who.default_recipients(result),
        "signature": {"on_behalf": (info.signer_on_behalf or f"TM. {who.authority}").upper(),
                      "title": (info.signer_title or "Chủ tịch").upper(), "name": info.signer},
    }


def page_context(result: dict, author: DocumentInfo | None = None) -> dict:
    """What the HTML page shows: the document's header and ending (:func:`document_context`), the
    totals, and per area its criteria as table rows."""
    areas = []
    for area in result["areas"]:
        rows = [{
            "id": c["id"], "level": c["level"], "text": c["text"], "max": vi.points(c["max"]),
            "score": vi.points(shown_score(c)), "at_risk": vi.points(c.get("at_risk")) if c.get("at_risk") else "",
            "open": vi.points(c.get("open")) if c.get("open") else "",
            "evidence": c.get("evidence") or [], "expected": c.get("expected_evidence") or "",
            "notes": criterion_notes(c),
        } for c in area["criteria"]]
        areas.append({"id": area["id"], "text": area["text"], "points": _area_heading(area), "rows": rows})
    return {
        "result": result, "document": document_context(result, author), "areas": areas,
        "example": EXAMPLE_NOTICE if result.get("example") else "", "max": vi.points(result["max"]),
        # the province sheet's decision, where the criteria name one (docs/self-assessment.md, "The province's
        # criteria sheet")
        "criteria_source": ("Bộ tiêu chí ban hành kèm theo " + result["criteria_decision"])
        if result.get("criteria_decision") else "",
        "score_text": score_sentence(result["score"], result["points_due"], result["points_not_yet_due"]),
        "not_yet_due": _not_yet_due_sentence(result),
        "show_risk": not result.get("year_end"), "show_open": show_open(result),
        "at_risk": vi.points(result.get("at_risk")), "open": vi.points(result.get("open")),
        "generated": vi.local_time(result["generated_at"]),
        "flags": [{"name": FLAG_NAMES_VI.get(k, k), "count": n} for k, n in sorted(result.get("flags", {}).items())
                  if n],
    }


def shown_score(c: dict) -> float | None:
    """A criterion's points as the form shows them: none (an empty cell, "—") while all of them
    are not yet due, rather than a 0 that reads as points lost.

    >>> shown_score({"score": 0.0, "points_due": 0.0, "points_not_yet_due": 3.0})
    >>> shown_score({"score": 0.0, "points_due": 3.0, "points_not_yet_due": 0.0})
    0.0
    """
    return None if c.get("points_not_yet_due") and c.get("points_due", 1) <= 0 and not c["score"] else c["score"]


def show_open(result: dict) -> bool:
    """Whether the tables have a column of the points not yet due: during the year, and at the
    year's end when some are (a milestone due after the data's last day)."""
    return not result.get("year_end") or bool(result.get("points_not_yet_due"))


def _environment() -> jinja2.Environment:
    """The site's templates (autoescape), with the period report's document templates and style
    sheet reachable by their paths under ``templates/`` (``document/header.html.j2``)."""
    env = site_environment()
    env.loader = jinja2.ChoiceLoader([env.loader, jinja2.FileSystemLoader(paths.TEMPLATES_DIR)])
    return env


def render_score_html(result: dict, author: DocumentInfo | None = None) -> str:
    """The self-assessment as one offline HTML page; ``author`` (default: the result's own, see
    :class:`ScoreResult`) gives the header and the signature."""
    author = author or getattr(result, "author", None)
    return _environment().get_template("score.html.j2").render(**page_context(result, author))


# --------------------------------------------------------------------------- the workbook
_HEADER = ("STT", "Lĩnh vực / tiêu chí", "Điểm tối đa", "Điểm tự chấm", "Tài liệu kiểm chứng", "Ghi chú")
_WIDTHS = (9, 60, 11, 11, 50, 45)
_RISK, _OPEN = "Điểm có nguy cơ mất", "Điểm chưa đến hạn"


def _workbook_lines(result: dict) -> list[tuple[str | None, Font | None]]:
    """The lines above the form: unit, title, the data's window, the total, what "not yet due"
    means, the example notice."""
    window = f"Số liệu từ {vi.date(result['start'])} đến {vi.date(result['end'])}"
    if not result.get("year_end"):
        window += f" ({result['period_name']}, đang trong năm)"
    total = score_sentence(result["score"], result["points_due"], result["points_not_yet_due"])
    lines = [(result.get("unit"), Font(bold=True)),
             (f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {result['year']}", Font(bold=True, size=13)),
             (window, None),
             (f"Tổng điểm tự chấm: {total} (điểm tối đa {vi.points(result['max'])})", Font(bold=True))]
    if _not_yet_due_sentence(result):
        lines.append((_not_yet_due_sentence(result), Font(italic=True)))
    if result.get("example"):
        lines.append((EXAMPLE_NOTICE, Font(italic=True, color="9C0006")))
    return lines


def _criterion_values(c: dict, extra: tuple[str, ...]) -> list:
    notes = "\n".join(text for _, text in criterion_notes(c))
    values = [c["id"], c["text"], c["max"], shown_score(c), "\n".join(c.get("evidence") or []) or None, notes or None]
    return values + [(c.get("at_risk") if name == _RISK else c.get("open")) or 0 for name in extra]


def build_score_workbook(result: dict) -> Workbook:
    """The self-scoring form: one row per area and criterion, the total row; during the year two
    more columns, the points at risk and those not yet due (at the year's end the second only,
    when some points are not yet due)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tự chấm điểm"
    extra = ((_RISK,) if not result.get("year_end") else ()) + ((_OPEN,) if show_open(result) else ())
    header, widths = _HEADER + extra, _WIDTHS + (12,) * len(extra)
    numbers = {3, 4, *range(7, 7 + len(extra))}
    lines = _workbook_lines(result)
    for at, (text, font) in enumerate(lines, start=1):
        cell = put_cell(ws, at, 1, text)
        if font is not None:
            cell.font = font
        if at > 3:  # the total and the notes: across the table, wrapped
            ws.merge_cells(start_row=at, start_column=1, end_row=at, end_column=len(header))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[at].height = 15 * -(-len(text or "") // int(sum(widths) * 1.1))
    first = len(lines) + 2
    style_header_row(ws, first, header, widths)
    ws.row_dimensions[first].height = 32
    row = first + 1
    for c in (c for area in result["areas"] for c in area["criteria"]):
        for column, value in enumerate(_criterion_values(c, extra), start=1):
            cell = put_cell(ws, row, column, value, "0.##" if column in numbers else None)
            cell.alignment = Alignment(vertical="top", wrap_text=True, indent=0 if column != 2 else c["level"] - 1)
            if c["level"] == 1:
                cell.font = Font(bold=True)
        fit_row_height(ws, row)
        row += 1
    totals = ["", "Tổng cộng", result["max"], result["score"], "", ""]
    totals += [(result.get("at_risk") if name == _RISK else result.get("open")) or 0 for name in extra]
    for column, value in enumerate(totals, start=1):
        put_cell(ws, row, column, value, "0.##" if column in numbers else None).font = Font(bold=True)
    style_print(ws, first, len(header))
    return wb


def write_score_xlsx(result: dict, target: Path) -> None:
    """The self-scoring form (:func:`build_score_workbook`) saved to ``target``."""
    save_workbook(build_score_workbook(result), target)
