"""Export wizard, Excel import and settings, through the window."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

from gui_helpers import open_month

from cets_desktop.core.document import parse_document
from cets_desktop.ui.export_wizard import ExportWizard
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.settings_dialog import SETTING_PDF_FONT, SettingsDialog


def run_export(
    window: MainWindow,
    qtbot,
    folder: Path,
    draft: bool = False,  # type: ignore[no-untyped-def]
    sign: bool = True,
) -> ExportWizard:
    assert window.session is not None
    wizard = ExportWizard(window, window.session)
    qtbot.addWidget(wizard)
    wizard.show()
    if draft:
        wizard.preflight.draft.setChecked(True)
    wizard.next()
    assert wizard.currentPage() is wizard.output
    wizard.output.folder.setText(str(folder))
    wizard.output.sign.setChecked(sign)  # tests/conftest.py puts an in-memory keyring in place
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=60000)
    return wizard


def test_final_export_writes_the_package_and_marks_the_filing_exported(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    session = open_month(window, "2026-09")
    wizard = ExportWizard(window, session)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.preflight.final.isEnabled() and wizard.preflight.final.isChecked()
    wizard.close()

    wizard = run_export(window, qtbot, tmp_path / "out")
    outcome = wizard.outcome
    assert outcome is not None, wizard.error_text
    assert not outcome.draft and outcome.signed
    assert outcome.package_path.exists()
    with zipfile.ZipFile(outcome.package_path) as zf:
        names = set(zf.namelist())
    assert {"manifest.json", "manifest.sig", "data.json", "data.xlsx", "report.pdf"} <= names
    assert any(n.startswith("evidence/") for n in names)
    assert wizard.pdf_path is not None and wizard.pdf_path.exists()
    assert wizard.result_page.open_pdf.isEnabled()
    workspace = window.workspace
    assert workspace is not None
    filing = workspace.get_filing(session.filing_id)
    assert filing is not None and filing.state == "已导出"
    assert [p.sha256 for p in workspace.packages(session.filing_id)] == [outcome.sha256]


def test_a_filing_with_errors_can_only_be_exported_as_a_draft(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    session = open_month(window, "2026-10")
    wizard = ExportWizard(window, session)
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.preflight.final.isEnabled()
    assert wizard.preflight.draft.isChecked()
    assert any(
        "PWR-M-100" in wizard.preflight.items.item(i).text() for i in range(wizard.preflight.items.count())
    )
    wizard.close()
    wizard = run_export(window, qtbot, tmp_path / "drafts", draft=True, sign=False)
    assert wizard.outcome is not None and wizard.outcome.draft
    assert wizard.outcome.package_path.name.endswith("-draft.zip")
    workspace = window.workspace
    assert workspace is not None
    assert workspace.get_filing(session.filing_id).state == "草稿"  # type: ignore[union-attr]
    assert workspace.packages(session.filing_id) == []


def test_excel_import_replaces_values_only_after_confirmation(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    from cets_desktop.io.xlsx_template import write_workbook
    from cets_desktop.ui.excel_import import import_into_session

    session = open_month(window, "2026-10")
    data = copy.deepcopy(session.document)
    data["values"]["units"][1]["net_supply"] = "149500.000"
    workbook = tmp_path / "10月存证.xlsx"
    write_workbook(session.spec, workbook, document=parse_document(data))

    asked: list[int] = []
    job = import_into_session(
        window, session, workbook, confirm=lambda loaded, changes: asked.append(changes) or False
    )
    qtbot.waitUntil(lambda: job.finished, timeout=20000)
    assert asked and asked[0] >= 1
    assert session.value("units[1].net_supply") == "169500.000"  # declined: nothing changed

    job = import_into_session(window, session, workbook, confirm=lambda loaded, changes: True)
    qtbot.waitUntil(lambda: job.finished, timeout=20000)
    qtbot.waitUntil(lambda: session.value("units[1].net_supply") not in (None, "169500.000"), timeout=3000)
    assert float(session.value("units[1].net_supply")) == 149500.0
    qtbot.waitUntil(lambda: all(f.code != "PWR-M-100" for f in session.evaluation.findings), timeout=3000)
    session.undo_stack.undo()
    assert session.value("units[1].net_supply") == "169500.000"


def test_settings_store_local_deadline_and_pdf_font(window: MainWindow, qtbot) -> None:
    workspace = window.workspace
    assert workspace is not None
    dialog = SettingsDialog(window.desk, 1, window)
    qtbot.addWidget(dialog)
    dialog.spins[1].setValue(15)
    dialog.font_path.setText("/nonexistent/simsun.ttc")
    assert "不存在" in dialog.font_state.text()
    dialog.font_path.setText("")
    dialog.apply()
    assert workspace.get_enterprise(1).settings["local_deadline_days"] == 15  # type: ignore[union-attr]
    assert workspace.get_setting(SETTING_PDF_FONT) is None
    window.desk.status.invalidate()
    window.show_calendar(1, 2026)
    card = window.calendar.card_for("2026-10")  # type: ignore[union-attr]
    assert card is not None and card.summary.due.isoformat() == "2026-11-15"
