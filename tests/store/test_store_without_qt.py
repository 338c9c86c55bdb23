"""The store is core: it must import and work with PySide6 unavailable (architecture property 2)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

CHECK = textwrap.dedent(
    """
    import importlib, pkgutil, sys, tempfile
    from pathlib import Path

    class BlockQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6"):
                raise ImportError(f"{name} is blocked: cets_desktop.store must not need Qt")
            return None

    sys.meta_path.insert(0, BlockQt())
    import cets_desktop.store as store

    imported = [store.__name__]
    for module in pkgutil.walk_packages(store.__path__, prefix="cets_desktop.store."):
        importlib.import_module(module.name)
        imported.append(module.name)

    with store.Workspace.open(Path(tempfile.mkdtemp()) / "workspace.cetsdb") as workspace:
        workspace.add_enterprise("华东示范发电有限公司", "91310000MA1FL0XXXX")

    assert not [name for name in sys.modules if name.startswith(("PySide6", "shiboken6"))]
    print(" ".join(sorted(imported)))
    """
)


def test_every_store_module_imports_and_runs_with_pyside6_blocked():
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    imported = set(result.stdout.split())
    for module in ("diff", "documents", "errors", "evidence", "migrations", "records", "schema", "workspace"):
        assert f"cets_desktop.store.{module}" in imported
