"""燃料形态 reads the same in the window as on paper: the fuels table's column header and cells of
the October month carry the PDF's label and texts (固体 / 液体), formatted by the same function."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from official_data import Printed, pdf_text

pytest.importorskip("pytestqt")


@pytest.fixture
def window(qtbot, qapp, tmp_path: Path) -> Iterator:  # type: ignore[no-untyped-def]
    from cets_desktop.demo import build_demo_workspace
    from cets_desktop.ui.fonts import application_font
    from cets_desktop.ui.main_window import MainWindow
    from cets_desktop.ui.stylesheet import app_stylesheet
    from cets_desktop.workflow.desk import Desk

    qapp.setStyle("Fusion")
    qapp.setFont(application_font())
    qapp.setStyleSheet(app_stylesheet())
    win = MainWindow(Desk.open(build_demo_workspace(tmp_path / "demo.cetsdb")))
    win.ask_restore = lambda draft, current: True  # type: ignore[method-assign]
    win.ask_leave = lambda: "keep"  # type: ignore[method-assign]
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


def test_fuel_form_reads_the_same_in_the_window_and_the_pdf(
    window, printed: dict[str, Printed], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    from cets_desktop.ui.repeat_table import RepeatTableEditor

    filing = window.workspace.find_filing(1, "power-monthly", "2026-10")
    assert filing is not None and window.open_filing(filing.id) is not None
    editors = [
        e for e in window.form_view.findChildren(RepeatTableEditor) if e.repeat.path == "units[].fuels[]"
    ]
    assert editors, "窗口中没有燃料表"
    fuels = editors[0]
    model = fuels.model
    col = next(i for i, c in enumerate(model.columns) if c.name == "fuel_phase")
    assert not fuels.view.isColumnHidden(col)
    header = str(model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
    window_texts = [
        model.data(model.index(r, col), Qt.ItemDataRole.DisplayRole) for r in range(model.rowCount())
    ]

    # On paper the fuels of 1号机组 print side by side (烟煤, 柴油): the 燃料形态 row holds the same texts.
    text = pdf_text(printed["month"].pdf)
    line = next(ln for ln in text.splitlines() if re.match(r"^\s*\S*\s*燃料形态\s", ln))
    paper = line.split("燃料形态", 1)[1].split()
    assert header.rstrip("*") == "燃料形态"
    assert window_texts == paper == ["固体", "液体"]
    fuels.grab().save(str(tmp_path / "fuels-1366x768.png"))
