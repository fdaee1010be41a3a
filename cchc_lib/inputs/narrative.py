"""The office's own words for a period's report: ``narrative/<PERIOD>.md`` in the data folder, read,
split by the report's sections and checked (a heading that names no section, an area of section II
the plan does not have, a file named after no period).

The file is read as lines, not converted as Markdown: only its ``#`` headings (by the Roman number
of a section, or under II the area's number), its blank lines (between paragraphs) and its ``-``,
``*`` or ``+`` bullets mean anything; every other character is the office's text, printed as written.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..base.errors import DataError
from ..base.periods import PeriodError, parse_period
from ..base.problems import WARNING, ProblemError, problem
from .confine import data_file, present

NARRATIVE_DIR = "narrative"  # the office's own words: narrative/<PERIOD>.md in the data folder
NARRATIVE_LIMIT = 256 * 1024  # bytes of one narrative file
# what identifies the plan's area that section I speaks of (the direction of the reform), not one of section II
DIRECTION_WORDS = ("chỉ đạo",)


def names_words(name: str, words: tuple[str, ...]) -> bool:
    """Whether ``name`` (an area's name as the plan writes it) holds one of ``words``, case aside."""
    folded = unicodedata.normalize("NFC", name).casefold()
    return any(w in folded for w in words)


def read_narrative(data_dir: Path | str, period: str) -> dict[str, list[str]]:
    """The office's own text for ``period`` (``narrative/<PERIOD>.md``), by section: keys ``I`` …
    ``V``, ``II.<n>`` for the n-th area of section II, and ``intro`` (text before any heading).

    A heading (``#`` line) starts with the section's Roman number (``## II. Kết quả …``); under
    II, ``### 2. …`` names the second area. Paragraphs are separated by blank lines; a line
    starting with ``-`` or ``*`` is one bullet. No file: an empty dict.
    """
    path = Path(data_dir) / NARRATIVE_DIR / f"{period}.md"
    if not present(path):
        return {}
    data_file(Path(data_dir), path)  # a regular file of the data folder (docs/data.md, "The data folder")
    if path.stat().st_size > NARRATIVE_LIMIT:
        raise DataError(f"{path}: larger than {NARRATIVE_LIMIT // 1024} KiB; the office's text of a period is "
                        "a few pages")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    for number, line in enumerate(text.splitlines(), start=1):
        control = next((c for c in line if ord(c) < 0x20 and c != "\t"), None)
        if control is not None:  # a NUL or another control character pasted in: retyped, never printed
            raise DataError(f"{path}: line {number}: holds a control character (U+{ord(control):04X}), "
                            "which no document prints; retype the line")
    return parse_narrative(unicodedata.normalize("NFC", text), str(path))


def check_narratives(data_dir: Path | str, plan: object = None) -> list[dict]:
    """The problems of the office's texts (``narrative/*.md``) as ``cchc validate`` lists them:
    a file named after no period (warning), one that cannot be read or whose heading names no
    section, or an area of section II the plan does not have (errors, naming file and line)."""
    folder = Path(data_dir) / NARRATIVE_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.md")):
        where = f"{NARRATIVE_DIR}/{path.name}"
        try:
            if parse_period(path.stem).id != path.stem:
                raise PeriodError(path.stem)
        except PeriodError:
            found.append(problem(where, None, "", path.stem, "Tên tệp không phải mã kỳ báo cáo (ví dụ 2023-Q2.md): "
                                 "văn bản không được dùng", "the file is named after no period (e.g. 2023-Q2.md): "
                                 "its text is not used", WARNING))
            continue
        try:
            check_narrative_places(read_narrative(data_dir, path.stem),
                                   section_two_areas(plan, parse_period(path.stem).year))
        except ProblemError as exc:  # no regular file of the data folder
            found += exc.problems.to_dict(orient="records")
        except DataError as exc:
            message = str(exc).removeprefix(str(path)).removeprefix(where).lstrip(":, ")
            line = re.match(r"line (\d+): ", message)
            if line:
                message = message[line.end():]
            found.append(problem(where, int(line.group(1)) if line else None, "", "",
                                 "Văn bản của văn phòng không dùng được (không có chỗ trong báo cáo hoặc không đọc "
                                 "được)", message))
    return found


_ROMAN_HEADING = re.compile(r"^(IV|V|III|II|I)(?:[.:)\-–\s]|$)")
_NUMBER_HEADING = re.compile(r"^(\d{1,2})(?:[.:)\-–\s]|$)")


class Narrative(dict):
    """The office's text by section (a dict), with where each part's heading is (``where``:
    key → "file, line n") for the errors of a part the document has no place for."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.where: dict[str, str] = {}


def parse_narrative(text: str, where: str = "narrative") -> dict[str, list[str]]:
    """The office's text split by section (see :func:`read_narrative`).

    >>> parse_narrative("## I. Chỉ đạo\\nĐã họp.\\n\\n## II\\n### 2. TTHC\\n- Niêm yết\\n- Rà soát\\n## V\\nĐề nghị.")
    {'I': ['Đã họp.'], 'II.2': ['- Niêm yết', '- Rà soát'], 'V': ['Đề nghị.']}
    """
    parts = Narrative()
    key, section, lines = "intro", "", []
    for number_, line in enumerate([*text.splitlines(), "# end"], start=1):
        stripped = line.strip()
        if not stripped.startswith("#"):
            lines.append(stripped)
            continue
        _flush(parts, key, lines)
        lines = []
        if number_ > len(text.splitlines()):
            break
        heading = stripped.lstrip("#").strip()
        roman, arabic = _ROMAN_HEADING.match(heading), _NUMBER_HEADING.match(heading)
        if roman:
            section = key = roman.group(1)
        elif arabic and section == "II":
            key = f"II.{int(arabic.group(1))}"
        else:
            key = ""
        if not key:
            raise DataError(f"{where}, line {number_}: heading {heading[:60]!r} names no section of the report: "
                            "start it with I, II, III, IV or V (and, under II, with the area's number: '### 2.')")
        parts.where.setdefault(key, f"{where}, line {number_}")
    return parts


def section_two_areas(plan: object, year: int) -> int:
    """How many sub-sections section II of a report of ``year`` has: the plan's areas but the
    direction one, when the plan is of that year; else the one of the dossiers."""
    if plan is None or plan.year != year:
        return 1
    names = plan.tasks.groupby("area")["area_name"].first()
    return max(1, sum(1 for name in names if not names_words(str(name), DIRECTION_WORDS)))


def check_narrative_places(narrative: dict, areas: int) -> None:
    """Every part of the office's text has its place: section II has ``areas`` sub-sections
    (1 to ``areas``); a heading naming another is an error naming the file and the line."""
    for key in narrative:
        if key.startswith("II.") and not 1 <= int(key[3:]) <= areas:
            where = getattr(narrative, "where", {}).get(key, "narrative")
            raise DataError(f"{where}: heading names area {key[3:]} of section II, which has {areas} "
                            f"(1–{areas}, in the plan's order): the text would have no place in the report")


def _flush(parts: dict[str, list[str]], key: str, lines: list[str]) -> None:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.startswith(("- ", "* ", "+ ")):
            if current:
                paragraphs.append(" ".join(current))
                current = []
            paragraphs.append("- " + line[2:].strip())
        elif line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if paragraphs:
        parts.setdefault(key, []).extend(paragraphs)
