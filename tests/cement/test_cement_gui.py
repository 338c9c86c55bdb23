"""The window on the cement and aluminium months: the generated form opens a filled month, shows no
finding, walks every step, and a seeded unit error appears in the findings at its field. Screenshots
go to the test's temporary folder (looked at by hand while developing)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "aluminium"))
import aluminium_helpers  # noqa: E402
import cement_helpers  # noqa: E402


def open_view(qtbot: Any, tmp_path: Path, helpers: Any, values: dict[str, Any]) -> tuple[Any, Any]:
    from PySide6.QtWidgets import QApplication

    from cets_desktop.store import Workspace
    from cets_desktop.ui.fonts import application_font
    from cets_desktop.ui.form_view import FormView
    from cets_desktop.ui.session import FilingSession

    app = QApplication.instance()
    assert app is not None
    app.setFont(application_font())  # type: ignore[attr-defined]
    spec = helpers.b.spec_of(helpers.FORM)
    doc = helpers.document(values).to_json_dict()
    workspace = Workspace.open(tmp_path / "w.cetsdb")
    enterprise = workspace.add_enterprise(helpers.ENTERPRISE["name"], helpers.ENTERPRISE["uscc"])
    filing = workspace.create_filing(enterprise.id, spec.id, spec.version, helpers.PERIOD, doc)
    try:  # the application layer the window talks to (one doorway); older trees passed the workspace
        from cets_desktop.workflow.desk import Desk

        session = FilingSession(Desk(workspace), filing, spec, doc)
    except ImportError:
        session = FilingSession(workspace, filing, spec, doc)
    view = FormView(session)
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    session.evaluate_now()
    return view, session


@pytest.mark.parametrize("helpers", [cement_helpers, aluminium_helpers], ids=["cement", "aluminium"])
def test_a_filled_month_opens_clean_and_every_step_renders(qtbot: Any, tmp_path: Path, helpers: Any) -> None:
    from PySide6.QtWidgets import QApplication

    view, session = open_view(qtbot, tmp_path, helpers, helpers.values())
    assert session.evaluation is not None
    # the references to evidence files are not in this throwaway workspace's store (GEN-009): nothing else
    assert [
        (f.code, f.path)
        for f in session.evaluation.findings
        if f.severity in ("error", "warning") and f.code != "GEN-009"
    ] == []
    for step in range(len(view.panels)):
        view.set_step(step)
        QApplication.processEvents()
        image = view.grab()
        assert not image.isNull()
        image.save(str(tmp_path / f"{helpers.FORM}-step{step + 1}.png"))
    assert len(view.panels) == len(helpers.b.spec_of(helpers.FORM).sections)
    view.close()
    session.deleteLater()


def test_a_seeded_kg_per_tonne_factor_shows_up_at_its_field(qtbot: Any, tmp_path: Path) -> None:
    values = cement_helpers.values()
    values["lines"][0]["clinkers"][0].update(clinker_ef="535", clinker_ef_route="实测值")
    view, session = open_view(qtbot, tmp_path, cement_helpers, values)
    assert session.evaluation is not None
    errors = {(f.code, f.path) for f in session.evaluation.errors}
    assert errors == {("CEM-M-310", "lines[0].clinkers[0].clinker_ef")}
    view.close()
    session.deleteLater()
