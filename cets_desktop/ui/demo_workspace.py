"""Where the GUI puts the demo workspace and the user's default workspace."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..workflow.records import default_workspace_path


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


def fresh_demo_workspace(folder: Path | None = None) -> Path:
    """A newly built demo workspace (replacing the previous demo, never the user's own)."""
    from ..demo import build_demo_workspace

    target = (folder or demo_folder()) / "演示工作区.cetsdb"
    return Path(build_demo_workspace(target))


def default_user_workspace() -> Path:
    return default_workspace_path()
