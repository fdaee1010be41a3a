"""The unit whose data folder is read: ``unit.yaml`` read and checked once per process (:mod:`.cache`),
its names, its slug (the folder name of its reports), how its exports map (``columns:``, ``values:``)
and what the official report's header, signature and template need (:class:`DocumentInfo`).

Without ``unit.yaml`` the data folder's name is the unit's name.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from slugify import slugify as _ascii_slug

from ..base.errors import DataError
from ..base.problems import ProblemError, load_yaml, problem, problem_table
from .cache import kept
from .confine import MISSING, OUTSIDE, data_file, present, refusal
from .exports import ExportMapping

UNIT_FILE = "unit.yaml"


@dataclass(frozen=True)
class DocumentInfo:
    """What ``unit.yaml`` says of the unit as the author of an official report (docs/report.md, "The
    official report"); every key is optional."""

    authority: str = ""  # authority: the issuing body's line of the header ("Ủy ban nhân dân")
    place: str = ""  # place: the place of the date line ("Hoằng Giang, ngày … tháng … năm …")
    report_number: str = ""  # report_number: the number after "Số: " ("…/BC-UBND" left to fill)
    recipients: tuple[str, ...] = ()  # recipients: the "Nơi nhận" list
    signer: str = ""  # signer: the name under the signature
    signer_title: str = ""  # signer_title: "Chủ tịch", "Phó Chủ tịch"
    signer_on_behalf: str = ""  # signer_on_behalf: "TM. Ủy ban nhân dân", "KT. Chủ tịch"
    report_template: str = ""  # report_template: a Word template of the office's own, in the data folder
    template_path: Path | None = None  # report_template resolved in the data folder


_DOCUMENT_TEXT_KEYS = ("authority", "place", "report_number", "signer", "signer_title", "signer_on_behalf",
                       "report_template")


def read_document_info(info: dict, data_dir: Path, where: str) -> DocumentInfo:
    """The report-author keys of ``unit.yaml`` (``info``), checked: texts are texts, the
    recipients a list of texts, the template a ``.docx`` file of the data folder."""
    values: dict = {}
    for key in _DOCUMENT_TEXT_KEYS:
        value = info.get(key)
        if value is None:
            continue
        if isinstance(value, dict | list):
            raise DataError(f"{where}: '{key}:' must be one text, found a {type(value).__name__}")
        values[key] = unicodedata.normalize("NFC", str(value).strip())
    recipients = info.get("recipients")
    if recipients is not None:
        if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
            raise DataError(f"{where}: 'recipients:' must be a list of texts, one per line of \"Nơi nhận\"")
        values["recipients"] = tuple(unicodedata.normalize("NFC", str(r).strip()) for r in recipients)
    template = values.get("report_template")
    if template:
        # a regular file inside the data folder, links followed (docs/data.md, "The data folder")
        why = refusal(data_dir, data_dir / template)
        if why is not None and why != MISSING:
            hint = ": put the Word template in the data folder and name it from there" if why == OUTSIDE else ""
            found = problem(UNIT_FILE, None, "report_template", template, f"Mẫu Word {template} {why[0]}", why[1])
            raise ProblemError(problem_table([found]), UNIT_FILE,
                               headline=f"{where}: 'report_template: {template}': {why[1]}{hint}")
        path = (data_dir / template).resolve()  # links followed: where the file really is
        if Path(template).suffix.lower() != ".docx" or path.suffix.lower() != ".docx":
            raise DataError(f"{where}: 'report_template: {template}' must be a Word file (.docx)")
        if why is not None:
            raise DataError(f"{where}: 'report_template: {template}': no such file in {data_dir}")
        values["template_path"] = path
    return DocumentInfo(**values)


@dataclass(frozen=True)
class Unit:
    """The reporting unit (a commune) whose data folder is read."""

    name: str
    slug: str
    province: str = ""
    district: str = ""
    dossier_sheet: str = ""  # the XLSX sheet holding the dossiers; default: the first
    mapping: ExportMapping = field(default_factory=ExportMapping)  # unit.yaml's columns: and values:
    document: DocumentInfo = field(default_factory=DocumentInfo)  # the official report's author


SLUG_MAX = 80  # characters of a folder name made from a unit's name (docs/units.md, "One export of many communes")


def slugify(text: str) -> str:
    """An ASCII file-name form of a Vietnamese name, at most :data:`SLUG_MAX` characters.

    The letters are those of python-slugify (its transliteration: ``đ`` → ``d``, ``Ư`` → ``u``),
    lower case, every run of other characters one ``-`` (a comma between digits too, as between
    words); a name with no letter nor digit is ``unit``. A longer one is cut at a word boundary and
    ends with 8 hexadecimal digits of the SHA-1 of the whole slug, so the folder name stays within
    every file system's limit and two long names sharing their first 70 characters keep different
    folders; a slug of :data:`SLUG_MAX` characters or fewer (one written in ``unit.yaml`` too) is
    kept as it is.

    >>> slugify("Xã Hoằng Giang")
    'xa-hoang-giang'
    >>> slugify("Đông Sơn"), slugify("Phường 1,2")
    ('dong-son', 'phuong-1-2')
    >>> slug = slugify("Bộ phận một cửa của Ủy ban nhân dân xã Hoằng Giang, huyện Nông Cống, tỉnh Thanh Hóa")
    >>> slug, len(slug), slugify(slug) == slug
    ('bo-phan-mot-cua-cua-uy-ban-nhan-dan-xa-hoang-giang-huyen-nong-cong-tinh-82fbd429', 80, True)
    """
    slug = _ascii_slug(text, entities=False, decimal=False, hexadecimal=False, regex_pattern=r"[^a-z0-9]+",
                       replacements=[(",", "-")]) or "unit"
    if len(slug) <= SLUG_MAX:
        return slug
    digest = hashlib.sha1(slug.encode("ascii")).hexdigest()[:8]
    head = slug[: SLUG_MAX - len(digest)]  # room for "-" and the digest
    cut = head.rfind("-")
    head = head[:cut] if cut > len(head) // 2 else head[:-1]  # at a word boundary, unless a long word holds it
    return f"{head.rstrip('-')}-{digest}"


def read_unit(data_dir: Path, name: str = "") -> Unit:
    """The unit described by ``data_dir/unit.yaml``; ``name`` overrides its display name.

    Without ``unit.yaml`` the folder's name is the unit's name.
    """
    path = data_dir / UNIT_FILE
    info = unit_info(data_dir)
    if "name" in info and not str(info["name"] or "").strip():
        raise DataError(f"{path}: name: is empty; write the unit's name (Xã …) or remove the line to use "
                        "the folder's name")
    display = unicodedata.normalize("NFC", str(name or info.get("name") or data_dir.resolve().name))
    return Unit(
        name=display,
        slug=slugify(str(info.get("slug") or display)),
        province=str(info.get("province") or ""),
        district=str(info.get("district") or ""),
        dossier_sheet=str(info.get("dossier_sheet") or ""),
        mapping=ExportMapping.from_unit(info, str(path)),
        document=read_document_info(info, data_dir, str(path)),
    )


def unit_info(data_dir: Path) -> dict:
    """The keys of ``data_dir/unit.yaml`` (empty without the file), read by the one safe YAML reader
    (small, no anchors or aliases), every text checked free of control characters. Raises
    :class:`ProblemError` or :class:`DataError` naming the file."""
    info, wrong = _kept_info(Path(data_dir))
    if wrong is not None:
        raise DataError(wrong)
    return info


def unit_yaml_keys(data_dir: Path) -> dict:
    """The keys of ``data_dir/unit.yaml`` as written, whatever their texts hold; empty when the file is
    missing, no regular file of the data folder or cannot be read (:func:`unit_info` says why)."""
    try:
        return _kept_info(Path(data_dir))[0]
    except ProblemError:
        return {}


def _kept_info(data_dir: Path) -> tuple[dict, str | None]:
    """``unit.yaml``'s keys and what is wrong with its texts (None: nothing), read and checked once per
    process while the file is unchanged (:func:`.cache.kept`)."""
    path = data_dir / UNIT_FILE
    return kept(("unit.yaml", str(data_dir.resolve())), lambda: [path], lambda: _read_info(data_dir))


def _read_info(data_dir: Path) -> tuple[dict, str | None]:
    path = data_dir / UNIT_FILE
    if not present(path):
        return {}, None
    # the one safe YAML reader (docs/data.md, "The data folder"): small, no anchors or aliases
    info = load_yaml(data_file(data_dir, path), UNIT_FILE)
    try:
        _check_texts(info, str(path))
    except DataError as exc:
        return info, str(exc)
    return info, None


def _check_texts(value: object, where: str, key: str = "") -> None:
    """Every text of ``unit.yaml`` free of control characters (a NUL written ``"\\0"``): each is
    printed in the documents and becomes file names; an error names the key."""
    if isinstance(value, dict):
        for k, v in value.items():
            _check_texts(v, where, f"{key}.{k}" if key else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value, start=1):
            _check_texts(v, where, f"{key}[{i}]")
    elif isinstance(value, str):
        control = next((c for c in value if ord(c) < 0x20 and c not in "\t\n\r"), None)
        if control is not None:
            raise DataError(f"{where}: {key}: holds a control character (U+{ord(control):04X}), which no "
                            "document prints; retype the value")
