"""Functions expressions call that need the evaluation context: dates of the period, the row's
position, reference values (``ref``) and linked filings (``linked``).

Each receives the :class:`.evaluation_context.Ctx` first; ``prev`` is compiled specially
(:mod:`.previous_period`) because its argument must stay unevaluated.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .evaluation_context import Ctx


def _ref(ctx: Ctx, table: Any, key: Any = None) -> Any:
    """``ref(table[, key])``: the reference value in force for the filing's year."""
    refs = ctx.env.references
    if refs is None or not isinstance(table, str):
        return None
    return refs.read(
        table,
        ctx.env.year,
        None if key is None else str(key),
        log=ctx.env.ref_log,
        missing=ctx.env.missing_refs,
    )


def _linked(ctx: Ctx, name: Any, key: Any = None) -> Any:
    """A value from a linked filing (e.g. the plan's declared route), looked up by the caller."""
    lookup = ctx.env.linked.get(name) if isinstance(name, str) else None
    if callable(lookup):
        return lookup(ctx, key)
    return lookup


def _parse_day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _days_after_period_end(ctx: Ctx, value: Any) -> Any:
    """Days from the last day of the filing period to an ISO date (negative: before it ended)."""
    day = _parse_day(value)
    if day is None:
        return None
    env = ctx.env
    end = dt.date(env.year, env.month or 12, env.days if env.month else 31)
    return Decimal((day - end).days)


def _today(ctx: Ctx) -> str:
    return ctx.env.today or dt.date.today().isoformat()


def _days_between(ctx: Ctx, start: Any, end: Any) -> Any:
    """Whole days from ``start`` to ``end`` (ISO dates); blank if either is not a date."""
    a, b = _parse_day(start), _parse_day(end)
    if a is None or b is None:
        return None
    return Decimal((b - a).days)


def _add_days(ctx: Ctx, day: Any, n: Any) -> Any:
    start = _parse_day(day)
    if start is None or not isinstance(n, Decimal):
        return None
    return (start + dt.timedelta(days=int(n))).isoformat()


def _add_months(ctx: Ctx, day: Any, n: Any) -> Any:
    """Calendar months later (the 31st becomes the month's last day): next calibration due."""
    start = _parse_day(day)
    if start is None or not isinstance(n, Decimal):
        return None
    months = start.month - 1 + int(n)
    year, month = start.year + months // 12, months % 12 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    ).isoformat()


def _row_index(ctx: Ctx) -> Any:
    """1-based position of the current row in its repeat (blank at the top level)."""
    if len(ctx.rows) < 2:
        return None
    parent_rows = ctx.rows[-2].get(ctx.scope_fields[-1].name) or []
    for i, row in enumerate(parent_rows):
        if row is ctx.rows[-1]:
            return Decimal(i + 1)
    return None


def _period_start(ctx: Ctx) -> str:
    return f"{ctx.env.year:04d}-{ctx.env.month or 1:02d}-01"


CONTEXT_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "today": _today,
    "days_between": _days_between,
    "period_start": _period_start,
    "add_days": _add_days,
    "add_months": _add_months,
    "row_index": _row_index,
    "ref": _ref,
    "linked": _linked,
    "days_after_period_end": _days_after_period_end,
}
LAZY_FUNCTIONS = frozenset({"prev"})
"""Functions whose argument is compiled, not evaluated, before the call (:mod:`.previous_period`)."""
