"""What a carbon officer does in the window, end to end, on the demo enterprise."""

from __future__ import annotations

from pathlib import Path

from gui_helpers import finding_codes, open_month, valid_uscc
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from cets_desktop.ui.enterprise_dialog import EnterpriseDialog
from cets_desktop.ui.field_editors import ChoiceEditor, LineEditor
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.master_detail import MasterDetailEditor
from cets_desktop.ui.repeat_table import RepeatTableEditor
from cets_desktop.workflow.desk import Desk

# ---------------------------------------------------------------------------------------------


def test_create_enterprise_with_live_uscc_check(empty_window: MainWindow, qtbot) -> None:
    dialog = EnterpriseDialog(None, None, empty_window)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.name.setText("苏北示范发电有限公司")
    dialog.uscc.setText("91320600MA1P4Q2X3A")
    assert not ok.isEnabled()
    assert "校验位" in dialog.uscc_state.text()
    dialog.uscc.setText(valid_uscc())
    assert ok.isEnabled()
    assert "✓" in dialog.uscc_state.text()
    dialog.industry.setEditText("4411")
    dialog.emissions.setText("480000")
    assert "属于重点排放单位" in dialog.applicability.text()
    assert "月度信息化存证" in dialog.applicability.text()
    assert dialog.sector_boxes["power"].isChecked()
    dialog.local_days.setValue(20)
    dialog._add_facility_row("发电机组", "1号机组", editable=True)

    enterprise_id = empty_window.save_enterprise(None, dialog.data())
    assert enterprise_id is not None
    workspace = empty_window.workspace
    assert workspace is not None
    enterprise = workspace.get_enterprise(enterprise_id)
    assert enterprise is not None and enterprise.name == "苏北示范发电有限公司"
    assert enterprise.settings["local_deadline_days"] == 20
    assert [f.name for f in workspace.list_facilities(enterprise_id)] == ["1号机组"]
    assert empty_window.calendar is not None and len(empty_window.calendar.cards) >= 12


def test_create_and_fill_a_month_from_the_calendar(empty_window: MainWindow, qtbot) -> None:
    workspace = empty_window.workspace
    assert workspace is not None
    enterprise = workspace.add_enterprise(
        "苏北示范发电有限公司", valid_uscc(), industry_code="4411", sectors=["power"]
    )
    workspace.add_facility(enterprise.id, "发电机组", "1号机组", attributes={"capacity_mw": "330"})
    empty_window.set_workspace(empty_window.desk)
    calendar = empty_window.calendar
    assert calendar is not None
    calendar.set_year(2026)
    card = calendar.card_for("2026-10")
    assert card is not None and card.summary.status == "未开始"
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    session = empty_window.session
    assert session is not None and session.period == "2026-10"
    assert session.value("units[0].unit_name") == "1号机组"  # pre-filled from the registered unit
    assert session.value("units[0].capacity_mw") == "330"

    view = empty_window.form_view
    assert view is not None
    preparer = view.editor_at("preparer")
    assert isinstance(preparer, LineEditor)
    preparer.edit.setText("王晓明")  # Chinese input: setText, never keyClicks
    phone = view.editor_at("preparer_phone")
    assert isinstance(phone, LineEditor)
    phone.edit.setFocus()
    qtbot.keyClicks(phone.edit, "0513-85550000")
    assert session.value("preparer") == "王晓明"
    assert session.value("preparer_phone") == "0513-85550000"

    category = view.editor_at("units[0].fuel_category")
    assert isinstance(category, ChoiceEditor)
    category.choose("燃煤")
    assert session.value("units[0].fuel_category") == "燃煤"
    generation = view.editor_at("units[0].generation")
    assert isinstance(generation, LineEditor)
    generation.edit.setText("160000.000")
    assert session.value("units[0].generation") == "160000.000"
    qtbot.waitUntil(lambda: ("GEN-003", "preparer") not in finding_codes(session), timeout=3000)
    assert empty_window.autosave_label.text() == "" or "自动保存" in empty_window.autosave_label.text()
    qtbot.waitUntil(lambda: "已自动保存" in empty_window.autosave_label.text(), timeout=4000)
    draft = workspace.recover_draft(session.filing_id)
    assert draft is not None and draft.document["values"]["preparer"] == "王晓明"


def test_finding_click_focuses_the_field_and_fixing_it_clears_the_finding(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    assert ("PWR-M-100", "units[1].net_supply") in finding_codes(session)
    panel = window.findings
    item = panel.item_for("PWR-M-100", "units[1].net_supply")
    assert item is not None
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    view = window.form_view
    assert view is not None
    assert view.current_step() == 1
    units = view.panels[1].repeats["units"]
    assert isinstance(units, MasterDetailEditor)
    assert units.current_row() == 1
    editor = units.detail.rows["net_supply"].editor
    assert isinstance(editor, LineEditor)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.edit, timeout=2000)
    assert editor.edit.text() == "169500.000"
    assert editor.edit.property("severity") == "error"
    assert window.evidence.path == "units[1].net_supply"

    editor.edit.setText("149500.000")
    qtbot.waitUntil(lambda: ("PWR-M-100", "units[1].net_supply") not in finding_codes(session), timeout=3000)
    assert panel.item_for("PWR-M-100", "units[1].net_supply") is None
    assert editor.edit.property("severity") != "error"


def test_warning_acknowledged_with_reason_is_saved_in_the_revision(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    warning = next(f for f in session.evaluation.findings if f.severity == "warning" and not f.acknowledged)
    window.findings.acknowledge(warning, "本月已在情况说明中写明，数据无误")
    qtbot.waitUntil(
        lambda: any(
            f.code == warning.code and f.path == warning.path and f.acknowledged
            for f in session.evaluation.findings
        ),
        timeout=3000,
    )
    assert window.save()
    workspace = window.workspace
    assert workspace is not None
    saved = workspace.current_document(session.filing_id)
    assert {"code": warning.code, "path": warning.path} in [
        {"code": a["code"], "path": a["path"]} for a in saved["acknowledgements"]
    ]
    assert saved["acknowledgements"][0]["reason"] == "本月已在情况说明中写明，数据无误"
    assert workspace.revisions(session.filing_id)[-1].reason == "测试保存"


def test_attach_evidence_to_a_field_clears_missing_evidence(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    session = open_month(window)
    target = "units[1].net_supply"
    assert ("GEN-006", target) in finding_codes(session)
    scan = tmp_path / "2026年10月生产月报（盖章）.pdf"
    scan.write_bytes(b"%PDF-1.4 demo scan of the October production report\n")
    window.jump_to(target)
    assert window.evidence.path == target
    assert "缺少支撑材料" in window.evidence.requirement.text()
    with qtbot.waitSignal(window.evidence.attached, timeout=5000):
        window.evidence.attach_files([scan])
    refs = session.evidence_for(target)
    assert len(refs) == 1 and refs[0]["name"] == scan.name
    assert window.workspace is not None and window.workspace.evidence.exists(refs[0]["sha256"])
    qtbot.waitUntil(lambda: ("GEN-006", target) not in finding_codes(session), timeout=3000)
    assert window.evidence.files.topLevelItemCount() == 1


def test_undo_and_redo_of_a_field_edit(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    view = window.form_view
    assert view is not None
    editor = view.editor_at("units[0].generation")
    assert isinstance(editor, LineEditor)
    before = editor.edit.text()
    editor.edit.setFocus()
    editor.edit.setText("346600.000")
    session.end_edit()
    assert session.value("units[0].generation") == "346600.000"
    window.actions_by_name["undo"].trigger()
    assert session.value("units[0].generation") == before
    assert editor.edit.text() == before
    window.actions_by_name["redo"].trigger()
    assert session.value("units[0].generation") == "346600.000"
    assert editor.edit.text() == "346600.000"


def test_typing_in_one_field_is_one_undo_step(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    view = window.form_view
    assert view is not None
    editor = view.editor_at("units[0].operating_hours")
    assert isinstance(editor, LineEditor)
    editor.edit.setFocus()
    editor.edit.selectAll()
    qtbot.keyClicks(editor.edit, "701.5")
    steps = session.undo_stack.count()
    assert session.value("units[0].operating_hours") == "701.5"
    session.undo_stack.undo()
    assert session.value("units[0].operating_hours") == "700.00"
    assert session.undo_stack.count() == steps


def test_paste_from_excel_fills_the_fuels_table_and_adds_rows(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    view = window.form_view
    assert view is not None
    table = view.editor_at("units[1].fuels[0].fuel_name")
    assert isinstance(table, RepeatTableEditor)
    assert table.repeat_path == "units[1].fuels"
    table.select_cell(0, table.model.column_of("fuel_name"))
    QGuiApplication.clipboard().setText("烟煤\t68000.00\t实测值\n柴油\t18.6\t实测值\n燃料油\t三吨\t实测值\n")
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    rows = session.rows("units[1].fuels")
    assert [r.get("fuel_name") for r in rows] == ["烟煤", "柴油", "燃料油"]
    assert rows[1]["consumption"] == "18.6"
    assert rows[2]["consumption"] == "三吨"  # kept as typed, flagged
    assert table.problems.isVisible() and "三吨" in table.problems.text()
    qtbot.waitUntil(
        lambda: ("GEN-002", "units[1].fuels[2].consumption") in finding_codes(session), timeout=3000
    )
    session.undo_stack.undo()
    assert len(session.rows("units[1].fuels")) == 1


def test_choosing_the_stock_ledger_shows_the_stock_columns(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    view = window.form_view
    assert view is not None
    table = view.editor_at("units[0].fuels[0].consumption_source")
    assert isinstance(table, RepeatTableEditor)
    stock = table.model.column_of("opening_stock")
    assert table.view.isColumnHidden(stock)
    session.set_value("units[0].fuels[0].consumption_source", "购销存台账")
    qtbot.waitUntil(lambda: not table.view.isColumnHidden(stock), timeout=2000)
    reason_column = table.model.column_of("consumption_source_reason")
    assert not table.view.isColumnHidden(reason_column)


def test_explain_dialog_shows_formula_inputs_and_reference_source(window: MainWindow, qtbot) -> None:
    from cets_desktop.ui.explain_dialog import ExplainDialog

    session = open_month(window)
    dialog = ExplainDialog(session, "units[1].fuels[0].c_ar", window)
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert "采用的收到基元素碳含量" in text
    assert "公式" in text and "输入值" in text
    assert "coal_cc_missing_default" in text or "缺省" in text
    assert "把握程度" in text


def test_ctrl_s_asks_for_a_reason_and_saves_a_revision(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    asked: list[bool] = []
    window.ask_save_reason = lambda: asked.append(True) or "补充说明"  # type: ignore[method-assign]
    session.set_value("remarks", "本月 2 号机组 10 月 5 日至 8 日检修停机")
    window.form_view.setFocus()  # type: ignore[union-attr]
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert asked == [True]
    workspace = window.workspace
    assert workspace is not None
    assert workspace.revisions(session.filing_id)[-1].reason == "补充说明"
    assert not session.is_modified


def test_unsaved_changes_are_offered_back_after_reopening(window: MainWindow, qtbot, demo_path: Path) -> None:
    session = open_month(window)
    session.set_value("remarks", "自动保存的说明")
    session.autosave_now()
    filing_id = session.filing_id
    window.close()
    reopened = MainWindow(Desk.open(demo_path))
    qtbot.addWidget(reopened)
    offered: list[int] = []
    reopened.ask_restore = lambda draft, current: offered.append(draft.base_revision) or True  # type: ignore[method-assign]
    restored = reopened.open_filing(filing_id)
    assert offered == [1]
    assert restored is not None and restored.value("remarks") == "自动保存的说明"
    assert restored.is_modified
    reopened.ask_leave = lambda: "keep"  # type: ignore[method-assign]
    reopened.close()


def test_calendar_cards_show_status_deadline_and_overdue(window: MainWindow, qtbot) -> None:
    calendar = window.calendar
    assert calendar is not None
    window.desk.status.invalidate()
    calendar.set_year(2026)
    assert len([c for c in calendar.cards if c.summary.spec.filing_type == "monthly"]) == 12
    # Drawn at once with the due dates; the findings behind each status follow once painted.
    october = calendar.card_for("2026-10")
    assert october is not None and october.summary.pending and october.chip.text() == "检查中…"
    assert october.due.text() == "截止 2026-11-20"
    qtbot.waitUntil(lambda: calendar.settled, timeout=5000)
    jan = calendar.card_for("2026-01")
    october = calendar.card_for("2026-10")
    november = calendar.card_for("2026-11")
    assert jan is not None and jan.summary.status == "已导出"
    assert october is not None and october.summary.status == "有错误"
    assert november is not None and november.summary.status == "未开始"
    assert october.summary.due.isoformat() == "2026-11-20"  # local 20-day rule of the demo enterprise
    september = calendar.card_for("2026-09")
    assert september is not None
    if september.summary.overdue(calendar.today):
        assert september.property("overdue") is True
        assert "逾期" in september.left.text()
