"""Live validation and navigator tests: a private copy of the demo workspace per test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # afresh_reads

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
