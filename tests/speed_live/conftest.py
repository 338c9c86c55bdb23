"""Live validation and navigator tests: a private copy of the demo workspace per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
