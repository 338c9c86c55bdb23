"""Building the submission package of a filing: evaluate, refuse when findings block it, then
data.json, data.xlsx, report.pdf and the evidence into a signed ZIP (io.package).

Used by the CLI on files, and by :class:`workflow.desk.Desk` for workspace filings (which adds the
evidence store, the chain to the previous package and the state change).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.calc import rounded_values
from ..core.document import FilingDocument
from ..core.findings import Finding, summarize
from ..core.spec import FormSpec
from .errors import ExportBlocked, InputError
from .evaluation import calc_output, evaluate_input, explanations
from .inputs import LoadedInput

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


EvidenceResolver = Callable[[str, str], Path | None]
"""(sha256, original name) → a readable file, or None when it can no longer be found."""


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
    sign: bool = True,
    require_signature: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ExportOutcome:
    """Evaluate, then write data.json, data.xlsx, report.pdf and evidence into a signed ZIP.

    Errors block the final package (``draft=True`` still exports, watermarked 草稿); warnings
    need a written acknowledgement. Evidence files are hashed again while packed, so a file
    changed or deleted since it was attached stops the export with a message naming it.
    """
    from ..io.package import EvidenceItem, Member, build_package
    from ..io.pdf_report import render_pdf
    from ..io.xlsx_template import write_workbook
    from ..security.keys import SigningKeyError

    ev = evaluate_input(loaded, previous=previous, extra=extra)
    if not draft:
        if ev.errors:
            raise ExportBlocked(
                f"有 {len(ev.errors)} 项错误，不能导出正式申报包；请先修改，或用 --draft 导出草稿", ev.errors
            )
        pending = ev.unacknowledged_warnings
        if pending:
            raise ExportBlocked(
                f"有 {len(pending)} 项警告尚未处理；请修改或填写确认理由后再导出正式申报包", pending
            )
    doc = ev.document
    spec = ev.spec
    expl = explanations(ev)
    resolver = evidence_resolver or _default_resolver(loaded.source_path)
    evidence_items: list[EvidenceItem] = []
    evidence_rows: list[dict[str, Any]] = []
    by_hash: dict[str, list[str]] = {}
    for ref in doc.evidence:
        by_hash.setdefault(ref.sha256, []).append(ref.path)
    seen: set[str] = set()
    for ref in doc.evidence:
        evidence_rows.append(ref.model_dump())
        if ref.sha256 in seen:
            continue
        seen.add(ref.sha256)
        source = resolver(ref.sha256, ref.name)
        if source is None:
            raise InputError(
                f"找不到支撑材料「{ref.name}」（SHA-256 {ref.sha256[:12]}…）：文件已被删除或移动；请重新附上该文件后再导出"
            )
        evidence_items.append(
            EvidenceItem(ref.sha256, source, ref.name, by_hash[ref.sha256], ref.kind or "支撑材料")
        )

    with tempfile.TemporaryDirectory(prefix="cets-export-") as tmp:
        tmpdir = Path(tmp)
        xlsx_path = tmpdir / "data.xlsx"
        pdf_path = tmpdir / "report.pdf"
        write_workbook(
            spec, xlsx_path, document=doc, values=rounded_values(spec, ev.values), explanations=expl
        )
        pdf_result = render_pdf(spec, ev, pdf_path, explanations=expl, evidence=evidence_rows, draft=draft)
        data = {
            "document": doc.to_json_dict(),
            "calculated": calc_output(ev)["values"],
            "findings": [f.to_json() for f in ev.findings],
            "explanations": {k: v.to_json() for k, v in expl.items()},
        }
        members = [
            Member("data.json", json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), "data"),
            Member("data.xlsx", xlsx_path, "workbook"),
            Member("report.pdf", pdf_path, "report"),
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
        unsigned_reason = None if sign else "按要求未签名（--no-sign）"
        try:
            result = build_package(
                out_path,
                manifest_base=manifest_base,
                members=members,
                evidence=evidence_items,
                previous_package_sha256=previous_package_sha256,
                sign=sign,
                progress=progress,
                cancel=cancel,
            )
        except SigningKeyError as exc:
            # The key is loaded before anything is written. Without a keyring we still deliver the
            # package (integrity: SHA-256 manifest and chain), unsigned, and say so — unless the
            # user asked for a signature to be mandatory. Never a plaintext key file.
            if require_signature:
                raise
            unsigned_reason = str(exc)
            manifest_base["unsigned_reason"] = unsigned_reason
            result = build_package(
                out_path,
                manifest_base=manifest_base,
                members=members,
                evidence=evidence_items,
                previous_package_sha256=previous_package_sha256,
                sign=False,
                progress=progress,
                cancel=cancel,
            )
    missing = set(getattr(pdf_result, "missing_glyphs", set()) or set())
    return ExportOutcome(
        result.path, result.sha256, result.signed, draft, summarize(ev.findings), missing, unsigned_reason
    )


def _default_resolver(source_path: Path | None) -> EvidenceResolver:
    """Without a workspace: find evidence next to the filing (same folder or ./evidence/) by hash."""

    def resolve(sha256: str, name: str) -> Path | None:
        folders = []
        if source_path is not None:
            folders += [source_path.parent, source_path.parent / "evidence"]
        for folder in folders:
            candidate = folder / name
            if candidate.is_file() and sha256_file(candidate) == sha256:
                return candidate
        return None

    return resolve


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
