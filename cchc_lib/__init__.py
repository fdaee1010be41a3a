"""cchc_lib: period reports of a commune's administrative reform (CCHC) plan and TTHC dossiers.

The public face, used by the report notebook::

    ctx = check_parameters(period, cutoff, data_dir, unit)
    dossiers = load_dossiers(ctx.data_dir)
    summary = build_summary(ctx, dossiers)
"""

from .params import ReportContext, check_parameters
from .periods import Period, parse_period, periods_of_year
from .plan import Plan, load_plan
from .summary import build_summary
from .validate import DossierData, load_dossiers, validate_data

__all__ = [
    "Period",
    "Plan",
    "ReportContext",
    "DossierData",
    "build_summary",
    "check_parameters",
    "load_dossiers",
    "load_plan",
    "parse_period",
    "periods_of_year",
    "validate_data",
]
