"""``cchc split`` written: each unit's data folder of a split (:func:`cchc_lib.inputs.split.read_split`:
the export read and checked, nothing written) written in a staging folder inside ``ROOT`` and renamed
into place once all are written, so a failure leaves no half-written data folder.

The staging is the split's own, not :func:`cchc_lib.running.publish.staged_run`: what is put in place
is whole folders, each an existing one replaced whole (``--overwrite``) and put back on a failure, in
a root of data folders that holds no report and takes no lock.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..base.errors import DataError
from ..inputs import schema as S
from ..inputs.columns import pa_text
from ..inputs.criteria import SCORING_DIR
from ..inputs.exports import ExportMapping, ExportReading
from ..inputs.plan import PLAN_DIR
from ..inputs.split import SplitResult, SplitTemplate, exists, read_split
from ..inputs.unit import UNIT_FILE

DOSSIER_FILE = "dossiers.csv"
_STAGING_PREFIX = ".cchc-split-"
_COPY_IGNORED = shutil.ignore_patterns("~$*", ".~lock.*", ".*")  # office lock files, hidden files


def split_export(
    source: Path,
    by: str,
    out_root: Path,
    template: Path | None = None,
    mapping: ExportMapping | None = None,
    sheet: str = "",
    *,
    overwrite: bool = False,
    unassigned: str = "error",
) -> SplitResult:
    """Split the export ``source`` by its column ``by`` into ``out_root/<slug>/`` data folders: the
    split read and checked as :func:`cchc_lib.inputs.split.read_split` says (the same parameters),
    then written."""
    split = read_split(source, by, out_root, template, mapping, sheet, overwrite=overwrite, unassigned=unassigned)
    _write_units(split.reading, split.named, split.out_root, split.model, split.source, overwrite)
    return split.result()


def _write_units(reading: ExportReading, named: list[tuple[str, str, np.ndarray]], out_root: Path,
                 model: SplitTemplate, source: Path, overwrite: bool) -> None:
    """Each unit's data folder written in a staging folder inside ``out_root``, then all renamed
    into place at once (:func:`_install`): a failure leaves no half-written data folder."""
    written = _canonical_frame(reading)
    # every row as one CSV line, the lines of each unit together: a unit's file is a slice of bytes
    data, offsets = _csv_lines(written, np.concatenate([positions for _, _, positions in named]))
    header_line = ",".join(written.columns).encode() + b"\n"
    bounds = np.cumsum([0, *(len(positions) for _, _, positions in named)])
    out_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=out_root))
    try:
        for (slug, name, _), first, end in zip(named, bounds[:-1], bounds[1:], strict=False):
            data_dir = staging / slug
            data_dir.mkdir()
            body = data[offsets[first]:offsets[end]]
            _write_unit(data_dir, header_line, body, name, slug, model, source)
        _install(staging, [slug for slug, _, _ in named], out_root, overwrite)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _canonical_frame(reading: ExportReading) -> pd.DataFrame:
    """The reading's rows in the canonical columns the export gives (a column it lacks stays
    lacking, so the checks of each unit's folder say so as they would of the export)."""
    read = {what for _, what in reading.columns}
    given = {S.OUTCOME if w == S.STATUS else S.CHANNEL if w == S.ONLINE_FLAG else w for w in read}
    return reading.frame[[c for c in S.DOSSIER_COLUMNS if c in given]]


def _csv_lines(frame: pd.DataFrame, order: np.ndarray) -> tuple[memoryview, np.ndarray]:
    """The frame's rows, taken in ``order``, as CSV lines (UTF-8, each ending in a line feed; a
    cell holding a comma, a quote or a line break quoted, its quotes doubled; empty cells
    empty): (the bytes of all the lines, where each line starts, plus the end). Whole columns
    at a time (Arrow kernels), not a Python call per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = pa.large_string()  # 64-bit offsets: no limit on the export's size

    def text(value: str) -> pa.Scalar:
        return pa.scalar(value, kind)

    cells = []
    for column in frame.columns:
        values = pa_text(frame[column]).cast(kind)
        needs = pc.fill_null(pc.match_substring_regex(values, '[",\r\n]'), False)
        quoted = pc.binary_join_element_wise(text('"'), pc.replace_substring(values, '"', '""'), text('"'), text(""))
        cells.append(pc.fill_null(pc.if_else(needs, quoted, values), text("")))
    if not cells:
        cells = [pa.array([""] * len(frame), kind)]
    lines = pc.binary_join_element_wise(pc.binary_join_element_wise(*cells, text(",")), text(""), text("\n"))
    lines = pc.take(lines, pa.array(order, pa.int64()))
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    _, offsets_buffer, data_buffer = lines.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[lines.offset:lines.offset + len(lines) + 1]
    return memoryview(data_buffer) if data_buffer is not None else memoryview(b""), offsets


def _write_unit(data_dir: Path, header_line: bytes, body: memoryview, name: str, slug: str, model: SplitTemplate,
                source: Path) -> None:
    """One unit's data folder: its dossiers (UTF-8 with BOM: Excel shows the letters right), its
    ``unit.yaml`` and the template's files."""
    with open(data_dir / DOSSIER_FILE, "wb") as handle:
        handle.write(b"\xef\xbb\xbf" + header_line)
        handle.write(body)
    info = {"name": name, "slug": slug}
    if model.district:
        info["district"] = model.district
    if model.province:
        info["province"] = model.province
    origin = " ".join(source.name.split())  # one line, whatever the file's name
    text = (f"# Made by cchc split from {origin}; the dossiers of this unit only.\n"
            + yaml.safe_dump(info, allow_unicode=True, sort_keys=False, width=1000))
    (data_dir / UNIT_FILE).write_text(text, encoding="utf-8")
    if model.catalogue is not None:
        shutil.copy2(model.catalogue, data_dir / model.catalogue.name)
    if model.plan is not None:
        shutil.copytree(model.plan, data_dir / PLAN_DIR, ignore=_COPY_IGNORED)
    if model.criteria is not None:
        (data_dir / SCORING_DIR).mkdir()
        shutil.copy2(model.criteria, data_dir / SCORING_DIR / model.criteria.name)


def _install(staging: Path, slugs: list[str], out_root: Path, overwrite: bool) -> None:
    """Rename the written folders into place (an existing one, with ``overwrite``, is set aside
    in ``staging`` and removed with it); on a failure, put back what was moved."""
    aside = staging / ".replaced"
    aside.mkdir()
    placed: list[str] = []
    replaced: list[str] = []
    try:
        for slug in slugs:
            target = out_root / slug
            if exists(target):
                if not overwrite:  # appeared while the folders were written
                    raise DataError(f"{target}: exists; nothing written (cchc split --overwrite replaces it)")
                os.replace(target, aside / slug)
                replaced.append(slug)
            os.replace(staging / slug, target)
            placed.append(slug)
    except BaseException:
        for slug in reversed(placed):
            _quietly(os.replace, out_root / slug, staging / slug)
        for slug in reversed(replaced):
            _quietly(os.replace, aside / slug, out_root / slug)
        raise


def _quietly(move, *args) -> None:
    try:
        move(*args)
    except OSError:
        pass
