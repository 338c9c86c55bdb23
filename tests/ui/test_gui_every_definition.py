"""Forms are data: every shipped definition opens in the generated form without screen code."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from cets_desktop.core.loader import default_registry
from cets_desktop.store import Workspace
from cets_desktop.ui.field_editors import MultiChoiceEditor
from cets_desktop.ui.form_view import FormView
from cets_desktop.ui.repeat_table import RepeatTableEditor
from cets_desktop.ui.session import FilingSession
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.documents import new_document

SPECS = sorted({(s.id, s.version) for s in default_registry().all()})


@pytest.mark.parametrize(("form_id", "version"), SPECS, ids=[f"{i}@{v}" for i, v in SPECS])
def test_definition_builds_a_working_form(qtbot, tmp_path, form_id: str, version: str) -> None:
    from gui_helpers import valid_uscc

    spec = default_registry().get(form_id, version)
    assert spec is not None
    period = f"{spec.template_year}-10" if spec.period_kind == "month" else str(spec.template_year)
    with Workspace.open(tmp_path / "w.cetsdb") as workspace:
        enterprise = workspace.add_enterprise("示范企业有限公司", valid_uscc(), industry_code="4411")
        doc = new_document(spec, period, {"name": enterprise.name, "uscc": enterprise.uscc}).to_json_dict()
        filing = workspace.create_filing(enterprise.id, spec.id, spec.version, period, doc)
        session = FilingSession(Desk(workspace), filing, spec, doc)
        view = FormView(session)
        qtbot.addWidget(view)
        view.resize(1100, 800)
        view.show()
        for step in range(len(spec.sections)):
            view.set_step(step)
            QApplication.processEvents()
        assert session.evaluation is not None
        assert len(view.panels) == len(spec.sections)
        # Every repeat gets a row through the table editor, and the evaluation keeps up.
        tables = [w for p in view.panels for w in p.findChildren(RepeatTableEditor)]
        for table in tables[:3]:
            table.add_row()
        session.evaluate_now()
        assert session.evaluation is not None
        for editor in [w for p in view.panels for w in p.findChildren(MultiChoiceEditor)][:1]:
            editor.button.actions_[0].setChecked(True)
        view.close()
        session.deleteLater()


def test_multiple_choice_cell_stores_a_list_of_choice_values(qtbot, tmp_path) -> None:
    from gui_helpers import valid_uscc
    from PySide6.QtWidgets import QStyleOptionViewItem

    from cets_desktop.ui.field_editors import MultiChoiceButton

    spec = default_registry().get("power-plan")
    assert spec is not None
    with Workspace.open(tmp_path / "w.cetsdb") as workspace:
        enterprise = workspace.add_enterprise("示范企业有限公司", valid_uscc())
        doc = new_document(spec, "2027", {"name": enterprise.name, "uscc": enterprise.uscc}).to_json_dict()
        filing = workspace.create_filing(enterprise.id, spec.id, spec.version, "2027", doc)
        session = FilingSession(Desk(workspace), filing, spec, doc)
        view = FormView(session)
        qtbot.addWidget(view)
        table = view.editor_at("revisions[0].triggers")
        assert isinstance(table, RepeatTableEditor)
        if table.model.rowCount() == 0:
            table.add_row()
        column = table.model.column_of("triggers")
        index = table.model.index(0, column)
        delegate = table.view.itemDelegate()
        editor = delegate.createEditor(table.view.viewport(), QStyleOptionViewItem(), index)
        assert isinstance(editor, MultiChoiceButton)
        editor.actions_[0].setChecked(True)
        editor.actions_[2].setChecked(True)
        delegate.setModelData(editor, table.model, index)
        stored = session.value("revisions[0].triggers")
        assert stored == [editor.actions_[0].data(), editor.actions_[2].data()]
        assert "、" in table.model.data(index)
        session.evaluate_now()
        assert not [
            f
            for f in session.evaluation.findings
            if f.path == "revisions[0].triggers" and f.code == "GEN-002"
        ]
        view.close()
