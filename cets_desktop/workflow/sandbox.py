"""The demo workspace is a sandbox: marked as such wherever it shows, and never replaced while it
holds work the user did in it unless the user says so — and even then the old file is kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..core.lean_stdlib import datetime

if TYPE_CHECKING:  # the window's first paint shows SANDBOX_NOTE before the store is imported
    from ..store import Workspace

SANDBOX_SETTING = "sandbox"
DEMO_ACTOR = "演示数据"
SANDBOX_NOTE = (
    "演示工作区（沙盒）：这里的企业和数据仅供练习，不能用于正式申报。"
    "要填报自己的企业，请用 文件 → 新建工作区。"
)


def mark_sandbox(workspace: Workspace) -> None:
    workspace.set_setting(SANDBOX_SETTING, True)


def is_sandbox(workspace: Workspace) -> bool:
    from ..store import WorkspaceError

    try:
        return bool(workspace.get_setting(SANDBOX_SETTING))
    except WorkspaceError:
        return False


def has_user_work(path: Path) -> bool:
    """True when someone other than the demo builder changed the workspace at ``path``: an audit
    row by another actor (an enterprise, a filing, a save), or an autosaved draft."""
    if not path.exists():
        return False
    from ..store import Workspace, WorkspaceError

    try:
        with Workspace.open(path, create=False, read_only=True) as ws:
            if any(entry.actor != DEMO_ACTOR for entry in ws.audit()):
                return True
            return any(ws.recover_draft(f.id) is not None for f in ws.list_filings())
    except WorkspaceError:
        return True  # unreadable: never replace what we cannot inspect


def set_aside(path: Path) -> Path:
    """Rename the workspace at ``path`` (database, WAL files, evidence folder) to a dated name
    beside it, so a fresh demo can be built without losing anything; returns the new path."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}-保留-{stamp}{path.suffix}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(path) + suffix)
        if source.exists():
            source.rename(Path(str(target) + suffix))
    evidence = path.with_name(path.stem + ".evidence")
    if evidence.exists():
        evidence.rename(target.with_name(target.stem + ".evidence"))
    return target
