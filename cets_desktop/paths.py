"""The one place that knows where shipped data lives.

`forms/` and `resources/` sit at the top of the source tree and are force-included into the
wheel as `cets_desktop/_data/…`; a frozen (PyInstaller) build puts them under `sys._MEIPASS`.
Nothing else in the code may build paths to them (never relative to the working directory).
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Directory of shipped data: ``data_dir("forms")`` or ``data_dir("resources")``."""
    if name not in ("forms", "resources"):
        raise ValueError(f"unknown data directory {name!r}")
    candidates = [
        _PACKAGE_DIR / "_data" / name,  # installed wheel
        _PACKAGE_DIR.parent / name,  # source checkout / editable install
    ]
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.insert(0, Path(frozen_root) / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"shipped data directory {name!r} not found; looked in {candidates}")


def forms_dir() -> Path:
    return data_dir("forms")


def resources_dir() -> Path:
    return data_dir("resources")


CACHE_DIR_ENV = "CETS_DESKTOP_CACHE_DIR"
"""Environment variable: keep rebuildable caches (the forms index) in this folder instead."""


def cache_dir() -> Path:
    """The per-user cache folder: only data the app can rebuild (e.g. the forms index), never
    anything a user typed. It may not exist yet or be unwritable; callers then work uncached."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("cets-desktop", appauthor=False))


def write_cache_file(path: Path, data: str | bytes) -> bool:
    """Replace the cache file ``path`` with ``data`` in one step (a temporary file beside it, then
    a rename: a reader never sees half a file). False when it could not be written — a cache
    is optional — and no temporary file is left behind."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            temporary.write_text(data, encoding="utf-8")
        else:
            temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
        return False
    return True
