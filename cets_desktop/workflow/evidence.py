"""Evidence once, for many items: one document backing several fields and units, several files
attached at once with a mapping, and a recurring document carried into the next period on purpose.

The filing document keeps one :class:`~cets_desktop.core.document.EvidenceRef` per field it backs
(the rules engine, the PDF list and the package manifest all read them that way); a *document*
here is the set of refs sharing one SHA-256. Everything works on the raw JSON evidence list (list of
dicts, as the window's session and the CLI hold it) and returns a new list: the caller applies it
as one undo step (window) or one revision (CLI). No Qt.

Where suggestions come from:

- the evidence kinds the definition names for each field (``evidence.kinds``: 盖章生产报表,
  CMA/CNAS检测报告 …): a kind named in the file name, or the kind the user picked, ticks the fields
  that list it;
- file-name hints a clerk's scans carry (化验/检测 → heating value and carbon content tests,
  结算单/发票 → purchases, 台账 → consumption, 月报 → production figures), used only when no
  kind is named outright;
- a unit (row) the file name names (2号机组…): only that unit's fields.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.document import DocumentError, FilingDocument, parse_document
from ..core.spec import FormSpec
from ..core.workspace_checks import period_label
from .documents import now_text
from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .desk import Desk

WHOLE_FILING = ""
WHOLE_FILING_LABEL = "全厂/企业层面"
_INDEX = re.compile(r"\[\d+\]")

# File-name words → words found in the kinds the definitions name. Order does not matter: every
# hint whose words occur in the name contributes its tokens.
NAME_HINTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("化验", "检测", "检验", "cma", "cnas", "煤质", "热值", "元素碳", "组分"), ("化验", "检测")),
    (("结算单", "结算", "发票"), ("结算单", "发票")),
    (("电费",), ("电费",)),
    (("台账", "过磅", "盘存", "入库", "出库"), ("台账", "过磅", "盘存")),
    (("月报", "生产报表", "生产日报", "报表"), ("生产报表",)),
    (("电表", "抄表", "读数"), ("读数", "电表")),
    (("热量表", "供热"), ("热量表", "供热")),
    (("dcs", "运行记录", "运行日志"), ("DCS", "运行记录")),
    (("盘库",), ("盘库", "出入库")),
)
_KIND_NOISE = ("盖章", "扫描件", "（", "）", "(", ")")


# --------------------------------------------------------------------------------------------
# What needs evidence, and what is attached


@dataclass(frozen=True)
class EvidenceTarget:
    """One field instance of the filing that needs supporting material."""

    path: str
    label: str
    location: str
    group: str
    """The row of the top-level table it belongs to (``units[0]``), or "" for the filing itself."""
    group_label: str
    kinds: tuple[str, ...]
    description: str
    covered_by: tuple[str, ...] = ()
    """SHA-256 of the files attached to it now."""

    @property
    def missing(self) -> bool:
        return not self.covered_by


@dataclass(frozen=True)
class EvidenceDocument:
    """One stored file and every field of the filing it backs."""

    sha256: str
    name: str
    size: int
    kind: str | None
    attached_at: str | None
    paths: tuple[str, ...]
    carried: Mapping[str, Any] | None = None

    @property
    def carried_reason(self) -> str:
        return str((self.carried or {}).get("reason") or "")

    @property
    def carried_period(self) -> str:
        return str((self.carried or {}).get("period") or "")


def _rows(evidence: Iterable[Any] | None) -> list[dict[str, Any]]:
    out = []
    for e in evidence or []:
        row = e.model_dump() if hasattr(e, "model_dump") else dict(e) if isinstance(e, Mapping) else None
        if row and isinstance(row.get("sha256"), str) and row["sha256"]:
            out.append(row)
    return out


def _document_model(document: Mapping[str, Any] | FilingDocument) -> FilingDocument:
    if isinstance(document, FilingDocument):
        return document
    try:
        return parse_document(copy.deepcopy(dict(document)), "填报")
    except DocumentError as exc:
        raise InputError(exc.message) from None


def evidence_targets(spec: FormSpec, document: Mapping[str, Any] | FilingDocument) -> list[EvidenceTarget]:
    """Every field instance that needs evidence as the filing stands (a value typed, the field
    relevant, the definition's ``evidence.when`` true), in form order, with the files on it now.

    The rules engine decides (GEN-006 of the filing with its evidence set aside), so the list is
    exactly what the findings would report with nothing attached.
    """
    from ..core.reference import default_references
    from ..core.rules import evaluate

    doc = _document_model(document)
    bare = doc.model_copy(update={"evidence": []})
    ev = evaluate(spec, bare, default_references())
    attached: dict[str, list[str]] = {}
    for row in _rows(doc.evidence):
        attached.setdefault(str(row.get("path") or ""), []).append(row["sha256"])
    out: list[EvidenceTarget] = []
    seen: set[str] = set()
    for f in ev.findings:
        if f.code != "GEN-006" or f.path in seen:
            continue
        seen.add(f.path)
        field_spec = spec.find_field(_INDEX.sub("[]", f.path))
        req = field_spec.evidence if field_spec is not None else None
        covered = [
            sha
            for p, shas in attached.items()
            if p == f.path or (p and f.path.startswith(p + "."))
            for sha in shas
        ]
        group, group_label = _group_of(f.path, f.location)
        out.append(
            EvidenceTarget(
                path=f.path,
                label=field_spec.label if field_spec is not None else f.path,
                location=f.location or f.path,
                group=group,
                group_label=group_label,
                kinds=tuple(req.kinds) if req is not None else (),
                description=req.description if req is not None else "",
                covered_by=tuple(dict.fromkeys(covered)),
            )
        )
    order = {f.path: i for i, f in enumerate(spec.all_fields())}
    out.sort(key=lambda t: _form_order(t.path, order))
    return out


def _form_order(path: str, order: Mapping[str, int]) -> list[tuple[int, int]]:
    """Sort key in the form's order: unit by unit, and inside a unit the fields as defined."""
    key: list[tuple[int, int]] = []
    schema = ""
    for piece in path.split("."):
        m = re.fullmatch(r"([a-z_][a-z0-9_]*)((?:\[\d+\])*)", piece)
        name, indices = (m.group(1), re.findall(r"\d+", m.group(2))) if m else (piece, [])
        schema = (f"{schema}.{name}" if schema else name) + "[]" * len(indices)
        key.append((order.get(schema, len(order)), int(indices[0]) if indices else -1))
    return key


def _group_of(path: str, location: str) -> tuple[str, str]:
    m = re.match(r"^([a-z_][a-z0-9_]*\[\d+\])\.", path)
    if not m:
        return WHOLE_FILING, WHOLE_FILING_LABEL
    first = (location or "").split("›")[0].strip()
    return m.group(1), first or m.group(1)


def evidence_documents(evidence: Iterable[Any]) -> list[EvidenceDocument]:
    """The attached files, each once, in the order first attached, with the fields each backs."""
    by_sha: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(evidence):
        by_sha.setdefault(row["sha256"], []).append(row)
    out = []
    for sha, rows in by_sha.items():
        first = rows[0]
        carried = next((r.get("carried") for r in rows if r.get("carried")), None)
        out.append(
            EvidenceDocument(
                sha256=sha,
                name=str(first.get("name") or sha[:12]),
                size=int(first.get("size") or 0),
                kind=first.get("kind"),
                attached_at=first.get("attached_at"),
                paths=tuple(dict.fromkeys(str(r.get("path") or "") for r in rows)),
                carried=dict(carried) if isinstance(carried, Mapping) else None,
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Suggestions: which fields a file backs


def _kind_cores(kind: str) -> list[str]:
    """``盖章燃料消耗台账扫描件`` → ``燃料消耗台账``; ``CMA/CNAS检测报告`` → ``CMA``, ``CNAS检测报告``."""
    text = kind
    for noise in _KIND_NOISE:
        text = text.replace(noise, "")
    return [p.strip().lower() for p in re.split(r"[/、或]", text) if len(p.strip()) >= 2]


def _stem(file_name: str) -> str:
    return Path(file_name).stem.lower()


def named_kind(file_name: str, target: EvidenceTarget) -> str | None:
    """The kind of ``target`` whose name the file name carries (电费结算单 in 10月电费结算单.pdf)."""
    stem = _stem(file_name)
    for kind in target.kinds:
        if any(core in stem for core in _kind_cores(kind)):
            return kind
    return None


def hinted_kind(file_name: str, target: EvidenceTarget) -> str | None:
    """The kind of ``target`` the file name hints at (月报 → 盖章生产报表)."""
    stem = _stem(file_name)
    tokens = [t for words, toks in NAME_HINTS if any(w in stem for w in words) for t in toks]
    for kind in target.kinds:
        if any(t.lower() in kind.lower() for t in tokens):
            return kind
    return None


def _picked_kind(kind: str, target: EvidenceTarget) -> str | None:
    if kind in target.kinds:
        return kind
    cores = _kind_cores(kind)
    return next((k for k in target.kinds if any(c in k.lower() for c in cores)), None)


def suggested_paths(
    file_name: str,
    targets: Sequence[EvidenceTarget],
    kind: str | None = None,
    *,
    only_missing: bool = True,
) -> list[str]:
    """The fields a file most likely backs: those listing the picked ``kind``; else those whose
    kind the file name names; else those the name hints at. Fields that already have a file are
    left out unless ``only_missing`` is False."""
    pool = [t for t in targets if t.missing or not only_missing]
    named_units = _units_named(file_name, targets)
    if named_units:
        # "2号机组上网电量结算单": only that unit's fields.
        pool = [t for t in pool if t.group_label in named_units]
    if kind:
        return [t.path for t in pool if _picked_kind(kind, t)]
    named = [t.path for t in pool if named_kind(file_name, t)]
    if named:
        return named
    return [t.path for t in pool if hinted_kind(file_name, t)]


def _units_named(file_name: str, targets: Sequence[EvidenceTarget]) -> set[str]:
    """Group labels (机组「2号机组」) whose row name (2号机组) the file name carries."""
    stem = _stem(file_name)
    out = set()
    for label in {t.group_label for t in targets if t.group}:
        m = re.search(r"「(.+?)」", label)
        if m and m.group(1).lower() in stem:
            out.add(label)
    return out


def suggested_kind(file_name: str, targets: Sequence[EvidenceTarget]) -> str | None:
    """The kind a file most likely is, among the kinds the filing's fields name (None: no idea)."""
    counts: dict[str, int] = {}
    for finder in (named_kind, hinted_kind):
        for t in targets:
            k = finder(file_name, t)
            if k:
                counts[k] = counts.get(k, 0) + 1
        if counts:
            break
    return max(counts, key=lambda k: counts[k]) if counts else None


def all_kinds(targets: Iterable[EvidenceTarget]) -> list[str]:
    """Every kind the filing's fields name, in form order, each once."""
    return list(dict.fromkeys(k for t in targets for k in t.kinds))


def kind_for(target: EvidenceTarget | None, file_name: str, kind: str | None) -> str | None:
    """The kind written in a ref: the user's pick when the field lists it, else the kind the file
    name points at, else the field's first kind."""
    if target is None:
        return kind
    if kind:
        picked = _picked_kind(kind, target)
        if picked:
            return picked
    return (
        named_kind(file_name, target)
        or hinted_kind(file_name, target)
        or kind
        or (target.kinds[0] if target.kinds else None)
    )


# --------------------------------------------------------------------------------------------
# Changing the evidence list (each returns a new list: one undo step / one revision)


@dataclass(frozen=True)
class StoredFile:
    """A file already copied into the workspace evidence store."""

    sha256: str
    name: str
    size: int


@dataclass
class FilePlan:
    """One file of a multi-file attach: where it is, its kind and the fields it backs."""

    source: Path
    paths: list[str] = field(default_factory=list)
    kind: str | None = None


def plan_files(files: Sequence[Path | str], targets: Sequence[EvidenceTarget]) -> list[FilePlan]:
    """The prefilled mapping of a multi-file attach (the window shows it for editing)."""
    plans = []
    for f in files:
        name = Path(f).name
        kind = suggested_kind(name, [t for t in targets if t.missing]) or suggested_kind(name, targets)
        paths = suggested_paths(name, targets)
        plans.append(FilePlan(Path(f), paths, kind))
    return plans


def refs_for(
    stored: StoredFile,
    paths: Iterable[str],
    targets: Sequence[EvidenceTarget],
    kind: str | None = None,
    *,
    at: str | None = None,
    carried: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """One ref per field the file backs (same hash, name, size and time on each)."""
    by_path = {t.path: t for t in targets}
    at = at or now_text()
    out = []
    for path in dict.fromkeys(paths):
        ref: dict[str, Any] = {
            "path": path,
            "sha256": stored.sha256,
            "name": stored.name,
            "size": stored.size,
            "kind": kind_for(by_path.get(path), stored.name, kind),
            "attached_at": at,
        }
        if carried:
            ref["carried"] = dict(carried)
        out.append(ref)
    return out


def with_refs(evidence: Iterable[Any], refs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``evidence`` plus ``refs`` (a file already on a field is not added twice)."""
    current = _rows(evidence)
    known = {(r.get("path"), r["sha256"]) for r in current}
    for ref in refs:
        key = (ref.get("path"), ref.get("sha256"))
        if key not in known:
            known.add(key)
            current.append(dict(ref))
    return current


def with_document_paths(
    evidence: Iterable[Any],
    sha256: str,
    paths: Iterable[str],
    targets: Sequence[EvidenceTarget] = (),
) -> list[dict[str, Any]]:
    """The document ``sha256`` backs exactly ``paths``: refs on other fields are removed, new ones
    take the document's name, size, time and carry-over note (kinds fitted to each field)."""
    current = _rows(evidence)
    own = [r for r in current if r["sha256"] == sha256]
    if not own:
        raise InputError("该支撑材料不在本填报中")
    wanted = list(dict.fromkeys(paths))
    keep = [r for r in current if r["sha256"] != sha256 or r.get("path") in wanted]
    have = {r.get("path") for r in keep if r["sha256"] == sha256}
    first = own[0]
    stored = StoredFile(sha256, str(first.get("name") or ""), int(first.get("size") or 0))
    fresh = refs_for(
        stored,
        [p for p in wanted if p not in have],
        targets,
        first.get("kind"),
        at=first.get("attached_at"),
        carried=first.get("carried"),
    )
    # New refs sit right after the document's other refs, so the PDF list keeps it together.
    last = max((i for i, r in enumerate(keep) if r["sha256"] == sha256), default=len(keep) - 1)
    return keep[: last + 1] + fresh + keep[last + 1 :]


def without_document(evidence: Iterable[Any], sha256: str) -> list[dict[str, Any]]:
    """The evidence list with the document ``sha256`` detached from every field."""
    return [r for r in _rows(evidence) if r["sha256"] != sha256]


def store_files(
    desk: Desk,
    files: Sequence[Path | str],
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[StoredFile]:
    """Copy ``files`` into the workspace evidence store (deduplicated by content); long work,
    the window runs it off the GUI thread. Stops early when ``cancelled()`` says so."""
    out = []
    for number, f in enumerate(files):
        if cancelled is not None and cancelled():
            break
        if progress is not None:
            progress(number, len(files))
        record = desk.add_evidence_file(Path(f))
        out.append(StoredFile(record.sha256, record.name, record.size))
    return out


def attach_plans(
    evidence: Iterable[Any],
    plans: Sequence[FilePlan],
    stored: Sequence[StoredFile],
    targets: Sequence[EvidenceTarget],
) -> list[dict[str, Any]]:
    """The evidence list after a multi-file attach (``stored[i]`` is ``plans[i]``'s copy)."""
    at = now_text()
    refs = [
        ref
        for plan, record in zip(plans, stored, strict=False)
        for ref in refs_for(record, plan.paths, targets, plan.kind, at=at)
    ]
    return with_refs(evidence, refs)


def attach_summary(plans: Sequence[FilePlan], targets: Sequence[EvidenceTarget]) -> str:
    """The undo step's name and the status line: 附上 3 份支撑材料，对应 17 项."""
    paths = {p for plan in plans for p in plan.paths}
    files = [plan for plan in plans if plan.paths]
    if len(files) == 1:
        return f"附上支撑材料「{files[0].source.name}」，对应 {len(paths)} 项"
    return f"附上 {len(files)} 份支撑材料，对应 {len(paths)} 项"


# --------------------------------------------------------------------------------------------
# Carrying a recurring document into the next period


@dataclass(frozen=True)
class CarryCandidate:
    """A document of the previous period and where it would go in this one."""

    document: EvidenceDocument
    period: str
    paths: tuple[str, ...]
    """This period's fields it would back (same place as last period, matched by location)."""
    locations: tuple[str, ...]
    """Where it was in the previous period (机组「1号机组」› 燃料「烟煤」› 燃料消耗量)."""
    available: bool = True
    """False when the stored file is gone (it must be attached again, not carried)."""
    already_here: bool = False

    @property
    def usable(self) -> bool:
        return self.available and not self.already_here and bool(self.paths)

    @property
    def why_not(self) -> str:
        if not self.available:
            return "文件已不在工作区证据库中，请重新附上原件"
        if self.already_here:
            return "本期已附此文件"
        if not self.paths:
            return "本期没有与上期对应、需要支撑材料的数据项"
        return ""


def carry_candidates(
    spec: FormSpec,
    document: Mapping[str, Any] | FilingDocument,
    previous: FilingDocument | None,
    previous_spec: FormSpec | None = None,
    exists: Callable[[str], bool] | None = None,
) -> list[CarryCandidate]:
    """The previous period's documents, each with the fields of this period it would back.

    A field is matched by its place (机组「1号机组」› 发电量), not its row number, so reordered
    units still land right; a place that no longer needs evidence is dropped.
    """
    if previous is None:
        return []
    current = _document_model(document)
    here = evidence_targets(spec, current)
    by_location = {t.location: t.path for t in here}
    here_paths = {t.path for t in here}
    before = {t.path: t.location for t in evidence_targets(previous_spec or spec, previous)}
    attached_now = {r["sha256"] for r in _rows(current.evidence)}
    out = []
    for doc in evidence_documents(previous.evidence):
        locations = tuple(before.get(p, p) for p in doc.paths)
        paths = []
        for p, loc in zip(doc.paths, locations, strict=True):
            target = by_location.get(loc) or (p if p in here_paths else None)
            if target and target not in paths:
                paths.append(target)
        available = True
        if exists is not None:
            try:
                available = bool(exists(doc.sha256))
            except Exception:  # noqa: BLE001 - a malformed hash is not a usable file
                available = False
        out.append(
            CarryCandidate(
                doc,
                previous.period,
                tuple(paths),
                locations,
                available=available,
                already_here=doc.sha256 in attached_now,
            )
        )
    return out


def carry_over(
    evidence: Iterable[Any],
    candidates: Sequence[CarryCandidate],
    reason: str,
    targets: Sequence[EvidenceTarget] = (),
    *,
    by: str | None = None,
) -> list[dict[str, Any]]:
    """The evidence list with ``candidates`` carried over, each ref recording the period it came
    from and ``reason`` (GEN-008 then says the reason, as an info, instead of warning)."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError("沿用上期支撑材料需要写明理由（如：年度检定证书仍在有效期内）")
    unusable = [c for c in candidates if not c.usable]
    if unusable:
        c = unusable[0]
        raise InputError(f"「{c.document.name}」不能沿用：{c.why_not}")
    if not candidates:
        raise InputError("请至少选择一份要沿用的支撑材料")
    at = now_text()
    refs = []
    for c in candidates:
        carried = {"period": c.period, "reason": reason, "at": at, "by": by}
        stored = StoredFile(c.document.sha256, c.document.name, c.document.size)
        refs += refs_for(stored, c.paths, targets, c.document.kind, at=at, carried=carried)
    return with_refs(evidence, refs)


def carry_summary(candidates: Sequence[CarryCandidate]) -> str:
    if not candidates:
        return "沿用上期支撑材料"
    period = period_label(candidates[0].period)
    if len(candidates) == 1:
        return f"沿用{period}支撑材料「{candidates[0].document.name}」"
    return f"沿用{period} {len(candidates)} 份支撑材料"


def previous_carry_candidates(
    desk: Desk, filing_id: int, document: Mapping[str, Any] | FilingDocument
) -> list[CarryCandidate]:
    """ "从上月沿用" for a workspace filing: the previous period's documents of the same series,
    whether each is still in the store, and where it would go in ``document``."""
    filing = desk.require_filing(filing_id)
    spec = desk.definition(filing)
    if spec is None:
        raise InputError(f"找不到填报 #{filing_id} 适用的表单定义")
    current = _document_model(document)
    previous = desk.previous_document(filing, current.period)
    previous_spec = None
    if previous is not None:
        before = desk.find_filing(filing.enterprise_id, filing.form_id, previous.period)
        previous_spec = desk.definition(before) if before is not None else None
    return carry_candidates(spec, current, previous, previous_spec, desk.evidence_exists)
