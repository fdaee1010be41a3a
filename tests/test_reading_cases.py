"""Exports that are easy to misread, each read as written in its ``expected.txt``.

Every folder under ``tests/data/reading/`` is a small data folder: a workbook with empty rows
above its table (rows keep the file's numbers), dates with milliseconds or a 60th second,
"N/A" typed in a workbook, totals whose label is in the second cell or repeated in another
case, a dossier repeated identically with an unreadable date, Excel serials in odd forms,
CSV blank lines, placeholder dates (31/12/9999, 01/01/0001), a column-number row under a deep
header, a catalogue with two name columns or a row without a name, an HTML export that
starts with an XML declaration. ``expected.txt`` holds the problems found, how each export
was read and the rows kept; set ``CCHC_WRITE_EXPECTED=1`` to write it anew after a change
that is meant to alter it (and read the diff).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cchc_lib.base.errors import CchcError
from cchc_lib.inputs.loading import load_dossiers
from cchc_lib.running.checks import validate_data

CASES = sorted(p for p in (Path(__file__).parent / "data" / "reading").iterdir() if p.is_dir())


def describe(folder: Path) -> str:
    try:
        return _describe(folder)
    except CchcError as exc:  # refused whole: the message, with the folder's place left out
        return f"refused: {str(exc).splitlines()[0].replace(str(folder), '<folder>')}\n"


def _describe(folder: Path) -> str:
    lines = []
    problems = validate_data(folder)
    for p in problems.itertuples():
        lines.append(f"problem: {p.file} row {p.row} {p.column} {p.value!r}: {p.problem_en} [{p.severity}]")
    if not len(problems):
        lines.append("problems: none")
    data = load_dossiers(folder, skip_invalid=True)
    lines.append(f"exports: {[(e['file'], e['header_rows'], e['rows'], e['dropped']) for e in data.exports]}")
    lines.append(f"merged rows: {data.duplicates_dropped}")
    kept = data.dossiers[["dossier_id", "received_at", "due_at", "field", "source_row"]].astype(str).values.tolist()
    lines.append(f"kept rows: {kept}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("folder", CASES, ids=[c.name for c in CASES])
def test_the_export_is_read_as_expected(folder):
    got = describe(folder)
    expected = folder / "expected.txt"
    if os.environ.get("CCHC_WRITE_EXPECTED"):
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")
