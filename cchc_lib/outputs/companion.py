"""The internal companion of a period's report (``<PERIOD>-noi-bo.html``): what the office checks
before sending the report, and never sends with it: every milestone of the window with its state
and evidence, and what the checks found, naming files, rows and columns
(:func:`cchc_lib.outputs.document.companion`). Written from the period's summary beside the report's HTML;
the index page links it (docs/report.md, "The official report")."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from ..base import vi
from ..base.paths import TEMPLATES_DIR
from .document import companion
from .templating import environment

TEMPLATE = "document/companion.html.j2"


@functools.cache
def _environment() -> jinja2.Environment:
    return environment(autoescape=True)  # the document's tables, as the report's page writes them


@functools.cache
def _css() -> str:
    return (TEMPLATES_DIR / "cchc" / "report.css").read_text(encoding="utf-8")


def render_companion(summary: dict) -> str:
    """The companion page of one period's summary, as one offline HTML file."""
    return _environment().get_template(TEMPLATE).render(
        css=_css(), unit=summary["unit"], period_name=summary["period_name"], items=companion(summary), images={},
        generated=vi.local_time(summary["generated_at"]))


def write_companion(summary: dict, target: Path) -> None:
    """``render_companion`` written to ``target`` (a file of the run's staging folder)."""
    Path(target).write_text(render_companion(summary), encoding="utf-8")
