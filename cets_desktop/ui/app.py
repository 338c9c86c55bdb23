"""GUI entry point: ``run_gui`` (called by ``cets-desktop gui``)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from .fonts import application_font
from .stylesheet import app_stylesheet
from .translations import install_qt_chinese

SCREENSHOT_SIZE = (1280, 800)


def create_application() -> QApplication:
    """The QApplication, configured once: DPI policy, Chinese Qt dialogs, CJK font, style."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # PassThrough keeps 125 % / 150 % Windows scaling exact instead of rounding to 1× or 2×.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    QCoreApplication.setOrganizationName("cets-desktop")
    QCoreApplication.setApplicationName("cets-desktop")
    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("全国碳市场填报助手")
    install_qt_chinese(app)
    app.setFont(application_font())
    app.setStyle("Fusion")  # the same look on Windows 10/11 and in CI screenshots
    app.setStyleSheet(app_stylesheet())
    app.setWindowIcon(QIcon())
    return app


def run_gui(workspace_path: Path | None, demo: bool, screenshot: Path | None) -> int:
    """Open the main window on ``workspace_path`` (or a fresh demo workspace with ``demo``).

    With ``screenshot``, render the window at 1280×800 to that PNG once events settle and return
    0 without entering the event loop. ``QT_QPA_PLATFORM`` is left to the caller.
    """
    app = create_application()
    from ..store import Workspace, WorkspaceError, default_workspace_path
    from .demo_workspace import fresh_demo_workspace
    from .main_window import MainWindow

    workspace = None
    try:
        if demo:
            workspace = Workspace.open(fresh_demo_workspace())
        elif workspace_path is not None:
            workspace = Workspace.open(workspace_path)
        elif default_workspace_path().exists():
            workspace = Workspace.open(default_workspace_path())
    except WorkspaceError as exc:
        if screenshot is not None:
            print(str(exc), file=sys.stderr)
            return 2
        QMessageBox.warning(None, "无法打开工作区", str(exc))
    window = MainWindow(workspace)
    if screenshot is not None:
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        window.settle(300)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        ok = window.grab().save(str(screenshot))
        window.close()
        return 0 if ok else 1
    window.show()
    return app.exec()
