"""Numbers, signs and verdicts as Vietnamese write them (cchc_lib.base.vi): the same digits as the
hand-written formatting they replace, and a missing figure never printed as 0."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc_lib.base import vi
from cchc_lib.outputs.templating import environment


@given(st.floats(min_value=-5, max_value=5, allow_nan=False))
def test_the_decimals_are_those_of_python_rounding(value):
    assert vi.percent(value) == f"{value * 100:.1f}".replace(".", ",").removesuffix(",0") + "%"
    assert vi.points(value) == f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    assert vi.decimal(value) == f"{value:.1f}".replace(".", ",")
    assert vi.decimal(round(value, 2), 2, 1) == str(round(value, 2)).replace(".", ",")


@given(st.integers(min_value=-10**9, max_value=10**9))
def test_whole_numbers_have_thousands_dots(value):
    assert vi.number(value) == f"{value:,}".replace(",", ".")


@pytest.mark.parametrize("helper", [vi.number, vi.count, vi.percent, vi.points])
def test_a_missing_figure_is_never_printed_as_zero(helper):
    assert helper(None) == vi.MISSING == "—"


def test_the_templates_print_a_missing_figure_as_the_documents_do():
    env = environment(None)
    assert env.from_string("{{ none | n }} {{ none | nn }} {{ 0 | n }} {{ 3 | nn }}").render() == "— — 0 03"
    assert env.from_string("{{ signs['>='] }} {{ verdicts[true] }}").render() == "≥ Đạt"


def test_signs_and_verdicts():
    assert [vi.sign(c) for c in (">=", "<=", "=", "?")] == ["≥", "≤", "=", "?"]
    assert [vi.verdict(m, "—") for m in (True, False, None)] == ["Đạt", "Chưa đạt", "—"]
