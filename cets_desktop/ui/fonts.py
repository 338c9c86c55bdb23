"""Choosing a UI font that has Chinese glyphs.

Windows ships Microsoft YaHei UI; elsewhere (CI, Linux desktops) we look through the installed
families for a known CJK one, then for any family whose writing systems include Simplified
Chinese. Without one, every label renders as boxes (tofu).
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

PREFERRED_FAMILIES = (
    "Microsoft YaHei UI",
    "微软雅黑",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "文泉驿微米黑",
    "WenQuanYi Zen Hei",
    "SimSun",
)
SAMPLE_TEXT = "碳排放"


def has_glyphs(family: str, text: str = SAMPLE_TEXT) -> bool:
    metrics = QFontMetrics(QFont(family))
    return all(metrics.inFontUcs4(ord(ch)) for ch in text)


def cjk_family() -> str | None:
    """The best installed family that can draw Chinese, or None."""
    installed = set(QFontDatabase.families())
    for family in PREFERRED_FAMILIES:
        if family in installed and has_glyphs(family):
            return family
    for family in sorted(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)):
        if has_glyphs(family):
            return family
    return None


def application_font() -> QFont:
    """The app font: CJK family at the platform's usual UI size (9 pt on Windows)."""
    font = QFont()
    family = cjk_family()
    if family:
        font.setFamily(family)
    font.setPointSizeF(9.0 if sys.platform == "win32" else 9.5)
    # Hinting off keeps CJK strokes even at fractional scale factors (125 %, 150 %).
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font
