"""Every page of the window on one screen (run by test_screens_fit.py with CETS_SCREEN set).

Each page: the window and its minimum size fit the screen's available area; every button a user
needs there (保存, 导出申报包, 确认警告, 上一步/下一步 …) and the findings and evidence panels
are wholly visible, neither cut by the window edge nor by a scroll area; the wide tables show a
useful number of whole columns and rows; a screenshot per page in build/screens/<size>/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QToolBar, QWidget, QWizard
from screens_helpers import (
    SCREEN,
    dialog_fits_screen,
    readable_columns,
    readable_rows,
    screenshot,
    valid_uscc,
    wholly_visible,
    window_fits_screen,
)

from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.master_detail import MasterDetailEditor
from cets_desktop.ui.repeat_table import RepeatTableEditor

pytestmark = pytest.mark.skipif(not SCREEN, reason="run by test_screens_fit.py on a sized screen")

TOOLBAR_ACTIONS = ("save", "validate", "export", "undo", "redo")
MIN_FINDINGS_ROWS = 5


def _open(window: MainWindow, form: str, period: str, enterprise_id: int = 1) -> Any:
    filing = window.workspace.find_filing(enterprise_id, form, period)
    assert filing is not None, (form, period)
    session = window.open_filing(filing.id)
    assert session is not None and window.form_view is not None
    window.settle(80)
    return session


def _create(window: MainWindow, enterprise_id: int, form: str, period: str) -> Any:
    spec = window.registry.get(form)
    assert spec is not None
    session = window.create_filing(enterprise_id, spec, period, start="blank")
    assert session is not None and window.form_view is not None
    window.settle(80)
    return session


def _enterprise(window: MainWindow, name: str, industry: str, sectors: list[str], facilities=()) -> int:  # type: ignore[no-untyped-def]
    desk = window.desk
    assert desk is not None
    enterprise = desk.save_enterprise(
        None,
        name=name,
        uscc=valid_uscc(),
        industry_code=industry,
        sectors=sectors,
        new_facilities=list(facilities),
    )
    return enterprise.id


def _toolbar_fits(window: MainWindow, where: str) -> None:
    toolbar = window.findChild(QToolBar, "toolbar")
    assert toolbar is not None
    for name in TOOLBAR_ACTIONS:
        action = window.actions_by_name.get(name)
        if action is None:
            continue
        button = toolbar.widgetForAction(action)
        assert button is not None and button.isVisible(), (
            f"{where}：工具栏按钮「{action.text()}」被挤出工具栏"
        )
        wholly_visible(button, window, f"{where}：工具栏「{action.text()}」")


def _form_page_fits(window: MainWindow, where: str) -> None:
    """A filing's page: window, toolbar, step buttons and both panels."""
    window_fits_screen(window, where)
    _toolbar_fits(window, where)
    view = window.form_view
    assert view is not None
    for button, what in (
        (view.next, "下一步"),
        (view.back, "上一步"),
        (view.history_button, "修订历史"),
        (view.steps, "步骤栏"),
    ):
        wholly_visible(button, window, f"{where}：{what}")
    if window.findings_dock.isVisible():
        wholly_visible(window.findings_dock, window, f"{where}：校验结果面板")
        wholly_visible(window.findings.ack_button, window, f"{where}：确认警告按钮")
        wholly_visible(window.findings.withdraw_button, window, f"{where}：撤销确认按钮")
        _buttons_visible(window.findings, window, f"{where}：校验结果")
        rows = readable_rows(window.findings.tree, _findings_row_height(window))
        assert rows >= MIN_FINDINGS_ROWS, f"{where}：校验结果面板只显示 {rows} 行"
    if window.evidence_dock.isVisible():
        wholly_visible(window.evidence_dock, window, f"{where}：支撑材料面板")
        # The panel scrolls inside its dock only below its minimum height; here it fits whole.
        wholly_visible(window.evidence, window, f"{where}：支撑材料面板内容")
        _buttons_visible(window.evidence, window, f"{where}：支撑材料")


def _buttons_visible(panel: QWidget, window: QWidget, where: str) -> None:
    shown = [b for b in panel.findChildren(QPushButton) if b.isVisible()]
    assert shown, f"{where}：没有可见的按钮"
    for button in shown:
        wholly_visible(button, window, f"{where}「{button.text()}」按钮")


def _findings_row_height(window: MainWindow) -> int:
    tree = window.findings.tree
    item = tree.topLevelItem(0)
    return tree.visualItemRect(item).height() if item is not None else 24


def _walk_steps(window: MainWindow, page: str) -> None:
    view = window.form_view
    assert view is not None
    for step in range(len(view.panels)):
        view.set_step(step)
        window.settle(60)
        screenshot(window, f"{page}-step{step + 1}")
        _form_page_fits(window, f"{page} 第 {step + 1} 步")


def _wide_table(window: MainWindow, path: str, table: Any = None) -> RepeatTableEditor:
    window.jump_to(path)
    window.settle(80)
    view = window.form_view
    assert view is not None
    table = table or view.editor_at(path)
    if isinstance(table, MasterDetailEditor):
        table = table.master
    assert isinstance(table, RepeatTableEditor), path
    return table


def _measure(table: RepeatTableEditor, label: str) -> tuple[int, int]:
    columns, rows = readable_columns(table.view), readable_rows(table.view, 28)
    print(f"[{SCREEN}] {label}: {columns} of {table.model.columnCount()} columns, {rows} rows readable")
    return columns, rows


# ---------------------------------------------------------------------------------------------


def test_first_start_calendar_and_overview(window: MainWindow, qtbot) -> None:
    window_fits_screen(window, "首次启动")
    assert window.calendar is not None
    window.calendar.set_year(2026)
    qtbot.waitUntil(lambda: window.calendar.settled, timeout=20000)
    window.settle(80)
    window_fits_screen(window, "年度日历")
    _toolbar_fits(window, "年度日历")
    for card in window.calendar.cards:
        if card.isVisible():
            assert card.visibleRegion().boundingRect().width() == card.width(), (
                f"日历卡片 {card.summary.period} 左右被截断"
            )
    screenshot(window, "01-calendar")

    window.show_overview()
    window.settle(80)
    window_fits_screen(window, "工作区总览")
    overview = window.overview
    wholly_visible(overview.filter_box, window, "总览筛选")
    wholly_visible(overview.search, window, "总览搜索")
    table = overview.table
    assert readable_rows(table, table.rowHeight(0) or 28) >= 8
    header = table.horizontalHeader()
    viewport = table.viewport().width()
    assert all(
        header.sectionViewportPosition(c) + header.sectionSize(c) <= viewport + 1
        for c in range(table.model().columnCount())
        if not header.isSectionHidden(c)
    ), "总览的列超出表格宽度"
    screenshot(window, "02-overview")


def test_power_month_units_and_fuels_table(window: MainWindow, qtbot) -> None:
    session = _open(window, "power-monthly", "2026-10")
    _walk_steps(window, "03-power-month")
    # A unit burning eight fuels: the table the user fills most.
    fuels = [
        {"fuel_name": name}
        for name in ("烟煤", "柴油", "无烟煤", "洗中煤", "煤泥", "褐煤", "天然气", "高炉煤气")
    ]
    rows = [dict(r) for r in session.rows("units[0].fuels")]
    session.replace_rows("units[0].fuels", rows + fuels[len(rows) :], "测试：八种燃料")
    session.evaluate_now()
    table = _wide_table(window, "units[0].fuels[0].carbon_content")
    window.settle(80)
    screenshot(window, "04-power-fuels")
    _form_page_fits(window, "燃料表")
    columns, rows_seen = _measure(table, "fuels with panels")
    assert columns >= 5, f"燃料表只显示 {columns} 列"
    assert rows_seen >= 3, f"燃料表只显示 {rows_seen} 行"

    qtbot.keyClick(window, Qt.Key.Key_F11)
    window.settle(100)
    assert window.actions_by_name["focus_mode"].isChecked()
    assert not (
        window.navigator.isVisible() or window.findings_dock.isVisible() or window.evidence_dock.isVisible()
    )
    window.jump_to("units[0].fuels[0].carbon_content")
    window.settle(80)
    focus_columns, focus_rows = _measure(table, "fuels in focus mode")
    screenshot(window, "05-power-fuels-focus")
    assert focus_columns >= 9, f"专注模式下燃料表只显示 {focus_columns} 列"
    assert focus_rows >= 8, f"专注模式下燃料表只显示 {focus_rows} 行"
    qtbot.keyClick(window, Qt.Key.Key_F11)
    window.settle(80)
    assert window.findings_dock.isVisible() and window.evidence_dock.isVisible()

    # Each panel collapses on its own (Ctrl+Shift+1/2/3) and gives the table its room.
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_3, modifiers)
    qtbot.keyClick(window, Qt.Key.Key_1, modifiers)
    window.settle(80)
    assert not window.evidence_dock.isVisible() and not window.navigator.isVisible()
    window.jump_to("units[0].fuels[0].carbon_content")
    window.settle(80)
    wide_columns, _ = _measure(table, "fuels without side panels")
    assert wide_columns >= focus_columns - 1
    _form_page_fits(window, "燃料表（收起两侧面板）")
    screenshot(window, "06-power-fuels-side-panels-collapsed")
    qtbot.keyClick(window, Qt.Key.Key_3, modifiers)
    qtbot.keyClick(window, Qt.Key.Key_1, modifiers)
    window.settle(60)


def test_cement_month(window: MainWindow) -> None:
    enterprise = _enterprise(
        window, "江苏示范水泥有限公司", "3011", ["cement"], [("熟料生产线", "5000t/d 熟料生产线")]
    )
    _create(window, enterprise, "cement-monthly", "2026-10")
    _walk_steps(window, "07-cement-month")


@pytest.mark.parametrize(
    ("form", "industry", "page"),
    [("a5-carbide", "2619", "08-a5-carbide"), ("a5-airline", "5611", "09-a5-airline")],
)
def test_appendix5_tables(window: MainWindow, form: str, industry: str, page: str) -> None:
    enterprise = _enterprise(window, "江苏示范补充数据企业有限公司", industry, [])
    session = _create(window, enterprise, form, "2025")
    _walk_steps(window, page)
    # The widest table of the report: whole columns on screen, nothing wider than the window.
    view = window.form_view
    tables = [t for p in view.panels for t in p.findChildren(RepeatTableEditor)]
    assert tables, form
    widest = max(tables, key=lambda t: t.model.columnCount())
    if widest.model.rowCount() == 0:
        widest.add_row()
    path = widest.model.cell_path(0, 0)
    table = _wide_table(window, path, widest)
    _form_page_fits(window, f"{page} 表格")
    columns, _ = _measure(table, f"{form} widest table")
    assert columns >= min(
        4,
        table.model.columnCount()
        - sum(table.view.isColumnHidden(c) for c in range(table.model.columnCount())),
    )
    screenshot(window, f"{page}-table")
    assert session.spec.id == form
    # Back on the calendar the window is as small as before (an Appendix 5 form once left it
    # at least 1377 px wide).
    window.show_calendar(enterprise, 2026)
    window.settle(80)
    window_fits_screen(window, f"{page} 之后的日历")


def test_plan_parameter_table(window: MainWindow) -> None:
    session = _create(window, 1, "power-plan", "2027")
    _walk_steps(window, "10-power-plan")
    rows = session.rows("parameters")
    assert len(rows) >= 10
    table = _wide_table(window, "parameters[0].parameter")
    screenshot(window, "11-power-plan-parameters")
    _form_page_fits(window, "数据的确定方式")
    columns, rows_seen = _measure(table, "plan parameters")
    assert columns >= 5 and rows_seen >= 3


def test_export_wizard_history_and_dialogs(window: MainWindow, qtbot, tmp_path: Path) -> None:
    from cets_desktop.ui.enterprise_dialog import EnterpriseDialog
    from cets_desktop.ui.export_wizard import ExportWizard
    from cets_desktop.ui.settings_dialog import SettingsDialog

    session = _open(window, "power-monthly", "2026-09")
    wizard = ExportWizard(window, session)
    qtbot.addWidget(wizard)
    wizard.show()
    window.settle(80)
    pages = [("preflight", wizard.preflight)]
    _wizard_fits(wizard, "导出向导：检查")
    screenshot(wizard, "12-export-1-preflight")
    wizard.next()
    wizard.output.folder.setText(str(tmp_path / "申报包"))
    window.settle(60)
    _wizard_fits(wizard, "导出向导：输出")
    screenshot(wizard, "12-export-2-output")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=60000)
    window.settle(60)
    assert wizard.outcome is not None, wizard.error_text
    _wizard_fits(wizard, "导出向导：完成")
    wholly_visible(wizard.result_page.open_pdf, wizard, "打开PDF")
    wholly_visible(wizard.result_page.open_folder, wizard, "打开文件夹")
    screenshot(wizard, "12-export-3-result")
    wizard.close()
    assert pages

    dialog = window.history_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    window.settle(80)
    _dialog_fits(dialog, "修订历史")
    wholly_visible(dialog.restore_button, dialog, "恢复此版本")
    screenshot(dialog, "13-history")
    dialog.close()

    workspace = window.workspace
    enterprise = workspace.get_enterprise(1)
    edit = EnterpriseDialog(enterprise, workspace.list_facilities(1), window)
    qtbot.addWidget(edit)
    edit.show()
    window.settle(80)
    _dialog_fits(edit, "企业信息")
    screenshot(edit, "14-enterprise")
    edit.close()

    settings = SettingsDialog(window.desk, 1, window)
    qtbot.addWidget(settings)
    settings.show()
    window.settle(60)
    _dialog_fits(settings, "设置")
    screenshot(settings, "15-settings")
    settings.close()


def _dialog_fits(dialog: QDialog, where: str) -> None:
    dialog_fits_screen(dialog, where)
    for box in dialog.findChildren(QDialogButtonBox):
        if box.isVisible():
            for button in box.buttons():
                wholly_visible(button, dialog, f"{where}：{button.text()}")


def _wizard_fits(wizard: QWizard, where: str) -> None:
    dialog_fits_screen(wizard, where)
    for which in (
        QWizard.WizardButton.BackButton,
        QWizard.WizardButton.NextButton,
        QWizard.WizardButton.FinishButton,
        QWizard.WizardButton.CancelButton,
    ):
        button = wizard.button(which)
        if button is not None and button.isVisible():
            wholly_visible(button, wizard, f"{where}：{button.text()}")
