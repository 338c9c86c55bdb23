"""Dropping files on the evidence panel, and what the status bar says about autosave."""

from __future__ import annotations

import re
from pathlib import Path

from gui_helpers import finding_codes, open_month
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from cets_desktop.store import WorkspaceError
from cets_desktop.ui.evidence_panel import EvidencePanel
from cets_desktop.ui.main_window import MainWindow

TARGET = "units[1].net_supply"


def mime_with(urls: list[QUrl], text: str | None = None) -> QMimeData:
    mime = QMimeData()
    if urls:
        mime.setUrls(urls)
    if text is not None:
        mime.setText(text)
    return mime


def drag_enter(panel: EvidencePanel, mime: QMimeData) -> bool:
    event = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(panel, event)
    return event.isAccepted()


def drop(panel: EvidencePanel, mime: QMimeData) -> QDropEvent:
    """A drop, as Qt delivers it: after a drag-enter the panel accepted."""
    assert drag_enter(panel, mime)
    event = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.setAccepted(False)
    QApplication.sendEvent(panel, event)
    return event


def scans(folder: Path) -> list[Path]:
    files = [folder / "2026年10月2号机组上网电量结算单.pdf", folder / "2026年10月生产月报（盖章）.jpg"]
    for number, file in enumerate(files):
        file.write_bytes(f"scan {number} of the October supporting material\n".encode())
    return files


def test_dropping_files_attaches_them_to_the_current_field(window: MainWindow, qtbot, tmp_path: Path) -> None:
    session = open_month(window)
    assert ("GEN-006", TARGET) in finding_codes(session)
    window.jump_to(TARGET)
    panel = window.evidence
    files = scans(tmp_path)
    urls = [QUrl.fromLocalFile(str(f)) for f in files] + [QUrl("https://example.com/not-a-local-file.pdf")]
    mime = mime_with(urls)
    with qtbot.waitSignal(panel.attached, timeout=5000) as attached:
        event = drop(panel, mime)
    assert event.isAccepted()
    assert attached.args == [2]  # the web address is not a file on this computer
    refs = session.evidence_for(TARGET)
    assert sorted(r["name"] for r in refs) == sorted(f.name for f in files)
    assert all(r["path"] == TARGET and len(r["sha256"]) == 64 for r in refs)
    assert panel.status.text() == "已附上 2 个文件"
    assert panel.files.topLevelItemCount() == 2
    qtbot.waitUntil(lambda: ("GEN-006", TARGET) not in finding_codes(session), timeout=3000)
    # One undo step takes both files off again.
    session.undo_stack.undo()
    assert session.evidence_for(TARGET) == []


def test_drops_that_cannot_be_attached_are_refused(window: MainWindow, qtbot, tmp_path: Path) -> None:
    panel = window.evidence
    file_url = [QUrl.fromLocalFile(str(scans(tmp_path)[0]))]
    # No filing open: nowhere to attach. (A filing but no field chosen takes the drop and opens
    # the mapping dialog: tests/polish/test_drop_without_field.py.)
    assert not drag_enter(panel, mime_with(file_url))
    session = open_month(window)
    panel.set_path("")
    assert drag_enter(panel, mime_with(file_url))
    window.jump_to(TARGET)
    # Text without file addresses (dragged from a mail or a cell) is not evidence.
    assert not drag_enter(panel, mime_with([], text="2号机组上网电量"))
    # A folder is not a file: nothing attached, and the panel says why.
    drop(panel, mime_with([QUrl.fromLocalFile(str(tmp_path))]))
    assert panel.job is None
    assert session.evidence_for(TARGET) == []
    assert "只能附上文件" in panel.status.text()


def test_autosave_indicator_follows_edits_saves_and_failures(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    label = window.autosave_label
    assert label.text() == ""  # nothing typed yet
    session.set_value("remarks", "10月2号机组停机检修3天")
    qtbot.waitUntil(lambda: label.text().startswith("已自动保存"), timeout=4000)
    assert re.fullmatch(r"已自动保存 \d{2}:\d{2}:\d{2}", label.text())
    assert "有未保存的修改" in window.state_label.text()
    assert window.save()
    assert label.text() == f"已保存 第 {session.base_revision} 版"
    assert "有未保存的修改" not in window.state_label.text()

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise WorkspaceError("磁盘已满：工作区无法写入。请清理磁盘空间后继续。")

    session.desk.workspace.autosave = full_disk  # type: ignore[method-assign]
    session.set_value("remarks", "10月2号机组停机检修4天")
    qtbot.waitUntil(lambda: label.text().startswith("自动保存失败"), timeout=4000)
    assert label.text() == "自动保存失败：磁盘已满：工作区无法写入。请清理磁盘空间后继续。"
    assert "#c62828" in label.styleSheet()
    del session.desk.workspace.autosave  # the instance attribute; the real method is back
    session.autosave_now()
    assert label.text().startswith("已自动保存") and label.styleSheet() == ""


def test_reopened_draft_says_so_in_the_indicator(window: MainWindow, qtbot) -> None:
    session = open_month(window)
    session.set_value("remarks", "待核对的说明")
    session.autosave_now()
    filing_id = session.filing_id
    window.show_calendar()
    window.close_session()
    assert window.open_filing(filing_id) is not None
    assert window.autosave_label.text() == "已恢复自动保存的草稿"
