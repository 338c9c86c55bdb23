"""Qt part of ``cets-desktop --self-test``: can this machine show the Chinese UI?"""

from __future__ import annotations

import os
import sys
from typing import Any

from PySide6.QtCore import QLibraryInfo, QPoint, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication

from .fonts import SAMPLE_TEXT, cjk_family, has_glyphs
from .translations import install_qt_chinese, qt_chinese_installed

MISSING_GLYPH_TEXT = "\U0010fffd" * 3  # a private-use code point no font draws: always boxes


def _render(text: str, font: QFont) -> QImage:
    image = QImage(120, 40, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(QPoint(4, 28), text)
    painter.end()
    return image


def _ink(image: QImage) -> int:
    white = QColor("white").rgb()
    return sum(1 for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) != white)


def _ensure_app() -> QGuiApplication:
    app = QGuiApplication.instance()
    if app is None:
        if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        ):
            # Without a display Qt would abort; a self-test should report, not crash.
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(sys.argv[:1])
    return app  # type: ignore[return-value]


def qt_checks() -> dict[str, Any]:
    """Platform plugin, CJK font found and really drawn (not tofu), Qt's Chinese catalogue loaded."""
    app = _ensure_app()
    translations_loaded = qt_chinese_installed() or install_qt_chinese(app)
    family = cjk_family()
    font = QFont(family) if family else QFont()
    font.setPixelSize(24)
    text_image = _render(SAMPLE_TEXT, font)
    tofu_image = _render(MISSING_GLYPH_TEXT, font)
    coverage = bool(family) and has_glyphs(family or "")
    rendered = _ink(text_image) > 30 and text_image != tofu_image
    return {
        "ok": bool(coverage and rendered and translations_loaded),
        "qt_version": QLibraryInfo.version().toString(),
        "platform": QGuiApplication.platformName(),
        "cjk_font": family or "",
        "cjk_glyphs_in_font": coverage,
        "cjk_renders": bool(coverage and rendered),
        "qtbase_zh_CN_loaded": translations_loaded,
        "translations_path": QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        "high_dpi_rounding": str(QGuiApplication.highDpiScaleFactorRoundingPolicy().name),
        "layout_direction_ltr": app.layoutDirection() == Qt.LayoutDirection.LeftToRight,
    }
