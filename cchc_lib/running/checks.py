"""Every problem of a data folder, listed at once: the command ``cchc validate``.

The dossiers are checked by the rules of :mod:`cchc_lib.inputs.loading`; beside them come the unit's
file and Word template, the catalogue, the plan and its header, the reform index criteria and the
office's texts of the periods.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..base.errors import DataError, ReportError
from ..base.problems import (
    ERROR,
    ProblemError,
    concat_problems,
    problem,
    problem_table,
)
from ..inputs.criteria import check_scoring
from ..inputs.exports import ExportMapping
from ..inputs.ingest import read_catalogue, read_raw_dossiers
from ..inputs.loading import check_dossiers, lacking_channel
from ..inputs.narrative import check_narratives  # the office's own words per period
from ..inputs.plan import read_plan
from ..inputs.plan_header import check_plan_header
from ..inputs.unit import UNIT_FILE, Unit, read_unit


def template_problems(unit: Unit) -> pd.DataFrame:
    """The unit's Word template (``report_template:``) opened and checked as a report uses it
    (:func:`cchc_lib.outputs.docx_report.check_template`): a template that cannot be used, named."""
    if unit.document.template_path is None:
        return problem_table()
    from ..outputs.docx_report import check_template

    try:
        check_template(unit.document.template_path)
    except ReportError as exc:
        name = unit.document.report_template
        return problem_table([problem(name, None, "report_template", "", f"Mẫu Word {name} không dùng được",
                                      str(exc))])
    return problem_table()


def validate_data(data_dir: Path) -> pd.DataFrame:
    """Every problem of a data folder's inputs (unit.yaml, files, catalogue, dossier rows, plan files,
    the plan's header against the unit, the reform index criteria and self-scores, the office's texts of
    the periods)."""
    data_dir = Path(data_dir)
    try:
        unit = read_unit(data_dir)
        unit_problems = template_problems(unit)
    except DataError as exc:  # the exports are still read, as an export the project knows
        found = exc.problems if isinstance(exc, ProblemError) else problem_table([problem(
            UNIT_FILE, None, "", "", "unit.yaml không dùng được", str(exc).removeprefix(str(data_dir / UNIT_FILE))
            .lstrip(": "))])
        unit, unit_problems = Unit(name=data_dir.name, slug=data_dir.name, mapping=ExportMapping()), found
    raw, read_problems, readings = read_raw_dossiers(data_dir, unit.dossier_sheet, unit.mapping)
    catalogue, catalogue_problems = read_catalogue(data_dir)
    readable = not (read_problems["severity"] == ERROR).any()
    _, problems, _ = check_dossiers(raw, catalogue, lacking_channel(readings)) if readable else (None, None, 0)
    plan, plan_problems = read_plan(data_dir)
    header_problems = check_plan_header(data_dir)  # a plan of another unit, a number left as "..."
    scoring_problems = check_scoring(data_dir, plan)
    narrative_problems = problem_table(check_narratives(data_dir, plan))
    return concat_problems(unit_problems, read_problems, catalogue_problems, problems, plan_problems,
                           header_problems, scoring_problems, narrative_problems)
