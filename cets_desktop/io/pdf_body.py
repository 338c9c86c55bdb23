"""The filing itself, laid out from the definition: sections in order, fields as 序号/项目/数值/单位
tables, repeats as blocks or tables, long texts as paragraphs.

Nothing here knows a form: the layout of a repeat is chosen from its shape (see
:func:`choose_layout`) and can be overridden per repeat in the definition's ``pdf.layout``
(``{units.fuels: transposed}``), so a new form or template year needs no PDF code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph, Spacer, Table

from ..core.row_positions import instance_path
from ..core.spec import NUMERIC_TYPES, FieldSpec
from .pdf_context import RenderContext, Rows, chinese_ordinal, row_label, row_name
from .pdf_styles import (
    BLANK,
    CALC_FILL,
    FRAME_WIDTH,
    GROUP_FILL,
    HEAD_FILL,
    LANDSCAPE_FRAME_WIDTH,
    LANDSCAPE_TEMPLATE,
    NOT_APPLICABLE,
    PORTRAIT_TEMPLATE,
    grid_style,
    make_table,
)

Layout = Literal["blocks", "table", "transposed", "register"]
LAYOUTS: tuple[Layout, ...] = ("blocks", "table", "transposed")
# A repeat prints as an ordinary table while every column can stay ~20 mm wide; wider repeats
# are turned on their side (fields down, rows across) rather than squeezed unreadably.
MAX_TABLE_COLUMNS = 7
TRANSPOSED_ROWS_PER_TABLE = 3
NO_ROWS = "（未填写）"
# A long_text answer this short (or blank) reads better as a table row than as a paragraph.
SHORT_TEXT = 60

_NUMBER_COL = 11 * mm
_UNIT_COL = 27 * mm
_VALUE_COL = 58 * mm


@dataclass(frozen=True)
class Level:
    """Where we are in the data: the row dicts from the top down, their repeats and indices."""

    rows: Rows
    scope: tuple[FieldSpec, ...] = ()
    idx: tuple[int, ...] = ()

    @property
    def row(self) -> dict[str, Any]:
        return self.rows[-1]

    def child(self, repeat: FieldSpec, row: dict[str, Any], index: int) -> Level:
        return Level((*self.rows, row), (*self.scope, repeat), (*self.idx, index))

    def path(self, name: str) -> str:
        return instance_path(self.scope, self.idx, name)


def body_story(ctx: RenderContext) -> list[Flowable]:
    s = ctx.styles
    out: list[Flowable] = [
        ctx.para(
            "说明：带底纹的数值由本软件按所依据的核算指南中的公式计算，并按模板规定的小数位四舍五入，计算过程见“计算过程”部分。"
            f"“{BLANK}”表示未填写，“{NOT_APPLICABLE}”表示该项对该行不适用。",
            s.note,
        )
    ]
    top = Level((ctx.evaluation.values,))
    for section in ctx.spec.sections:
        first = next((f for f in section.fields if not f.hidden), None)
        if first is not None and first.type == "repeat" and register_columns(ctx, first) is not None:
            # The section opens with a landscape register: its chapter heading goes on that page.
            out.extend(_to_landscape(ctx))
        out.extend(ctx.chapter(section.label))
        ctx.section_label, ctx.section_first = section.label, first
        printed = [f for f in section.fields if not f.hidden]
        ctx.section_only = printed[0] if len(printed) == 1 else None
        out.extend(render_fields(ctx, section.fields, top))
    return out


def _to_landscape(ctx: RenderContext) -> list[Flowable]:
    ctx.landscape = True
    return [NextPageTemplate(LANDSCAPE_TEMPLATE), PageBreak()]


def _to_portrait(ctx: RenderContext) -> list[Flowable]:
    ctx.landscape = False
    return [NextPageTemplate(PORTRAIT_TEMPLATE), PageBreak()]


def number_width(ctx: RenderContext, numbers: list[str], size: float | None = None) -> float:
    """A 序号 column wide enough for its widest number (1.2.1.1) and its header on one line."""
    size = size or ctx.styles.cell.fontSize
    widest = max((stringWidth(n, ctx.styles.font, size) for n in [*numbers, "序号"]), default=0.0)
    # 3 pt cell padding each side (grid_style) and a point of slack for rounding in the wrap.
    return max(_NUMBER_COL, widest + 6 + 1.5)


# --- a level of fields: scalar runs become tables, long texts and repeats break them -----------


@dataclass
class _Run:
    """Consecutive scalar rows waiting to become one 序号/项目/数值/单位 table."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def flush(self, ctx: RenderContext, out: list[Flowable], level: Level) -> None:
        rows = _drop_empty_groups(self.rows)
        if rows:
            out.append(_scalar_table(ctx, rows, level))
            out.append(Spacer(1, 2 * mm))
        self.rows = []


def render_fields(ctx: RenderContext, fields: list[FieldSpec], level: Level) -> list[Flowable]:
    out: list[Flowable] = []
    run = _Run()
    numbering = _Numbering(fields)

    def walk(items: list[FieldSpec], depth: int) -> None:
        for f in items:
            if f.hidden:
                continue
            if f.type == "group":
                run.rows.append(("group", f, depth, numbering.group(f)))
                walk(f.fields, depth + 1)
            elif not ctx.relevant(f, level.rows, level.scope):
                continue
            elif f.type == "note":
                run.flush(ctx, out, level)
                out.append(ctx.para(f.label, ctx.styles.note))
            elif f.type == "repeat":
                run.flush(ctx, out, level)
                out.extend(render_repeat(ctx, f, level, numbering.field(f)))
            elif f.type == "long_text" and not _fits_in_row(level.row.get(f.name)):
                run.flush(ctx, out, level)
                out.extend(_long_text(ctx, f, level, numbering.field(f)))
            else:
                run.rows.append(("field", f, depth, numbering.field(f)))

    walk(fields, 0)
    run.flush(ctx, out, level)
    return out


def _fits_in_row(value: Any) -> bool:
    text = str(value or "").strip()
    return len(text) <= SHORT_TEXT and "\n" not in text


class _Numbering:
    """序号: the official row numbers when the definition gives any at this level, otherwise a
    running 1, 2, 3 so a reviewer can still say "第 5 项"."""

    def __init__(self, fields: list[FieldSpec]) -> None:
        self.official = any(f.row for f in _walk_layout(fields))
        self.count = 0

    def field(self, f: FieldSpec) -> str:
        if self.official:
            return f.row or ""
        self.count += 1
        return str(self.count)

    def group(self, f: FieldSpec) -> str:
        return (f.row or "") if self.official else ""


def _walk_layout(fields: list[FieldSpec]) -> Iterator[FieldSpec]:
    """Fields and groups of one data level (not inside nested repeats)."""
    for f in fields:
        yield f
        if f.type == "group":
            yield from _walk_layout(f.fields)


def _drop_empty_groups(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A group header with no printed field under it (all hidden or printed elsewhere) goes."""
    kept: list[tuple[Any, ...]] = []
    for i, row in enumerate(rows):
        if row[0] == "group":
            depth = row[2]
            following = rows[i + 1 :]
            has_child = False
            for nxt in following:
                if nxt[2] <= depth:
                    break
                if nxt[0] == "field":
                    has_child = True
                    break
            if not has_child:
                continue
        kept.append(row)
    return kept


def _scalar_table(ctx: RenderContext, rows: list[tuple[Any, ...]], level: Level) -> Table:
    s = ctx.styles
    data: list[list[Any]] = [
        [ctx.para(h, s.cell_head, strong=True) for h in ("序号", "项目", "数值", "单位")]
    ]
    commands = grid_style()
    for kind, f, depth, number in rows:
        r = len(data)
        indent = "\u3000" * max(depth, (number.count(".") if number else 0))
        if kind == "group":
            data.append(
                [ctx.para(number, s.cell_center), ctx.para(indent + f.label, s.cell, strong=True), "", ""]
            )
            commands += [("SPAN", (1, r), (3, r)), ("BACKGROUND", (0, r), (-1, r), GROUP_FILL)]
            continue
        value = level.row.get(f.name)
        text = ctx.display(f, value)
        style = _value_style(ctx, f, text)
        if f.is_calculated:
            path = level.path(f.name)
            ctx.shown_calcs.append(path)
            cell: Paragraph = ctx.link_para(text, style, path)
            commands.append(("BACKGROUND", (2, r), (2, r), CALC_FILL))
        else:
            cell = ctx.para(text, style)
        data.append(
            [
                ctx.para(number, s.cell_center),
                ctx.para(indent + f.label, s.cell),
                cell,
                ctx.para(f.unit or "", s.cell_center),
            ]
        )
    number_col = number_width(ctx, [str(row[3] or "") for row in rows])
    label_col = FRAME_WIDTH - number_col - _VALUE_COL - _UNIT_COL
    return make_table(
        s.font,
        data,
        commands,
        colWidths=[number_col, label_col, _VALUE_COL, _UNIT_COL],
        repeatRows=1,
        splitInRow=1,
        hAlign="LEFT",
    )


def _value_style(ctx: RenderContext, f: FieldSpec, text: str) -> ParagraphStyle:
    """Numbers right-aligned so their digits line up; a blank dash centred like "／"."""
    s = ctx.styles
    if text == BLANK:
        return s.cell_center
    return s.cell_num if f.type in NUMERIC_TYPES else s.cell


def _long_text(ctx: RenderContext, f: FieldSpec, level: Level, number: str) -> list[Flowable]:
    s = ctx.styles
    title = f"{number} {f.label}" if number else f.label
    out: list[Flowable] = ctx.heading(title, 3)
    text = str(level.row.get(f.name) or "").strip()
    if not text:
        out.append(ctx.para(BLANK, s.body))
        return out
    for line in text.splitlines():
        if line.strip():
            out.append(ctx.para(line.strip(), s.body))
    return out


# --- repeats ---------------------------------------------------------------------------------


def choose_layout(ctx: RenderContext, repeat: FieldSpec, columns: list[FieldSpec], nested: bool) -> Layout:
    """blocks: a titled block per row (rows that hold other repeats, or wide top-level rows);
    table: one row per record; transposed: fields down, records across (wide nested repeats)."""
    has_repeats = any(c.type == "repeat" for c in repeat.data_fields())
    override = _layout_override(ctx, repeat)
    if isinstance(override, dict):
        return "register" if register_columns(ctx, repeat) is not None else "blocks"
    # Only blocks can hold a nested repeat; any other override for such a repeat is ignored.
    if override in LAYOUTS and (override == "blocks" or not has_repeats):
        return override  # type: ignore[no-any-return]
    if has_repeats:
        return "blocks"
    if len(columns) <= MAX_TABLE_COLUMNS:
        return "table"
    return "transposed" if nested else "blocks"


def _layout_override(ctx: RenderContext, repeat: FieldSpec) -> Any:
    overrides = ctx.spec.pdf.get("layout")
    return overrides.get(repeat.path.replace("[]", "")) if isinstance(overrides, dict) else None


MAX_PDF_ROWS = RenderContext.rows_left
"""Table rows one report prints in all (a real monthly filing has a handful of units and fuels)."""


def render_repeat(ctx: RenderContext, repeat: FieldSpec, level: Level, number: str) -> list[Flowable]:
    s = ctx.styles
    items = [(i, r) for i, r in enumerate(level.row.get(repeat.name) or []) if isinstance(r, dict)]
    total = len(items)
    items = items[: max(ctx.rows_left, 0)]
    ctx.rows_left -= len(items)
    nested = bool(level.scope)
    levels = [level.child(repeat, row, i) for i, row in items]
    columns = [
        c for c in _scalar_fields(repeat.fields) if any(ctx.relevant(c, lv.rows, lv.scope) for lv in levels)
    ]
    layout = choose_layout(ctx, repeat, columns, nested)
    title = f"{number} {repeat.label}" if number else repeat.label
    out: list[Flowable] = []
    if layout == "register" and not ctx.landscape:
        out.extend(_to_landscape(ctx))
    # The chapter heading already names a table that opens its section (a register) or is all
    # of it (版本及修订): no second title under it.
    opens_section = ctx.section_only is repeat or (layout == "register" and ctx.section_first is repeat)
    if (layout != "blocks" or not items) and not opens_section and repeat.label != ctx.section_label:
        out.extend(ctx.heading(title, 3 if nested else 2))
    if not items and not total:
        out.append(ctx.para(NO_ROWS, s.note))
        return out
    if len(items) < total:
        out.append(
            ctx.para(
                f"本表共 {total:,} 行，报告中列出前 {len(items):,} 行（报告最多列出 {MAX_PDF_ROWS} 行表格数据）；"
                "全部数据见申报包中的 data.json 和 data.xlsx。",
                s.note,
            )
        )
        if not items:
            return out
    if layout == "register":
        out.append(_register_table(ctx, repeat, levels))
        out.extend(_to_portrait(ctx))
    elif layout == "table":
        out.append(_columns_table(ctx, repeat, columns, levels))
        out.append(Spacer(1, 2 * mm))
    elif layout == "transposed":
        out.extend(_transposed_tables(ctx, repeat, levels))
    else:
        for n, lv in enumerate(levels, start=1):
            label = row_label(repeat, lv.row, lv.idx[-1])
            heading = f"（{chinese_ordinal(n)}）{label}" if not nested else f"{n}. {label}"
            out.extend(ctx.heading(heading, 3 if nested else 2))
            out.extend(render_fields(ctx, repeat.fields, lv))
    return out


def _scalar_fields(fields: list[FieldSpec]) -> list[FieldSpec]:
    out: list[FieldSpec] = []
    for f in fields:
        if f.hidden:
            continue
        if f.type == "group":
            out.extend(_scalar_fields(f.fields))
        elif f.is_scalar:
            out.append(f)
    return out


def _weight(f: FieldSpec) -> float:
    if f.width:
        return {"short": 1.0, "medium": 1.6, "long": 2.6}[f.width]
    if f.type == "long_text":
        return 2.6
    if f.type == "text":
        return 1.6
    if f.type in ("select_one", "select_multiple", "date"):
        return 1.4
    if f.type == "boolean":
        return 0.8
    return 1.1


def _cell(ctx: RenderContext, f: FieldSpec, lv: Level, applies: bool) -> tuple[Paragraph, bool]:
    """A value cell and whether it is a printed calculated value (shaded)."""
    s = ctx.styles
    if not applies:
        return ctx.para(NOT_APPLICABLE, s.cell_center), False
    text = ctx.display(f, lv.row.get(f.name))
    style = _value_style(ctx, f, text)
    if f.is_calculated:
        path = lv.path(f.name)
        ctx.shown_calcs.append(path)
        return ctx.link_para(text, style, path), True
    return ctx.para(text, style), False


def _columns_table(
    ctx: RenderContext, repeat: FieldSpec, columns: list[FieldSpec], levels: list[Level]
) -> Table:
    s = ctx.styles
    header = [ctx.para("序号", s.cell_head, strong=True)]
    for c in columns:
        header.append(ctx.para(c.label + (f"\n（{c.unit}）" if c.unit else ""), s.cell_head, strong=True))
    data: list[list[Any]] = [header]
    commands = grid_style()
    for r, lv in enumerate(levels, start=1):
        row: list[Any] = [ctx.para(str(r), s.cell_center)]
        for c_index, c in enumerate(columns, start=1):
            cell, shaded = _cell(ctx, c, lv, ctx.relevant(c, lv.rows, lv.scope))
            row.append(cell)
            if shaded:
                commands.append(("BACKGROUND", (c_index, r), (c_index, r), CALC_FILL))
        data.append(row)
    weights = [_weight(c) for c in columns]
    number_col = number_width(ctx, [str(len(levels))])
    free = FRAME_WIDTH - number_col
    widths = [number_col] + [free * w / sum(weights) for w in weights]
    return make_table(s.font, data, commands, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")


def _transposed_tables(ctx: RenderContext, repeat: FieldSpec, levels: list[Level]) -> list[Flowable]:
    out: list[Flowable] = []
    chunks = -(-len(levels) // TRANSPOSED_ROWS_PER_TABLE)
    size = -(-len(levels) // chunks)
    for start in range(0, len(levels), size):
        out.append(_transposed_table(ctx, repeat, levels[start : start + size]))
        out.append(Spacer(1, 2 * mm))
    return out


def _transposed_table(ctx: RenderContext, repeat: FieldSpec, levels: list[Level]) -> Table:
    s = ctx.styles
    numbering = _Numbering(repeat.fields)
    header = [ctx.para(h, s.cell_head, strong=True) for h in ("序号", "项目", "单位")]
    header += [ctx.para(row_name(repeat, lv.row, lv.idx[-1]), s.cell_head, strong=True) for lv in levels]
    data: list[list[Any]] = [header]
    commands = grid_style()
    pending_groups: list[tuple[FieldSpec, int, str]] = []
    numbers: list[str] = []

    def walk(fields: list[FieldSpec], depth: int) -> None:
        for f in fields:
            if f.hidden:
                continue
            if f.type == "group":
                pending_groups.append((f, depth, numbering.group(f)))
                walk(f.fields, depth + 1)
                # A group with nothing printed under it leaves no header behind.
                if pending_groups and pending_groups[-1][0] is f:
                    pending_groups.pop()
                continue
            # The row's name is already the column header.
            if not f.is_scalar or f.name == (repeat.label_field or repeat.key):
                continue
            applies = [ctx.relevant(f, lv.rows, lv.scope) for lv in levels]
            if not any(applies):
                continue
            number = numbering.field(f)
            numbers.append(number)
            for g, g_depth, g_number in pending_groups:
                r = len(data)
                numbers.append(g_number)
                data.append(
                    [
                        ctx.para(g_number, s.cell_center),
                        ctx.para("\u3000" * g_depth + g.label, s.cell, strong=True),
                    ]
                    + [""] * (len(levels) + 1)
                )
                commands.extend([("SPAN", (1, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), GROUP_FILL)])
            pending_groups.clear()
            r = len(data)
            row: list[Any] = [
                ctx.para(number, s.cell_center),
                ctx.para("\u3000" * depth + f.label, s.cell),
                ctx.para(f.unit or "", s.cell_center),
            ]
            for col, (lv, ok) in enumerate(zip(levels, applies, strict=True), start=3):
                cell, shaded = _cell(ctx, f, lv, ok)
                row.append(cell)
                if shaded:
                    commands.append(("BACKGROUND", (col, r), (col, r), CALC_FILL))
            data.append(row)

    walk(repeat.fields, 0)
    # One or two records get a roomy label column; three give the labels a little less so each
    # value column keeps ~27 mm (a choice label such as 生产系统计量（入炉煤皮带秤/给煤机） wraps once).
    label_col = (48 if len(levels) <= 2 else 40) * mm
    number_col = number_width(ctx, numbers)
    value_col = (FRAME_WIDTH - number_col - _UNIT_COL - label_col) / len(levels)
    return make_table(
        s.font,
        data,
        commands,
        colWidths=[number_col, label_col, _UNIT_COL] + [value_col] * len(levels),
        repeatRows=1,
        splitInRow=1,
        hAlign="LEFT",
    )


# --- registers: one row per record, columns chosen by the definition (landscape) -------------


@dataclass(frozen=True)
class RegisterColumn:
    label: str
    fields: tuple[FieldSpec, ...]
    weight: float
    group: str = ""


def register_columns(ctx: RenderContext, repeat: FieldSpec) -> list[RegisterColumn] | None:
    """The columns of a repeat printed as a register (``pdf.layout: {path: {columns: …}}``).

    Each column lists field names of the repeat's rows (through its groups); a name this form does
    not have is skipped, so plans of every sector can share one column list. A printed field no
    column names is added to the last column, so nothing the user typed is left off the paper.
    """
    override = _layout_override(ctx, repeat)
    if not isinstance(override, dict) or not isinstance(override.get("columns"), list):
        return None
    printable = {f.name: f for f in _scalar_fields(repeat.fields)}
    used: set[str] = set()
    out: list[RegisterColumn] = []
    for item in override["columns"]:
        if not isinstance(item, dict):
            continue
        names = item.get("fields") or []
        fields = tuple(printable[n] for n in names if n in printable and n not in used)
        if not fields:
            continue
        used.update(f.name for f in fields)
        label = str(item.get("label") or fields[0].label)
        out.append(RegisterColumn(label, fields, float(item.get("width") or 1), str(item.get("group") or "")))
    if not out:
        return None
    rest = tuple(f for name, f in printable.items() if name not in used)
    if rest:
        last = out[-1]
        out[-1] = RegisterColumn(last.label, last.fields + rest, last.weight, last.group)
    return out


def _register_cell(ctx: RenderContext, column: RegisterColumn, lv: Level) -> tuple[list[str], bool]:
    """The lines of one register cell and whether any of its fields applies to the row. The first
    field prints its value alone (the column header names it); the others say what they are."""
    lines: list[str] = []
    applies = False
    for i, f in enumerate(column.fields):
        if not ctx.relevant(f, lv.rows, lv.scope):
            continue
        applies = True
        value = lv.row.get(f.name)
        text = ctx.display(f, value)
        if text == BLANK:
            continue
        if f.is_calculated:
            ctx.shown_calcs.append(lv.path(f.name))
        if f.unit and f.type in NUMERIC_TYPES:
            text = f"{text} {f.unit}"
        lines.append(text if i == 0 else f"{f.label}：{text}")
    return lines, applies


def _register_table(ctx: RenderContext, repeat: FieldSpec, levels: list[Level]) -> Table:
    s = ctx.styles
    columns = register_columns(ctx, repeat) or []
    grouped = any(c.group for c in columns)
    head_rows = 2 if grouped else 1
    top: list[Any] = [ctx.para("序号", s.register_head, strong=True)]
    bottom: list[Any] = [""]
    commands = grid_style(header_rows=head_rows)
    commands.append(("FONTSIZE", (0, 0), (-1, -1), s.register.fontSize))
    for i, c in enumerate(columns, start=1):
        head = ctx.para(c.label, s.register_head, strong=True)
        if not grouped:
            top.append(head)
            continue
        if c.group:
            first = i == 1 or columns[i - 2].group != c.group
            top.append(ctx.para(c.group, s.register_head, strong=True) if first else "")
            bottom.append(head)
            if first:
                span_end = i
                while span_end < len(columns) and columns[span_end].group == c.group:
                    span_end += 1
                commands.append(("SPAN", (i, 0), (span_end, 0)))
        else:
            top.append(head)
            bottom.append("")
            commands.append(("SPAN", (i, 0), (i, 1)))
    data: list[list[Any]] = [top, bottom] if grouped else [top]
    if grouped:
        commands.append(("SPAN", (0, 0), (0, 1)))
        commands.append(("BACKGROUND", (0, 0), (-1, 1), HEAD_FILL))
    for r, lv in enumerate(levels, start=1):
        row: list[Any] = [ctx.para(str(r), s.register_head)]
        for c in columns:
            lines, applies = _register_cell(ctx, c, lv)
            if lines:
                row.append(ctx.para("\n".join(lines), s.register))
            else:
                row.append(ctx.para(BLANK if applies else NOT_APPLICABLE, s.register_head))
        data.append(row)
    number_col = number_width(ctx, [str(len(levels))], s.register.fontSize)
    free = LANDSCAPE_FRAME_WIDTH - number_col
    total = sum(c.weight for c in columns) or 1.0
    widths = [number_col] + [free * c.weight / total for c in columns]
    # Rows are cut where the page ends (at least 36 pt on either side), as a spreadsheet prints:
    # splitting at row boundaries first would leave the rest of the page to a second, in-row
    # split of the remainder, printing the header row twice on one page.
    return make_table(
        s.font,
        data,
        commands,
        colWidths=widths,
        repeatRows=head_rows,
        splitByRow=0,
        splitInRow=36,
        hAlign="LEFT",
    )
