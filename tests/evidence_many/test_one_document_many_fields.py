"""One stamped 生产月报 backs many fields of both units: one stored file, one reference per ticked
field, one undo step; the panel lists the document once with the fields it covers, and lets the
clerk add or remove fields or detach the document entirely."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from many_helpers import at_size, evidence_gaps, open_month, scan, screenshot, tick
from PySide6.QtCore import Qt

from cets_desktop.ui.evidence_attach_dialog import EvidenceMappingDialog
from cets_desktop.ui.main_window import MainWindow

PRODUCTION = [
    f"units[{u}].{name}"
    for u in (0, 1)
    for name in ("generation", "net_supply", "operating_hours", "load_factor")
]
"""What a production report backs by the definition's kinds (盖章生产报表 / 生产报表), both units."""


def test_one_production_report_backs_both_units(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    session = open_month(window)
    gaps = evidence_gaps(session)
    assert len(gaps) == 17  # the two-unit month of the issue: 10 on unit 1, 7 on unit 2
    panel = window.evidence
    report = scan(tmp_path, "2026年10月生产月报（盖章）.pdf")
    seen: dict[str, Any] = {}

    def fill(dialog: EvidenceMappingDialog) -> bool:
        # Preselected by the kind the definition names (盖章生产报表 / 生产报表) and the name (月报).
        seen["preselected"] = dialog.paths()
        seen["groups"] = [g.data(0, Qt.ItemDataRole.UserRole + 2) for g in dialog.group_items()]
        # The clerk adds what the report also states: purchased electricity of both units.
        tick(dialog, "units[0].purchased_electricity")
        tick(dialog, "units[1].purchased_electricity")
        dialog.resize(1366 - 40, 768 - 80)
        screenshot(dialog, "one-document-checklist-1366x768")
        return True

    panel.run_dialog = fill  # type: ignore[method-assign]
    steps = session.undo_stack.count()
    with qtbot.waitSignal(panel.attached, timeout=5000) as attached:
        panel.attach_many([report])
    assert attached.args == [1]
    assert sorted(seen["preselected"]) == sorted(PRODUCTION)
    assert seen["groups"] == ["机组「1号机组」", "机组「2号机组」"]

    refs = session.document["evidence"]
    expected = sorted([*PRODUCTION, "units[0].purchased_electricity", "units[1].purchased_electricity"])
    assert sorted(r["path"] for r in refs) == expected
    assert len({r["sha256"] for r in refs}) == 1  # one document
    sha = refs[0]["sha256"]
    assert window.desk.evidence_exists(sha)
    assert {r["name"] for r in refs} == {report.name}
    kinds = {r["path"]: r["kind"] for r in refs}
    assert kinds["units[0].generation"] == "盖章生产报表"
    assert kinds["units[0].operating_hours"] == "生产报表"
    assert session.undo_stack.count() == steps + 1  # one attach, one undo step
    assert session.undo_stack.undoText() == f"附上支撑材料「{report.name}」，对应 10 项"

    session.evaluate_now()
    assert len(evidence_gaps(session)) == 7  # 17 − 10
    # The panel shows the document once, with the ten fields under it.
    assert panel.documents.topLevelItemCount() == 1
    top = panel.documents.topLevelItem(0)
    assert top.childCount() == 10 and top.text(0) == f"{report.name}（对应 10 项）"
    assert panel.tabs.tabText(1) == "全部文件（1）"
    panel.tabs.setCurrentIndex(1)
    panel.documents.expandAll()
    at_size(window)
    screenshot(window, "one-document-panel-1366x768")

    # Undo takes the whole attach back, redo brings it again.
    session.undo_stack.undo()
    assert session.document["evidence"] == []
    session.undo_stack.redo()
    assert len(session.document["evidence"]) == 10

    # Adjust: the report does not state unit 2's load factor after all.
    def untick(dialog: EvidenceMappingDialog) -> bool:
        assert sorted(dialog.paths()) == expected
        tick(dialog, "units[1].load_factor", on=False)
        return True

    panel.documents.setCurrentItem(panel.documents.topLevelItem(0))
    panel.run_dialog = untick  # type: ignore[method-assign]
    panel.edit_selected_document()
    assert sorted(r["path"] for r in session.document["evidence"]) == [
        p for p in expected if p != "units[1].load_factor"
    ]
    session.evaluate_now()
    assert "units[1].load_factor" in evidence_gaps(session) and len(evidence_gaps(session)) == 8

    # Detach entirely (one step), and undo it.
    panel.documents.setCurrentItem(panel.documents.topLevelItem(0))
    panel.detach_selected_document()
    assert session.document["evidence"] == []
    session.evaluate_now()
    assert len(evidence_gaps(session)) == 17
    session.undo_stack.undo()
    assert len(session.document["evidence"]) == 9


def test_cancelling_the_checklist_attaches_nothing(window: MainWindow, tmp_path: Path) -> None:
    session = open_month(window)
    panel = window.evidence
    report = scan(tmp_path, "2026年10月生产月报（盖章）.pdf")
    steps = session.undo_stack.count()
    panel.run_dialog = lambda dialog: False  # type: ignore[method-assign]
    assert panel.attach_many([report]) is None
    assert session.document["evidence"] == [] and session.undo_stack.count() == steps
    assert panel.status.text() == "已取消：没有附上文件。"


def test_ticking_a_unit_selects_all_of_its_missing_fields(window: MainWindow) -> None:
    session = open_month(window)
    targets = window.evidence.targets()
    assert targets is not None
    dialog = EvidenceMappingDialog(targets, [Path("2026年10月综合资料.pdf")])
    assert dialog.paths() == []  # nothing in the name or kinds to go by: nothing preselected
    dialog.tick_group("机组「2号机组」")
    unit2 = [t.path for t in targets if t.group == "units[1]"]
    assert len(unit2) == 7 and sorted(dialog.paths()) == sorted(unit2)
    dialog.tick_all_missing()
    assert len(dialog.paths()) == 17
    dialog.set_paths([])
    dialog.set_kind("CMA/CNAS检测报告")
    assert sorted(dialog.paths()) == [
        "units[0].fuels[0].carbon_content",
        "units[0].fuels[0].ncv",
        "units[1].fuels[0].ncv",
    ]
    session.flush()


def test_ticking_a_unit_leaves_fields_that_have_a_file_alone(power_spec: Any) -> None:
    from cets_desktop.demo import power_month_document
    from cets_desktop.workflow import evidence as flow

    doc = power_month_document(10)
    doc["evidence"] = [{"path": "units[1].generation", "sha256": "a" * 64, "name": "上网电量结算单.pdf"}]
    targets = flow.evidence_targets(power_spec, doc)
    dialog = EvidenceMappingDialog(targets, [Path("2号机组资料.pdf")])
    dialog.set_paths([])
    dialog.tick_group("机组「2号机组」")
    # Six of unit 2's seven fields lack evidence; its generation (already backed) is not listed
    # while 只列出缺少支撑材料的项 is on, so the unit's box does not tick it.
    assert len(dialog.paths()) == 6 and "units[1].generation" not in dialog.paths()
    dialog.only_missing.setChecked(False)
    tick(dialog, "units[1].generation")
    assert len(dialog.paths()) == 7


def test_from_a_field_the_file_can_cover_more_fields(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    session = open_month(window)
    panel = window.evidence
    window.jump_to("units[1].net_supply")
    assert panel.path == "units[1].net_supply"
    report = scan(tmp_path, "2026年10月生产月报（盖章）.pdf")
    with qtbot.waitSignal(panel.attached, timeout=5000):
        panel.attach_files([report])
    panel.tabs.setCurrentIndex(0)
    panel.files.setCurrentItem(panel.files.topLevelItem(0))
    assert panel.more_button.isEnabled()

    def more(dialog: EvidenceMappingDialog) -> bool:
        assert dialog.paths() == ["units[1].net_supply"]
        tick(dialog, "units[1].generation")
        tick(dialog, "units[0].net_supply")
        return True

    panel.run_dialog = more  # type: ignore[method-assign]
    panel.more_button.click()
    assert sorted(r["path"] for r in session.document["evidence"]) == [
        "units[0].net_supply",
        "units[1].generation",
        "units[1].net_supply",
    ]
    assert "同一文件共支撑本填报 3 项" in panel.files.topLevelItem(0).toolTip(0)
    window.resize(1366, 768)
    window.settle(80)
    assert panel.more_button.isVisible()
    right = panel.more_button.mapTo(window, panel.more_button.rect().topRight()).x()
    assert right <= window.width()
    screenshot(window, "field-tab-more-fields-1366x768")
