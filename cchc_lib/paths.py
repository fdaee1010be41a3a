"""Where things are: every path the project uses comes from here."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
PERIOD_REPORT_NOTEBOOK = NOTEBOOKS_DIR / "period_report.ipynb"
ROLLUP_NOTEBOOK = NOTEBOOKS_DIR / "rollup_report.ipynb"
SAMPLE_DATA_DIR = PROJECT_ROOT / "data" / "hoang-giang"
REPORTS_DIR = PROJECT_ROOT / "reports"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
HTML_TEMPLATE = "cchc"
ROLLUP_DIR_NAME = "_tong-hop"  # OUT/_tong-hop/: the roll-up over the units of OUT


def default_out_dir(unit_slug: str) -> Path:
    """Where a unit's reports go when no ``--out`` is given: ``reports/<unit-slug>/``."""
    return REPORTS_DIR / unit_slug
