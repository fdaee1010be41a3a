"""What the PDF renderer may read: ``data:`` URIs and the package's own templates, nothing else.

WeasyPrint fetches whatever a page names: images, stylesheets, fonts, and the files of
``<a rel="attachment">`` links, which it embeds in the PDF. A report names only the
``data:`` images of its charts, and fonts come from the system (fontconfig), not from URLs.
Anything else (a network address, a local file outside ``cchc_lib/templates``, another
scheme) is refused: the renderer leaves the resource out and the PDF is made without it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from . import paths

try:  # WeasyPrint 68 and later: a fetcher is a URLFetcher
    from weasyprint.urls import URLFetcher
except ImportError:  # earlier versions: a fetcher is a function
    URLFetcher = None  # type: ignore[assignment,misc]


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
