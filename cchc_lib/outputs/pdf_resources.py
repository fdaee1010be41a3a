"""What the PDF renderer may read and draw with: ``data:`` URIs and the package's own templates,
nothing else; one shipped typeface, checked in every PDF it makes.

WeasyPrint fetches whatever a page names: images, stylesheets, fonts, and the files of
``<a rel="attachment">`` links, which it embeds in the PDF. A report names only the
``data:`` images of its charts, and fonts come from the system (fontconfig), not from URLs.
Anything else (a network address, a local file outside ``cchc_lib/templates``, another
scheme) is refused: the renderer leaves the resource out and the PDF is made without it.

Every PDF is drawn in one face shipped with the package, Liberation Serif 2.1.5
(``templates/fonts/``, SIL Open Font License 1.1), loaded by ``@font-face`` from
:data:`FONT_CSS` through the fetcher above: what the machine has installed never draws a
letter. A machine's fontconfig still answers for a character the face lacks, letter by letter:
:func:`check_pdf_fonts` finds such a face among the fonts a rendered document used, and the PDF
step then fails, naming it, instead of publishing a document in two typefaces (docs/report.md,
"The official report").
"""

from __future__ import annotations

import functools
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from ..base import paths

try:  # WeasyPrint 68 and later: a fetcher is a URLFetcher
    from weasyprint.urls import URLFetcher
except ImportError:  # earlier versions: a fetcher is a function
    URLFetcher = None  # type: ignore[assignment,misc]


FONT_DIR = paths.TEMPLATES_DIR / "fonts"
FONT_CSS = FONT_DIR / "fonts.css"
SHIPPED_FAMILIES = frozenset({"CCHC Serif"})  # the family fonts.css gives the shipped face


class FontFallback(RuntimeError):
    """A rendered PDF drew some of its text in a face other than the shipped one."""


def check_pdf_fonts(families: set[str] | frozenset[str]) -> None:
    """Refuse a PDF whose text was drawn in any family but the shipped one.

    >>> check_pdf_fonts({"CCHC Serif"})
    >>> check_pdf_fonts({"CCHC Serif", "DejaVu Serif"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cchc_lib.outputs.pdf_resources.FontFallback: the PDF drew text in DejaVu Serif besides the shipped ...: ...
    """
    others = sorted(set(families) - SHIPPED_FAMILIES)
    if others:
        raise FontFallback(f"the PDF drew text in {', '.join(others)} besides the shipped Liberation Serif: a "
                           "character the face lacks (look for symbols in the text); no PDF was written")


_IGNORED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}  # controls, invisible format marks, line breaks: no glyph drawn


@functools.cache
def shipped_characters() -> frozenset[int]:
    """The characters every shipped face has a letter for (the four share one character set)."""
    from fontTools.ttLib import TTFont

    sets = [set(TTFont(str(path), lazy=True).getBestCmap()) for path in sorted(FONT_DIR.glob("*.ttf"))]
    return frozenset(set.intersection(*sets))


class _PageText(HTMLParser):
    """The text a page shows (not its styles or scripts)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.chars: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hidden += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("style", "script") and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.chars.update(data)


def check_text_covered(html: str) -> None:
    """Raise :class:`FontFallback` when the page's text holds a character the shipped face has no
    letter for (an emoji, a symbol pasted into a name or a plan's text), naming the characters:
    another face would draw it, or none would and it would vanish from the PDF without a word."""
    page = _PageText()
    page.feed(html)
    have = shipped_characters()
    missing = sorted(c for c in page.chars if ord(c) not in have and not c.isspace()
                     and unicodedata.category(c) not in _IGNORED_CATEGORIES)
    if missing:
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:8])
        raise FontFallback(f"the text holds characters the report's typeface (Liberation Serif) has no letter for: "
                           f"{shown}{' …' if len(missing) > 8 else ''}; remove them where the data holds them "
                           "(unit.yaml, the plan's texts, the catalogue's names, the office's texts)")


class ResourceRefused(ValueError):
    """The PDF renderer asked for a resource it may not read."""


def resource_allowed(url: str) -> bool:
    """Whether the PDF renderer may read ``url``: a ``data:`` URI or a file of the templates folder.

    >>> resource_allowed("data:image/svg+xml;base64,PHN2Zy8+")
    True
    >>> resource_allowed((paths.TEMPLATES_DIR / "cchc" / "report.css").as_uri())
    True
    >>> [resource_allowed(url) for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png",
    ...  "https://example.org/a.css", "ftp://example.org/x", "x.png", "//example.org/x.png",
    ...  (paths.TEMPLATES_DIR / ".." / "paths.py").as_uri())]
    [False, False, False, False, False, False, False]
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost") or any(ord(c) <= 0x20 for c in url):
        return False
    try:
        path = Path(url2pathname(parts.path)).resolve()
    except (OSError, ValueError):
        return False
    return path.is_relative_to(paths.TEMPLATES_DIR.resolve())


def _refuse_unless_allowed(url: str) -> None:
    if not resource_allowed(url):
        raise ResourceRefused(f"the PDF reads no resource outside the report's own templates: {url[:120]}")


if URLFetcher is not None:

    class ProjectResourceFetcher(URLFetcher):
        """WeasyPrint's fetcher, reading only what :func:`resource_allowed` accepts."""

        def fetch(self, url, headers=None):  # noqa: ANN001, ANN201 - WeasyPrint's signature
            _refuse_unless_allowed(url)
            return super().fetch(url, headers)

    def project_url_fetcher() -> ProjectResourceFetcher:
        """The ``url_fetcher`` to give ``weasyprint.HTML``."""
        return ProjectResourceFetcher()

else:

    def project_url_fetcher():  # noqa: ANN201 - a function with WeasyPrint's fetcher signature
        """The ``url_fetcher`` to give ``weasyprint.HTML``."""
        from weasyprint import default_url_fetcher

        def fetch(url, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            _refuse_unless_allowed(url)
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
