"""Shared test setup: offscreen Qt, an in-memory keyring, realistic demo documents."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))  # tests/support

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _memory_keyring() -> Any:
    """Never touch the developer's real keyring; tests get a fresh in-memory one."""
    import keyring
    from support.memory_keyring import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def power_spec() -> Any:
    from cets_desktop.core.loader import default_registry

    spec = default_registry().get("power-monthly")
    assert spec is not None
    return spec


@pytest.fixture
def october() -> dict[str, Any]:
    from cets_desktop.demo import power_month_document

    return power_month_document(10)


@pytest.fixture
def september() -> dict[str, Any]:
    from cets_desktop.demo import power_month_document

    return power_month_document(9)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, built once per run (copy it with ``demo_path`` before changing it)."""
    from cets_desktop.demo import build_demo_workspace

    folder = tmp_path_factory.mktemp("demo-template")
    return Path(build_demo_workspace(folder / "demo.cetsdb"))


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workspace (database and evidence folder)."""
    target = tmp_path / "demo.cetsdb"
    shutil.copy2(demo_template, target)
    evidence = demo_template.with_name(demo_template.stem + ".evidence")
    if evidence.is_dir():
        shutil.copytree(evidence, target.with_name(target.stem + ".evidence"))
    return target
