"""支撑材料清单: every attached file with its original name, the data item it supports, its size
and its SHA-256, so a reviewer can match the printed list against the package or the originals.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from .pdf_canvas import actual_text
from .pdf_context import RenderContext
from .pdf_styles import FRAME_WIDTH, GROUP_FILL, INK, grid_style, make_table

_HEX = "0123456789abcdef:"
_ITEMS_PER_ROW = 15
"""Data items per table row of one document (a row cannot be split over two pages)."""


class FixedPitchText(Flowable):
    """Text set on a fixed pitch, in groups (``3f9a1c0e 77b2…``), wrapping at the cell width.

    Hashes must be easy to compare character by character, but the only embeddable font is
    proportional and a base-14 Courier would not be embedded, so each character is centred in a
    cell as wide as the widest lower-case hex digit (callers lower-case their hashes).
    """

    def __init__(self, text: str, font: str, size: float = 8.0, group: int = 8, prefix: str = "") -> None:
        super().__init__()
        self.text = text
        self.prefix = prefix
        self.indent = stringWidth(prefix, font, size) if prefix else 0.0
        self.font = font
        self.size = size
        self.group = group
        self.pitch = max(stringWidth(c, font, size) for c in _HEX) * 1.04
        self.gap = self.pitch * 0.8
        self.leading = size * 1.35
        self._lines: list[str] = [text]

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        group_width = self.group * self.pitch + self.gap
        per_line = max(1, int((avail_width - self.indent + self.gap) // group_width)) * self.group
        self._lines = [self.text[i : i + per_line] for i in range(0, len(self.text), per_line)] or [""]
        widest = max(len(line) for line in self._lines)
        self.width = self.indent + widest * self.pitch + (max(0, (widest - 1) // self.group)) * self.gap
        self.height = len(self._lines) * self.leading
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.setFont(self.font, self.size)
        canv.setFillColor(INK)
        for n, line in enumerate(self._lines):
            y = self.height - (n + 1) * self.leading + (self.leading - self.size) / 2 + self.size * 0.12
            if n == 0 and self.prefix:
                canv.drawString(0, y, self.prefix)
            # Centring each glyph leaves gaps that text extraction reads as spaces; ActualText
            # makes copy-paste and pdftotext give the hash as one unbroken string.
            canv.addLiteral(actual_text(line))
            for i, ch in enumerate(line):
                x = self.indent + i * self.pitch + (i // self.group) * self.gap + self.pitch / 2
                canv.drawCentredString(x, y, ch)
            canv.addLiteral("EMC")


def evidence_story(ctx: RenderContext, evidence: list[dict[str, Any]]) -> list[Flowable]:
    s = ctx.styles
    out: list[Flowable] = ctx.chapter("支撑材料清单")
    if not evidence:
        out.append(ctx.para("本次填报未附支撑材料。", s.body))
        return out
    out.append(
        ctx.para(
            "SHA-256 是文件内容的指纹：文件改动一个字节，指纹即完全不同。可用任何 SHA-256 工具"
            "（如 Windows 命令 certutil -hashfile 文件名 SHA256）对原件复核。",
            s.note,
        )
    )
    heads = ["序号", "文件名（类型）", "对应数据项", "大小"]
    data: list[list[Any]] = [[ctx.para(h, s.cell_head, strong=True) for h in heads]]
    commands = grid_style()
    # One row per document: a stamped 生产月报 backing ten items is listed once, with its items.
    for n, refs in enumerate(_documents(evidence), start=1):
        e = refs[0]
        r = len(data)
        name = str(e.get("name") or "")
        kind = str(e.get("kind") or "")
        name_cell = [ctx.para(name, s.cell)] + ([ctx.para(kind, s.cell_small)] if kind else [])
        carried = next((ref["carried"] for ref in refs if ref.get("carried")), None)
        name_cell += [ctx.para(_carried_text(carried), s.cell_small)] if carried else []
        items = [ctx.location_text(str(p)) if (p := ref.get("path")) else "整份填报" for ref in refs]
        # A row never splits across pages: a document backing many items takes several rows.
        chunks = [items[i : i + _ITEMS_PER_ROW] for i in range(0, len(items), _ITEMS_PER_ROW)]
        for c, chunk in enumerate(chunks):
            item_cells = [ctx.para(text, s.cell) for text in chunk]
            if c == 0:
                data.append(
                    [ctx.para(str(n), s.cell_center), name_cell, item_cells, _size_cell(ctx, e.get("size"))]
                )
            else:
                data.append(["", ctx.para("（续上）", s.cell_small), item_cells, ""])
        sha = str(e.get("sha256") or "").lower()
        hash_cell = (
            FixedPitchText(ctx.record(sha), s.font, 8.0, prefix=ctx.record("SHA-256："))
            if sha
            else ctx.para("SHA-256：（未记录）", s.cell_small)
        )
        data.append(["", hash_cell, "", ""])
        last = len(data) - 1
        commands += [
            ("SPAN", (1, last), (3, last)),
            ("BACKGROUND", (1, last), (3, last), GROUP_FILL),
            # The hash stays with the item rows above it (spans never cross a page break).
            ("NOSPLIT", (0, last - 1), (-1, last)),
        ]
        if len(chunks) == 1:
            commands.append(("SPAN", (0, r), (0, last)))
    widths = [10 * mm, 58 * mm, None, 24 * mm]
    fixed = sum(w for w in widths if w is not None)
    widths[2] = FRAME_WIDTH - fixed
    out.append(make_table(s.font, data, commands, colWidths=widths, repeatRows=1, hAlign="LEFT"))
    return out


def _documents(evidence: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The references grouped by file (same SHA-256), in the order the files first appear."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for n, ref in enumerate(evidence):
        key = str(ref.get("sha256") or "").lower() or f"#{n}"
        groups.setdefault(key, []).append(ref)
    return list(groups.values())


def _size_cell(ctx: RenderContext, size: Any) -> list[Flowable]:
    s = ctx.styles
    if not isinstance(size, int) or size < 0:
        return [ctx.para("—", s.cell_center)]
    return [ctx.para(human_size(size), s.cell_num), ctx.para(f"{size:,} 字节", s.cell_small)]


def human_size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{n} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def _carried_text(carried: Any) -> str:
    """A document carried over on purpose (EvidenceRef.carried): where from, and why."""
    period = str(carried.get("period") or "") if isinstance(carried, dict) else ""
    reason = str(carried.get("reason") or "") if isinstance(carried, dict) else ""
    month = f"{period[:4]}年{int(period[5:])}月" if len(period) == 7 and period[5:].isdigit() else period
    return f"沿用自{month}：{reason}"
