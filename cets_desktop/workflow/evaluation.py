"""Evaluating a filing: coerce, calculate, every rule, the previous period, and the findings only
the surroundings can give (workbook cells, workspace evidence, the plan, the plan it was copied
from), with one finding policy. The CLI and the window both call :func:`evaluate_input`.
"""

from __future__ import annotations

import copy
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from ..core.binding import bound
from ..core.calc import Explanation, explain_all, padded_values
from ..core.document import (
    DocumentError,
    FilingDocument,
    parse_document,
    period_problem,
    read_stored_document,
    stored_row,
    stored_rows,
)
from ..core.findings import Finding, summarize
from ..core.reference import ReferenceSet, default_references
from ..core.rules import Evaluation, evaluate, typed_values_of
from ..core.workspace_checks import (
    missing_store_findings,
    period_label,
    previous_period,
    reused_evidence_findings,
)
from ..store.documents import load_json
from .errors import InputError
from .inputs import LoadedInput


def plan_copy_findings(loaded: LoadedInput) -> list[Finding]:
    """PLAN-COPY-001/002: a plan copied from last year is checked against the units it was
    copied for, on every evaluation, until it is brought in line or acknowledged."""
    doc = loaded.document
    if loaded.spec.filing_type != "plan" or not (
        doc.meta.get("copied_from") or doc.meta.get("enterprise_units") is not None
    ):
        return []
    from ..core.plan_copy import copy_findings

    return copy_findings(loaded.spec, doc)


def evaluate_input(
    loaded: LoadedInput,
    *,
    previous: FilingDocument | None = None,
    linked: dict[str, Any] | None = None,
    references: ReferenceSet | None = None,
    extra: list[Finding] | None = None,
    previous_values: dict[str, Any] | None = None,
) -> Evaluation:
    """Every finding of ``loaded`` in one pass, under the one finding policy. ``previous_values``:
    the typed values of ``previous`` when the caller already has them (computed once, not per call)."""
    extra = [*plan_copy_findings(loaded), *(extra or [])]
    ev = evaluate(
        loaded.spec,
        loaded.document,
        references or default_references(),
        previous,
        linked,
        extra_findings=[*loaded.import_findings, *extra],
        previous_values=previous_values,
    )
    apply_finding_policy(ev, loaded)
    return ev


def apply_finding_policy(ev: Evaluation, loaded: LoadedInput) -> None:
    """One finding per problem, located where the user works."""
    # "No evidence at all" is said once, by GEN-006; the plan check only adds what it alone knows
    # (evidence of the wrong kind, a different route).
    if any(f.code == "PLAN-LINK-002" for f in ev.findings):  # (usually none: nothing to drop)
        missing = {f.path for f in ev.findings if f.code == "GEN-006"}
        ev.findings = [f for f in ev.findings if not (f.code == "PLAN-LINK-002" and f.path in missing)]
    if loaded.cell_of is not None:
        # A user working in Excel needs the cell, not our path.
        for f in ev.findings:
            if f.kind != "import" and f.path:
                cell = loaded.cell_of(f.path)
                if cell and cell not in f.location:
                    f.location = f"{cell}（{f.location}）" if f.location else cell


def coherence_for(
    month: LoadedInput, plan: LoadedInput, references: ReferenceSet | None = None
) -> list[Finding]:
    """Does the month follow the plan (routes, evidence kinds, units and fuels)? Unusable pairs
    (not a plan, not a month, another sector or enterprise) raise InputError."""
    from ..core.plan_coherence import coherence_findings, linked_forms

    month_spec, plan_spec = month.spec, plan.spec
    if plan_spec.filing_type != "plan":
        raise InputError(
            f"{_name(plan)} 是「{plan_spec.title}」，不是数据质量控制计划；--plan 请选择计划文件"
        )
    if month_spec.filing_type != "monthly":
        raise InputError(f"{_name(month)} 是「{month_spec.title}」，不是月度存证；请选择月度存证文件")
    if month_spec.id not in linked_forms(plan_spec):
        raise InputError(
            f"「{plan_spec.title}」没有与「{month_spec.title}」对应的参数；请选择同一行业的计划和月度存证"
        )
    a, b = plan.document.enterprise.uscc.strip(), month.document.enterprise.uscc.strip()
    if a and b and a != b:
        raise InputError(f"计划与月度存证不是同一企业（统一社会信用代码 {a} / {b}）；请选择本企业的计划")
    return coherence_findings(plan_spec, plan.document, month_spec, month.document, references)


def _name(loaded: LoadedInput) -> str:
    return str(loaded.source_path) if loaded.source_path else f"工作区中的{loaded.spec.title}"


def calc_output(ev: Evaluation) -> dict[str, Any]:
    """The ``calc --json`` payload: the input's shape with calculated fields filled and rounded."""
    return {
        "form": ev.spec.id,
        "form_version": ev.spec.version,
        "period": ev.document.period,
        "values": padded_values(ev.spec, ev.values),
    }


def explanations(ev: Evaluation) -> dict[str, Explanation]:
    assert ev.env is not None
    return explain_all(ev.spec, ev.values, ev.env, [e.model_dump() for e in ev.document.evidence])


def findings_json(ev: Evaluation) -> dict[str, Any]:
    return {
        "form": ev.spec.id,
        "period": ev.document.period,
        "summary": summarize(ev.findings),
        "findings": [f.to_json() for f in ev.findings],
    }


_EvidenceEntry = tuple[list[dict[str, Any]] | FilingDocument, tuple[Any, ...], frozenset[str]]
"""Another period's evidence rows (one per distinct file; or the document read in one pass they
are made from, when GEN-008 needs them: :func:`_distinct_rows`), their signature, their files."""


class WorkspaceReads:
    """What evaluating workspace filings reads again and again, kept per filing revision.

    A year of cards evaluates every month with its previous month and, for GEN-008, the evidence
    of every other month of the series. Read afresh each time that is a year of documents parsed
    per card. Here each filing's document, its evidence rows and a previous month's typed values
    are kept under the filing's revision key (revision number, save time, template version): a
    save, a restore, a state change or a change made by another program on the same workspace
    gives a new key, so nothing needs telling; the key is read from the workspace on every call.
    Whether an evidence file is still in the store (GEN-009) is asked afresh every time.
    """

    MAX_DOCUMENTS = 256
    MAX_TYPED = 64

    def __init__(self, workspace: Any) -> None:
        self.workspace = workspace
        self._documents: OrderedDict[int, tuple[tuple[Any, ...], FilingDocument | None]] = OrderedDict()
        self._own_rows: dict[int, tuple[FilingDocument, list[dict[str, Any]] | None]] = {}
        """Each kept document's evidence rows as stored; None for a document read in one pass
        (core.document.read_stored_document), whose rows are its references' own fields and are
        made only when asked for (:meth:`_own`)."""
        self._pending: dict[int, tuple[tuple[Any, ...], dict[str, Any]]] = {}
        """Stored documents read for their evidence rows, not parsed yet (parsed on first use)."""
        self._coherence: OrderedDict[int, tuple[tuple[Any, ...], tuple[Any, ...], list[Finding]]] = (
            OrderedDict()
        )
        self._specs: dict[tuple[str, str | None, str], Any] = {}
        self._own_specs: dict[tuple[str, str], Any] = {}
        self._series: dict[tuple[Any, ...], list[tuple[Any, Any]]] = {}
        self._files: dict[int, tuple[FilingDocument, list[str], frozenset[str]]] = {}
        self._evidence: dict[int, tuple[tuple[Any, ...], _EvidenceEntry]] = {}
        self._reused: OrderedDict[int, tuple[FilingDocument, tuple[Any, ...], list[Finding]]] = OrderedDict()
        self._typed: OrderedDict[int, tuple[FilingDocument, tuple[Any, ...], dict[str, Any]]] = OrderedDict()
        self._evaluations: OrderedDict[int, tuple[tuple[Any, ...], tuple[Any, ...], Evaluation]] = (
            OrderedDict()
        )
        self._rows_read: dict[tuple[Any, ...], tuple[tuple[int, int, int], Any]] = {}

    def stamp(self) -> tuple[int, int, int]:
        """The workspace's change stamp now (:meth:`store.workspace.Workspace.change_stamp`), for
        several reads of one evaluation (:meth:`filing`, :meth:`filings_of`) asked once."""
        stamp: tuple[int, int, int] = self.workspace.change_stamp()
        return stamp

    def _stamped(
        self, key: tuple[Any, ...], read: Callable[[], Any], stamp: tuple[int, int, int] | None = None
    ) -> Any:
        """``read()`` (a few rows of the workspace), kept until anything is committed to the
        workspace (:meth:`store.workspace.Workspace.change_stamp`; ``stamp``: taken just before)."""
        stamp = stamp if stamp is not None else self.workspace.change_stamp()
        hit = self._rows_read.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        if len(self._rows_read) >= self.MAX_DOCUMENTS:
            self._rows_read.clear()
        value = read()
        self._rows_read[key] = (stamp, value)
        return value

    def filing(self, filing_id: int, stamp: tuple[int, int, int] | None = None) -> Any:
        """``workspace.get_filing`` as of the last commit to the workspace."""
        return self._stamped(("filing", filing_id), lambda: self.workspace.get_filing(filing_id), stamp)

    def filings_of(self, enterprise_id: int, stamp: tuple[int, int, int] | None = None) -> list[Any]:
        """``workspace.list_filings(enterprise_id)`` as of the last commit (a copy of the list).
        Each filing read is also kept as :meth:`filing` reads it (same rows, same stamp), so a
        year of cards reads the enterprise's filings once, not once per card."""
        now = stamp if stamp is not None else self.workspace.change_stamp()

        def read() -> list[Any]:
            found = list(self.workspace.list_filings(enterprise_id))
            if len(self._rows_read) + len(found) < self.MAX_DOCUMENTS:
                for row in found:
                    self._rows_read[("filing", row.id)] = (now, row)
            return found

        return list(self._stamped(("filings", enterprise_id), read, now))

    @staticmethod
    def _key(filing: Any) -> tuple[Any, ...]:
        return (filing.current_revision, filing.updated_at, filing.form_version, filing.period)

    def document(self, filing: Any, origin: str | Callable[[], str]) -> FilingDocument | None:
        """The filing's current revision parsed (None when it is not a readable filing). The same
        object is returned while the revision is unchanged: callers must not modify it."""
        key = self._key(filing)
        hit = self._documents.get(filing.id)
        if hit is not None and hit[0] == key:
            self._documents.move_to_end(filing.id)
            return hit[1]
        pending = self._pending.pop(filing.id, None)
        stored = pending[1] if pending is not None and pending[0] == key else None
        if stored is None:
            stored = self.workspace.current_document(filing.id)
        try:
            doc: FilingDocument | None = parse_document(
                stored, origin if isinstance(origin, str) else origin()
            )
        except DocumentError:
            doc = None
        # Its evidence rows as stored (what the workspace checks read), kept with it.
        # (The stored rows themselves: the stored document is read afresh for this call and
        # dropped once parsed, and the rows are only read.)
        rows = list(stored.get("evidence") or []) if doc is not None else []
        self._keep_document(filing, key, doc, rows)
        return doc

    def _keep_document(
        self,
        filing: Any,
        key: tuple[Any, ...],
        doc: FilingDocument | None,
        rows: list[dict[str, Any]] | None,
    ) -> None:
        """Keep ``doc`` (None: not a readable filing) as the filing's revision ``key``, with its
        evidence rows as stored (None: read in one pass, the rows made when asked for)."""
        hit = self._documents.get(filing.id)
        if doc is not None:
            self._own_rows[id(doc)] = (doc, rows)
        if hit is not None:
            self._own_rows.pop(id(hit[1]), None)  # the revision before
        self._documents[filing.id] = (key, doc)
        while len(self._documents) > self.MAX_DOCUMENTS:
            _, (_, dropped) = self._documents.popitem(last=False)
            self._own_rows.pop(id(dropped), None)

    def previous_document(self, enterprise_id: int, form_id: str, period: str) -> FilingDocument | None:
        """As :func:`core.workspace_checks.find_previous_document`, from the kept documents."""
        before = previous_period(period)
        if before is None:
            return None
        filing = self.workspace.find_filing(enterprise_id, form_id, before)
        if filing is None:
            return None
        return self.document(filing, f"{period_label(before)}填报")

    def typed_previous(
        self, spec: Any, doc: FilingDocument | None, references: ReferenceSet
    ) -> dict[str, Any] | None:
        """Typed and calculated values of a previous-period document (read-only for the rules),
        computed once per document object: the open filing's session keeps its previous month."""
        if doc is None:
            return None
        want = (spec.id, spec.version, id(references))
        hit = self._typed.get(id(doc))
        if hit is not None and hit[0] is doc and hit[1] == want:
            self._typed.move_to_end(id(doc))
            return hit[2]
        values = typed_values_of(spec, doc, references)
        assert values is not None
        self._keep_typed(spec, doc, references, values)
        return values

    def _keep_typed(
        self, spec: Any, doc: FilingDocument, references: ReferenceSet, values: dict[str, Any]
    ) -> None:
        self._typed[id(doc)] = (doc, (spec.id, spec.version, id(references)), values)
        self._typed.move_to_end(id(doc))
        while len(self._typed) > self.MAX_TYPED:
            self._typed.popitem(last=False)

    def _series_rows(self, series: list[Any]) -> list[tuple[Any, Any]]:
        """Each filing of a series with its evidence rows (:meth:`_evidence_rows`), kept while no
        filing of the series changed revision: a year of cards asks this once per card."""
        # The filing rows are immutable and, while nothing is committed, the same objects
        # (:meth:`filings_of`): the same objects in the same order are the same series state.
        # Each entry holds its rows, so no id is reused while it is kept.
        key = tuple(map(id, series))
        hit = self._series.get(key)
        if hit is not None and all(a is b for a, (b, _) in zip(series, hit, strict=True)):
            return hit
        read = self._read_ahead(series)
        entries = [(f, self._evidence_rows(f, read)) for f in series]
        if len(self._series) >= 16:
            self._series.clear()
        self._series[key] = entries
        return entries

    def _kept_document(self, filing: Any) -> FilingDocument | None:
        """The filing's current revision when it is parsed and kept with its evidence rows
        already: no need to read the revision again for them."""
        hit = self._documents.get(filing.id)
        if hit is None or hit[0] != self._key(filing) or hit[1] is None:
            return None
        own = self._own_rows.get(id(hit[1]))
        return hit[1] if own is not None and own[0] is hit[1] else None

    def _own(self, document: FilingDocument) -> list[dict[str, Any]]:
        """The document's evidence rows: as stored for a kept revision (made from the references
        of one read in one pass, once), else the references dumped."""
        kept = self._own_rows.get(id(document))
        if kept is None or kept[0] is not document:
            return [e.model_dump() for e in document.evidence]
        if kept[1] is None:
            rows = stored_rows(document)
            self._own_rows[id(document)] = (document, rows)
            return rows
        return kept[1]

    def _read_ahead(self, filings: list[Any]) -> dict[int, dict[str, Any]]:
        """The stored documents of the series' filings whose evidence rows are not kept for their
        revision, in one read (a workspace just opened reads a year at once, not month by month)."""
        todo = [
            f
            for f in filings
            if ((hit := self._evidence.get(f.id)) is None or hit[0] != self._key(f))
            and self._kept_document(f) is None
        ]
        # Documents read ahead already (:meth:`read_ahead`) are not read again.
        read = {f.id: stored for f in todo if (stored := self._pending_for(f)) is not None}
        todo = [f for f in todo if f.id not in read]
        if len(todo) < 2:
            return read
        try:
            found = self.workspace.current_documents(f.id for f in todo)
        except Exception:  # noqa: BLE001 - each filing is then read on its own, as before
            return read
        read.update(
            (f.id, found[f.id][1]) for f in todo if f.id in found and found[f.id][0] == f.current_revision
        )
        return read

    def _pending_for(self, filing: Any) -> dict[str, Any] | None:
        """The filing's stored document read ahead for its current revision, if any (not parsed yet)."""
        pending = self._pending.get(filing.id)
        return pending[1] if pending is not None and pending[0] == self._key(filing) else None

    def read_ahead(self, filings: list[Any]) -> None:
        """The stored documents of ``filings`` whose current revision is not parsed and kept, in
        one read, kept until :meth:`document` parses them (a year of cards evaluated in one call)."""
        todo = []
        for f in filings:
            hit = self._documents.get(f.id)
            if (hit is None or hit[0] != self._key(f)) and self._pending_for(f) is None:
                todo.append(f)
        if len(todo) < 2:
            return
        # From the stored texts: each text that is a document read without any conversion
        # (core.document.read_stored_document, JSON read and checked in one pass) is kept
        # parsed, as document() keeps it (its evidence rows, the references' own fields, made
        # when asked for); any other is read with json.loads and kept for document() to parse
        # (and report) as before. The texts are read as their UTF-8 bytes (Workspace.current_utf8).
        try:
            found = self.workspace.current_utf8(f.id for f in todo)
        except Exception:  # noqa: BLE001 - each filing is then read on its own, as before
            return
        pending = 0
        for f in todo:
            number, text = found.get(f.id, (None, ""))
            if number != f.current_revision:
                continue
            parsed = read_stored_document(text)
            if parsed is not None:
                self._keep_document(f, self._key(f), parsed, None)
                continue
            try:
                # A text read as its bytes is read as its text (json.loads would also take
                # UTF-16 and a byte-order mark from bytes); not UTF-8 is a ValueError.
                stored = load_json(text.decode("utf-8") if isinstance(text, bytes) else text)
            except (ValueError, RecursionError):
                continue  # as current_documents: left out, read (and reported) on its own
            if isinstance(stored, dict):
                self._pending[f.id] = (self._key(f), stored)
                pending += 1
        while len(self._pending) > max(self.MAX_TYPED, pending):
            self._pending.pop(next(iter(self._pending)))

    def _evidence_rows(
        self, filing: Any, read: dict[int, dict[str, Any]] | None = None
    ) -> _EvidenceEntry | None:
        """Another period's evidence rows (one per distinct file), their signature (the revision
        they were read from) and their files; ``read``: stored documents already read
        (:meth:`_read_ahead`)."""
        key = self._key(filing)
        hit = self._evidence.get(filing.id)
        if hit is not None and hit[0] == key:
            return hit[1]
        # GEN-008 asks of another period which files it holds: one row per distinct file is the
        # same answer as every field the file backs (a ledger backs twenty), read twenty times less.
        rows: list[dict[str, Any]] | FilingDocument = []
        files: set[str] = set()
        stored = read.get(filing.id) if read else None
        kept = self._kept_document(filing) if stored is None else None
        own = self._own_rows[id(kept)][1] if kept is not None else None
        if kept is not None and own is None:
            # Read in one pass: the rows are the references' own fields, made if GEN-008 asks.
            files = _reference_files(kept)
            rows = kept
        else:
            assert isinstance(rows, list)
            if kept is not None:
                stored = {"evidence": own}
            if stored is None:
                try:
                    stored = self.workspace.current_document(filing.id)
                except Exception:  # noqa: BLE001 - deleted meanwhile or a damaged revision: skip it (as workspace_findings)
                    return None
            if isinstance(stored, dict) and filing.id not in self._documents:
                # The month is likely evaluated next (a year of cards): read once, parsed then.
                self._pending[filing.id] = (key, stored)
                while len(self._pending) > self.MAX_TYPED:
                    self._pending.pop(next(iter(self._pending)))
            raw = stored.get("evidence") if isinstance(stored, Mapping) else None
            for row in raw if isinstance(raw, list) else []:
                sha = row.get("sha256") if type(row) is dict or isinstance(row, Mapping) else None
                if isinstance(sha, str) and sha and sha.lower() not in files:
                    files.add(sha.lower())
                    rows.append(dict(row))
        frozen = frozenset(files)
        if kept is not None and self._files.get(id(kept), (None,))[0] is not kept:
            # The same files as the document's own (:meth:`_doc_files`), found once for both.
            self._keep_files(kept, frozen)
        # The revision the rows come from stands for them: the same revision, the same rows.
        entry: _EvidenceEntry = (rows, key, frozen)
        self._evidence[filing.id] = (key, entry)
        return entry

    def definition(self, filing: Any) -> Any:
        """``definitions.definition_of_record`` for the filing (:meth:`definition_of`)."""
        return self.definition_of(filing.form_id, filing.form_version, filing.period)

    def definition_of(self, form_id: str, form_version: str | None, period: str) -> Any:
        """``definitions.definition_of_record(form_id, form_version, period)``, asked once per
        form, version and period (the definitions do not change while the program runs). The
        version a filing was made with is its definition while that version governs the period
        (the rule's first branch), so a year of months made with one version asks once, then
        checks the period. The status cards ask here too (``Desk.kept_definition``): a year's
        cards and their evaluations choose each definition once between them."""
        key = (form_id, form_version, period)
        if key not in self._specs:
            from .definitions import definition_of_record, governs

            if len(self._specs) > 4096:
                self._specs.clear()
            own = self._own_specs.get((form_id, form_version)) if form_version else None
            if own is not None and governs(own, period):
                self._specs[key] = own
            else:
                spec = self._specs[key] = definition_of_record(*key)
                if spec is not None and form_version and (spec.id, spec.version) == key[:2]:
                    self._own_specs[(form_id, form_version)] = spec
        return self._specs[key]

    def series(self, filing: Any) -> list[Any]:
        """Every filing of ``filing``'s series (same enterprise and form), from the workspace."""
        return list(self.workspace.list_filings(filing.enterprise_id, form_id=filing.form_id))

    def previous_in(self, series: list[Any], period: str) -> FilingDocument | None:
        """The previous period's document of a series already read (:meth:`series`)."""
        before = previous_period(period)
        found = next((f for f in series if f.period == before), None) if before else None
        if found is None or before is None:
            return None
        return self.document(found, lambda: f"{period_label(before)}填报")  # named only when parsed

    def workspace_findings(
        self,
        filing_id: int,
        document: FilingDocument,
        *,
        filing: Any = None,
        series: list[Any] | None = None,
    ) -> list[Finding]:
        """GEN-008 and GEN-009, as :func:`core.workspace_checks.workspace_findings` reports them.

        GEN-008 is worked out again only when the document or another period's evidence rows
        changed; whether each file is still in the store (GEN-009) is asked every time."""
        filing = filing if filing is not None else self.workspace.get_filing(filing_id)
        if filing is None:
            return []
        current_period = str(document.period or filing.period)
        others: dict[str, list[dict[str, Any]] | FilingDocument] = {}
        other_files: dict[str, frozenset[str]] = {}
        signature: list[tuple[Any, ...]] = []
        for other, entry in self._series_rows(series if series is not None else self.series(filing)):
            if entry is not None and other.id != filing.id and other.period != current_period:
                others[other.period] = entry[0]
                other_files[other.period] = entry[2]
                signature.append((other.period, entry[1]))
        want = (current_period, tuple(signature))
        hit = self._reused.get(filing.id)
        if hit is not None and hit[0] is document and hit[1] == want:
            kept = hit[2]
        else:
            shared = _sharing(self._doc_files(document)[1], others, other_files)
            # No other period holds any of this document's files: GEN-008 has nothing to say.
            kept = reused_evidence_findings(self._own(document), shared, current_period) if shared else []
            self._reused[filing.id] = (document, want, kept)
            while len(self._reused) > self.MAX_DOCUMENTS:
                self._reused.popitem(last=False)
        findings = [_copied(f) for f in kept]  # the rules mark acknowledgements on them
        findings.extend(self._missing_in_store(document))
        return findings

    def _doc_files(self, document: FilingDocument) -> tuple[list[str], frozenset[str]]:
        """The distinct files (lower-case SHA-256) of a document's evidence rows, sorted and as a
        set, worked out once per document (from its references when its rows are their own
        fields: a kept revision read in one pass, or a document not kept, whose rows are dumped)."""
        kept = self._files.get(id(document))
        if kept is None or kept[0] is not document:
            own = self._own_rows.get(id(document))
            if own is not None and own[0] is document and own[1] is not None:
                files = {
                    row["sha256"].lower()
                    for row in own[1]
                    if (type(row) is dict or isinstance(row, Mapping))
                    and isinstance(row.get("sha256"), str)
                    and row["sha256"]
                }
            else:
                files = _reference_files(document)
            kept = self._keep_files(document, frozenset(files))
        return kept[1], kept[2]

    def _keep_files(
        self, document: FilingDocument, files: frozenset[str]
    ) -> tuple[FilingDocument, list[str], frozenset[str]]:
        kept = self._files[id(document)] = (document, sorted(files), files)
        while len(self._files) > self.MAX_DOCUMENTS:
            self._files.pop(next(iter(self._files)))
        return kept

    def _missing_in_store(self, document: FilingDocument) -> list[Finding]:
        """GEN-009 (:func:`core.workspace_checks.missing_store_findings`), each file asked once:
        the document's distinct files are worked out once per document and asked of the store
        together (``EvidenceStore.all_stored``: one stat each); when every one is there (the
        usual case) there is nothing to report, otherwise the full check runs."""
        store = self.workspace.evidence
        files = self._doc_files(document)[0]
        try:
            present = store.all_stored(files)
        except Exception:  # noqa: BLE001 - a malformed hash or an unreadable folder: the full check says which
            present = False
        return [] if present else missing_store_findings(self._own(document), store.exists)

    def coherence(
        self, month: LoadedInput, plan: LoadedInput, compute: Callable[[], list[Finding]]
    ) -> list[Finding]:
        """Plan ↔ month coherence of two kept documents, worked out again only when either (or
        the date) changed; copies, since the rules mark acknowledgements on them."""
        want = (date.today().isoformat(),)
        inputs = (month.document, plan.document, month.spec, plan.spec)
        hit = self._coherence.get(id(month.document))
        if hit is None or hit[0] != want or not all(a is b for a, b in zip(hit[1], inputs, strict=True)):
            hit = (want, inputs, compute())
            self._coherence[id(month.document)] = hit
            while len(self._coherence) > self.MAX_DOCUMENTS:
                self._coherence.popitem(last=False)
        return [_copied(f) for f in hit[2]]

    def evaluation(
        self,
        filing: Any,
        loaded: LoadedInput,
        previous: FilingDocument | None,
        extra: list[Finding],
        references: ReferenceSet,
        compute: Callable[[], Evaluation],
    ) -> Evaluation:
        """``compute()`` for a stored revision, or the result kept from the last call whose inputs
        were the same: the revision's document object, the definition, the previous document
        object (kept per its revision by :meth:`document`), the references, today's date (rules on
        calibration dates), and every workspace, plan and import finding, compared in full. The
        result is a copy (findings copied), so a caller may annotate it."""
        want = (
            self._key(filing),
            loaded.spec.version,
            date.today().isoformat(),
            tuple(_finding_key(f) for f in loaded.import_findings),
            tuple(_finding_key(f) for f in extra),
        )
        # Objects compared by identity, held by the entry so that none is freed and its id reused.
        inputs = (loaded.document, loaded.spec, previous, references)
        hit = self._evaluations.get(filing.id)
        if (
            hit is not None
            and loaded.cell_of is None
            and hit[0] == want
            and all(a is b for a, b in zip(hit[1], inputs, strict=True))
        ):
            self._evaluations.move_to_end(filing.id)
            ev = hit[2]
        else:
            ev = compute()
            if loaded.cell_of is None:
                self._evaluations[filing.id] = (want, inputs, ev)
                while len(self._evaluations) > self.MAX_DOCUMENTS:
                    self._evaluations.popitem(last=False)
            if _typed_alone(loaded.spec, loaded.document):
                # The next month's "previous": the same values typed_values_of would compute.
                self._keep_typed(loaded.spec, loaded.document, references, ev.values)
        return Evaluation(ev.spec, ev.document, ev.values, [_copied(f) for f in ev.findings], ev.env)


def _copied(f: Finding) -> Finding:
    """``copy.copy(f)``: a new finding with the same attributes (what ``copy.copy`` does for a
    plain dataclass instance, without its generic protocol lookups); any other type is copied by
    ``copy.copy``."""
    if type(f) is not Finding:
        return copy.copy(f)
    new = object.__new__(Finding)
    new.__dict__.update(f.__dict__)
    return new


def _reference_files(doc: FilingDocument) -> set[str]:
    """The distinct files (lower-case SHA-256) of a document's evidence references."""
    return {e.sha256.lower() for e in doc.evidence if isinstance(e.sha256, str) and e.sha256}


def _distinct_rows(doc: FilingDocument) -> list[dict[str, Any]]:
    """One evidence row per distinct file of a document read in one pass, as stored
    (``core.document.stored_row``), in the order of the document."""
    rows: list[dict[str, Any]] = []
    files: set[str] = set()
    for ref in doc.evidence:
        file = ref.sha256
        if isinstance(file, str) and file and file.lower() not in files:
            files.add(file.lower())
            rows.append(stored_row(ref))
    return rows


def _sharing(
    files: frozenset[str],
    others: dict[str, list[dict[str, Any]] | FilingDocument],
    other_files: dict[str, frozenset[str]],
) -> dict[str, list[dict[str, Any]]]:
    """The other periods' evidence rows that hold one of ``files`` (this document's, lower case):
    all GEN-008 asks of them (which periods also attach each of this document's files), without
    reading every row of every other month once per month; ``other_files``: each period's files."""
    if not files:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for period, rows in others.items():
        if files.isdisjoint(other_files[period]):
            continue
        shared = [
            row
            for row in (_distinct_rows(rows) if isinstance(rows, FilingDocument) else rows)
            if isinstance(row.get("sha256"), str) and row["sha256"] and row["sha256"].lower() in files
        ]
        if shared:
            out[period] = shared
    return out


_NEIGHBOUR_CALL = re.compile(r"\b(prev|linked)\s*\(")
_TYPED_ALONE: dict[int, tuple[Any, bool]] = {}


def _typed_alone(spec: Any, doc: FilingDocument) -> bool:
    """Are an evaluation's calculated values exactly what :func:`core.rules.typed_values_of`
    computes for ``doc``? Yes when no calculation (nor the condition it is shown under) reads the
    previous period or a linked filing, and the period is well formed (the evaluation then
    calculates in the document's own period, as typed_values_of does)."""
    if period_problem(doc.period, spec.period_kind) is not None:
        return False
    known = _TYPED_ALONE.get(id(spec))
    if known is None or known[0] is not spec:
        alone = not any(
            _NEIGHBOUR_CALL.search(text or "")
            for bf in bound(spec).calc_order
            for text in (bf.spec.calculation, bf.spec.relevant)
        )
        known = _TYPED_ALONE[id(spec)] = (spec, alone)
    return bool(known[1])


def _finding_key(f: Finding) -> tuple[Any, ...]:
    return (f.severity, f.code, f.path, f.message, f.source, f.location, f.acknowledged, f.kind, f.more)
