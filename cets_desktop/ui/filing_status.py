"""Status, due date and days left of each filing, for the calendar cards and the navigator.

No Qt. Evaluating a month takes a few milliseconds, so a year of cards is evaluated on demand;
results are cached per filing and revision, so only a changed filing is evaluated again. With
``evaluate=False`` a filing not in the cache gets a *pending* summary (due date and workspace
state, no findings yet): the calendar shows those at once and evaluates them after the window
has painted, which keeps the evaluation (and the first load of the reference factors) out of
the cold start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import services
from ..core.document import DocumentError, FilingDocument, parse_document
from ..core.loader import FormRegistry
from ..core.spec import FormSpec
from ..store import STATE_EXPORTED, Enterprise, Filing, Workspace, WorkspaceError
from .plan_start import plan_copy_findings
from .session import previous_period


@dataclass(frozen=True)
class FilingSummary:
    spec: FormSpec
    period: str
    filing: Filing | None
    status: str
    """services.card_status: 未开始 / 草稿 / 有错误 / 可导出 / 已导出."""
    due: date
    errors: int = 0
    warnings: int = 0
    has_draft: bool = False
    pending: bool = False
    """Not evaluated yet: ``status`` is provisional (see :data:`STATUS_PENDING`)."""

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def overdue(self, today: date) -> bool:
        return self.status != services.STATUS_EXPORTED and today > self.due

    def period_open(self, today: date) -> bool:
        """False while the period has not ended yet (nothing to certify so far)."""
        if len(self.period) == 7:
            year, month = int(self.period[:4]), int(self.period[5:])
            end = date(year + (month == 12), month % 12 + 1, 1)
            return today >= end
        return True

    def deadline_text(self, today: date) -> str:
        if self.status == services.STATUS_EXPORTED:
            return "已完成"
        left = self.days_left(today)
        if left < 0:
            return f"已逾期 {-left} 天"
        if left == 0:
            return "今天截止"
        return f"剩 {left} 天"


STATUS_PENDING = "检查中…"


def local_days(enterprise: Enterprise | None) -> int | None:
    if enterprise is None:
        return None
    value = enterprise.settings.get("local_deadline_days")
    try:
        days = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return days if days and days > 0 else None


class StatusCache:
    def __init__(self, workspace: Workspace, registry: FormRegistry) -> None:
        self.workspace = workspace
        self.registry = registry
        self._cache: dict[int, tuple[Any, str, int, int]] = {}

    def invalidate(self, filing_id: int | None = None) -> None:
        if filing_id is None:
            self._cache.clear()
        else:
            self._cache.pop(filing_id, None)

    def spec_for(self, filing: Filing) -> FormSpec | None:
        return self.registry.get(filing.form_id, filing.form_version) or self.registry.for_period(filing.form_id, filing.period)

    def summary(self, enterprise: Enterprise | None, spec: FormSpec, period: str, filing: Filing | None,
                evaluate: bool = True) -> FilingSummary:
        due = services.due_date(spec, period, local_days(enterprise) if spec.filing_type == "monthly" else None)
        if filing is None:
            return FilingSummary(spec, period, None, services.STATUS_NOT_STARTED, due)
        key = (filing.current_revision, filing.updated_at, filing.state)
        cached = self._cache.get(filing.id)
        if cached is None or cached[0] != key:
            if not evaluate:
                status = services.STATUS_EXPORTED if filing.state == STATE_EXPORTED else STATUS_PENDING
                return FilingSummary(spec, period, filing, status, due, pending=True)
            status, errors, warnings = self._evaluate(spec, filing)
            cached = (key, status, errors, warnings)
            self._cache[filing.id] = cached
        try:
            has_draft = self.workspace.recover_draft(filing.id) is not None
        except WorkspaceError:
            has_draft = False
        return FilingSummary(spec, period, filing, cached[1], due, cached[2], cached[3], has_draft)

    def _evaluate(self, spec: FormSpec, filing: Filing) -> tuple[str, int, int]:
        try:
            doc = parse_document(self.workspace.current_document(filing.id), filing.period)
        except (DocumentError, WorkspaceError):
            return services.STATUS_ERRORS, 1, 0
        previous = self._previous(filing)
        ev = services.evaluate_input(services.LoadedInput(doc, spec), previous=previous,
                                     extra=plan_copy_findings(spec, doc))
        return services.card_status(ev, filing.state), len(ev.errors), len(ev.unacknowledged_warnings)

    def _previous(self, filing: Filing) -> FilingDocument | None:
        prev = self.workspace.find_filing(filing.enterprise_id, filing.form_id, previous_period(filing.period))
        if prev is None:
            return None
        try:
            return parse_document(self.workspace.current_document(prev.id), prev.period)
        except (DocumentError, WorkspaceError):
            return None

    # ------------------------------------------------------------------ what an enterprise files

    def forms_for(self, enterprise: Enterprise, filing_type: str | None = None) -> list[FormSpec]:
        """The latest definition of each form for the enterprise's sectors (all when none set)."""
        sectors = set(enterprise.sectors)
        latest: dict[str, FormSpec] = {}
        for spec in self.registry.all():
            if filing_type and spec.filing_type != filing_type:
                continue
            if sectors and spec.sector not in sectors:
                continue
            current = latest.get(spec.id)
            if current is None or spec.template_year > current.template_year:
                latest[spec.id] = spec
        return sorted(latest.values(), key=lambda s: (s.filing_type != "monthly", s.title))

    def months(self, enterprise: Enterprise, spec: FormSpec, year: int, evaluate: bool = True) -> list[FilingSummary]:
        filings = {f.period: f for f in self.workspace.list_filings(enterprise.id, year, spec.id)}
        out = []
        for month in range(1, 13):
            period = f"{year}-{month:02d}"
            period_spec = self.registry.for_period(spec.id, period) or spec
            out.append(self.summary(enterprise, period_spec, period, filings.get(period), evaluate))
        return out

    def yearly(self, enterprise: Enterprise, year: int, evaluate: bool = True) -> list[FilingSummary]:
        """Non-monthly filings whose deadline falls in ``year`` (the 2027 plan is due 2026-12-31)."""
        out = []
        for spec in self.forms_for(enterprise):
            if spec.filing_type == "monthly":
                continue
            period = str(year + 1) if spec.filing_type == "plan" else str(year)
            period_spec = self.registry.for_period(spec.id, period) or spec
            filing = self.workspace.find_filing(enterprise.id, spec.id, period)
            out.append(self.summary(enterprise, period_spec, period, filing, evaluate))
        return out

    def final(self, enterprise: Enterprise | None, summary: FilingSummary) -> FilingSummary:
        """``summary`` evaluated (itself when it is not pending)."""
        if not summary.pending:
            return summary
        return self.summary(enterprise, summary.spec, summary.period, summary.filing)
