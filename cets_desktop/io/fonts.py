"""Find an installed Chinese TrueType font for reportlab PDFs at run time.

No font ships with the app: Windows fonts may not be redistributed, and the PDF only needs one
that is installed. reportlab embeds TrueType outlines only (a CFF/"OTTO" font such as Noto CJK or
Source Han raises TTFError) and refuses fonts whose OS/2 fsType forbids embedding, so candidates
are screened by reading their sfnt header before reportlab loads the whole file.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import os
import struct
import subprocess
import sys
import threading
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFError, TTFNameBytes, TTFont, TTFontFace

log = logging.getLogger(__name__)

PDF_FONT_NAME = "CJK"

_WINDOWS_FILES = ("simsun.ttc", "simhei.ttf", "msyh.ttc", "msyh.ttf", "simkai.ttf", "simfang.ttf")
# Debian/Ubuntu package paths, best coverage and licence first (see engineering notes §3.2).
_LINUX_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/lxgw/LXGWWenKai-Regular.ttf",
    "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",
)
_MACOS_FILES = (
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Microsoft/SimSun.ttf",
)

_SFNT_TRUETYPE = (0x00010000, 0x74727565)  # 1.0 and Apple's 'true'
_SFNT_CFF = 0x4F54544F  # 'OTTO'
_TTC_TAG = 0x74746366  # 'ttcf'


class FontNotFound(Exception):
    """No usable Chinese TrueType font; ``str(exc)`` tells the user how to get one."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "找不到可用于生成 PDF 的中文 TrueType 字体，无法生成报告。"
            + (f"{detail}。" if detail else "")
            + "请安装中文字体后重试：Windows 上可使用系统自带的“宋体”或“微软雅黑”"
            "（如已被删除，可在“设置 > 个性化 > 字体”中重新安装）；"
            "Debian/Ubuntu 上可运行 sudo apt install fonts-wqy-microhei；"
            "也可以在本程序的“设置”中指定一个中文 TrueType 字体文件（.ttf 或 .ttc）。"
            "注意：.otf 格式的字体（如思源黑体、Noto CJK）无法嵌入 PDF。"
        )


@dataclass(frozen=True)
class FontChoice:
    path: Path
    subfont_index: int
    source: str  # "configured", "windows", "fontconfig", "known-path" or "macos": shown in 设置


def check_font_file(path: str | os.PathLike[str], subfont_index: int = 0) -> str | None:
    """None if reportlab can embed this font, else a Chinese reason (for 设置 and the log).

    Reads only the sfnt headers (a few hundred bytes), not the 5-20 MB font.
    """
    p = Path(path)
    try:
        with open(p, "rb") as f:
            return _screen(f, subfont_index)
    except FileNotFoundError:
        return f"字体文件“{p}”不存在"
    except OSError as exc:
        return f"无法读取字体文件“{p}”（{exc.strerror or exc}）"
    except (struct.error, ValueError):
        return f"“{p.name}”不是有效的 TrueType 字体文件（文件已损坏或格式不对）"


def _screen(f: BinaryIO, subfont_index: int) -> str | None:
    read, seek = f.read, f.seek
    (tag,) = struct.unpack(">I", read(4))
    if tag == _TTC_TAG:
        _version, count = struct.unpack(">II", read(8))
        if not 0 <= subfont_index < count:
            return f"字体集合中没有第 {subfont_index} 个字体（共 {count} 个）"
        seek(12 + 4 * subfont_index)
        (offset,) = struct.unpack(">I", read(4))
        seek(offset)
        (tag,) = struct.unpack(">I", read(4))
    if tag == _SFNT_CFF:
        return "该字体使用 CFF/PostScript 轮廓（.otf，如思源黑体、Noto CJK），reportlab 无法嵌入，请改用 TrueType 字体"
    if tag not in _SFNT_TRUETYPE:
        return "不是 TrueType 字体文件"
    (num_tables,) = struct.unpack(">H", read(2))
    read(6)  # searchRange, entrySelector, rangeShift
    tables: dict[bytes, int] = {}
    for _ in range(num_tables):
        name, _checksum, table_offset, _length = struct.unpack(">4sIII", read(16))
        tables[name] = table_offset
    if b"glyf" not in tables or b"cmap" not in tables:
        return "字体中没有 TrueType 字形轮廓或字符映射表，无法嵌入"
    if b"OS/2" in tables:
        seek(tables[b"OS/2"] + 8)  # version, xAvgCharWidth, usWeightClass, usWidthClass, then fsType
        (fs_type,) = struct.unpack(">H", read(2))
        # OpenType: bit 1 alone = restricted licence (the least restrictive bit set wins);
        # 0x0100 no subsetting, 0x0200 bitmap embedding only. reportlab refuses the same.
        if (fs_type & 0x000F) == 0x0002 or fs_type & 0x0300:
            return f"该字体的授权不允许嵌入 PDF（fsType=0x{fs_type:04X}）"
    return None


def _windows_candidates() -> Iterator[tuple[Path, str]]:
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT") or r"C:\Windows"
    folders = [Path(windir) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:  # fonts installed "for me only" (Windows 10 1809+)
        folders.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    for name in _WINDOWS_FILES:
        for folder in folders:
            yield folder / name, "windows"


def _fontconfig_candidates() -> Iterator[tuple[Path, str]]:
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{file}\t%{index}\n", ":lang=zh"],
            capture_output=True,
            text=True,
            timeout=20,  # the first run may build the font cache
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return
    lowest: dict[str, int] = {}
    for line in out.splitlines():
        file, _, index = line.partition("\t")
        if file and index.isdigit():
            lowest[file] = min(int(index), lowest.get(file, int(index)))
    # fc-list order is arbitrary; prefer the fonts we know render well, then a stable order.
    known = [Path(p).name for p in _LINUX_FILES]

    def rank(file: str) -> tuple[int, str]:
        name = Path(file).name
        return (known.index(name) if name in known else len(known), file)

    for file in sorted(lowest, key=rank):
        if lowest[file] == 0:
            yield Path(file), "fontconfig"


def _system_candidates() -> Iterator[tuple[Path, str]]:
    if sys.platform == "win32":
        yield from _windows_candidates()
    elif sys.platform == "darwin":
        for p in _MACOS_FILES:
            yield Path(p), "macos"
    else:
        yield from _fontconfig_candidates()
        for p in _LINUX_FILES:
            yield Path(p), "known-path"


def _candidates(preferred: str | os.PathLike[str] | None, subfont_index: int) -> Iterator[FontChoice]:
    seen: set[tuple[Path, int]] = set()
    if preferred:
        yield FontChoice(Path(preferred), subfont_index, "configured")
        seen.add((Path(preferred), subfont_index))
    for path, source in _system_candidates():
        if (path, 0) not in seen and path.is_file():
            seen.add((path, 0))
            yield FontChoice(path, 0, source)


def _usable(preferred: str | os.PathLike[str] | None, subfont_index: int) -> Iterator[FontChoice]:
    for choice in _candidates(preferred, subfont_index):
        reason = check_font_file(choice.path, choice.subfont_index)
        if reason is None:
            yield choice
        elif choice.source == "configured":
            log.warning("configured PDF font %s unusable (%s); searching system fonts", choice.path, reason)
        else:
            log.info("skipping font %s: %s", choice.path, reason)


def find_cjk_font(
    preferred: str | os.PathLike[str] | None = None, subfont_index: int = 0
) -> FontChoice | None:
    """The first embeddable Chinese TrueType font: ``preferred`` (from 设置) if usable, else the
    system's. A rejected ``preferred`` is logged; use check_font_file to tell the user why."""
    return next(_usable(preferred, subfont_index), None)


_lock = threading.Lock()
_registered: FontChoice | None = None


def registered_font() -> FontChoice | None:
    """The font behind PDF_FONT_NAME, for 设置 and the self-test."""
    return _registered


def register_pdf_font(preferred: str | os.PathLike[str] | None = None, subfont_index: int = 0) -> str:
    """Register a Chinese font with reportlab as "CJK" (once) and return that name.

    Raises FontNotFound. Bold/italic map to the same face so that <b> in a Paragraph keeps working
    instead of failing on a missing bold file (CJK fonts rarely ship one).
    """
    global _registered
    with _lock:
        if _registered is not None and (
            preferred is None
            or (Path(preferred), subfont_index) == (_registered.path, _registered.subfont_index)
        ):
            return PDF_FONT_NAME
        rejected: list[str] = []
        for choice in _usable(preferred, subfont_index):
            try:
                font = load_ttfont(PDF_FONT_NAME, choice.path, choice.subfont_index)
            except (TTFError, OSError, ValueError) as exc:
                # The header screen passed but reportlab disagrees (damaged file): try the next one.
                rejected.append(choice.path.name)
                log.warning("reportlab cannot load %s: %s", choice.path, exc)
                continue
            pdfmetrics.registerFont(font)
            pdfmetrics.registerFontFamily(
                PDF_FONT_NAME,
                normal=PDF_FONT_NAME,
                bold=PDF_FONT_NAME,
                italic=PDF_FONT_NAME,
                boldItalic=PDF_FONT_NAME,
            )
            _registered = choice
            log.info("PDF font: %s (subfont %d, %s)", choice.path, choice.subfont_index, choice.source)
            return PDF_FONT_NAME
        raise FontNotFound(f"以下字体文件已损坏，无法使用：{'、'.join(rejected)}" if rejected else "")


# --------------------------------------------------------------------------------------------
# Parsed-font cache
#
# reportlab parses a CJK font's cmap and metrics in Python on every start (≈0.2 s for
# wqy-microhei, more for simsun.ttc): about a tenth of an export. The parsed face is kept in
# the user's cache folder as marshal data (plain containers only: nothing in it can run code),
# keyed by the font file's path, subfont, size and mtime and by reportlab's version; the font
# bytes themselves are read from the font file and must match the CRC-32 recorded with the
# parse. A cache that is missing, stale, damaged or unwritable means a fresh parse, never a
# wrong font.

_FONT_CACHE_FORMAT = 1
_NAME_ATTRS = ("name", "familyName", "styleName", "fullName", "uniqueFontID")
_RUNTIME_FACE_ATTRS = ("_ttf_data", "_pdfScale")
_RUNTIME_FONT_ATTRS = ("face", "encoding", "state")


def _font_cache_file(name: str, path: Path, subfont_index: int) -> Path | None:
    try:
        from cets_desktop.paths import cache_dir

        folder = cache_dir()
    except Exception:  # noqa: BLE001 - no cache folder: parse every time
        return None
    key = f"{name}|{os.path.abspath(path)}|{subfont_index}".encode("utf-8", "surrogatepass")
    return folder / "fonts" / f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.marshal"


def _font_cache_key(path: Path, subfont_index: int, st: os.stat_result) -> list[object]:
    return [
        _FONT_CACHE_FORMAT,
        os.path.abspath(path),
        subfont_index,
        st.st_size,
        st.st_mtime_ns,
        reportlab.Version,
        sys.version_info[:2],
    ]


def _pdf_scale(units_per_em: int) -> object:
    # What TTFontFile.extractInfo sets: glyph units to PDF's 1000 units per em.
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _font_from_cache(
    name: str, path: Path, subfont_index: int, st: os.stat_result, data: bytes, cache: Path
) -> TTFont | None:
    try:
        entry = marshal.loads(cache.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not (
        isinstance(entry, dict)
        and entry.get("key") == _font_cache_key(path, subfont_index, st)
        and entry.get("crc32") == zlib.crc32(data)
        and entry.get("font_name") == name
        and isinstance(entry.get("face"), dict)
        and isinstance(entry.get("font"), dict)
    ):
        return None
    face_state = dict(entry["face"])
    try:
        for attr in _NAME_ATTRS:
            if face_state.get(attr) is not None:
                face_state[attr] = TTFNameBytes(str(face_state[attr]).encode("utf-8"))
        face = TTFontFace.__new__(TTFontFace)
        face.__dict__.update(face_state)
        # What TTFontParser.readFile and extractInfo set (not in reportlab's type stubs).
        face.__dict__["_ttf_data"] = data
        face.__dict__["_pdfScale"] = _pdf_scale(int(face_state["unitsPerEm"]))
        font = TTFont.__new__(TTFont)
        font.__dict__.update(entry["font"])
        font.face = face
        font.encoding = TTEncoding()
        from weakref import WeakKeyDictionary

        font.state = WeakKeyDictionary()
    except (KeyError, TypeError, ValueError):
        return None
    if sorted(vars(font)) != entry.get("font_attrs") or sorted(vars(face)) != entry.get("face_attrs"):
        return None  # this reportlab builds its objects differently: parse afresh
    return font


def _font_to_cache(
    font: TTFont, path: Path, subfont_index: int, st: os.stat_result, data: bytes, cache: Path
) -> None:
    face_state = {k: v for k, v in vars(font.face).items() if k not in _RUNTIME_FACE_ATTRS}
    for attr in _NAME_ATTRS:
        value = face_state.get(attr)
        if isinstance(value, TTFNameBytes):
            face_state[attr] = value.ustr
    entry = {
        "key": _font_cache_key(path, subfont_index, st),
        "crc32": zlib.crc32(data),
        "font_name": font.fontName,
        "font": {k: v for k, v in vars(font).items() if k not in _RUNTIME_FONT_ATTRS},
        "face": face_state,
        "font_attrs": sorted(vars(font)),
        "face_attrs": sorted(vars(font.face)),
    }
    try:
        blob = marshal.dumps(entry)
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        os.replace(tmp, cache)
    except (OSError, ValueError) as exc:  # unwritable cache, or a value marshal cannot hold
        log.info("font cache not written (%s): %s", cache, exc)
        with contextlib.suppress(OSError, UnboundLocalError):
            tmp.unlink(missing_ok=True)


def load_ttfont(name: str, path: str | os.PathLike[str], subfont_index: int = 0) -> TTFont:
    """``TTFont(name, path, subfontIndex=subfont_index)``, from the parsed-font cache when it is
    current. Raises what TTFont raises (TTFError, OSError, ValueError) for a bad font file."""
    path = Path(path)
    cache = _font_cache_file(name, path, subfont_index)
    if cache is not None:
        try:
            st = os.stat(path)
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            cache = None
    if cache is not None and len(data) == st.st_size:
        cached = _font_from_cache(name, path, subfont_index, st, data, cache)
        if cached is not None:
            return cached
    font = TTFont(name, str(path), subfontIndex=subfont_index)
    if cache is not None and len(data) == st.st_size and vars(font.face).get("_ttf_data") == data:
        _font_to_cache(font, path, subfont_index, st, data, cache)
    return font


# Characters that never print as glyphs (line breaks, tabs, zero-width joiners, BOM).
_NON_PRINTING = {"Cc", "Cf", "Zl", "Zp"}


def missing_glyphs(text: str, font: str | TTFont) -> set[str]:
    """Characters of ``text`` the font has no glyph for; reportlab would print them blank.

    ``font`` is a registered font name (e.g. the result of register_pdf_font) or a TTFont.
    Callers warn the user (rare characters in personal and company names are the usual case).
    """
    ttf = pdfmetrics.getFont(font) if isinstance(font, str) else font
    cmap = getattr(getattr(ttf, "face", None), "charToGlyph", None)
    if cmap is None:
        raise TypeError(f"{font!r} is not a TrueType font registered with reportlab")
    return {ch for ch in set(text) if unicodedata.category(ch) not in _NON_PRINTING and not cmap.get(ord(ch))}
