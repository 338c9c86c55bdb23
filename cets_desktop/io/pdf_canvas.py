"""The page furniture drawn on every page: running header, 第 x 页 共 y 页, 草稿 watermark; and
the document's metadata: its creation date and the outline (bookmarks) of its sections.

"共 y 页" needs the page count before any page is written, so the canvas holds each finished
page's state and draws the furniture for all of them in ``save`` (the usual two-pass
"NumberedCanvas" of reportlab). Landscape pages (wide registers) get the same furniture, laid out
on their own page size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas

from .pdf_styles import MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MUTED, PAGE_SIZE, RULE

WATERMARK = "草稿"
# Light enough to read the table through, dark enough to survive a photocopy.
_WATERMARK_GREY = colors.Color(0.55, 0.55, 0.55, alpha=0.22)


@dataclass
class PageFurniture:
    font: str
    header_left: str
    header_right: str
    draft: bool = False
    created: dt.datetime | None = None
    """The document's CreationDate/ModDate (the export's time); None keeps reportlab's fixed date."""
    pages: int = field(default=0)
    """Set when the PDF is saved: how many pages it has."""

    def page_label(self, page: int, total: int) -> str:
        return f"第 {page} 页 共 {total} 页"

    def texts(self) -> list[str]:
        """What will be drawn, for the glyph check (digits are in every font)."""
        return [self.header_left, self.header_right, self.page_label(1, 1), WATERMARK if self.draft else ""]

    def draw(self, canv: Canvas, page: int, total: int) -> None:
        width, height = getattr(canv, "_pagesize", None) or PAGE_SIZE
        canv.saveState()
        top = height - MARGIN_TOP + 7 * mm
        canv.setFont(self.font, 8.5)
        canv.setFillColor(MUTED)
        line_width = width - MARGIN_LEFT - MARGIN_RIGHT
        right = _fit(canv, self.header_right, self.font, 8.5, line_width * 0.45)
        right_width = canv.stringWidth(right, self.font, 8.5)
        left = _fit(canv, self.header_left, self.font, 8.5, line_width - right_width - 8 * mm)
        canv.drawString(MARGIN_LEFT, top + 1.6 * mm, left)
        canv.drawRightString(width - MARGIN_RIGHT, top + 1.6 * mm, right)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_LEFT, top, width - MARGIN_RIGHT, top)
        canv.setFont(self.font, 9)
        canv.drawCentredString(
            MARGIN_LEFT + (width - MARGIN_LEFT - MARGIN_RIGHT) / 2,
            MARGIN_BOTTOM - 10 * mm,
            self.page_label(page, total),
        )
        if self.draft:
            self._watermark(canv)
        canv.restoreState()

    def _watermark(self, canv: Canvas) -> None:
        width, height = getattr(canv, "_pagesize", None) or PAGE_SIZE
        canv.saveState()
        canv.setFillColor(_WATERMARK_GREY)
        canv.translate(width / 2, height / 2)
        canv.rotate(45)
        canv.setFont(self.font, 130)
        # Diagonal glyphs are extracted one per line; ActualText keeps "草稿" a word for search,
        # screen readers and the tests.
        canv.addLiteral(actual_text(WATERMARK))
        canv.drawCentredString(0, -45, WATERMARK)
        canv.addLiteral("EMC")
        canv.restoreState()


def canvas_maker(furniture: PageFurniture) -> Callable[..., Canvas]:
    """A canvas class for ``doc.build(canvasmaker=…)`` that draws ``furniture`` on every page."""
    saving = False
    marks: list[tuple[int, str, tuple[Any, ...], dict[str, Any]]] = []

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Without this every page's preamble selects Helvetica, a font that is referenced
            # but not embedded, which an archival PDF must not contain.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or furniture.font
            super().__init__(*args, **kwargs)
            self._page_states: list[dict[str, Any]] = []
            if furniture.created is not None:
                # The real creation date, and still the same bytes for the same filing and time:
                # the document stays "invariant" (its ID is a digest of the content).
                self._doc._timeStamp = time_stamp(furniture.created)  # type: ignore[attr-defined]
            # Viewers open the report with its bookmarks shown.
            self.showOutline()

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._page_states.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]

        def bookmarkPage(self, key: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]  # noqa: N802
            # A destination names the page being written; pages are only written in save(), so
            # the bookmark (section outline, <a name> anchors of 计算过程) is replayed there.
            if saving:
                super().bookmarkPage(key, *args, **kwargs)
            else:
                marks.append((len(self._page_states), key, args, kwargs))

        def save(self) -> None:
            nonlocal saving
            total = len(self._page_states)
            furniture.pages = total
            saving = True
            for number, state in enumerate(self._page_states, start=1):
                self.__dict__.update(state)
                furniture.draw(self, number, total)
                for page, key, args, kwargs in marks:
                    if page == number - 1:
                        self.bookmarkPage(key, *args, **kwargs)
                super().showPage()
            super().save()

    return NumberedCanvas


def time_stamp(when: dt.datetime) -> TimeStamp:
    """A reportlab TimeStamp for ``when`` (an aware datetime keeps its UTC offset)."""
    stamp = TimeStamp(invariant=True)
    offset = when.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    stamp.t = when.timestamp()
    stamp.lt = when.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh, stamp.dmm = int(minutes / 60), abs(minutes) % 60
    stamp.tzname = when.tzname() or "UTC"
    return stamp


def actual_text(text: str) -> str:
    """PDF operator opening a span whose extracted text is ``text`` (close it with "EMC")."""
    return f"/Span <</ActualText <FEFF{text.encode('utf-16-be').hex().upper()}>>> BDC"


def _fit(canv: Canvas, text: str, font: str, size: float, width: float) -> str:
    """Shorten a header text with "…" rather than let the two header texts run into each other
    (the cover prints the full enterprise name)."""
    if canv.stringWidth(text, font, size) <= width:
        return text
    while text and canv.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"
