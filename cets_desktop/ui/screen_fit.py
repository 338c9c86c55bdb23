"""Windows and dialogs no larger than the screen they open on.

A dialog asks for the size it would like; on 1366×768, or 1920×1080 at 150 % (1280×720 logical
pixels), it gets at most the screen's available area less room for the title bar, and a long
body scrolls instead of pushing its buttons off the screen.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
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


class ShrinkingScrollArea(QScrollArea):
    """Scrolls only when ``body`` cannot shrink to the visible height (its minimum size).

    ``setWidgetResizable(True)`` would give a body with wrapping labels its *preferred* height
    for the width, so a side panel of lists would scroll although its lists could simply be
    shorter; here the body fills the viewport and keeps at least its minimum height.
    """

    def __init__(self, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(body)
        body.installEventFilter(self)
        self.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest) and watched in (
            self.viewport(),
            self.widget(),
        ):
            if event.type() != QEvent.Type.Resize or watched is self.viewport():
                self._fit()
        return super().eventFilter(watched, event)

    def _fit(self) -> None:
        body = self.widget()
        if body is None:
            return
        width = self.viewport().width()
        minimum = max(body.minimumSizeHint().height(), body.minimumHeight())
        layout = body.layout()
        if layout is not None and layout.hasHeightForWidth():
            # Wrapped labels keep the lines they need at this width; only lists and tables shrink.
            minimum = max(minimum, layout.minimumHeightForWidth(width))
        body.resize(width, max(self.viewport().height(), minimum))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        body = self.widget()
        width = body.minimumSizeHint().width() if body is not None else 0
        return QSize(width + self.verticalScrollBar().sizeHint().width(), 60)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        body = self.widget()
        return body.sizeHint() if body is not None else super().sizeHint()


def scrolling(body: QWidget) -> QScrollArea:
    """``body`` in a frameless vertical scroll area that scrolls only below its minimum height."""
    return ShrinkingScrollArea(body)


def breakable_path(path: object) -> str:
    """A file path that a word-wrapped label may break after each separator (a zero-width space
    after ``/``, ``\\`` and ``_``): a long Windows path never widens a dialog past the screen."""
    text = str(path)
    for separator in ("/", "\\", "_"):
        text = text.replace(separator, separator + "\u200b")
    return text
