"""The harness itself: a good folder passes, and the checks see what they are meant to see."""

from __future__ import annotations

import pytest

from .support import PERSONAL, Run, assert_no_personal, assert_refused, assert_unchanged, cchc, snapshot


def test_the_planted_folder_is_valid_and_keeps_personal_data_out(data):
    run = cchc("validate", "--data", data)
    assert run.status == 0, run.text
    assert_no_personal(run)
    assert PERSONAL["phone"] in (data / "dossiers.csv").read_text(encoding="utf-8")


def test_the_checks_catch_what_they_guard(earlier, tmp_path):
    before = snapshot(earlier)
    (earlier / "2023-Q1.json").write_text("{}", encoding="utf-8")
    with pytest.raises(AssertionError):
        assert_unchanged(before, earlier)
    leak = tmp_path / "leak.txt"
    leak.write_text(f"x {PERSONAL['name']} y", encoding="utf-8")
    with pytest.raises(AssertionError):
        assert_no_personal(leak)
    with pytest.raises(AssertionError):
        assert_refused(Run(1, "", "Traceback (most recent call last):\n"))
    with pytest.raises(AssertionError):
        assert_refused(Run(1, "", "cchc: error: bad\n"), file="dossiers.csv")
