"""Biểu số II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP), the form of the dossiers' figures: its
header, its columns' names, its table's layout and the rules written under it, once for every output
that lays it out (the workbook, the report's page and the document's appendix, the roll-up's, the
analyst's notebook); and the line under a document's title that says which window its figures count."""

from __future__ import annotations

from ..base import vi
from ..base.periods import CUTOFF_SHORT_VI
from ..figures.dossiers import COUNT_KEYS

FORM_COLUMNS = 13
# the form's header: (first row, first column, last row, last column, text), rows counted from
# the header's first row, columns from 1; a line break where the phrase breaks in a narrow cell
FORM_HEADER: tuple[tuple[int, int, int, int, str], ...] = (
    (0, 1, 2, 1, "STT"), (0, 2, 2, 2, "Lĩnh vực"),
    (0, 3, 0, 6, "Số hồ sơ nhận giải quyết"), (0, 7, 0, 10, "Số hồ sơ đã giải quyết"),
    (0, 11, 0, 13, "Số hồ sơ đang giải quyết"),
    (1, 3, 2, 3, "Tổng số"), (1, 4, 1, 5, "Trong kỳ"), (1, 6, 2, 6, "Từ kỳ trước"),
    (1, 7, 2, 7, "Tổng số"), (1, 8, 2, 8, "Trước hạn"), (1, 9, 2, 9, "Đúng hạn"), (1, 10, 2, 10, "Quá hạn"),
    (1, 11, 2, 11, "Tổng số"), (1, 12, 2, 12, "Trong hạn"), (1, 13, 2, 13, "Quá hạn"),
    (2, 4, 2, 4, "Trực tuyến"), (2, 5, 2, 5, "Trực tiếp,\nbưu chính"),
)
# each count's column and name in one line (a table of the analyst's notebook), in the order of COUNT_KEYS
COLUMN_HEADERS: dict[str, str] = dict(zip(COUNT_KEYS, (
    "(3) Tổng số hồ sơ nhận giải quyết", "(4) Trong kỳ: trực tuyến", "(5) Trong kỳ: trực tiếp, dịch vụ bưu chính",
    "(6) Từ kỳ trước chuyển qua", "(7) Đã giải quyết: tổng số", "(8) Trước hạn", "(9) Đúng hạn", "(10) Quá hạn",
    "(11) Đang giải quyết: tổng số", "(12) Trong hạn", "(13) Quá hạn"), strict=True))
FORM_BASIS_NOTE = "Theo Biểu II.06a/VPCP/KSTT (Thông tư 01/2020/TT-VPCP)."
FORM_NOTE = "(3) = (4) + (5) + (6) = (7) + (11)"
WITHDRAWN_RULE = "Hồ sơ rút, trả lại tính là đúng hạn; hồ sơ từ chối tiếp nhận không tính."
DOCUMENT_WITHDRAWN_RULE = "Hồ sơ công dân rút và hồ sơ trả lại tính vào cột đúng hạn (9)."  # the document's words
# without the export's outcome, a refused dossier cannot be told from one received (docs/figures.md, "The figures")
NO_OUTCOME_RULE = ("Dữ liệu hồ sơ không có kết quả xử lý nên không phân biệt được hồ sơ từ chối tiếp nhận: số hồ "
                   "sơ tiếp nhận có thể gồm cả các hồ sơ này.")
FORM_SOURCE = f"{FORM_BASIS_NOTE} {WITHDRAWN_RULE}"
FORM_SOURCE_NO_OUTCOME = f"{FORM_BASIS_NOTE} {NO_OUTCOME_RULE}"


def outcome_unknown(summary: dict) -> bool:
    """Whether the period's export lacks the dossiers' outcome (a refused dossier then counts as received)."""
    return "outcome" in ((summary.get("data_quality") or {}).get("missing_columns") or [])


def form_source(summary: dict) -> str:
    """The note under Biểu II.06a in the workbook: the form's rules, or what the export lets it tell.

    >>> form_source({"data_quality": {"missing_columns": ["outcome"]}}) == FORM_SOURCE_NO_OUTCOME
    True
    """
    return FORM_SOURCE_NO_OUTCOME if outcome_unknown(summary) else FORM_SOURCE


def page_note(summary: dict) -> str:
    """The note under the form on the report's page: its basis, its rule, how withdrawn and
    refused dossiers count (or that the export cannot tell them)."""
    return f"{FORM_BASIS_NOTE} {FORM_NOTE}. {NO_OUTCOME_RULE if outcome_unknown(summary) else WITHDRAWN_RULE}"


def document_note(summary: dict) -> str:
    """The note under the form in the document's appendix: its basis, its rule, how withdrawn
    dossiers count; for an export without the dossiers' outcome, the page's note (:func:`page_note`).

    >>> document_note({"data_quality": {"missing_columns": ["outcome"]}}) == page_note(
    ...     {"data_quality": {"missing_columns": ["outcome"]}})
    True
    """
    if outcome_unknown(summary):
        return page_note(summary)
    return f"{FORM_BASIS_NOTE} {FORM_NOTE}. {DOCUMENT_WITHDRAWN_RULE}"


def window_line(summary: dict) -> str:
    """The line under a document's title: the window its figures count and their cut-off.

    >>> window_line({"start": "2023-01-01", "end": "2023-03-31", "cutoff": "other"})
    '(Số liệu từ ngày 01/01/2023 đến ngày 31/03/2023, chốt other)'
    """
    cutoff = CUTOFF_SHORT_VI.get(summary["cutoff"], summary["cutoff"])
    return f"(Số liệu từ ngày {vi.date(summary['start'])} đến ngày {vi.date(summary['end'])}, chốt {cutoff})"


def header_cells(second: str = "Lĩnh vực") -> list[list[dict]]:
    """The header as rows of cells (``text``, ``colspan``, ``rowspan``), the column numbers
    (1)…(13) last: the document's and the page's tables; ``second``: the second column's name
    (a roll-up's table of units: "Đơn vị").

    >>> [c["text"] for c in header_cells()[2]], header_cells()[0][2]
    (['Trực tuyến', 'Trực tiếp, bưu chính'], {'text': 'Số hồ sơ nhận giải quyết', 'colspan': 4, 'rowspan': 1})
    """
    rows: list[list[dict]] = [[], [], []]
    for top, left, bottom, right, text in sorted(FORM_HEADER, key=lambda cell: cell[:2]):
        text = second if left == 2 else text.replace("\n", " ")
        rows[top].append({"text": text, "colspan": right - left + 1, "rowspan": bottom - top + 1})
    return [*rows, [{"text": f"({i})", "colspan": 1, "rowspan": 1} for i in range(1, FORM_COLUMNS + 1)]]


def table_layout(second: str = "Lĩnh vực") -> dict:
    """The form as a table of a document's appendix: its header (:func:`header_cells`), one total
    row, each column's alignment and width (percent).

    >>> layout = table_layout(); layout["total_rows"], layout["align"][:3], layout["widths"][:2]
    (1, ['center', 'left', 'right'], [6, 17])
    """
    return {"header": header_cells(second), "total_rows": 1, "align": ["center", "left", *["right"] * 11],
            "widths": [6, 17, *[77 / 11] * 11]}
