"""The cold start's first frame builds only what it shows (issue #14 item 1): the findings and
evidence docks, the calendar's form combo box and the stack's hidden pages are not made by the
first paint; they are made right after it (finish_window) or when first used, and then work as a
window opened on a desk does. The saved dock layout comes back after a glanced start. Behaviour
only; the time it saves is measured by bench/bench_gui_start.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.glance import glance

# What may be built and hidden at the first paint: the menus (shown when opened), the scroll
# bars and their containers (shown when the content overflows), the tree's hidden header, the
# splitter's first handle (Qt never shows it), the status bar's size grip, and the tool bar
# buttons that do not fit (in the overflow menu) and the extension buttons.
HIDDEN_AT_FIRST_PAINT = {
    "QMenu",
    "QScrollBar",
    "QAbstractScrollAreaScrollBarContainer",
    "QWidget",
    "QHeaderView",
    "QSplitterHandle",
    "QSizeGrip",
    "QToolButton",
    "QToolBarExtension",
}
NOT_AT_FIRST_PAINT = {
    "QDockWidget",
    "QDockWidgetTitleButton",
    "QComboBox",
    "QComboBoxPrivateContainer",
    "QComboBoxListView",
    "WelcomePage",
    "FindingsPanel",
    "EvidencePanel",
}


def _first_frame(window: Any, qtbot: Any) -> dict[str, Any]:
    """The window's widgets when the calendar's first frame is painted (before finish_window)."""
    from PySide6.QtWidgets import QWidget

    seen: dict[str, Any] = {}

    def painted() -> None:
        if seen:
            return
        widgets = window.findChildren(QWidget)
        seen["finished"] = window.finished
        seen["classes"] = sorted(w.metaObject().className() for w in widgets)
        seen["hidden"] = sorted(w.metaObject().className() for w in widgets if not w.isVisible())
        seen["pages"] = window.stack.count()
        seen["page_is_calendar"] = window.stack.currentWidget() is window.calendar.parentWidget()
        seen["image"] = window.grab().toImage()

    assert window.calendar is not None
    window.calendar.framePainted.connect(painted)
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    return seen


def _pixels(image: Any) -> tuple[int, int, bytes]:
    from PySide6.QtGui import QImage

    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    return (image.width(), image.height(), bytes(image.constBits()))


def _glanced(qtbot: Any, path: Path) -> Any:
    from cets_desktop.ui.main_window import MainWindow

    seen = glance(path)
    assert seen is not None
    window = MainWindow(glance=seen)
    qtbot.addWidget(window)
    return window


def test_first_frame_has_no_docks_combo_or_hidden_pages_and_they_work_after(
    qtbot: Any, isolated_qsettings: Any, demo_path: Path
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QComboBox, QDockWidget

    from cets_desktop.ui.main_window import PAGE_CALENDAR, PAGE_FORM, PAGE_OVERVIEW, PAGE_WELCOME, MainWindow

    # An earlier session evaluated the cards and kept their statuses (as any start after the first).
    earlier = MainWindow(Desk.open(demo_path))
    qtbot.addWidget(earlier)
    earlier.show()
    qtbot.waitUntil(lambda: earlier.cards_settled, timeout=120_000)
    earlier.close()

    window = _glanced(qtbot, demo_path)
    frame = _first_frame(window, qtbot)
    assert not frame["finished"]
    assert not set(frame["classes"]) & NOT_AT_FIRST_PAINT, frame["classes"]
    assert set(frame["hidden"]) <= HIDDEN_AT_FIRST_PAINT, frame["hidden"]
    # The stack holds the calendar's page only, and shows it.
    assert frame["pages"] == 1 and frame["page_is_calendar"]
    # Of 93 widgets (35 hidden) before the docks, the combo box and the pages waited: the 13 cards
    # and everything else the window shows stay.
    assert frame["classes"].count("FilingCard") == 13
    assert len(frame["classes"]) <= 75 and len(frame["hidden"]) <= 24, (
        len(frame["classes"]),
        len(frame["hidden"]),
    )

    qtbot.waitUntil(lambda: window.cards_settled, timeout=120_000)
    # What the first frame showed is what the finished window shows: building the rest after it
    # changed nothing on screen.
    window.settle(100)
    assert _pixels(window.grab().toImage()) == _pixels(frame["image"])
    # finish_window made the docks, hidden on the calendar, in their places.
    docks = window.findChildren(QDockWidget)
    assert sorted(d.objectName() for d in docks) == ["evidence", "findings"]
    assert window.dockWidgetArea(window.findings_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert window.dockWidgetArea(window.evidence_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert not window.findings_dock.isVisible() and not window.evidence_dock.isVisible()
    # Their toggles sit in the View menu where they always were, with their shortcuts.
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "视图(&V)")
    texts = [a.text() for a in view.actions() if not a.isSeparator()]
    assert texts[-4:] == ["显示导航面板", "显示校验结果面板", "显示支撑材料面板", "专注模式"]
    toggles = window.actions_by_name
    assert [k.toString() for k in toggles["toggle_findings"].shortcuts()] == ["Ctrl+Shift+2"]
    assert [k.toString() for k in toggles["toggle_evidence"].shortcuts()] == ["Ctrl+Shift+3"]
    # The demo's enterprise files one monthly form: still no combo box.
    assert window.calendar.findChildren(QComboBox) == []
    assert window.calendar.form_id == "power-monthly"

    # Pages are made when first shown: the overview, then a filing's form with its docks.
    window.actions_by_name["overview"].trigger()
    assert window.current_page == PAGE_OVERVIEW and window.stack.count() == 2
    window.actions_by_name["calendar"].trigger()
    assert window.current_page == PAGE_CALENDAR
    assert window.desk is not None
    enterprise = window.desk.list_enterprises()[0]
    october = window.desk.find_filing(enterprise.id, "power-monthly", "2026-10")
    assert october is not None
    window.open_filing(october.id)
    qtbot.waitUntil(lambda: window.findings_dock.isVisible(), timeout=30_000)
    assert window.current_page == PAGE_FORM and window.stack.count() == 3
    assert window.evidence_dock.isVisible()
    assert window.findings_dock.widget() is window.findings  # its panel made when first shown
    window.actions_by_name["toggle_findings"].trigger()
    assert not window.findings_dock.isVisible()
    window.actions_by_name["toggle_findings"].trigger()
    assert window.findings_dock.isVisible()
    # Back on the calendar the docks step aside; the welcome page is still not made.
    window.actions_by_name["calendar"].trigger()
    assert not window.findings_dock.isVisible() and not window.evidence_dock.isVisible()
    assert window._welcome is None and PAGE_WELCOME not in window._pages
    window.close()


def test_a_window_on_a_desk_has_its_docks_at_once(
    qtbot: Any, isolated_qsettings: Any, demo_path: Path
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget

    from cets_desktop.ui.main_window import MainWindow

    window = MainWindow(Desk.open(demo_path))
    qtbot.addWidget(window)
    assert window.finished
    assert sorted(d.objectName() for d in window.findChildren(QDockWidget)) == ["evidence", "findings"]
    assert window.dockWidgetArea(window.evidence_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert [k.toString() for k in window.actions_by_name["toggle_evidence"].shortcuts()] == ["Ctrl+Shift+3"]
    window.close()


def test_the_form_combo_box_is_made_for_an_enterprise_with_two_monthly_forms(
    qtbot: Any, isolated_qsettings: Any, demo_path: Path
) -> None:
    import sys

    from PySide6.QtWidgets import QComboBox

    from cets_desktop.ui.main_window import MainWindow

    sys.path.insert(0, str(Path(__file__).parents[1] / "ui"))
    from gui_helpers import valid_uscc

    window = MainWindow(Desk.open(demo_path))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    calendar = window.calendar
    assert calendar is not None and calendar.form_combo is None
    assert window.desk is not None
    both = window.desk.save_enterprise(
        None, name="电解铝自备电厂有限公司", uscc=valid_uscc(), sectors=["power", "aluminium"]
    )
    window.show_calendar(both.id, 2026)
    combo = calendar.form_combo
    assert isinstance(combo, QComboBox) and combo.isVisible()
    ids = [combo.itemData(i) for i in range(combo.count())]
    assert sorted(ids) == ["aluminium-monthly", "power-monthly"]
    # It sits after the titles and before 「◀ 上一年」.
    head = calendar._head
    assert head.indexOf(combo) == 1 and head.indexOf(calendar.prev_year) == 2
    shown = calendar.form_id
    assert shown == ids[0] and {c.summary.spec.id for c in calendar.cards[:12]} == {shown}
    combo.setCurrentIndex(1)
    assert calendar.form_id == ids[1]
    assert len(calendar.cards) >= 12 and {c.summary.spec.id for c in calendar.cards[:12]} == {ids[1]}
    # Back on the demo's enterprise (one monthly form): the box hides, its form is shown.
    demo = window.desk.list_enterprises()[0]
    window.show_calendar(demo.id, 2026)
    assert not combo.isVisible() and calendar.form_id == "power-monthly"
    assert {c.summary.spec.id for c in calendar.cards[:12]} == {"power-monthly"}
    window.close()


def test_saved_dock_layout_comes_back_after_a_glanced_start(
    qtbot: Any, isolated_qsettings: Any, demo_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from cets_desktop.ui.main_window import MainWindow

    def october(window: Any) -> int:
        enterprise = window.desk.list_enterprises()[0]
        found = window.desk.find_filing(enterprise.id, "power-monthly", "2026-10")
        assert found is not None
        return int(found.id)

    # Session 1 (on a desk): the evidence dock moved to the left.
    first = MainWindow(Desk.open(demo_path))
    qtbot.addWidget(first)
    first.resize(1280, 800)
    first.show()
    qtbot.waitExposed(first)
    first.open_filing(october(first))
    qtbot.waitUntil(lambda: first.evidence_dock.isVisible(), timeout=30_000)
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, first.evidence_dock)
    first.settle(30)
    assert first.dockWidgetArea(first.evidence_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    first.close()

    # Session 2 (the cold start's glanced window): the docks are made after the first paint and
    # take the saved layout: with the filing open, the evidence dock is on the left.
    second = _glanced(qtbot, demo_path)
    frame = _first_frame(second, qtbot)
    assert "QDockWidget" not in frame["classes"]
    qtbot.waitUntil(lambda: second.cards_settled, timeout=120_000)
    assert second.dockWidgetArea(second.evidence_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert not second.evidence_dock.isVisible()  # on the calendar
    second.open_filing(october(second))
    qtbot.waitUntil(lambda: second.evidence_dock.isVisible(), timeout=30_000)
    assert second.dockWidgetArea(second.evidence_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert second.dockWidgetArea(second.findings_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    second.close()
