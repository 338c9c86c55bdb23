"""The evidence copy of ``export --filing`` started before the rest of the export is imported.

A package's evidence (hundreds of MB) streams into the ZIP on a thread of its own, mostly in C
(io.package.PackageWriter). The command line starts it as soon as it knows the filing's evidence:
the workspace is opened, the current revision's evidence read from its stored JSON (without
waiting for the document model's import) and the stored files found — then the document model,
the rules engine, the definition, the workbook and the report are imported while the copy
already runs on the other core. :func:`workflow.export.export_package` takes the writer
only when it would have started the very same one (same package path, same evidence items, in the
same order); otherwise it is aborted (its partial file removed) and a fresh one started, so the
package is always the one the export itself asked for. Anything unusual here (no workspace, an
unreadable filing, missing evidence) starts nothing: the export then finds and reports it as
before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.document import FilingDocument
    from ..io.package import EvidenceItem, PackageWriter
    from .errors import InputError

EvidenceResolver = Callable[[str, str], Path | None]
"""(sha256, original name) → a readable file, or None when it can no longer be found."""
EvidenceChecksums = Callable[[list[str]], dict[str, int]]
"""sha256 values → the CRC-32 kept for those that have one (Workspace.evidence_crc32)."""

_lock = threading.Lock()
_started: tuple[Path, list[EvidenceItem], PackageWriter] | None = None


@dataclass(frozen=True)
class _Carry:
    period: str
    reason: str


@dataclass(frozen=True)
class _Ref:
    """What the package needs of an evidence reference (core.document.EvidenceRef), as read
    from the document model or straight from the stored JSON."""

    path: str
    sha256: str
    name: str
    kind: str | None
    carried: _Carry | None


def evidence_items(
    doc: FilingDocument, resolver: EvidenceResolver, checksums: EvidenceChecksums | None = None
) -> tuple[list[EvidenceItem], list[dict[str, Any]], InputError | None]:
    """The package's evidence (each content once, with every field it backs, and its CRC-32 if
    ``checksums`` knows it), the rows the PDF lists, and the error to report if a file can no
    longer be found."""
    refs = [
        _Ref(
            r.path,
            r.sha256,
            r.name,
            r.kind,
            _Carry(r.carried.period, r.carried.reason) if r.carried else None,
        )
        for r in doc.evidence
    ]
    items, missing = _items(refs, resolver, checksums)
    return items, [ref.model_dump() for ref in doc.evidence], missing


def _items(
    refs: Sequence[_Ref], resolver: EvidenceResolver, checksums: EvidenceChecksums | None
) -> tuple[list[EvidenceItem], InputError | None]:
    from ..io.package import EvidenceItem
    from .errors import InputError

    items: list[EvidenceItem] = []
    by_hash: dict[str, list[str]] = {}
    for ref in refs:
        by_hash.setdefault(ref.sha256, []).append(ref.path)
    seen: set[str] = set()
    crcs = checksums(list(by_hash)) if checksums is not None and by_hash else {}
    for ref in refs:
        if ref.sha256 in seen:
            continue
        seen.add(ref.sha256)
        source = resolver(ref.sha256, ref.name)
        if source is None:
            return items, InputError(
                f"找不到支撑材料「{ref.name}」（SHA-256 {ref.sha256[:12]}…）：文件已被删除或移动；请重新附上该文件后再导出"
            )
        carried = next((r.carried for r in refs if r.sha256 == ref.sha256 and r.carried), None)
        carry = {"period": carried.period, "reason": carried.reason} if carried else None
        items.append(
            EvidenceItem(
                ref.sha256,
                source,
                ref.name,
                by_hash[ref.sha256],
                ref.kind or "支撑材料",
                carry,
                crcs.get(ref.sha256),
            )
        )
    return items, None


def _stored_refs(document: Any) -> list[_Ref] | None:
    """The evidence references of a stored document, read without the document model (whose
    import the copy would otherwise wait for); None when anything is not as the model expects,
    and the export then starts its own copy after validating the document."""
    refs = document.get("evidence", []) if isinstance(document, dict) else None
    if not isinstance(refs, list):
        return None
    out: list[_Ref] = []
    for ref in refs:
        if not isinstance(ref, dict):
            return None
        path, sha256, name, kind = (ref.get(k) for k in ("path", "sha256", "name", "kind"))
        carried = ref.get("carried")
        if not (isinstance(path, str) and isinstance(sha256, str) and isinstance(name, str)):
            return None
        if kind is not None and not isinstance(kind, str):
            return None
        carry = None
        if carried is not None:
            period = carried.get("period") if isinstance(carried, dict) else None
            reason = carried.get("reason") if isinstance(carried, dict) else None
            if not (isinstance(period, str) and isinstance(reason, str)):
                return None
            carry = _Carry(period, reason)
        out.append(_Ref(path, sha256, name, kind, carry))
    return out


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
        from ..store import Workspace

        target = Path(workspace)
        if not target.is_file():
            return False
        with Workspace.open(target, create=False, read_only=True) as ws:
            refs = _stored_refs(ws.current_document(filing_id))
            if not refs:
                return False
            items, missing = _items(refs, ws.evidence.resolve, ws.evidence_crc32)
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
