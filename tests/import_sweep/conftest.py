"""Setup for tests/import_sweep: the sectors' data and the shared CLI steps importable."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))
for folder in ("forms", "cement", "aluminium", "steel", "power", "a5_other", "a5_chemical"):
    sys.path.insert(0, str(TESTS / folder))
