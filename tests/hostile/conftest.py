"""Fixtures of the hostile cases: a good data folder with planted personal data, and an
output folder holding an earlier good report."""

from __future__ import annotations

from pathlib import Path

import pytest

from .support import make_data, make_earlier


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return make_data(tmp_path / "xa-thu")


@pytest.fixture
def earlier(tmp_path: Path) -> Path:
    return make_earlier(tmp_path / "out")
