"""The application set up as ``run_gui`` sets it up, for the GUI test folders' conftests."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def configure_like_run_gui(qapp: Any, settings_folder: Path) -> Any:
    """CJK font, Fusion, the app's style sheet, Chinese Qt strings, and QSettings kept in
    ``settings_folder`` so no earlier run's window or dock layout is restored."""
    from PySide6.QtCore import QSettings

    from cets_desktop.ui.fonts import application_font
    from cets_desktop.ui.stylesheet import app_stylesheet
    from cets_desktop.ui.translations import install_qt_chinese

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_folder))
    install_qt_chinese(qapp)
    qapp.setStyle("Fusion")
    qapp.setFont(application_font())
    qapp.setStyleSheet(app_stylesheet())
    return qapp


def open_main_window(
    qtbot: Any,
    path: Path | None,
    *,
    size: tuple[int, int] | None = (1280, 800),
    save_reason: str = "测试保存",
    restore_drafts: bool = True,
    activate: bool = True,
    show: Any = None,
) -> Any:
    """The main window on the workspace at ``path`` (None: the welcome page), shown and exposed,
    with its questions answered as a test wants them: drafts restored (unless
    ``restore_drafts=False``: the window's own question stays), saves with ``save_reason``,
    leaving keeps the work. ``show(window)`` replaces resize-and-show (e.g. as the app shows it)."""
    from cets_desktop.ui.main_window import MainWindow
    from cets_desktop.workflow.desk import Desk

    win = MainWindow(Desk.open(path) if path is not None else None)
    if restore_drafts:
        win.ask_restore = lambda draft, current: True
    win.ask_save_reason = lambda: save_reason
    win.ask_leave = lambda: "keep"
    qtbot.addWidget(win)
    if show is not None:
        show(win)
    else:
        if size is not None:
            win.resize(*size)
        win.show()
    qtbot.waitExposed(win)
    if activate:
        win.activateWindow()
    return win
