"""``cchc inspect``: how one export is read, as text: its format, header, columns and what each is
read as, the rows dropped and why, and its first rows as understood (typed by :mod:`.loading`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..base.errors import CchcError
from . import schema as S
from .exports import DROP_REASONS_VI, ExportReading, read_export
from .loading import DUPLICATE, UNPARSED, type_dossiers
from .unit import UNIT_FILE, read_unit


def inspect_export(file: Path, data_dir: Path | None = None, rows: int = 5) -> str:
    """What ``cchc inspect`` prints about ``file``: the export read as a report reads it, mapped by
    the ``unit.yaml`` of ``data_dir`` (default: the file's folder, or its parent, whichever holds a
    ``unit.yaml``; else the file's folder), and its first ``rows`` rows typed, columns with a value only.
    A folder or a missing file is refused, saying what to give."""
    file = Path(file)
    if not file.is_file():
        if file.is_dir():
            raise CchcError(f"{file}: a folder; give one export file (to check a whole data folder: "
                            f"cchc validate --data {file})")
        raise CchcError(f"{file}: no such file")
    data_dir = data_dir or next((d for d in (file.parent, file.parent.parent) if (d / UNIT_FILE).is_file()),
                                file.parent)
    unit = read_unit(data_dir)
    reading = read_export(file, unit.mapping, unit.dossier_sheet)
    preview = type_dossiers(reading.frame.head(rows))
    preview = preview[[c for c in preview.columns if not c.endswith((UNPARSED, DUPLICATE))]]
    shown = [S.SOURCE_ROW, *[c for c in preview.columns
                             if c not in (S.SOURCE_ROW, S.SOURCE_FILE) and preview[c].notna().any()]]
    return describe(reading, preview[shown], rows)


def describe(reading: ExportReading, preview: pd.DataFrame, rows: int = 5) -> str:
    """What ``cchc inspect`` prints about one export read (``reading``), with the first ``rows`` of
    ``preview`` (the rows as understood)."""
    lines = [f"file: {reading.path}", f"format: {reading.format}",
             f"header: row {', '.join(map(str, reading.header_rows))} of the file"]
    if reading.tables:
        lines.append(f"tables: {len(reading.tables)}, read as one list, rows numbered through the file: "
                     + ", ".join(f"table {n}: rows {a}–{b}" for n, (a, b) in enumerate(reading.tables, start=1)))
    lines.append("columns:")
    width = max((len(name) for name, _ in reading.columns), default=0)
    lines += [f"  {name:<{width}}  → {what}" for name, what in reading.columns]
    if reading.lacking:
        lines.append(f"lacking: {', '.join(reading.lacking)}")
    if reading.statuses:
        lines.append("status values:")
        lines += [f"  {value} → {outcome}" for value, outcome in sorted(reading.statuses.items())]
    counts: dict[str, list[int]] = {}
    for row, reason in reading.dropped:
        counts.setdefault(reason, []).append(row)
    lines += [f"control characters dropped: {header!r} ({column}), rows {', '.join(map(str, rows[:10]))}"
              f"{' …' if len(rows) > 10 else ''}" for column, header, rows, _ in reading.cleaned]
    lines.append(f"rows read: {len(reading.frame)}; rows dropped: {len(reading.dropped)}")
    for reason, where in counts.items():
        shown = ", ".join(map(str, where[:10])) + (" …" if len(where) > 10 else "")
        lines.append(f"  {reason} ({DROP_REASONS_VI[reason]}): {len(where)} (rows {shown})")
    lines.append(f"first {min(rows, len(preview))} rows, as understood (canonical columns):")
    lines.append(preview.head(rows).to_string(index=False) if len(preview) else "  (none)")
    return "\n".join(lines)
