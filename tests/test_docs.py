"""The documentation pages the code cites: every ``docs/<page>.md, "<heading>"`` in the package
and the tests names a page that exists and one of its headings, and nothing cites the README."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CITATION = re.compile(r'docs/([\w.-]+?)\.md,\s+(?:#\s*)?"([^"]+)"')
SOURCES = ("*.py", "*.j2", "*.css")


def _files(folder: str) -> list[Path]:
    return sorted(p for pattern in SOURCES for p in (ROOT / folder).rglob(pattern))


def headings(page: Path) -> list[str]:
    """The headings of a page (its lines that start with '#', outside fenced code), as they read."""
    found, fenced = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            found.append(line.lstrip("#").strip())
    return found


def names_heading(cited: str, heading: str) -> bool:
    """Whether ``cited`` is ``heading``, or the heading less a trailing parenthesis ("(`plan/`)")."""
    return cited == heading or re.sub(r"\s*\([^()]*\)$", "", heading) == cited


def citations() -> list[tuple[str, str, str]]:
    """Every citation of the package and the tests: (where, page, heading), the heading's line
    breaks and comment marks read as single spaces."""
    found = []
    for path in [*_files("cchc_lib"), *_files("tests")]:
        text = path.read_text(encoding="utf-8")
        for match in CITATION.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            heading = " ".join(re.sub(r"\n\s*#?", " ", match.group(2)).split())
            found.append((f"{path.relative_to(ROOT)}:{line}", match.group(1), heading))
    return found


def test_every_citation_names_an_existing_page_and_one_of_its_headings():
    assert len(citations()) > 20
    wrong = []
    for where, page, heading in citations():
        path = DOCS / f"{page}.md"
        if not path.is_file():
            wrong.append(f"{where}: no page docs/{page}.md")
        elif not any(names_heading(heading, h) for h in headings(path)):
            wrong.append(f"{where}: docs/{page}.md has no heading {heading!r}")
    assert not wrong, "\n".join(wrong)


def test_a_heading_is_matched_whole_or_less_its_trailing_parenthesis():
    assert names_heading("The plan", "The plan (`plan/`)") and names_heading("Checks", "Checks")
    assert not names_heading("The plan", "The plan of the year") and not names_heading("plan", "The plan")


def test_nothing_in_the_package_cites_the_readme():
    citing = [f"{p.relative_to(ROOT)}" for p in _files("cchc_lib") if "README," in p.read_text(encoding="utf-8")]
    assert not citing
