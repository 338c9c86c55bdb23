"""The window on the Appendix 5 other tables: a filled 平板玻璃 filing opens in the generated form, says
what its layout rests on, shows both totals, and reports an aircraft type under the wrong category at
the field; screenshots are written for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path

import a5_data as d
import pytest

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from cets_desktop.store import Workspace  # noqa: E402
from cets_desktop.ui.form_view import FormView  # noqa: E402
from cets_desktop.ui.session import FilingSession  # noqa: E402
from cets_desktop.workflow.desk import Desk  # noqa: E402

SHOTS = Path(os.environ.get("A5_SCREENSHOTS", "/tmp"))


def open_view(qtbot, tmp_path: Path, form: str, values: dict | None = None):  # type: ignore[no-untyped-def]
    enterprise, _ = d.FORMS[form]
    doc = d.doc(form, values).to_json_dict()
    workspace = Workspace.open(tmp_path / "w.cetsdb")
    ent = workspace.add_enterprise(enterprise["name"], enterprise["uscc"], industry_code="3041")
    filing = workspace.create_filing(ent.id, form, doc["form_version"], d.YEAR, doc)
    session = FilingSession(Desk(workspace), filing, d.b.spec_of(form), doc)
    view = FormView(session)
    qtbot.addWidget(view)
    view.resize(1280, 860)
    view.show()
    session.evaluate_now()
    return workspace, session, view


def labels(view) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(w.text() for p in view.panels for w in p.findChildren(QLabel))


def test_glass_filing_opens_says_its_basis_and_shows_both_totals(qtbot, tmp_path: Path) -> None:
    workspace, session, view = open_view(qtbot, tmp_path, "a5-glass")
    try:
        spec = d.b.spec_of("a5-glass")
        assert len(view.panels) == len(spec.sections)
        assert "本表结构依据2023年模板推定" in labels(view)
        values = session.evaluation.values
        assert values["total_co2"] > values["total_co2_energy_only"] > 0
        steps = [s.name for s in spec.sections]
        view.set_step(steps.index("lines"))
        QApplication.processEvents()
        assert view.grab().save(str(SHOTS / "a5-glass-window.png"))
        view.set_step(steps.index("enterprise_total"))
        QApplication.processEvents()
        assert view.grab().save(str(SHOTS / "a5-glass-totals.png"))
    finally:
        view.close()
        session.deleteLater()
        workspace.close()


def test_airline_wrong_category_is_reported_at_the_type(qtbot, tmp_path: Path) -> None:
    values = d.fresh("a5-airline")
    values["categories"][1]["types"].append({"aircraft_type": "B777"})
    workspace, session, view = open_view(qtbot, tmp_path, "a5-airline", values)
    try:
        found = [f for f in session.evaluation.findings if f.code == "A5-AIR-010"]
        assert [f.path for f in found] == ["categories[1].types[3].aircraft_type"]
        steps = [s.name for s in d.b.spec_of("a5-airline").sections]
        view.set_step(steps.index("categories"))
        QApplication.processEvents()
        assert view.grab().save(str(SHOTS / "a5-airline-window.png"))
    finally:
        view.close()
        session.deleteLater()
        workspace.close()
