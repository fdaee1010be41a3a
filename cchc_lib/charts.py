"""Charts of a report. Each function returns a matplotlib Figure and writes nothing."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

FONT = "DejaVu Sans"  # matplotlib's bundled font covers every Vietnamese letter
BAR_COLOR = "#1f5f99"


def plot_received_by_month(counts: pd.Series, title: str, ax: Axes | None = None) -> Figure:
    """Bar chart of dossiers received per month (``counts`` indexed by ``MM/YYYY``)."""
    if ax is None:
        fig = Figure(figsize=(7.5, 2.8), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    labels = [str(label) for label in counts.index]
    bars = ax.bar(labels, counts.to_numpy(), color=BAR_COLOR)
    ax.bar_label(bars, fontsize=8, fontfamily=FONT)
    ax.set_title(title, fontsize=10, fontfamily=FONT, loc="left")
    ax.set_ylabel("Số hồ sơ", fontfamily=FONT)
    ax.tick_params(axis="x", labelrotation=45 if len(labels) > 6 else 0, labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.15)
    return fig
