"""The evaluation keeps what it read per filing revision (documents, the series' evidence, the
previous month's typed values, results whose inputs did not change) and still reports exactly what
reading everything afresh reports: after a save, a state change, a change made by another program,
new evidence reused across months and an evidence file deleted from the store."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from afresh_reads import add_plan_with_oil_by_statement, correct_plan_oil, months, plan_afresh

from cets_desktop.core.document import parse_document
from cets_desktop.core.workspace_checks import find_previous_document, workspace_findings
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.evaluation import evaluate_input
from cets_desktop.workflow.inputs import LoadedInput


def read_afresh(desk: Desk, filing_id: int, document: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every finding computed the way it was before anything was kept: each document parsed from
    the store, every other month read for GEN-008, the previous month parsed and typed again."""
    filing = desk.get_filing(filing_id)
    assert filing is not None
    spec = desk.definition(filing)
    assert spec is not None
    doc = parse_document(copy.deepcopy(document or desk.workspace.current_document(filing_id)))
    loaded = LoadedInput(doc, spec, workspace_findings(desk.workspace, filing_id, doc), None)
    previous = find_previous_document(desk.workspace, filing.enterprise_id, filing.form_id, filing.period)
    ev = evaluate_input(loaded, previous=previous, extra=plan_afresh(desk, filing, loaded))
    return [f.to_json() for f in ev.findings]


def kept(desk: Desk, filing_id: int) -> list[dict[str, Any]]:
    return [f.to_json() for f in desk.evaluate(filing_id).findings]


def codes(findings: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(f["severity"], f["code"], f["path"]) for f in findings}


def assert_year_as_afresh(desk: Desk) -> None:
    for period, filing in months(desk).items():
        assert kept(desk, filing.id) == read_afresh(desk, filing.id), period


def test_every_month_reports_what_reading_afresh_reports_twice(desk: Desk) -> None:
    assert_year_as_afresh(desk)
    assert_year_as_afresh(desk)  # the second pass comes from what was kept
    october = months(desk)["2026-10"]
    # The demo's seeded mistake: 2号机组 net supply 169,500 MWh above its generation.
    assert ("error", "PWR-M-100", "units[1].net_supply") in codes(kept(desk, october.id))


def test_a_change_to_the_previous_month_by_another_program_is_seen(desk: Desk, demo_path: Path) -> None:
    october = months(desk)["2026-10"]
    before = codes(kept(desk, october.id))
    assert ("warning", "PWR-M-130", "units[0].fuels[0].ncv") not in before
    # Another window (or the CLI's workspace put) lowers September's NCV: 18.000 → October's 21.500
    # is +19.4 % month on month, above the guide's plausibility band.
    with Desk.open(demo_path) as other:
        september = months(other)["2026-09"]
        document = other.document(september.id)
        document["values"]["units"][0]["fuels"][0]["ncv"] = "18.000"
        document["values"]["units"][0]["fuels"][0]["sample_ncv"] = "18.000"
        other.save(september.id, document, "更正发热量")
    after = kept(desk, october.id)
    assert ("warning", "PWR-M-130", "units[0].fuels[0].ncv") in codes(after)
    assert after == read_afresh(desk, october.id)
    assert_year_as_afresh(desk)


def test_evidence_reused_in_another_month_and_a_deleted_file_are_reported(desk: Desk) -> None:
    by_period = months(desk)
    august, september = by_period["2026-08"], by_period["2026-09"]
    assert not any(f["code"] == "GEN-008" for f in kept(desk, august.id))
    # September's ledger attached to August too: both months now hold the same file.
    aug = desk.document(august.id)
    ledger = next(e for e in desk.document(september.id)["evidence"] if "台账" in e["name"])
    aug["evidence"].append({**ledger, "path": "units[0].fuels[0].consumption"})
    desk.save(august.id, aug, "补充台账")
    for filing in (august, september):
        found = [f for f in kept(desk, filing.id) if f["code"] == "GEN-008"]
        assert found and all(ledger["name"] in f["message"] for f in found), filing.period
    assert_year_as_afresh(desk)

    # The file deleted from the store outside the program: GEN-009 at once, nothing saved.
    stored = desk.evidence_file(ledger["sha256"])
    assert stored is not None
    stored.unlink()
    missing = [f for f in kept(desk, september.id) if f["code"] == "GEN-009"]
    assert missing and all(ledger["name"] in f["message"] for f in missing)
    assert_year_as_afresh(desk)


def test_a_kept_result_is_a_copy_the_caller_may_annotate(desk: Desk) -> None:
    october = months(desk)["2026-10"]
    first = desk.evaluate(october.id)
    expected = [f.to_json() for f in first.findings]
    for f in first.findings:
        f.location = "（已改动）"
        f.acknowledged = "调用方写入"
    first.findings.clear()
    assert kept(desk, october.id) == expected


def test_the_open_editor_path_matches_reading_afresh(desk: Desk) -> None:
    """The window's keystroke path: the editor's document, the session's previous month (kept
    typed once), the workspace checks."""
    october = months(desk)["2026-10"]
    spec = desk.definition(october)
    previous = desk.previous_document(october)
    document = desk.document(october.id)
    for supply in ("169500.000", "160500.000", "", "abc"):
        document["values"]["units"][1]["net_supply"] = supply
        doc = parse_document(copy.deepcopy(document))
        got = [f.to_json() for f in desk.evaluate(october.id, doc, spec=spec, previous=previous).findings]
        assert got == read_afresh(desk, october.id, document), supply


def test_the_year_plan_is_checked_and_its_changes_are_seen(desk: Desk) -> None:
    """With the year's data quality control plan in the workspace every month is checked against
    it (plan ↔ month coherence); a plan saved later is read again."""
    october = months(desk)["2026-10"]
    assert_year_as_afresh(desk)
    without = codes(kept(desk, october.id))
    plan = add_plan_with_oil_by_statement(desk)
    with_plan = kept(desk, october.id)
    assert with_plan == read_afresh(desk, october.id)
    assert codes(with_plan) - without == {("warning", "PLAN-LINK-001", "units[0].fuels[1].consumption")}
    assert_year_as_afresh(desk)
    # The plan corrected and saved: the month's finding goes with it.
    correct_plan_oil(desk, plan.id)
    corrected = kept(desk, october.id)
    assert corrected == read_afresh(desk, october.id)
    assert codes(corrected) == without
