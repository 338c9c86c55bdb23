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
