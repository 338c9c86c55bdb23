"""GUI entry point: ``run_gui`` (called by ``cets-desktop gui``)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

# First of all PySide6 imports: every module imported after it is checked more cheaply (qt_import).
from . import qt_import  # isort: skip  # noqa: F401
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from ..gui_start import resume_collector
from .fonts import application_font
from .stylesheet import app_stylesheet
from .translations import install_qt_chinese

SCREENSHOT_SIZE = (1280, 800)
RESUME_COLLECTOR_MS = 3000
SCREENSHOT_SETTLE_S = 10.0
MODULES_AT_READY_ENV = "CETS_MODULES_AT_READY"
"""With ``CETS_EXIT_WHEN_READY``: also print the modules imported by the first paint and, once
settled, each card's status (tests/speed_start)."""
EXIT_WHEN_READY_ENV = "CETS_EXIT_WHEN_READY"
"""Benchmarks (bench/bench_gui_start.py): print ``READY <perf_counter>`` once the main window is
usable — shown, exposed and painted — and ``SETTLED <perf_counter>`` once every calendar card shows
its evaluated status, then close the window and return instead of entering the event loop."""


def create_application() -> QApplication:
    """The QApplication, configured once: Chinese Qt dialogs, CJK font, Fusion, the style sheet.

    Nothing here makes the Python types of ``Qt`` or ``QStyle`` (ui/lazy_qt.py: their enums
    cost the cold start ≈ 65–80 ms): the style is chosen on Qt's own command line, and the
    high-DPI rounding policy is left at Qt 6's default, which already is PassThrough (125 % /
    150 % Windows scaling stays exact instead of rounding to 1× or 2×; Qt 5 rounded, Qt 6 does
    not: QGuiApplication::highDpiScaleFactorRoundingPolicy)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName("cets-desktop")
    QCoreApplication.setApplicationName("cets-desktop")
    # "-style fusion" is app.setStyle("Fusion") (the same look on Windows 10/11 and in CI
    # screenshots) without handing the style object to Python; it also wins over QT_STYLE_OVERRIDE.
    from .style_icons import STYLE, STYLE_PROPERTY

    app = QApplication([*sys.argv[:1], "-style", STYLE])
    app.setProperty(STYLE_PROPERTY, STYLE)  # ui/style_icons.py keeps this style's icons
    app.setApplicationDisplayName("全国碳市场填报助手")
    install_qt_chinese(app)
    app.setFont(application_font())
    app.setStyleSheet(app_stylesheet())
    return app


def run_gui(workspace_path: Path | None, demo: bool, screenshot: Path | None) -> int:
    """Open the main window on ``workspace_path`` (or a fresh demo workspace with ``demo``).

    The garbage collector paused for the start (``gui_start.pause_collector``) is resumed at the
    calendar's first paint, or once the window is shown, and in any case before this returns."""
    try:
        return _run_gui(workspace_path, demo, screenshot)
    finally:
        resume_collector()  # nothing to do when the first paint resumed it


def _run_gui(workspace_path: Path | None, demo: bool, screenshot: Path | None) -> int:
    """Open the main window on ``workspace_path`` (or a fresh demo workspace with ``demo``).

    With ``screenshot``, render the window at 1280×800 to that PNG once events settle and return
    0 without entering the event loop. ``QT_QPA_PLATFORM`` is left to the caller.

    An existing workspace is first painted from a glance (``workflow.glance``: navigator and the
    year's cards with their last known status, read straight from SQLite, before the store, the
    definitions, pydantic or the rules engine are imported); the window opens the workspace for
    real right after that first paint and evaluates the cards (bench/bench_gui_start.py).
    """
    app = create_application()
    from ..workflow.glance import default_workspace_path, glance

    glanced = None
    if not demo and screenshot is None:
        glanced = glance(workspace_path if workspace_path is not None else default_workspace_path())
    if glanced is not None:
        from .main_window import MainWindow

        window = MainWindow(glance=glanced)
    else:
        desk = _open_desk(workspace_path, demo, screenshot)
        if isinstance(desk, int):
            return desk
        from .main_window import MainWindow

        window = MainWindow(desk)
    if screenshot is not None:
        from PySide6.QtCore import Qt

        # The first-start rule maximizes on a small screen (offscreen's is 800×800): a
        # screenshot is always the documented 1280×800.
        window.start_maximized = False
        window.setWindowState(Qt.WindowState.WindowNoState)
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        window.settle(300)
        # Every card with its evaluated status, not 检查中… (a loaded machine evaluates slower).
        deadline = time.perf_counter() + SCREENSHOT_SETTLE_S
        while not getattr(window, "cards_settled", True) and time.perf_counter() < deadline:
            window.settle(50)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        ok = window.grab().save(str(screenshot))
        window.close()
        return 0 if ok else 1
    window.show_as_started()
    _resume_collector_after_first_paint(window)
    if os.environ.get(EXIT_WHEN_READY_ENV):
        return _report_ready(app, window)
    return app.exec()


def _resume_collector_after_first_paint(window: QMainWindow) -> None:
    """Collection resumes when the calendar is first on screen (the welcome page: now), or after
    a few seconds if the window is never painted (started minimized)."""
    calendar = getattr(window, "calendar", None)
    if calendar is None or not calendar.isVisible():
        resume_collector()
        return
    calendar.framePainted.connect(resume_collector)
    # No receiver: resuming is harmless at any time, and the receiver form would make PySide6
    # build QMetaMethod's Python type before the first paint (≈ 1.5 ms).
    QTimer.singleShot(RESUME_COLLECTOR_MS, resume_collector)


def _open_desk(workspace_path: Path | None, demo: bool, screenshot: Path | None) -> Any:
    """The desk opened before the window (the demo, a new or unreadable workspace): a Desk, None
    (no workspace: the welcome page) or an exit status."""
    from ..workflow.desk import Desk
    from ..workflow.records import WorkspaceError, default_workspace_path
    from .demo_workspace import fresh_demo_workspace

    try:
        if demo:
            from .demo_workspace import ask_reset_demo

            # A screenshot never asks: the user's work in the demo is kept and shown as it is.
            path = fresh_demo_workspace(
                ask_reset=None if screenshot is not None else lambda: ask_reset_demo(None)
            )
            return Desk.open(path) if path is not None else None
        if workspace_path is not None:
            return Desk.open(workspace_path)
        if default_workspace_path().exists():
            return Desk.open(default_workspace_path())
    except WorkspaceError as exc:
        if screenshot is not None:
            print(str(exc), file=sys.stderr)
            return 2
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, "无法打开工作区", str(exc))
    return None


def _report_ready(app: QApplication, window: QMainWindow) -> int:
    """Process events until the window is exposed and its calendar painted; print both moments."""
    stamps: dict[str, float] = {}
    types_at_ready: list[str] = []
    report_modules = bool(os.environ.get(MODULES_AT_READY_ENV))

    def ready() -> None:
        if "READY" not in stamps:
            stamps["READY"], stamps["CPU"] = time.perf_counter(), time.process_time()
            if report_modules:  # at that moment: the window finishes right after (main_window)
                types_at_ready.extend(_types_made())
                types_at_ready.append(_collector_state())

    calendar = getattr(window, "calendar", None)
    if calendar is not None:
        calendar.framePainted.connect(ready)
    deadline = time.perf_counter() + 60

    def exposed() -> bool:
        handle = window.windowHandle()
        return handle is not None and handle.isExposed()

    while not exposed() and time.perf_counter() < deadline:
        app.processEvents()
    calendar_shown = calendar is not None and calendar.isVisible()
    if not calendar_shown:
        app.processEvents()  # the first paint of the exposed window (welcome page)
        ready()
    while "READY" not in stamps and time.perf_counter() < deadline:
        app.processEvents()
    ready()  # the deadline passed without a paint: say so late rather than never
    print(f"READY {stamps['READY']:.6f}", flush=True)
    print(f"CPU_AT_READY {stamps['CPU']:.6f}", flush=True)  # process CPU seconds (bench)
    index = sys.modules.get("cets_desktop.core.forms_index")
    sources = sorted({i.source for i in getattr(index, "_MEMO", {}).values()}) if index else []
    print(f"FORMS_INDEX {'+'.join(sources) or 'none'}", flush=True)  # cache / built / uncached
    if report_modules:
        # tests/speed_start: what had been imported, and which costly Python types made, by the
        # first paint (ui/lazy_qt.py).
        print("MODULES " + " ".join(sorted(sys.modules)), flush=True)
        print(f"TYPES_AT_READY {' '.join(types_at_ready)}", flush=True)
        print(f"CARDS_AT_READY {_card_texts(window)}", flush=True)
    # Then the workspace opened for real and the month cards' deferred evaluation, for the
    # "calendar complete" figure.
    while not getattr(window, "cards_settled", True) and time.perf_counter() < deadline:
        app.processEvents()
    print(f"SETTLED {time.perf_counter():.6f}", flush=True)
    if os.environ.get(MODULES_AT_READY_ENV):
        print(f"CARDS {_card_texts(window)}", flush=True)
    window.close()
    return 0


WATCHED_TYPES = (
    ("PySide6.QtCore", "Qt"),
    ("PySide6.QtWidgets", "QStyle"),
    ("PySide6.QtGui", "QKeySequence"),
    ("PySide6.QtWidgets", "QDialog"),
    ("PySide6.QtCore", "QLibraryInfo"),
    ("PySide6.QtGui", "QFontDatabase"),
    # Made, with ~50 other QEvent subclasses, by the first Python handler taking a plain QEvent
    # (changeEvent, event, eventFilter): paintEvent and resizeEvent get exact types.
    ("PySide6.QtGui", "QInputMethodEvent"),
    ("PySide6.QtCore", "QMetaMethod"),  # made by the first QTimer.singleShot with a receiver
)
"""Python types whose enums the first paint does without (each costs 2–60 ms to make)."""


def _types_made() -> list[str]:
    """``Name=yes|no`` for each of :data:`WATCHED_TYPES`, and how many enum classes exist."""
    import enum
    import gc

    from .lazy_qt import made

    out = [f"{name}={'yes' if made(module, name) else 'no'}" for module, name in WATCHED_TYPES]
    frozen = gc.get_freeze_count() > 0  # the start's objects (gui_start.resume_collector): unseen
    if frozen:
        gc.unfreeze()
    out.append(f"enums={sum(1 for o in gc.get_objects() if isinstance(o, enum.EnumType))}")
    if frozen:
        gc.freeze()
    return out


def _collector_state() -> str:
    """``collector=on|off`` and how many young-generation collections ran so far (tests)."""
    import gc

    return f"collector={'on' if gc.isenabled() else 'off'} collections={gc.get_stats()[0]['collections']}"


def _card_texts(window: QMainWindow) -> str:
    """``period=status`` of every calendar card, for tests."""
    calendar = getattr(window, "calendar", None)
    cards = calendar.cards if calendar is not None else []
    return " ".join(f"{c.summary.period}={c.chip.text()}" for c in cards)
