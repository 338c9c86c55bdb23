"""「说明」: how a calculated number was obtained — formula, inputs, reference factors with
their source, year and certainty, and the evidence files behind the inputs."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ..core.calc import Explanation
from ..core.numbers import format_decimal
from ..core.spec import CERTAINTY_LABELS
from . import instance_paths
from .form_state import display_value, location_label
from .session import FilingSession


def _value(value: Any, places: int | None = None) -> str:
    if value is None or value == "":
        return "<span style='color:#9aa5b1'>（空）</span>"
    if isinstance(value, Decimal):
        return html.escape(format_decimal(value, places))
    if isinstance(value, list):
        return html.escape("、".join(_plain(v) for v in value)) or "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return html.escape(str(value))


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return format_decimal(value)
    return "" if value is None else str(value)


def explanation_html(session: FilingSession, path: str, expl: Explanation) -> str:
    spec = session.spec
    f = session.field(path)
    places = f.decimals if f else None
    unit = html.escape(expl.unit or "")
    rows = []
    for item in expl.inputs:
        in_field = spec.find_field(instance_paths.schema_path(item.path)) if item.path else None
        shown = (
            display_value(spec, in_field, item.value)
            if in_field is not None and not isinstance(item.value, list)
            else None
        )
        rows.append(
            f"<tr><td>{html.escape(item.label)}</td><td><code>{html.escape(item.name)}</code></td>"
            f"<td align='right'>{html.escape(shown) if shown else _value(item.value)}</td>"
            f"<td>{html.escape(item.unit or '')}</td></tr>"
        )
    refs = []
    for ref in expl.references:
        certainty = CERTAINTY_LABELS.get(ref.certainty, ref.certainty)
        key = f"（{html.escape(ref.key)}）" if ref.key else ""
        refs.append(
            f"<tr><td>{html.escape(ref.label)}{key}</td><td align='right'>{_value(ref.value)}</td>"
            f"<td>{html.escape(ref.unit or '')}</td><td>{html.escape(ref.years)}</td>"
            f"<td>{html.escape(ref.source)}</td><td>[{html.escape(ref.certainty)}] {html.escape(certainty)}</td></tr>"
        )
    evidence = [
        f"<li>{html.escape(e.get('name', ''))}（{html.escape(location_label(spec, session.values, e.get('path', '')))}，"
        f"SHA-256 {html.escape(str(e.get('sha256', ''))[:12])}…）</li>"
        for e in expl.evidence
    ]
    place = location_label(spec, session.values, path)
    parts = [
        "<style>td,th{padding:3px 8px;border-bottom:1px solid #e4e8ee} th{background:#eef1f5;text-align:left}"
        " h3{color:#2f6fb0;margin:12px 0 4px 0}</style>",
        f"<h2 style='margin:0'>{html.escape(expl.label)}</h2>",
        f"<p style='color:#616e7c'>{html.escape(place)}</p>",
        f"<p style='font-size:14pt'><b>{_value(expl.value, places)}</b> {unit}</p>",
        "<h3>公式</h3>",
        f"<p>{html.escape(expl.formula)}</p>",
        f"<p style='color:#616e7c'>计算式：<code>{html.escape(expl.expression)}</code></p>",
        "<h3>输入值</h3>",
        (
            "<table cellspacing='0' width='100%'><tr><th>项目</th><th>名称</th><th>数值</th><th>单位</th></tr>"
            + "".join(rows)
            + "</table>"
        )
        if rows
        else "<p>（无）</p>",
        "<h3>参考值（缺省值、排放因子）</h3>",
        (
            "<table cellspacing='0' width='100%'><tr><th>参考值</th><th>数值</th><th>单位</th><th>适用年份</th>"
            "<th>来源</th><th>把握程度</th></tr>" + "".join(refs) + "</table>"
        )
        if refs
        else "<p>本项计算未使用参考值。</p>",
        "<h3>支撑材料</h3>",
        f"<ul>{''.join(evidence)}</ul>" if evidence else "<p>输入值尚未附支撑材料。</p>",
    ]
    if expl.source:
        parts += ["<h3>计算方法来源</h3>", f"<p>{html.escape(expl.source)}</p>"]
    return "".join(parts)


class ExplainDialog(QDialog):
    def __init__(self, session: FilingSession, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("计算说明")
        self.resize(820, 640)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        expl = session.explanation(path)
        if expl is None:
            self.browser.setHtml("<p>本项暂无计算结果：所需的输入值尚未填写，或本项在当前条件下不适用。</p>")
        else:
            self.browser.setHtml(explanation_html(session, path, expl))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
