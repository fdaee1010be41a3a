"""The reform index self-assessment's files (cchc_lib.outputs.score_files, and their run in
cchc_lib.running.score_report): the workbook's cells equal the JSON, texts of the data are inert
in the page and the workbook, what goes upward is a document of the commune naming no file, folder
or column, ``cchc score`` publishes the four files with the
index, and a year's report run writes them beside the reports."""

from __future__ import annotations

import csv
import json
import re
import shutil
import unicodedata
import zipfile
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from cchc_lib.base import paths
from cchc_lib.base.errors import ReportError
from cchc_lib.inputs.criteria import CRITERIA_COLUMNS, SELF_SCORE_COLUMNS
from cchc_lib.inputs.unit import DocumentInfo
from cchc_lib.outputs.score_files import (
    EXAMPLE_NOTICE,
    FLAG_NAMES_VI,
    METHOD_NAMES_VI,
    build_score_workbook,
    render_score_html,
    score_stem,
)
from cchc_lib.running.score_report import build_score, compute_score, write_score_files
from tests.hostile.support import Page, assert_no_personal, cchc, make_data
from tests.test_scoring import _folder, _score, late_folder

VECTOR = '=HYPERLINK("http://127.0.0.1:9/x","bấm")<script>alert(1)</script>'


@pytest.fixture(scope="module")
def year_result():
    return compute_score("2023", data_dir=paths.SAMPLE_DATA_DIR)


def _rows(result: dict) -> list[dict]:
    return [c for area in result["areas"] for c in area["criteria"]]


def test_a_year_other_than_the_plans_is_refused():
    """Criteria and self-scores carry no year: scoring 2024 with the 2023 plan would credit 2023's
    documents to 2024."""
    with pytest.raises(ReportError, match="the plan .* is of 2023: the self-assessment of 2024 needs"):
        compute_score("2024", data_dir=paths.SAMPLE_DATA_DIR)


def test_the_workbook_is_the_self_scoring_form_and_its_cells_equal_the_json(year_result, tmp_path):
    wb = build_score_workbook(year_result)
    ws = wb.active
    header_row = next(r for r in ws.iter_rows() if r[0].value == "STT")
    # the sample's year has milestones due after 14/12/2023: a column of the points not yet due
    assert year_result["points_not_yet_due"] > 0
    assert [c.value for c in header_row] == ["STT", "Lĩnh vực / tiêu chí", "Điểm tối đa", "Điểm tự chấm",
                                             "Tài liệu kiểm chứng", "Ghi chú", "Điểm chưa đến hạn"]
    body = list(ws.iter_rows(min_row=header_row[0].row + 1, values_only=True))
    criteria = _rows(year_result)
    assert len(body) == len(criteria) + 1
    for values, c in zip(body, criteria, strict=False):
        assert values[0] == c["id"] and values[1] == c["text"]
        waiting = c["points_due"] == 0 and c["points_not_yet_due"] > 0
        assert values[2] == c["max"] and values[3] == (None if waiting else c["score"])
        assert isinstance(values[2], float | int) and values[6] == c["open"]
        assert values[4] == ("\n".join(c["evidence"]) or None)
    assert body[-1][1] == "Tổng cộng" and body[-1][2] == year_result["max"] and body[-1][3] == year_result["score"]
    assert body[-1][6] == year_result["points_not_yet_due"]
    sentence = f"Tổng điểm tự chấm: {year_result['score_text']} (điểm tối đa 100)"
    assert sentence in [r[0] for r in ws.iter_rows(max_col=1, values_only=True)]
    assert year_result["score"] == pytest.approx(sum(a["score"] for a in year_result["areas"]), abs=0.011)


def test_during_the_year_the_form_shows_points_at_risk_and_open():
    result = compute_score("2023-Q2", data_dir=paths.SAMPLE_DATA_DIR)
    assert score_stem(result) == "2023-Q2-chi-so-cchc" and not result["year_end"]
    ws = build_score_workbook(result).active
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "STT")
    assert header[-2:] == ("Điểm có nguy cơ mất", "Điểm chưa đến hạn")
    total = list(ws.iter_rows(values_only=True))[-1]
    assert total[-2:] == (result["at_risk"], result["open"]) and result["open"] > 0 and result["at_risk"] > 0
    assert "nguy cơ mất" in render_score_html(result)


class Cells(HTMLParser):
    """A page's texts by place: each table row as its cells (each cell the texts of its parts),
    the totals' boxes, the headings and paragraphs."""

    BLOCKS = ("h1", "h2", "p", "th")

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, list[list[str]]] = {}
        self.boxes: list[str] = []
        self.blocks: list[str] = []
        self._row: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._box: list[str] | None = None
        self._block: list[str] | None = None
        self._in_totals = self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        self._boundary(tag, classes)
        if tag == "style":
            self._in_style = True
        elif tag == "tr":
            self._row = []
        elif tag == "td":
            self._cell = []
        elif tag == "div" and "totals" in classes:
            self._in_totals = True
        elif tag == "div" and self._in_totals:
            self._box = []
        elif tag in self.BLOCKS:
            self._block = []

    def _boundary(self, tag: str, classes: list[str]) -> None:
        """Parts of a block meet with a space, as before; a number kept on one line by a span
        (``cchc-nobr``) stays part of the words around it."""
        if self._block is not None and not (tag == "span" and (not classes or "cchc-nobr" in classes)):
            self._block.append(" ")

    def handle_endtag(self, tag):
        self._boundary(tag, [] if tag == "span" else ["end"])
        if tag == "style":
            self._in_style = False
        elif tag == "td":
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row:
            self.rows[self._row[0][0]] = self._row
            self._row = None
        elif tag == "div" and self._box is not None:
            self.boxes.append(" ".join(self._box))
            self._box = None
        elif tag == "div" and self._in_totals:
            self._in_totals = False
        elif tag in self.BLOCKS and self._block is not None:
            # a block's text as a reader sees it: pieces joined as written (a date kept on one
            # line by a span is still one word of its sentence), white space folded
            self.blocks.append(" ".join("".join(self._block).split()))
            self._block = None

    def handle_data(self, data):
        if self._block is not None and not self._in_style:
            self._block.append(data)
        text = " ".join(data.split())
        if not text or self._in_style:
            return
        for place in (self._cell, self._box):
            if place is not None:
                place.append(text)


LABELS = ("tự chấm", "người chấm", "quá hạn", "chưa có tài liệu kiểm chứng", "thay cho điểm tính từ số liệu",
          "chưa đến hạn", "thiếu số liệu", "điểm tối đa", *(n.casefold() for n in FLAG_NAMES_VI.values()),
          *(n.casefold() for n in METHOD_NAMES_VI.values()))


def _doubled(text: str) -> list[str]:
    """The labels a text says more than once."""
    return [label for label in LABELS if text.casefold().count(label) > 1]


def test_the_total_is_the_points_secured_over_the_points_due(tmp_path):
    """Points of milestones due after the data's last day are named, not counted as 0; the
    maximum stays in sight; the table gets a column of them, the page says what they are."""
    result = _score(late_folder(tmp_path), "2023-Y")
    page = Cells(render_score_html(result))
    assert page.boxes[:2] == ["Tổng điểm tự chấm 50 / 70 điểm đến hạn; 30 điểm chưa đến hạn", "Điểm tối đa 100 điểm"]
    assert "Điểm chưa đến hạn: điểm của các mốc công việc mà đến ngày 14/12/2023, ngày cuối của số liệu, vẫn còn " \
           "trong hạn (hạn của từng mốc ghi ở phần cách tính); chưa chấm, không tính là 0 điểm, được chấm khi đến " \
           "hạn." in page.blocks
    assert "1. Lĩnh vực một: 50 / 70 điểm đến hạn; 30 điểm chưa đến hạn (tối đa 100 điểm)" in page.blocks
    assert [th for th in page.blocks if th in ("Nguy cơ mất", "Chưa đến hạn")] == ["Chưa đến hạn"]
    # STT, text, max, score, not yet due: 1.3 is not scored yet ("—"), not 0
    assert [cell[:1] for cell in page.rows["1.3"][:5]] == [["1.3"], ["Mốc cuối năm"], ["10"], ["—"], ["10"]]
    assert [cell[:1] for cell in page.rows["1.1"][2:5]] == [["40"], ["20"], ["20"]]
    ws = build_score_workbook(result).active
    lines = [r[0] for r in ws.iter_rows(max_row=6, max_col=1, values_only=True)]
    assert lines[3] == "Tổng điểm tự chấm: 50 / 70 điểm đến hạn; 30 điểm chưa đến hạn (điểm tối đa 100)"
    table = [r for r in ws.iter_rows(values_only=True) if r[0] in ("STT", "1.3") or r[1] == "Tổng cộng"]
    assert table[0][-1] == "Điểm chưa đến hạn" and len(table[0]) == 7
    assert table[1][2:4] == (10, None) and table[1][-1] == 10
    assert table[2][2:4] == (100, 50) and table[2][-1] == 30


def test_with_every_point_due_the_total_is_out_of_the_maximum(tmp_path):
    folder = _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,Tự chấm,100,manual,,,,,"], ["1.1,80,Biên bản,,"])
    result = _score(folder, "2023-Y")
    page = Cells(render_score_html(result))
    assert page.boxes[:2] == ["Tổng điểm tự chấm 80 / 100 điểm", "Điểm tối đa 100 điểm"]
    assert "Chưa đến hạn" not in page.blocks and not any(b.startswith("Điểm chưa đến hạn") for b in page.blocks)
    header = next(r for r in build_score_workbook(result).active.iter_rows(values_only=True) if r[0] == "STT")
    assert len(header) == 6


def test_every_label_reads_once(tmp_path):
    """"Tự chấm: Điểm tự chấm: 2/2 điểm" no more: a row's sentence is not prefixed with its method,
    and a flag the sentence states is not written again beside it (page and workbook)."""
    folder = _folder(tmp_path, [
        "1,Lĩnh vực một,100,,,,,,", "1.1,Sửa điểm tính được,40,milestones,T1,,,,",
        "1.2,Mốc không có tài liệu,20,milestones,T4,,,,", "1.3,Tự chấm không tài liệu,30,manual,,,,,",
        "1.4,Chưa chấm,10,manual,,,,,",
    ], ["1.1,30,,Công chức A,", "1.3,15,,Chủ tịch,Đã báo cáo miệng"])
    result = _score(folder, "2023-Q2")
    result["generated_at"] = "2026-12-02T03:53:00+00:00"
    html = render_score_html(result)
    page = Cells(html)
    notes = {cid: row[-1] for cid, row in page.rows.items()}
    assert notes["1.1"] == [
        "Điểm tự chấm 30 thay cho điểm tính từ số liệu (15 điểm). 1/4 mốc hoàn thành đúng hạn, 1 mốc hoàn thành trễ "
        "hạn (tính nửa số điểm), 1 mốc quá hạn, 1 mốc chưa đến hạn (hạn 30/11/2023): 1 × 10 + 1 × 5 = 15 điểm; "
        "10 điểm chấm khi đến hạn", "Người chấm: Công chức A"]
    assert notes["1.2"] == ["1/1 mốc hoàn thành đúng hạn: 1 × 20 = 20 điểm; 1 mốc có điểm nhưng chưa có tài liệu "
                            "kiểm chứng", "Người chấm: Công chức C"]
    assert notes["1.3"] == ["Tự chấm 15/30 điểm", "Có điểm nhưng chưa có tài liệu kiểm chứng", "Người chấm: Chủ tịch",
                            "Đã báo cáo miệng"]
    assert notes["1.4"] == ["Chưa có điểm tự chấm"]
    assert notes["1"] == ["Tổng điểm các tiêu chí thành phần: 30 + 20 + 15 + chưa có điểm = 65 điểm"]
    for cid, row in page.rows.items():
        for cell in row:
            assert _doubled(" ".join(cell)) == [], (cid, cell)
    for text in page.boxes + page.blocks:
        assert _doubled(text) == [], text
    assert "Tự chấm: Điểm tự chấm" not in Page(html).text
    assert "Tạo lúc 10:53 ngày 02/12/2026 từ bộ tiêu chí, bảng điểm tự chấm, kế hoạch cải cách hành chính và số " \
           "liệu hồ sơ thủ tục hành chính của đơn vị." in page.blocks
    ws = build_score_workbook(result).active
    by_id = {r[0]: r for r in ws.iter_rows(values_only=True)}
    assert by_id["1.3"][5] == "Tự chấm 15/30 điểm\nCó điểm nhưng chưa có tài liệu kiểm chứng\nNgười chấm: Chủ tịch\n" \
                              "Đã báo cáo miệng"
    for row in ws.iter_rows(values_only=True):
        for value in row:
            assert not isinstance(value, str) or _doubled(value) == [], value


class Shown(HTMLParser):
    """The text a reader of the page sees: neither the style sheet nor the tab's title."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self.feed(html)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("style", "title")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("style", "title")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


# what names the data folder's files, folders and columns: none of it goes upward
_COLUMNS = re.compile(r"\b(" + "|".join(dict.fromkeys(CRITERIA_COLUMNS + SELF_SCORE_COLUMNS)) + r")\b")
_FILE_WORDS = ("scoring", ".csv", ".xlsx", ".yaml", "criteria", "self-scores", "plan/", "thư mục", "tệp")


def _names_of_the_data(text: str) -> list[str]:
    return [w for w in _FILE_WORDS if w.casefold() in text.casefold()] + _COLUMNS.findall(text)


def _example_folder(tmp_path):
    return _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,Tự chấm,60,manual,,,,,",
                              "1.2,Mốc của kế hoạch,40,milestones,T1,,,,"],
                   ["1.1,50,Biên bản số 3,Công chức A,Đã họp"], comments=("# VÍ DỤ: bộ tiêu chí minh họa",))


def test_what_goes_upward_names_no_file_folder_or_column(tmp_path):
    """An example set is said in an office's words on the page and in the workbook; the files the
    criteria came from stay in the JSON and on the command line."""
    result = _score(_example_folder(tmp_path), "2023-Y")
    assert result["example"] is True and result["criteria_file"] == "scoring/criteria.csv"
    assert result["self_scores_file"] == "scoring/self-scores.csv"
    html = render_score_html(result)
    shown = Shown(html).text
    assert _names_of_the_data(shown) == []
    assert shown.count(EXAMPLE_NOTICE) == 1 and "Tự chấm" in shown  # the data's own texts are there
    assert EXAMPLE_NOTICE == ("Bộ tiêu chí dùng ở đây là bộ ví dụ, chưa phải bộ tiêu chí Chỉ số cải cách hành chính "
                              "do Ủy ban nhân dân tỉnh ban hành: kết quả tự chấm chỉ để tham khảo.")
    texts = [v for row in build_score_workbook(result).active.iter_rows(values_only=True) for v in row
             if isinstance(v, str)]
    assert [(t, _names_of_the_data(t)) for t in texts if _names_of_the_data(t)] == []
    assert texts.count(EXAMPLE_NOTICE) == 1
    criteria = (tmp_path / "xa" / "scoring" / "criteria.csv")
    criteria.write_text(criteria.read_text(encoding="utf-8").replace("# VÍ DỤ: bộ tiêu chí minh họa\n", ""),
                        encoding="utf-8")
    own = _score(tmp_path / "xa", "2023-Y")
    assert own["example"] is False and EXAMPLE_NOTICE not in render_score_html(own)
    assert EXAMPLE_NOTICE not in [v for row in build_score_workbook(own).active.iter_rows(values_only=True)
                                  for v in row]


def test_the_command_line_names_the_example_file(tmp_path):
    lines: list[str] = []
    data = _example_folder(tmp_path)
    build_score("2023", data_dir=data, out_dir=tmp_path / "out", formats="json", progress=lines.append)
    assert lines[1:] == ["  scoring/criteria.csv is an example set of criteria (VÍ DỤ): replace it with the province's "
                         "criteria of the reform index before the self-assessment is sent"]
    saved = json.loads((tmp_path / "out" / "2023-chi-so-cchc.json").read_text(encoding="utf-8"))
    assert saved["criteria_file"] == "scoring/criteria.csv" and saved["example"] is True
    assert "author" not in saved


def test_the_page_is_a_document_of_the_commune(tmp_path):
    """The header block, the title and the ending of the period report (Nghị định 30/2020); the
    time in Vietnam's time; the signer of unit.yaml, or a place for the name."""
    result = _score(_folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,Tự chấm,100,manual,,,,,"],
                            ["1.1,80,Biên bản số 3,,"]), "2023-Y")
    result["generated_at"] = "2023-12-20T01:05:00+00:00"
    page = Cells(render_score_html(result))
    assert page.blocks[:11] == [
        "ỦY BAN NHÂN DÂN", "XÃ THỬ NGHIỆM", "", "Số: /BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Thử Nghiệm, ngày tháng năm 2023",
        "BÁO CÁO Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2023", "",
        "(Số liệu từ ngày 15/12/2022 đến ngày 14/12/2023, chốt theo Nghị định số 09/2019/NĐ-CP)",
        "UBND xã Thử Nghiệm báo cáo kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2023 như sau:"]
    assert page.blocks[-10:] == [
        "Tạo lúc 08:05 ngày 20/12/2023 từ bộ tiêu chí, bảng điểm tự chấm, kế hoạch cải cách hành chính và số liệu hồ "
        "sơ thủ tục hành chính của đơn vị.",
        "Trên đây là báo cáo kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2023 của UBND xã Thử "
        "Nghiệm./.",
        "Nơi nhận:", "- UBND cấp trên;", "- Phòng Nội vụ;", "- Lưu: VT, VP.",
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "(Họ và tên)"]
    author = DocumentInfo(signer="Lê Văn An", signer_title="Phó Chủ tịch", signer_on_behalf="KT. Chủ tịch",
                          place="Hoằng Thử", report_number="12/BC-UBND", recipients=("Phòng Nội vụ huyện;",))
    signed = Cells(render_score_html(result, author))
    assert signed.blocks[3] == "Số: /BC-UBND"  # unit.yaml's number is the period report's, not this document's
    assert signed.blocks[6] == "Hoằng Thử, ngày tháng năm 2023"
    assert signed.blocks[-6:] == ["Nơi nhận:", "- Phòng Nội vụ huyện;", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "",
                                  "Lê Văn An"]


def test_the_author_comes_from_unit_yaml_and_the_year_so_far_is_provisional(tmp_path):
    data = _folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,Tự chấm,100,manual,,,,,"], ["1.1,80,Biên bản,,"])
    (data / "unit.yaml").write_text("name: Xã Thử Nghiệm\ndistrict: Huyện Hoằng Hóa\nsigner: Lê Văn An\n",
                                    encoding="utf-8")
    result = compute_score("2023-Q2", data_dir=data)
    assert result.author.signer == "Lê Văn An"
    page = Cells(render_score_html(result))
    subject = "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2023 (tạm tính đến hết quý II năm 2023)"
    assert f"BÁO CÁO {subject}" in page.blocks
    assert "UBND xã Thử Nghiệm báo cáo kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2023 (tạm tính " \
           "đến hết quý II năm 2023) (điểm đã có, điểm có nguy cơ mất và điểm chưa đến hạn trong năm) như sau:" \
           in page.blocks
    assert page.blocks[-8:-5] == ["Nơi nhận:", "- UBND huyện Hoằng Hóa;", "- Phòng Nội vụ huyện Hoằng Hóa;"]
    assert page.blocks[-1] == "Lê Văn An"


def test_page_numbers_are_plain_top_centre_from_page_two(tmp_path):
    html = render_score_html(_score(_folder(tmp_path, ["1,Lĩnh vực một,100,,,,,,", "1.1,Tự chấm,100,manual,,,,,"]),
                                    "2023-Y"))
    assert "@top-center { content: counter(page);" in html
    assert "@page :first { @top-center { content: none; } }" in html
    assert "counter(pages)" not in html and "@bottom-center" not in html


def test_printed_rows_stay_whole_and_the_header_repeats(tmp_path):
    """A long table over several A4 pages: no row starts on one page and ends on the next."""
    count = 24
    criteria = ["1,Lĩnh vực một,96,,,,,,", "2,Lĩnh vực hai,4,,,,,,", "2.1,Tiêu chí cuối,4,manual,,,,,"]
    criteria += [f"1.{k},Tiêu chí đầu{k:02d},4,manual,,,,," for k in range(1, count + 1)]
    documents = {k: "; ".join([*(f"Báo cáo số {k}{n}/BC-UBND ngày 13/0{n}/2023 kết quả thực hiện" for n in range(1, 9)),
                               f"cuối{k:02d}"]) for k in range(1, count + 1)}
    scores = [f'1.{k},2,"{documents[k]}",,' for k in range(1, count + 1)]
    result = _score(_folder(tmp_path, criteria, scores), "2023-Y")
    html = render_score_html(result)
    assert "tr { break-inside: avoid; page-break-inside: avoid; }" in html
    assert "thead { display: table-header-group; }" in html
    out = tmp_path / "out"
    out.mkdir()
    assert write_score_files(result, out, ("pdf",)) == ["2023-chi-so-cchc.pdf"]
    pages = [unicodedata.normalize("NFC", p.extract_text()) for p in PdfReader(out / "2023-chi-so-cchc.pdf").pages]
    assert len(pages) >= 3
    where = {k: ([i for i, t in enumerate(pages) if f"đầu{k:02d}" in t], [i for i, t in enumerate(pages)
                                                                         if f"cuối{k:02d}" in t])
             for k in range(1, count + 1)}
    assert {k: starts for k, (starts, ends) in where.items() if len(starts) != 1 or starts != ends} == {}
    assert len({starts[0] for starts, _ in where.values()}) >= 3  # the table does run over pages
    assert all("Lĩnh vực / tiêu chí" in pages[i] for starts, _ in where.values() for i in starts)
    # the first table starts on page 1 with its first rows, nothing forcing it to page 2
    assert where[1][0] == [0]
    # page numbers: none on page 1, then the number alone, above everything else on the page
    tops = [_top_line(p) for p in PdfReader(out / "2023-chi-so-cchc.pdf").pages]
    assert tops == ["ỦY BAN NHÂN DÂN", *(str(n) for n in range(2, len(pages) + 1))]
    assert not any(re.search(r"^\s*\d+ / \d+\s*$", t, re.MULTILINE) for t in pages)  # no "1 / 9" foot


def _top_line(page) -> str:
    """The text drawn highest on a PDF page."""
    parts = []
    page.extract_text(visitor_text=lambda text, cm, tm, *_: parts.append((tm[5] * cm[3] + cm[5], text.strip()))
                      if text.strip() else None)
    return max(parts)[1]


def _plant(data, criterion: str) -> None:
    """A criterion's text and a self-score's evidence holding markup and a formula."""
    path = data / "scoring" / "criteria.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    comments = [line for line in lines if line.startswith("#")]
    rows = list(csv.reader([line for line in lines if not line.startswith("#")]))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("id")] == criterion:
            row[header.index("text")] = VECTOR
    with path.open("w", encoding="utf-8", newline="") as f:
        f.writelines(comments)
        csv.writer(f).writerows(rows)
    scores = data / "scoring" / "self-scores.csv"
    rows = list(csv.reader(scores.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()))
    rows[1][rows[0].index("evidence")] = VECTOR
    with scores.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


@pytest.mark.notebook
def test_cchc_score_publishes_four_inert_files_and_the_index(tmp_path):
    data = make_data(tmp_path / "xa", rows=None)
    _plant(data, "1.1")
    out = tmp_path / "out"
    run = cchc("score", "2023", "--data", data, "--out", out, timeout=600)
    assert run.status == 0, run.text
    names = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert names == {f"2023-chi-so-cchc.{s}" for s in ("html", "pdf", "xlsx", "json")} | {"index.html"}
    result = json.loads((out / "2023-chi-so-cchc.json").read_text(encoding="utf-8"))
    assert any(c["text"] == VECTOR for c in _rows(result))
    page = Page((out / "2023-chi-so-cchc.html").read_text(encoding="utf-8"))
    assert "script" not in page.tags and "a" not in page.tags and VECTOR in page.text
    with zipfile.ZipFile(out / "2023-chi-so-cchc.xlsx") as xlsx:
        for name in (n for n in xlsx.namelist() if n.startswith("xl/worksheets/sheet")):
            assert not re.search(r"<f[ >]", xlsx.read(name).decode("utf-8"))
    ws = load_workbook(out / "2023-chi-so-cchc.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if c.value == VECTOR]
    assert cells and all(c.data_type == "s" for c in cells)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="2023-chi-so-cchc.pdf"' in index and "Chỉ số cải cách hành chính" in index
    assert (out / "2023-chi-so-cchc.pdf").read_bytes().startswith(b"%PDF")
    assert_no_personal(run, out)


@pytest.mark.notebook
def test_without_criteria_cchc_score_says_where_they_are_read_and_writes_nothing(tmp_path):
    data = tmp_path / "xa"
    shutil.copytree(paths.SAMPLE_DATA_DIR, data)
    shutil.rmtree(data / "scoring")
    out = tmp_path / "out"
    run = cchc("score", "2023", "--data", data, "--out", out)
    assert run.status == 1 and "scoring/criteria.csv" in run.stderr and "Traceback" not in run.text
    assert not out.exists() or not any(p for p in out.iterdir() if not p.name.startswith("."))
