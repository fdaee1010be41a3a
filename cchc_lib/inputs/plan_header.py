"""The plan's header (``plan/plan.yaml``: ``title``, ``document``) checked against its data folder.

Every report prints the plan's ``document`` in its first sentence ("Thực hiện Kế hoạch … (ban
hành kèm theo Quyết định số …/QĐ-UBND ngày … của Chủ tịch UBND xã …)"). Two states of it are
warnings (docs/checks.md, "Checks"), listed by ``cchc validate`` and in every report's data-quality notes:

- the header names a commune-level unit (``xã``, ``phường``, ``thị trấn`` and the name after it)
  other than the unit of ``unit.yaml``: a plan copied from another unit, as ``cchc split
  --template`` copies the template's ``plan/``. Names are compared folded
  (:func:`fold_unit_name`: Unicode NFC, case, the old and new places of the tone mark, the
  "UBND"/"Ủy ban nhân dân" and kind prefixes), so "UBND xã Hoằng Giang" is unit "Xã Hoằng Giang";
- the decision's number left unfilled: "số .../QĐ-UBND", "số ……/QĐ-UBND", "Số:   /QĐ-UBND",
  "số … ngày" (:func:`unfilled_numbers`).

Without ``unit.yaml`` (or without its ``name``) the unit is not known and only the number is
checked; a ``plan.yaml`` or ``unit.yaml`` that cannot be read is left to their own readers,
which report it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..base.problems import WARNING, ProblemError, load_yaml, problem, problem_table
from .cache import kept
from .confine import refusal
from .unit import unit_yaml_keys

HEADER_FILE = "plan/plan.yaml"  # as named in the data folder
# key of plan.yaml -> how the messages name it (Vietnamese, English)
HEADER_KEYS = {"title": ("Tên kế hoạch", "title"), "document": ("Văn bản ban hành kế hoạch", "issuing document")}

_KIND = re.compile(r"(?<!\w)(?i:(?<!thị )xã|phường|thị trấn)\s+")  # "thị xã" is a district-level unit
_AUTHORITY = re.compile(r"^(?:ủy ban nhân dân|ubnd)\s+")
_KIND_PREFIX = re.compile(r"^(?:xã|phường|thị trấn)\s+")
_OLD_TONE = re.compile("([oO])([aAeE])([\u0300\u0301\u0303\u0309\u0323])(?!\\w)|"
                       "([uU])([yY])([\u0300\u0301\u0303\u0309\u0323])(?!\\w)")
_PUNCTUATION = ",;:.()[]\"'“”‘’"
_STOP_WORDS = {"huyện", "quận", "tỉnh", "tp", "về", "ngày", "năm", "số"}  # what follows a unit's name
_STOP_PAIRS = {("thị", "xã"), ("thành", "phố")}
_UNFILLED = re.compile(
    r"(?<!\w)(?i:số)\s*:?"
    r"(?:[\s.…_*?-]*/\s*[A-ZĐ][A-ZĐ0-9]*(?:\s*[-–]\s*[A-ZĐ][A-ZĐ0-9]*)*"  # nothing before the symbol
    r"|\s*[.…_]+[\s.…_]*?(?=\s*(?i:ngày)|\s*[,;)]|\s*$))"  # dots where the number goes, no symbol
)


def fold_unit_name(text: str) -> str:
    """A unit's name as compared: NFC, one space, the tone mark where the new spelling puts it
    ("Hoà" = "Hòa"), lower case, without "UBND"/"Ủy ban nhân dân" and "xã"/"phường"/"thị trấn".

    >>> fold_unit_name("UBND xã Hoằng Giang") == fold_unit_name("Xã  Hoằng Giang") == "hoằng giang"
    True
    >>> fold_unit_name("Uỷ ban nhân dân Phường Quảng Hoà")
    'quảng hòa'
    >>> fold_unit_name("THỊ TRẤN BÚT SƠN")
    'bút sơn'
    """
    text = unicodedata.normalize("NFD", " ".join(str(text).split()))
    text = _OLD_TONE.sub(lambda m: "".join(g for g in (m[1], m[3], m[2], m[4], m[6], m[5]) if g), text)
    folded = unicodedata.normalize("NFC", text).casefold()
    return _KIND_PREFIX.sub("", _AUTHORITY.sub("", folded))


def named_units(text: str) -> list[str]:
    """The commune-level units a text names, as written: the kind and the capitalised words after it.

    >>> named_units("Ban hành kèm theo Quyết định số .../QĐ-UBND của Chủ tịch UBND xã Hoằng Giang")
    ['xã Hoằng Giang']
    >>> named_units("UBND phường Hải Hòa, thị xã Nghi Sơn; THỊ TRẤN BÚT SƠN HUYỆN HOẰNG HÓA")
    ['phường Hải Hòa', 'THỊ TRẤN BÚT SƠN']
    >>> named_units("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM; an sinh xã hội; UBND xã")
    []
    """
    text = " ".join(unicodedata.normalize("NFC", str(text)).split())
    found: list[str] = []
    for match in _KIND.finditer(text):
        tokens = text[match.end():].split(" ")
        words: list[str] = []
        for i, token in enumerate(tokens):
            word = token.strip(_PUNCTUATION)
            following = tokens[i + 1].strip(_PUNCTUATION).casefold() if i + 1 < len(tokens) else ""
            if (not word or not (word[0].isupper() or word.isdigit()) or word.casefold() in _STOP_WORDS
                    or (word.casefold(), following) in _STOP_PAIRS or token.startswith(tuple(_PUNCTUATION))):
                break
            words.append(word)
            if token != token.rstrip(_PUNCTUATION):
                break
        if words and words[0].casefold() != "hội":  # "xã hội": society, not a commune
            named = f"{match[0].strip()} {' '.join(words)}"
            if named not in found:
                found.append(named)
    return found


def unfilled_numbers(text: str) -> list[str]:
    """Where a text leaves a document's number unfilled, as written.

    >>> unfilled_numbers("Quyết định số .../QĐ-UBND ngày 03/01/2023; Số:   /QĐ – UBND")
    ['số .../QĐ-UBND', 'Số:   /QĐ – UBND']
    >>> unfilled_numbers("Quyết định số …… ngày 03/01/2023 và Kế hoạch số 12/KH-UBND")
    ['số ……']
    """
    return [m[0].strip() for m in _UNFILLED.finditer(unicodedata.normalize("NFC", str(text)))]


def header_problems(meta: Mapping, unit_name: str = "") -> pd.DataFrame:
    """The warnings of a plan's header (``meta``: the keys of ``plan.yaml``) in the data folder
    of the unit ``unit_name`` ("" when not known: the issuer is then not compared).

    >>> header_problems({"document": "Quyết định số 05/QĐ-UBND của Chủ tịch UBND xã Hoằng Giang"},
    ...                 "Xã Hoằng Giang").empty
    True
    >>> header_problems({"document": "Quyết định số .../QĐ-UBND của UBND xã Hoằng Giang"},
    ...                 "Phường Nam Ngạn")[["column", "value"]].values.tolist()
    [['document', 'xã Hoằng Giang'], ['document', 'số .../QĐ-UBND']]
    """
    unit = " ".join(str(unit_name or "").split())
    rows = []
    for key, (label_vi, label_en) in HEADER_KEYS.items():
        text = meta.get(key)
        if not isinstance(text, str | int | float) or isinstance(text, bool):
            continue  # a key missing, or not a text: plan.py reads the header
        text = str(text)
        others = [n for n in named_units(text) if unit and fold_unit_name(n) != fold_unit_name(unit)]
        rows += [problem(
            HEADER_FILE, None, key, named,
            f"{label_vi} ghi tên {named}, không phải {unit} (đơn vị của thư mục dữ liệu): có thể là kế hoạch "
            "sao từ đơn vị khác; cần sửa cho đúng đơn vị trước khi lập báo cáo",
            f"the plan's {label_en} names {named}, not {unit} (the data folder's unit): a plan copied from "
            "another unit? Edit it for this unit before its reports",
            WARNING) for named in others]
        rows += [problem(
            HEADER_FILE, None, key, blank,
            f"{label_vi} chưa ghi số văn bản ({blank}): các báo cáo sẽ in nguyên như vậy; cần điền số văn bản",
            f"the plan's {label_en} leaves the document's number unfilled ({blank}): every report prints it so; "
            "write the number", WARNING) for blank in unfilled_numbers(text)]
    return problem_table(rows)


def check_plan_header(data_dir: Path) -> pd.DataFrame:
    """The warnings of ``data_dir/plan/plan.yaml``'s header against ``data_dir/unit.yaml``'s ``name``
    (:func:`header_problems`); none without a ``plan.yaml`` that can be read."""
    data_dir = Path(data_dir)
    meta = {} if refusal(data_dir, data_dir / HEADER_FILE) is not None else _header_or_empty(data_dir)
    if not meta:
        return problem_table()
    unit = unit_yaml_keys(data_dir).get("name")
    if not isinstance(unit, str) or any(ord(c) < 0x20 for c in unit):  # unit.yaml's reader refuses such a name
        unit = ""
    return header_problems(meta, unicodedata.normalize("NFC", unit))


def _header_or_empty(data_dir: Path) -> dict:
    """``plan.yaml``'s keys; empty when it cannot be read (its own reader says why)."""
    try:
        return read_plan_yaml(data_dir)
    except ProblemError:
        return {}


def read_plan_yaml(data_dir: Path) -> dict:
    """The keys of ``data_dir/plan/plan.yaml``, by the one safe YAML reader, read once per process
    while the file is unchanged (:func:`.cache.kept`); a :class:`ProblemError` naming it otherwise.
    Whether it is a regular file of the data folder is the caller's to check first."""
    path = Path(data_dir) / HEADER_FILE
    return kept(("plan.yaml", str(path.resolve())), lambda: [path], lambda: load_yaml(path, "plan.yaml"))
