"""Charts of a report. Each function returns a matplotlib Figure and writes nothing.

The charts are printed, often in black and white: the series differ by lightness (dark,
mid, light) and by hatching, never by hue alone; no text is smaller than 8 pt at the
figure's size.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ..base import vi  # noqa: E402
from ..base.paths import TEMPLATES_DIR  # noqa: E402

# the document's own face, shipped with the package (templates/fonts/): a chart reads like the text
# around it; named by its file, so that no face of the machine with the same name is taken
FONT_FILES = {False: TEMPLATES_DIR / "fonts" / "LiberationSerif-Regular.ttf",
              True: TEMPLATES_DIR / "fonts" / "LiberationSerif-Italic.ttf"}
TEXT_COLOR = "#1a1a1a"
# dossiers received in a whole month: a mid tone
RECEIVED_STYLE = {"facecolor": "#7ba3cc", "edgecolor": "#2b4a6b", "hatch": None}
# of them, received online: a dark tone with light hatching
ONLINE_STYLE = {"facecolor": "#12355b", "edgecolor": "#12355b", "hatch": "////", "hatchcolor": "#c9d9ea"}
# a month the window covers only in part: a light tone, dotted, with a dashed outline
PARTIAL_STYLE = {"facecolor": "#e3edf7", "edgecolor": "#2b4a6b", "hatch": "..", "linestyle": "--"}
LABELS_VI = {
    "received": "Hồ sơ tiếp nhận",
    "online": "Trong đó: trực tuyến",
    "partial": "tháng không trọn kỳ",
    "y": "Số hồ sơ",
    "none": "Không có hồ sơ nào trong kỳ",
}
FONT_SIZE = 8  # value labels, ticks and legend; the title is 10 pt


def _font(size: float, italic: bool = False) -> FontProperties:
    return FontProperties(fname=FONT_FILES[italic], size=size)


def plot_received_by_month(by_month: list[dict], title: str, ax: Axes | None = None) -> Figure:
    """Dossiers received per month of a period's window, and of them those received online.

    ``by_month`` is :func:`cchc_lib.figures.dossiers.received_by_month` (the summary's
    ``dossiers.by_month``): per month ``label``, ``partial``, ``received`` and ``online``. Each
    month has two bars side by side, received then online, each with its value; a month the
    window covers only in part is drawn lighter and labelled with its days (``15–31/03``). Where
    the export has no channel column (``online`` null), no online bar is drawn and the legend says
    there is no figure (docs/figures.md, "The figures")."""
    if ax is None:
        fig = Figure(figsize=(7.5, 3.0), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    positions = list(range(len(by_month)))
    received = [int(m["received"]) for m in by_month]
    told = all(m["online"] is not None for m in by_month)
    online = [int(m["online"]) if told else 0 for m in by_month]
    partial = [bool(m["partial"]) for m in by_month]
    width = 0.4
    bars = ax.bar([x - width / 2 for x in positions], received, width, label="received", **RECEIVED_STYLE)
    for bar, is_partial in zip(bars, partial, strict=True):
        if is_partial:
            bar.set(**PARTIAL_STYLE)
    containers = [(bars, received)]
    if told:
        containers.append((ax.bar([x + width / 2 for x in positions], online, width, label="online", **ONLINE_STYLE),
                           online))
    for container, values in containers:
        ax.bar_label(container, labels=[vi.number(v) for v in values], padding=1.5,
                     fontproperties=_font(FONT_SIZE), color=TEXT_COLOR)

    ax.set_xticks(positions, [str(m["label"]) for m in by_month])
    ax.tick_params(axis="x", labelrotation=45 if len(positions) > 7 else 0, labelsize=FONT_SIZE, length=0)
    ax.tick_params(axis="y", labelsize=FONT_SIZE)
    for tick, is_partial in zip(ax.get_xticklabels(), partial, strict=True):
        tick.set_fontproperties(_font(FONT_SIZE, italic=is_partial))
        if len(positions) > 7:
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    for tick in ax.get_yticklabels():
        tick.set_fontproperties(_font(FONT_SIZE))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(lambda value, _pos: vi.number(value))
    ax.set_title(title, fontproperties=_font(10), loc="left", color=TEXT_COLOR, pad=22)  # legend below it
    ax.set_ylabel(LABELS_VI["y"], fontproperties=_font(FONT_SIZE + 1), color=TEXT_COLOR)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_ylim(0, max([*received, *online, 1]) * 1.18)
    if not any(received):
        ax.text(0.5, 0.5, LABELS_VI["none"], transform=ax.transAxes, ha="center", va="center",
                fontproperties=_font(FONT_SIZE + 1), color=TEXT_COLOR)

    handles = [Patch(label=LABELS_VI["received"], **RECEIVED_STYLE),
               Patch(label=LABELS_VI["online"] + ("" if told else " (không có số liệu)"), **ONLINE_STYLE)]
    if any(partial):
        handles.append(Patch(label=LABELS_VI["partial"], **PARTIAL_STYLE))
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=len(handles), frameon=False,
              prop=_font(FONT_SIZE), handlelength=1.6, borderaxespad=0.2, columnspacing=1.2)
    return fig
