"""core.deadlines.due_for keeps its answers per arguments (the navigator and the overview ask it
for every filing of every enterprise): the kept answers are the rule's own, for every kind of
filing, period and local deadline, and a bad period still raises each time."""

from __future__ import annotations

import pytest

from cets_desktop.core.deadlines import due_for, monthly_due


def test_kept_due_dates_are_the_rules_own() -> None:
    rule = due_for.__wrapped__  # type: ignore[attr-defined]
    for kind in ("monthly", "plan", "annual_report", "supplementary"):
        for year in (2023, 2026, 2030):
            for month in (1, 2, 11, 12):
                period = f"{year}-{month:02d}" if kind == "monthly" else str(year)
                for days in (None, 5, 20, 40, 60):
                    first = due_for(kind, period, days)
                    assert first == rule(kind, period, days) == due_for(kind, period, days)
    # The national 40 days unless a locality asks for fewer; never later than national.
    assert due_for("monthly", "2026-12", 20) == monthly_due(2026, 12, 20)
    assert due_for("monthly", "2026-12", 60) == monthly_due(2026, 12)


def test_a_bad_period_raises_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ValueError):
            due_for("monthly", "20x6-03")
