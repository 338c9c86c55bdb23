"""The fast engine reports exactly what a fresh, plain evaluation reports.

"Fast" is what the window does all day: one Desk kept open, its kept reads (documents, the
series' evidence, previous months' typed values, results whose inputs did not change), the
engine's caches (coerced text per field, plain finding texts, reference entries, one evaluation
position per row shared by the rules) and field reads done in place by the comparisons.
"Fresh" is a newly opened Desk (nothing kept), every engine cache emptied and the definition
compiled again with every name read through its own call (no read in place), evaluated through
``evaluate_input`` with the previous month and the plan read from the store. Both are compared,
findings and calculated values, on every month of the demo year, after a save, an evidence
change (a file attached to two months, then deleted from the store) and the year's plan saved
and corrected.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from afresh_reads import add_plan_with_oil_by_statement, correct_plan_oil, months, plan_afresh

from cets_desktop.core import coerce, findings, name_resolution
from cets_desktop.core.binding import bind_form
from cets_desktop.core.document import parse_document
from cets_desktop.core.loader import load_form
from cets_desktop.core.reference import default_references
from cets_desktop.core.workspace_checks import find_previous_document, workspace_findings
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.evaluation import evaluate_input
from cets_desktop.workflow.inputs import LoadedInput


@pytest.fixture
def plain_spec(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The power definition loaded again and compiled with every name read through a call of
    its own (no getter carries the mark that lets comparisons read it in place)."""
    filing = next(iter(months(desk).values()))
    shipped = desk.definition(filing)
    assert shipped is not None
    original = name_resolution.ScopeResolver.__call__

    def opaque(self: Any, chain: tuple[str, ...]) -> Any:
        getter = original(self, chain)
        return lambda ctx: getter(ctx)

    spec = load_form(shipped.file, bind=False)
    with monkeypatch.context() as patch:
        patch.setattr(name_resolution.ScopeResolver, "__call__", opaque)
        bind_form(spec)
    assert spec is not shipped and spec.id == shipped.id and spec.version == shipped.version
    return spec


def empty_engine_caches() -> None:
    coerce._COERCED.clear()
    findings._PLAIN.clear()
    default_references()._found.clear()


def fresh(path: Path, spec: Any, period: str) -> tuple[list[dict[str, Any]], str]:
    """Findings and calculated values of one month, read and evaluated from nothing."""
    empty_engine_caches()
    with Desk.open(path) as desk:
        filing = months(desk)[period]
        doc = parse_document(copy.deepcopy(desk.workspace.current_document(filing.id)))
        loaded = LoadedInput(doc, spec, workspace_findings(desk.workspace, filing.id, doc), None)
        previous = find_previous_document(desk.workspace, filing.enterprise_id, filing.form_id, period)
        ev = evaluate_input(loaded, previous=previous, extra=plan_afresh(desk, filing, loaded))
        return [f.to_json() for f in ev.findings], repr(ev.values)


def fast(desk: Desk, period: str) -> tuple[list[dict[str, Any]], str]:
    ev = desk.evaluate(months(desk)[period].id)
    return [f.to_json() for f in ev.findings], repr(ev.values)


def assert_year_as_fresh(desk: Desk, path: Path, spec: Any) -> dict[str, list[dict[str, Any]]]:
    enterprise = desk.list_enterprises()[0]
    desk.status.months(enterprise, spec, 2026)  # the calendar's pass first, as in the window
    out = {}
    for period in months(desk):
        got = fast(desk, period)
        assert got == fresh(path, spec, period), period
        out[period] = got[0]
    return out


def codes(found: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(f["severity"], f["code"], f["path"]) for f in found}


def test_the_year_is_the_same_fast_and_fresh_after_saves_and_evidence_changes(
    desk: Desk, demo_path: Path, plain_spec: Any
) -> None:
    year = assert_year_as_fresh(desk, demo_path, plain_spec)
    assert sum(len(f) for f in year.values()) > 10  # real findings, not an empty year
    # The demo's seeded mistake: 2号机组 net supply above its generation (PWR-M-100), with the
    # numbers of the month in its message.
    mistake = next(f for f in year["2026-10"] if f["code"] == "PWR-M-100")
    assert mistake["path"] == "units[1].net_supply" and "169" in mistake["message"]

    # A save: September's NCV lowered to 18.000 → October's 21.500 is +19.4 % month on month.
    by_period = months(desk)
    document = desk.document(by_period["2026-09"].id)
    document["values"]["units"][0]["fuels"][0]["ncv"] = "18.000"
    document["values"]["units"][0]["fuels"][0]["sample_ncv"] = "18.000"
    desk.save(by_period["2026-09"].id, document, "更正发热量")
    year = assert_year_as_fresh(desk, demo_path, plain_spec)
    assert ("warning", "PWR-M-130", "units[0].fuels[0].ncv") in codes(year["2026-10"])

    # Evidence: September's ledger attached to August too (GEN-008 in both) …
    august = desk.document(by_period["2026-08"].id)
    ledger = next(e for e in desk.document(by_period["2026-09"].id)["evidence"] if "台账" in e["name"])
    august["evidence"].append({**ledger, "path": "units[0].fuels[0].consumption"})
    desk.save(by_period["2026-08"].id, august, "补充台账")
    year = assert_year_as_fresh(desk, demo_path, plain_spec)
    assert any(f["code"] == "GEN-008" for f in year["2026-08"])
    # … then deleted from the store outside the program (GEN-009, nothing saved).
    stored = desk.evidence_file(ledger["sha256"])
    assert stored is not None
    stored.unlink()
    year = assert_year_as_fresh(desk, demo_path, plain_spec)
    assert any(f["code"] == "GEN-009" for f in year["2026-09"])


def test_the_year_is_the_same_fast_and_fresh_with_the_plan_and_its_correction(
    desk: Desk, demo_path: Path, plain_spec: Any
) -> None:
    before = assert_year_as_fresh(desk, demo_path, plain_spec)
    plan = add_plan_with_oil_by_statement(desk)
    with_plan = assert_year_as_fresh(desk, demo_path, plain_spec)
    assert ("warning", "PLAN-LINK-001", "units[0].fuels[1].consumption") in codes(with_plan["2026-10"])
    correct_plan_oil(desk, plan.id)
    corrected = assert_year_as_fresh(desk, demo_path, plain_spec)
    assert codes(corrected["2026-10"]) == codes(before["2026-10"])


def test_typed_text_edits_give_the_same_findings_fast_and_fresh(desk: Desk, plain_spec: Any) -> None:
    """The keystroke path (the editor's document, kept caches) against the plain definition with
    empty caches, for values that read differently: numbers, blanks, text, too many decimals."""
    from cets_desktop.core.rules import evaluate

    october = months(desk)["2026-10"]
    shipped = desk.definition(october)
    previous = desk.previous_document(october)
    document = desk.document(october.id)
    for supply, ncv in (
        ("169500.000", "21.500"),
        ("160500.000", "21.5004"),
        ("", "abc"),
        ("1e20", "-3"),
        ("１６０,５００", "21.500"),
    ):
        document["values"]["units"][1]["net_supply"] = supply
        document["values"]["units"][0]["fuels"][0]["ncv"] = ncv
        doc = parse_document(copy.deepcopy(document))
        got = desk.evaluate(october.id, doc, spec=shipped, previous=previous)
        empty_engine_caches()
        plain = evaluate(plain_spec, doc, previous=previous)
        desk_plain = [f for f in got.findings if f.code.startswith(("GEN-008", "GEN-009", "PLAN-"))]
        assert [f.to_json() for f in got.findings if f not in desk_plain] == [
            f.to_json() for f in plain.findings
        ], (supply, ncv)
        assert repr(got.values) == repr(plain.values)
