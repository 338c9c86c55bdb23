"""Recently opened workspaces, kept in QSettings (only window state and this list live there;
everything about the filings lives in the workspace itself)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "recent_workspaces"
LIMIT = 8


def settings() -> QSettings:
    # defaultFormat(): native (registry on Windows); tests switch it to an INI file in a temp folder.
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, "cets-desktop", "cets-desktop")


def recent() -> list[Path]:
    value = settings().value(KEY, [])
    # An INI file gives back a lone string for a one-item list.
    items: list[object] = (
        [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
    )
    return [Path(str(p)) for p in items if p]


def remember(path: Path) -> None:
    path = Path(path).absolute()
    items = [p for p in recent() if p != path]
    settings().setValue(KEY, [str(p) for p in [path, *items][:LIMIT]])


def forget(path: Path) -> None:
    settings().setValue(KEY, [str(p) for p in recent() if p != Path(path).absolute()])
