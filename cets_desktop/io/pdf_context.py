"""What every part of the report needs: the filing, the styles, value formatting, and a record
of every string that goes onto the page.

All text reaches the PDF through :meth:`RenderContext.para` (or :meth:`RenderContext.record` for
text drawn straight on the canvas), so the glyph pre-flight sees exactly what is printed:
reportlab silently leaves a character blank when the font has no glyph for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from ..core.binding import bound
from ..core.calc import is_relevant
from ..core.display import date_text, display_value
from ..core.evaluation_context import Ctx, Env
from ..core.numbers import decimal_places, format_decimal
from ..core.reference import default_references
from ..core.row_positions import Rows
from ..core.rules import Evaluation
from ..core.spec import CERTAINTY_LABELS, FieldSpec, FormSpec
from .pdf_styles import BLANK, StrongParagraph, Styles, WrapOnceParagraph

OUTLINE_DEPTH = 2
"""Headings of levels 1 (chapters 一、二、…) and 2 (a unit, a version, a row group) are bookmarked."""


class HeadingParagraph(StrongParagraph):
    """A heading that is also a bookmark: the outline entry is made where the heading is drawn,
    so it names the page the heading really lands on. Outline levels may only deepen one at a time
    (reportlab refuses a jump), so a deeper heading straight after a chapter hangs one level below."""

    outline_entry: tuple[list[tuple[str, int, int]], str, int] | None = None

    def draw(self) -> None:
        if self.outline_entry is not None:
            outline, title, level = self.outline_entry
            self.outline_entry = None  # once, even if a layout pass draws it again
            last = outline[-1][1] if outline else -1
            level = max(0, min(level, last + 1))
            key = f"outline-{len(outline)}"
            self.canv.bookmarkHorizontal(key, 0, self.height)
            self.canv.addOutlineEntry(title, key, level=level, closed=level >= 1)
            outline.append((title, level, self.canv.getPageNumber()))
        super().draw()


_SEGMENT = re.compile(r"^([a-z][a-z0-9_]*)\[(\d+)\]$")
_TRAILING_TAG = re.compile(r"\[([VRTGPM])\]\s*$")
# Formula inputs are shown with enough digits to redo the arithmetic by hand: the chain keeps
# full precision, so an input rounded to its report decimals would not reproduce the result.
INPUT_MAX_PLACES = 6
_HEADING_ROOM = {1: 45 * mm, 2: 38 * mm, 3: 30 * mm}


@dataclass
class RenderContext:
    spec: FormSpec
    evaluation: Evaluation
    styles: Styles
    env: Env
    texts: list[str] = field(default_factory=list)
    shown_calcs: list[str] = field(default_factory=list)
    """Instance paths of calculated values printed in the body, in page order (计算过程 follows it)."""
    anchors: dict[str, str] = field(default_factory=dict)
    """Instance path of an explained value → its anchor name, for links from the body."""
    chapters: int = 0
    section_label: str = ""
    """The chapter being printed (a table that merely repeats it gets no heading of its own)."""
    section_first: FieldSpec | None = None
    """The first printed field of that chapter."""
    section_only: FieldSpec | None = None
    """The chapter's one printed field, when it has only one."""
    landscape: bool = False
    """True while the story is on landscape pages (a wide register)."""
    outline: list[tuple[str, int, int]] = field(default_factory=list)
    """(title, level, page) of every bookmark, filled while the pages are drawn."""
    rows_left: int = 300
    """Table rows the report still prints (``MAX_PDF_ROWS``): a PDF is read by people, and a
    pasted ledger of thousands of rows would take minutes to lay out."""

    def chapter(self, label: str) -> list[Flowable]:
        """The next top-level heading: 一、填报信息, 二、…; the report's parts share one count."""
        self.chapters += 1
        return self.heading(f"{chinese_ordinal(self.chapters)}、{label}", 1)

    def heading(self, text: str, level: int) -> list[Flowable]:
        """A heading that never ends a page: it starts a new page unless there is room for it
        and the first lines of what follows. (keepWithNext would instead carry a whole table
        over, leaving half a page blank.)"""
        style = {1: self.styles.h1, 2: self.styles.h2}.get(level, self.styles.h3)
        para = self.para(text, style, strong=True)
        if level <= OUTLINE_DEPTH:
            para = self.bookmarked(para, text, level - 1)
        return [CondPageBreak(_HEADING_ROOM.get(level, _HEADING_ROOM[3])), para]

    def bookmarked(self, para: Paragraph, title: str, level: int) -> Paragraph:
        """``para`` carrying a PDF bookmark (outline entry) ``title`` at ``level`` (0 = chapter)."""
        heading = HeadingParagraph(para.text, para.style)
        heading.outline_entry = (self.outline, title, level)
        return heading

    @classmethod
    def create(cls, spec: FormSpec, evaluation: Evaluation, styles: Styles) -> RenderContext:
        env = evaluation.env or Env(evaluation.document.period, default_references())
        return cls(spec, evaluation, styles, env)

    # --- text -----------------------------------------------------------------------------
    def record(self, text: str) -> str:
        self.texts.append(text)
        return text

    def para(self, text: str, style: ParagraphStyle, *, strong: bool = False, markup: str = "") -> Paragraph:
        """A paragraph of plain ``text`` (escaped; newlines kept). ``markup`` is appended as
        already-formed reportlab markup (anchors), never user text."""
        self.record(text)
        body = escape(text).replace("\n", "<br/>") + markup
        return (StrongParagraph if strong else WrapOnceParagraph)(body, style)

    def link_para(self, text: str, style: ParagraphStyle, path: str) -> Paragraph:
        """A value that links to its explanation in 计算过程 (a PDF-internal link; prints plain)."""
        self.record(text)
        anchor = self.anchors.get(path)
        body = escape(text)
        if anchor:
            body = f'<a href="#{anchor}">{body}</a>'
        return WrapOnceParagraph(body, style)

    # --- the filing -----------------------------------------------------------------------
    @property
    def title(self) -> str:
        title = self.spec.pdf.get("title")
        return str(title) if title else self.spec.title

    @property
    def period_label(self) -> str:
        return self.spec.period_label(self.evaluation.document.period)

    @property
    def enterprise_name(self) -> str:
        return self.evaluation.document.enterprise.name.strip() or "（企业名称未填写）"

    def relevant(self, f: FieldSpec, rows: Rows, scope: tuple[FieldSpec, ...]) -> bool:
        bf = bound(self.spec).fields.get(f.path)
        if bf is None or bf.relevant is None:
            return True
        return is_relevant(bf, Ctx(rows, self.env, scope))

    # --- values ---------------------------------------------------------------------------
    def display(self, f: FieldSpec, value: Any) -> str:
        """A field's value as printed (core.display): calculated numbers rounded once to the
        template's decimals (the same 四舍五入 as ``rounded_values``), blanks as a dash."""
        return display_value(self.spec, f, value, blank=BLANK)

    def display_input(self, f: FieldSpec | None, value: Any) -> str:
        """An input of a formula, with the digits the calculation used (up to INPUT_MAX_PLACES)."""
        if isinstance(value, list | tuple):
            parts = [self.display_input(f, v) for v in value]
            return "、".join(parts) if parts else BLANK
        if isinstance(value, Decimal):
            # As entered (a typed value with more places than the template keeps is shown so;
            # GEN-005 already told the user), at least to the template's decimals.
            shown = min(decimal_places(value), INPUT_MAX_PLACES)
            if f is not None and f.decimals is not None:
                shown = max(shown, f.decimals)
            return format_decimal(value, shown)
        if f is not None:
            return self.display(f, value)
        return BLANK if value is None else str(value)

    def _choice_text(self, f: FieldSpec, value: Any) -> str:
        for choice in self.spec.choice_list(f):
            if choice.value == value:
                return choice.text
        return str(value)

    # --- places ---------------------------------------------------------------------------
    def location(self, instance_path: str) -> list[str]:
        """``units[0].fuels[1].emissions`` → [机组「1号机组」, 燃料「柴油」, 化石燃料燃烧排放量]."""
        labels: list[str] = []
        fields = self.spec.top_fields()
        data: Any = self.evaluation.values
        for part in instance_path.split(".") if instance_path else []:
            m = _SEGMENT.match(part)
            name = m.group(1) if m else part
            f = next((x for x in fields if x.name == name), None)
            if f is None:
                labels.append(part)
                continue
            if m is None:
                labels.append(f.label)
                continue
            index = int(m.group(2))
            rows = data.get(name) if isinstance(data, dict) else None
            row = rows[index] if isinstance(rows, list) and index < len(rows) else {}
            labels.append(row_label(f, row if isinstance(row, dict) else {}, index))
            fields, data = f.data_fields(), row
        return labels

    def location_text(self, instance_path: str) -> str:
        return " › ".join(self.location(instance_path)) or "全表"


def row_label(repeat: FieldSpec, row: dict[str, Any], index: int) -> str:
    """How a repeat row is named on paper: 机组「1号机组」, or 机组第 2 行 when it has no name."""
    name = row.get(repeat.label_field or repeat.key or "")
    if name not in (None, ""):
        return f"{repeat.label}「{name}」"
    return f"{repeat.label}第 {index + 1} 行"


def row_name(repeat: FieldSpec, row: dict[str, Any], index: int) -> str:
    """The short name of a row for a column header: 1号机组, or 第 2 行."""
    name = row.get(repeat.label_field or repeat.key or "")
    return str(name) if name not in (None, "") else f"第 {index + 1} 行"


def with_unit(value: str, unit: str | None) -> str:
    """ "469,997.90 tCO2", "99.0%" (no space before a per-cent sign); a blank stays a bare dash."""
    if not unit or value == BLANK:
        return value
    return f"{value}{unit}" if unit in ("%", "‰") else f"{value} {unit}"


def format_date(value: Any) -> str:
    return date_text(value)


def certainty_text(tag: str) -> str:
    """The certainty in plain Chinese (officials read words, not our tags)."""
    return CERTAINTY_LABELS.get(tag) or "把握程度未注明"


def template_and_version(spec: FormSpec) -> str:
    """Which template year and which of our versions of the form a report was made with, in
    words (the cover, its footnote and the PDF's properties say it alike; never the form's id)."""
    return f"{spec.template_year} 年模板，表单版本 {spec.version}"


def cite_with_label(citation: str) -> str:
    """Spell out the certainty tag a citation ends with: "… [R]" → "… [R] 据回忆，待核对原文"."""
    m = _TRAILING_TAG.search(citation)
    if not m:
        return citation
    return citation[: m.start()].rstrip() + " " + certainty_text(m.group(1))


def chinese_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二 (section headings 一、二、…)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)
