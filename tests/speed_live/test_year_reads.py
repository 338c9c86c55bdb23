"""A year of cards on a workspace just opened: the reads made once for the year (drafts, the
series' stored documents, the record definition, the enterprise's filing rows) answer exactly what
the per-filing reads answer, and a damaged month still says what is wrong.

Also: the engine's calculations on shared row positions give the values the per-calculation
positions give, and the JSON depth check answers as the earlier iterative walk did.
"""

from __future__ import annotations

import copy
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from afresh_reads import months

from cets_desktop.core.calc import calculate
from cets_desktop.core.coerce import coerce_values
from cets_desktop.core.document import json_depth_problem, parse_document
from cets_desktop.core.evaluation_context import Env
from cets_desktop.core.reference import default_references
from cets_desktop.core.row_positions import RowIndex
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.errors import InputError
from cets_desktop.workflow.evaluation import WorkspaceReads
from cets_desktop.workflow.status import STATUS_ERRORS, StatusCache


def _fresh_year(desk: Desk) -> list[Any]:
    """The calendar's 12 cards with nothing kept (a new WorkspaceReads and status cache)."""
    desk.__dict__["_workspace_reads"] = WorkspaceReads(desk.workspace)
    desk.status = StatusCache(desk)
    enterprise = desk.list_enterprises()[0]
    spec = desk.definition(next(iter(months(desk).values())))
    return desk.status.months(enterprise, spec, 2026)


def test_drafts_of_a_year_in_one_read_are_the_per_filing_answers(desk: Desk) -> None:
    by_period = months(desk)
    changed, same = by_period["2026-09"], by_period["2026-10"]
    edited = desk.document(changed.id)
    edited["values"]["units"][0]["operating_hours"] = "701.0"
    desk.autosave(changed.id, edited)  # work not in the revision: a draft
    desk.autosave(same.id, desk.document(same.id))  # the revision itself: no draft to offer
    ids = [f.id for f in by_period.values()]
    one_read = desk.drafts_among(ids)
    assert one_read == {i for i in ids if desk.has_draft(i)} == {changed.id}
    assert desk.workspace.drafts_among([]) == set()
    cards = {s.period: s for s in _fresh_year(desk)}
    assert cards["2026-09"].has_draft and not cards["2026-10"].has_draft
    assert not any(s.has_draft for p, s in cards.items() if p != "2026-09")


def test_the_series_documents_in_one_read_are_each_current_document(desk: Desk) -> None:
    ids = [f.id for f in months(desk).values()]
    together = desk.workspace.current_documents([*ids, 10_000])  # an unknown id is left out
    assert sorted(together) == sorted(ids)
    for filing_id in ids:
        number, document = together[filing_id]
        assert number == desk.workspace.get_filing(filing_id).current_revision
        assert document == desk.workspace.current_document(filing_id)


@pytest.mark.parametrize(
    "stored",
    [
        '["not", "a", "filing"]',
        '{"form": "power-monthly", "form_version": "2026.1", "period": "2026-03", "values": 5}',
    ],
)
def test_a_damaged_month_still_reports_its_own_problem_and_spares_the_others(
    desk: Desk, demo_path: Path, stored: str
) -> None:
    before = {s.period: (s.status, s.errors, s.warnings) for s in _fresh_year(desk)}
    march = months(desk)["2026-03"]
    with sqlite3.connect(demo_path) as conn:  # another program wrote something else there
        conn.execute(
            "UPDATE revisions SET document = ? WHERE filing_id = ? AND number = ?",
            (stored, march.id, march.current_revision),
        )
    after = {s.period: (s.status, s.errors, s.warnings) for s in _fresh_year(desk)}
    assert after["2026-03"] == (STATUS_ERRORS, 1, 0)  # as Desk.evaluate's InputError gives
    # April loses its previous month (cross-period rules stay quiet); every other month is as before.
    assert {p: v for p, v in after.items() if p not in ("2026-03", "2026-04")} == {
        p: v for p, v in before.items() if p not in ("2026-03", "2026-04")
    }
    with pytest.raises(InputError) as kept_path:
        desk.evaluate(march.id)
    with Desk.open(demo_path) as fresh, pytest.raises(InputError) as fresh_path:
        fresh.evaluate(march.id)
    assert str(kept_path.value) == str(fresh_path.value)
    assert f"工作区填报 #{march.id}" in str(kept_path.value)


def test_calculations_on_shared_positions_equal_one_position_per_calculation(desk: Desk) -> None:
    filings = list(months(desk).values())
    spec = desk.definition(filings[0])
    references = default_references()
    previous = None
    for filing in filings:
        doc = parse_document(desk.document(filing.id))
        shared, _ = coerce_values(spec, doc.values)
        alone = copy.deepcopy(shared)
        calculate(spec, shared, Env(doc.period, references, previous), RowIndex(shared))
        calculate(spec, alone, Env(doc.period, references, previous))  # no index: a Ctx per row
        assert repr(shared) == repr(alone), filing.period
        assert shared["units"][0]["unit_emissions"] is not None  # real numbers, not blanks
        previous = shared


def _iterative_depth_problem(data: Any, limit: int) -> bool:
    """The earlier implementation (an explicit stack), kept here as the reference."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if type(item) is not dict and type(item) is not list:
            continue
        children = item.values() if type(item) is dict else item
        nested = [c for c in children if type(c) is dict or type(c) is list]
        if nested:
            if depth >= limit:
                return True
            stack.extend((c, depth + 1) for c in nested)
    return False


def _tree(depth: int, rng: random.Random) -> Any:
    if depth <= 0 or rng.random() < 0.2:
        return rng.choice([1, "x", None, 2.5, True])
    if rng.random() < 0.5:
        return [_tree(depth - 1, rng) for _ in range(rng.randint(0, 3))]
    return {str(i): _tree(depth - 1, rng) for i in range(rng.randint(0, 3))}


def test_the_depth_check_answers_as_the_iterative_walk() -> None:
    rng = random.Random(14)
    trees = [_tree(rng.randint(0, 10), rng) for _ in range(1500)]
    for tree in trees:
        for limit in (1, 2, 3, 5, 8):
            assert json_depth_problem(tree, limit) is _iterative_depth_problem(tree, limit)
    assert sum(json_depth_problem(t, 3) for t in trees) > 100  # both answers occur
    deep: list[Any] = []
    cursor = deep
    for _ in range(5000):  # far beyond Python's recursion limit: answered at depth 64
        cursor.append([])
        cursor = cursor[0]
    assert json_depth_problem(deep) is True
    assert json_depth_problem("0") is False


def test_the_two_level_sum_equals_the_general_walk() -> None:
    from decimal import Decimal

    from cets_desktop.core.expressions import _strict_sum, _strict_sum_walk

    rng = random.Random(4)
    leaves: list[Any] = [Decimal("1.5"), Decimal("-2"), Decimal("0.125"), None, "", "x", True]

    def nested(depth: int) -> Any:
        if depth == 0 or rng.random() < 0.5:
            return rng.choice(leaves)
        return [nested(depth - 1) for _ in range(rng.randint(0, 4))]

    cases = [[nested(3) for _ in range(rng.randint(0, 4))] for _ in range(3000)]
    cases += [None, Decimal(7), [[Decimal(1), Decimal(2)]], ([Decimal(1)], (Decimal(2),))]
    for case in cases:
        assert repr(_strict_sum(case)) == repr(_strict_sum_walk(case)), case
    assert _strict_sum([[Decimal("1.5"), Decimal("2.25")]]) == Decimal("3.75")
    assert _strict_sum([[Decimal("1.5"), None]]) is None  # a blank fuel: no total
