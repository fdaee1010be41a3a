"""One export holding many communes' dossiers, split into one data folder per commune.

District and province one-stop systems export every commune's dossiers in one file, with a
column naming the receiving unit ("Đơn vị tiếp nhận", "Mã đơn vị", "Tên đơn vị", "Xã/phường",
or ``unit`` in a canonical CSV). The command line::

    cchc split FILE --by COLUMN --out ROOT [--template DIR] [--overwrite] [--skip-unassigned]

is::

    result = split_export(FILE, by=COLUMN, out_root=ROOT, template=DIR or None,
                          overwrite=OVERWRITE, unassigned="skip" if SKIP_UNASSIGNED else "error")
    print(result.describe())

The export is read as a data folder's exports are (:func:`cchc_lib.inputs.exports.read_export`: any
shape, header found by content, rows that are not dossiers dropped, statuses mapped to
outcomes, personal data never read); the column ``by`` names is found among the header's
names (compared as :func:`cchc_lib.inputs.schema.normalize_header` compares them: case, spacing and
Unicode form do not matter) and taken for the same rows. Rows are grouped by its value (NFC,
trimmed) and each unit gets ``ROOT/<slug>/`` (slug: :func:`cchc_lib.inputs.unit.slugify` of the
value) holding:

- ``dossiers.csv``: the canonical columns the export gives, values as read (dates as the text
  read), UTF-8 with BOM; a data folder of its own (``cchc validate --data ROOT/<slug>``);
- ``unit.yaml``: ``name`` (the column's value as written), ``slug``, and the template's
  ``district`` and ``province`` when it has them;
- from the template (a unit data folder), when it has them: its procedure catalogue
  (``procedures.csv`` or ``.xlsx``), its ``plan/`` folder (each commune's own: the copy is a
  starting point to edit) and the reform index criteria of ``scoring/`` (the province's, the
  same for every commune; not the self-scores, which are each commune's).

Nothing is dropped or overwritten silently: rows with no unit are an error naming them
(``unassigned="skip"`` leaves them out, counted); an existing unit's data folder is refused
(``overwrite=True`` replaces it, the whole folder); two values giving one slug are refused.
Folders are written in a temporary folder inside ``ROOT`` and renamed into place once all are
written, so a failure leaves no half-written data folder. This module reads and checks the split
(:func:`read_split`); :func:`cchc_lib.running.split_out.split_export` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..base.errors import DataError
from ..base.problems import problem_table, raise_errors
from . import schema as S
from .columns import normalize_text
from .confine import confinement_problems
from .criteria import CRITERIA_FILE, SCORING_DIR
from .exports import ExportMapping, ExportReading, find_header, read_export, read_table
from .ingest import find_catalogue
from .plan import PLAN_DIR
from .tables import find_table
from .unit import read_unit, slugify

UNASSIGNED_CHOICES = ("error", "skip")
_HEADER_ROWS = 64  # rows handed to find_header: more than it scans, so it finds what read_export finds
_ROWS_NAMED = 10  # rows named in an error, the rest counted


@dataclass(frozen=True)
class SplitUnit:
    """One unit's data folder written: its slug, its name as the column wrote it, where, how many rows."""

    slug: str
    name: str
    data_dir: Path
    rows: int


@dataclass
class SplitResult:
    """What :func:`cchc_lib.running.split_out.split_export` wrote."""

    source: Path
    by: str  # the column, as the file heads it
    out_root: Path
    units: list[SplitUnit]
    skipped: int = 0  # rows with no unit, left out (unassigned="skip")
    skipped_rows: list[int] = field(default_factory=list)  # their rows in the file (header = row 1 or below)
    dropped: int = 0  # rows of the file that are not dossiers (titles, groups, totals, never taken in)
    copied: list[str] = field(default_factory=list)  # what each folder got from the template
    template: Path | None = None

    @property
    def rows(self) -> int:
        return sum(u.rows for u in self.units)

    def describe(self) -> str:
        """What ``cchc split`` prints: a summary line, then one line per unit (slug, rows, name)."""
        lines = [f"{self.source}: {self.rows} dossier(s) of {len(self.units)} unit(s) by column {self.by!r}, "
                 f"in {self.out_root}"]
        width = max((len(u.slug) for u in self.units), default=0)
        digits = max((len(str(u.rows)) for u in self.units), default=1)
        lines += [f"  {u.slug:<{width}}  {u.rows:>{digits}}  {u.name}" for u in self.units]
        if self.skipped:
            lines.append(f"rows with no {self.by!r}, left out: {self.skipped} ({_rows_text(self.skipped_rows)})")
        if self.dropped:
            lines.append(f"rows that are not dossiers (titles, groups, totals, never taken in): {self.dropped}")
        if self.copied:
            lines.append(f"copied from {self.template} into each folder: {', '.join(self.copied)}")
        if f"{PLAN_DIR}/" in self.copied:
            lines.append(f"the {PLAN_DIR}/ copied is the template's: edit each commune's plan before its reports")
        return "\n".join(lines)


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:_ROWS_NAMED]))
    more = len(rows) - _ROWS_NAMED
    return f"rows {shown}" + (f" and {more} more" if more > 0 else "")


def read_export_with_column(
    source: Path, by: str, mapping: ExportMapping | None = None, sheet: str = ""
) -> tuple[ExportReading, str, pd.Series]:
    """``source`` read as :func:`read_export` reads it, with the column headed ``by``, which it
    leaves behind: (the reading, the header as the file writes it, the column's cells for the
    reading's rows: NFC, trimmed, missing where empty, on the index of ``reading.frame``).

    The header is looked up among the names :func:`find_header` gives the file's columns (a
    two-level header's are the title and sub-header joined), compared as
    :func:`schema.normalize_header` compares them. A header the file does not have, one it
    has twice, a personal-data column or a column the dossiers are read from is refused."""
    source = Path(source)
    mapping = mapping or ExportMapping()
    reading = read_export(source, mapping, sheet)
    _, table = read_table(source, sheet, keep_controls=True)  # a column never read may hold any character
    head = [[None if pd.isna(v) else v for v in row]
            for row in table.head(_HEADER_ROWS).itertuples(index=False, name=None)]
    start, depth, names = find_header(head, mapping)
    if tuple(range(start + 1, start + depth + 1)) != reading.header_rows:  # read_table gives the same cells
        raise DataError(f"{source}: two readings found the header in different rows "
                        f"({reading.header_rows} and {start + 1}–{start + depth})")
    key = S.normalize_header(by)
    found = [i for i, name in enumerate(names) if name and S.normalize_header(name) == key]
    if not key or not found:
        headers = ", ".join(repr(n) for n in names if n)
        raise DataError(f"{source}: no column headed {by!r}; the file's headers: {headers}")
    if len(found) > 1:
        raise DataError(f"{source}: {len(found)} columns are headed {by!r} "
                        f"(columns {', '.join(str(i + 1) for i in found)}): cannot tell which names the unit")
    column = found[0]
    header = names[column]
    mapped = mapping.columns.get(key)
    if S.is_personal_header(key) or mapped == "personal":
        raise DataError(f"{source}: column {header!r} holds personal data: it is never read, nor used to split")
    read_as = (None if mapped == "ignored" else mapped) if mapped else S.canonical_column(header)
    if read_as:
        raise DataError(f"{source}: column {header!r} is read as the dossiers' {read_as!r}, not a unit's name")
    rows = reading.frame[S.SOURCE_ROW].to_numpy() - 1  # read_export's source_row: table index + 1
    values = table[column].loc[rows]
    values = pd.Series(values.to_numpy(), index=reading.frame.index, dtype=values.dtype)
    return reading, header, normalize_text(values)


def read_split(
    source: Path,
    by: str,
    out_root: Path,
    template: Path | None = None,
    mapping: ExportMapping | None = None,
    sheet: str = "",
    *,
    overwrite: bool = False,
    unassigned: str = "error",
) -> SplitPlan:
    """What :func:`cchc_lib.running.split_out.split_export` writes, read and checked: the export
    ``source`` by its column ``by``, the units it names, the template's parts; nothing written.

    ``template``: a unit data folder whose ``procedures.csv`` (or ``.xlsx``) and ``plan/`` are
    copied into each folder and whose ``unit.yaml`` gives their ``district`` and ``province``.
    ``mapping``: headers and values of the export the project does not know (default: the
    template's ``unit.yaml`` ``columns:`` and ``values:``, if any); ``sheet``: the workbook's
    sheet (default: the first). ``unassigned``: ``"error"`` (rows with no unit are an error
    naming them) or ``"skip"`` (left out and counted). ``overwrite``: replace existing unit
    folders (each one whole) instead of refusing.
    """
    if unassigned not in UNASSIGNED_CHOICES:
        raise ValueError(f"unassigned must be one of {UNASSIGNED_CHOICES}, not {unassigned!r}")
    source, out_root = Path(source), Path(out_root)
    template = Path(template) if template is not None else None
    if not source.is_file():
        raise DataError(f"{source}: no such file")
    if out_root.exists() and not out_root.is_dir():
        raise DataError(f"{out_root}: exists and is not a folder")
    model = _template_parts(template, mapping)
    reading, header, units = read_export_with_column(source, by, model.mapping, sheet)
    named, skipped_rows = _units_of(source, reading.frame, units, header, unassigned)
    existing = [slug for slug, _, _ in named if exists(out_root / slug)]
    if existing and not overwrite:
        raise DataError(f"{out_root}: unit folder(s) exist: {', '.join(existing[:_ROWS_NAMED])}"
                        f"{f' and {len(existing) - _ROWS_NAMED} more' if len(existing) > _ROWS_NAMED else ''}; "
                        f"nothing written (cchc split --overwrite replaces them, each folder whole)")
    return SplitPlan(source, header, out_root, template, model, reading, named, skipped_rows)


@dataclass(frozen=True)
class SplitPlan:
    """A split read and checked: the export's reading, the units (slug, name, positions of its rows, by
    slug), the rows naming no unit, the template's parts."""

    source: Path
    header: str
    out_root: Path
    template: Path | None
    model: SplitTemplate
    reading: ExportReading
    named: list[tuple[str, str, np.ndarray]]
    skipped_rows: list[int]

    def result(self) -> SplitResult:
        """What the split wrote, once its folders are in place."""
        return SplitResult(
            source=self.source, by=self.header, out_root=self.out_root,
            units=[SplitUnit(slug, name, self.out_root / slug, len(positions)) for slug, name, positions in self.named],
            skipped=len(self.skipped_rows), skipped_rows=self.skipped_rows, dropped=len(self.reading.dropped),
            copied=self.model.copied, template=self.template,
        )


@dataclass(frozen=True)
class SplitTemplate:
    """What a split takes from its template data folder: the units' district and province, how the
    export maps, and the files copied into each unit's data folder."""

    mapping: ExportMapping | None = None
    district: str = ""
    province: str = ""
    catalogue: Path | None = None
    plan: Path | None = None
    criteria: Path | None = None

    @property
    def copied(self) -> list[str]:
        """What each data folder gets from the template, as :class:`SplitResult` lists it."""
        return (([self.catalogue.name] if self.catalogue else []) + ([f"{PLAN_DIR}/"] if self.plan else [])
                + ([f"{SCORING_DIR}/{self.criteria.name}"] if self.criteria else []))


def _template_parts(template: Path | None, mapping: ExportMapping | None) -> SplitTemplate:
    """The template's parts (none without a template); ``mapping`` given overrides its ``unit.yaml``'s.
    What is copied must be a regular file of the template folder, else it is refused, naming it."""
    if template is None:
        return SplitTemplate(mapping)
    if not template.is_dir():
        raise DataError(f"{template}: the template is not a data folder")
    model = read_unit(template)
    plan = template / PLAN_DIR if (template / PLAN_DIR).is_dir() else None
    parts = SplitTemplate(model.mapping if mapping is None else mapping, model.district, model.province,
                      find_catalogue(template), plan, find_table(template / SCORING_DIR, CRITERIA_FILE))
    # what is copied is a regular file of the template folder (docs/data.md, "The data folder")
    planned = sorted(plan.rglob("*")) if plan is not None else []
    to_copy = [parts.catalogue, parts.criteria, *(p for p in planned if p.is_symlink() or not p.is_dir())]
    raise_errors(problem_table(confinement_problems(template, to_copy)), f"the template {template}")
    return parts


def _units_of(source: Path, frame: pd.DataFrame, units: pd.Series, header: str, unassigned: str
              ) -> tuple[list[tuple[str, str, np.ndarray]], list[int]]:
    """The units the column names, each as (slug, name, positions of its rows), by slug; and the rows
    naming no unit (an error naming them, unless ``unassigned`` is ``"skip"``). Refused: no row to
    split, and two names sharing a slug."""
    if frame.empty:
        raise DataError(f"{source}: no dossier to split")
    missing = units.isna()
    skipped_rows = [int(r) for r in frame.loc[missing, S.SOURCE_ROW]]
    if skipped_rows and unassigned == "error":
        raise DataError(f"{source}: {len(skipped_rows)} dossier row(s) with no {header!r} "
                        f"({_rows_text(skipped_rows)}): fill them in, or leave them out "
                        f"(cchc split --skip-unassigned)")
    if len(skipped_rows) == len(frame):
        raise DataError(f"{source}: no dossier row has a {header!r}: nothing to split")
    groups = frame.groupby(units, sort=False, dropna=True).indices  # unit → positions, in file order
    named = sorted((slugify(str(name)), str(name), positions) for name, positions in groups.items())
    _refuse_shared_slugs(source, header, [(slug, name) for slug, name, _ in named])
    return named, skipped_rows


def exists(path: Path) -> bool:
    """Whether anything stands at ``path``: a file, a folder or a link, even a broken one."""
    return path.exists() or path.is_symlink()


def _refuse_shared_slugs(source: Path, header: str, pairs: list[tuple[str, str]]) -> None:
    """Two values of the unit column that would share a folder: refused, naming them."""
    names_of: dict[str, list[str]] = {}
    for slug, name in pairs:
        names_of.setdefault(slug, []).append(name)
    clashes = {slug: names for slug, names in names_of.items() if len(names) > 1}
    if clashes:
        text = "; ".join(f"{' and '.join(repr(n) for n in names)} → {slug}" for slug, names in clashes.items())
        raise DataError(f"{source}: values of {header!r} that would share a folder: {text}; "
                        f"write each unit's name one way in the export")
