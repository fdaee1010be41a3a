"""Markup planted in every kind of text the data carries reaches the reader as text.

One ``cchc report`` run (HTML, PDF, JSON) over a data folder whose unit name, procedure
names, field names and plan target ids carry a script, a link
that would make the PDF renderer attach a local file, and an image on a local web server
that counts the requests it gets. Each vector is then a case: shown escaped in the HTML,
kept as the data wrote it in the JSON, no file attached to the PDF, no request made.
"""

from __future__ import annotations

import csv
import http.server
import json
import re
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from .support import assert_no_personal, cchc, make_data, make_earlier, snapshot

pytestmark = pytest.mark.notebook

PERIOD = "2023-Q1"


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        _Counter.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _payload(tag: str, secret: Path, port: int) -> str:
    return (f"[{tag}]<script>alert('{tag}')</script>"
            f"<a rel=\"attachment\" href=\"{secret.as_uri()}\">x</a>"
            f"<img src=\"http://127.0.0.1:{port}/{tag}.png\">")


def _rewrite_csv(path: Path, change) -> None:
    """Rewrite a CSV file (UTF-8, BOM kept if it had one) through ``change(header, rows)``."""
    raw = path.read_text(encoding="utf-8")
    bom = raw.startswith("\ufeff")
    table = list(csv.reader(raw.lstrip("\ufeff").splitlines()))
    header, rows = table[0], table[1:]
    change(header, rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        if bom:
            f.write("\ufeff")
        csv.writer(f).writerows([header, *rows])


def _set_column(path: Path, column: str, value: str, where) -> None:
    def change(header: list[str], rows: list[list[str]]) -> None:
        i = header.index(column)
        touched = [row for row in rows if where(row, header)]
        assert touched, f"no row of {path.name} to plant {column} in"
        for row in touched:
            row[i] = value
    _rewrite_csv(path, change)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("injection")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = root / "secret.txt"
    secret.write_text("SECRET-LOCAL-FILE-CONTENT", encoding="utf-8")
    data = make_data(root / "xa-thu", rows=None)
    vectors = {tag: _payload(tag, secret, port) for tag in ("unit", "procedure", "field", "target")}
    (data / "unit.yaml").write_text(
        "name: " + json.dumps(vectors["unit"], ensure_ascii=False) + "\nslug: xa-thu\n", encoding="utf-8")
    first_quarter = lambda row, header: row[header.index("received_at")][3:10] in ("01/2023", "02/2023")  # noqa: E731
    _set_column(data / "dossiers.csv", "procedure", vectors["procedure"],
                lambda row, header: first_quarter(row, header) and row[0].endswith(("1", "2")))
    _set_column(data / "dossiers.csv", "field", vectors["field"],
                lambda row, header: first_quarter(row, header) and row[0].endswith("3"))
    plan = data / "plan"
    _set_column(plan / "targets.csv", "target_id", vectors["target"], lambda row, header: row[0] == "T4")
    out = make_earlier(root / "out")
    before = snapshot(out)
    try:  # the counter counts: a request made here is seen
        urllib.request.urlopen(f"http://127.0.0.1:{port}/probe.png", timeout=5)
    except urllib.error.HTTPError:
        pass
    assert _Counter.requests == ["/probe.png"]
    _Counter.requests = []
    run = cchc("report", PERIOD, "--data", data, "--out", out, "--format", "html,pdf,json")
    server.shutdown()
    yield {"run": run, "out": out, "before": before, "vectors": vectors, "requests": list(_Counter.requests),
           "data": data}


def _csv_header(path: Path) -> list[str]:
    return next(csv.reader(path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()))


def test_the_planted_columns_exist():
    """The columns planted above are the plan files' and the export's own (guards the fixture)."""
    from cchc_lib.base import paths
    plan = paths.SAMPLE_DATA_DIR / "plan"
    assert "target_id" in _csv_header(plan / "targets.csv")


def test_the_run_succeeds_and_keeps_personal_data_out(hostile_run):
    run, out = hostile_run["run"], hostile_run["out"]
    assert run.status == 0, run.text
    assert_no_personal(run, out)
    assert {f"{PERIOD}.{s}" for s in ("html", "pdf", "json")} <= {p.name for p in out.iterdir()}


class _Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("tag", ["unit", "procedure", "field", "target"])
def test_each_planted_text_is_shown_escaped(hostile_run, tag):
    # a plan's target ids are named only in the internal companion (the conflicting targets)
    name = f"{PERIOD}-noi-bo.html" if tag == "target" else f"{PERIOD}.html"
    html = (hostile_run["out"] / name).read_text(encoding="utf-8")
    assert f"[{tag}]&lt;script&gt;alert(" in html, f"{tag}: not shown as text"


def test_the_html_holds_no_live_markup_from_the_data(hostile_run):
    for name in (f"{PERIOD}.html", f"{PERIOD}-noi-bo.html", "index.html"):
        html = (hostile_run["out"] / name).read_text(encoding="utf-8")
        tags = _Tags(html).tags
        assert not [t for t, _ in tags if t in ("script", "a", "iframe", "object", "embed", "base", "link")
                    and not (t == "a" and name == "index.html")], name
        images = [attrs.get("src") or "" for t, attrs in tags if t == "img"]
        assert all(src.startswith("data:") for src in images), images
        live_urls = [v for _, attrs in tags for v in attrs.values()
                     if v and re.match(r"\s*(https?:|ftp:|file:|//)", v, re.IGNORECASE)]
        assert live_urls == [], live_urls


def test_the_pdf_attaches_no_file_and_no_request_was_made(hostile_run):
    pdf = hostile_run["out"] / f"{PERIOD}.pdf"
    reader = PdfReader(pdf)
    annotations = [a.get_object().get("/Subtype") for page in reader.pages for a in page.get("/Annots") or []]
    assert list(reader.attachments) == [] and "/FileAttachment" not in annotations
    assert b"SECRET-LOCAL-FILE-CONTENT" not in pdf.read_bytes()
    text = "".join(page.extract_text() for page in reader.pages)
    assert "[procedure]<script>" in text.replace("\n", "")  # shown as the data wrote it
    assert hostile_run["requests"] == []


def test_the_json_keeps_the_texts_as_written(hostile_run):
    summary = json.loads((hostile_run["out"] / f"{PERIOD}.json").read_text(encoding="utf-8"))
    flat = json.dumps(summary, ensure_ascii=False)
    assert summary["unit"] == hostile_run["vectors"]["unit"]
    for tag in ("field", "target"):
        assert json.dumps(hostile_run["vectors"][tag], ensure_ascii=False)[1:-1] in flat, tag
