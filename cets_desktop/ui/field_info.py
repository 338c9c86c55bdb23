"""What a field says about itself in tooltips and hints: official wording, 序号, unit, source."""

from __future__ import annotations

import html

from ..core.display import expression_text, formula_text
from ..core.findings import SEVERITY_LABELS, Finding
from ..core.spec import FieldSpec, FormSpec


def input_format(f: FieldSpec) -> str:
    """The short format line shown as placeholder: 数字 · 单位 t · 保留 2 位小数."""
    parts: list[str] = []
    if f.type == "decimal":
        parts.append("数字")
    elif f.type == "integer":
        parts.append("整数")
    elif f.type == "date":
        parts.append("日期，如 2026-10-31")
    if f.unit:
        parts.append(f"单位 {f.unit}")
    if f.decimals is not None and f.type == "decimal":
        parts.append(f"保留 {f.decimals} 位小数")
    return " · ".join(parts)


def source_line(spec: FormSpec, f: FieldSpec) -> str:
    src = spec.resolve_source(f.source)
    if src is None:
        return ""
    return src.cite()


def field_tooltip(spec: FormSpec, f: FieldSpec, findings: list[Finding] | None = None) -> str:
    """Rich-text tooltip: label with 序号, official wording, unit/decimals, source and certainty."""
    title = html.escape(f.label)
    if f.row:
        title = f"{html.escape(f.row)}　{title}"
    lines = [f"<b>{title}</b>"]
    if f.calculation:
        lines.append(f"计算值：{html.escape(formula_text(spec, f))}")
    if f.hint:
        lines.append(f"官方表述：{html.escape(f.hint)}")
    fmt = input_format(f)
    if fmt:
        lines.append(html.escape(fmt))
    if f.required is True:
        lines.append("必填")
    elif isinstance(f.required, str):
        lines.append(f"条件必填：{html.escape(expression_text(spec, f.required, f))}时")
    if f.evidence is not None and f.evidence.required:
        kinds = "、".join(f.evidence.kinds) or "支撑材料"
        lines.append(f"需附支撑材料：{html.escape(kinds)}")
    source = source_line(spec, f)
    if source:
        lines.append(f"<span style='color:#616e7c'>来源：{html.escape(source)}</span>")
    for finding in findings or []:
        label = SEVERITY_LABELS.get(finding.severity, finding.severity)
        state = "（已确认）" if finding.acknowledged else ""
        lines.append(
            f"<span style='color:{_colour(finding.severity)}'>{label}{state} {html.escape(finding.code)}："
            f"{html.escape(finding.message)}</span>"
        )
    return "<p style='white-space:pre-wrap; max-width:420px'>" + "<br/>".join(lines) + "</p>"


def _colour(severity: str) -> str:
    return {"error": "#c62828", "warning": "#b26a00"}.get(severity, "#2f6fb0")
