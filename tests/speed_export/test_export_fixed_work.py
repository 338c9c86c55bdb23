"""The export's fixed work made small without changing what it produces (issue #14 item 3): the
parsed CJK font comes from a cache that is never wrong, a paragraph breaks its lines once per
width and the report reads the same, the package's own hash reads its file back through memory
maps and still is the file's SHA-256, and ``--evidence-dir`` chooses files by name and size and
hashes only what it must."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from reportlab.pdfbase import ttfonts
from reportlab.pdfgen import canvas

from cets_desktop.io import fonts
from cets_desktop.io import package as package_mod
from cets_desktop.io.package import verify_package
from cets_desktop.paths import CACHE_DIR_ENV

SAMPLE = "二氧化碳排放量 469,997.90 tCO2 —— 华东示范热电有限公司（1号机组）烟煤低位发热量"
_RUNTIME = {"_ttf_data", "_pdfScale"}

FONT = fonts.find_cjk_font()
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK TrueType font installed")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils not installed",
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def font_copy(tmp_path: Path) -> Path:
    """The installed CJK font, copied so that the tests can touch and change it."""
    assert FONT is not None
    copy = tmp_path / "fonts" / FONT.path.name
    copy.parent.mkdir()
    shutil.copy2(FONT.path, copy)
    return copy


class _Parses:
    """Counts reportlab's own parses of a font file (what the cache saves)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = ttfonts.TTFontFace.__init__

        def counting(face: Any, *args: Any, **kwargs: Any) -> None:
            self.count += 1
            real(face, *args, **kwargs)

        monkeypatch.setattr(ttfonts.TTFontFace, "__init__", counting)


def _face_state(font: ttfonts.TTFont) -> dict[str, Any]:
    state = {k: v for k, v in vars(font.face).items() if k not in _RUNTIME}
    for k, v in state.items():
        if isinstance(v, ttfonts.TTFNameBytes):
            state[k] = (bytes(v), v.ustr)
    return state


def _pdf_with(font: ttfonts.TTFont, path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFont(font)
    c = canvas.Canvas(str(path))
    c.setFont(font.fontName, 12)
    c.drawString(72, 720, SAMPLE)
    c.save()


def _poppler(tool: str, pdf: Path) -> str:
    args = [tool, str(pdf)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@needs_font
@needs_poppler
def test_the_cached_font_is_the_fresh_parse_and_prints_the_same_pdf(
    cache: Path, font_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert FONT is not None
    parses = _Parses(monkeypatch)
    first = fonts.load_ttfont("CJK-T", font_copy, FONT.subfont_index)
    assert parses.count == 1 and len(list((cache / "fonts").iterdir())) == 1
    second = fonts.load_ttfont("CJK-T", font_copy, FONT.subfont_index)
    # The second came from the cache, without reportlab parsing the file.
    assert second is not first and parses.count == 1
    fresh = ttfonts.TTFont("CJKC", str(font_copy), subfontIndex=FONT.subfont_index)

    assert _face_state(second) == _face_state(fresh)
    assert second.face._ttf_data == fresh.face._ttf_data
    assert second.face._pdfScale(2048) == fresh.face._pdfScale(2048)
    assert type(second.face.name) is ttfonts.TTFNameBytes and second.face.name.ustr == fresh.face.name.ustr
    assert second.stringWidth(SAMPLE, 10.5) == fresh.stringWidth(SAMPLE, 10.5) > 0
    assert first.stringWidth(SAMPLE, 10.5) == fresh.stringWidth(SAMPLE, 10.5)

    cached_pdf, fresh_pdf = tmp_path / "cached.pdf", tmp_path / "fresh.pdf"
    _pdf_with(second, cached_pdf)
    _pdf_with(fresh, fresh_pdf)
    assert _poppler("pdftotext", cached_pdf).strip() == SAMPLE == _poppler("pdftotext", fresh_pdf).strip()

    def embedded(pdf: Path) -> list[list[str]]:
        # The subsets of the CJK face: name without the random subset tag, type, encoding,
        # embedded, subset, ToUnicode map.
        rows = [row.split() for row in _poppler("pdffonts", pdf).splitlines()[2:] if "+" in row]
        return [[row[0].split("+", 1)[1], *row[1:6]] for row in rows]

    assert embedded(cached_pdf) == embedded(fresh_pdf)
    assert embedded(cached_pdf) and all(
        row[1:] == ["TrueType", "WinAnsi", "yes", "yes", "yes"] for row in embedded(cached_pdf)
    )


@needs_font
def test_a_damaged_cache_file_is_ignored_and_replaced(
    cache: Path, font_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert FONT is not None
    fonts.load_ttfont("CJK-T", font_copy, FONT.subfont_index)
    (entry,) = (cache / "fonts").iterdir()
    fresh = ttfonts.TTFont("CJKC", str(font_copy), subfontIndex=FONT.subfont_index)
    parses = _Parses(monkeypatch)
    good = entry.read_bytes()
    for damaged in (b"", b"not marshal data", good[: len(good) // 2], b"\xe9" + good[1:]):
        entry.write_bytes(damaged)
        font = fonts.load_ttfont("CJK-T", font_copy, FONT.subfont_index)
        assert _face_state(font) == _face_state(fresh)
        assert font.stringWidth(SAMPLE, 12) == fresh.stringWidth(SAMPLE, 12)
    assert parses.count == 4
    # The last parse wrote a good entry back: the next start reads it again.
    fonts.load_ttfont("CJK-T", font_copy, FONT.subfont_index)
    assert parses.count == 4


@needs_font
def test_a_font_file_changed_since_it_was_cached_is_parsed_again(
    cache: Path, font_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert FONT is not None
    fonts.load_ttfont("CJK-T", font_copy, FONT.subfont_index)
    parses = _Parses(monkeypatch)

    st = font_copy.stat()
    os.utime(font_copy, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # a reinstall: new mtime
    fonts.load_ttfont("CJK-T", font_copy, FONT.subfont_index)
    assert parses.count == 1

    # Same size and mtime but other bytes (a copy tool that keeps times): the CRC catches it,
    # and the font is whatever the file holds now, never the cached face.
    st = font_copy.stat()
    data = bytearray(font_copy.read_bytes())
    data[-1] ^= 0xFF  # the last byte is padding or glyph data: still a font reportlab opens
    font_copy.write_bytes(bytes(data))
    os.utime(font_copy, ns=(st.st_atime_ns, st.st_mtime_ns))
    font = fonts.load_ttfont("CJKC", font_copy, FONT.subfont_index)
    assert parses.count == 2
    assert font.face._ttf_data == bytes(data)


@needs_font
def test_an_unwritable_cache_folder_still_gives_the_font(
    tmp_path: Path, font_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert FONT is not None
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker))
    font = fonts.load_ttfont("CJK-T", font_copy, FONT.subfont_index)
    assert font.stringWidth(SAMPLE, 12) == ttfonts.TTFont("CJKC", str(font_copy)).stringWidth(SAMPLE, 12)


# --------------------------------------------------------------------------------------------
# The report's layout


@needs_poppler
def test_breaking_each_paragraph_once_per_width_prints_the_same_report(
    demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reportlab.platypus import Paragraph

    from cets_desktop.io import pdf_styles
    from cets_desktop.io.pdf_report import render_pdf
    from cets_desktop.workflow import export as export_mod
    from cets_desktop.workflow.desk import Desk
    from cets_desktop.workflow.evaluation import evaluate_input

    with Desk.open_existing(demo_template, read_only=True) as desk:
        loaded = desk.loaded(9)
        previous = desk.previous_document(desk.require_filing(9), loaded.document.period)
        ev = evaluate_input(loaded, previous=previous)
    expl = export_mod.explanations(ev)
    rows = [ref.model_dump() for ref in ev.document.evidence]
    once, every = tmp_path / "once.pdf", tmp_path / "every.pdf"

    breaks = {"n": 0}
    real_wrap = Paragraph.wrap

    def counted(self: Any, w: float, h: float) -> Any:
        breaks["n"] += 1
        return real_wrap(self, w, h)

    monkeypatch.setattr(Paragraph, "wrap", counted)
    render_pdf(ev.spec, ev, once, explanations=expl, evidence=rows, draft=False)
    with_cache = breaks["n"]
    breaks["n"] = 0
    monkeypatch.setattr(pdf_styles.WrapOnceParagraph, "wrap", counted)  # every wrap breaks anew
    render_pdf(ev.spec, ev, every, explanations=expl, evidence=rows, draft=False)
    without = breaks["n"]

    text_once = subprocess.run(["pdftotext", "-layout", once, "-"], capture_output=True, text=True).stdout
    text_every = subprocess.run(["pdftotext", "-layout", every, "-"], capture_output=True, text=True).stdout
    assert text_once == text_every  # every line, column and page break where it was
    assert text_once.count("\f") >= 5 and "华东示范热电有限公司" in text_once
    assert with_cache < without / 2, (with_cache, without)


# --------------------------------------------------------------------------------------------
# The package's own hash


@pytest.mark.parametrize("start,cut", [(0, 0), (12_345, 777), (70_000, 0)])
def test_the_package_hash_read_through_memory_maps_is_the_files_sha256(
    tmp_path: Path, start: int, cut: int
) -> None:
    path = tmp_path / "region.bin"
    data = os.urandom(package_mod._HASH_SLICE * 2 + 5_000_001)  # three slices, the last partial
    path.write_bytes(data)
    end = len(data) - cut if cut else None
    h = hashlib.sha256()
    seen: list[int] = []

    class Tracker:
        def advance(self, n: int) -> None:
            seen.append(n)

    package_mod._hash_region(path, start, end, h, Tracker(), bytearray(1 << 20))  # type: ignore[arg-type]
    assert h.hexdigest() == hashlib.sha256(data[start : end or len(data)]).hexdigest()
    assert sum(seen) == (end or len(data)) - start and len(seen) == 3


def test_the_copy_hands_the_gil_over_quickly_and_restores_the_interval_after(tmp_path: Path) -> None:
    before = sys.getswitchinterval()
    src = tmp_path / "scan.pdf"
    content = os.urandom(3 << 20)
    src.write_bytes(content)
    item = package_mod.EvidenceItem(
        hashlib.sha256(content).hexdigest(), src, "2026年9月皮带秤日报.pdf", "units[0].generation", "台账"
    )
    seen: list[float] = []
    writer = package_mod.PackageWriter(
        tmp_path / "pkg.zip", [item], progress=lambda d, t: seen.append(sys.getswitchinterval())
    )
    result = writer.finish(manifest_base={}, members=[], previous_package_sha256=None, sign=False)
    assert min(seen) <= package_mod._COPY_SWITCH_INTERVAL
    assert sys.getswitchinterval() == before
    assert result.sha256 == hashlib.sha256((tmp_path / "pkg.zip").read_bytes()).hexdigest()
    assert verify_package(result.path).ok


# --------------------------------------------------------------------------------------------
# export FILE --evidence-dir D


def _filing_with_evidence_dir(folder: Path) -> tuple[Path, Path, dict[str, bytes]]:
    from cets_desktop.demo import power_month_document

    evidence = folder / "支撑材料"
    (evidence / "旧版本").mkdir(parents=True)
    files = {
        "9月燃料消耗台账（盖章）.pdf": b"%PDF-1.4 ledger " + os.urandom(60_000),
        "9月生产月报.pdf": b"%PDF-1.4 production " + os.urandom(30_000),
    }
    doc = power_month_document(9)
    doc["evidence"] = []
    for (name, content), path in zip(
        files.items(), ["units[0].fuels[0].consumption", "units[0].generation"], strict=True
    ):
        (evidence / name).write_bytes(content)
        doc["evidence"].append(
            {"path": path, "sha256": hashlib.sha256(content).hexdigest(), "name": name, "size": len(content)}
        )
    # Other files a real folder holds: an older draft of the same size, unrelated scans.
    (evidence / "旧版本" / "9月生产月报（草稿）.pdf").write_bytes(
        b"%PDF-1.4 draft!!!!!!" + os.urandom(30_000)
    )
    (evidence / "8月燃料消耗台账.pdf").write_bytes(os.urandom(55_000))
    filing = folder / "2026-09.json"
    filing.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return filing, evidence, files


def _export_in_process(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, list[Path], str]:
    """cets-desktop export in this process, recording every file the resolver hashes."""
    from cets_desktop import cli
    from cets_desktop.workflow import export as export_mod

    hashed: list[Path] = []
    real = export_mod.sha256_file

    def recording(path: Path, chunk: int = 1 << 20) -> str:
        hashed.append(Path(path))
        return real(path, chunk)

    monkeypatch.setattr(export_mod, "sha256_file", recording)
    err: list[str] = []
    monkeypatch.setattr(sys, "stderr", _Lines(err))
    code = cli.main(["export", *args, "-q", "--no-sign", "--draft"])
    return code, hashed, "".join(err)


class _Lines:
    def __init__(self, sink: list[str]) -> None:
        self.sink = sink

    def write(self, text: str) -> int:
        self.sink.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def reconfigure(self, **_kw: Any) -> None:
        pass


def test_evidence_dir_files_found_by_name_and_size_are_packed_without_a_prehash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filing, evidence, files = _filing_with_evidence_dir(tmp_path)
    out = tmp_path / "pkg.zip"
    code, hashed, err = _export_in_process(
        monkeypatch, str(filing), "-o", str(out), "--evidence-dir", str(evidence)
    )
    assert code == 0, err
    assert hashed == []  # hashed once, by the package while copying, and nowhere else
    assert verify_package(out).ok
    with zipfile.ZipFile(out) as zf:
        rows = {r.get("original_name"): r for r in json.loads(zf.read("manifest.json"))["files"]}
        for name, content in files.items():
            assert zf.read(rows[name]["path"]) == content


def test_a_renamed_evidence_file_is_found_by_hashing_only_files_of_its_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filing, evidence, files = _filing_with_evidence_dir(tmp_path)
    name = "9月生产月报.pdf"
    moved = evidence / "旧版本" / "生产月报-盖章扫描.pdf"
    (evidence / name).rename(moved)
    out = tmp_path / "pkg.zip"
    code, hashed, err = _export_in_process(
        monkeypatch, str(filing), "-o", str(out), "--evidence-dir", str(evidence)
    )
    assert code == 0, err
    # Only the two files of the attached size were read to tell them apart; the ledger and
    # the unrelated scan were not.
    assert sorted(p.name for p in hashed) == sorted([moved.name, "9月生产月报（草稿）.pdf"])
    with zipfile.ZipFile(out) as zf:
        rows = {r.get("original_name"): r for r in json.loads(zf.read("manifest.json"))["files"]}
        assert zf.read(rows[name]["path"]) == files[name]


def test_an_evidence_dir_file_edited_since_attach_stops_the_export_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filing, evidence, files = _filing_with_evidence_dir(tmp_path)
    name = "9月燃料消耗台账（盖章）.pdf"
    edited = bytearray(files[name])
    edited[100] ^= 1  # same name, same size, one byte different
    (evidence / name).write_bytes(bytes(edited))
    out = tmp_path / "pkg.zip"
    code, _hashed, err = _export_in_process(
        monkeypatch, str(filing), "-o", str(out), "--evidence-dir", str(evidence)
    )
    assert code == 2
    line = err.strip()
    assert "\n" not in line and name in line and "修改过" in line
    assert not out.exists() and not list(tmp_path.glob(".pkg.zip.*"))
