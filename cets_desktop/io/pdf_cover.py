"""The cover page: what the document is, whose it is, which template and how sure we are of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from .. import APP_NAME, __version__
from ..core.findings import summarize
from .pdf_context import RenderContext, certainty_text, template_and_version
from .pdf_styles import ERROR_INK, FRAME_WIDTH, RULE, make_table

FILING_TYPE_LABELS = {
    "monthly": "月度信息化存证",
    "plan": "数据质量控制计划",
    "supplementary": "补充数据核算报告",
}


def cover_story(ctx: RenderContext, *, draft: bool, generated_at: dt.datetime) -> list[Flowable]:
    s = ctx.styles
    spec = ctx.spec
    doc = ctx.evaluation.document
    ent = doc.enterprise
    kind = FILING_TYPE_LABELS.get(spec.filing_type, spec.filing_type)
    out: list[Flowable] = [
        Spacer(1, 22 * mm),
        ctx.para(f"{spec.sector_label}行业 · {kind}", s.subtitle),
        Spacer(1, 10 * mm),
        ctx.bookmarked(ctx.para(ctx.title, s.title, strong=True), "封面", 0),
        ctx.para(ctx.period_label, s.subtitle),
        Spacer(1, 6 * mm),
    ]
    if draft:
        out.append(
            ctx.para(
                "草稿（仅供内部核对，不作为正式存证材料）",
                s.subtitle.clone("draft", textColor=ERROR_INK, fontSize=12, leading=18),
            )
        )
    out.append(Spacer(1, 16 * mm))

    counts = summarize(ctx.evaluation.findings)
    checks = (
        f"错误 {counts['error']} 项，警告 {counts['warning'] + counts['warning_acknowledged']} 项"
        f"（其中已说明理由 {counts['warning_acknowledged']} 项），提示 {counts['info']} 项"
    )
    rows: list[tuple[str, str]] = [
        ("企业名称", ctx.enterprise_name),
        ("统一社会信用代码", ent.uscc or "（未填写）"),
    ]
    optional: list[tuple[str, Any]] = [
        ("行业代码", ent.industry_code),
        ("地址", ent.address or "".join(x for x in (ent.province, ent.city) if x)),
        ("法定代表人", ent.legal_representative),
        ("联系人", ent.contact_person),
        ("联系电话", ent.contact_phone),
    ]
    rows += [(k, str(v)) for k, v in optional if v]
    rows += [
        ("填报期间", ctx.period_label),
        ("表单", spec.title),
        ("模板与版本", template_and_version(spec)),
        ("模板把握程度", certainty_text(spec.certainty)),
        ("校验结果", checks),
        ("生成时间", generated_at.strftime("%Y-%m-%d %H:%M")),
        ("生成软件", f"{APP_NAME} {__version__}"),
    ]
    data = [[ctx.para(k, s.cover_label), ctx.para(v, s.cover_value)] for k, v in rows]
    table = make_table(
        s.font,
        data,
        [
            ("LINEBELOW", (1, 0), (1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ],
        colWidths=[36 * mm, FRAME_WIDTH - 56 * mm],
        hAlign="CENTER",
    )
    out.append(table)
    out.append(Spacer(1, 14 * mm))
    out.append(
        ctx.para(
            f"本文件由 {APP_NAME} 离线生成。所列数值按本软件内置的「{spec.title}」（{template_and_version(spec)}）计算和校验；"
            "“模板把握程度”说明该表单与官方模板核对的程度，标为“据回忆”“推测”的项目请以主管部门发布的原文为准。",
            s.note,
        )
    )
    out.append(PageBreak())
    return out
