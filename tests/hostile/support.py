"""What every hostile case asserts: the exit status, a message naming file, row and column,
no earlier report changed, and no planted personal value anywhere in what the run wrote.

A case starts from :func:`make_data` (a copy of the shipped sample whose dossier export
carries personal columns holding the values of :data:`PERSONAL`) and :func:`make_earlier`
(an output folder holding an earlier good report: ``tests/data/earlier``), spoils one thing,
runs ``cchc`` and checks the outcome with the functions below.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from cchc_lib.base import paths

HERE = Path(__file__).resolve().parent
EARLIER = HERE.parent / "data" / "earlier"
SAMPLE = paths.SAMPLE_DATA_DIR

# Planted in the personal columns of the export (and, where a case says so, in other cells):
# none of them may appear in a report, a JSON, a log, stdout/stderr or a _failed/ notebook.
PERSONAL = {
    "name": "Trần Thị Bí Mật",
    "id_number": "038190012345",
    "phone": "0912345678",
    "address": "Số 9 ngõ Bí Mật, thôn Đông",
}
PERSONAL_HEADERS = {"Chủ hồ sơ": "name", "Số CCCD": "id_number", "Số điện thoại": "phone", "Địa chỉ": "address"}


def make_data(folder: Path, rows: int | None = 400) -> Path:
    """A copy of the sample data folder (plan, catalogue, unit.yaml) whose ``dossiers.csv``
    has the sample's first ``rows`` dossiers (all with None) and four personal columns."""
    shutil.copytree(SAMPLE, folder)
    source = SAMPLE / "dossiers.csv"
    with source.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    header, body = table[0], table[1:] if rows is None else table[1 : rows + 1]
    personal = [PERSONAL[key] for key in PERSONAL_HEADERS.values()]
    with (folder / "dossiers.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*header, *PERSONAL_HEADERS])
        writer.writerows([*row, *personal] for row in body)
    return folder


def make_earlier(folder: Path) -> Path:
    """An output folder holding an earlier good report (2023-Q1 as JSON and HTML, and its index)."""
    shutil.copytree(EARLIER, folder)
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones included) and the hash of its bytes."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_unchanged(before: dict[str, str], folder: Path) -> None:
    """No file of ``before`` changed or vanished, and no file appeared under a final name
    (a hidden staging folder, a lock file or ``_failed/`` may appear)."""
    after = snapshot(folder)
    changed = [name for name, digest in before.items() if after.get(name) != digest]
    assert not changed, f"earlier files changed or lost: {changed}"
    new = [n for n in after if n not in before and not n.startswith((".", "_failed/"))]
    assert not new, f"files published by a run that failed: {new}"


@dataclass
class Run:
    status: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


def cchc(*args: object, cwd: Path | None = None, timeout: float = 600, env: dict | None = None) -> Run:
    """``cchc ARGS`` in a child process (as a user runs it): exit status, stdout, stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "cchc_lib.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )
    return Run(done.returncode, done.stdout, done.stderr)


def assert_refused(run: Run, *, file: str | None = None, row: int | None = None, column: str | None = None,
                   says: tuple[str, ...] = ()) -> None:
    """Exit status 1, no traceback, and a message naming the file, the row and the column
    (each where the case has one) and holding every text of ``says``."""
    assert run.status == 1, f"exit status {run.status}\n{run.text}"
    assert "Traceback" not in run.text, run.text
    assert run.stderr.startswith("cchc: error:"), run.stderr
    if file is not None:
        assert file in run.stderr, f"file {file!r} not named:\n{run.stderr}"
    if row is not None:
        assert f"row {row}" in run.stderr or f"dòng/row {row}" in run.stderr or f"dòng {row}" in run.stderr, (
            f"row {row} not named:\n{run.stderr}"
        )
    if column is not None:
        assert column in run.stderr, f"column {column!r} not named:\n{run.stderr}"
    for text in says:
        assert text in run.text, f"{text!r} not said:\n{run.text}"


def file_text(path: Path) -> str:
    """What a reader of ``path`` can find in it: a Word or Excel file's XML parts (unzipped), a
    PDF's text (its streams are compressed), any other file's bytes as text."""
    data = path.read_bytes()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    if data[:5] == b"%PDF-":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8", "replace")


def assert_no_personal(*places: Path | str | Run) -> None:
    """No planted personal value in any file under the folders given, nor in the texts or runs."""
    for place in places:
        if isinstance(place, Run):
            texts = [("stdout/stderr", place.text)]
        elif isinstance(place, Path):
            files = [place] if place.is_file() else [p for p in place.rglob("*") if p.is_file()]
            texts = [(str(p), file_text(p)) for p in files]
        else:
            texts = [("text", place)]
        for where, text in texts:
            for key, value in PERSONAL.items():
                assert value not in text, f"personal {key} {value!r} found in {where}"


class Page(HTMLParser):
    """An HTML page as a reader's browser takes it: the tags it would make live (``tags``) and the
    text it would show (``text``)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.shown: list[str] = []
        self.feed(html)

    @property
    def text(self) -> str:
        return "".join(self.shown)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.shown.append(data)
