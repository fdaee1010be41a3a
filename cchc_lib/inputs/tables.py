"""The small tables of a data folder (the procedure catalogue, the plan's files, the scoring files):
found under one rule, CSV or XLSX, and read by one reader into their known columns.

A dossier export is not one of them: :mod:`.exports` finds its header by content. These tables have
their header in the first row (after ``#`` comment lines where the caller allows them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..base.problems import problem
from . import schema as S
from .confine import present
from .exports import read_table

TABLE_SUFFIXES = (".csv", ".xlsx")


def find_table(folder: Path, stem: str) -> Path | None:
    """The table ``stem`` of ``folder``: ``<stem>.csv`` if anything stands at that name, else
    ``<stem>.xlsx`` likewise; None when neither is there.

    Anything means a file, a folder, a pipe or a link, even one to nothing (:func:`.confine.present`):
    what stands there is then read or refused by the confinement checks, never passed over for the
    other form. When both forms are there the CSV is the one found (a caller that must refuse the
    pair says so itself)."""
    return next((folder / f"{stem}{suffix}" for suffix in TABLE_SUFFIXES if present(folder / f"{stem}{suffix}")),
                None)


def known_header(columns: tuple[str, ...] | list[str]) -> Callable[[str], str | None]:
    """The header rule of a table whose headers are its column names: a header, normalized
    (:func:`.schema.normalize_header`), if it is one of ``columns``; else None (not read)."""
    def alias(header: str) -> str | None:
        key = S.normalize_header(header)
        return key if key in columns else None

    return alias


@dataclass(frozen=True)
class Table:
    """A small table read: its known columns under their canonical names, the problems of its header,
    and the ``#`` comment lines above the header."""

    frame: pd.DataFrame
    problems: list[dict] = field(default_factory=list)
    comments: tuple[str, ...] = ()


def read_known_columns(path: Path, aliases: Callable[[str], str | None], required: tuple[str, ...] | list[str],
                       label: str = "", comments: bool = False) -> Table:
    """A small table (header in its first row; with ``comments``, in the first row that is not a
    ``#`` comment): its known columns (``aliases`` names the column a header gives, None for one not
    read) as the table reader's text cells, each row with ``source_file`` (``label``, default the
    file's name) and ``source_row`` as numbered in the file; empty rows left out. The problems: a
    ``required`` column missing, two headers giving one column, each naming the file and the header's row."""
    label = label or path.name
    _, table = read_table(path)
    header_at, found_comments = _header_row(table) if comments else (0, [])
    header = [str(v) if pd.notna(v) else "" for v in table.iloc[header_at]] if header_at < len(table) else []
    targets = [aliases(h) for h in header]
    problems = [problem(label, header_at + 1, column, "", "Thiếu cột bắt buộc", "required column missing")
                for column in required if column not in targets]
    for target in dict.fromkeys(t for t in targets if t and targets.count(t) > 1):
        # two headers naming one thing: which one the office meant is not for the reader to guess
        named = " / ".join(repr(h) for h, t in zip(header, targets, strict=True) if t == target)
        problems.append(problem(label, header_at + 1, target, named, f"Hai cột cùng là {target}: giữ lại một cột",
                                f"two columns give {target}: keep one"))
    body = table.iloc[header_at + 1:]
    body = body.loc[body.notna().any(axis=1)]
    chosen = {t: i for i, t in enumerate(targets) if t}
    frame = pd.DataFrame({t: body[i] for t, i in sorted(chosen.items(), key=lambda kv: kv[1])}, index=body.index)
    frame = frame.assign(**{S.SOURCE_FILE: label, S.SOURCE_ROW: (body.index + 1).astype("int64")})
    return Table(frame.reset_index(drop=True), problems, tuple(found_comments))


def _header_row(table: pd.DataFrame) -> tuple[int, list[str]]:
    """The index of the first row that is not a ``#`` comment nor empty, and the comments above it
    (a comment's commas split it into cells: joined again)."""
    found: list[str] = []
    for at, row in enumerate(table.itertuples(index=False, name=None)):
        cells = [str(v).strip() for v in row if pd.notna(v) and str(v).strip()]
        if cells and not cells[0].startswith("#"):
            return at, found
        if cells:
            found.append(", ".join(cells).lstrip("#").strip())
    return len(table), found
