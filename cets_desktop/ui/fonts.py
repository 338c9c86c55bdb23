"""Choosing a UI font that has Chinese glyphs.

Windows ships Microsoft YaHei UI; elsewhere (CI, Linux desktops) we look through the installed
families for a known CJK one, then for any family whose writing systems include Simplified
Chinese. Without one, every label renders as boxes (tofu).
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontInfo, QFontMetrics

WINDOWS_FAMILIES = ("Microsoft YaHei UI", "微软雅黑", "Microsoft YaHei")
MAC_FAMILIES = ("PingFang SC",)
OPEN_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "文泉驿微米黑",
    "WenQuanYi Zen Hei",
)
FALLBACK_FAMILIES = ("SimSun",)


def preferred_families(platform: str = sys.platform) -> tuple[str, ...]:
    """The CJK families to try, the platform's own UI font first: every family asked for that is
    not installed costs the start a fontconfig substitution (≈ 1 M instructions each on Linux,
    where YaHei first meant six misses before WenQuanYi; bench/bench_gui_start.py)."""
    if platform == "win32":
        return WINDOWS_FAMILIES + MAC_FAMILIES + OPEN_FAMILIES + FALLBACK_FAMILIES
    if platform == "darwin":
        return MAC_FAMILIES + WINDOWS_FAMILIES + OPEN_FAMILIES + FALLBACK_FAMILIES
    return OPEN_FAMILIES + WINDOWS_FAMILIES + MAC_FAMILIES + FALLBACK_FAMILIES


PREFERRED_FAMILIES = preferred_families()
"""This platform's order (:func:`preferred_families`)."""

SAMPLE_TEXT = "碳排放"


def has_glyphs(family: str, text: str = SAMPLE_TEXT) -> bool:
    metrics = QFontMetrics(QFont(family))
    return all(metrics.inFontUcs4(ord(ch)) for ch in text)


def installed(family: str) -> bool:
    """``family`` is installed: the font Qt matches for it is that family, not a substitute."""
    return QFontInfo(QFont(family)).family().casefold() == family.casefold()


def cjk_family() -> str | None:
    """The best installed family that can draw Chinese, or None."""
    # Asking for each preferred family rather than listing all of them: the font database's
    # Python type (QFontDatabase, its enums made on first use) is then only made on a machine
    # with none of them — ≈ 1.3 ms of every cold start otherwise (bench/bench_gui_start.py).
    for family in PREFERRED_FAMILIES:
        if installed(family) and has_glyphs(family):
            return family
    from PySide6.QtGui import QFontDatabase

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
