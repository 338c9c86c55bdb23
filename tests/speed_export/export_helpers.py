"""Shared by the export speed tests: a file attached to a workspace filing the way the evidence
panel attaches it (stored, then referenced from the filing's current revision)."""

from __future__ import annotations

import os
from pathlib import Path

from cets_desktop.store.workspace import Workspace


def attach_random(db: Path, filing: int, folder: Path, name: str, size: int) -> str:
    """``size`` random bytes saved as ``folder/name`` and attached to ``filing`` for its first
    unit's generation; returns the file's SHA-256."""
    path = folder / name
    path.write_bytes(os.urandom(size))
    with Workspace.open(db, create=False) as ws:
        doc = ws.current_document(filing)
        rec = ws.evidence.add_file(path)
        doc["evidence"].append(
            {"path": "units[0].generation", "sha256": rec.sha256, "name": rec.name, "kind": "支撑材料"}
        )
        ws.save_filing(filing, doc, "附上支撑材料")
    return rec.sha256
