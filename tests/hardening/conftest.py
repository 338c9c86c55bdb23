"""Hardening tests: fixtures shared by several files (helpers live in hardening_helpers.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # hardening_helpers


@pytest.fixture(scope="session")
def power_spec_session() -> Any:
    from cets_desktop.core.loader import default_registry

    spec = default_registry().get("power-monthly")
    assert spec is not None
    return spec


@pytest.fixture(scope="session")
def filled_october(tmp_path_factory: pytest.TempPathFactory, power_spec_session: Any) -> Path:
    """October of the demo plant written as the app's own data workbook (what a user fills)."""
    from cets_desktop.core.document import parse_document
    from cets_desktop.demo import power_month_document
    from cets_desktop.io.xlsx_template import write_workbook

    path = tmp_path_factory.mktemp("workbooks") / "2026年10月.xlsx"
    write_workbook(power_spec_session, path, document=parse_document(power_month_document(10)))
    return path
