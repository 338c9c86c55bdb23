"""Shared steps of the evidence-for-many-items tests (imported by name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from cets_desktop.ui.evidence_attach_dialog import ROLE_PATH, EvidenceMappingDialog
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.session import FilingSession

SCREENS = Path(__file__).parent / "_screens"


def screenshot(widget: Any, name: str) -> Path:
    SCREENS.mkdir(exist_ok=True)
    path = SCREENS / f"{name}.png"
    assert widget.grab().save(str(path)), f"截图保存失败：{path}"
    return path


def at_size(window: MainWindow, width: int = 1366, height: int = 768, evidence_width: int = 300) -> None:
    """The window at a screen size people have, the evidence dock at a usable width."""
    window.resize(width, height)
    window.resizeDocks([window.evidence_dock], [evidence_width], Qt.Orientation.Horizontal)
    window.settle(80)


def open_month(window: MainWindow, period: str = "2026-10") -> FilingSession:
    assert window.workspace is not None
    filing = window.workspace.find_filing(1, "power-monthly", period)
    assert filing is not None
    session = window.open_filing(filing.id)
    assert session is not None
    return session


def evidence_gaps(session: FilingSession) -> list[str]:
    """Open GEN-006 warnings (a field with a value and no supporting material)."""
    assert session.evaluation is not None
    return sorted(
        f.path for f in session.evaluation.findings if f.code == "GEN-006" and f.severity == "warning"
    )


def tick(dialog: EvidenceMappingDialog, path: str, on: bool = True) -> None:
    """What a click on the field's box in the checklist does."""
    for group in dialog.group_items():
        for j in range(group.childCount()):
            child = group.child(j)
            if child.data(0, ROLE_PATH) == path:
                child.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                return
    raise AssertionError(f"{path} 不在清单中")


def scan(folder: Path, name: str, body: str = "") -> Path:
    """A small stand-in for a scanned PDF (distinct content per name)."""
    path = folder / name
    path.write_bytes(f"%PDF-1.4 scan of {name} {body}\n".encode())
    return path
