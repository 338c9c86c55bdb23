"""签章栏: the declaration, hand-signature lines for 填报人 / 审核人 / 企业负责人 with dates, a box for
the enterprise seal, and — when the report belongs to a signed package — the key fingerprint and
package hash so the paper copy can be matched to the electronic one."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from .pdf_context import RenderContext
from .pdf_evidence import FixedPitchText
from .pdf_styles import FRAME_WIDTH, INK, MUTED, grid_style, make_table

SIGNERS = ("填报人", "审核人", "企业负责人")
_SIGNATURE_LABELS = {
    "fingerprint": "公钥指纹",
    "public_key_fingerprint": "公钥指纹",
    "key_fingerprint": "公钥指纹",
    "package_sha256": "提交包 SHA-256",
    "package_hash": "提交包 SHA-256",
    "manifest_sha256": "清单 SHA-256",
    "algorithm": "签名算法",
    "signed_at": "签名时间",
    "package": "提交包文件",
}
_HEXISH = set("0123456789abcdefABCDEF:")
_LINES_WIDTH = 107 * mm
_RIGHT_PADDING = 6  # reportlab's default cell padding (points)


def _label_width(font: str, size: float, labels: list[str], left_padding: float) -> float:
    widest = max(stringWidth(text, font, size) for text in labels)
    return widest + left_padding + _RIGHT_PADDING + 1 * mm


class SealBox(Flowable):
    """A dashed square where the enterprise stamps its seal (公章 are 42 mm round)."""

    def __init__(self, font: str, label: str, size: float = 46 * mm) -> None:
        super().__init__()
        self.font = font
        self.label = label
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = min(self.size, avail_width)
        return self.width, self.size

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(MUTED)
        canv.setDash(3, 2)
        canv.setLineWidth(0.7)
        canv.rect(0, 0, self.width, self.size)
        canv.setFillColor(MUTED)
        canv.setFont(self.font, 10.5)
        canv.drawCentredString(self.width / 2, self.size / 2 - 4, self.label)
        canv.restoreState()


def signoff_story(ctx: RenderContext, signature: dict[str, Any] | None) -> list[Flowable]:
    s = ctx.styles
    out: list[Flowable] = ctx.chapter("签章")
    declaration = ctx.para(
        f"本单位承诺：本文件所列{ctx.period_label}数据及支撑材料真实、准确、完整，与原始记录和台账一致，"
        "并对其真实性负责。",
        s.body,
    )
    lines: list[list[Any]] = []
    for role in SIGNERS:
        lines.append([ctx.para(f"{role}（签字）：", s.cell), "", ctx.para("日期：", s.cell), ""])
    # Label columns as wide as their longest label plus the cell padding, so 日期： and
    # 企业负责人（签字）： each stay on one line; the signature line takes the rest.
    role_col = _label_width(s.font, s.cell.fontSize, [f"{r}（签字）：" for r in SIGNERS], 0)
    date_col = _label_width(s.font, s.cell.fontSize, ["日期："], 3 * mm)
    date_line = 24 * mm
    line_table = make_table(
        s.font,
        lines,
        [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (1, 0), (1, -1), 0.6, INK),
            ("LINEBELOW", (3, 0), (3, -1), 0.6, INK),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("LEFTPADDING", (2, 0), (2, -1), 3 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ],
        colWidths=[role_col, _LINES_WIDTH - role_col - date_col - date_line, date_col, date_line],
        rowHeights=[15 * mm] * len(SIGNERS),
    )
    seal = SealBox(s.font, ctx.record("企业盖章"))
    left_width = _LINES_WIDTH + 1 * mm
    block = make_table(
        s.font,
        [[line_table, seal]],
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 0), (1, 0), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ],
        colWidths=[left_width, FRAME_WIDTH - left_width],
    )
    out.append(KeepTogether([declaration, Spacer(1, 3 * mm), block]))
    if signature:
        out.append(Spacer(1, 6 * mm))
        out.extend(ctx.heading("电子签名信息", 3))
        out.append(
            ctx.para("本报告随提交包一并签名；以下信息可用 cets-desktop verify 命令与提交包核对。", s.note)
        )
        out.append(_signature_table(ctx, signature))
    return out


def _signature_table(ctx: RenderContext, signature: dict[str, Any]) -> Table:
    s = ctx.styles
    rows: list[list[Any]] = []
    for key, value in signature.items():
        if value in (None, ""):
            continue
        text = str(value)
        label = _SIGNATURE_LABELS.get(key, key)
        if len(text) >= 32 and set(text) <= _HEXISH:
            cell: Any = FixedPitchText(ctx.record(text.lower()), s.font, 8.0)
        else:
            cell = ctx.para(text, s.cell)
        rows.append([ctx.para(label, s.cell), cell])
    return make_table(
        s.font,
        rows or [[ctx.para("—", s.cell), ""]],
        grid_style(header_rows=0),
        colWidths=[32 * mm, FRAME_WIDTH - 32 * mm],
        hAlign="LEFT",
    )
