"""校验结果: the findings summary, every error and open warning, acknowledged warnings with the
reason the enterprise wrote, and the guidance notes; plus the note on characters the font lacks."""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from ..core.findings import SEVERITY_LABELS, Finding, summarize
from .pdf_context import RenderContext, chinese_ordinal, cite_with_label
from .pdf_styles import ERROR_INK, FRAME_WIDTH, MUTED, WARNING_INK, grid_style, make_table

_INK = {"error": ERROR_INK, "warning": WARNING_INK, "info": MUTED}


def findings_story(ctx: RenderContext) -> tuple[list[Flowable], int]:
    """The section, and the index where a glyph note belongs (known only once all text is in)."""
    s = ctx.styles
    ev = ctx.evaluation
    findings = ev.findings
    counts = summarize(findings)
    out: list[Flowable] = ctx.chapter("校验结果")
    summary_heads = ["错误", "警告（未说明理由）", "警告（已说明理由）", "提示"]
    values = [counts["error"], counts["warning"], counts["warning_acknowledged"], counts["info"]]
    out.append(
        make_table(
            s.font,
            [
                [ctx.para(h, s.cell_head, strong=True) for h in summary_heads],
                [ctx.para(f"{v} 项", s.cell_center) for v in values],
            ],
            grid_style(),
            colWidths=[FRAME_WIDTH / 4] * 4,
            hAlign="LEFT",
        )
    )
    out.append(Spacer(1, 2 * mm))
    if counts["error"]:
        verdict = f"存在 {counts['error']} 项错误，须改正后才能生成正式提交包；本文件只能作为草稿核对使用。"
    elif counts["warning"]:
        verdict = f"没有错误；{counts['warning']} 项警告尚需改正或书面说明理由后才能生成正式提交包。"
    else:
        verdict = "没有错误，所有警告均已改正或说明理由，可以生成正式提交包。"
    out.append(ctx.para("结论：" + verdict, s.body))
    glyph_slot = len(out)

    sources = _Sources()
    open_items = [
        f for f in findings if f.severity == "error" or (f.severity == "warning" and not f.acknowledged)
    ]
    acknowledged = [f for f in findings if f.severity == "warning" and f.acknowledged]
    infos = [f for f in findings if f.severity == "info"]
    if not findings:
        out.append(ctx.para("未发现任何问题。", s.body))
    parts: list[tuple[str, list[Finding], tuple[str, ...], Any]] = [
        ("错误与待处理的警告", open_items, ("序号", "级别", "编号", "位置", "问题与处理"), _open_row),
        ("已说明理由的警告", acknowledged, ("序号", "编号", "位置", "问题", "企业说明的理由"), _ack_row),
        ("提示", infos, ("序号", "编号", "位置", "内容"), _info_row),
    ]
    present = [p for p in parts if p[1]]
    for n, (title, items, heads, row) in enumerate(present, start=1):
        out.extend(ctx.heading(f"（{chinese_ordinal(n)}）{title}", 3))
        out.append(_table(ctx, items, heads, row, sources))
    out.extend(sources.notes(ctx))
    return out, glyph_slot


def glyph_note(ctx: RenderContext, missing: set[str]) -> Flowable:
    chars = "、".join(f"U+{ord(c):04X}（{c}）" for c in sorted(missing))
    # Say where they occur: the user recognises 「龑䶮示范…」 sooner than a code point.
    contexts: list[str] = []
    for text in ctx.texts:
        if any(c in text for c in missing) and text not in contexts:
            contexts.append(text)
    shown = "、".join(f"「{t[:30]}{'…' if len(t) > 30 else ''}」" for t in contexts[:3])
    more = f"等 {len(contexts)} 处" if len(contexts) > 3 else ""
    return ctx.para(
        f"字形检查：所用字体缺少以下 {len(missing)} 个字符的字形，这些字符在本文件中显示为空白：{chars}，"
        f"见于{shown}{more}。请核对原始数据，或在“设置”中换用覆盖更全的中文字体后重新生成。",
        ParagraphStyle("glyph", parent=ctx.styles.body, textColor=ERROR_INK, firstLineIndent=0),
    )


def _severity_style(ctx: RenderContext, severity: str) -> ParagraphStyle:
    return ParagraphStyle(f"sev-{severity}", parent=ctx.styles.cell_center, textColor=_INK[severity])


class _Sources:
    """Rule sources as numbered notes under the tables: the same long citation (a ministry
    notice with its whole section title) would otherwise repeat in every row."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def ref(self, source: str) -> str:
        return f"[{self.numbers.setdefault(source, len(self.numbers) + 1)}]"

    def notes(self, ctx: RenderContext) -> list[Flowable]:
        if not self.numbers:
            return []
        out: list[Flowable] = [Spacer(1, 2 * mm), ctx.para("依据：", ctx.styles.note)]
        for source, n in self.numbers.items():
            out.append(ctx.para(f"[{n}] {cite_with_label(source)}", ctx.styles.note))
        return out


def _message_cell(ctx: RenderContext, f: Finding, sources: _Sources) -> list[Flowable]:
    cell = [ctx.para(f.message, ctx.styles.cell)]
    if f.source:
        cell.append(ctx.para(f"依据 {sources.ref(f.source)}", ctx.styles.cell_small))
    return cell


def _where(ctx: RenderContext, f: Finding) -> str:
    return f.location or (ctx.location_text(f.path) if f.path else "全表")


def _open_row(ctx: RenderContext, n: int, f: Finding, sources: _Sources) -> list[Any]:
    s = ctx.styles
    return [
        ctx.para(str(n), s.cell_center),
        ctx.para(SEVERITY_LABELS[f.severity], _severity_style(ctx, f.severity)),
        ctx.para(f.code, s.cell_center),
        ctx.para(_where(ctx, f), s.cell),
        _message_cell(ctx, f, sources),
    ]


def _ack_row(ctx: RenderContext, n: int, f: Finding, sources: _Sources) -> list[Any]:
    s = ctx.styles
    return [
        ctx.para(str(n), s.cell_center),
        ctx.para(f.code, s.cell_center),
        ctx.para(_where(ctx, f), s.cell),
        _message_cell(ctx, f, sources),
        ctx.para(f.acknowledged or "", s.cell),
    ]


def _info_row(ctx: RenderContext, n: int, f: Finding, sources: _Sources) -> list[Any]:
    s = ctx.styles
    return [
        ctx.para(str(n), s.cell_center),
        ctx.para(f.code, s.cell_center),
        ctx.para(_where(ctx, f), s.cell),
        _message_cell(ctx, f, sources),
    ]


# Column widths in mm per layout; the last column takes what is left.
_WIDTHS = {5: (10, 12, 22, 36), 4: (10, 22, 40)}


def _table(
    ctx: RenderContext, findings: list[Finding], heads: tuple[str, ...], row: Any, sources: _Sources
) -> Table:
    s = ctx.styles
    data: list[list[Any]] = [[ctx.para(h, s.cell_head, strong=True) for h in heads]]
    data += [row(ctx, n, f, sources) for n, f in enumerate(findings, start=1)]
    if row is _ack_row:
        fixed = [10 * mm, 22 * mm, 34 * mm]
        rest = FRAME_WIDTH - sum(fixed)
        widths = [*fixed, rest * 0.55, rest * 0.45]
    else:
        fixed = [w * mm for w in _WIDTHS[len(heads)]]
        widths = [*fixed, FRAME_WIDTH - sum(fixed)]
    return make_table(s.font, data, grid_style(), colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
