"""Status, due date and days left of each filing, for the calendar cards, the navigator and the
``calendar`` command.

Evaluating a month takes a few milliseconds, so a year of cards is evaluated on demand through
:meth:`Desk.evaluate` (the same findings the CLI reports); results are cached per filing and
revision, so only a changed filing is evaluated again. With ``evaluate=False`` a filing not in
the cache gets a *pending* summary (due date and workspace state, no findings yet): the calendar
shows those at once and evaluates them after the window has painted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from ..core.deadlines import due_for
from ..core.spec import FormSpec
from ..store import STATE_EXPORTED, Enterprise, Filing, WorkspaceError
from .definitions import definition_of_record, registry
from .errors import InputError

if TYPE_CHECKING:
    from ..core.rules import Evaluation


class FilingSource(Protocol):
    """What the cache reads (``workflow.desk.Desk``; a protocol so status does not import desk)."""

    def get_filing(self, filing_id: int) -> Filing | None: ...
    def find_filing(self, enterprise_id: int, form_id: str, period: str) -> Filing | None: ...
    def list_filings(
        self, enterprise_id: int | None = None, year: int | str | None = None, form_id: str | None = None
    ) -> list[Filing]: ...
    def evaluate(self, filing_id: int) -> Evaluation: ...
    def has_draft(self, filing_id: int) -> bool: ...
    def forms_for(self, enterprise: Enterprise, filing_type: str | None = None) -> list[FormSpec]: ...


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


def due_date(spec: FormSpec, period: str, local_monthly_days: int | None = None) -> date:
    return due_for(spec.filing_type, period, local_monthly_days)


def due_date_for(enterprise: Enterprise | None, spec: FormSpec, period: str) -> date:
    return due_date(spec, period, local_days(enterprise) if spec.filing_type == "monthly" else None)


def period_ended(period: str, today: date) -> bool:
    """False while the period has not ended yet (nothing to certify so far)."""
    if len(period) == 7:
        year, month = int(period[:4]), int(period[5:])
        return today >= date(year + (month == 12), month % 12 + 1, 1)
    return True


@dataclass(frozen=True)
class FilingSummary:
    spec: FormSpec
    period: str
    filing: Filing | None
    status: str
    """:func:`card_status`: 未开始 / 草稿 / 有错误 / 可导出 / 已导出 (or 检查中… while pending)."""
    due: date
    errors: int = 0
    warnings: int = 0
    has_draft: bool = False
    pending: bool = False

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


class StatusCache:
    def __init__(self, desk: FilingSource) -> None:
        self.desk = desk
        self._cache: dict[int, tuple[Any, str, int, int]] = {}

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

    def spec_for(self, filing: Filing) -> FormSpec | None:
        return definition_of_record(filing.form_id, filing.form_version, filing.period)

    def summary(
        self,
        enterprise: Enterprise | None,
        spec: FormSpec,
        period: str,
        filing: Filing | None,
        evaluate: bool = True,
    ) -> FilingSummary:
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
        key = (filing.current_revision, filing.updated_at, filing.state)
        cached = self._cache.get(filing.id)
        if cached is None or cached[0] != key:
            if not evaluate:
                status = STATUS_EXPORTED if filing.state == STATE_EXPORTED else STATUS_PENDING
                return FilingSummary(spec, period, filing, status, due, pending=True)
            status, errors, warnings = self._evaluate(filing)
            cached = (key, status, errors, warnings)
            self._cache[filing.id] = cached
        return FilingSummary(
            spec, period, filing, cached[1], due, cached[2], cached[3], self.desk.has_draft(filing.id)
        )

    def _evaluate(self, filing: Filing) -> tuple[str, int, int]:
        try:
            ev = self.desk.evaluate(filing.id)
        except (InputError, WorkspaceError):
            return STATUS_ERRORS, 1, 0
        return card_status(ev, filing.state), len(ev.errors), len(ev.unacknowledged_warnings)

    # ------------------------------------------------------------------ what an enterprise files

    def forms_for(self, enterprise: Enterprise, filing_type: str | None = None) -> list[FormSpec]:
        return self.desk.forms_for(enterprise, filing_type)

    def _period_spec(self, spec: FormSpec, period: str) -> FormSpec | None:
        reg = registry()
        found = reg.for_period(spec.id, period)
        return (
            found
            if found is not None and definition_of_record(spec.id, found.version, period) is not None
            else None
        )

    def months(
        self, enterprise: Enterprise, spec: FormSpec, year: int, evaluate: bool = True
    ) -> list[FilingSummary]:
        filings = {f.period: f for f in self.desk.list_filings(enterprise.id, year, spec.id)}
        out = []
        for month in range(1, 13):
            period = f"{year}-{month:02d}"
            filing = filings.get(period)
            period_spec = (
                (self.spec_for(filing) if filing else None) or self._period_spec(spec, period) or spec
            )
            out.append(self.summary(enterprise, period_spec, period, filing, evaluate))
        return out

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


@dataclass(frozen=True)
class OverviewRow:
    """One obligation of one enterprise, for the consultant's overview of the whole workspace."""

    enterprise: Enterprise
    summary: FilingSummary

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
