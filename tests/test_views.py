"""No markup from the data reaches the report: the section templates escape every value, and the
PDF renderer reads nothing but ``data:`` URIs and the package's own templates."""

from __future__ import annotations

import copy
import json
import re
import shutil
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from cchc_lib.base import paths
from cchc_lib.base.periods import parse_period
from cchc_lib.outputs import pdf_resources, templating, views
from cchc_lib.outputs.pdf_resources import FONT_DIR
from cchc_lib.running.pages import html_to_pdf
from cchc_lib.running.report import build_reports

SCRIPT = "<script>alert(1)</script>"
ATTACHMENT = '<a rel="attachment" href="file:///etc/passwd">x</a>'
REMOTE_IMAGE = '<img src="http://127.0.0.1:9/x.png">'
PAYLOAD = SCRIPT + ATTACHMENT + REMOTE_IMAGE
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
VIEWS = ("show_tthc_table",)  # the unit report's section the roll-up shows (the rest: tests/test_rollup.py)


def hostile(name: str) -> str:
    """A value named ``name`` (to find it again in the page) followed by the three kinds of markup."""
    return f"[{name}]{PAYLOAD}"


def shown_escaped(name: str, html: str) -> bool:
    return f"[{name}]{ESCAPED_SCRIPT}" in html


class _Tags(HTMLParser):
    """The elements of a page, with their attributes, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_no_live_markup(html: str, charts: int = 0) -> None:
    """No script, link, embedded object or URL in ``html``; no image but the ``charts`` the report
    draws (``data:`` URIs)."""
    lowered = html.lower()
    assert "<script" not in lowered and "<a " not in lowered and "<link" not in lowered
    tags = _Tags(html).tags
    names = [name for name, _ in tags]
    for forbidden in ("script", "a", "link", "iframe", "object", "embed", "base"):
        assert forbidden not in names
    images = [attrs.get("src") or "" for name, attrs in tags if name == "img"]
    assert len(images) == charts and all(src.startswith(("data:image/svg+xml;base64,", "data:image/png;base64,"))
                                         for src in images)
    urls = [value for _, attrs in tags for value in attrs.values()
            if value and re.match(r"\s*(https?:|ftp:|file:|//)", value, re.IGNORECASE)]
    assert urls == []


COUNT_KEYS = ("received_total", "received_online", "received_direct_postal", "carried_over", "resolved_total",
              "resolved_early", "resolved_on_time", "resolved_late", "pending_total", "pending_in_term",
              "pending_overdue")


def _counts(*values: int | None) -> dict:
    return dict(zip(COUNT_KEYS, values, strict=True))


@pytest.fixture
def small_summary() -> dict:
    """A small summary of the shape ``build_summary`` gives (2023-Q2 of a commune like the sample)."""
    return {
        "unit": "Xã Hoằng Giang", "district": "Huyện Hoằng Hóa", "province": "Tỉnh Thanh Hóa",
        "period": "2023-Q2", "period_name": "Quý II năm 2023", "cutoff": "decree09",
        "start": "2023-03-15", "end": "2023-06-14", "generated_at": "2023-06-20T08:30:00+07:00",
        "dossiers": {
            "by_field": {"Chứng thực": _counts(300, 120, 170, 10, 295, 250, 40, 5, 5, 5, 0),
                         "Hộ tịch": _counts(245, 113, 127, 5, 240, 200, 38, 2, 5, 4, 1)},
            "total": _counts(545, 233, 297, 15, 535, 450, 78, 7, 10, 9, 1),
            "received_in_period": 530, "source_files": ["dossiers.csv"],
        },
        "data_quality": {"errors": 0, "warnings": 0, "excluded_rows": 0, "duplicates_dropped": 0,
                         "due_dates_computed": 0, "warning_list": [],
                         "exports": [{"file": "dossiers.csv", "format": "CSV", "header_rows": [1], "rows": 2600,
                                      "dropped": {"total": 1}, "lacking": []}]},
    }


@pytest.fixture
def hostile_summary(small_summary) -> tuple[dict, dict[str, list[str]]]:
    """The summary with markup in every string that comes from the data folder; and, per view,
    the names of the values it shows."""
    s = copy.deepcopy(small_summary)
    shown: dict[str, list[str]] = {view: [] for view in VIEWS}

    def put(view: str, name: str) -> str:
        shown[view].append(name)
        return hostile(name)

    dossiers = s["dossiers"]
    first_field = next(iter(dossiers["by_field"]))
    dossiers["by_field"] = {put("show_tthc_table", "field name") if f == first_field else f: v
                            for f, v in dossiers["by_field"].items()}
    return s, shown


@pytest.mark.parametrize("view", VIEWS)
def test_every_value_from_the_data_is_shown_as_text(hostile_summary, view):
    summary, shown = hostile_summary
    html = getattr(views, view)(summary).data
    assert_no_live_markup(html)
    missing = [name for name in shown[view] if not shown_escaped(name, html)]
    assert not missing, f"{view} does not show {missing} (escaped)"


def test_the_escaped_markup_reads_as_the_data_wrote_it(hostile_summary):
    html = views.show_tthc_table(hostile_summary[0]).data
    assert ("[field name]&lt;script&gt;alert(1)&lt;/script&gt;&lt;a rel=&#34;attachment&#34; "
            "href=&#34;file:///etc/passwd&#34;&gt;x&lt;/a&gt;"
            "&lt;img src=&#34;http://127.0.0.1:9/x.png&#34;&gt;") in html


def test_views_keep_their_tables_and_texts(small_summary):
    summary = copy.deepcopy(small_summary)
    summary["dossiers"]["total"]["received_online"] = None
    tthc = views.show_tthc_table(summary)
    assert type(tthc).__name__ == "HTML"
    html = tthc.data
    assert html.startswith('<section class="cchc-section"><h2>1. Tình hình, kết quả giải quyết thủ tục hành chính</h2>')
    assert '<table class="cchc-tthc"><colgroup><col style="width: 6.00%"><col style="width: 14.00%">' in html
    assert html.count("<col ") == len(views.COLUMN_WIDTHS["cchc-tthc"]) == 13
    assert '<td class="num unknown">không rõ</td>' in html
    assert '<th class="colno">(13)</th>' in html
    assert re.search(r'<tr><td></td><td class="total">Tổng số</td>(<td class="num">[\d.]+</td>|'
                     r'<td class="num unknown">không rõ</td>)', html)


def test_the_templates_escape_and_no_code_marks_data_safe():
    assert views._environment().autoescape is True
    for template in (paths.TEMPLATES_DIR / "sections").glob("*.j2"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|autoescape\s+false", text), template.name
    source = Path(views.__file__).read_text(encoding="utf-8") + Path(templating.__file__).read_text(encoding="utf-8")
    # the one place that hands markup over: `unbroken` (of the templates' filters), which escapes the
    # text before it keeps a document's number or a date on one line
    assert source.count("Markup(") == 1 and "from html import" not in source
    assert str(views.unbroken('<script>alert("19/BC-UBND")</script> 01/02/2023')) == (
        '&lt;script&gt;alert(&#34;<span class="cchc-nobr">19/BC-UBND</span>&#34;)&lt;/script&gt; '
        '<span class="cchc-nobr">01/02/2023</span>')


def test_the_section_templates_ship_with_the_package():
    project = (paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"templates/*/*"' in project
    shipped = set(paths.PACKAGE_DIR.glob("templates/*/*"))
    for name in ("_macros", "tthc", "rollup_header", "rollup_ranking", "rollup_units"):
        assert paths.TEMPLATES_DIR / "sections" / f"{name}.html.j2" in shipped


def _replace_target_id(data: Path, old: str, new: str) -> None:
    targets = data / "plan" / "targets.csv"
    text = targets.read_text(encoding="utf-8-sig")
    quoted = '"' + new.replace('"', '""') + '"'
    assert f"\n{old}," in text
    targets.write_text("\ufeff" + text.replace(f"\n{old},", f"\n{quoted},", 1), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# the PDF renderer
# ---------------------------------------------------------------------------------------------

SMALL_SVG = ("data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxMCIgaGVp"
             "Z2h0PSIxMCI+PHJlY3Qgd2lkdGg9IjEwIiBoZWlnaHQ9IjEwIi8+PC9zdmc+")


@pytest.fixture
def fetches(monkeypatch) -> dict[str, list]:
    """What the PDF renderer asked for (with the verdict) and what was actually opened."""
    seen: dict[str, list] = {"asked": [], "opened": []}
    allowed = pdf_resources.resource_allowed

    def recording_allowed(url: str) -> bool:
        verdict = allowed(url)
        seen["asked"].append((url, verdict))
        return verdict

    real_open = urllib.request.OpenerDirector.open

    def recording_open(self, url, *args, **kwargs):
        seen["opened"].append(url if isinstance(url, str) else url.full_url)
        return real_open(self, url, *args, **kwargs)

    monkeypatch.setattr(pdf_resources, "resource_allowed", recording_allowed)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", recording_open)
    return seen


def _embedded_files(pdf: Path) -> list:
    reader = PdfReader(pdf)
    annotations = [annotation.get_object().get("/Subtype") for page in reader.pages
                   for annotation in page.get("/Annots") or []]
    return [*reader.attachments, *(a for a in annotations if a == "/FileAttachment")]


def test_the_pdf_reads_no_url_and_no_local_file(tmp_path, fetches):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the report", encoding="utf-8")
    picture = tmp_path / "picture.png"
    Image.new("RGB", (8, 8), "red").save(picture)
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="http://127.0.0.1:9/style.css">
<link rel="attachment" href="{secret.as_uri()}">
</head><body><p>Xã Hoằng Giang</p>
<a rel="attachment" href="file:///etc/passwd">x</a>
<a rel="attachment" href="{secret.as_uri()}?copy">y</a>
<img src="{picture.as_uri()}">
<img src="http://127.0.0.1:9/x">
<img src="ftp://127.0.0.1:9/x.png">
<img src="../../../../../../../../etc/hostname">
</body></html>"""
    target = tmp_path / "out.pdf"
    html_to_pdf(html, target)
    assert PdfReader(target).pages[0].extract_text().startswith("Xã Hoằng Giang")
    assert _embedded_files(target) == []
    assert not PdfReader(target).pages[0].images
    assert b"not for the report" not in target.read_bytes()
    asked = {url.split("?")[0]: verdict for url, verdict in fetches["asked"]}
    for url in ("http://127.0.0.1:9/style.css", secret.as_uri(), "file:///etc/passwd", picture.as_uri(),
                "http://127.0.0.1:9/x", "ftp://127.0.0.1:9/x.png"):
        assert asked.get(url) is False, url
    # what it opened: the shipped typeface alone
    assert {url.rsplit("/", 1)[0] for url in fetches["opened"]} == {FONT_DIR.as_uri()}


def test_the_pdf_still_reads_data_uris_and_the_project_templates(tmp_path, fetches):
    stylesheet = paths.TEMPLATES_DIR / "cchc" / "report.css"
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{stylesheet.as_uri()}">
<link rel="stylesheet" href="cchc_lib/templates/cchc/report.css">
</head><body><h1>Báo cáo</h1><img src="{SMALL_SVG}"></body></html>"""
    target = tmp_path / "out.pdf"
    html_to_pdf(html, target)
    assert all(verdict for _, verdict in fetches["asked"])
    assert fetches["opened"].count(stylesheet.as_uri()) == 2
    assert SMALL_SVG in fetches["opened"]
    assert PdfReader(target).pages[0].extract_text().startswith("Báo cáo")


def test_the_report_template_takes_no_resource_but_its_own():
    """report.css and the page template name no URL: fonts come from the system (fontconfig)."""
    for name in ("cchc/index.html.j2", "cchc/report.css", "site/index.html.j2"):
        text = (paths.TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert not re.search(r"url\(|@import|(src|href)\s*=\s*[\"']?(https?:|//|file:)", text), name


# ---------------------------------------------------------------------------------------------
# end to end: markup in the plan files and the unit's name, through the notebook
# ---------------------------------------------------------------------------------------------


@pytest.mark.notebook
def test_a_report_from_hostile_data_has_no_live_markup(tmp_path):
    data = tmp_path / "unit"
    shutil.copytree(paths.SAMPLE_DATA_DIR, data)
    _replace_target_id(data, "T4", hostile("T4"))
    out = tmp_path / "out"
    build_reports([parse_period("2023-Q2")], data_dir=data, out_dir=out, unit=hostile("unit"), jobs=1)
    html = (out / "2023-Q2.html").read_text(encoding="utf-8")
    assert_no_live_markup(html, charts=1)
    companion = (out / "2023-Q2-noi-bo.html").read_text(encoding="utf-8")  # where a plan's target ids are named
    assert_no_live_markup(companion, charts=0)
    assert shown_escaped("T4", companion) and shown_escaped("unit", html)
    assert "<title>Báo cáo CCHC Quý II năm 2023 - [unit]&lt;script&gt;" in html
    assert _embedded_files(out / "2023-Q2.pdf") == []
    summary = json.loads((out / "2023-Q2.json").read_text(encoding="utf-8"))
    assert summary["plan"]["target_conflicts"][0]["targets"][0] == hostile("T4")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in index and "[unit]&lt;script&gt;" in index


def test_every_text_a_section_shows_is_cut_and_the_json_keeps_it_whole():
    long = "Thủ tục " * 20_000
    summary = {"dossiers": {"by_field": {long: {"received_total": 1}}, "total": {"received_total": 1}}}
    html = views.show_tthc_table(summary).data
    assert long not in html and long[: views.TEXT_LIMIT - 1] + "…" in html
    assert len(html) < 10_000
    assert views.clip("ngắn") == "ngắn"


def test_the_environment_given_a_limit_clips_at_that_limit():
    long = "x" * (views.TEXT_LIMIT + 100)
    for limit in (views.TEXT_LIMIT, views.DOCUMENT_TEXT_LIMIT, 20):
        env = views._environment(limit)
        assert env.from_string("{{ text }}").render(text=long * 20) == (long * 20)[: limit - 1] + "…"
        assert env.from_string("{{ text | clip }}").render(text=long * 20) == (long * 20)[: limit - 1] + "…"
