"""Tables behave like Excel: Ctrl+D fills down, one value pastes into a whole selection, a range
copied out carries its headings and pastes back by heading, and each is one undo step. A new
plan's preset parameter rows carry the registered line name."""

from __future__ import annotations

from gui_helpers import open_month, valid_uscc
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication

from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.repeat_table import RepeatTableEditor


def _fuels(window: MainWindow, unit: int) -> RepeatTableEditor:
    view = window.form_view
    assert view is not None
    table = view.editor_at(f"units[{unit}].fuels[0].fuel_name")
    assert isinstance(table, RepeatTableEditor)
    return table


def _select(table: RepeatTableEditor, cells: list[tuple[int, str]]) -> None:
    model = table.model
    first = model.index(cells[0][0], model.column_of(cells[0][1]))
    table.view.setCurrentIndex(first)
    selection = QItemSelection()
    for row, name in cells:
        index = model.index(row, model.column_of(name))
        selection.select(index, index)
    table.view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def test_ctrl_d_fills_the_top_value_down_the_selection_as_one_undo_step(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    table = _fuels(window, 0)
    assert [r["consumption"] for r in session.rows("units[0].fuels")][:2] == ["152340.50", "35.20"]
    steps = session.undo_stack.count()
    _select(table, [(0, "consumption"), (1, "consumption")])
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert session.rows("units[0].fuels")[1]["consumption"] == "152340.50"
    assert session.rows("units[0].fuels")[0]["fuel_name"] == "烟煤"  # other columns untouched
    assert session.undo_stack.count() == steps + 1
    session.undo_stack.undo()
    assert session.rows("units[0].fuels")[1]["consumption"] == "35.20"


def test_ctrl_d_on_one_cell_takes_the_value_above(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    table = _fuels(window, 0)
    _select(table, [(1, "consumption_route")])
    session.set_value("units[0].fuels[1].consumption_route", "估算值")
    assert table.fill_down() == 1
    assert (
        session.rows("units[0].fuels")[1]["consumption_route"]
        == session.rows("units[0].fuels")[0]["consumption_route"]
    )


def test_one_copied_value_pastes_into_every_selected_cell(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    table = _fuels(window, 0)
    steps = session.undo_stack.count()
    _select(table, [(0, "consumption"), (1, "consumption")])
    QGuiApplication.clipboard().setText("1200.5\r\n")
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    rows = session.rows("units[0].fuels")
    assert [rows[0]["consumption"], rows[1]["consumption"]] == ["1200.5", "1200.5"]
    assert len(rows) == 2  # no rows added for a single value
    assert session.undo_stack.count() == steps + 1
    session.undo_stack.undo()
    assert [r["consumption"] for r in session.rows("units[0].fuels")] == ["152340.50", "35.20"]


def test_copy_out_has_headings_and_pastes_back_by_heading_adding_rows(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    source = _fuels(window, 0)
    model = source.model
    first, last = model.column_of("fuel_name"), model.column_of("consumption")
    lo, hi = min(first, last), max(first, last)
    _select(source, [(r, model.columns[c].name) for r in (0, 1) for c in range(lo, hi + 1)])
    source.view.setFocus()
    qtbot.keyClick(source.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QGuiApplication.clipboard().text()
    lines = text.splitlines()
    assert len(lines) == 3  # heading + two rows
    headings = lines[0].split("\t")
    assert "燃料品种" in headings[0] or model.columns[lo].label in headings[0]
    consumption = model.columns[model.column_of("consumption")]
    assert f"{consumption.label}（{consumption.unit}）" in headings
    assert lines[1].split("\t")[0] == "烟煤" and "152340.50" in lines[1].split("\t")
    assert lines[2].split("\t")[0] == "柴油" and "35.20" in lines[2].split("\t")

    target = _fuels(window, 1)
    assert len(session.rows("units[1].fuels")) == 1
    steps = session.undo_stack.count()
    target.select_cell(0, target.model.column_of("consumption_route"))  # any cell of the first row
    target.view.setFocus()
    qtbot.keyClick(target.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    rows = session.rows("units[1].fuels")
    assert [r.get("fuel_name") for r in rows] == ["烟煤", "柴油"]
    assert [r.get("consumption") for r in rows] == ["152340.50", "35.20"]
    assert session.undo_stack.count() == steps + 1
    session.undo_stack.undo()
    assert [r.get("consumption") for r in session.rows("units[1].fuels")] == ["68000.00"]


def test_a_new_cement_plan_names_the_registered_line_in_its_preset_rows(empty_window: MainWindow) -> None:
    desk = empty_window.desk
    assert desk is not None
    enterprise = desk.save_enterprise(
        None,
        name="江苏示范水泥有限公司",
        uscc=valid_uscc(),
        industry_code="3011",
        sectors=["cement"],
        new_facilities=[("熟料生产线", "2500t/d 熟料生产线")],
    )
    spec = next(s for s in desk.forms_for(enterprise) if s.id == "cement-plan")
    session = empty_window.create_filing(enterprise.id, spec, "2027", start="blank")
    assert session is not None
    rows = session.rows("parameters")
    facility_level = [r for r in rows if r.get("level") == "熟料生产设施层级"]
    assert len(facility_level) == 34 and len(rows) == 39
    assert all(r.get("facility") == "2500t/d 熟料生产线" for r in facility_level)
    assert all(not r.get("facility") for r in rows if r.get("level") != "熟料生产设施层级")
