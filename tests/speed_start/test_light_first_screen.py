"""What makes the first screen light keeps it the same to the user: PySide's cheaper per-module
check gives the answers PySide's own check gives; a calendar card (one painted widget) shows its
status, due date and days left in the colours the style sheet gave them, opens on a click and on
Enter, and moves with the arrow keys; the welcome page is made only when it is shown; the first
paint defines no dataclass (its records are ``core.frozen_record`` classes) and so never imports
``dataclasses``."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from cets_desktop.ui import qt_import
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.month_calendar import CalendarView, FilingCard
from cets_desktop.workflow.glance import glance

from .test_first_paint import start


def test_fast_pyside_check_answers_as_pyside_does() -> None:
    feature = sys.modules["shibokensupport.feature"]
    fast = feature._mod_uses_pyside
    assert qt_import.INSTALLED or getattr(fast, "_cets_fast_check", False)
    import inspect

    modules = [m for m in list(sys.modules.values()) if str(getattr(m, "__file__", "")).endswith(".py")]
    assert len(modules) > 50
    for module in modules:
        try:
            expected = "PySide6" in inspect.getsource(module)
        except (OSError, TypeError, SyntaxError):
            continue
        assert fast(module) is expected, module.__name__
    # Our own modules, both ways.
    assert fast(sys.modules["cets_desktop.ui.month_calendar"]) is True
    assert fast(sys.modules["cets_desktop.workflow.glance"]) is False


def _calendar(demo_path: Path) -> CalendarView:
    seen = glance(demo_path)
    assert seen is not None
    view = CalendarView(seen.status, evaluate=False)
    enterprise = seen.list_enterprises()[0]
    view.show_enterprise(enterprise, 2026)
    return view


def _pixel(image: QImage, x: int, y: int) -> str:
    return QColor(image.pixel(x, y)).name()


def test_painted_card_reads_and_looks_as_the_labels_did(qtbot, demo_path: Path, isolated_qsettings) -> None:
    view = _calendar(demo_path)
    qtbot.addWidget(view)
    view.resize(1100, 800)
    view.show()
    qtbot.waitExposed(view)
    months = [c for c in view.cards if c.summary.spec.filing_type == "monthly"]
    assert [c.title.text() for c in months] == [f"{m}月" for m in range(1, 13)]
    october = view.card_for("2026-10")
    assert isinstance(october, FilingCard)
    assert october.due.text() == f"截止 {october.summary.due.isoformat()}"
    assert october.chip.text() == october.summary.status
    # What the user sees: the card is at least as tall as the old frame (118 px) and the chip's
    # pill is filled with the status colour at the top right.
    assert october.height() >= 118 and october.sizeHint().height() >= 118
    image = october.grab().toImage()
    chip_colours = {
        _pixel(image, x, y) for x in range(october.width() - 60, october.width() - 14) for y in range(12, 26)
    }
    expected = {"草稿": "#5b9bd5", "有错误": "#c62828", "可导出": "#2e7d32", "已导出": "#00796b"}.get(
        october.summary.status, "#8a96a3"
    )
    assert expected in chip_colours
    # The status edge: 5 px on the left, in the status colour (or red when overdue).
    edge = _pixel(image, 2, october.height() // 2)
    overdue = october.summary.overdue(date.today()) and october.summary.period_open(date.today())
    assert edge == ("#c62828" if overdue else expected if expected != "#8a96a3" else "#c3cad3")
    assert october.property("overdue") is overdue


def test_card_opens_on_click_and_enter_and_arrows_move(qtbot, demo_path: Path, isolated_qsettings) -> None:
    view = _calendar(demo_path)
    qtbot.addWidget(view)
    view.show()
    view.activateWindow()
    qtbot.waitActive(view)
    opened: list[str] = []
    view.activated.connect(lambda summary: opened.append(summary.period))
    march = view.card_for("2026-03")
    assert march is not None
    qtbot.mouseClick(march, Qt.MouseButton.LeftButton, pos=QPoint(30, 30))
    assert opened == ["2026-03"]
    march.setFocus()
    qtbot.keyClick(march, Qt.Key.Key_Return)
    assert opened == ["2026-03", "2026-03"]
    qtbot.keyClick(march, Qt.Key.Key_Down)  # a shown row down: March → July on four columns
    below = view.card_for(f"2026-{3 + view.columns:02d}")
    assert below is not None
    qtbot.waitUntil(below.hasFocus, timeout=2000)
    qtbot.keyClick(below, Qt.Key.Key_Left)
    left = view.card_for(f"2026-{2 + view.columns:02d}")
    assert left is not None
    qtbot.waitUntil(left.hasFocus, timeout=2000)


def test_welcome_page_is_made_only_when_shown(qtbot, demo_path: Path, isolated_qsettings) -> None:
    seen = glance(demo_path)
    window = MainWindow(glance=seen)
    qtbot.addWidget(window)
    assert window._welcome is None  # the demo opens on its calendar
    window.close()
    empty = MainWindow(None)
    qtbot.addWidget(empty)
    assert empty._welcome is not None and empty.stack.currentWidget() is empty.welcome_host
    assert "第一次使用" in empty.welcome.text.text()


def test_first_paint_imports_no_dataclasses(demo_path: Path, tmp_path: Path) -> None:
    """A usual start (forms index cached, the cards' last statuses kept by the start before)
    paints the calendar without importing ``dataclasses``: the deadlines, forms index entries,
    card summaries and navigator nodes it makes are plain records. (The first start ever builds
    the index from the definitions and opens the workspace at once, dataclasses and all.)"""
    cache = tmp_path / "app-cache"
    first = start(demo_path, tmp_path / "home1", cache)
    assert first["FORMS_INDEX"] == "built"
    second = start(demo_path, tmp_path / "home2", cache)
    assert second["FORMS_INDEX"] == "cache"
    loaded = set(second["MODULES"].split())
    # The modules that made those records are there, the dataclasses module is not.
    assert {
        "cets_desktop.core.deadlines",
        "cets_desktop.core.forms_index",
        "cets_desktop.workflow.status",
        "cets_desktop.ui.navigator",
        "cets_desktop.ui.month_calendar",
    } <= loaded
    assert "dataclasses" not in loaded
    assert "cets_desktop.workflow.desk" not in loaded  # truly the first paint's modules
