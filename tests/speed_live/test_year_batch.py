"""A year of cards in one call (``Desk.evaluate_many``, used by ``StatusCache.months``) gives
exactly what ``Desk.evaluate`` gives filing by filing: the same findings (every field, the
acknowledgements included), the same computed values, the same errors for a filing that cannot be
evaluated, and the same cards. The demo year is made harder first: a damaged month, a month that
reuses another month's evidence file, an evidence file deleted from the store, and a month whose
previous month is gone.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from afresh_reads import add_plan_with_oil_by_statement, months

from cets_desktop.store import WorkspaceError
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.errors import InputError
from cets_desktop.workflow.evaluation import WorkspaceReads
from cets_desktop.workflow.status import STATUS_ERRORS, StatusCache


def _harder_year(desk: Desk, demo_path: Path) -> dict[str, Any]:
    """The demo year with the year's plan (which measures the fuel oil otherwise than the months),
    a damaged March, June reusing February's first evidence file, a file of August's deleted from
    the store, and May gone (June has no previous month)."""
    add_plan_with_oil_by_statement(desk)
    by_period = months(desk)
    feb = desk.document(by_period["2026-02"].id)
    june_id = by_period["2026-06"].id
    june = desk.document(june_id)
    borrowed = dict(feb["evidence"][0])
    june["evidence"] = [borrowed, *june["evidence"][1:]]
    desk.save(june_id, june, "测试：沿用二月的证据文件")
    august = desk.document(by_period["2026-08"].id)
    gone = august["evidence"][-1]["sha256"]
    assert gone not in {
        row["sha256"]
        for p in by_period
        if p != "2026-08"
        for row in desk.document(by_period[p].id)["evidence"]
    }
    desk.workspace.evidence.path_for(gone).unlink()
    march, may = by_period["2026-03"], by_period["2026-05"]
    with sqlite3.connect(demo_path) as conn:  # another program wrote something else, removed May
        conn.execute(
            "UPDATE revisions SET document = ? WHERE filing_id = ? AND number = ?",
            ('["not", "a", "filing"]', march.id, march.current_revision),
        )
        conn.execute("DELETE FROM revisions WHERE filing_id = ?", (may.id,))
        conn.execute("DELETE FROM filings WHERE id = ?", (may.id,))
    return {p: f for p, f in months(desk).items()}


def _fresh(desk: Desk) -> None:
    desk.__dict__["_workspace_reads"] = WorkspaceReads(desk.workspace)
    desk.status = StatusCache(desk)


def _outcome(result: Any) -> Any:
    if isinstance(result, (InputError, WorkspaceError)):
        return (type(result).__name__, str(result))
    return (
        [(f.to_json(), f.acknowledged) for f in result.findings],
        repr(result.values),
        result.document.model_dump(),
        result.spec.id,
        result.spec.version,
    )


def _one_by_one(desk: Desk, filings: list[Any], afresh: bool) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for filing in filings:
        if afresh:
            _fresh(desk)  # nothing kept from the month before
        try:
            out[filing.id] = _outcome(desk.evaluate(filing.id))
        except (InputError, WorkspaceError) as exc:
            out[filing.id] = _outcome(exc)
    return out


def test_the_batch_gives_what_each_evaluate_gives(desk: Desk, demo_path: Path) -> None:
    by_period = _harder_year(desk, demo_path)
    filings = [by_period[p] for p in sorted(by_period)]
    assert "2026-05" not in by_period and len(filings) == 9
    _fresh(desk)
    batch = {i: _outcome(r) for i, r in desk.evaluate_many([f.id for f in filings]).items()}
    assert batch == _one_by_one(desk, filings, afresh=True)
    _fresh(desk)
    assert batch == _one_by_one(desk, filings, afresh=False)
    # Each hard case says what it should, so the comparison above compares real findings.
    codes = {p: {f["code"] for f, _ in batch[by_period[p].id][0]} for p in by_period if p != "2026-03"}
    assert batch[by_period["2026-03"].id][0] == "InputError"
    assert "GEN-008" in codes["2026-06"] and "GEN-008" in codes["2026-02"]
    assert "GEN-009" in codes["2026-08"] and "GEN-009" not in codes["2026-07"]
    assert all("PLAN-LINK-001" in c for c in codes.values())  # the plan is read for every month
    assert sum(len(batch[f.id][0]) for f in filings if f.period != "2026-03") > 9
    # The batch asked again after a change sees the change, as Desk.evaluate does.
    june = by_period["2026-06"]
    doc = desk.document(june.id)
    doc["values"]["units"][0]["operating_hours"] = "702.0"
    desk.save(june.id, doc, "测试：修改运行小时数")
    again = {i: _outcome(r) for i, r in desk.evaluate_many([f.id for f in filings]).items()}
    _fresh(desk)
    assert again == _one_by_one(desk, filings, afresh=True)
    assert again[june.id] != batch[june.id]


class _OneByOne:
    """The desk without its year calls: the status cache then lists the year's filings from the
    workspace and evaluates card by card."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def __getattr__(self, name: str) -> Any:
        if name in ("evaluate_many", "year_filings"):
            raise AttributeError(name)
        return getattr(self._desk, name)


def test_the_cards_from_the_batch_are_the_cards_card_by_card(desk: Desk, demo_path: Path) -> None:
    by_period = _harder_year(desk, demo_path)
    enterprise = desk.list_enterprises()[0]
    spec = desk.definition(by_period["2026-01"])
    _fresh(desk)
    batch = desk.status.months(enterprise, spec, 2026)
    _fresh(desk)
    single = StatusCache(_OneByOne(desk)).months(enterprise, spec, 2026)  # type: ignore[arg-type]
    assert batch == single
    cards = {s.period: s for s in batch}
    assert (cards["2026-03"].status, cards["2026-03"].errors) == (STATUS_ERRORS, 1)
    assert cards["2026-05"].filing is None and cards["2026-08"].warnings >= 1
    assert not any(s.pending for s in batch)


def test_a_year_in_one_call_reads_the_revisions_once(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    by_period = months(desk)
    ids = [by_period[p].id for p in sorted(by_period)]
    calls: dict[str, list[Any]] = {"one": [], "many": [], "stamp": []}
    workspace = desk.workspace
    one, many, stamp = workspace.current_document, workspace.current_documents, workspace.change_stamp
    texts = workspace.current_utf8

    def current_document(filing_id: int) -> Any:
        calls["one"].append(filing_id)
        return one(filing_id)

    def current_documents(filing_ids: Any) -> Any:
        wanted = sorted(filing_ids)
        calls["many"].append(wanted)
        return many(wanted)

    def current_utf8(filing_ids: Any) -> Any:  # the stored texts, parsed in one pass each
        wanted = sorted(filing_ids)
        calls["many"].append(wanted)
        return texts(wanted)

    def change_stamp() -> Any:
        calls["stamp"].append(1)
        return stamp()

    monkeypatch.setattr(workspace, "current_document", current_document)
    monkeypatch.setattr(workspace, "current_documents", current_documents)
    monkeypatch.setattr(workspace, "current_utf8", current_utf8)
    monkeypatch.setattr(workspace, "change_stamp", change_stamp)
    _fresh(desk)
    results = desk.evaluate_many(ids)
    assert calls == {"one": [], "many": [sorted(ids)], "stamp": [1]}
    assert all(not isinstance(r, Exception) and r.values["units"] for r in results.values())
    # Asked again with nothing changed: nothing is read again, one stamp says so.
    calls.update(one=[], many=[], stamp=[])
    assert {i: _outcome(r) for i, r in desk.evaluate_many(ids).items()} == {
        i: _outcome(r) for i, r in results.items()
    }
    assert calls == {"one": [], "many": [], "stamp": [1]}


def test_the_findings_copy_is_copy_copy() -> None:
    import copy

    from cets_desktop.core.findings import Finding
    from cets_desktop.workflow.evaluation import _copied

    original = Finding(
        "warning", "GEN-008", "units[0].x", "同一证据文件 [R] 用于其他月份", "来源", "位置", None, "field", 2
    )
    made = _copied(original)
    assert made == copy.copy(original) and made is not original
    assert made.__dict__ == copy.copy(original).__dict__  # the text as __post_init__ left it
    made.acknowledged = "已核实"
    assert original.acknowledged is None

    class Marked(Finding):
        def __copy__(self) -> Marked:
            return Marked("error", "X", "", "副本")

    assert _copied(Marked("info", "Y", "", "原件")).message == "副本"  # another type: copy.copy


def test_the_kept_year_filings_are_the_listed_ones(desk: Desk) -> None:
    enterprise = desk.list_enterprises()[0]
    forms = {f.form_id for f in desk.list_filings(enterprise.id)}
    assert "power-monthly" in forms
    for year in (2025, 2026, "2026", 2027):
        for form_id in (*sorted(forms), "no-such-form"):
            assert desk.year_filings(enterprise.id, year, form_id) == desk.list_filings(
                enterprise.id, year, form_id
            )
    assert len(desk.year_filings(enterprise.id, 2026, "power-monthly")) == 10
    # A commit (here a new filing) is seen at once: the kept rows are read again.
    plan = add_plan_with_oil_by_statement(desk)
    assert [f.id for f in desk.year_filings(enterprise.id, 2026, "power-plan")] == [plan.id]
    assert desk.year_filings(enterprise.id, 2026, "power-plan") == desk.list_filings(
        enterprise.id, 2026, "power-plan"
    )
