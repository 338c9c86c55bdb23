"""The window fits the screens people have: 1366×768, and 1920×1080 at 150 % scaling (1280×720
logical pixels). Nothing forces the window wider than the screen (an Appendix 5 form once
forced 1397 px), the evidence panel and the 确认警告 buttons stay inside the window, side panels
hide with one key each, and focus mode gives the wide fuels table the window.

Screenshots go to tests/ui/_screens/ (gitignored) for people to look at.
"""

from __future__ import annotations

import pytest
from conftest import screenshot
from gui_helpers import open_month, valid_uscc
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget

from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.repeat_table import RepeatTableEditor

SIZES = {"1366x768": (1366, 768), "150pct-1920x1080": (1280, 720)}


def _inside(widget: QWidget, window: MainWindow) -> None:
    assert widget.isVisible(), f"{widget.__class__.__name__} 未显示"
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    assert window.rect().contains(rect), f"{widget.__class__.__name__} {rect} 超出窗口 {window.rect()}"


def _fit(window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    window.settle(80)
    hint = window.minimumSizeHint()
    assert hint.width() <= width and hint.height() <= height, f"最小尺寸 {hint} 大于屏幕 {width}×{height}"
    assert window.width() <= width and window.height() <= height


def _default_docks(window: MainWindow) -> None:
    """All three panels open at their first-start sizes (an earlier test may have saved others)."""
    window.actions_by_name["toggle_navigator"].setChecked(True)
    sizes = window.splitter.sizes()
    window.splitter.setSizes([250, sum(sizes) - 250])
    for dock in (window.findings_dock, window.evidence_dock):
        dock.setFloating(False)
        dock.show()
    window.resizeDocks([window.evidence_dock], [270], Qt.Orientation.Horizontal)
    window.resizeDocks([window.findings_dock], [180], Qt.Orientation.Vertical)
    window.settle(50)


def _visible_columns(table: RepeatTableEditor) -> int:
    view = table.view
    right = view.viewport().width()
    return sum(
        1
        for c in range(table.model.columnCount())
        if not view.isColumnHidden(c)
        and view.columnViewportPosition(c) + view.columnWidth(c) <= right
        and view.columnViewportPosition(c) >= 0
    )


@pytest.mark.parametrize("size", list(SIZES))
def test_appendix5_form_fits_and_keeps_the_window_small(empty_window: MainWindow, size: str) -> None:
    width, height = SIZES[size]
    desk = empty_window.desk
    assert desk is not None
    enterprise = desk.save_enterprise(
        None, name="江苏示范化肥有限公司", uscc=valid_uscc(), industry_code="2621", sectors=[]
    )
    empty_window.show_calendar(enterprise.id, 2026)
    calendar = empty_window.calendar
    assert calendar is not None
    card = next(c for c in calendar.cards if c.summary.spec.id == "a5-ammonia")
    empty_window.open_summary(card.summary)
    _default_docks(empty_window)
    view = empty_window.form_view
    assert view is not None
    for step in range(len(view.panels)):
        view.set_step(step)
        _fit(empty_window, width, height)
    _inside(empty_window.evidence, empty_window)
    _inside(empty_window.findings.ack_button, empty_window)
    _inside(empty_window.findings.withdraw_button, empty_window)
    _inside(view.next, empty_window)
    # Step tabs keep at least four characters of each title; the full title is in the tooltip.
    for i, section in enumerate(view.session.spec.sections):
        assert (
            section.label.lstrip("（(一二三四五六七八九十)） ")[:1] in view.steps.tabText(i)
            or len(section.label) <= 2
        )
        assert section.label in view.steps.tabToolTip(i)
    screenshot(empty_window, f"fit-{size}-a5-ammonia")


@pytest.mark.parametrize("size", list(SIZES))
def test_power_month_fits_and_focus_mode_gives_the_fuels_table_the_window(
    window: MainWindow, qtbot, size: str
) -> None:
    width, height = SIZES[size]
    open_month(window)
    _default_docks(window)
    _fit(window, width, height)
    view = window.form_view
    assert view is not None
    _inside(window.evidence, window)
    _inside(window.findings.ack_button, window)
    _inside(view.next, window)
    findings_rows = window.findings.tree.viewport().height() // max(1, window.findings.tree.sizeHintForRow(0))
    assert findings_rows >= 4, f"校验结果面板只显示 {findings_rows} 行"
    screenshot(window, f"fit-{size}-power-month")

    window.jump_to("units[0].fuels[0].carbon_content")
    window.settle(80)
    table = view.editor_at("units[0].fuels[0].carbon_content")
    assert isinstance(table, RepeatTableEditor)
    before = _visible_columns(table)
    screenshot(window, f"fit-{size}-fuels-table")

    qtbot.keyClick(window, Qt.Key.Key_F11)
    window.settle(80)
    assert not window.navigator.isVisible() and not window.findings_dock.isVisible()
    assert not window.evidence_dock.isVisible()
    assert window.actions_by_name["focus_mode"].isChecked()
    after = _visible_columns(table)
    print(f"{size}: fuels table columns fully visible {before} → {after} in focus mode")
    assert after >= before + 2, f"专注模式下燃料表可见列 {before} → {after}"
    assert view.width() >= width - 40
    screenshot(window, f"fit-{size}-fuels-table-focus")

    qtbot.keyClick(window, Qt.Key.Key_F11)
    window.settle(80)
    assert (
        window.navigator.isVisible() and window.findings_dock.isVisible() and window.evidence_dock.isVisible()
    )
    assert not window.actions_by_name["focus_mode"].isChecked()


def test_each_side_panel_hides_and_returns_with_one_key(window: MainWindow, qtbot) -> None:
    open_month(window)
    _default_docks(window)
    for pane, key in (
        (window.navigator, Qt.Key.Key_1),
        (window.findings_dock, Qt.Key.Key_2),
        (window.evidence_dock, Qt.Key.Key_3),
    ):
        assert pane.isVisible()
        modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        qtbot.keyClick(window, key, modifiers)
        window.settle(30)
        assert not pane.isVisible(), pane.windowTitle()
        qtbot.keyClick(window, key, modifiers)
        window.settle(30)
        assert pane.isVisible(), pane.windowTitle()


def test_focus_mode_restores_only_the_panels_that_were_open(window: MainWindow) -> None:
    open_month(window)
    _default_docks(window)
    window.evidence_dock.hide()
    window.toggle_focus_mode()
    assert not window.navigator.isVisible() and not window.findings_dock.isVisible()
    window.toggle_focus_mode()
    assert window.navigator.isVisible() and window.findings_dock.isVisible()
    assert not window.evidence_dock.isVisible()
