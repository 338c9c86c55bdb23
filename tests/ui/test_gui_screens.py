"""Screenshots of every main screen at 1280×800 and 1920×1080 (tests/ui/_screens/, gitignored).

They are for people to look at (Chinese renders, nothing clipped); the assertions only check
that each screen could be rendered at the size and is not blank.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import screenshot
from gui_helpers import open_month
from PySide6.QtGui import QColor, QImage

from cets_desktop.core.document import parse_document
from cets_desktop.ui.enterprise_dialog import EnterpriseDialog
from cets_desktop.ui.excel_import import ImportPreviewDialog
from cets_desktop.ui.explain_dialog import ExplainDialog
from cets_desktop.ui.export_wizard import ExportWizard
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.settings_dialog import SettingsDialog

SIZES = {"1280x800": (1280, 800), "1920x1080": (1920, 1080)}


def _not_blank(path: Path) -> None:
    image = QImage(str(path))
    assert not image.isNull()
    first = QColor(image.pixel(0, 0))
    colours = {
        QColor(image.pixel(x, y)).rgb()
        for x in range(0, image.width(), 37)
        for y in range(0, image.height(), 29)
    }
    assert len(colours) > 8, f"{path.name} 看起来是空白的（{first.name()}）"


@pytest.mark.parametrize("size", list(SIZES))
def test_main_screens(window: MainWindow, qtbot, size: str) -> None:
    width, height = SIZES[size]
    window.resize(width, height)
    window.calendar.set_year(2026)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.calendar.settled, timeout=5000)  # type: ignore[union-attr]
    window.settle(100)
    _not_blank(screenshot(window, f"{size}-1-calendar"))

    session = open_month(window, "2026-10")
    view = window.form_view
    assert view is not None
    for step in range(len(view.panels)):
        view.set_step(step)
        window.settle(60)
        _not_blank(screenshot(window, f"{size}-2-form-step{step + 1}"))

    window.jump_to("units[1].net_supply")
    window.settle(60)
    _not_blank(screenshot(window, f"{size}-3-jump-to-finding"))

    window.jump_to("units[0].fuels[0].carbon_content")
    window.settle(60)
    _not_blank(screenshot(window, f"{size}-4-fuels-table"))

    view.set_step(2)
    window.settle(30)
    dialog = ExplainDialog(session, "total_emissions", window)
    qtbot.addWidget(dialog)
    dialog.show()
    window.settle(60)
    _not_blank(screenshot(dialog, f"{size}-5-explain-total"))
    dialog.close()
    dialog = ExplainDialog(session, "units[1].fuels[0].c_ar", window)
    qtbot.addWidget(dialog)
    dialog.show()
    window.settle(60)
    _not_blank(screenshot(dialog, f"{size}-5-explain-default-carbon"))
    dialog.close()


def test_dialog_screens(window: MainWindow, qtbot, tmp_path: Path) -> None:
    workspace = window.workspace
    assert workspace is not None
    enterprise = workspace.get_enterprise(1)
    dialog = EnterpriseDialog(enterprise, workspace.list_facilities(1), window)
    qtbot.addWidget(dialog)
    dialog.emissions.setText("2350000")
    dialog.show()
    window.settle(60)
    _not_blank(screenshot(dialog, "dialog-enterprise"))
    dialog.close()

    new = EnterpriseDialog(None, None, window)
    qtbot.addWidget(new)
    new.name.setText("苏北示范化工有限公司")
    new.uscc.setText("91320600MA1P4Q2X3A")
    new.industry.setEditText("2621")
    new.show()
    window.settle(60)
    _not_blank(screenshot(new, "dialog-enterprise-new-invalid-code"))
    new.close()

    settings = SettingsDialog(window.desk, 1, window)
    qtbot.addWidget(settings)
    settings.show()
    window.settle(60)
    _not_blank(screenshot(settings, "dialog-settings"))
    settings.close()

    session = open_month(window, "2026-10")
    wizard = ExportWizard(window, session)
    qtbot.addWidget(wizard)
    wizard.show()
    window.settle(60)
    _not_blank(screenshot(wizard, "dialog-export-preflight"))
    wizard.next()
    wizard.output.folder.setText(str(tmp_path / "申报包"))
    window.settle(30)
    _not_blank(screenshot(wizard, "dialog-export-output"))
    wizard.close()

    loaded = session.loaded_input()
    loaded.document = parse_document(session.document)
    preview = ImportPreviewDialog(loaded, 3, tmp_path / "10月存证.xlsx", window)
    qtbot.addWidget(preview)
    preview.show()
    window.settle(60)
    _not_blank(screenshot(preview, "dialog-import-preview"))
    preview.close()


def test_welcome_screen(empty_window: MainWindow) -> None:
    empty_window.settle(60)
    _not_blank(screenshot(empty_window, "1280x800-0-welcome"))
