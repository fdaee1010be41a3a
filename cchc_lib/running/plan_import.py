"""``cchc plan import``: a plan document read and written as the plan's files, whole or not at all
(docs/plan.md, "Importing a plan document").

``plan/plan.yaml``, ``plan/tasks.csv`` and ``plan/targets.csv`` are written to a staging folder first and
moved into ``plan/`` only when all three are whole; an existing plan is never replaced without
``overwrite``. ``plan/import-review.html`` lists what a person should check.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..base.errors import DataError
from ..base.files import write_text
from ..inputs.plan import INDICATOR_NAMES_VI, PLAN_DIR
from ..inputs.plan_import import ImportedPlan, read_plan_document
from ..inputs.plan_source import REVIEW_KINDS, ReviewItem, Where
from ..inputs.tables import find_table, known_header, read_known_columns
from ..outputs.templating import environment

PLAN_FILES = ("plan.yaml", "tasks.csv", "targets.csv")
REVIEW_FILE = "import-review.html"
TASK_COLUMNS = ("task_id", "area", "area_name", "task", "deliverable", "owner", "timing", "timing_corrected",
                "correction_note")
TARGET_COLUMNS = ("target_id", "kpi", "comparison", "value", "where", "sentence", "area")


@dataclass
class ImportResult:
    """What an import wrote: the plan read (header, tasks, targets), the review and the files."""

    plan: ImportedPlan
    review: list[ReviewItem]
    written: list[Path]

    @property
    def header(self) -> dict:
        return self.plan.header


def import_plan(source: Path, data_dir: Path, *, overwrite: bool = False) -> ImportResult:
    """The plan document ``source`` read and written into ``data_dir/plan``; refused, before anything is
    written, when a plan is there and ``overwrite`` is not given."""
    data_dir, plan_dir = Path(data_dir), Path(data_dir) / PLAN_DIR
    present = [plan_dir / name for name in PLAN_FILES if (plan_dir / name).exists()]
    if present and not overwrite:
        raise DataError(f"{plan_dir}: a plan is already there ({', '.join(p.name for p in present)}); "
                        "give --overwrite to replace it")
    plan = read_plan_document(Path(source))
    review = list(plan.review)
    targets = _kept_targets(plan, data_dir, review)
    texts = {"plan.yaml": _plan_yaml(plan), "tasks.csv": _csv(TASK_COLUMNS, plan.tasks),
             "targets.csv": _csv(TARGET_COLUMNS, targets)}
    plan_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".plan-import-", dir=plan_dir))
    try:
        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8-sig" if name.endswith(".csv") else "utf-8")
        written = []
        for name in PLAN_FILES:
            (staging / name).replace(plan_dir / name)
            written.append(plan_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    write_text(plan_dir / REVIEW_FILE, review_page(plan, targets, review, Path(source).name))
    return ImportResult(plan, review, [*written, plan_dir / REVIEW_FILE])


def _kept_targets(plan: ImportedPlan, data_dir: Path, review: list[ReviewItem]) -> list[dict]:
    """The targets to write: those on an indicator the folder does not report yet go to the review."""
    found = find_table(data_dir / PLAN_DIR, "indicators")
    reported = set(read_known_columns(found, known_header(("indicator",)), ("indicator",)).frame["indicator"]) \
        if found is not None else set()
    kept = []
    for target in plan.targets:
        if target["kpi"] in INDICATOR_NAMES_VI and target["kpi"] not in reported:
            review.append(ReviewItem("target", f"Chỉ tiêu “{target['sentence']}” ({target['value']}) thuộc chỉ số"
                                     f" “{INDICATOR_NAMES_VI[target['kpi']]}” ({target['kpi']}): ghi số liệu của"
                                     " chỉ số vào plan/indicators.csv rồi thêm chỉ tiêu vào targets.csv",
                                     target.get("source", Where())))
            continue
        kept.append(target)
    return [{**target, "target_id": f"T{number}"} for number, target in enumerate(kept, start=1)]


def _plan_yaml(plan: ImportedPlan) -> str:
    header = plan.header
    body = {"year": header["year"], "title": header["title"], "document": header["document"]}
    return "# The reform plan this folder describes, read from its document.\n" + yaml.safe_dump(
        body, allow_unicode=True, sort_keys=False, width=1000)


def _csv(columns: tuple[str, ...], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({column: row.get(column, "") for column in columns} for row in rows)
    return out.getvalue()


def review_page(plan: ImportedPlan, targets: list[dict], review: list[ReviewItem], source_name: str) -> str:
    """The review page: what to check, grouped by kind, each with its place in the source."""
    groups = [(title, [item for item in review if item.kind == kind]) for kind, title in REVIEW_KINDS.items()]
    counts = Counter((task["area"], task["area_name"]) for task in plan.tasks)
    areas = [{"number": number, "name": name, "count": count} for (number, name), count in counts.items()]
    template = environment(autoescape=True).get_template("plan/import-review.html.j2")
    return template.render(header=plan.header, tasks=plan.tasks, targets=targets, areas=areas,
                           groups=[(title, items) for title, items in groups if items], source_name=source_name)


def review_lines(result: ImportResult) -> list[str]:
    """The review as printed lines: one per thing to check, with its place."""
    return [f"- [{REVIEW_KINDS[item.kind]}] {item.where.vi()}: {item.message}" for item in result.review]
