"""Status, due date and days left of each filing, for the calendar cards, the navigator and the
``calendar`` command.

Evaluating a month takes a few milliseconds, so a year of cards is evaluated on demand through
:meth:`Desk.evaluate` (the same findings the CLI reports); results are cached per filing and
revision, so only a changed filing is evaluated again. With ``evaluate=False`` a filing not in
the cache gets a *pending* summary (due date and workspace state, no findings yet): the calendar
shows those at once and evaluates them after the window has painted.

The last evaluated status of every filing revision is also kept in the workspace (setting
:data:`KNOWN_STATUS_SETTING`), so the next start shows each card's last known status at once,
before anything is evaluated (the window's cold start reads it straight from SQLite,
``workflow.glance``); a pending card is still evaluated right after the first paint.

This module imports neither the definition meta-model, pydantic, YAML nor the store: the window's
first screen uses it before any of them is loaded (bench/bench_gui_start.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.deadlines import due_for
from ..core.frozen_record import FrozenRecord, set_field
from ..core.lean_stdlib import date

if TYPE_CHECKING:
    from typing import Protocol

    from ..core.rules import Evaluation
    from ..store import Enterprise, Filing

STATE_EXPORTED = "已导出"
"""``store.schema.STATE_EXPORTED``, repeated here so that the cards need not import the store
(tests/speed_start checks that both are the same)."""

KNOWN_STATUS_SETTING = "card_status"
"""Workspace setting: ``{"filings": {id: [revision, updated_at, state, status, errors, warnings]}}``."""


# Types for the checker only (no class made at run time: the first screen imports this module).
if TYPE_CHECKING:

    class FormLike(Protocol):
        """What a card needs of a definition: a ``core.spec.FormSpec``, or on the first screen the
        forms index's entry (``workflow.glance.FormInfo``) before any definition is loaded."""

        @property
        def id(self) -> str: ...
        @property
        def version(self) -> str: ...
        @property
        def title(self) -> str: ...
        @property
        def filing_type(self) -> str: ...
        @property
        def sector(self) -> str: ...
        @property
        def sector_label(self) -> str: ...
        @property
        def template_year(self) -> int: ...
        @property
        def valid_from(self) -> str | None: ...
        @property
        def valid_to(self) -> str | None: ...
        def period_label(self, period: str) -> str: ...

    class FilingSource(Protocol):
        """What the cache reads (``workflow.desk.Desk``; a protocol so status does not import desk)."""

        def get_filing(self, filing_id: int) -> Filing | None: ...
        def find_filing(self, enterprise_id: int, form_id: str, period: str) -> Filing | None: ...
        def list_filings(
            self, enterprise_id: int | None = None, year: int | str | None = None, form_id: str | None = None
        ) -> list[Filing]: ...
        def evaluate(self, filing_id: int) -> Evaluation: ...
        def has_draft(self, filing_id: int) -> bool: ...
        def forms_for(self, enterprise: Enterprise, filing_type: str | None = None) -> list[Any]: ...
        def get_setting(self, key: str, default: Any = None) -> Any: ...


STATUS_NOT_STARTED = "未开始"
STATUS_DRAFT = "草稿"
STATUS_ERRORS = "有错误"
STATUS_READY = "可导出"
STATUS_EXPORTED = "已导出"
STATUS_PENDING = "检查中…"
STATUS_UNTRACKED = "未跟踪"


def card_status(ev: Evaluation | None, workspace_state: str | None) -> str:
    """The card's word: 未开始 / 草稿 / 有错误 / 可导出 / 已导出."""
    if ev is None:
        return STATUS_NOT_STARTED
    if workspace_state == STATE_EXPORTED:
        return STATUS_EXPORTED
    if ev.errors:
        return STATUS_ERRORS
    if ev.unacknowledged_warnings:
        return STATUS_DRAFT
    return STATUS_READY


def local_days(enterprise: Enterprise | None) -> int | None:
    """The enterprise's earlier local deadline for monthly certification (days), if set."""
    if enterprise is None:
        return None
    value = enterprise.settings.get("local_deadline_days")
    try:
        days = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return days if days and days > 0 else None


def tracked_since(enterprise: Enterprise | None) -> str | None:
    """The first month this workspace follows the enterprise (``YYYY-MM``; settings ``tracked_since``).

    A client taken on in December does not show January–September as overdue. Without the
    setting: the first month whose national deadline had not passed when the enterprise was
    added to the workspace (still fileable then, so still shown)."""
    if enterprise is None:
        return None
    value = str(enterprise.settings.get("tracked_since") or "")
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        return value
    try:
        added = date.fromisoformat((enterprise.created_at or "")[:10])
    except ValueError:
        return None
    year, month = (added.year - 1, added.month)
    while due_for("monthly", f"{year}-{month:02d}") < added:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return f"{year}-{month:02d}"


def due_date(spec: FormLike, period: str, local_monthly_days: int | None = None) -> date:
    return due_for(spec.filing_type, period, local_monthly_days)


def due_date_for(enterprise: Enterprise | None, spec: FormLike, period: str) -> date:
    return due_date(spec, period, local_days(enterprise) if spec.filing_type == "monthly" else None)


def period_ended(period: str, today: date) -> bool:
    """False while the period has not ended yet (nothing to certify so far)."""
    if len(period) == 7:
        year, month = int(period[:4]), int(period[5:])
        return today >= date(year + (month == 12), month % 12 + 1, 1)
    return True


class FilingSummary(FrozenRecord):
    """One card's or navigator row's filing: status, due date, findings (equal and hashed by
    value, immutable)."""

    __slots__ = (
        "spec",
        "period",
        "filing",
        "status",
        "due",
        "errors",
        "warnings",
        "has_draft",
        "pending",
        "known",
    )
    spec: Any
    """The definition (``core.spec.FormSpec``; a :class:`FormLike` index entry on the first screen)."""
    period: str
    filing: Filing | None
    status: str
    """:func:`card_status`: 未开始 / 草稿 / 有错误 / 可导出 / 已导出 (or 检查中… while pending)."""
    due: date
    errors: int
    warnings: int
    has_draft: bool
    pending: bool
    """Not evaluated yet: ``status`` is 检查中…, or the last known status when :attr:`known`."""
    known: bool
    """``status``, ``errors`` and ``warnings`` are the last evaluation of this very revision
    (kept in the workspace), shown until the card is evaluated again."""

    def __init__(
        self,
        spec: Any,
        period: str,
        filing: Filing | None,
        status: str,
        due: date,
        errors: int = 0,
        warnings: int = 0,
        has_draft: bool = False,
        pending: bool = False,
        known: bool = False,
    ) -> None:
        set_field(self, "spec", spec)
        set_field(self, "period", period)
        set_field(self, "filing", filing)
        set_field(self, "status", status)
        set_field(self, "due", due)
        set_field(self, "errors", errors)
        set_field(self, "warnings", warnings)
        set_field(self, "has_draft", has_draft)
        set_field(self, "pending", pending)
        set_field(self, "known", known)

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def overdue(self, today: date) -> bool:
        return self.status not in (STATUS_EXPORTED, STATUS_UNTRACKED) and today > self.due

    def period_open(self, today: date) -> bool:
        return period_ended(self.period, today)

    def deadline_text(self, today: date) -> str:
        if self.status == STATUS_EXPORTED:
            return "已完成"
        if self.status == STATUS_UNTRACKED:
            return "早于跟踪起始月份"
        left = self.days_left(today)
        if left < 0:
            return f"已逾期 {-left} 天"
        if left == 0:
            return "今天截止"
        return f"剩 {left} 天"


def _card_result(ev: Any, filing: Filing) -> tuple[str, int, int]:
    """A card's (status, errors, unacknowledged warnings) from the evaluation of ``filing``;
    ``ev`` None when the filing could not be read or parsed (shown as one error)."""
    if ev is None:
        return STATUS_ERRORS, 1, 0
    return card_status(ev, filing.state), len(ev.errors), len(ev.unacknowledged_warnings)


class StatusCache:
    def __init__(self, desk: FilingSource) -> None:
        self.desk = desk
        self._cache: dict[int, tuple[Any, str, int, int]] = {}
        self._known: dict[int, tuple[Any, str, int, int]] | None = None
        self._saved: dict[int, tuple[Any, str, int, int]] = {}
        """What :meth:`remember` last wrote (or read): nothing is written when nothing changed."""
        self._specs: dict[tuple[str, str | None, str], Any] = {}

    def invalidate(self, filing_id: int | None = None) -> None:
        """Forget cached results. A filing's result also depends on its neighbours (previous
        month, evidence reused elsewhere), so invalidating one filing forgets its series."""
        if filing_id is None:
            self._cache.clear()
            return
        self._cache.pop(filing_id, None)
        filing = self.desk.get_filing(filing_id)
        if filing is not None:
            for other in self.desk.list_filings(filing.enterprise_id, form_id=filing.form_id):
                self._cache.pop(other.id, None)

    # ------------------------------------------------------------------ last known statuses

    @staticmethod
    def _key(filing: Filing) -> tuple[int, str, str]:
        return (filing.current_revision, filing.updated_at, filing.state)

    def known(self) -> dict[int, tuple[Any, str, int, int]]:
        """The last evaluated status of each filing revision, as kept in the workspace."""
        if self._known is None:
            self._known = {}
            try:
                stored = self.desk.get_setting(KNOWN_STATUS_SETTING, None)
            except Exception:  # an unreadable setting only costs the head start
                stored = None
            rows = stored.get("filings") if isinstance(stored, dict) else None
            for key, row in (rows or {}).items() if isinstance(rows, dict) else ():
                try:
                    revision, updated_at, state, status, errors, warnings = row
                    entry = (
                        (int(revision), str(updated_at), str(state)),
                        str(status),
                        int(errors),
                        int(warnings),
                    )
                    self._known[int(key)] = entry
                except (TypeError, ValueError):
                    continue
            self._saved = dict(self._known)
        return self._known

    def remember(self) -> bool:
        """Keep the evaluated statuses in the workspace for the next start (True when written).

        Merged with what is kept already (other years, other enterprises); nothing is written on a
        read-only workspace, or when nothing changed."""
        known = self.known()
        known.update(self._cache)
        if known == self._saved or getattr(self.desk, "read_only", True):
            return False
        setter = getattr(self.desk, "set_setting", None)
        if setter is None:
            return False
        rows = {
            str(fid): [*key, status, errors, warnings]
            for fid, (key, status, errors, warnings) in known.items()
        }
        try:
            setter(KNOWN_STATUS_SETTING, {"filings": rows})
        except Exception:  # a locked or full workspace: the statuses are only a head start
            return False
        self._saved = dict(known)
        return True

    # ------------------------------------------------------------------ definitions

    def spec_for(self, filing: Filing) -> Any:
        """The filing's definition (``definitions.definition_of_record``), None when none governs."""
        return self._of_record(filing.form_id, filing.form_version, filing.period)

    def _of_record(self, form_id: str, form_version: str | None, period: str) -> Any:
        """``definitions.definition_of_record``, asked once per form, version and period while
        this cache lives (the definitions do not change while the program runs, as in
        ``workflow.evaluation.WorkspaceReads.definition``)."""
        key = (form_id, form_version, period)
        if key not in self._specs:
            if len(self._specs) > 4096:
                self._specs.clear()
            # The desk's evaluations choose the same definitions: asked there, each is chosen once.
            kept = getattr(self.desk, "kept_definition", None)
            if kept is not None:
                self._specs[key] = kept(form_id, form_version, period)
            else:
                from .definitions import definition_of_record

                self._specs[key] = definition_of_record(form_id, form_version, period)
        return self._specs[key]

    def summary(
        self,
        enterprise: Enterprise | None,
        spec: Any,
        period: str,
        filing: Filing | None,
        evaluate: bool = True,
        *,
        draft: bool | None = None,
    ) -> FilingSummary:
        """``draft``: whether the filing has an autosaved draft, when the caller already asked
        (:meth:`months` asks once for the year); None asks the desk."""
        due = due_date_for(enterprise, spec, period)
        if filing is None:
            since = tracked_since(enterprise)
            # Before tracking began: a month earlier than the tracked-since month, an annual
            # filing already due before it. Neither is shown as overdue.
            untracked = since is not None and (
                period < since
                if spec.filing_type == "monthly"
                else due < date(int(since[:4]), int(since[5:]), 1)
            )
            return FilingSummary(
                spec, period, None, STATUS_UNTRACKED if untracked else STATUS_NOT_STARTED, due
            )
        key = self._key(filing)
        cached = self._cache.get(filing.id)
        if cached is None or cached[0] != key:
            if not evaluate:
                last = self.known().get(filing.id)
                if last is not None and last[0] == key:
                    return FilingSummary(
                        spec,
                        period,
                        filing,
                        last[1],
                        due,
                        last[2],
                        last[3],
                        self.desk.has_draft(filing.id) if draft is None else draft,
                        pending=True,
                        known=True,
                    )
                status = STATUS_EXPORTED if filing.state == STATE_EXPORTED else STATUS_PENDING
                return FilingSummary(spec, period, filing, status, due, pending=True)
            status, errors, warnings = self._evaluate(filing)
            cached = (key, status, errors, warnings)
            self._cache[filing.id] = cached
        return FilingSummary(
            spec,
            period,
            filing,
            cached[1],
            due,
            cached[2],
            cached[3],
            self.desk.has_draft(filing.id) if draft is None else draft,
        )

    def _evaluate(self, filing: Filing) -> tuple[str, int, int]:
        from ..store import WorkspaceError
        from .errors import InputError

        try:
            return _card_result(self.desk.evaluate(filing.id), filing)
        except (InputError, WorkspaceError):
            return _card_result(None, filing)

    def _evaluate_all(self, filings: list[Filing]) -> None:
        """The filings not cached for their revision evaluated in one call (``Desk.evaluate_many``:
        reads shared between them), in the order given, and cached as :meth:`_evaluate` caches
        each; without such a call, or when it fails as a whole, :meth:`summary` evaluates each."""
        many = getattr(self.desk, "evaluate_many", None)
        todo = [f for f in filings if (hit := self._cache.get(f.id)) is None or hit[0] != self._key(f)]
        if many is None or len(todo) < 2:
            return
        from ..store import WorkspaceError
        from .errors import InputError

        try:
            results = many([f.id for f in todo])
        except (InputError, WorkspaceError):
            return
        for filing in todo:
            ev = results.get(filing.id)
            if ev is None:
                continue
            failed = isinstance(ev, (InputError, WorkspaceError))
            self._cache[filing.id] = (self._key(filing), *_card_result(None if failed else ev, filing))

    # ------------------------------------------------------------------ what an enterprise files

    def forms_for(self, enterprise: Enterprise, filing_type: str | None = None) -> list[Any]:
        return self.desk.forms_for(enterprise, filing_type)

    def _period_spec(self, spec: Any, period: str) -> Any:
        """The template in force for ``period`` (None when none governs it): picked on the forms
        index, only that definition loaded (``definitions.definition_of_record``)."""
        return self._of_record(spec.id, None, period)

    def months(
        self, enterprise: Enterprise, spec: Any, year: int, evaluate: bool = True
    ) -> list[FilingSummary]:
        # Evaluating: the filing rows as the evaluation reads them next (one read for both).
        kept = getattr(self.desk, "year_filings", None) if evaluate else None
        rows = (
            kept(enterprise.id, year, spec.id)
            if kept
            else self.desk.list_filings(enterprise.id, year, spec.id)
        )
        filings = {f.period: f for f in rows}
        drafts = self._drafts_among([f.id for f in filings.values()])
        if evaluate:
            # Month by month, as the cards are made below: each month's previous is kept by then.
            periods = [f"{year}-{month:02d}" for month in range(1, 13)]
            self._evaluate_all([filings[p] for p in periods if p in filings])
        own: dict[tuple[str, str], Any] = {}
        out = []
        for month in range(1, 13):
            period = f"{year}-{month:02d}"
            filing = filings.get(period)
            period_spec = (
                (self._record_spec(filing, own) if filing else None)
                or self._period_spec(spec, period)
                or spec
            )
            draft = None if drafts is None or filing is None else filing.id in drafts
            out.append(self.summary(enterprise, period_spec, period, filing, evaluate, draft=draft))
        return out

    def _drafts_among(self, filing_ids: list[int]) -> set[int] | None:
        """The filings with an autosaved draft, in one read (``Desk.drafts_among``); None when the
        source has no such call (each card then asks ``has_draft``)."""
        among = getattr(self.desk, "drafts_among", None)
        return set(among(filing_ids)) if among is not None and filing_ids else None

    def _record_spec(self, filing: Filing, own: dict[tuple[str, str], Any]) -> Any:
        """:meth:`spec_for`, asked once per form and version for a year of months: the version a
        filing was made with is its definition while that version governs the period (the first
        rule of ``definitions.definition_of_record``), so the other months only check the
        period; any other month is asked in full."""
        from .definitions import governs

        key = (filing.form_id, filing.form_version)
        spec = own.get(key)
        if spec is not None and governs(spec, filing.period):
            return spec
        spec = self.spec_for(filing)
        if spec is not None and (spec.id, spec.version) == key:
            own[key] = spec
        return spec

    def yearly(self, enterprise: Enterprise, year: int, evaluate: bool = True) -> list[FilingSummary]:
        """Non-monthly filings whose deadline falls in ``year`` (the 2027 plan is due 2026-12-31;
        the supplementary report on emission year 2025 is due in 2026)."""
        out = []
        for spec in self.forms_for(enterprise):
            if spec.filing_type == "monthly":
                continue
            period = (
                str(year + 1)
                if spec.filing_type == "plan"
                else str(year - 1)
                if spec.filing_type == "supplementary"
                else str(year)
            )
            filing = self.desk.find_filing(enterprise.id, spec.id, period)
            period_spec = (self.spec_for(filing) if filing else None) or self._period_spec(spec, period)
            if period_spec is None:
                continue  # no template governs that year: no card rather than another year's form
            out.append(self.summary(enterprise, period_spec, period, filing, evaluate))
        return out

    def final(self, enterprise: Enterprise | None, summary: FilingSummary) -> FilingSummary:
        """``summary`` evaluated (itself when it is not pending)."""
        if not summary.pending:
            return summary
        return self.summary(enterprise, summary.spec, summary.period, summary.filing)


class OverviewRow(FrozenRecord):
    """One obligation of one enterprise, for the consultant's overview of the whole workspace."""

    __slots__ = ("enterprise", "summary")
    enterprise: Enterprise
    summary: FilingSummary

    def __init__(self, enterprise: Enterprise, summary: FilingSummary) -> None:
        set_field(self, "enterprise", enterprise)
        set_field(self, "summary", summary)

    @property
    def state(self) -> str:
        """The workspace state (草稿 / 已校验 / 已导出), 未开始 when not created."""
        return self.summary.filing.state if self.summary.filing else STATUS_NOT_STARTED


def overview(cache: StatusCache, enterprises: list[Enterprise], today: date) -> list[OverviewRow]:
    """Every enterprise × filing that is open or recently due: the months from the tracked-since
    month (at most the last two years) up to the last ended month, this year's and next year's
    plans, and the supplementary report on the last emission year. Not evaluated (workspace
    states only), so a workspace of 50 enterprises lists at once."""
    rows: list[OverviewRow] = []
    for enterprise in enterprises:
        since = tracked_since(enterprise) or f"{today.year}-01"
        earliest = f"{today.year - 1}-01"
        for spec in cache.forms_for(enterprise):
            if spec.filing_type == "monthly":
                for year in (today.year - 1, today.year):
                    for summary in cache.months(enterprise, spec, year, evaluate=False):
                        if summary.filing is None and (
                            summary.period < max(since, earliest) or not summary.period_open(today)
                        ):
                            continue
                        rows.append(OverviewRow(enterprise, summary))
        for summary in cache.yearly(enterprise, today.year, evaluate=False):
            rows.append(OverviewRow(enterprise, summary))
    return rows
