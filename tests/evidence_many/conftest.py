"""Evidence once, for many items: offscreen Qt with the app's font and style, isolated QSettings,
and a private copy of the demo workspace (two coal units; October a draft with no evidence)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402 - Qt platform must be chosen before anything imports Qt
import sys  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))  # many_helpers


@pytest.fixture(scope="session", autouse=True)
def app_setup(qapp, tmp_path_factory):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from cets_desktop.ui.fonts import application_font
    from cets_desktop.ui.stylesheet import app_stylesheet
    from cets_desktop.ui.translations import install_qt_chinese

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("qsettings"))
    )
    install_qt_chinese(qapp)
    qapp.setStyle("Fusion")
    qapp.setFont(application_font())
    qapp.setStyleSheet(app_stylesheet())
    return qapp


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    from cets_desktop.demo import build_demo_workspace

    folder = tmp_path_factory.mktemp("demo-template")
    return Path(build_demo_workspace(folder / "demo.cetsdb"))


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.cetsdb"
    shutil.copy2(demo_template, target)
    evidence = demo_template.with_name(demo_template.stem + ".evidence")
    if evidence.is_dir():
        shutil.copytree(evidence, target.with_name(target.stem + ".evidence"))
    return target


@pytest.fixture
def window(qtbot, demo_path: Path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    from cets_desktop.ui.main_window import MainWindow
    from cets_desktop.workflow.desk import Desk

    win = MainWindow(Desk.open(demo_path))
    win.ask_restore = lambda draft, current: True  # type: ignore[method-assign]
    win.ask_save_reason = lambda: "测试保存"  # type: ignore[method-assign]
    win.ask_leave = lambda: "keep"  # type: ignore[method-assign]
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
