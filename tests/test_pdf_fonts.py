"""Every PDF is drawn in the one shipped face, whatever fonts the machine has."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pypdf import PdfReader

from cchc_lib.outputs import pdf_resources
from cchc_lib.running.pages import html_to_pdf

VIETNAMESE = "Kết quả thực hiện công tác cải cách hành chính quý II năm 2023: ỦY BAN NHÂN DÂN XÃ HOẰNG GIANG"
PAGE = (f"<html><body><h1>{VIETNAMESE}</h1><p><b>Độc lập - Tự do - Hạnh phúc</b> <i>Hoằng Giang, ngày</i> "
        f"<b><i>Nơi nhận:</i></b> tỷ lệ ≥ 99% – 97,1%…</p></body></html>")


def _families(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_the_pdf_uses_only_the_shipped_face(tmp_path):
    target = tmp_path / "a.pdf"
    html_to_pdf(PAGE, target)
    assert _families(target) == {"CCHC-Serif", "CCHC-Serif-Bold", "CCHC-Serif-Italic", "CCHC-Serif-Bold-Italic"}


def test_a_character_the_face_lacks_fails_the_pdf_naming_it_and_writes_nothing(tmp_path):
    target = tmp_path / "a.pdf"
    with pytest.raises(pdf_resources.FontFallback, match=r"'✓' \(U\+2713\)"):
        html_to_pdf("<html><body><p>Đạt ✓</p></body></html>", target)
    assert not target.exists()
    # an emoji no face of the machine has would vanish without a word: it is named too
    with pytest.raises(pdf_resources.FontFallback, match=r"U\+1F3AD"):
        html_to_pdf("<html><body><p>Văn hóa 🎭</p></body></html>", target)
    assert not target.exists()


def test_styles_scripts_and_invisible_marks_are_not_text_to_draw():
    pdf_resources.check_text_covered("<html><head><style>p::after{content:'✓'}</style></head>"
                                     "<body><p>Hoằng\u00ad Giang\u200b, ngày 01/01/2023 – “≥ 95%”…</p></body></html>")


def test_a_face_other_than_the_shipped_one_in_a_rendered_document_fails_it():
    with pytest.raises(pdf_resources.FontFallback, match="besides the shipped Liberation Serif"):
        pdf_resources.check_pdf_fonts({"CCHC Serif", "DejaVu Sans"})


def test_the_shipped_face_has_every_vietnamese_letter():
    from fontTools.ttLib import TTFont

    letters = "ăâđêôơưĂÂĐÊÔƠƯ" + "".join(
        f"{v}" for v in "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
    letters += letters.upper()
    for style in ("Regular", "Bold", "Italic", "BoldItalic"):
        cmap = TTFont(pdf_resources.FONT_DIR / f"LiberationSerif-{style}.ttf").getBestCmap()
        assert [c for c in letters if ord(c) not in cmap] == [], style
    assert (pdf_resources.FONT_DIR / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") >= 1


@pytest.mark.skipif(not Path("/usr/share/fonts/truetype/dejavu").is_dir(), reason="needs Debian's DejaVu fonts")
def test_one_face_under_a_fontconfig_of_old_liberation_and_dejavu(tmp_path):
    """Where a machine's "Liberation Serif" (Debian's 1.07) lacks the Vietnamese letters and
    fontconfig would draw them in DejaVu Serif, the PDF still uses the shipped face alone."""
    conf = tmp_path / "fonts.conf"
    dirs = "".join(f"<dir>{d}</dir>" for d in ("/usr/share/fonts/truetype/liberation",
                                              "/usr/share/fonts/truetype/dejavu") if Path(d).is_dir())
    conf.write_text(f'<?xml version="1.0"?><fontconfig>{dirs}<cachedir>{tmp_path / "cache"}</cachedir>'
                    "</fontconfig>", encoding="utf-8")
    target = tmp_path / "a.pdf"
    script = textwrap.dedent(f"""
        from pathlib import Path
        from cchc_lib.running.pages import html_to_pdf
        html_to_pdf({PAGE!r}, Path({str(target)!r}))
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120,
                   env={**os.environ, "FONTCONFIG_FILE": str(conf)})
    assert _families(target) == {"CCHC-Serif", "CCHC-Serif-Bold", "CCHC-Serif-Italic", "CCHC-Serif-Bold-Italic"}
