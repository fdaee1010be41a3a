"""Hostile data folders whose files lead elsewhere: every file read on behalf of a data folder is a
regular file inside it (docs/data.md, "The data folder"). A link leading out of the folder, a named pipe
or a folder under a file's name is refused by ``cchc validate`` and by ``cchc report``, naming the
file, changing no earlier report and showing nothing of the file outside; a link whose target stays
in the folder is read. An office's Word template keeps no link to anything outside the report."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree

from cchc_lib.outputs.docx_report import write_period_docx

from .support import assert_no_personal, assert_refused, assert_unchanged, cchc, snapshot

CONTEXT_FILE = Path(__file__).resolve().parent.parent / "data" / "document_context.json"
PLANTED = "NỘI DUNG NGOÀI THƯ MỤC 7391"  # only in the files outside the data folder
LINKS = ("file:///etc/passwd", "http://example.invalid/theo-doi.png", "file:///C:/Windows/win.ini")
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ATTACHED_TEMPLATE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"


def _planted_template(path: Path, *lines: str) -> Path:
    """A Word template of an office: the given paragraphs (docxtpl tags), the planted text, and
    links to outside (a hyperlink, a linked picture, an attached template, a field including a file)."""
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.add_paragraph(PLANTED)
    part = doc.part
    paragraph = doc.add_paragraph()._p
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), part.relate_to(LINKS[0], RT.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "Xem tệp"
    run.append(text)
    link.append(run)
    paragraph.append(link)
    picture = part.relate_to(LINKS[1], RT.IMAGE, is_external=True)
    blip = etree.SubElement(doc.add_paragraph()._p, qn("a:blip"))
    blip.set(qn("r:link"), picture)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f'INCLUDEPICTURE "{LINKS[2]}" \\d')
    field.append(OxmlElement("w:r"))
    doc.add_paragraph()._p.append(field)
    settings = part._settings_part
    attached = OxmlElement("w:attachedTemplate")
    attached.set(qn("r:id"), settings.relate_to(LINKS[2], ATTACHED_TEMPLATE, is_external=True))
    settings.element.append(attached)
    doc.save(str(path))
    return path


TEMPLATE_LINES = ("{{ subtitle }}", "{%p for s in sections %}", "{{ s.heading }}", "{%p endfor %}")


def _outside_copy(data: Path, name: str, outside: Path) -> None:
    """``data/name`` moved out of the folder (the planted text added where a reader would show it)
    and a link left in its place."""
    source = data / name
    target = outside / name.replace("/", "-")
    if name == "report.docx":
        _planted_template(target, *TEMPLATE_LINES)
        (data / "unit.yaml").write_text((data / "unit.yaml").read_text(encoding="utf-8")
                                        + f"report_template: {name}\n", encoding="utf-8")
    elif name == "unit.yaml":
        target.write_text(source.read_text(encoding="utf-8") + f"signer: {PLANTED}\n", encoding="utf-8")
        source.unlink()
    elif name.startswith("narrative/"):
        source.parent.mkdir(exist_ok=True)
        target.write_text(f"## V. Đề xuất, kiến nghị\n{PLANTED}\n", encoding="utf-8")
    else:  # a table: the planted text in a cell of a row of its own
        text = source.read_text(encoding="utf-8-sig")
        width = text.splitlines()[0].count(",")
        target.write_text(text.rstrip("\n") + "\n" + ",".join([PLANTED] * (width + 1)) + "\n", encoding="utf-8")
        source.unlink()
    os.symlink(target, source)


# kind -> the file as named in the data folder, the period a report reading it is asked for
KINDS = {
    "unit": ("unit.yaml", "2023-Q1"),
    "export": ("dossiers.csv", "2023-Q1"),
    "catalogue": ("procedures.csv", "2023-Q1"),
    "plan": ("plan/tasks.csv", "2023-Q1"),
    "scoring": ("scoring/criteria.csv", "2023-Y"),  # the self-assessment is read with the year
    "narrative": ("narrative/2023-Q1.md", "2023-Q1"),
    "template": ("report.docx", "2023-Q1"),
}


def _assert_nothing_from_outside(*texts: str) -> None:
    for text in texts:
        assert PLANTED not in text
        assert not any(link in text for link in LINKS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_link_leading_out_is_refused_by_validate(data, tmp_path, kind):
    name, _ = KINDS[kind]
    outside = tmp_path / "ngoai"
    outside.mkdir()
    _outside_copy(data, name, outside)
    run = cchc("validate", "--data", data)
    assert run.status == 1, run.text
    assert "Traceback" not in run.text
    line = next((x for x in run.stdout.splitlines() if "a link leading out of the data folder" in x), "")
    if kind == "template":  # named where it is given: unit.yaml's key, the file as written there
        assert line.startswith("unit.yaml, ") and f"report_template: '{name}'" in line, run.text
    else:
        assert line.startswith(f"{name}, "), run.text
    assert "liên kết dẫn ra ngoài thư mục dữ liệu" in line, line
    _assert_nothing_from_outside(run.text)
    assert_no_personal(run)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_link_leading_out_is_refused_by_report(data, earlier, tmp_path, kind):
    name, period = KINDS[kind]
    outside = tmp_path / "ngoai"
    outside.mkdir()
    _outside_copy(data, name, outside)
    before = snapshot(earlier)
    run = cchc("report", period, "--data", data, "--out", earlier, "--format", "json,docx")
    assert_refused(run, file=name, says=("a link leading out of the data folder",))
    assert_unchanged(before, earlier)
    _assert_nothing_from_outside(run.text, *(p.read_text(encoding="utf-8", errors="replace")
                                             for p in earlier.rglob("*") if p.is_file()))
    assert_no_personal(run, earlier)


def _linked_inside(data: Path) -> None:
    """Every kind of file moved to ``data/kept/`` and linked from its place (links inside the folder)."""
    kept = data / "kept"
    kept.mkdir()
    (data / "narrative").mkdir()
    (kept / "2023-Q1.md").write_text("## V. Đề xuất, kiến nghị\nĐề nghị hỗ trợ máy quét.\n", encoding="utf-8")
    template = write_template(kept / "mau.docx")
    assert template.is_file()
    for name in ("unit.yaml", "dossiers.csv", "procedures.csv", "plan/tasks.csv", "scoring/criteria.csv"):
        target = kept / name.replace("/", "-")
        shutil.move(data / name, target)
        os.symlink(os.path.relpath(target, (data / name).parent), data / name)
    os.symlink("../kept/2023-Q1.md", data / "narrative" / "2023-Q1.md")
    os.symlink("kept/mau.docx", data / "mau.docx")
    with (data / "unit.yaml").open("a", encoding="utf-8") as f:
        f.write("report_template: mau.docx\n")


def write_template(path: Path) -> Path:
    """The planted template minus the planted text: an office's own, with its links to outside."""
    _planted_template(path, *TEMPLATE_LINES, "{%p for a in appendices %}", "{{ a.heading }}", "{%p endfor %}")
    doc = Document(str(path))
    for paragraph in doc.paragraphs:
        if paragraph.text == PLANTED:
            paragraph.text = "Mẫu của xã"
    doc.save(str(path))
    return path


def test_links_that_stay_inside_the_folder_are_read(data):
    _linked_inside(data)
    run = cchc("validate", "--data", data)
    assert run.status == 0, run.text
    assert "no error" in run.stdout


def _external_relationships(docx: Path) -> list[str]:
    """The targets of every relationship of the file whose mode is external."""
    found = []
    with zipfile.ZipFile(docx) as archive:
        for name in archive.namelist():
            if name.endswith(".rels"):
                root = etree.fromstring(archive.read(name))
                found += [r.get("Target") for r in root.iter(f"{REL_NS}Relationship")
                          if r.get("TargetMode") == "External"]
    return found


def _all_xml(docx: Path) -> str:
    with zipfile.ZipFile(docx) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                         if n.endswith((".xml", ".rels")))


def test_the_templates_links_to_outside_are_dropped_from_the_word_report(tmp_path):
    template = write_template(tmp_path / "mau.docx")
    assert len(_external_relationships(template)) == 3  # the case holds what it says
    context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    target = tmp_path / "2023-Q2.docx"
    write_period_docx(context, target, template=template)
    assert _external_relationships(target) == []
    xml = _all_xml(target)
    assert not any(link in xml for link in LINKS)
    assert "INCLUDEPICTURE" not in xml and "attachedTemplate" not in xml
    texts = [p.text for p in Document(str(target)).paragraphs]
    assert "Xem tệp" in texts  # the hyperlink's text stays, as text
    assert context["subtitle"] in texts


@pytest.mark.parametrize("lines, says", [
    (("A{{ subtitel }}B",), "'subtitel' is undefined"),
    (("{{ subtitle ",), "mau.docx"),
    (("{{ subtitle | khong_co }}",), "khong_co"),
])
def test_validate_opens_the_template_as_a_report_would(data, lines, says):
    _planted_template(data / "mau.docx", *lines)
    with (data / "unit.yaml").open("a", encoding="utf-8") as f:
        f.write("report_template: mau.docx\n")
    run = cchc("validate", "--data", data)
    assert run.status == 1, run.text
    line = next(x for x in run.stdout.splitlines() if x.startswith("mau.docx, "))
    assert "Word template mau.docx" in line and says in line, line
    _assert_nothing_from_outside(run.text)


def test_the_shipped_template_and_every_key_of_a_document_pass_the_check():
    from cchc_lib.outputs.docx_report import CONTEXT_KEYS, DEFAULT_TEMPLATE, check_template

    check_template(DEFAULT_TEMPLATE)  # uses every key (docs/report.md, "The official report")
    context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    assert set(context) | {"draft"} == CONTEXT_KEYS


def test_a_template_that_is_no_word_file_is_named_by_validate(data):
    (data / "mau.docx").write_text("{{ subtitle }}", encoding="utf-8")
    with (data / "unit.yaml").open("a", encoding="utf-8") as f:
        f.write("report_template: mau.docx\n")
    run = cchc("validate", "--data", data)
    assert run.status == 1
    assert "mau.docx" in run.stdout and "not a Word .docx file" in run.stdout, run.text


@pytest.mark.parametrize("name", ["dossiers.csv", "procedures.csv", "plan/tasks.csv", "narrative/2023-Q1.md"])
def test_a_pipe_or_a_folder_under_a_files_name_is_refused_without_waiting(data, earlier, name):
    path = data / name
    path.parent.mkdir(exist_ok=True)
    if path.exists():
        path.unlink()
    if name == "procedures.csv":
        path.mkdir()
        says = "a folder, not a file"
    else:
        os.mkfifo(path)  # a reader opening it would wait for ever
        says = "a named pipe (FIFO), not a file"
    run = cchc("validate", "--data", data, timeout=120)
    assert run.status == 1 and f"{name}, " in run.stdout and says in run.stdout, run.text
    before = snapshot(earlier)
    run = cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json", timeout=120)
    assert_refused(run, file=name, says=(says,))
    assert_unchanged(before, earlier)


def test_a_folder_of_exports_linked_out_is_refused(data, earlier, tmp_path):
    outside = tmp_path / "ngoai-dossiers"
    outside.mkdir()
    (outside / "thang-1.csv").write_text((data / "dossiers.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (data / "dossiers.csv").unlink()
    os.symlink(outside, data / "dossiers")
    before = snapshot(earlier)
    run = cchc("report", "2023-Q1", "--data", data, "--out", earlier, "--format", "json")
    assert_refused(run, file="dossiers/thang-1.csv", says=("a link leading out of the data folder",))
    assert_unchanged(before, earlier)
    assert_no_personal(run, earlier)


@pytest.mark.notebook
def test_a_report_reads_the_links_that_stay_inside(data, tmp_path):
    _linked_inside(data)
    out = tmp_path / "out"
    run = cchc("report", "2023-Q1", "--data", data, "--out", out, "--format", "html,docx,json")
    assert run.status == 0, run.text
    assert "Đề nghị hỗ trợ máy quét." in (out / "2023-Q1.html").read_text(encoding="utf-8")
    docx = out / "2023-Q1.docx"
    assert "Mẫu của xã" in [p.text for p in Document(str(docx)).paragraphs]
    assert _external_relationships(docx) == []
    assert not any(link in _all_xml(docx) for link in LINKS)
    assert_no_personal(run, out)


@pytest.mark.parametrize("name", ["procedures.csv", "plan/tasks.csv"])
def test_split_copies_nothing_from_outside_a_template_folder(data, tmp_path, name):
    from tests.test_split import canonical_export

    outside = tmp_path / "ngoai"
    outside.mkdir()
    _outside_copy(data, name, outside)
    source = canonical_export(tmp_path / "in")
    root = tmp_path / "units"
    run = cchc("split", source, "--by", "unit", "--out", root, "--template", data)
    assert_refused(run, file=name, says=("a link leading out of the data folder",))
    assert not root.exists() or not any(root.iterdir())
    _assert_nothing_from_outside(run.text)


@pytest.mark.parametrize("make, says", [
    (lambda p: os.symlink("khong-co.md", p), "a link to a file that does not exist"),
    (lambda p: os.symlink(p.name, p), "a loop of links"),  # a link to itself: a loop
    (lambda p: os.symlink("/dev/null", p), "a link leading out of the data folder"),
    (lambda p: os.symlink("../../ngoai/2023-Q1.md", p), "a link leading out of the data folder"),
])
def test_each_way_a_file_can_fail_to_be_one_is_named(tmp_path, make, says):
    from cchc_lib.base.errors import DataError
    from cchc_lib.inputs.confine import data_file

    data = tmp_path / "du-lieu"
    (data / "narrative").mkdir(parents=True)
    (tmp_path / "ngoai").mkdir()
    (tmp_path / "ngoai" / "2023-Q1.md").write_text(PLANTED, encoding="utf-8")
    path = data / "narrative" / "2023-Q1.md"
    make(path)
    with pytest.raises(DataError) as caught:
        data_file(data, path)
    message = str(caught.value)
    assert message.startswith("narrative/2023-Q1.md: ") and says in message, message
    assert PLANTED not in message and "/dev/null" not in message
    assert caught.value.problems.iloc[0]["file"] == "narrative/2023-Q1.md"
