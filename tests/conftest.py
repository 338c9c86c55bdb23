"""Shared test setup: offscreen Qt, an in-memory keyring, realistic demo documents."""

from __future__ import annotations

import os
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
