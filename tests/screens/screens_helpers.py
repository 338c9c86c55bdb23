"""Measuring what a user sees: is a widget wholly on the screen, not clipped by a scroll area or
the window edge; how many table columns and rows are readable; screenshots by size and page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QAbstractItemView, QWidget

ROOT = Path(__file__).resolve().parents[2]
SCREEN = os.environ.get("CETS_SCREEN", "")
SHOTS = ROOT / "build" / "screens" / (SCREEN or "default")


def available() -> QRect:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    return screen.availableGeometry()


def show_like_the_app(window: Any) -> None:
    """As run_gui: the window at its first-start size, then shown."""
    window.show()
    window.settle(60)


def window_fits_screen(window: QWidget, where: str) -> None:
    """The window frame and its minimum size are within the screen's available area."""
    screen = available()
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert hint.width() <= screen.width() and hint.height() <= screen.height(), (
        f"{where}：窗口最小尺寸 {hint.width()}×{hint.height()} 大于屏幕 {screen.width()}×{screen.height()}"
    )
    assert window.width() <= screen.width() and window.height() <= screen.height(), (
        f"{where}：窗口 {window.width()}×{window.height()} 大于屏幕 {screen.width()}×{screen.height()}"
    )
    geometry = window.frameGeometry()
    assert screen.contains(QRect(geometry.topLeft(), window.size())), (
        f"{where}：窗口 {geometry} 不在屏幕 {screen} 内"
    )


def _clip(widget: QWidget) -> tuple[QRect, QPoint]:
    """The part of ``widget`` its ancestors do not clip (each parent's rectangle, a scroll
    area's viewport, the window), in window coordinates; and the widget's own origin there."""
    rect = QRect(QPoint(0, 0), widget.size())
    origin = QPoint(0, 0)
    current = widget
    while not current.isWindow() and current.parentWidget() is not None:
        origin += current.pos()
        rect.translate(current.pos())
        current = current.parentWidget()
        rect = rect.intersected(QRect(QPoint(0, 0), current.size()))
    return rect, origin


def wholly_visible(widget: QWidget, window: QWidget, what: str) -> QRect:
    """``widget`` is shown, lies inside the window, and no scroll area or parent clips it."""
    assert widget.isVisible(), f"{what} 未显示"
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    assert window.rect().contains(rect), f"{what} {rect.getRect()} 超出窗口 {window.rect().getRect()}"
    seen, _origin = _clip(widget)
    assert seen.size() == widget.size(), (
        f"{what} 只露出 {seen.width()}×{seen.height()}，共 {widget.width()}×{widget.height()}"
    )
    return rect


def visible_part(widget: QWidget) -> QRect:
    """The part of ``widget`` not clipped by its parents (scroll areas, the window edge), in
    the widget's own coordinates."""
    if not widget.isVisible():
        return QRect()
    seen, origin = _clip(widget)
    return seen.translated(-origin)


def readable_columns(view: QAbstractItemView) -> int:
    """Columns of a table wholly visible on screen (not hidden, not cut at either edge)."""
    part = visible_part(view.viewport())
    if part.isEmpty():
        return 0
    header = view.horizontalHeader()  # type: ignore[attr-defined]
    count = 0
    for c in range(view.model().columnCount()):
        if header.isSectionHidden(c):
            continue
        left = header.sectionViewportPosition(c)
        if left >= part.left() and left + header.sectionSize(c) <= part.right() + 1:
            count += 1
    return count


def readable_rows(view: QAbstractItemView, row_height: int | None = None) -> int:
    """How many rows the visible part of the table's viewport holds."""
    part = visible_part(view.viewport())
    height = row_height or max(1, view.sizeHintForRow(0) if view.model().rowCount() else 28)
    return part.height() // height


def screenshot(widget: QWidget, page: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{page}.png"
    assert widget.grab().save(str(path)), f"截图保存失败：{path}"
    image = QImage(str(path))
    colours = {
        QColor(image.pixel(x, y)).rgb()
        for x in range(0, image.width(), 37)
        for y in range(0, image.height(), 29)
    }
    assert len(colours) > 8, f"{path} 看起来是空白的"
    return path


TITLE_BAR = 32
"""Room a real window manager's title bar takes above a dialog (Windows 10 at 100 %)."""


def dialog_fits_screen(dialog: QWidget, where: str) -> None:
    """A dialog, with a title bar above it, fits the screen's available area."""
    screen = available()
    hint = dialog.minimumSizeHint().expandedTo(dialog.minimumSize())
    assert hint.height() + TITLE_BAR <= screen.height() and hint.width() <= screen.width(), (
        f"{where}：最小尺寸 {hint.width()}×{hint.height()} 放不进屏幕 {screen.width()}×{screen.height()}"
    )
    assert dialog.width() <= screen.width() and dialog.height() + TITLE_BAR <= screen.height(), (
        f"{where}：对话框 {dialog.width()}×{dialog.height()} 放不进屏幕 {screen.width()}×{screen.height()}"
    )


def valid_uscc() -> str:
    from cets_desktop.core.uscc import complete

    return complete("91320600MA1P4Q2X3")
