"""The months of a report window (whole and partial) and the chart of dossiers received by month."""

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from cchc_lib.figures.dossiers import classify_dossiers, received_by_month
from cchc_lib.inputs import schema as S
from cchc_lib.outputs import charts
from cchc_lib.outputs.charts import (
    FONT_SIZE,
    LABELS_VI,
    ONLINE_STYLE,
    PARTIAL_STYLE,
    RECEIVED_STYLE,
    plot_received_by_month,
)

START, END = dt.date(2023, 3, 15), dt.date(2023, 6, 14)  # 2023-Q2 under decree09


def dossiers(*rows: tuple[str, str | None, str | None]) -> pd.DataFrame:
    """Dossiers from (received at, outcome, channel)."""
    return pd.DataFrame({
        S.RECEIVED_AT: pd.to_datetime([r[0] for r in rows], format="%Y-%m-%d %H:%M"),
        S.OUTCOME: [r[1] for r in rows],
        S.CHANNEL: [r[2] for r in rows],
    })


# --- received_by_month ---------------------------------------------------------------------------

def test_every_month_of_the_window_in_order_with_partial_ends_labelled_by_their_days():
    months = received_by_month(dossiers(), START, END)
    assert [m["month"] for m in months] == ["2023-03", "2023-04", "2023-05", "2023-06"]
    assert [m["label"] for m in months] == ["15–31/03", "04/2023", "05/2023", "01–14/06"]
    assert [m["partial"] for m in months] == [True, False, False, True]
    assert all(m["received"] == 0 and m["online"] == 0 for m in months)
    assert all(isinstance(m["received"], int) and isinstance(m["online"], int) for m in months)


def test_calendar_windows_have_whole_months_and_a_window_inside_one_month_is_one_partial_month():
    assert [(m["label"], m["partial"]) for m in received_by_month(dossiers(), dt.date(2023, 1, 1),
                                                                  dt.date(2023, 3, 31))] == [
        ("01/2023", False), ("02/2023", False), ("03/2023", False)]
    (only,) = received_by_month(dossiers(), dt.date(2023, 6, 1), dt.date(2023, 6, 14))
    assert (only["month"], only["label"], only["partial"]) == ("2023-06", "01–14/06", True)
    assert received_by_month(dossiers(), END, START) == []


def test_a_window_across_the_new_year_and_a_leap_february():
    months = received_by_month(dossiers(), dt.date(2023, 12, 15), dt.date(2024, 3, 14))
    assert [m["month"] for m in months] == ["2023-12", "2024-01", "2024-02", "2024-03"]
    assert [m["label"] for m in months] == ["15–31/12", "01/2024", "02/2024", "01–14/03"]
    assert received_by_month(dossiers(), dt.date(2024, 2, 1), dt.date(2024, 2, 29))[0]["label"] == "02/2024"
    assert received_by_month(dossiers(), dt.date(2024, 2, 1), dt.date(2024, 2, 28))[0]["label"] == "01–28/02"


def test_counts_by_calendar_day_both_ends_inclusive_refused_left_out_online_counted_apart():
    frame = dossiers(
        ("2023-03-14 23:59", None, "online"),  # before the window
        ("2023-03-15 00:00", None, "online"),
        ("2023-03-31 17:00", "resolved", "direct"),
        ("2023-04-01 07:00", None, "postal"),
        ("2023-04-20 09:00", "refused", "online"),  # never taken in
        ("2023-04-21 09:00", None, None),  # channel unknown: received, not online
        ("2023-06-14 23:30", None, "online"),
        ("2023-06-15 00:00", None, "online"),  # after the window
    )
    got = {m["month"]: (m["received"], m["online"]) for m in received_by_month(frame, START, END)}
    assert got == {"2023-03": (2, 1), "2023-04": (2, 0), "2023-05": (0, 0), "2023-06": (1, 1)}


def test_a_frame_without_channel_counts_no_online_dossier():
    frame = dossiers(("2023-04-02 08:00", None, "online")).drop(columns=S.CHANNEL)
    assert [m["online"] for m in received_by_month(frame, START, END)] == [0, 0, 0, 0]


def test_the_months_add_up_to_the_dossiers_received_in_the_window_online_and_in_all():
    rng = np.random.default_rng(7)
    n = 3000
    days = pd.Timestamp("2023-02-01") + pd.to_timedelta(rng.integers(0, 180 * 24 * 60, n), unit="min")
    frame = pd.DataFrame({
        S.RECEIVED_AT: days,
        S.DUE_AT: days + pd.Timedelta(days=3),
        S.RESOLVED_AT: pd.NaT,
        S.OUTCOME: rng.choice(np.array([None, "resolved", "refused"], dtype=object), n),
        S.CHANNEL: rng.choice(np.array(["online", "direct", "postal", None], dtype=object), n),
    })
    months = received_by_month(frame, START, END)
    c = classify_dossiers(frame, START, END)
    in_window = c["received_online"] | c["received_direct_postal"] | c["received_channel_unknown"]
    assert sum(m["received"] for m in months) == int(in_window.sum())
    assert sum(m["online"] for m in months) == int(c["received_online"].sum())


# --- plot_received_by_month ----------------------------------------------------------------------

BY_MONTH = [
    {"month": "2023-03", "label": "15–31/03", "partial": True, "received": 122, "online": 49},
    {"month": "2023-04", "label": "04/2023", "partial": False, "received": 184, "online": 68},
    {"month": "2023-05", "label": "05/2023", "partial": False, "received": 0, "online": 0},
    {"month": "2023-06", "label": "01–14/06", "partial": True, "received": 1234, "online": 1000},
]


def _bars(fig: Figure, name: str):
    (container,) = [c for c in fig.axes[0].containers if c.get_label() == name]
    return container


def _luminance(color) -> float:
    r, g, b = to_rgb(color)
    return 0.299 * r + 0.587 * g + 0.114 * b


@pytest.fixture(scope="module")
def figure() -> Figure:
    fig = plot_received_by_month(BY_MONTH, "Số hồ sơ tiếp nhận trong kỳ, theo tháng")
    fig.canvas.draw()  # lays the text out, as saving would
    return fig


def test_the_tick_labels_are_the_months_labels_partial_ones_by_their_days(figure):
    ticks = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert ticks == ["15–31/03", "04/2023", "05/2023", "01–14/06"]


def test_bar_heights_are_the_data_and_every_bar_has_its_value(figure):
    received, online = _bars(figure, "received"), _bars(figure, "online")
    assert [bar.get_height() for bar in received] == [122, 184, 0, 1234]
    assert [bar.get_height() for bar in online] == [49, 68, 0, 1000]
    texts = {t.get_text() for t in figure.axes[0].texts}
    assert {"122", "184", "0", "1.234", "49", "68", "1.000"} <= texts


def test_partial_months_are_drawn_lighter_and_otherwise_hatched_and_the_legend_names_them(figure):
    received = _bars(figure, "received")
    partial = [m["partial"] for m in BY_MONTH]
    for bar, is_partial in zip(received, partial, strict=True):
        style = PARTIAL_STYLE if is_partial else RECEIVED_STYLE
        assert bar.get_facecolor()[:3] == pytest.approx(to_rgb(style["facecolor"]))
        assert bar.get_hatch() == style["hatch"]
    assert all(bar.get_hatch() == ONLINE_STYLE["hatch"] for bar in _bars(figure, "online"))
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert legend == [LABELS_VI["received"], LABELS_VI["online"], LABELS_VI["partial"]]


def test_no_partial_month_no_legend_line_for_it():
    whole = [{**m, "partial": False, "label": m["month"]} for m in BY_MONTH]
    legend = [t.get_text() for t in plot_received_by_month(whole, "T").axes[0].get_legend().get_texts()]
    assert LABELS_VI["partial"] not in legend


def test_the_three_fills_differ_in_grey_and_online_is_the_darkest():
    received, online, partial = (_luminance(s["facecolor"]) for s in (RECEIVED_STYLE, ONLINE_STYLE, PARTIAL_STYLE))
    assert online < received < partial
    assert received - online >= 0.25 and partial - received >= 0.2
    # the hatching of the dark bars is light enough to be seen on them when printed in grey
    assert _luminance(ONLINE_STYLE["hatchcolor"]) - online >= 0.4


def test_text_is_legible_when_printed_and_in_the_documents_shipped_face(figure):
    ax = figure.axes[0]
    texts = [*ax.texts, *ax.get_xticklabels(), *ax.get_yticklabels(), *ax.get_legend().get_texts(),
             ax.title, ax.yaxis.label]
    assert all(t.get_fontsize() >= FONT_SIZE >= 8 for t in texts if t.get_text())
    files = {Path(t.get_fontproperties().get_file()).name for t in texts if t.get_text()}
    assert files <= {"LiberationSerif-Regular.ttf", "LiberationSerif-Italic.ttf"} and files
    # the face has every letter the chart writes: no glyph is missing from the drawing
    from fontTools.ttLib import TTFont

    cmap = TTFont(charts.FONT_FILES[False]).getBestCmap()
    assert [c for t in texts for c in t.get_text() if not c.isspace() and ord(c) not in cmap] == []
    assert tuple(figure.get_size_inches()) == (7.5, 3.0)


def test_a_window_without_dossiers_says_so_and_draws_on_a_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    empty = [{**m, "received": 0, "online": 0} for m in BY_MONTH]
    assert plot_received_by_month(empty, "T", ax=ax) is fig
    assert LABELS_VI["none"] in [t.get_text() for t in ax.texts]
