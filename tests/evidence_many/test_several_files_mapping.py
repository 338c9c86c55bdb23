"""Several files at once: a table of file → fields prefilled by the kinds the definition names and
by the file names (台账 → consumption, 检测报告 → heating value and carbon content, 月报 →
production, 电费结算单 → purchased electricity, 热量表 → heat), edited by the user, attached in
one undo step. The month of two units goes from 17 evidence warnings to none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from many_helpers import at_size, evidence_gaps, open_month, scan, screenshot, tick

from cets_desktop.ui.evidence_attach_dialog import EvidenceMappingDialog
from cets_desktop.ui.main_window import MainWindow

LEDGER = "2026年10月燃料消耗台账（盖章）.pdf"
LAB = "2026年10月煤质检测报告（CMA）.pdf"
REPORT = "2026年10月生产月报（盖章）.pdf"
BILL = "2026年10月电费结算单.pdf"
HEAT = "2026年10月热量表读数记录.jpg"

EXPECTED = {
    LEDGER: [
        "units[0].fuels[0].consumption",
        "units[0].fuels[1].consumption",
        "units[1].fuels[0].consumption",
    ],
    LAB: ["units[0].fuels[0].ncv", "units[0].fuels[0].carbon_content", "units[1].fuels[0].ncv"],
    REPORT: [
        "units[0].generation",
        "units[0].net_supply",
        "units[0].operating_hours",
        "units[0].load_factor",
        "units[1].generation",
        "units[1].net_supply",
        "units[1].operating_hours",
        "units[1].load_factor",
    ],
    BILL: ["units[0].purchased_electricity", "units[1].purchased_electricity"],
    HEAT: ["units[0].heat_supplied"],
}
"""Worked out by hand from power-monthly's evidence kinds for the October demo month."""


def test_five_scans_mapped_and_attached_in_one_step(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    session = open_month(window)
    assert len(evidence_gaps(session)) == 17
    files = [scan(tmp_path, name) for name in EXPECTED]
    panel = window.evidence
    prefilled: dict[str, list[str]] = {}
    kinds: dict[str, str | None] = {}

    def fill(dialog: EvidenceMappingDialog) -> bool:
        for plan in dialog.plans():
            prefilled[plan.source.name] = sorted(plan.paths)
            kinds[plan.source.name] = plan.kind
        assert dialog.file_table.rowCount() == 5
        assert dialog.file_table.item(2, 2).text() == "8 项"
        # Choosing a file in the table shows its own ticks in the checklist.
        dialog.file_table.setCurrentCell(1, 0)
        assert "煤质检测报告" in dialog.file_title.text()
        assert sorted(dialog.paths(1)) == sorted(EXPECTED[LAB])
        dialog.resize(1280 - 40, 720 - 60)
        screenshot(dialog, "several-files-mapping-1280x720")
        return True

    panel.run_dialog = fill  # type: ignore[method-assign]
    steps = session.undo_stack.count()
    with qtbot.waitSignal(panel.attached, timeout=10000) as attached:
        panel.attach_many(files)
    assert attached.args == [5]
    assert prefilled == {name: sorted(paths) for name, paths in EXPECTED.items()}
    assert kinds[BILL] == "电费结算单" and kinds[REPORT] == "盖章生产报表"

    refs = session.document["evidence"]
    assert len(refs) == 17
    assert {r["name"] for r in refs} == set(EXPECTED)
    by_name = {name: sorted(r["path"] for r in refs if r["name"] == name) for name in EXPECTED}
    assert by_name == {name: sorted(paths) for name, paths in EXPECTED.items()}
    assert len({r["sha256"] for r in refs}) == 5
    assert all(window.desk.evidence_exists(r["sha256"]) for r in refs)
    assert session.undo_stack.count() == steps + 1
    assert session.undo_stack.undoText() == "附上 5 份支撑材料，对应 17 项"
    session.evaluate_now()
    assert evidence_gaps(session) == []

    at_size(window)
    panel.tabs.setCurrentIndex(1)
    assert panel.documents.topLevelItemCount() == 5
    screenshot(window, "several-files-panel-1366x768")

    # One undo takes all five back; nothing else changed.
    session.undo_stack.undo()
    assert session.document["evidence"] == []
    session.evaluate_now()
    assert len(evidence_gaps(session)) == 17


def test_user_edits_the_mapping_before_attaching(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    session = open_month(window)
    files = [scan(tmp_path, REPORT), scan(tmp_path, "2026年10月2号机组上网电量结算单.pdf")]
    panel = window.evidence

    def fill(dialog: EvidenceMappingDialog) -> bool:
        # The grid settlement names 上网电量结算单, a kind of 发电量, and 2号机组: unit 2's generation.
        dialog.file_table.setCurrentCell(1, 0)
        assert dialog.paths(1) == ["units[1].generation"]
        # The user knows the settlement covers both units' export: ticks unit 1 too, then changes
        # their mind.
        tick(dialog, "units[0].generation")
        assert dialog.paths(1) == ["units[0].generation", "units[1].generation"]
        tick(dialog, "units[0].generation", on=False)
        dialog.file_table.setCurrentCell(0, 0)
        tick(dialog, "units[1].load_factor", on=False)
        return True

    panel.run_dialog = fill  # type: ignore[method-assign]
    with qtbot.waitSignal(panel.attached, timeout=10000):
        panel.attach_many(files)
    refs = session.document["evidence"]
    settlement = sorted(r["path"] for r in refs if "结算单" in r["name"])
    assert settlement == ["units[1].generation"]
    assert next(r["kind"] for r in refs if "结算单" in r["name"]) == "上网电量结算单"
    report = sorted(r["path"] for r in refs if r["name"] == REPORT)
    assert report == sorted(p for p in EXPECTED[REPORT] if p != "units[1].load_factor")
    session.evaluate_now()
    # 17 − 7 (report) = 10; the settlement adds a second file to a field already covered.
    assert len(evidence_gaps(session)) == 10
