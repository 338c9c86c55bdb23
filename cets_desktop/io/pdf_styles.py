"""Page geometry, colours and paragraph styles of the printed report.

One Chinese TrueType face is used for everything (including the numbers and the hashes): a
base-14 font such as Courier would not be embedded, and a report that relies on the viewer's
fonts is not an archival copy. CJK fonts rarely ship a bold face, so emphasis is a heavier stroke
(:class:`StrongParagraph`) instead of a second font file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table

PAGE_SIZE = A4
# GB/T 9704 (公文格式) puts the binding edge (订口) at 28 mm and the type area 156 mm wide; the top
# and bottom are a little tighter than a 公文 to leave room for the running header and footer.
MARGIN_LEFT = 28 * mm
MARGIN_RIGHT = 26 * mm
MARGIN_TOP = 30 * mm
MARGIN_BOTTOM = 25 * mm
FRAME_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
FRAME_HEIGHT = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM
# Wide registers (the plan's 数据的确定方式, one row per parameter with a dozen columns) are set on
# landscape pages, as the official template's tables are; the margins stay the same.
LANDSCAPE_SIZE = landscape(A4)
LANDSCAPE_FRAME_WIDTH = LANDSCAPE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
LANDSCAPE_FRAME_HEIGHT = LANDSCAPE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM
PORTRAIT_TEMPLATE = "page"
LANDSCAPE_TEMPLATE = "landscape"

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#5A5A5A")
RULE = colors.HexColor("#7F7F7F")
GRID = colors.HexColor("#9A9A9A")
HEAD_FILL = colors.HexColor("#E6E6E6")
GROUP_FILL = colors.HexColor("#F2F2F2")
# Calculated values: a pale blue that still prints as a visible grey on a mono laser printer.
CALC_FILL = colors.HexColor("#E3ECF7")
ERROR_INK = colors.HexColor("#B00020")
WARNING_INK = colors.HexColor("#8A5A00")

BLANK = "—"
NOT_APPLICABLE = "／"


class WrapOnceParagraph(Paragraph):
    """A paragraph that breaks its lines once per width. A table asks each cell for its size
    while it measures rows, again when it splits across pages and again when it draws; reportlab
    re-breaks CJK text character by character every time (most of the report's layout cost).
    The lines depend only on the width (and the text and style, fixed once made), so a repeat
    with the width of the last break returns that break."""

    _wrapped_width: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if (
            availWidth == self._wrapped_width
            and "blPara" in self.__dict__  # split() drops it when the lines must be redone
            and self.width == availWidth
        ):
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_width = availWidth
        return size


class StrongParagraph(WrapOnceParagraph):
    """A paragraph drawn with fill + stroke (PDF text render mode 2): a bold look from a font
    that has no bold face. Text state is part of the graphics state, so the mode set here
    applies to the paragraph's text objects and is undone by restoreState."""

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setLineWidth(self.style.fontSize * 0.035)
        canv.setStrokeColor(self.style.textColor)
        canv.addLiteral("2 Tr")
        super().draw()
        canv.restoreState()


@dataclass(frozen=True)
class Styles:
    font: str
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_num: ParagraphStyle
    cell_center: ParagraphStyle
    cell_head: ParagraphStyle
    cell_small: ParagraphStyle
    register: ParagraphStyle
    register_head: ParagraphStyle
    cover_label: ParagraphStyle
    cover_value: ParagraphStyle


def make_styles(font: str) -> Styles:
    def style(name: str, size: float, leading: float, **kw: Any) -> ParagraphStyle:
        # wordWrap="CJK" lets lines break between any two Han characters (and inside long
        # Latin tokens such as file names), which is how Chinese text is set.
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=leading,
            textColor=kw.pop("textColor", INK),
            wordWrap="CJK",
            **kw,
        )

    return Styles(
        font=font,
        title=style("title", 22, 32, alignment=TA_CENTER, spaceAfter=6 * mm),
        subtitle=style("subtitle", 15, 22, alignment=TA_CENTER),
        h1=style("h1", 14, 20, spaceBefore=5 * mm, spaceAfter=3 * mm),
        h2=style("h2", 12, 17, spaceBefore=4 * mm, spaceAfter=2 * mm),
        h3=style("h3", 10.5, 15, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        body=style("body", 10.5, 17, firstLineIndent=21, spaceAfter=1.5 * mm),
        note=style("note", 8.5, 12.5, textColor=MUTED, spaceAfter=1.5 * mm),
        cell=style("cell", 9, 12.5, alignment=TA_LEFT),
        cell_num=style("cell_num", 9, 12.5, alignment=TA_RIGHT),
        cell_center=style("cell_center", 9, 12.5, alignment=TA_CENTER),
        cell_head=style("cell_head", 9, 12.5, alignment=TA_CENTER),
        cell_small=style("cell_small", 7.5, 10, textColor=MUTED),
        register=style("register", 7.5, 10, alignment=TA_LEFT),
        register_head=style("register_head", 7.5, 10, alignment=TA_CENTER),
        cover_label=style("cover_label", 11, 16, alignment=TA_LEFT, textColor=MUTED),
        cover_value=style("cover_value", 11.5, 16),
    )


def grid_style(header_rows: int = 1) -> list[tuple[Any, ...]]:
    """The ruled look of an official form: thin inner grid, heavier frame, grey header."""
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BOX", (0, 0), (-1, -1), 0.9, INK),
        # TOP, not MIDDLE: reportlab 5.1 (tables.py, in-row split) re-pads MIDDLE cells of a row
        # it splits across pages, cumulatively, and prints pages of empty repeated headers.
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.8),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_FILL))
        commands.append(("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"))
    return commands


def make_table(font: str, data: list[list[Any]], commands: list[tuple[Any, ...]], **kwargs: Any) -> Table:
    """A Table whose every cell uses ``font``: reportlab selects the cell font even for empty or
    flowable cells, and its default (Helvetica) would add a non-embedded font to the PDF."""
    table = Table(data, **kwargs)
    table.setStyle([("FONT", (0, 0), (-1, -1), font), *commands])
    return table
