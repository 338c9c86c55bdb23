"""Chinese font discovery for reportlab PDFs, checked against what actually lands in the PDF."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

from cets_desktop.io import fonts
from cets_desktop.io.fonts import (
    FontNotFound,
    check_font_file,
    find_cjk_font,
    missing_glyphs,
    register_pdf_font,
)

WQY_MICROHEI = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
NO_FONT = "no Chinese TrueType font installed (Debian: apt install fonts-wqy-microhei)"


def sfnt(tag: bytes, tables: dict[bytes, bytes]) -> bytes:
    """A minimal sfnt: header, table directory, table data (enough for the header screen)."""
    header = tag + struct.pack(">HHHH", len(tables), 0, 0, 0)
    offset = len(header) + 16 * len(tables)
    records, data = b"", b""
    for name, body in tables.items():
        records += struct.pack(">4sIII", name, 0, offset + len(data), len(body))
        data += body
    return header + records + data


def os2(fs_type: int) -> bytes:
    return struct.pack(">HhHHH", 4, 500, 400, 5, fs_type) + b"\0" * 86


@pytest.fixture
def fresh_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_registered", None)


def test_finds_an_embeddable_chinese_font_on_this_machine() -> None:
    choice = find_cjk_font()
    if choice is None:
        pytest.skip(NO_FONT)
    assert choice.path.is_file()
    assert check_font_file(choice.path, choice.subfont_index) is None


def test_pdf_embeds_the_chinese_font(tmp_path: Path, fresh_registration: None) -> None:
    if find_cjk_font() is None:
        pytest.skip(NO_FONT)
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts not installed (Debian: apt install poppler-utils)")
    name = register_pdf_font()
    assert name == "CJK" and register_pdf_font() == "CJK"  # second call reuses the registration
    style = ParagraphStyle("body", fontName=name, fontSize=11, leading=16, wordWrap="CJK")
    pdf = tmp_path / "月度信息化存证.pdf"
    # initialFontName: otherwise reportlab's canvas starts in Helvetica and the PDF references
    # a non-embedded Helvetica even though no text uses it (not acceptable for archival copies).
    doc = SimpleDocTemplate(str(pdf), pagesize=A4, initialFontName=name)
    doc.build(
        [
            Paragraph("<b>重点排放单位：</b>华能示范发电有限公司", style),
            Paragraph(
                "7 月入炉煤消耗量 41,250.37 t，低位发热量 21.871 GJ/t，二氧化碳排放量 87,654 tCO₂。", style
            ),
        ]
    )

    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    dashes = next(i for i, line in enumerate(lines) if line.startswith("---"))
    # Column widths follow the dashed underline: name, type, encoding, emb, sub, uni, object ID.
    spans, pos = [], 0
    for field in lines[dashes].split(" "):
        spans.append((pos, pos + len(field)))
        pos += len(field) + 1
    rows = [[line[a:b].strip() for a, b in spans] for line in lines[dashes + 1 :] if line.strip()]
    assert rows, out
    assert all(row[3] == "yes" for row in rows), out  # every font embedded: archival copies need it
    assert any("+" in row[0] for row in rows), out  # subset-tagged TrueType (e.g. AAAAAA+WenQuanYi…)


def test_ext_b_character_is_reported_missing_for_wqy_microhei() -> None:
    if not WQY_MICROHEI.is_file():
        pytest.skip("WenQuanYi Micro Hei not installed (Debian: apt install fonts-wqy-microhei)")
    font = TTFont("WQY-test", str(WQY_MICROHEI), subfontIndex=0)
    # 𠀀 (U+20000, CJK Ext-B) is outside Micro Hei; 张三 and the line break are fine.
    assert missing_glyphs("张𠀀三\n", font) == {"𠀀"}
    assert missing_glyphs("华能示范发电有限公司", font) == set()


def test_missing_glyphs_accepts_registered_font_name(fresh_registration: None) -> None:
    if find_cjk_font() is None:
        pytest.skip(NO_FONT)
    assert missing_glyphs("二氧化碳", register_pdf_font()) == set()
    with pytest.raises(TypeError):
        missing_glyphs("二氧化碳", "Helvetica")


def test_cff_otf_font_is_rejected(tmp_path: Path) -> None:
    otf = tmp_path / "NotoSansCJKsc-Regular.otf"
    otf.write_bytes(sfnt(b"OTTO", {b"CFF ": b"\0" * 32, b"cmap": b"\0" * 8, b"OS/2": os2(0)}))

    reason = check_font_file(otf)
    assert reason is not None and "CFF" in reason
    with pytest.raises(TTFError, match="postscript outlines"):  # reportlab agrees
        TTFont("otf-test", str(otf))
    choice = find_cjk_font(preferred=otf)
    assert choice is None or choice.path != otf


def test_ttc_whose_first_subfont_is_cff_is_rejected(tmp_path: Path) -> None:
    body = sfnt(b"OTTO", {b"CFF ": b"\0" * 32})
    ttc = tmp_path / "NotoSansCJK-Regular.ttc"
    ttc.write_bytes(b"ttcf" + struct.pack(">III", 0x00010000, 1, 16) + body)
    reason = check_font_file(ttc)
    assert reason is not None and "CFF" in reason
    assert "没有第 3 个" in (check_font_file(ttc, subfont_index=3) or "")


def test_font_that_forbids_embedding_is_rejected(tmp_path: Path) -> None:
    tables = {b"OS/2": os2(0x0002), b"cmap": b"\0" * 8, b"glyf": b"\0" * 8}
    restricted = tmp_path / "restricted.ttf"
    restricted.write_bytes(sfnt(struct.pack(">I", 0x00010000), tables))
    assert "不允许嵌入" in (check_font_file(restricted) or "")

    tables[b"OS/2"] = os2(0x0008)  # editable embedding: allowed
    editable = tmp_path / "editable.ttf"
    editable.write_bytes(sfnt(struct.pack(">I", 0x00010000), tables))
    assert check_font_file(editable) is None


def test_missing_and_garbage_files_have_reasons(tmp_path: Path) -> None:
    assert "不存在" in (check_font_file(tmp_path / "simsun.ttc") or "")
    junk = tmp_path / "msyh.ttc"
    junk.write_bytes(b"\x00\x01")
    assert check_font_file(junk) is not None


def test_configured_font_comes_first(tmp_path: Path) -> None:
    if not WQY_MICROHEI.is_file():
        pytest.skip("WenQuanYi Micro Hei not installed (Debian: apt install fonts-wqy-microhei)")
    copy = tmp_path / "用户字体.ttc"
    copy.symlink_to(WQY_MICROHEI)
    choice = find_cjk_font(preferred=copy)
    assert choice is not None and choice.path == copy and choice.source == "configured"


def test_no_font_raises_with_chinese_instructions(
    monkeypatch: pytest.MonkeyPatch, fresh_registration: None
) -> None:
    monkeypatch.setattr(fonts, "_system_candidates", lambda: iter(()))
    with pytest.raises(FontNotFound) as exc:
        register_pdf_font()
    message = str(exc.value)
    assert "fonts-wqy-microhei" in message and "微软雅黑" in message and "设置" in message
