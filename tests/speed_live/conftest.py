"""Live validation and navigator tests: a private copy of the demo workspace per test."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # afresh_reads

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def desk(demo_path: Path) -> Iterator[Any]:
    """The window's desk on the test's own copy of the demo workspace."""
    from cets_desktop.workflow.desk import Desk

    with Desk.open(demo_path) as opened:
        yield opened
