"""Excel from the window: the open filing exported as a template (with its data, or blank) next
to 从 Excel 导入, and the filled one reads back into the same filing without changes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from gui_helpers import open_month

from cets_desktop.ui.main_window import MainWindow


def _export(window: MainWindow, qtbot, target: Path, prefilled: bool) -> None:  # type: ignore[no-untyped-def]
    window.ask_template_target = lambda suggested: (target, prefilled)  # type: ignore[method-assign]
    window.actions_by_name["export_template"].trigger()
    qtbot.waitUntil(lambda: window.template_job.finished, timeout=20000)
    assert target.is_file()
    assert "已导出 Excel 模板" in window.statusBar().currentMessage()


def _cells(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [
            str(c)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
            if c is not None
        ]
    finally:
        wb.close()


def test_prefilled_template_round_trips_into_the_open_filing(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    session = open_month(window, "2026-09")
    assert window.actions_by_name["export_template"].isEnabled()
    target = tmp_path / "九月.xlsx"
    _export(window, qtbot, target, prefilled=True)
    cells = _cells(target)
    consumption = session.value("units[0].fuels[0].consumption")
    assert any(c.startswith(str(consumption).split(".")[0]) for c in cells), (
        "the month's fuel figure is in the workbook"
    )
    confirmed: list[int] = []
    from cets_desktop.ui.excel_import import import_into_session

    job = import_into_session(
        window, session, target, confirm=lambda loaded, changes: confirmed.append(changes) or True
    )
    qtbot.waitUntil(lambda: job.finished, timeout=20000)
    assert confirmed == [0]  # the same data came back


def test_blank_template_carries_the_enterprise_but_no_figures(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    session = open_month(window, "2026-09")
    target = tmp_path / "空白.xlsx"
    _export(window, qtbot, target, prefilled=False)
    cells = _cells(target)
    assert any("华东示范热电有限公司" in c for c in cells)
    consumption = str(session.value("units[0].fuels[0].consumption"))
    assert not any(
        consumption.split(".")[0] in c for c in cells if c.replace(".", "").replace(",", "").isdigit()
    )
