"""Building the submission package of a filing: evaluate, refuse when findings block it, then
data.json, data.xlsx, report.pdf and the evidence into a signed ZIP (io.package).

Used by the CLI on files, and by :class:`workflow.desk.Desk` for workspace filings (which adds the
evidence store, the chain to the previous package and the state change).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core.calc import rounded_values
from ..core.document import FilingDocument
from ..core.findings import Finding, summarize
from ..core.spec import FormSpec
from . import export_start
from .errors import ExportBlocked
from .evaluation import calc_output, evaluate_input, explanations
from .export_start import EvidenceChecksums as EvidenceChecksums  # re-exported (services)
from .export_start import EvidenceResolver as EvidenceResolver  # re-exported (services)
from .inputs import LoadedInput

if TYPE_CHECKING:
    from ..core.rules import Evaluation
    from ..io.package import Member

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass
class ExportOutcome:
    package_path: Path
    sha256: str
    signed: bool
    draft: bool
    summary: dict[str, int]
    missing_glyphs: set[str] = field(default_factory=set)
    unsigned_reason: str | None = None
    """Why the package is not signed (no usable keyring), shown to the user."""
    learned_crc32: dict[str, int] = field(default_factory=dict)
    """Evidence CRC-32s the export computed (not known before): the workspace keeps them."""


def package_name(doc: FilingDocument, spec: FormSpec, draft: bool) -> str:
    """ASCII file name from enterprise code, filing and period (architecture.md)."""
    suffix = "-draft" if draft else ""
    return f"{doc.enterprise.uscc or 'NOUSCC'}_{spec.id}_{doc.period}{suffix}.zip"


def export_package(
    loaded: LoadedInput,
    out_path: str | Path,
    *,
    draft: bool = False,
    previous: FilingDocument | None = None,
    extra: list[Finding] | None = None,
    previous_package_sha256: str | None = None,
    evidence_resolver: EvidenceResolver | None = None,
    evidence_checksums: EvidenceChecksums | None = None,
    sign: bool = True,
    require_signature: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ExportOutcome:
    """Evaluate, then write data.json, data.xlsx, report.pdf and evidence into a signed ZIP.

    Errors block the final package (``draft=True`` still exports, watermarked 草稿); warnings
    need a written acknowledgement. The evidence starts streaming into the package before the
    evaluation (io.package.PackageWriter, on a background thread) and is hashed once, while it is
    copied: a file changed or deleted since it was attached stops the export with a message
    naming it, and nothing is left under the package's name. A blocked export discards the copy.
    """
    from ..io.package import PackageWriter
    from ..security.keys import SigningKeyError

    resolver = evidence_resolver or _default_resolver(loaded.source_path)
    items, evidence_rows, missing = export_start.evidence_items(loaded.document, resolver, evidence_checksums)
    writer: PackageWriter | None = None
    deferred: Exception | None = missing
    if deferred is None:
        # The CLI may have started this very copy already (workflow/export_start.py).
        writer = export_start.take(out_path, items) if cancel is None else None
        try:
            if writer is None:
                writer = PackageWriter(out_path, items, progress=progress, cancel=cancel)
        except Exception as exc:  # noqa: BLE001 - reported after the findings, as before
            deferred = exc
    else:
        export_start.discard()
    try:
        ev = evaluate_input(loaded, previous=previous, extra=extra)
        if not draft:
            if ev.errors:
                raise ExportBlocked(
                    f"有 {len(ev.errors)} 项错误，不能导出正式申报包；请先修改，或用 --draft 导出草稿",
                    ev.errors,
                )
            pending = ev.unacknowledged_warnings
            if pending:
                raise ExportBlocked(
                    f"有 {len(pending)} 项警告尚未处理；请修改或填写确认理由后再导出正式申报包", pending
                )
        if deferred is not None:
            raise deferred
        assert writer is not None
        members, manifest_base, pdf_result = _render_members(ev, evidence_rows, draft)
        unsigned_reason = None if sign else "按要求未签名（--no-sign）"
        try:
            result = writer.finish(
                manifest_base=manifest_base,
                members=members,
                previous_package_sha256=previous_package_sha256,
                sign=sign,
            )
        except SigningKeyError as exc:
            # The key is loaded before the members are added. Without a keyring we still
            # deliver the package (integrity: SHA-256 manifest and chain), unsigned, and say
            # so — unless the user asked for a signature to be mandatory. Never a key file.
            if require_signature:
                raise
            unsigned_reason = str(exc)
            manifest_base["unsigned_reason"] = unsigned_reason
            result = writer.finish(
                manifest_base=manifest_base,
                members=members,
                previous_package_sha256=previous_package_sha256,
                sign=False,
            )
    finally:
        if writer is not None:
            writer.abort()  # nothing once finished; otherwise the partial copy goes
    missing_glyphs = set(getattr(pdf_result, "missing_glyphs", set()) or set())
    return ExportOutcome(
        result.path,
        result.sha256,
        result.signed,
        draft,
        summarize(ev.findings),
        missing_glyphs,
        unsigned_reason,
        dict(result.learned_crc32),
    )


def _render_members(
    ev: Evaluation, evidence_rows: list[dict[str, Any]], draft: bool
) -> tuple[list[Member], dict[str, Any], Any]:
    """data.json, data.xlsx and report.pdf of an evaluated filing, and the manifest's own part.
    All three are made in memory and packed from there: no temporary copies written, flushed to
    disk, read back and hashed again on the export's critical path."""
    from ..io.package import Member
    from ..io.pdf_report import pdf_bytes
    from ..io.xlsx_template import workbook_bytes

    doc = ev.document
    spec = ev.spec
    expl = explanations(ev)
    workbook = workbook_bytes(spec, doc, rounded_values(spec, ev.values), expl)
    pdf_result = pdf_bytes(spec, ev, explanations=expl, evidence=evidence_rows, draft=draft)
    data = {
        "document": doc.to_json_dict(),
        "calculated": calc_output(ev)["values"],
        "findings": [f.to_json() for f in ev.findings],
        "explanations": {k: v.to_json() for k, v in expl.items()},
    }
    members = [
        Member("data.json", json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), "data"),
        Member("data.xlsx", workbook, "workbook"),
        Member("report.pdf", pdf_result.data, "report"),
    ]
    manifest_base = {
        "app": {"name": "cets-desktop", "version": __version__},
        "form": {
            "id": spec.id,
            "version": spec.version,
            "title": spec.title,
            "template_year": spec.template_year,
            "certainty": spec.certainty,
        },
        "enterprise": doc.enterprise.model_dump(exclude_none=True),
        "period": doc.period,
        "draft": draft,
        "findings_summary": summarize(ev.findings),
        "acknowledgements": [a.model_dump(exclude_none=True) for a in doc.acknowledgements],
    }
    return members, manifest_base, pdf_result


def _default_resolver(source_path: Path | None) -> EvidenceResolver:
    """Without a workspace: find evidence next to the filing (same folder or ./evidence/).

    A file found under its name is not hashed here: the package hashes it while copying it and
    refuses it if it is not the attached content. Only when both folders hold a file of that
    name is the right one picked by its hash."""

    def resolve(sha256: str, name: str) -> Path | None:
        folders = []
        if source_path is not None:
            folders += [source_path.parent, source_path.parent / "evidence"]
        candidates = [folder / name for folder in folders if (folder / name).is_file()]
        if len(candidates) == 1:
            return candidates[0]
        for candidate in candidates:
            if sha256_file(candidate) == sha256:
                return candidate
        return None

    return resolve


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
