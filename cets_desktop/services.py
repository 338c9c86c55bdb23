"""What a user does with a filing, as plain functions: the one layer the CLI and the GUI share.

No Qt here. Each function takes core objects and returns core objects or raises
:class:`InputError` (unusable input: one Chinese line, CLI exit status 2) or
:class:`ExportBlocked` (findings stop the final package).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import __version__
from .core.calc import Explanation, explain_all, rounded_values
from .core.deadlines import due_for
from .core.document import DocumentError, FilingDocument, jsonable, parse_document, read_document
from .core.findings import Finding, summarize
from .core.loader import FormRegistry, default_registry
from .core.reference import ReferenceSet, default_references
from .core.rules import Evaluation, evaluate
from .core.spec import FieldSpec, FormSpec

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class InputError(Exception):
    """The input cannot be used at all; ``message`` is one Chinese line saying why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ExportBlocked(Exception):
    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message)
        self.message = message
        self.findings = findings


# --------------------------------------------------------------------------------------------
# Reading input


@dataclass
class LoadedInput:
    document: FilingDocument
    spec: FormSpec
    import_findings: list[Finding] = field(default_factory=list)
    """Problems found while reading a workbook (sheet/row/cell), as findings."""
    source_path: Path | None = None
    cell_of: Callable[[str], str | None] | None = None
    """For workbooks: instance path → cell (``燃料!F7``), so findings can name the cell."""


def spec_for(doc: FilingDocument, registry: FormRegistry | None = None) -> FormSpec:
    registry = registry or default_registry()
    spec = registry.get(doc.form, doc.form_version) or registry.for_period(doc.form, doc.period)
    if spec is None:
        known = "、".join(sorted({s.id for s in registry.all()}))
        raise InputError(f"不认识的表单「{doc.form}」（版本 {doc.form_version}）；可用表单：{known}")
    return spec


def load_input(path: str | Path, registry: FormRegistry | None = None, *, expected_period: str | None = None,
               expected_form: str | None = None) -> LoadedInput:
    """A filing JSON or a filled template workbook → document + spec (+ import problems)."""
    registry = registry or default_registry()
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到文件 {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _load_workbook(path, registry, expected_period, expected_form)
    try:
        doc = read_document(path)
    except DocumentError as exc:
        raise InputError(exc.message) from None
    return LoadedInput(doc, spec_for(doc, registry), [], path)


def _load_workbook(path: Path, registry: FormRegistry, expected_period: str | None,
                   expected_form: str | None) -> LoadedInput:
    from .io.xlsx_import import ImportFailure, read_workbook

    spec = registry.get(expected_form) if expected_form else None
    try:
        result = read_workbook(path, spec=spec, expected_period=expected_period, expected_form=expected_form,
                               registry=registry)
    except ImportFailure as exc:
        raise InputError(str(exc)) from None
    findings = [
        Finding(p.severity, p.code, p.path or "", p.message, "Excel 导入", p.cell or "", kind="import")
        for p in result.problems
    ]
    return LoadedInput(result.document, spec_for(result.document, registry), findings, path, result.cell_of)


# --------------------------------------------------------------------------------------------
# Evaluating


def evaluate_input(loaded: LoadedInput, *, previous: FilingDocument | None = None, linked: dict[str, Any] | None = None,
                   references: ReferenceSet | None = None, extra: list[Finding] | None = None) -> Evaluation:
    extra = list(extra or [])
    if loaded.spec.filing_type == "plan" and (loaded.document.meta.get("copied_from")
                                              or loaded.document.meta.get("enterprise_units") is not None):
        # A plan copied from last year is checked against the units it was copied for, everywhere.
        from .core.plan_copy import copy_findings

        extra += copy_findings(loaded.spec, loaded.document)
    ev = evaluate(loaded.spec, loaded.document, references or default_references(), previous, linked,
                  extra_findings=[*loaded.import_findings, *extra])
    # "No evidence at all" is said once, by GEN-006; the plan check only adds what it alone knows
    # (evidence of the wrong kind, a different route).
    missing = {f.path for f in ev.findings if f.code == "GEN-006"}
    ev.findings = [f for f in ev.findings if not (f.code == "PLAN-LINK-002" and f.path in missing)]
    if loaded.cell_of is not None:
        # A user working in Excel needs the cell, not our path.
        for f in ev.findings:
            if f.kind != "import" and f.path:
                cell = loaded.cell_of(f.path)
                if cell and cell not in f.location:
                    f.location = f"{cell}（{f.location}）" if f.location else cell
    return ev


def calc_output(ev: Evaluation) -> dict[str, Any]:
    """The ``calc --json`` payload: the input's shape with calculated fields filled and rounded."""
    return {"form": ev.spec.id, "form_version": ev.spec.version, "period": ev.document.period,
            "values": jsonable(rounded_values(ev.spec, ev.values))}


def explanations(ev: Evaluation) -> dict[str, Explanation]:
    assert ev.env is not None
    return explain_all(ev.spec, ev.values, ev.env, [e.model_dump() for e in ev.document.evidence])


def findings_json(ev: Evaluation) -> dict[str, Any]:
    return {"form": ev.spec.id, "period": ev.document.period, "summary": summarize(ev.findings),
            "findings": [f.to_json() for f in ev.findings]}


# --------------------------------------------------------------------------------------------
# New documents


def new_row(repeat: FieldSpec) -> dict[str, Any]:
    """A blank row for a repeat, with its nested repeats' preset rows (a new workshop gets its
    default inputs and outputs)."""
    row: dict[str, Any] = {}
    for f in repeat.data_fields():
        if f.type == "repeat":
            row[f.name] = [_with_nested_presets(f, preset) for preset in f.initial_rows]
        elif f.default is not None and not f.calculation:
            row[f.name] = f.default
    return row


def _with_nested_presets(repeat: FieldSpec, preset: dict[str, Any]) -> dict[str, Any]:
    row = new_row(repeat)
    row.update(copy.deepcopy(preset))
    return row


def initial_values(spec: FormSpec) -> dict[str, Any]:
    """Empty values with the definition's preset rows (``initial_rows``) and defaults."""

    def level(fields: list[FieldSpec]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields:
            if f.type == "repeat":
                out[f.name] = [_with_nested_presets(f, preset) for preset in f.initial_rows]
            elif f.default is not None and not f.calculation:
                out[f.name] = f.default
        return out

    return level(spec.top_fields())


def new_document(spec: FormSpec, period: str, enterprise: dict[str, Any] | None = None) -> FilingDocument:
    try:
        return parse_document({
            "form": spec.id, "form_version": spec.version, "period": period,
            "enterprise": enterprise or {}, "values": initial_values(spec),
            "meta": {"created_by": f"cets-desktop {__version__}", "created_at": datetime.now().astimezone().isoformat(timespec="seconds")},
        }, "新建填报")
    except DocumentError as exc:
        raise InputError(exc.message) from None


# --------------------------------------------------------------------------------------------
# Status for the navigator


STATUS_NOT_STARTED = "未开始"
STATUS_DRAFT = "草稿"
STATUS_ERRORS = "有错误"
STATUS_READY = "可导出"
STATUS_EXPORTED = "已导出"


def card_status(ev: Evaluation | None, workspace_state: str | None) -> str:
    """The month card's word: 未开始 / 草稿 / 有错误 / 可导出 / 已导出."""
    if ev is None:
        return STATUS_NOT_STARTED
    if workspace_state == "已导出":
        return STATUS_EXPORTED
    if ev.errors:
        return STATUS_ERRORS
    if ev.unacknowledged_warnings:
        return STATUS_DRAFT
    return STATUS_READY


def due_date(spec: FormSpec, period: str, local_monthly_days: int | None = None) -> date:
    return due_for(spec.filing_type, period, local_monthly_days)


# --------------------------------------------------------------------------------------------
# Export


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
    from .io.package import EvidenceItem, Member, build_package
    from .io.pdf_report import render_pdf
    from .io.xlsx_template import write_workbook
    from .security.keys import SigningKeyError

    ev = evaluate_input(loaded, previous=previous)
    if not draft:
        if ev.errors:
            raise ExportBlocked(f"有 {len(ev.errors)} 项错误，不能导出正式申报包；请先修改，或用 --draft 导出草稿", ev.errors)
        pending = ev.unacknowledged_warnings
        if pending:
            raise ExportBlocked(f"有 {len(pending)} 项警告尚未处理；请修改或填写确认理由后再导出正式申报包", pending)
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
            raise InputError(f"找不到支撑材料「{ref.name}」（SHA-256 {ref.sha256[:12]}…）：文件已被删除或移动；请重新附上该文件后再导出")
        evidence_items.append(EvidenceItem(ref.sha256, source, ref.name, by_hash[ref.sha256], ref.kind or "支撑材料"))

    import tempfile

    with tempfile.TemporaryDirectory(prefix="cets-export-") as tmp:
        tmpdir = Path(tmp)
        xlsx_path = tmpdir / "data.xlsx"
        pdf_path = tmpdir / "report.pdf"
        write_workbook(spec, xlsx_path, document=doc, values=rounded_values(spec, ev.values), explanations=expl)
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
            "form": {"id": spec.id, "version": spec.version, "title": spec.title, "template_year": spec.template_year,
                     "certainty": spec.certainty},
            "enterprise": doc.enterprise.model_dump(exclude_none=True),
            "period": doc.period,
            "draft": draft,
            "findings_summary": summarize(ev.findings),
            "acknowledgements": [a.model_dump(exclude_none=True) for a in doc.acknowledgements],
        }
        unsigned_reason = None if sign else "按要求未签名（--no-sign）"
        try:
            result = build_package(out_path, manifest_base=manifest_base, members=members, evidence=evidence_items,
                                   previous_package_sha256=previous_package_sha256, sign=sign,
                                   progress=progress, cancel=cancel)
        except SigningKeyError as exc:
            # The key is loaded before anything is written. Without a keyring we still deliver the
            # package (integrity: SHA-256 manifest and chain), unsigned, and say so — unless the
            # user asked for a signature to be mandatory. Never a plaintext key file.
            if require_signature:
                raise
            unsigned_reason = str(exc)
            manifest_base["unsigned_reason"] = unsigned_reason
            result = build_package(out_path, manifest_base=manifest_base, members=members, evidence=evidence_items,
                                   previous_package_sha256=previous_package_sha256, sign=False,
                                   progress=progress, cancel=cancel)
    missing = set(getattr(pdf_result, "missing_glyphs", set()) or set())
    return ExportOutcome(result.path, result.sha256, result.signed, draft, summarize(ev.findings), missing, unsigned_reason)


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
