"""A report's page: the executed notebook as one offline HTML page (nbconvert, the project's
``cchc`` template, no code) and that page printed to an A4 PDF (WeasyPrint), each within its
step's time limit (``CCHC_HTML_TIMEOUT``, ``CCHC_PDF_TIMEOUT``) in a forked child process.

nbconvert and WeasyPrint take seconds to import: :func:`load_pages` imports them once, before
the pool's workers are forked, so each inherits them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..base import paths, vi
from ..outputs.pdf_resources import (
    FONT_CSS,
    check_pdf_fonts,
    check_text_covered,
    project_url_fetcher,
    shipped_characters,
)
from .limits import run_limited

if TYPE_CHECKING:
    import nbformat

# set by load_pages()
HTMLExporter = TagRemovePreprocessor = HTML = CSS = FontConfiguration = None

HIDDEN_CELL_TAGS = {"parameters", "injected-parameters", "summary-json", "document-json", "remove"}
TITLE_LIMIT = 120  # characters of the unit's name in a page's title


def load_pages() -> None:
    """Import nbconvert and WeasyPrint, once, and read the shipped face's characters (every PDF
    step's forked child then has them)."""
    global HTMLExporter, TagRemovePreprocessor, HTML, CSS, FontConfiguration
    if HTMLExporter is not None:
        return
    from nbconvert import HTMLExporter as html_exporter
    from nbconvert.preprocessors import TagRemovePreprocessor as tag_remover
    from weasyprint import CSS as weasy_css
    from weasyprint import HTML as weasy_html
    from weasyprint.text.fonts import FontConfiguration as font_configuration

    HTMLExporter, TagRemovePreprocessor, HTML, CSS, FontConfiguration = (
        html_exporter, tag_remover, weasy_html, weasy_css, font_configuration)
    shipped_characters()


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """The executed notebook as one offline HTML page, without code, prompts or parameter cells."""
    load_pages()
    exporter = HTMLExporter(
        template_name=paths.HTML_TEMPLATE,
        extra_template_basedirs=[str(paths.TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="vi",
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags=HIDDEN_CELL_TAGS, enabled=True), enabled=True
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def html_to_pdf(html: str, target: Path) -> None:
    """Print the report's HTML to an A4 PDF.

    The renderer reads ``data:`` URIs (the charts) and files of the package's templates folder,
    nothing else: a network address or another local file named in the page is left out.
    """
    load_pages()
    check_text_covered(html)  # a letter the shipped face lacks: named, never drawn by another face or dropped
    fetcher, font_config = project_url_fetcher(), FontConfiguration()
    fonts = CSS(filename=str(FONT_CSS), url_fetcher=fetcher, font_config=font_config)
    document = HTML(string=html, base_url=str(paths.PROJECT_ROOT), url_fetcher=fetcher).render(
        stylesheets=[fonts], font_config=font_config)
    pdf = document.write_pdf()
    check_pdf_fonts({font.family for font in document.fonts.values()})
    target.write_bytes(pdf)


def _html_file(nb: nbformat.NotebookNode, title: str, target: str) -> int:
    html = notebook_to_html(nb, title)
    Path(target).write_text(html, encoding="utf-8")
    return len(html)


def _pdf_file(html_path: str, target: str) -> int:
    html_to_pdf(Path(html_path).read_text(encoding="utf-8"), Path(target))
    return Path(target).stat().st_size


def export_html(nb: nbformat.NotebookNode, title: str, target: Path) -> None:
    """The executed notebook's HTML written to ``target``, within the ``html`` step's limit."""
    run_limited("html", _html_file, nb, title, str(target))


def export_pdf(html_file: Path, target: Path) -> None:
    """The PDF of the HTML page ``html_file`` written to ``target``, within the ``pdf`` step's limit."""
    load_pages()
    run_limited("pdf", _pdf_file, str(html_file), str(target))


def page_title(kind: str, period_name: str, who: object) -> str:
    """A report page's title, the unit's name cut to :data:`TITLE_LIMIT` characters."""
    return f"{kind} {period_name} - {vi.clip(str(who), TITLE_LIMIT, words=False)}"
