"""Fixtures for the forms index tests: a private cache folder and copies of the shipped forms."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from index_helpers import add_power_2027, copy_forms, settle  # noqa: E402

from cets_desktop.core import forms_index  # noqa: E402
from cets_desktop.paths import CACHE_DIR_ENV  # noqa: E402


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private, empty cache folder and a fresh per-process memo of indexes."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    monkeypatch.setattr(forms_index, "_MEMO", {})
    return folder


@pytest.fixture
def two_years(tmp_path: Path) -> Path:
    """Every shipped definition plus a 2027 power-monthly, settled."""
    folder = copy_forms(tmp_path / "forms")
    add_power_2027(folder)
    settle(folder)
    return folder


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A power month and plan with their parts, settled (quick to load)."""
    folder = copy_forms(tmp_path / "small", ["power-monthly-2026.yaml", "power-plan-2027.yaml"])
    settle(folder)
    return folder
