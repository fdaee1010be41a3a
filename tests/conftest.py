"""Shared fixtures: tiny data folders written by hand, and the shipped sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_lib.base import paths

CANONICAL_HEADER = (
    "dossier_id,procedure,field,received_at,due_at,resolved_at,outcome,channel,online_level,e_result,satisfaction,apology_at"
)


def write_data_dir(folder: Path, rows: list[str],
                   unit_yaml: str | None = "name: Xã Thử Nghiệm\nprovince: Tỉnh Thanh Hóa\n",
                   header: str = CANONICAL_HEADER, name: str = "dossiers.csv", encoding: str = "utf-8") -> Path:
    """A data folder with one dossier export (and unit.yaml unless None)."""
    folder.mkdir(parents=True, exist_ok=True)
    if unit_yaml is not None:
        (folder / "unit.yaml").write_text(unit_yaml, encoding="utf-8")
    (folder / name).write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return folder


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """Four dossiers around the 2023-Q1 decree09 window (15/12/2022 – 14/03/2023)."""
    return write_data_dir(
        tmp_path / "xa-thu-nghiem",
        [
            "A1,Đăng ký khai sinh,Hộ tịch,14/12/2022 16:00,15/12/2022,15/12/2022,resolved,direct,,true,satisfied,",
            "A2,Chứng thực chữ ký,Chứng thực,15/12/2022 08:00,15/12/2022,15/12/2022,resolved,online,full,true,,",
            "A3,Chứng thực chữ ký,Chứng thực,14/03/2023 16:59,15/03/2023,,,direct,,,,",
            "A4,Đăng ký kết hôn,Hộ tịch,01/02/2023,01/02/2023,01/02/2023,refused,direct,,,,",
        ],
    )


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return paths.SAMPLE_DATA_DIR
