"""Where the GUI puts the demo workspace and the user's default workspace."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..workflow.records import default_workspace_path

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def demo_folder() -> Path:
    """A per-user folder for the demo; a temp folder when the user data folder is not writable."""
    try:
        folder = default_workspace_path().parent / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".probe"
        probe.write_bytes(b"")
        probe.unlink()
        return folder
    except OSError:
        return Path(tempfile.mkdtemp(prefix="cets-demo-"))


def demo_path(folder: Path | None = None) -> Path:
    return (folder or demo_folder()) / "演示工作区.cetsdb"


def fresh_demo_workspace(
    folder: Path | None = None, ask_reset: Callable[[], bool | None] | None = None
) -> Path | None:
    """The demo workspace, built anew unless it holds the user's own work.

    When it does, ``ask_reset()`` decides: True builds a fresh demo after keeping the old file
    under a dated name beside it, False opens it as it is, None cancels (returns None). Without
    ``ask_reset`` (a screenshot, a script) the user's work is kept and opened as it is.
    """
    from ..demo import build_demo_workspace
    from ..workflow.sandbox import has_user_work, set_aside

    target = demo_path(folder)
    if has_user_work(target):
        answer = ask_reset() if ask_reset is not None else False
        if answer is None:
            return None
        if not answer:
            return target
        set_aside(target)
    return Path(build_demo_workspace(target))


def default_user_workspace() -> Path:
    return default_workspace_path()


def ask_reset_demo(parent: QWidget | None) -> bool | None:
    """The demo holds the user's own work: keep using it (False), rebuild it keeping the old file
    (True), or cancel (None)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Question,
        "演示工作区",
        "演示工作区里有你做过的修改（新建的企业或保存过的数据）。\n\n"
        "可以继续使用它；也可以重新生成演示数据——原来的文件会改名保留在同一文件夹中，不会删除。",
        parent=parent,
    )
    keep = box.addButton("继续使用（保留修改）", QMessageBox.ButtonRole.AcceptRole)
    reset = box.addButton("重新生成演示数据", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    clicked = box.clickedButton()
    return False if clicked is keep else True if clicked is reset else None
