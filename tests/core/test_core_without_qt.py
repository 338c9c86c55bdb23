"""The core knows no Qt: every module outside cets_desktop/ui imports with PySide6 blocked."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import cets_desktop

SCRIPT = r"""
import importlib, importlib.abc, sys, pkgutil
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6.") or name == "shiboken6":
            raise ImportError("PySide6 is blocked in this test")
sys.meta_path.insert(0, Block())
import cets_desktop
failed = []
for m in MODULES:
    try:
        importlib.import_module(m)
    except Exception as exc:
        failed.append(f"{m}: {exc!r}")
assert "PySide6" not in sys.modules
print("\n".join(failed))
sys.exit(1 if failed else 0)
"""


def core_modules() -> list[str]:
    root = Path(cets_desktop.__file__).parent
    names = []
    for info in pkgutil.walk_packages([str(root)], prefix="cets_desktop."):
        if info.name.startswith("cets_desktop.ui") or info.name == "cets_desktop.__main__":
            continue
        names.append(info.name)
    return names


def test_every_core_module_imports_without_pyside6() -> None:
    modules = core_modules()
    assert "cets_desktop.core.rules" in modules and "cets_desktop.store.workspace" in modules
    result = subprocess.run(
        [sys.executable, "-c", f"MODULES = {modules!r}\n" + SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
