"""Files dropped with no field selected open the mapping dialog (file → fields, pre-ticked by the
definition's evidence kinds and the file names) instead of being ignored; dropped with a field
selected they back that field, as before. Real QMimeData drops, on the evidence dock and on the
window itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from cets_desktop.ui.evidence_attach_dialog import EvidenceMappingDialog
from cets_desktop.ui.evidence_panel import DROP_HINT_FIELD, DROP_HINT_MAPPING
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.session import FilingSession

LEDGER = "2026年10月燃料消耗台账（盖章）.pdf"
BILL = "2026年10月电费结算单.pdf"
PRE_TICKED = {
    LEDGER: [
        "units[0].fuels[0].consumption",
        "units[0].fuels[1].consumption",
        "units[1].fuels[0].consumption",
    ],
    BILL: ["units[0].purchased_electricity", "units[1].purchased_electricity"],
}
"""From power-monthly's evidence kinds for the October demo month (two units; unit 1 burns two
fuels): 燃料消耗台账 backs each fuel's consumption, 电费结算单 each unit's purchased electricity."""


def _scan(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(f"%PDF-1.4 scan of {name}\n".encode())
    return path


def _drop(widget: QWidget, files: list[Path]) -> tuple[bool, bool]:
    """Drag ``files`` over the middle of ``widget`` and drop them: (enter accepted, drop accepted)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    middle = widget.rect().center()
    enter = QDragEnterEvent(
        QPoint(middle),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter.setAccepted(False)
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(
        QPointF(middle),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    drop.setAccepted(False)
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted(), drop.isAccepted()


def _open_october(window: MainWindow) -> FilingSession:
    assert window.workspace is not None
    filing = window.workspace.find_filing(1, "power-monthly", "2026-10")
    assert filing is not None
    session = window.open_filing(filing.id)
    assert session is not None
    return session


def _recording(panel: Any, shot: Any = None, accept: bool = True) -> list[dict[str, list[str]]]:
    """Replace the modal run of the dialog: record each dialog's pre-ticked fields per file."""
    seen: list[dict[str, list[str]]] = []

    def run(dialog: EvidenceMappingDialog) -> bool:
        seen.append({plan.source.name: sorted(plan.paths) for plan in dialog.plans()})
        if shot is not None:
            dialog.resize(1100, 640)
            shot(dialog, "drop-without-field-mapping-dialog")
        return accept

    panel.run_dialog = run
    return seen


def test_files_dropped_on_the_dock_with_no_field_open_the_mapping_dialog(
    window: MainWindow, qtbot: Any, tmp_path: Path, shot: Any
) -> None:
    session = _open_october(window)
    panel = window.evidence
    panel.set_path("")  # nothing selected in the form
    assert panel.drop_hint.text() == DROP_HINT_MAPPING
    files = [_scan(tmp_path, LEDGER), _scan(tmp_path, BILL)]
    seen = _recording(panel, shot)
    before = len(session.document["evidence"])
    with qtbot.waitSignal(panel.attached, timeout=10000) as attached:
        assert _drop(panel, files) == (True, True)
    assert attached.args == [2]
    assert seen == [PRE_TICKED]
    refs = session.document["evidence"][before:]
    by_name = {name: sorted(r["path"] for r in refs if r["name"] == name) for name in PRE_TICKED}
    assert by_name == PRE_TICKED
    assert session.undo_stack.undoText() == "附上 2 份支撑材料，对应 5 项"
    panel.tabs.setCurrentIndex(1)
    shot(window, "drop-without-field-attached")


def test_files_dropped_on_the_window_go_the_same_way(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    session = _open_october(window)
    panel = window.evidence
    panel.set_path("")
    seen = _recording(panel)
    with qtbot.waitSignal(panel.attached, timeout=10000):
        # The window itself (outside any widget that takes drops), as a drop on the navigator or
        # the toolbar reaches it.
        assert _drop(window, [_scan(tmp_path, LEDGER)]) == (True, True)
    assert seen == [{LEDGER: PRE_TICKED[LEDGER]}]
    assert (
        sorted(r["path"] for r in session.document["evidence"] if r["name"] == LEDGER) == PRE_TICKED[LEDGER]
    )


def test_a_cancelled_mapping_attaches_nothing_and_says_so(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    session = _open_october(window)
    panel = window.evidence
    panel.set_path("")
    seen = _recording(panel, accept=False)
    before = list(session.document["evidence"])
    assert _drop(panel, [_scan(tmp_path, BILL)]) == (True, True)
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert session.document["evidence"] == before
    assert panel.status.text() == "已取消：没有附上文件。"


def test_with_a_field_selected_a_drop_backs_that_field_without_a_dialog(
    window: MainWindow, qtbot: Any, tmp_path: Path
) -> None:
    session = _open_october(window)
    panel = window.evidence
    panel.set_path("units[1].generation")
    assert panel.drop_hint.text() == DROP_HINT_FIELD
    seen = _recording(panel)
    with qtbot.waitSignal(panel.attached, timeout=10000) as attached:
        assert _drop(panel, [_scan(tmp_path, "2026年10月2号机组上网电量结算单.pdf")]) == (True, True)
    assert attached.args == [1]
    assert seen == []
    last = session.document["evidence"][-1]
    assert last["path"] == "units[1].generation" and last["name"] == "2026年10月2号机组上网电量结算单.pdf"


def test_no_filing_open_refuses_the_drag(window: MainWindow, tmp_path: Path) -> None:
    panel = window.evidence
    panel.set_session(None)
    assert _drop(panel, [_scan(tmp_path, LEDGER)]) == (False, False)
