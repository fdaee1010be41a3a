"""Where things are: every path the project uses comes from here.

The report notebooks and the templates ship inside the package: ``cchc_lib.notebooks`` is the
repository's ``notebooks/`` folder (mapped in ``pyproject.toml``, one copy for JupyterLab and
for ``cchc``), found through :mod:`importlib.resources`, so an editable install, a wheel and
a plain checkout all run the same files. The sample data folder and the repository's
``reports/`` exist only in a checkout of the repository: installed from a wheel, ``cchc``
needs ``--data`` and writes to ``reports/`` of the current folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import ParameterError

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# the repository in a checkout (editable install); site-packages when installed from a wheel
PROJECT_ROOT = PACKAGE_DIR.parent
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "notebooks").is_dir()


def _notebooks_dir() -> Path:
    """The folder of the report notebooks: the package ``cchc_lib.notebooks`` (the repository's
    ``notebooks/`` in a checkout, ``site-packages/cchc_lib/notebooks/`` from a wheel)."""
    try:
        folder = resources.files("cchc_lib.notebooks")
    except ModuleNotFoundError:  # a checkout on sys.path without installing: no package mapping
        return PROJECT_ROOT / "notebooks"
    return Path(str(folder))


NOTEBOOKS_DIR = _notebooks_dir()
PERIOD_REPORT_NOTEBOOK = NOTEBOOKS_DIR / "period_report.ipynb"
ROLLUP_NOTEBOOK = NOTEBOOKS_DIR / "rollup_report.ipynb"
SAMPLE_DATA_DIR = PROJECT_ROOT / "data" / "hoang-giang"  # only in a checkout of the repository
TEMPLATES_DIR = PACKAGE_DIR / "templates"
REFERENCE_DIR = PACKAGE_DIR / "reference"  # reference data: tables of the official rules
HTML_TEMPLATE = "cchc"
ROLLUP_DIR_NAME = "_tong-hop"  # OUT/_tong-hop/: the roll-up over the units of OUT


def reports_dir() -> Path:
    """The default output folder: the repository's ``reports/`` in a checkout, else ``reports/``
    of the current folder (an installed ``cchc`` writes where it is run)."""
    return PROJECT_ROOT / "reports" if IN_CHECKOUT else Path.cwd() / "reports"


def __getattr__(name: str) -> Path:
    # REPORTS_DIR follows the current folder when installed, so it is computed on each use
    if name == "REPORTS_DIR":
        return reports_dir()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def default_out_dir(unit_slug: str) -> Path:
    """Where a unit's reports go when no ``--out`` is given: ``reports/<unit-slug>/``."""
    return reports_dir() / unit_slug


def sample_data_dir() -> Path:
    """The shipped sample's data folder, used when no data folder is given; a clear error
    where there is none (``cchc`` installed from a wheel, outside a checkout)."""
    if not SAMPLE_DATA_DIR.is_dir():
        raise ParameterError(
            "data_dir: no data folder given and the sample data (data/hoang-giang) comes only with a "
            "checkout of the repository; give the unit's data folder (cchc: --data DIR)"
        )
    return SAMPLE_DATA_DIR
