"""Next year's plan from this year's, the plan form at 1280×800, and the history viewer
(revisions, audit log in words, diff, the drafted change statement, restore)."""

from __future__ import annotations

from conftest import screenshot
from gui_helpers import open_month, parameter_row, seed_power_plan
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from cets_desktop.ui.export_wizard import ExportWizard
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.month_calendar import FilingCard
from cets_desktop.ui.repeat_table import RepeatTableEditor

NEW_SCALE = "电子皮带秤 ICS-20B"


def plan_card(window: MainWindow, year: int = 2026) -> FilingCard:
    window.show_calendar(1, year)
    assert window.calendar is not None
    return next(c for c in window.calendar.cards if c.summary.spec.filing_type == "plan")


def copy_2027_plan(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    seed_power_plan(window, "2026")
    card = plan_card(window)
    assert card.summary.period == "2027" and card.summary.filing is None
    qtbot.mouseClick(card.copy_button, Qt.MouseButton.LeftButton)
    assert window.session is not None and window.session.period == "2027"


def test_plan_card_offers_copy_of_last_year_and_reports_unit_changes(window: MainWindow, qtbot) -> None:
    assert window.workspace is not None
    card = plan_card(window)
    assert not hasattr(card, "copy_button")  # no 2026 plan yet: only a blank plan is possible
    window.workspace.add_facility(1, "发电机组", "3号机组")
    seed_power_plan(window, "2026")
    card = plan_card(window)
    assert card.copy_button.text() == "从上一年度复制" and card.blank_button.text() == "新建空白计划"
    assert window.calendar is not None
    qtbot.waitUntil(lambda: window.calendar.settled, timeout=5000)  # type: ignore[union-attr]
    screenshot(window, "1280x800-6-plan-card")
    qtbot.mouseClick(card.copy_button, Qt.MouseButton.LeftButton)
    session = window.session
    assert session is not None
    assert session.document["meta"]["copied_from"]["period"] == "2026"
    assert session.values["revisions"][-1] == {"version": "V4.0", "revision_kind": "修订"}
    assert [r.reason for r in window.workspace.revisions(session.filing_id)] == ["由 2026 年度计划复制"]
    # The unit registered since the old plan comes back as PLAN-COPY-001, in the panel and the notice.
    assert session.evaluation is not None
    copy_findings = [f for f in session.evaluation.findings if f.code == "PLAN-COPY-001"]
    assert [f.path for f in copy_findings] == ["units"]
    assert "3号机组" in copy_findings[0].message
    tree = window.findings.tree
    assert "PLAN-COPY-001" in {tree.topLevelItem(r).text(1) for r in range(tree.topLevelItemCount())}
    assert window.findings_dock.isVisible()
    assert window.plan_copy_box.isVisible() and "3号机组" in window.plan_copy_box.text()
    window.settle(50)
    screenshot(window.plan_copy_box, "1280x800-6-plan-copied-notice")
    window.plan_copy_box.close()


def test_new_filing_of_a_plan_asks_copy_or_blank(window: MainWindow, qtbot) -> None:
    assert window.workspace is not None
    seed_power_plan(window, "2026")
    spec = window.registry.for_period("power-plan", "2027")
    assert spec is not None
    asked: list[tuple[str, str]] = []
    window.ask_plan_start = lambda spec, period, previous: asked.append((period, previous)) and None  # type: ignore[method-assign]
    assert window.create_filing(1, spec, "2027") is None  # cancelled: nothing created
    assert asked == [("2027", "2026")] and window.workspace.find_filing(1, "power-plan", "2027") is None
    window.ask_plan_start = lambda spec, period, previous: "copy"  # type: ignore[method-assign]
    session = window.create_filing(1, spec, "2027")
    assert session is not None and session.document["meta"]["copied_from"]["period"] == "2026"
    window.plan_copy_box.close()


def test_blank_plan_when_the_user_says_so(window: MainWindow, qtbot) -> None:
    seed_power_plan(window, "2026")
    card = plan_card(window)
    qtbot.mouseClick(card.blank_button, Qt.MouseButton.LeftButton)
    session = window.session
    assert session is not None and session.period == "2027"
    assert "copied_from" not in session.document.get("meta", {})
    # The template's own starting rows, nothing of the 2026 plan.
    assert session.values["revisions"] == [{"revision_kind": "首次编制"}]
    assert not any(r.get("equipment_id") for r in session.values["parameters"])


def test_half_done_copied_plan_stays_draft_and_exports_only_as_draft(window: MainWindow, qtbot) -> None:
    copy_2027_plan(window, qtbot)
    window.plan_copy_box.close()
    session = window.session
    assert session is not None
    window.validate()
    assert session.filing.state == "草稿"  # the new revision row still lacks date, content, triggers, reason
    assert session.evaluation is not None and session.evaluation.errors
    wizard = ExportWizard(window, session)
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.preflight.final.isEnabled() and wizard.preflight.draft.isChecked()
    wizard.close()


def test_parameter_table_is_usable_at_1280x800(window: MainWindow, qtbot) -> None:
    copy_2027_plan(window, qtbot)
    window.plan_copy_box.close()
    view = window.form_view
    assert view is not None
    table = view.editor_at("parameters[0].equipment_name")
    assert isinstance(table, RepeatTableEditor)
    window.settle(50)
    # Wider than the form: it scrolls sideways with 机组名称 and 参数名称 frozen on the left.
    assert table.view.horizontalScrollBar().maximum() > 0
    assert table.frozen is not None and table.frozen.count == 2
    assert [table.model.columns[c].name for c in range(2)] == ["facility", "parameter"]
    assert table.frozen.overlay.isVisible() and table.frozen.overlay.width() == table.frozen.width
    # Moving to a column far right scrolls it into view beside the frozen columns, not under them.
    window.jump_to("parameters[0].equipment_name")
    window.settle(50)
    column = table.model.column_of("equipment_name")
    assert table.view.columnViewportPosition(column) >= table.frozen.width
    # Every step title is readable enough: the current one in full.
    assert view.steps.tabText(view.current_step()).startswith("④ 数据的确定方式")
    screenshot(window, "1280x800-6-plan-parameters")
    view.set_step(2)
    window.settle(50)
    screenshot(window, "1280x800-6-plan-units")


def test_meter_change_shows_in_history_diff_and_change_statement(window: MainWindow, qtbot) -> None:
    copy_2027_plan(window, qtbot)
    window.plan_copy_box.close()
    session = window.session
    assert session is not None and window.form_view is not None
    row = parameter_row(session, "1号机组", "燃煤消耗量")
    table = window.form_view.editor_at(f"parameters[{row}].equipment_name")
    assert isinstance(table, RepeatTableEditor)
    index = table.model.index(row, table.model.column_of("equipment_name"))
    assert table.model.setData(index, NEW_SCALE, Qt.ItemDataRole.EditRole)
    assert window.save()
    assert session.base_revision == 2

    dialog = window.history_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    # Newest first; the current revision is selected and compared with the one before.
    assert dialog.revision_table.item(0, 0).text() == "第 2 版（当前）"
    assert dialog.revision_table.item(1, 3).text() == "由 2026 年度计划复制"
    assert dialog.compared == (1, 2)
    dialog.select_revisions([1, 2])
    rows = [
        tuple(dialog.diff_table.item(r, c).text() for c in range(4))
        for r in range(dialog.diff_table.rowCount())
    ]
    assert (
        "参数「1号机组·混煤·燃煤消耗量」 › 测量设备名称及型号",
        "修改",
        "电子皮带秤 ICS-17A",
        NEW_SCALE,
    ) in rows
    statement = dialog.statement.toPlainText()
    assert NEW_SCALE in statement and "测量设备名称及型号" in statement
    assert "采用新的测量仪器和测量方法" in statement  # the suggested revision trigger
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == statement
    # The audit log names the field and its place, not the raw path.
    audit = [
        [dialog.audit_table.item(r, c).text() for c in range(7)] for r in range(dialog.audit_table.rowCount())
    ]
    assert [
        "参数「1号机组·混煤·燃煤消耗量」 › 测量设备名称及型号",
        "修改",
        "电子皮带秤 ICS-17A",
        NEW_SCALE,
        "测试保存",
    ] in [a[2:] for a in audit]
    assert audit[-1][2:4] == ["新建填报", "新增"] and audit[-1][6] == "由 2026 年度计划复制"
    dialog.tabs.setCurrentIndex(0)
    window.settle(50)
    screenshot(dialog, "1280x800-7-history-plan-diff")
    dialog.tabs.setCurrentIndex(1)
    window.settle(50)
    screenshot(dialog, "1280x800-7-history-audit")
    dialog.close()


def test_restore_saves_the_old_revision_as_a_new_one(window: MainWindow, qtbot) -> None:
    copy_2027_plan(window, qtbot)
    window.plan_copy_box.close()
    session = window.session
    assert session is not None and window.workspace is not None
    row = parameter_row(session, "1号机组", "燃煤消耗量")
    session.set_value(f"parameters[{row}].equipment_name", NEW_SCALE)
    assert window.save()
    session.set_value(f"parameters[{row}].equipment_id", "EQ-BS-11")  # unsaved, must not be lost
    asked: list[tuple[int, int]] = []
    window.ask_save_before_restore = lambda: True  # type: ignore[method-assign]
    window.ask_confirm_restore = lambda number, current: asked.append((number, current)) or True  # type: ignore[method-assign]

    dialog = window.history_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.select_revisions([1])
    assert dialog.restore_button.isEnabled() and dialog.restore_button.text() == "恢复第 1 版…"
    dialog.restore_button.click()

    assert asked == [(1, 3)]  # the unsaved edit was saved first as revision 3
    revisions = window.workspace.revisions(session.filing_id)
    assert [r.number for r in revisions] == [1, 2, 3, 4]
    assert revisions[-1].reason == "恢复第 1 版"
    restored = window.session
    assert restored is not None and restored is not session and restored.base_revision == 4
    assert restored.value(f"parameters[{row}].equipment_name") == "电子皮带秤 ICS-17A"
    third = window.workspace.get_revision(session.filing_id, 3)
    assert third is not None and third.document["values"]["parameters"][row]["equipment_id"] == "EQ-BS-11"
    # The dialog follows: the new revision is current and selected.
    assert dialog.revision_table.item(0, 0).text() == "第 4 版（当前）"
    assert dialog.selected_numbers() == [4] and not dialog.restore_button.isEnabled()
    dialog.close()


def test_declined_restore_changes_nothing(window: MainWindow, qtbot) -> None:
    session = open_month(window, "2026-10")
    assert window.workspace is not None
    session.set_value("remarks", "补充说明")
    assert window.save()
    before = window.workspace.revisions(session.filing_id)
    window.ask_confirm_restore = lambda number, current: False  # type: ignore[method-assign]
    dialog = window.history_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.select_revisions([before[-2].number])
    dialog.restore_button.click()
    assert window.workspace.revisions(session.filing_id) == before
    dialog.close()


def test_monthly_history_from_the_menu_and_the_form_button(window: MainWindow, qtbot) -> None:
    session = open_month(window, "2026-10")
    assert window.form_view is not None
    assert window.actions_by_name["history"].isEnabled()
    assert window.actions_by_name["history"] in window.menuBar().actions()[0].menu().actions()
    session.set_value("units[0].fuels[0].consumption", "152000.00")
    assert window.save()
    opened: list[object] = []
    window.show_history = lambda: opened.append(window.history_dialog())  # type: ignore[method-assign]
    window.form_view.historyRequested.disconnect()
    window.form_view.historyRequested.connect(window.show_history)
    qtbot.mouseClick(window.form_view.history_button, Qt.MouseButton.LeftButton)
    dialog = opened[0]
    assert dialog is not None
    qtbot.addWidget(dialog)  # type: ignore[arg-type]
    dialog.show()  # type: ignore[attr-defined]
    assert not dialog.statement_box.isVisibleTo(dialog)  # type: ignore[attr-defined]
    rows = [
        tuple(dialog.diff_table.item(r, c).text() for c in range(4))  # type: ignore[attr-defined]
        for r in range(dialog.diff_table.rowCount())
    ]  # type: ignore[attr-defined]
    assert ("机组「1号机组」 › 燃料「烟煤」 › 燃料消耗量", "修改", "152340.50", "152000.00") in rows
    QApplication.processEvents()
    dialog.close()  # type: ignore[attr-defined]


def test_completing_the_revision_row_in_the_form_makes_the_plan_final(window: MainWindow, qtbot) -> None:
    import datetime as dt

    copy_2027_plan(window, qtbot)
    window.plan_copy_box.close()
    session = window.session
    assert session is not None and window.form_view is not None
    table = window.form_view.editor_at("revisions[3].revision_date")
    assert isinstance(table, RepeatTableEditor) and table.model.rowCount() == 4
    typed = {
        "revision_date": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
        "content": "编制2027年度计划：更换1号机组入炉煤皮带秤。",
        "reason": "测量设备更新。",
    }
    for name, text in typed.items():
        assert table.model.setData(
            table.model.index(3, table.model.column_of(name)), text, Qt.ItemDataRole.EditRole
        )
    trigger = next(c.value for c in session.spec.choices["revision_trigger"] if "测量仪器" in c.text)
    assert table.model.setData(
        table.model.index(3, table.model.column_of("triggers")), [trigger], Qt.ItemDataRole.EditRole
    )
    session.evaluate_now()
    assert session.evaluation is not None and session.evaluation.errors == [], [
        (f.code, f.path) for f in session.evaluation.errors
    ]
    for finding in session.evaluation.unacknowledged_warnings:
        session.acknowledge(finding.code, finding.path, "已与设备台账核对。")
    assert window.save()
    window.validate()
    assert session.filing.state == "已校验"
    wizard = ExportWizard(window, session)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.preflight.final.isEnabled() and wizard.preflight.final.isChecked()
    wizard.close()
