"""How the generated form behaves: relevance, invalid input kept, validation state, navigation."""

from __future__ import annotations

from gui_helpers import finding_codes, open_month
from PySide6.QtCore import Qt

from cets_desktop.ui.field_editors import ChoiceEditor, DateEditor, LineEditor
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.master_detail import MasterDetailEditor
from cets_desktop.ui.navigator import Node


def test_choosing_gas_shows_the_gas_unit_class_and_hides_coal_fields(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    view = window.form_view
    assert view is not None
    category = view.editor_at("units[0].fuel_category")
    assert isinstance(category, ChoiceEditor)
    units = view.panels[1].repeats["units"]
    assert isinstance(units, MasterDetailEditor)
    gas_row, pressure_row = units.detail.rows["gas_unit_class"], units.detail.rows["pressure_class"]
    assert not gas_row.isVisibleTo(view) and pressure_row.isVisibleTo(view)
    category.choose("燃气")
    qtbot.waitUntil(lambda: gas_row.isVisibleTo(view) and not pressure_row.isVisibleTo(view), timeout=2000)
    assert session.value("units[0].pressure_class") == "超超临界"  # hidden, not deleted
    session.undo_stack.undo()
    qtbot.waitUntil(lambda: not gas_row.isVisibleTo(view), timeout=2000)


def test_an_invalid_number_is_kept_as_typed_and_reported(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    view = window.form_view
    assert view is not None
    editor = view.editor_at("units[0].heat_supplied")
    assert isinstance(editor, LineEditor)
    editor.edit.setText("18万")
    assert session.value("units[0].heat_supplied") == "18万"
    assert editor.edit.property("badInput") is True
    qtbot.waitUntil(lambda: ("GEN-002", "units[0].heat_supplied") in finding_codes(session), timeout=3000)
    assert editor.edit.property("severity") == "error"
    session.autosave_now()
    draft = session.desk.recover_draft(session.filing_id)
    assert draft is not None and draft.document["values"]["units"][0]["heat_supplied"] == "18万"


def test_blank_date_and_picked_date(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    view = window.form_view
    assert view is not None
    editor = view.editor_at("fill_date")
    assert isinstance(editor, DateEditor)
    assert editor.raw() is None and editor.edit.text() == "未填写"
    editor.edit.setDate(editor.edit.date().fromString("2026-11-18", "yyyy-MM-dd"))
    assert session.value("fill_date") == "2026-11-18"
    editor.edit.setDate(editor.edit.minimumDate())
    assert session.value("fill_date") is None


def test_validate_after_fixing_everything_marks_the_filing_validated(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    session.set_value("units[1].net_supply", "149500.000")
    session.evaluate_now()
    for finding in list(session.evaluation.unacknowledged_warnings):  # type: ignore[union-attr]
        session.acknowledge(finding.code, finding.path, "支撑材料纸质版已归档，扫描件下周补传")
    session.evaluate_now()
    assert session.evaluation is not None and session.evaluation.exportable
    assert window.save()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert session.filing.state == "已校验"
    assert "已校验" in window.statusBar().currentMessage()


def test_navigator_lists_filings_with_state_and_due_date_and_opens_them(window: MainWindow, qtbot) -> None:
    model = window.navigator.model_
    texts: list[str] = []

    def walk(item) -> None:  # type: ignore[no-untyped-def]
        texts.append(item.text())
        for r in range(item.rowCount()):
            walk(item.child(r, 0))

    for r in range(model.rowCount()):
        walk(model.item(r, 0))
    assert "10月　草稿 · 11-20" in texts
    assert "1月　已导出 · 02-20" in texts
    assert window.workspace is not None
    filing = window.workspace.find_filing(1, "power-monthly", "2026-08")
    assert filing is not None
    assert window.navigator.select_node(Node("filing", 1, 2026, filing.id), emit=True)
    assert window.session is not None and window.session.period == "2026-08"


def test_switching_filings_with_unsaved_changes_asks_first(window: MainWindow, qtbot) -> None:
    session = open_month(window, "2026-10")
    session.set_value("remarks", "未保存的说明")
    asked: list[str] = []
    window.ask_leave = lambda: asked.append("leave") or "cancel"  # type: ignore[method-assign]
    assert open_month.__name__  # keep helper import used
    assert window.workspace is not None
    other = window.workspace.find_filing(1, "power-monthly", "2026-09")
    assert other is not None
    assert window.open_filing(other.id) is None
    assert asked == ["leave"] and window.session is session
    window.ask_leave = lambda: "keep"  # type: ignore[method-assign]
    assert window.open_filing(other.id) is not None
    assert window.workspace.recover_draft(session.filing_id) is not None
