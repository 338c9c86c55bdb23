"""The demo never endangers real data: it is marked as a sandbox wherever it shows, and an
enterprise the user created in it is never deleted without asking (and the old file is kept)."""

from __future__ import annotations

from pathlib import Path

from gui_helpers import valid_uscc
from PySide6.QtWidgets import QPushButton

from cets_desktop.ui import demo_workspace
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.workflow.desk import Desk


def _names(path: Path) -> set[str]:
    with Desk.open(path) as desk:
        return {e.name for e in desk.list_enterprises()}


def test_demo_is_marked_as_a_sandbox(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(demo_workspace, "demo_folder", lambda: tmp_path)
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.open_demo()
    assert window.desk is not None and window.desk.is_sandbox
    assert "沙盒" in window.windowTitle()
    assert "沙盒" in window.location_banner_label.text() and window.location_banner.isVisibleTo(window)
    root = window.navigator.model_.item(0)
    assert root is not None and "沙盒" in root.text()
    window.close()


def test_user_work_in_the_demo_survives_reopening_and_a_reset_keeps_the_old_file(
    qtbot, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(demo_workspace, "demo_folder", lambda: tmp_path)
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.open_demo()
    assert window.desk is not None
    window.desk.save_enterprise(
        None, name="我自己的电厂有限公司", uscc=valid_uscc(), industry_code="4411", sectors=["power"]
    )
    demo = window.desk.path
    answers: list[bool | None] = [False, None, True]
    asked: list[int] = []

    def ask() -> bool | None:
        asked.append(1)
        return answers.pop(0)

    window.ask_reset_demo = ask  # type: ignore[method-assign]
    window.open_demo()  # keep: the user's enterprise is still there
    assert "我自己的电厂有限公司" in _names(demo)
    window.open_demo()  # cancel: nothing happens to the file
    assert "我自己的电厂有限公司" in _names(demo)
    window.open_demo()  # reset: a fresh demo, the old file kept beside it under a dated name
    assert len(asked) == 3
    assert "我自己的电厂有限公司" not in _names(demo)
    kept = [p for p in tmp_path.glob("演示工作区-保留-*.cetsdb")]
    assert len(kept) == 1 and "我自己的电厂有限公司" in _names(kept[0])
    window.close()


def test_an_untouched_demo_is_rebuilt_without_asking(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(demo_workspace, "demo_folder", lambda: tmp_path)
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.ask_reset_demo = lambda: (_ for _ in ()).throw(AssertionError("asked"))  # type: ignore[method-assign]
    window.open_demo()
    window.open_demo()
    assert window.desk is not None and window.desk.list_enterprises()
    assert not list(tmp_path.glob("演示工作区-保留-*"))
    window.close()


def test_first_start_leads_to_an_own_workspace_and_backups_restore_with_evidence(
    qtbot, tmp_path: Path, demo_path: Path
) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(None)
    qtbot.addWidget(window)
    labels = [b.text() for b in window.welcome.findChildren(QPushButton)]
    assert labels[0] == "新建我的工作区…" and "从备份恢复工作区…" in labels
    window.open_workspace(demo_path)
    backup = tmp_path / "备份.cetsbak"
    window.ask_backup_target = lambda: backup  # type: ignore[method-assign]
    window.backup_workspace()
    qtbot.waitUntil(lambda: window.backup_job.finished, timeout=30000)
    assert backup.is_file()
    restored = tmp_path / "恢复的工作区.cetsdb"
    window.ask_restore_paths = lambda: (backup, restored)  # type: ignore[method-assign]
    window.restore_workspace_backup()
    assert window.desk is not None and window.desk.path == restored.absolute()
    filing = window.desk.list_filings()[0]
    evidence = window.desk.document(filing.id)["evidence"]
    assert evidence and all(window.desk.evidence_exists(e["sha256"]) for e in evidence)
    window.close()
