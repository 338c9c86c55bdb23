"""The window on a 石化 / 化工 table: a filled 合成氨 filing (with the 联产甲醇 split) opens in the generated
form, the honesty note and the emission-year wording are on screen, the findings are the CLI's, and a
seeded negative carbon balance shows as an error. A screenshot is kept for review."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import chem_data as c  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

SCREEN_DIR = Path(os.environ.get("CETS_SCREEN_DIR", "")) if os.environ.get("CETS_SCREEN_DIR") else None


def open_view(qtbot, tmp_path: Path, form: str, values=None):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from cets_desktop.core.loader import default_registry
    from cets_desktop.store import Workspace
    from cets_desktop.ui.fonts import application_font
    from cets_desktop.ui.form_view import FormView
    from cets_desktop.ui.session import FilingSession
    from cets_desktop.workflow.desk import Desk

    QApplication.instance().setFont(application_font())
    spec = default_registry().get(form)
    doc = c.filing(form, values).to_json_dict()
    workspace = Workspace.open(tmp_path / "w.cetsdb")
    ent = c.FORMS[form][0]
    enterprise = workspace.add_enterprise(ent["name"], ent["uscc"], industry_code="2621")
    filing = workspace.create_filing(enterprise.id, spec.id, spec.version, c.YEAR, doc)
    session = FilingSession(Desk(workspace), filing, spec, doc)
    view = FormView(session)
    qtbot.addWidget(view)
    view.resize(1280, 900)
    view.show()
    return workspace, session, view


def test_a_filled_ammonia_filing_opens_with_its_note_and_the_clis_findings(qtbot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication, QLabel

    workspace, session, view = open_view(qtbot, tmp_path, "a5-ammonia")
    try:
        session.evaluate_now()
        evaluation = session.evaluation
        assert evaluation is not None
        # GEN-009: the test's scanned documents are recorded in the filing but not put in this workspace's store
        shown = [f.code for f in evaluation.findings if f.code != "GEN-009"]
        assert shown == [f.code for f in c.run("a5-ammonia").findings] == ["A5-NH3-041"]
        texts = []
        for step, _section in enumerate(view.session.spec.sections):
            view.set_step(step)
            QApplication.processEvents()
            texts += [label.text() for label in view.panels[step].findChildren(QLabel)]
        joined = "\n".join(texts)
        assert "请以管理平台下发模板为准" in joined and "排放年度" in joined
        assert "合成氨联产甲醇" in joined and "原料分摊系数" in joined
        workshop_step = next(i for i, s in enumerate(view.session.spec.sections) if s.name == "workshops")
        view.set_step(workshop_step)
        QApplication.processEvents()
        shot = view.grab()
        assert not shot.isNull() and shot.width() > 600
        target = (SCREEN_DIR or tmp_path) / "a5-ammonia-workshops.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shot.save(str(target))
    finally:
        view.close()
        session.deleteLater()
        workspace.close()


def test_a_negative_carbon_balance_is_an_error_in_the_window(qtbot, tmp_path: Path) -> None:
    values = c.ammonia_values()
    values["workshops"][0]["outputs"][1]["output"] = "3000000"
    workspace, session, view = open_view(qtbot, tmp_path, "a5-ammonia", values)
    try:
        session.evaluate_now()
        errors = [f for f in session.evaluation.findings if f.severity == "error"]
        assert [(f.code, f.path) for f in errors] == [("A5-NH3-008", "workshops[0].raw_material_emissions")]
    finally:
        view.close()
        session.deleteLater()
        workspace.close()
