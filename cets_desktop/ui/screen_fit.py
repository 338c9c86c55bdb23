"""Windows and dialogs no larger than the screen they open on.

A dialog asks for the size it would like; on 1366×768, or 1920×1080 at 150 % (1280×720 logical
pixels), it gets at most the screen's available area less room for the title bar, and a long
body scrolls instead of pushing its buttons off the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

TITLE_BAR = 40
"""Height kept free above a dialog for the window manager's title bar (Windows 10/11: 31–45 px)."""


def available_area(widget: QWidget | None = None) -> QRect:
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 720)


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """``widget.resize(width, height)``, shrunk to what the screen holds."""
    area = available_area(widget.parentWidget() or widget)
    widget.resize(min(width, area.width() - 16), min(height, area.height() - TITLE_BAR))


def scrolling(body: QWidget) -> QScrollArea:
    """``body`` in a frameless vertical scroll area (its width still follows the dialog)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(body)
    return area
