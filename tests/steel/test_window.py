"""The steel month in the window: the generated form opens on a filled month, shows the computed
enterprise total, and a seeded error appears in the findings at its field."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import steel_helpers as h  # noqa: E402

pytest.importorskip("PySide6")


def open_form(qtbot, tmp_path: Path, values: dict):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from cets_desktop.store import Workspace
    from cets_desktop.ui.fonts import application_font
    from cets_desktop.ui.form_view import FormView
    from cets_desktop.ui.session import FilingSession
    from cets_desktop.ui.stylesheet import app_stylesheet
    from cets_desktop.workflow.desk import Desk

    app = QApplication.instance()
    app.setFont(application_font())
    app.setStyleSheet(app_stylesheet())
    workspace = Workspace.open(tmp_path / "w.cetsdb")
    enterprise = workspace.add_enterprise(h.ENTERPRISE["name"], h.ENTERPRISE["uscc"], industry_code="3120")
    doc = h.document(values=values, with_evidence=False).to_json_dict()
    spec = h.spec()
    filing = workspace.create_filing(enterprise.id, spec.id, spec.version, "2026-10", doc)
    session = FilingSession(Desk(workspace), filing, spec, doc)
    view = FormView(session)
    qtbot.addWidget(view)
    view.resize(1280, 860)
    view.show()
    return workspace, session, view


def test_filled_month_opens_computes_and_shows_an_error(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    values = h.month_values()
    values["fuels"][0]["ncv"] = "6240"  # kcal/kg typed into a GJ/t field
    workspace, session, view = open_form(qtbot, tmp_path, values)
    try:
        for step in range(len(h.spec().sections)):
            view.set_step(step)
            QApplication.processEvents()
        session.evaluate_now()
        ev = session.evaluation
        assert ev is not None
        assert [(f.code, f.path) for f in ev.errors] == [("STL-M-110", "fuels[0].ncv")]
        view.set_step(1)
        QApplication.processEvents()
        shot = view.grab()
        assert not shot.isNull() and shot.width() > 600
        out = Path(os.environ.get("STEEL_SCREENSHOT_DIR", tmp_path))
        shot.save(str(out / "steel-month-enterprise.png"))
        view.set_step(4)
        QApplication.processEvents()
        view.grab().save(str(out / "steel-month-summary.png"))
        # The month's numbers are the engine's, once the NCV is corrected the total is the hand-calculated one.
        fixed = h.run_values(h.month_values()).values
        assert round(fixed["ent_total"], 2) == Decimal("575455.12")
    finally:
        view.close()
        session.deleteLater()
        workspace.close()
