"""The desk: one open workspace and every workflow on its filings, the one doorway the CLI and the
window both go through (as Anki's GUI reaches its library through the collection).

A screen or a command asks the desk to do a thing in one call and shows the result; neither
assembles a workflow itself. What the CLI reports for a workspace filing, the window reports too:
both evaluate through :meth:`Desk.evaluate` (tests/workflow/test_parity.py proves it).

Long work (export, import, adding large evidence files) is a plain call here; the window runs it
off the GUI thread through ``ui.background.run_in_background``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..core.document import DocumentError, FilingDocument, parse_document
from ..core.spec import FormSpec
from ..core.workspace_checks import previous_period
from ..store import (
    STATE_DRAFT,
    STATE_EXPORTED,
    STATE_VALIDATED,
    AuditEntry,
    Draft,
    Enterprise,
    EvidenceRecord,
    Facility,
    Filing,
    PackageRecord,
    Revision,
    RevisionInfo,
    Workspace,
    WorkspaceError,
    default_workspace_path,
)
from .definitions import definition_for, definition_of_record, forms_for_enterprise
from .documents import new_document
from .errors import InputError
from .inputs import LoadedInput
from .plans import CopiedPlan, copy_previous_plan, previous_plan
from .prefill import prefill_values

if TYPE_CHECKING:
    # The rules engine, the PDF and the packages are imported when a filing is evaluated or
    # exported, not when the window opens (bench/bench_gui_start.py).
    from ..core.findings import Finding
    from ..core.rules import Evaluation
    from .evaluation import WorkspaceReads
    from .export import Cancel, ExportOutcome, Progress

DocumentLike = Mapping[str, Any] | FilingDocument


@dataclass(frozen=True)
class OpenedFiling:
    """What the window needs to open a filing: the filing, its definition, the current document,
    and an autosaved draft with work not yet saved as a revision (the user decides to restore it)."""

    filing: Filing
    spec: FormSpec
    document: dict[str, Any]
    draft: Draft | None


@dataclass(frozen=True)
class SaveResult:
    number: int
    changed: bool
    """False when the content equals the current revision: no new version was made."""


@dataclass(frozen=True)
class ImportPreview:
    loaded: LoadedInput
    changes: int
    """How many values the import would change in the open filing."""


class Desk:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        from .status import StatusCache

        self.status = StatusCache(self)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: Path | str | None = None, *, create: bool = True, read_only: bool = False) -> Desk:
        """Open (or create) a workspace; raises WorkspaceError with a Chinese message. A workspace
        that cannot be written (read-only media) opens read-only; ``location_notes`` says so."""
        return cls(Workspace.open(path, create=create, read_only=read_only, fallback_read_only=not read_only))

    @classmethod
    def open_existing(cls, path: Path | str | None = None, *, read_only: bool = True) -> Desk:
        """Open a workspace that must already exist (the CLI's ``--workspace``)."""
        target = Path(path) if path else default_workspace_path()
        if not target.exists():
            raise InputError(
                f"找不到工作区 {target}（用 --workspace 指定工作区文件，或先运行 workspace init）"
            )
        return cls(Workspace.open(target, create=False, read_only=read_only))

    def close(self) -> None:
        self.workspace.close()

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self.workspace.path

    @property
    def actor(self) -> str:
        return self.workspace.actor

    @property
    def read_only(self) -> bool:
        return self.workspace.read_only

    @property
    def location_notes(self) -> list[str]:
        """Banner texts: opened read-only because of where it is; running in network-share mode."""
        ws = self.workspace
        return [n for n in (getattr(ws, "read_only_reason", None), getattr(ws, "network_reason", None)) if n]

    @property
    def is_sandbox(self) -> bool:
        """The demo workspace (marked when built): shown as a sandbox wherever it appears."""
        from .sandbox import is_sandbox

        return is_sandbox(self.workspace)

    @property
    def evidence_root(self) -> Path:
        return self.workspace.evidence.root

    # ------------------------------------------------------------------ enterprises and settings

    def list_enterprises(self) -> list[Enterprise]:
        return self.workspace.list_enterprises()

    def get_enterprise(self, key: int | str) -> Enterprise | None:
        return self.workspace.get_enterprise(key)

    def find_enterprise(self, text: str) -> Enterprise | None:
        """By id, unified social credit code or exact name (the CLI's ``--enterprise``)."""
        text = (text or "").strip()
        if text.isdigit():
            found = self.workspace.get_enterprise(int(text))
            if found is not None:
                return found
        found = self.workspace.get_enterprise(text)
        if found is not None:
            return found
        return next((e for e in self.workspace.list_enterprises() if e.name == text), None)

    def list_facilities(self, enterprise_id: int) -> list[Facility]:
        return self.workspace.list_facilities(enterprise_id)

    def save_enterprise(
        self,
        enterprise_id: int | None,
        *,
        name: str,
        uscc: str,
        industry_code: str = "",
        province: str = "",
        city: str = "",
        sectors: Sequence[str] = (),
        settings: Mapping[str, Any] | None = None,
        new_facilities: Sequence[tuple[str, str]] = (),
        reason: str = "修改企业信息",
    ) -> Enterprise:
        """Create (``enterprise_id`` None) or update an enterprise and add its new facilities."""
        if enterprise_id is None:
            enterprise = self.workspace.add_enterprise(
                name,
                uscc,
                industry_code=industry_code,
                province=province,
                city=city,
                sectors=sectors,
                settings=settings,
            )
        else:
            enterprise = self.workspace.update_enterprise(
                enterprise_id,
                reason=reason,
                name=name,
                uscc=uscc,
                industry_code=industry_code,
                province=province,
                city=city,
                sectors=list(sectors),
                settings=dict(settings or {}),
            )
        for kind, facility in new_facilities:
            self.workspace.add_facility(enterprise.id, kind, facility)
        self.status.invalidate()
        return enterprise

    def update_enterprise_settings(
        self, enterprise_id: int, settings: Mapping[str, Any], reason: str
    ) -> Enterprise:
        enterprise = self.workspace.update_enterprise(enterprise_id, reason=reason, settings=dict(settings))
        self.status.invalidate()
        return enterprise

    def add_facility(self, enterprise_id: int, kind: str, name: str) -> Facility:
        return self.workspace.add_facility(enterprise_id, kind, name)

    def get_setting(self, key: str, default: Any = None) -> Any:
        return self.workspace.get_setting(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        self.workspace.set_setting(key, value)

    def forms_for(self, enterprise: Enterprise, filing_type: str | None = None) -> list[FormSpec]:
        """The forms an enterprise files (definitions.forms_for_enterprise)."""
        return forms_for_enterprise(list(enterprise.sectors), enterprise.industry_code, filing_type)

    # ------------------------------------------------------------------ filings: reading

    def list_filings(
        self, enterprise_id: int | None = None, year: int | str | None = None, form_id: str | None = None
    ) -> list[Filing]:
        return self.workspace.list_filings(enterprise_id, year, form_id)

    def get_filing(self, filing_id: int) -> Filing | None:
        return self.workspace.get_filing(filing_id)

    def require_filing(self, filing_id: int) -> Filing:
        filing = self.workspace.get_filing(filing_id)
        if filing is None:
            raise InputError(f"工作区中没有编号为 {filing_id} 的填报（见 workspace list）")
        return filing

    def find_filing(self, enterprise_id: int, form_id: str, period: str) -> Filing | None:
        return self.workspace.find_filing(enterprise_id, form_id, period)

    def definition(self, filing: Filing) -> FormSpec | None:
        """The definition of a workspace filing (the one rule: definitions.definition_of_record)."""
        return definition_of_record(filing.form_id, filing.form_version, filing.period)

    def kept_definition(self, form_id: str, form_version: str | None, period: str) -> FormSpec | None:
        """``definitions.definition_of_record``, chosen once with the evaluations' choices while
        they are kept (``WorkspaceReads.definition_of``; before the first evaluation it is asked
        afresh: the status cards keep their own answers)."""
        reads = self.__dict__.get("_workspace_reads")
        if reads is None:
            return definition_of_record(form_id, form_version, period)
        spec: FormSpec | None = reads.definition_of(form_id, form_version, period)
        return spec

    def document(self, filing_id: int) -> dict[str, Any]:
        """The current revision's document (not an autosaved draft)."""
        return self.workspace.current_document(filing_id)

    def filing_document(self, filing_id: int) -> FilingDocument:
        try:
            return parse_document(self.workspace.current_document(filing_id), f"工作区填报 #{filing_id}")
        except DocumentError as exc:
            raise InputError(exc.message) from None

    def revisions(self, filing_id: int) -> list[RevisionInfo]:
        return self.workspace.revisions(filing_id)

    def get_revision(self, filing_id: int, number: int) -> Revision | None:
        return self.workspace.get_revision(filing_id, number)

    def audit(self, filing_id: int) -> list[AuditEntry]:
        return self.workspace.audit(filing_id)

    def packages(self, filing_id: int) -> list[PackageRecord]:
        return self.workspace.packages(filing_id)

    def recover_draft(self, filing_id: int) -> Draft | None:
        return self.workspace.recover_draft(filing_id)

    def has_draft(self, filing_id: int) -> bool:
        try:
            return self.workspace.recover_draft(filing_id) is not None
        except WorkspaceError:
            return False

    def drafts_among(self, filing_ids: Sequence[int]) -> set[int]:
        """:meth:`has_draft` for many filings in one read (a year of cards)."""
        try:
            return self.workspace.drafts_among(filing_ids)
        except WorkspaceError:
            return {i for i in filing_ids if self.has_draft(i)}

    def discard_draft(self, filing_id: int) -> None:
        self.workspace.discard_draft(filing_id)

    def previous_document(self, filing: Filing, period: str | None = None) -> FilingDocument | None:
        """The previous period's document of the same series (None when absent or unreadable:
        cross-period rules then stay quiet; a broken previous month never stops this one)."""
        try:
            return self._reads.previous_document(
                filing.enterprise_id, filing.form_id, period or filing.period
            )
        except WorkspaceError:
            return None

    @property
    def _reads(self) -> WorkspaceReads:
        """Documents, evidence rows and previous months' typed values kept per filing revision
        (workflow.evaluation.WorkspaceReads); created with the first evaluation."""
        reads = self.__dict__.get("_workspace_reads")
        if reads is None:
            from .evaluation import WorkspaceReads

            reads = self.__dict__["_workspace_reads"] = WorkspaceReads(self.workspace)
        return reads

    # ------------------------------------------------------------------ filings: creating and opening

    def enterprise_header(
        self, enterprise_id: int, current: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The document's enterprise header refreshed from the register (other keys kept)."""
        block = dict(current or {})
        enterprise = self.workspace.get_enterprise(enterprise_id)
        if enterprise is not None:
            block.update({"name": enterprise.name, "uscc": enterprise.uscc})
            for key in ("industry_code", "province", "city"):
                value = getattr(enterprise, key)
                if value:
                    block[key] = value
        return block

    def blank_document(self, enterprise_id: int, spec: FormSpec, period: str) -> dict[str, Any]:
        """A new filing's document: preset rows, and a month carries the previous month's units and
        fuels (or the registered units for the first month); a blank plan stays blank."""
        doc = new_document(spec, period, self.enterprise_header(enterprise_id)).to_json_dict()
        before = previous_period(period)
        previous = self.workspace.find_filing(enterprise_id, spec.id, before) if before else None
        previous_values = (
            self.workspace.current_document(previous.id).get("values")
            if previous and spec.filing_type != "plan"
            else None
        )
        plan = self._year_plan(enterprise_id, spec, period[:4]) if previous_values is None else None
        doc["values"] = prefill_values(
            spec,
            doc["values"],
            previous_values,
            self.workspace.list_facilities(enterprise_id),
            (plan.spec, plan.document.values) if plan is not None else None,
        )
        return doc

    def earlier_plan(self, enterprise_id: int, spec: FormSpec, period: str) -> Filing | None:
        """Last year's plan when ``spec`` is a plan (the window asks: copy it or start blank?)."""
        return previous_plan(self.workspace, enterprise_id, spec, period)

    def create_filing(
        self, enterprise_id: int, form_id: str, period: str, *, start: str = "blank"
    ) -> tuple[Filing, CopiedPlan | None]:
        """A new filing of ``form_id`` for ``period`` (its existing one if already there).

        The template is the one in force for the period. ``start="copy"`` starts a plan from
        last year's plan (PLAN-COPY findings come back with it).
        """
        if self.workspace.get_enterprise(enterprise_id) is None:
            raise InputError(f"工作区中没有编号为 {enterprise_id} 的企业")
        spec = definition_for(form_id, period)
        existing = self.workspace.find_filing(enterprise_id, spec.id, period)
        if existing is not None:
            return existing, None
        copied = None
        earlier = previous_plan(self.workspace, enterprise_id, spec, period) if start == "copy" else None
        if earlier is not None:
            try:
                copied = copy_previous_plan(self.workspace, enterprise_id, spec, earlier, period)
            except (DocumentError, ValueError) as exc:
                raise InputError(
                    f"无法复制 {earlier.period} 年度计划：{getattr(exc, 'message', None) or exc}"
                ) from None
            document, reason = copied.document, f"由 {copied.source_period} 年度计划复制"
        else:
            document, reason = self.blank_document(enterprise_id, spec, period), "新建填报"
        filing = self.workspace.create_filing(
            enterprise_id, spec.id, spec.version, period, document, reason=reason
        )
        return filing, copied

    def open_filing(self, filing_id: int) -> OpenedFiling:
        filing = self.require_filing(filing_id)
        spec = self.definition(filing)
        if spec is None:
            raise InputError(
                f"找不到填报 #{filing_id}（{filing.form_id} {filing.period}）适用的表单定义；请更新程序后再打开"
            )
        document = self.workspace.current_document(filing_id)
        document["enterprise"] = self.enterprise_header(filing.enterprise_id, document.get("enterprise"))
        return OpenedFiling(filing, spec, document, self.workspace.recover_draft(filing_id))

    # ------------------------------------------------------------------ filings: saving

    def save(
        self, filing_id: int, document: Mapping[str, Any], reason: str, *, base_revision: int | None = None
    ) -> SaveResult:
        """A new revision with a reason; ``changed`` False when the content is unchanged."""
        reason = (reason or "").strip()
        if not reason:
            raise InputError("保存新版本需要写明原因（记入审计日志）")
        before = self.require_filing(filing_id).current_revision
        number = self.workspace.save_filing(filing_id, document, reason, base_revision=base_revision)
        self.status.invalidate(filing_id)
        return SaveResult(number, number != before)

    def autosave(
        self, filing_id: int, document: Mapping[str, Any], *, base_revision: int | None = None
    ) -> None:
        """Keep the draft (one slot per filing, no revision): what a crash may cost is bounded by
        how often the window calls this."""
        self.workspace.autosave(filing_id, document, base_revision=base_revision)

    def restore(self, filing_id: int, number: int) -> SaveResult:
        """Save revision ``number``'s document as the filing's next revision (nothing is deleted)."""
        filing = self.require_filing(filing_id)
        revision = self.workspace.get_revision(filing_id, number)
        if revision is None:
            raise InputError(f"该填报没有第 {number} 版")
        result = self.save(
            filing_id, revision.document, f"恢复第 {number} 版", base_revision=filing.current_revision
        )
        return result

    def put_document(self, doc: FilingDocument, reason: str) -> tuple[Filing, int]:
        """A filing document from a file into the workspace (its enterprise created when new)."""
        from ..core.uscc import uscc_problem

        enterprise = self.workspace.get_enterprise(doc.enterprise.uscc) if doc.enterprise.uscc else None
        if enterprise is None:
            problem = uscc_problem(doc.enterprise.uscc)
            if problem or not doc.enterprise.name:
                raise InputError(f"无法新建企业：{problem or '企业名称未填写'}")
            enterprise = self.workspace.add_enterprise(
                doc.enterprise.name,
                doc.enterprise.uscc,
                industry_code=doc.enterprise.industry_code or "",
                province=doc.enterprise.province or "",
                city=doc.enterprise.city or "",
            )
        spec = definition_for(doc.form, doc.period)
        filing = self.workspace.find_filing(enterprise.id, spec.id, doc.period)
        data = doc.to_json_dict()
        if filing is None:
            filing = self.workspace.create_filing(
                enterprise.id, doc.form, doc.form_version, doc.period, data, reason=reason
            )
            return filing, filing.current_revision
        number = self.workspace.save_filing(filing.id, data, reason=reason)
        self.status.invalidate(filing.id)
        return filing, number

    def set_state(self, filing_id: int, state: str, reason: str) -> Filing:
        filing = self.workspace.set_state(filing_id, state, reason)
        self.status.invalidate(filing_id)
        return filing

    def mark_validated(self, filing_id: int, reason: str = "校验通过") -> Filing:
        """草稿 → 已校验 (other states are kept)."""
        filing = self.require_filing(filing_id)
        if filing.state == STATE_DRAFT:
            filing = self.set_state(filing_id, STATE_VALIDATED, reason)
        return filing

    # ------------------------------------------------------------------ evaluation

    def loaded(
        self, filing_id: int, document: DocumentLike | None = None, spec: FormSpec | None = None
    ) -> LoadedInput:
        """A workspace filing as an input: the document (the open editor's, or the current revision),
        its definition, and the checks only the workspace can make (GEN-008 evidence reused in
        another period, GEN-009 evidence missing from the store)."""
        filing = self.require_filing(filing_id)
        if document is None:
            doc = self.filing_document(filing_id)
        elif isinstance(document, FilingDocument):
            doc = document
        else:
            try:
                doc = parse_document(copy.deepcopy(dict(document)), f"工作区填报 #{filing_id}")
            except DocumentError as exc:
                raise InputError(exc.message) from None
        if spec is None:
            spec = self.definition(filing)
            if spec is None:
                raise InputError(f"找不到填报 #{filing_id}（{filing.form_id} {filing.period}）适用的表单定义")
        return LoadedInput(doc, spec, self._reads.workspace_findings(filing_id, doc), None)

    def plan_for(
        self, filing: Filing, spec: FormSpec, filings: Sequence[Filing] | None = None
    ) -> LoadedInput | None:
        """The enterprise's data quality control plan for a month's year, when the workspace holds
        one that covers this monthly form (plan ↔ month coherence is then checked). ``filings``:
        the enterprise's filings when the caller has just read them."""
        return self._year_plan(filing.enterprise_id, spec, filing.period[:4], filings)

    def _year_plan(
        self, enterprise_id: int, spec: FormSpec, year: str, filings: Sequence[Filing] | None = None
    ) -> LoadedInput | None:
        """:meth:`plan_for` by enterprise and year (a new month has no filing yet)."""
        if spec.filing_type != "monthly":
            return None
        from ..core.plan_coherence import linked_forms

        candidates = filings if filings is not None else self.workspace.list_filings(enterprise_id, year)
        for candidate in candidates:
            if candidate.period != year or candidate.enterprise_id != enterprise_id:
                continue
            plan_spec = self._reads.definition(candidate)
            if plan_spec is None or plan_spec.filing_type != "plan" or spec.id not in linked_forms(plan_spec):
                continue
            document = self._reads.document(candidate, f"工作区填报 #{candidate.id}")
            return LoadedInput(document, plan_spec) if document is not None else None
        return None

    def evaluate(
        self,
        filing_id: int,
        document: DocumentLike | None = None,
        *,
        spec: FormSpec | None = None,
        plan: LoadedInput | None = None,
        previous: FilingDocument | None = None,
    ) -> Evaluation:
        """Every finding of a workspace filing: the rules, the previous period from the workspace,
        the workspace checks, and the plan (``plan``, or the workspace's plan for the year).

        A stored revision (no ``document``) whose inputs are all unchanged since it was last
        evaluated — its revision, the previous month's, the definition, the date, the workspace
        and plan findings — is not evaluated again: a year of cards after a save re-evaluates only
        what the save can change (the saved month, the month after it, and months whose GEN-008
        evidence check now reads differently)."""
        if document is not None or plan is not None or previous is not None:
            loaded = self.loaded(filing_id, document, spec)
            return self.evaluate_loaded(filing_id, loaded, plan=plan, previous=previous)
        from ..core.reference import default_references

        reads = self._reads
        # One change stamp for the filing and its enterprise's filings.
        return self._prepare_stored(filing_id, spec, reads, reads.stamp(), default_references())()

    def evaluate_many(self, filing_ids: Sequence[int]) -> dict[int, Evaluation | InputError | WorkspaceError]:
        """:meth:`evaluate` of each stored filing (its current revision, the workspace's plan),
        for a year of cards in one call: the workspace's change stamp and the references are
        taken once for all of them, so the filings, their series and their documents are read once
        (kept per revision, as one call after another keeps them). Each filing gets what
        :meth:`evaluate` returns, or the InputError / WorkspaceError it raises."""
        from ..core.reference import default_references

        reads = self._reads
        stamp = reads.stamp()
        references = default_references()
        out: dict[int, Evaluation | InputError | WorkspaceError] = {}
        if len(filing_ids) > 1:
            # The filing rows (the first one's enterprise's, in one read) and the documents of
            # those not kept, in one read: each month then parses its own, no month reads alone.
            try:
                first = reads.filing(filing_ids[0], stamp)
                if first is not None:
                    reads.filings_of(first.enterprise_id, stamp)
                rows = [reads.filing(i, stamp) for i in filing_ids]
                reads.read_ahead([f for f in rows if f is not None])
            except WorkspaceError:
                pass  # each filing is then read on its own and says what is wrong
        # Every filing's inputs first (its document, definition, previous month, workspace and
        # plan findings), then the rules filing by filing, in the order given: each kind of work
        # runs for the whole year while its code and data are at hand, instead of taking turns
        # with the engine month by month. Nothing the inputs read depends on an evaluation (the
        # previous month's typed values are taken when its month is evaluated).
        steps: list[tuple[int, Callable[[], Evaluation] | InputError | WorkspaceError]] = []
        for filing_id in filing_ids:
            try:
                steps.append((filing_id, self._prepare_stored(filing_id, None, reads, stamp, references)))
            except (InputError, WorkspaceError) as exc:
                steps.append((filing_id, exc))
        for filing_id, step in steps:
            if isinstance(step, (InputError, WorkspaceError)):
                out[filing_id] = step
                continue
            try:
                out[filing_id] = step()
            except (InputError, WorkspaceError) as exc:
                out[filing_id] = exc
        return out

    def year_filings(self, enterprise_id: int, year: int | str, form_id: str) -> list[Filing]:
        """``list_filings(enterprise_id, year, form_id)`` as of the last commit to the workspace:
        from the enterprise's filing rows, read once and kept until the next commit (what
        :meth:`evaluate_many` reads next for the same year of cards)."""
        year_text = f"{int(year):04d}"
        return [
            f
            for f in self._reads.filings_of(enterprise_id)
            if f.period[:4] == year_text and f.form_id == form_id
        ]

    def _prepare_stored(
        self,
        filing_id: int,
        spec: FormSpec | None,
        reads: WorkspaceReads,
        stamp: tuple[int, int, int],
        references: Any,
    ) -> Callable[[], Evaluation]:
        """:meth:`evaluate` of the stored revision (the workspace read as of ``stamp``) up to the
        evaluation itself: everything read for it, and the call that evaluates (or gives the
        kept result); raises what :meth:`evaluate` raises."""
        from .evaluation import evaluate_input

        filing = reads.filing(filing_id, stamp)  # as require_filing, read again only after a commit
        if filing is None:
            filing = self.require_filing(filing_id)  # raises the InputError
        if spec is None:
            spec = reads.definition(filing)
            if spec is None:
                raise InputError(f"找不到填报 #{filing_id}（{filing.form_id} {filing.period}）适用的表单定义")
        doc = reads.document(filing, f"工作区填报 #{filing_id}")
        if doc is None:
            doc = self.filing_document(filing_id)  # raises the document's InputError
        everything = reads.filings_of(filing.enterprise_id, stamp)  # series and plan in one read
        series = [f for f in everything if f.form_id == filing.form_id]
        found = reads.workspace_findings(filing_id, doc, filing=filing, series=series)
        loaded = LoadedInput(doc, spec, found, None)
        try:
            previous = reads.previous_in(series, doc.period)
        except WorkspaceError:
            previous = None  # as previous_document: a broken previous month never stops this one
        extra = self._plan_findings(filing, loaded, None, everything)
        return lambda: reads.evaluation(
            filing,
            loaded,
            previous,
            extra,
            references,
            lambda: evaluate_input(
                loaded,
                previous=previous,
                references=references,
                extra=extra,
                previous_values=reads.typed_previous(spec, previous, references),
            ),
        )

    def evaluate_loaded(
        self,
        filing_id: int,
        loaded: LoadedInput,
        *,
        plan: LoadedInput | None = None,
        previous: FilingDocument | None = None,
    ) -> Evaluation:
        from ..core.reference import default_references
        from .evaluation import evaluate_input

        filing = self.require_filing(filing_id)
        if previous is None:
            previous = self.previous_document(filing, loaded.document.period)
        references = default_references()
        return evaluate_input(
            loaded,
            previous=previous,
            references=references,
            extra=self._plan_findings(filing, loaded, plan),
            previous_values=self._reads.typed_previous(loaded.spec, previous, references),
        )

    def _plan_findings(
        self,
        filing: Filing,
        loaded: LoadedInput,
        plan: LoadedInput | None,
        filings: Sequence[Filing] | None = None,
    ) -> list[Finding]:
        """Plan coherence: against the plan the user named (an unusable pair is an InputError), or
        quietly against the workspace's plan for the year when there is one."""
        from .evaluation import coherence_for

        if plan is not None:
            return coherence_for(loaded, plan)
        own = self.plan_for(filing, loaded.spec, filings)
        if own is None:
            return []
        try:
            if filings is not None:  # a stored revision (Desk.evaluate): both documents are kept
                return self._reads.coherence(loaded, own, lambda: coherence_for(loaded, own))
            return coherence_for(loaded, own)
        except InputError:
            return []  # e.g. the plan names another enterprise's code: nothing to compare

    # ------------------------------------------------------------------ import

    def import_preview(
        self, filing_id: int, path: Path | str, current_values: Mapping[str, Any]
    ) -> ImportPreview:
        """Read a filled workbook for an open filing: same form and period required; how many
        values would change (the window asks before replacing)."""
        from ..store import diff_values
        from .inputs import load_input

        filing = self.require_filing(filing_id)
        loaded = load_input(path, expected_period=filing.period, expected_form=filing.form_id)
        if loaded.document.period != filing.period or loaded.spec.id != filing.form_id:
            spec = self.definition(filing)
            title = (
                f"{spec.title}（{spec.period_label(filing.period)}）"
                if spec
                else f"{filing.form_id} {filing.period}"
            )
            raise InputError(
                f"该工作簿是「{loaded.spec.title}」{loaded.document.period} 的数据，与当前填报（{title}）不符；"
                "请打开对应的填报后再导入"
            )
        changes = [
            c
            for c in diff_values(dict(current_values), loaded.document.values, "values")
            if not _same_number(c.old, c.new)
        ]
        return ImportPreview(loaded, len(changes))

    def write_template(
        self,
        filing_id: int,
        out_path: Path | str,
        *,
        document: DocumentLike | None = None,
        prefilled: bool = True,
    ) -> Path:
        """An Excel workbook for a workspace filing, to fill in Excel and import back: blank (the
        definition's preset rows, the enterprise and period filled in) or with the filing's data."""
        from ..io.xlsx_template import write_workbook

        filing = self.require_filing(filing_id)
        loaded = self.loaded(filing_id, document)
        doc = loaded.document
        if not prefilled:
            doc = new_document(loaded.spec, filing.period, self.enterprise_header(filing.enterprise_id))
        write_workbook(loaded.spec, Path(out_path), document=doc)
        return Path(out_path)

    # ------------------------------------------------------------------ evidence

    def add_evidence_file(
        self,
        source: Path | str,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> EvidenceRecord:
        return self.workspace.evidence.add_file(source, progress=progress, cancel=cancel)

    def evidence_exists(self, sha256: str) -> bool:
        try:
            return self.workspace.evidence.exists(sha256)
        except (ValueError, WorkspaceError):
            return False

    def open_evidence(self, sha256: str) -> BinaryIO:
        return self.workspace.evidence.open(sha256)

    def evidence_file(self, sha256: str, _name: str = "") -> Path | None:
        """The stored file of an evidence hash (None when the store no longer has it)."""
        return self.workspace.evidence.path_for(sha256) if self.evidence_exists(sha256) else None

    # ------------------------------------------------------------------ export

    def export(
        self,
        filing_id: int,
        out_path: Path | str,
        *,
        document: DocumentLike | None = None,
        spec: FormSpec | None = None,
        draft: bool = False,
        sign: bool = True,
        require_signature: bool = False,
        previous_package: Path | str | None = None,
        plan: LoadedInput | None = None,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
        record: bool = True,
    ) -> ExportOutcome:
        """The submission package of a workspace filing: evidence from the store, the chain from
        the last package of the filing (or ``previous_package``), and, for a final package, the
        state 已导出 with the package hash recorded for next month's chain (``record=False``: the
        caller records it with :meth:`record_export`, e.g. to warn separately when that fails)."""
        from .export import export_package, sha256_file

        filing = self.require_filing(filing_id)
        loaded = self.loaded(filing_id, document, spec)
        previous_doc = self.previous_document(filing, loaded.document.period)
        if previous_package is not None:
            previous_sha: str | None = sha256_file(Path(previous_package))
        else:
            last = self.workspace.previous_package(filing_id)
            previous_sha = last.sha256 if last else None
        outcome = export_package(
            loaded,
            out_path,
            draft=draft,
            previous=previous_doc,
            extra=self._plan_findings(filing, loaded, plan),
            previous_package_sha256=previous_sha,
            evidence_resolver=self.evidence_file,
            evidence_checksums=self.workspace.evidence_crc32,
            sign=sign,
            require_signature=require_signature,
            progress=progress,
            cancel=cancel,
        )
        self._keep_checksums(outcome)
        if record and not outcome.draft:
            self.record_export(filing_id, outcome)
        return outcome

    def _keep_checksums(self, outcome: ExportOutcome) -> None:
        """CRC-32s the export had to compute (files attached before the workspace kept them):
        kept, so the next export writes those files in one pass. Only a speed-up: a workspace
        that cannot take them now (busy, read-only) loses nothing."""
        if outcome.learned_crc32 and not self.workspace.read_only:
            with suppress(WorkspaceError):
                self.workspace.remember_evidence_crc32(outcome.learned_crc32)

    def record_export(self, filing_id: int, outcome: ExportOutcome) -> None:
        current = self.require_filing(filing_id)
        if current.state == STATE_DRAFT:
            self.workspace.set_state(filing_id, STATE_VALIDATED, "导出前校验通过")
        self.workspace.set_state(filing_id, STATE_EXPORTED, f"导出申报包 {outcome.package_path.name}")
        self.workspace.record_package(filing_id, outcome.package_path, outcome.sha256)
        self.status.invalidate(filing_id)

    def backup(self, target: Path | str) -> Any:
        """The whole workspace — database and every evidence file — as one backup file."""
        return self.workspace.backup_archive(target)

    @classmethod
    def restore_backup(cls, archive: Path | str, target: Path | str) -> Any:
        """A backup file unpacked into a new workspace at ``target`` (never over an existing one)."""
        return Workspace.restore_archive(archive, target)


def _same_number(old: Any, new: Any) -> bool:
    """12.50 typed in the window and 12.5 read back from Excel are the same value, not a change."""
    from decimal import Decimal, InvalidOperation

    if (
        not isinstance(old, str | int)
        or not isinstance(new, str | int)
        or isinstance(old, bool)
        or isinstance(new, bool)
    ):
        return False
    try:
        return Decimal(str(old).replace(",", "")) == Decimal(str(new).replace(",", ""))
    except (InvalidOperation, ValueError):
        return False
