"""Messages where the eye is: an error or warning is written at its field; a missing supporting
document is a quiet grey paper clip, not the border of a wrong value; Ctrl+Z in a field is the
filing's undo."""

from __future__ import annotations

from conftest import screenshot
from gui_helpers import finding_codes, open_month
from PySide6.QtCore import Qt

from cets_desktop.ui.field_editors import LineEditor
from cets_desktop.ui.field_panel import FieldRow
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.master_detail import MasterDetailEditor


def _unit_row(window: MainWindow, unit: int, name: str) -> FieldRow:
    view = window.form_view
    assert view is not None
    view.editor_at(f"units[{unit}].{name}")  # selects the unit in the master table
    units = view.panels[1].repeats["units"]
    assert isinstance(units, MasterDetailEditor)
    return units.detail.rows[name]


def test_an_error_is_written_under_its_field(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    # The demo's unit 2 reports 169 500 MWh supplied from 159 250 MWh generated (PWR-M-100).
    row = _unit_row(window, 1, "net_supply")
    assert ("PWR-M-100", "units[1].net_supply") in finding_codes(session)
    assert row.message.isVisibleTo(row)
    assert "大于发电量" in row.message.text() and "169,500.000" in row.message.text()
    assert "#c62828" in row.message.styleSheet()  # red, like the border
    assert row.editor.widget.property("severity") == "error"
    # The same field also waits for its stamped production report: a separate, quiet mark.
    assert row.evidence_mark.isVisibleTo(row)
    window.toggle_focus_mode()
    window.form_view.focus_path("units[1].net_supply")  # type: ignore[union-attr]
    qtbot.wait(1800)  # after the flash
    screenshot(window, "field-message-error")


def test_missing_evidence_alone_is_a_paper_clip_not_a_warning_border(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    codes = {code for code, path in finding_codes(session) if path == "units[0].generation"}
    assert codes == {"GEN-006"}  # only the document is missing
    row = _unit_row(window, 0, "generation")
    assert row.editor.widget.property("severity") in ("", None)
    assert row.evidence_mark.isVisibleTo(row)
    assert not row.message.isVisibleTo(row)
    assert "支撑材料" in row.evidence_mark.toolTip()


def test_a_warning_message_clears_when_the_value_is_corrected(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    row = _unit_row(window, 1, "net_supply")
    assert row.message.isVisibleTo(row)
    session.set_value("units[1].net_supply", "151000")
    qtbot.waitUntil(lambda: ("PWR-M-100", "units[1].net_supply") not in finding_codes(session), timeout=3000)
    qtbot.waitUntil(lambda: not row.message.isVisibleTo(row), timeout=2000)
    assert row.editor.widget.property("severity") != "error"


def test_bad_input_shows_its_message_at_the_field(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    row = _unit_row(window, 0, "heat_supplied")
    assert isinstance(row.editor, LineEditor)
    row.editor.edit.setText("18万")
    qtbot.waitUntil(lambda: ("GEN-002", "units[0].heat_supplied") in finding_codes(session), timeout=3000)
    qtbot.waitUntil(lambda: "18万" in row.message.text(), timeout=2000)
    assert row.message.isVisibleTo(row)


def test_ctrl_z_in_a_field_is_the_filings_undo(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    row = _unit_row(window, 0, "heat_supplied")
    assert isinstance(row.editor, LineEditor)
    before = session.value("units[0].heat_supplied")
    edit = row.editor.edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=2000)
    edit.selectAll()
    qtbot.keyClicks(edit, "999")
    assert session.value("units[0].heat_supplied") == "999"
    steps = session.undo_stack.count()
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.undo_stack.count() == steps  # nothing added: Ctrl+Z went to the stack
    assert session.undo_stack.index() == steps - 1
    assert session.value("units[0].heat_supplied") == before
    qtbot.waitUntil(lambda: edit.text() == ("" if before is None else str(before)), timeout=2000)
    qtbot.keyClick(edit, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert session.value("units[0].heat_supplied") == "999"
