"""The evidence copy of ``export --filing`` started before the rest of the export is imported.

A package's evidence (hundreds of MB) streams into the ZIP on a thread of its own, mostly in C
(io.package.PackageWriter). The command line starts it as soon as it knows the filing's evidence:
the workspace and the document model are imported, the current revision read, the stored files
found — then the rules engine, the definition, the workbook and the report are imported while
the copy already runs on the other core. :func:`workflow.export.export_package` takes the writer
only when it would have started the very same one (same package path, same evidence items, in the
same order); otherwise it is aborted (its partial file removed) and a fresh one started, so the
package is always the one the export itself asked for. Anything unusual here (no workspace, an
unreadable filing, missing evidence) starts nothing: the export then finds and reports it as
before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.document import FilingDocument
    from ..io.package import EvidenceItem, PackageWriter
    from .errors import InputError

EvidenceResolver = Callable[[str, str], Path | None]
"""(sha256, original name) → a readable file, or None when it can no longer be found."""

_lock = threading.Lock()
_started: tuple[Path, list[EvidenceItem], PackageWriter] | None = None


def evidence_items(
    doc: FilingDocument, resolver: EvidenceResolver
) -> tuple[list[EvidenceItem], list[dict[str, Any]], InputError | None]:
    """The package's evidence (each content once, with every field it backs), the rows the PDF
    lists, and the error to report if a file can no longer be found."""
    from ..io.package import EvidenceItem
    from .errors import InputError

    items: list[EvidenceItem] = []
    rows: list[dict[str, Any]] = []
    by_hash: dict[str, list[str]] = {}
    for ref in doc.evidence:
        by_hash.setdefault(ref.sha256, []).append(ref.path)
    seen: set[str] = set()
    missing: InputError | None = None
    for ref in doc.evidence:
        rows.append(ref.model_dump())
        if ref.sha256 in seen or missing is not None:
            continue
        seen.add(ref.sha256)
        source = resolver(ref.sha256, ref.name)
        if source is None:
            missing = InputError(
                f"找不到支撑材料「{ref.name}」（SHA-256 {ref.sha256[:12]}…）：文件已被删除或移动；请重新附上该文件后再导出"
            )
            continue
        carried = next((r.carried for r in doc.evidence if r.sha256 == ref.sha256 and r.carried), None)
        carry = {"period": carried.period, "reason": carried.reason} if carried else None
        items.append(
            EvidenceItem(ref.sha256, source, ref.name, by_hash[ref.sha256], ref.kind or "支撑材料", carry)
        )
    return items, rows, missing


def start_for_filing(
    workspace: str | Path,
    filing_id: int,
    out_path: str | Path,
    progress: Callable[[int, int], None] | None = None,
) -> bool:
    """Start copying the current revision's evidence of ``filing_id`` into ``out_path``'s
    package; True when a copy was started (taken or discarded by the export)."""
    global _started
    from ..io.package import PackageWriter

    try:
        from ..core.document import parse_document
        from ..store import Workspace

        target = Path(workspace)
        if not target.is_file():
            return False
        with Workspace.open(target, create=False, read_only=True) as ws:
            doc = parse_document(ws.current_document(filing_id), f"工作区填报 #{filing_id}")
            items, _rows, missing = evidence_items(doc, ws.evidence.resolve)
    except Exception:  # noqa: BLE001 - the export reads it all again and reports what is wrong
        return False
    if missing is not None or not items:
        return False
    try:
        writer = PackageWriter(out_path, items, progress=progress)
    except Exception:  # noqa: BLE001 - e.g. no space: the export says so in its own order
        return False
    with _lock:
        previous, _started = _started, (Path(out_path).absolute(), items, writer)
    if previous is not None:
        previous[2].abort()
    return True


def take(out_path: str | Path, items: list[EvidenceItem]) -> PackageWriter | None:
    """The started writer if it is the one the export would start now, else None (and the
    started one, if any, is aborted)."""
    global _started
    with _lock:
        started, _started = _started, None
    if started is None:
        return None
    path, started_items, writer = started
    if path == Path(out_path).absolute() and started_items == items:
        return writer
    writer.abort()
    return None


def discard() -> None:
    """Abort a started copy nobody took (the export stopped before it got there)."""
    global _started
    with _lock:
        started, _started = _started, None
    if started is not None:
        started[2].abort()
