"""The tables of a plan document read as its tasks (docs/plan.md, "Importing a plan document"): one area
per appendix, named by the reform area its title names (``cchc_lib/reference/reform_areas.csv``)."""

from __future__ import annotations

import csv
import re

from ..base.paths import REFERENCE_DIR
from .plan_source import ReviewItem, SourceTable

_APPENDIX = re.compile(r"Phụ lục(?: số)?\s*:?\s*(\d+)", re.IGNORECASE)
_ROLES = (("number", r"\bS?TT\b"), ("task", r"nhiệm vụ|nội dung"), ("deliverable", r"sản\s*phẩm|kết\s*quả"),
          ("owner", r"cơ quan|\bCQ\b|người|đơn vị|chủ trì"), ("timing", r"thời gian|thời hạn|tiến độ"))


def reform_areas() -> list[dict]:
    """The reform areas a plan's appendices are named after: number, name and the words that name them."""
    with (REFERENCE_DIR / "reform_areas.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def area_of(title: str, fallback: int) -> tuple[int, str]:
    """The area a table's title names: its appendix number (else ``fallback``) and the reform area's name
    (else the title's own words)."""
    number = int(match.group(1)) if (match := _APPENDIX.search(title)) else fallback
    for area in reform_areas():
        if re.search(area["keywords"], title, re.IGNORECASE):
            return number, area["name"]
    words = re.sub(r"Phụ lục(?: số)?\s*:?\s*\d+\s*:?|Các nhiệm vụ trọng tâm về|năm \d{4}", "", title)
    return number, " ".join(words.split()).strip(" :.-") or f"Lĩnh vực {number}"


def _roles(header: list[str | None]) -> list[str | None]:
    return [next((role for role, words in _ROLES if re.search(words, cell or "", re.IGNORECASE)), None)
            for cell in header]


def tasks_from_tables(tables: list[SourceTable], year: int) -> tuple[list[dict], list[ReviewItem]]:
    """Every task row of every table of tasks (a header naming a task column), with its area."""
    tasks: list[dict] = []
    for index, table in enumerate(tables, start=1):
        roles = _roles(table.rows[0]) if table.rows else []
        if "task" not in roles:
            continue
        number, name = area_of(table.title, index)
        for row, where in zip(table.rows[1:], table.where[1:], strict=True):
            cells = {role: (cell or "").strip() for role, cell in zip(roles, row, strict=False) if role}
            if not any(cells.values()):
                continue
            label = cells.get("number", "").rstrip(".") or str(len(tasks) + 1)
            tasks.append({"task_id": f"PL{number:02d}-{label}", "area": number, "area_name": name,
                          "task": cells.get("task", ""), "deliverable": cells.get("deliverable", ""),
                          "owner": cells.get("owner", ""), "timing": cells.get("timing", ""), "where": where})
    return tasks, []
