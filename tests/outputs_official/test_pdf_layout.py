"""The printed report as an official reads it: bookmarks per chapter, the real creation date, the
plan's 数据的确定方式 as one register, 序号 on one line, the 日期 label whole, no heading twice."""

from __future__ import annotations

import copy
import datetime as dt
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import builders as b
from official_data import EXPORTED_AT, Printed, pdf_info, pdf_text
from reportlab.platypus import Paragraph, Table

from cets_desktop.core.spec import FormSpec
from cets_desktop.io.fonts import register_pdf_font
from cets_desktop.io.pdf_body import body_story
from cets_desktop.io.pdf_context import RenderContext, chinese_ordinal
from cets_desktop.io.pdf_report import render_pdf
from cets_desktop.io.pdf_styles import make_styles

TAIL_CHAPTERS = ("计算过程", "校验结果", "支撑材料清单", "签章")


def outline(path: Path) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """The PDF's bookmarks as a viewer lists them: (title, page, children) of the top level."""
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-stdout", "-i", str(path)], capture_output=True, text=True, check=True
    ).stdout
    root = ET.fromstring(xml.split("?>", 1)[1].split(">", 1)[1] if xml.startswith("<?xml") else xml)
    top = root.find("outline")
    assert top is not None, "报告没有书签（outline）"
    out: list[tuple[str, int, list[tuple[str, int]]]] = []
    for node in list(top):
        if node.tag == "item":
            out.append((node.text or "", int(node.get("page", "0")), []))
        elif node.tag == "outline" and out:
            out[-1][2].extend((i.text or "", int(i.get("page", "0"))) for i in node.findall("item"))
    return out


def expected_chapters(spec: FormSpec) -> list[str]:
    labels = [s.label for s in spec.sections] + list(TAIL_CHAPTERS)
    return ["封面"] + [f"{chinese_ordinal(n)}、{label}" for n, label in enumerate(labels, start=1)]


def test_every_chapter_is_a_bookmark_on_the_page_it_starts(printed: dict[str, Printed]) -> None:
    for name in ("plan", "month", "carbide"):
        p = printed[name]
        marks = outline(p.pdf)
        assert [t for t, _, _ in marks] == expected_chapters(p.evaluation.spec), name
        pages = [page for _, page, _ in marks]
        assert pages == sorted(pages) and pages[0] == 1 and pages[-1] <= p.pdf.pages
        for title, page, children in marks[1:]:
            assert title in pdf_text(p.pdf, page), (
                f"{name}: 书签「{title}」指向第 {page} 页，但该页没有这个标题"
            )
            for child, child_page in children:
                assert child.split("「")[0] in pdf_text(p.pdf, child_page), (name, child, child_page)
    # Units and versions are one level down, under their chapter.
    plan_marks = {t: c for t, _, c in outline(printed["plan"].pdf)}
    assert [t for t, _ in plan_marks["三、核算边界和主要排放设施描述"]] == [
        "（一）机组「1号机组」",
        "（二）机组「2号机组」",
    ]
    # The versions are one table, the whole of chapter 一: no title of its own under the chapter.
    assert plan_marks["一、数据质量控制计划的版本及修订"] == []
    page = next(pg for t, pg, _ in outline(printed["plan"].pdf) if t.startswith("一、"))
    versions = pdf_text(printed["plan"].pdf, page)
    assert re.search(r"^\s*1\s+V1\.0\s+首次编制", versions, re.M) and re.search(
        r"^\s*3\s+V3\.0\s+修订", versions, re.M
    )
    assert "1 版本" not in versions


def test_the_creation_date_is_the_time_the_report_was_made(
    printed: dict[str, Printed], tmp_path: Path
) -> None:
    p = printed["month"]
    info = pdf_info(p.pdf, "-isodates")
    assert re.search(r"CreationDate:\s+2026-11-18T09:30:00\+08", info), info
    assert "2026-11-18 09:30" in pdf_text(p.pdf, 1)
    # Same filing, same time: the same bytes (a package embedding it hashes the same when rebuilt).
    again = render_pdf(p.evaluation.spec, p.evaluation, tmp_path / "again.pdf", generated_at=EXPORTED_AT)
    assert again.read_bytes() == p.pdf.read_bytes()
    later = render_pdf(
        p.evaluation.spec,
        p.evaluation,
        tmp_path / "later.pdf",
        generated_at=dt.datetime(2026, 12, 1, 14, 5, tzinfo=dt.UTC),
    )
    assert re.search(r"CreationDate:\s+2026-12-01T14:05:00", pdf_info(later, "-isodates"))


def _landscape_pages(path: Path, pages: int) -> list[int]:
    info = pdf_info(path, "-f", "1", "-l", str(pages))
    sizes = re.findall(r"Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", info)
    return [int(n) for n, w, h in sizes if float(w) > float(h)]


def test_the_plan_prints_its_parameters_as_one_register(printed: dict[str, Printed], tmp_path: Path) -> None:
    p = printed["plan"]
    rows = p.evaluation.values["parameters"]
    assert len(rows) == 24
    landscape = _landscape_pages(p.pdf, p.pdf.pages)
    marks = {t: page for t, page, _ in outline(p.pdf)}
    start, end = marks["四、数据的确定方式"], marks["五、数据内部质量控制和质量保证相关规定"]
    # The register opens on a landscape page and runs on consecutive landscape pages.
    assert landscape and landscape[0] == start and landscape == list(range(start, start + len(landscape)))
    assert len(landscape) <= 6, f"24 个参数占 {len(landscape)} 页"
    # After the register only the equipment ledger (计量器具台账, every row of it) is left in 四、.
    assert end <= landscape[-1] + 5
    ledger = pdf_text(p.pdf, landscape[-1], end)
    assert all(row["equipment_id"] in ledger for row in p.evaluation.values["equipment"])
    for page in landscape:
        text = pdf_text(p.pdf, page)
        # The header row (with the template's grouped columns) once per page, never twice.
        assert text.count("序号") == 1 and text.count("测量设备（适用于实测）") == 1, page
        assert "数据的计算方法及获取方式" in text
    register = pdf_text(p.pdf, landscape[0], landscape[-1])
    # One row per parameter, in order, each 序号 once, and no per-parameter titles any more.
    numbers = [int(m) for m in re.findall(r"^\s{0,4}(\d{1,2})\s{2,}\S", register, re.M)]
    assert numbers == list(range(1, 25))
    assert "参数「" not in pdf_text(p.pdf, start, end)
    assert all(unit in register for unit in ("1号机组", "2号机组", "全厂", "EQ-BS-01", "EQ-LAB-02"))

    # The same plan printed as it was (a titled block per parameter) takes far more paper.
    blocks = copy.deepcopy(p.evaluation.spec)
    blocks.pdf = {k: v for k, v in blocks.pdf.items() if k != "layout"}
    ev = copy.copy(p.evaluation)
    ev.spec = blocks
    old = render_pdf(blocks, ev, tmp_path / "blocks.pdf", generated_at=EXPORTED_AT)
    old_marks = {t: page for t, page, _ in outline(old)}
    old_span = old_marks["五、数据内部质量控制和质量保证相关规定"] - old_marks["四、数据的确定方式"]
    assert old_span >= 12 and end - start <= old_span / 2
    assert p.pdf.pages <= old.pages - 8, (p.pdf.pages, old.pages)


def _story_tables(p: Printed) -> list[Table]:
    return [f for f in _story(p) if isinstance(f, Table)]


def _cell_text(cell: Any) -> str:
    if isinstance(cell, Paragraph):
        return re.sub(r"<[^>]+>", "", cell.text)
    if isinstance(cell, list):
        return "".join(_cell_text(c) for c in cell)
    return str(cell or "")


def test_serial_numbers_never_wrap(printed: dict[str, Printed]) -> None:
    checked = 0
    for name in ("plan", "month", "carbide"):
        for table in _story_tables(printed[name]):
            if _cell_text(table._cellvalues[0][0]) != "序号":
                continue
            width = table._argW[0] - 6  # the 3 pt padding each side
            for row in table._cellvalues:
                cell = row[0]
                if isinstance(cell, Paragraph) and _cell_text(cell):
                    cell.wrap(width, 10_000)
                    assert len(cell.blPara.lines) == 1, f"{name}: 序号「{_cell_text(cell)}」折行"
                    checked += 1
    assert checked > 150
    # 电石 prints 1.2.1.1 … 1.2.1.4; on paper each stays on one line beside its label.
    text = pdf_text(printed["carbide"].pdf)
    assert re.search(r"^1\.2\.1\.1\s+电网电量", text, re.M) and re.search(
        r"^1\.2\.1\.4\s+纯余热余压发电电量", text, re.M
    )


def test_the_signature_date_label_stays_on_one_line(printed: dict[str, Printed]) -> None:
    for name in ("plan", "month", "carbide"):
        p = printed[name]
        last = pdf_text(p.pdf, p.pdf.pages)
        lines = [line for line in last.splitlines() if "（签字）：" in line]
        assert len(lines) == 3, name
        assert all("日期：" in line for line in lines), lines


def _story(p: Printed) -> list[Any]:
    ctx = RenderContext.create(p.evaluation.spec, p.evaluation, make_styles(register_pdf_font()))
    return body_story(ctx)


def _heading_text(f: Any) -> str | None:
    if isinstance(f, Paragraph) and f.style.name in ("h1", "h2", "h3"):
        return re.sub(
            r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+(?:\.\d+)*\s+)", "", _cell_text(f)
        )
    return None


def test_no_heading_is_printed_twice(printed: dict[str, Printed]) -> None:
    def check(name: str, story: list[Any]) -> int:
        seen = 0
        previous: str | None = None
        for f in story:
            title = _heading_text(f)
            if title is None:
                if isinstance(f, Table) and previous:
                    # The table's first row is not a group row repeating the title just printed.
                    first = _cell_text(f._cellvalues[1][1]) if len(f._cellvalues) > 1 else ""
                    assert first.strip("\u3000 ") != previous, (
                        f"{name}: 标题「{previous}」下的表格又以「{first}」开头"
                    )
                if isinstance(f, Paragraph | Table):
                    previous = None
                continue
            assert title != previous, f"{name}: 标题「{title}」连续印了两次"
            previous, seen = title, seen + 1
        return seen

    for name in ("plan", "month", "carbide"):
        assert check(name, _story(printed[name])) >= 4
    # A section that is one table with no rows yet: the chapter names it, the table adds no title.
    doc = b.carbide_document()
    doc.values["workshops"] = []
    ev = b.run(doc)
    empty = Printed(doc, ev, printed["carbide"].pdf, printed["carbide"].xlsx)
    story = _story(empty)
    check("carbide-empty", story)
    chapter = next(s for s in ev.spec.sections if any(f.name == "workshops" for f in s.fields))
    titles = [t for f in story if (t := _heading_text(f))]
    assert titles.count(chapter.label) == 1, titles
