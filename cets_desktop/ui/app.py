"""GUI entry point: ``run_gui`` (called by ``cets-desktop gui``)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from .fonts import application_font
from .stylesheet import app_stylesheet
from .translations import install_qt_chinese

SCREENSHOT_SIZE = (1280, 800)
EXIT_WHEN_READY_ENV = "CETS_EXIT_WHEN_READY"
"""Benchmarks (bench/bench_gui_start.py): print ``READY <perf_counter>`` once the main window is
usable — shown, exposed and painted — and ``SETTLED <perf_counter>`` once every calendar card shows
its evaluated status, then close the window and return instead of entering the event loop."""


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
    from ..workflow.desk import Desk
    from ..workflow.records import WorkspaceError, default_workspace_path
    from .demo_workspace import fresh_demo_workspace
    from .main_window import MainWindow

    desk = None
    try:
        if demo:
            from .demo_workspace import ask_reset_demo

            # A screenshot never asks: the user's work in the demo is kept and shown as it is.
            path = fresh_demo_workspace(
                ask_reset=None if screenshot is not None else lambda: ask_reset_demo(None)
            )
            desk = Desk.open(path) if path is not None else None
        elif workspace_path is not None:
            desk = Desk.open(workspace_path)
        elif default_workspace_path().exists():
            desk = Desk.open(default_workspace_path())
    except WorkspaceError as exc:
        if screenshot is not None:
            print(str(exc), file=sys.stderr)
            return 2
        QMessageBox.warning(None, "无法打开工作区", str(exc))
    window = MainWindow(desk)
    if screenshot is not None:
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        window.settle(300)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        ok = window.grab().save(str(screenshot))
        window.close()
        return 0 if ok else 1
    window.show()
    if os.environ.get(EXIT_WHEN_READY_ENV):
        return _report_ready(app, window)
    return app.exec()


def _report_ready(app: QApplication, window: QMainWindow) -> int:
    """Process events until the window is exposed and its calendar painted; print both moments."""
    stamps: dict[str, float] = {}
    calendar = getattr(window, "calendar", None)
    if calendar is not None:
        calendar.framePainted.connect(lambda: stamps.setdefault("READY", time.perf_counter()))
    deadline = time.perf_counter() + 30

    def exposed() -> bool:
        handle = window.windowHandle()
        return handle is not None and handle.isExposed()

    while not exposed() and time.perf_counter() < deadline:
        app.processEvents()
    calendar_shown = calendar is not None and calendar.isVisible()
    if not calendar_shown:
        app.processEvents()  # the first paint of the exposed window (welcome page)
        stamps["READY"] = time.perf_counter()
    while "READY" not in stamps and time.perf_counter() < deadline:
        app.processEvents()
    print(f"READY {stamps.get('READY', time.perf_counter()):.6f}", flush=True)
    # Then the month cards' deferred evaluation, for the "calendar complete" figure.
    while calendar_shown and calendar is not None and not calendar.settled and time.perf_counter() < deadline:
        app.processEvents()
    print(f"SETTLED {time.perf_counter():.6f}", flush=True)
    window.close()
    return 0
