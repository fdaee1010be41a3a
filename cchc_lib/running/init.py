"""``cchc init``: a new unit's data folder made from what the office has (docs/commands.md, "Starting a unit").

The folder is written staged, in a temporary folder next to it moved into place when whole, so a failure leaves
nothing; a folder that already holds files is refused unless ``force``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..base.errors import CchcError
from ..base.problems import ERROR, format_problems
from ..inputs.criteria import CRITERIA_FILE, SCORING_DIR
from ..inputs.inspection import inspect_export
from ..inputs.unit import UNIT_FILE, slugify
from .checks import validate_data

DOSSIERS_DIR = "dossiers"
# the plan's header keys that fill the document's author keys of unit.yaml
_HEADER_TO_UNIT = {"district": "district", "province": "province"}


@dataclass
class InitResult:
    """What ``cchc init`` made: the folder, the lines describing it, the problems of its checks."""

    folder: Path
    lines: list[str] = field(default_factory=list)
    problems: pd.DataFrame | None = None

    def describe(self) -> str:
        return "\n".join(self.lines)


def _unit_keys(name: str, province: str, header: dict) -> dict:
    """``unit.yaml``'s keys: the name, its slug, the province; from the plan's header the district and
    the document's author (authority: the issuer; place: the commune's name without "Xã")."""
    keys: dict = {"name": name, "slug": slugify(name)}
    for source, key in _HEADER_TO_UNIT.items():
        if header.get(source):
            keys[key] = str(header[source])
    if province:
        keys["province"] = province
    if header.get("issuer"):
        keys["authority"] = str(header["issuer"])
    place = name.split(" ", 1)[1] if name.split(" ", 1)[0].lower() in ("xã", "phường", "thị") else ""
    if place and not name.lower().startswith("thị trấn"):
        keys["place"] = place
    return keys


def _refuse(target: Path, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise CchcError(f"{target}: is a file, not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise CchcError(f"{target}: the folder already holds files; give --force to write into it")


def _fill(stage: Path, name: str, province: str, files: dict[str, Path | None]) -> tuple[list[str], int]:
    """The folder's files written into ``stage``; the lines saying what was done, and the plan's year
    (else this year)."""
    plan, export, criteria, procedures = (files.get(key) for key in ("plan", "export", "criteria", "procedures"))
    lines, header = [], {}
    if plan is not None:
        from .plan_import import import_plan

        imported = import_plan(Path(plan), stage)
        header = dict(imported.header or {})
        lines.append(f"Kế hoạch: {plan.name} → plan/ ({len(imported.review)} điểm cần xem lại, "
                     "xem plan/import-review.html)")
        lines += [f"  - {item.where.vi()}: {item.message}" for item in imported.review[:10]]
    if export is not None:
        (stage / DOSSIERS_DIR).mkdir()
        copied = stage / DOSSIERS_DIR / Path(export).name
        shutil.copy2(export, copied)
        lines += [f"Dữ liệu hồ sơ: {export.name} → {DOSSIERS_DIR}/", inspect_export(copied, stage)]
    if criteria is not None:
        (stage / SCORING_DIR).mkdir(exist_ok=True)
        shutil.copy2(criteria, stage / SCORING_DIR / f"{CRITERIA_FILE}{Path(criteria).suffix.lower()}")
        lines.append(f"Bộ tiêu chí: {criteria.name} → {SCORING_DIR}/")
    if procedures is not None:
        shutil.copy2(procedures, stage / f"procedures{Path(procedures).suffix.lower()}")
        lines.append(f"Danh mục thủ tục: {procedures.name} → procedures{Path(procedures).suffix.lower()}")
    keys = _unit_keys(name, province, header)
    text = "# Đơn vị báo cáo của thư mục dữ liệu này.\n" + yaml.safe_dump(keys, allow_unicode=True, sort_keys=False)
    (stage / UNIT_FILE).write_text(text, encoding="utf-8")
    return lines, int(header.get("year") or dt.date.today().year)


def init_unit(folder: Path, name: str, *, province: str = "", plan: Path | None = None,
              export: Path | None = None, criteria: Path | None = None, procedures: Path | None = None,
              force: bool = False) -> InitResult:
    """A unit's data folder at ``folder`` (docs/commands.md, "Starting a unit"); raises :class:`CchcError`
    and leaves nothing when a file cannot be read or the folder already holds files (without ``force``)."""
    target = Path(folder)
    _refuse(target, force)
    files = {"plan": plan, "export": export, "criteria": criteria, "procedures": procedures}
    for given in files.values():
        if given is not None and not Path(given).is_file():
            raise CchcError(f"{given}: no such file")
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}-init-", dir=target.parent))
    try:
        lines, year = _fill(stage, name.strip(), province.strip(), files)
        problems = validate_data(stage)
        _move(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    lines = [line.replace(str(stage), str(target)) for line in lines]  # the files where they now are
    return InitResult(target, [f"Đã tạo thư mục dữ liệu {target} cho {name.strip()}", *lines,
                               *_check_lines(problems), *next_steps(target, criteria is not None, year)], problems)


def _move(stage: Path, target: Path) -> None:
    """The staged folder moved into place; with ``--force`` into a folder already there, file by file."""
    if not target.exists():
        stage.rename(target)
        return
    for item in stage.iterdir():
        there = target / item.name
        if there.is_dir() and item.is_dir():
            shutil.rmtree(there)
        elif there.exists():
            there.unlink()
        item.rename(there)
    stage.rmdir()


def _check_lines(problems: pd.DataFrame) -> list[str]:
    errors = int((problems["severity"] == ERROR).sum())
    head = f"Kiểm tra (cchc validate): {errors} lỗi, {len(problems) - errors} cảnh báo"
    return [head, format_problems(problems, limit=20)] if len(problems) else [head]


def next_steps(folder: Path, criteria: bool, year: int) -> list[str]:
    """The next steps, in Vietnamese with their command lines."""
    steps = ["Bước tiếp theo:",
             "  1. Xem lại unit.yaml (tên đơn vị, cơ quan ban hành, địa danh, người ký) và sửa nếu cần.",
             f"  2. Kiểm tra lại dữ liệu:       cchc validate --data {folder}",
             f"  3. Lập báo cáo quý I:          cchc report {year}-Q1 --data {folder}"]
    if criteria:
        steps.append(f"  4. Tự chấm điểm Chỉ số CCHC:   cchc score {year} --data {folder}")
    return steps
