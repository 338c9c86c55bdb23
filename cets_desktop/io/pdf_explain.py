"""计算过程: how each printed calculated value was obtained — formula, inputs, reference factors
with their source and certainty, and the evidence files behind the inputs.

Values are explained in the order the body printed them, grouped by the row they belong to, so a
reviewer reads the explanation of 机组「1号机组」 right after that unit's numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from ..core.calc import ExplainInput, Explanation
from ..core.display import formula_text
from ..core.numbers import format_decimal
from ..core.spec import FieldSpec
from .pdf_context import RenderContext, certainty_text, cite_with_label, with_unit
from .pdf_styles import BLANK, GROUP_FILL, grid_style, make_table

_INDEX = re.compile(r"\[\d+\]")
_LABEL_COL = 22 * mm


def explain_story(ctx: RenderContext, explanations: dict[str, Explanation]) -> list[Flowable]:
    s = ctx.styles
    out: list[Flowable] = ctx.chapter("计算过程")
    shown = _grouped([p for p in dict.fromkeys(ctx.shown_calcs) if p in explanations])
    if not shown:
        out.append(ctx.para("本表没有计算值。", s.body))
        return out
    out.append(
        ctx.para(
            "以下逐项列出计算值的公式、输入数据、所用参考值（缺省值、排放因子）及其来源和把握程度。"
            "计算链中保留全部有效数字，只在报告值处按模板规定的小数位四舍五入一次。",
            s.note,
        )
    )
    number = 0
    for group, paths in shown:
        out.extend(ctx.heading(ctx.location_text(group) if group else "全表", 2))
        for path in paths:
            number += 1
            out.append(KeepTogether([_block(ctx, number, explanations[path]), Spacer(1, 2.5 * mm)]))
    return out


def _grouped(paths: list[str]) -> list[tuple[str, list[str]]]:
    """Explanations grouped by the row they belong to, rows in the order the body printed them
    (a transposed table prints fuel 1 and fuel 2 side by side; their explanations stay apart)."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        groups.setdefault(path.rsplit(".", 1)[0] if "." in path else "", []).append(path)
    return list(groups.items())


def _block(ctx: RenderContext, number: int, ex: Explanation) -> Table:
    s = ctx.styles
    target = ctx.spec.find_field(_INDEX.sub("[]", ex.path))
    anchor = ctx.anchors.get(ex.path, "")
    value = ctx.display(target, ex.value) if target is not None else _plain(ex.value)
    result = with_unit(value, ex.unit)
    heading = ctx.para(
        f"{number}. {ex.label} = {result}",
        s.cell,
        strong=True,
        markup=f'<a name="{anchor}"/>' if anchor else "",
    )
    rows: list[tuple[str, list[Flowable]]] = []
    # The definition's human formula, or its expression read out in words (never the raw one).
    rows.append(("公式", [ctx.para(ex.formula or "按本表定义的公式计算", s.cell)]))
    rows.append(
        ("输入", [ctx.para(_input_line(ctx, ex, i), s.cell) for i in ex.inputs] or [ctx.para("无", s.cell)])
    )
    if ex.references:
        refs = []
        for r in ex.references:
            key = f"（{r.key}）" if r.key and r.key not in r.label else ""
            refs.append(
                ctx.para(f"{r.label}{key} = {with_unit(_plain(r.value), r.unit)}，适用年份 {r.years}", s.cell)
            )
            refs.append(ctx.para(f"来源：{r.source}；把握程度：{certainty_text(r.certainty)}", s.cell_small))
        rows.append(("参考值", refs))
    if ex.source:
        rows.append(("依据", [ctx.para(cite_with_label(ex.source), s.cell_small)]))
    if ex.evidence:
        rows.append(("支撑材料", [ctx.para(_evidence_line(ctx, e), s.cell) for e in ex.evidence]))

    data: list[list[Any]] = [[heading, ""]]
    for label, cells in rows:
        data.append([ctx.para(label, s.cell_center), cells])
    commands = [
        *grid_style(header_rows=0),
        ("SPAN", (0, 0), (1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), GROUP_FILL),
        ("BACKGROUND", (0, 1), (0, -1), GROUP_FILL),
    ]
    return make_table(s.font, data, commands, colWidths=[_LABEL_COL, None], hAlign="LEFT", splitInRow=1)


def _input_line(ctx: RenderContext, ex: Explanation, item: ExplainInput) -> str:
    f = _input_field(ctx, item)
    value = with_unit(ctx.display_input(f, item.value), item.unit)
    label = item.label
    if f is not None and f.hidden:
        # A helper column is never printed by name: say what it holds (its formula in words).
        label = f"〔{formula_text(ctx.spec, f)}〕"
    if "." in item.name and f is not None and f.scope:
        # A projection over rows (sum(fuels.emissions)): say over which rows, in their order.
        repeat = ctx.spec.find_field(".".join(f.path.split(".")[:-1]))
        label += f"（各{repeat.label}）" if repeat is not None else "（各行）"
    return f"{label} = {value}"


def _input_field(ctx: RenderContext, item: ExplainInput) -> FieldSpec | None:
    if "." not in item.name:
        return ctx.spec.find_field(_INDEX.sub("[]", item.path))
    # "fuels.emissions" read from units[0] → units[].fuels[].emissions
    *repeats, name = item.name.split(".")
    prefix = _INDEX.sub("[]", item.path)
    schema = ".".join(f"{r}[]" for r in repeats) + "." + name
    return ctx.spec.find_field(f"{prefix}.{schema}" if prefix else schema)


def _evidence_line(ctx: RenderContext, e: dict[str, Any]) -> str:
    sha = str(e.get("sha256", ""))
    kind = f"（{e['kind']}）" if e.get("kind") else ""
    return f"{e.get('name', '')}{kind}，SHA-256 前 16 位 {sha[:16]}"


def _plain(value: Any) -> str:
    if value is None:
        return BLANK
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)
