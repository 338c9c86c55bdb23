"""A year of cards read in one call reports the evidence findings (GEN-008 reused, GEN-009
missing from the store) exactly as reading every month afresh does, and as ``Desk.evaluate``
does month by month, however the year's evidence is stored: rows read in one pass (made only
when needed), rows read the old way (a revision another program wrote with a float size), a file
reused from another month, a file carried over with a reason, a file deleted from the store, a
hash in capitals, a hash the store cannot hold, an empty hash, a damaged month and a missing one.
"""

from __future__ import annotations

import copy
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from afresh_reads import add_plan_with_oil_by_statement, months, plan_afresh

from cets_desktop.core.document import (
    MAX_JSON_DEPTH,
    DocumentError,
    parse_document,
    parse_stored_document,
    read_stored_document,
)
from cets_desktop.core.workspace_checks import find_previous_document, workspace_findings
from cets_desktop.store import WorkspaceError
from cets_desktop.store.documents import canonical_json
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.errors import InputError
from cets_desktop.workflow.evaluation import WorkspaceReads, evaluate_input
from cets_desktop.workflow.inputs import LoadedInput
from cets_desktop.workflow.status import StatusCache


def _fresh(desk: Desk) -> None:
    desk.__dict__["_workspace_reads"] = WorkspaceReads(desk.workspace)
    desk.status = StatusCache(desk)


def _afresh(desk: Desk, filing_id: int) -> Any:
    """Every finding as before anything was kept: the stored document parsed, every other month
    read for GEN-008, each file asked of the store, the previous month parsed again."""
    filing = desk.get_filing(filing_id)
    assert filing is not None
    spec = desk.definition(filing)
    assert spec is not None
    try:
        doc = parse_document(desk.workspace.current_document(filing_id), f"工作区填报 #{filing_id}")
    except DocumentError as exc:
        return ("InputError", exc.message)
    loaded = LoadedInput(doc, spec, workspace_findings(desk.workspace, filing_id, doc), None)
    previous = find_previous_document(desk.workspace, filing.enterprise_id, filing.form_id, filing.period)
    ev = evaluate_input(loaded, previous=previous, extra=plan_afresh(desk, filing, loaded))
    return [(f.to_json(), f.acknowledged) for f in ev.findings]


def _outcome(result: Any) -> Any:
    if isinstance(result, (InputError, WorkspaceError)):
        return (type(result).__name__, str(result))
    return [(f.to_json(), f.acknowledged) for f in result.findings]


def _tricky_year(desk: Desk, demo_path: Path) -> dict[str, Any]:
    """The demo year with the year's plan and every way a month's evidence can be stored."""
    add_plan_with_oil_by_statement(desk)
    by_period = months(desk)
    doc = {p: desk.document(f.id) for p, f in by_period.items()}
    feb_file = doc["2026-02"]["evidence"][0]
    april_file = doc["2026-04"]["evidence"][0]
    # June attaches February's first file again (GEN-008 in both months).
    june = doc["2026-06"]
    june["evidence"] = [dict(feb_file), *june["evidence"][1:]]
    desk.save(by_period["2026-06"].id, june, "测试：沿用二月的证据文件")
    # July carries April's first file over on purpose, with a reason (GEN-008 as an info).
    july = doc["2026-07"]
    carried = {**april_file, "path": july["evidence"][0]["path"]}
    carried["carried"] = {"period": "2026-04", "reason": "年度有效的检定证书"}
    july["evidence"] = [carried, *july["evidence"][1:]]
    desk.save(by_period["2026-07"].id, july, "测试：沿用四月的检定证书")
    # October: one row names February's file in capitals (the same file: GEN-008), one a hash
    # the store cannot hold (GEN-009), one an empty hash (no file at all).
    october = doc["2026-10"]
    october["evidence"] = [
        {**feb_file, "sha256": feb_file["sha256"].upper(), "path": "units[0].generation"},
        {**feb_file, "sha256": "扫描件-" + "0" * 57, "path": "units[0].net_supply"},
        {**feb_file, "sha256": "", "path": "units[1].generation"},
    ]
    desk.save(by_period["2026-10"].id, october, "测试：大写与空的文件哈希")
    # August: one of its files deleted from the store outside the program (GEN-009).
    gone = doc["2026-08"]["evidence"][-1]["sha256"]
    desk.workspace.evidence.path_for(gone).unlink()
    # Another program wrote September with a float size (read the old way, not in one pass),
    # damaged March and removed May (June then has no previous month).
    september = by_period["2026-09"]
    sept_doc = copy.deepcopy(doc["2026-09"])
    sept_text = canonical_json(sept_doc).replace(
        f'"size":{sept_doc["evidence"][0]["size"]}', f'"size":{sept_doc["evidence"][0]["size"]}.0', 1
    )
    assert read_stored_document(sept_text) is None and parse_document(json.loads(sept_text))
    march, may = by_period["2026-03"], by_period["2026-05"]
    with sqlite3.connect(demo_path) as conn:
        conn.execute(
            "UPDATE revisions SET document = ? WHERE filing_id = ? AND number = ?",
            (sept_text, september.id, september.current_revision),
        )
        conn.execute(
            "UPDATE revisions SET document = ? WHERE filing_id = ? AND number = ?",
            ('{"form": "power-monthly", "surprise": 1}', march.id, march.current_revision),
        )
        conn.execute("DELETE FROM revisions WHERE filing_id = ?", (may.id,))
        conn.execute("DELETE FROM filings WHERE id = ?", (may.id,))
    return months(desk)


def test_the_year_batch_reports_the_evidence_findings_of_reading_afresh(desk: Desk, demo_path: Path) -> None:
    by_period = _tricky_year(desk, demo_path)
    filings = [by_period[p] for p in sorted(by_period)]
    _fresh(desk)
    batch = {i: _outcome(r) for i, r in desk.evaluate_many([f.id for f in filings]).items()}
    assert list(batch) == [f.id for f in filings]
    for filing in filings:
        assert batch[filing.id] == _afresh(desk, filing.id), filing.period
    # Month by month, each on a desk just opened and on one that keeps what it read.
    for afresh in (True, False):
        _fresh(desk)
        for filing in filings:
            if afresh:
                _fresh(desk)
            try:
                got = _outcome(desk.evaluate(filing.id))
            except (InputError, WorkspaceError) as exc:
                got = _outcome(exc)
            assert got == batch[filing.id], (filing.period, afresh)
    # The open editor's path (its own copy of the document, not a kept revision): the same.
    for filing in filings:
        if filing.period != "2026-03":
            edited = _outcome(desk.evaluate(filing.id, desk.document(filing.id)))
            assert edited == batch[filing.id], filing.period
    # Each tricky month says what it should, so the comparisons above compare real findings.
    found = {
        p: {(f["severity"], f["code"]) for f, _ in batch[by_period[p].id]}
        for p in by_period
        if p != "2026-03"
    }
    assert batch[by_period["2026-03"].id][0] == "InputError"
    assert ("warning", "GEN-008") in found["2026-02"] and ("warning", "GEN-008") in found["2026-06"]
    assert ("info", "GEN-008") in found["2026-07"] and ("warning", "GEN-008") not in found["2026-07"]
    assert ("warning", "GEN-009") in found["2026-08"] and ("warning", "GEN-009") in found["2026-10"]
    assert ("warning", "GEN-008") in found["2026-10"]
    assert not any(code == "GEN-009" for p in ("2026-01", "2026-09") for _, code in found[p])


def test_the_cards_of_the_tricky_year_are_the_cards_month_by_month(desk: Desk, demo_path: Path) -> None:
    by_period = _tricky_year(desk, demo_path)
    enterprise = desk.list_enterprises()[0]
    spec = desk.definition(by_period["2026-01"])
    _fresh(desk)
    batch = desk.status.months(enterprise, spec, 2026)
    cards = []
    for summary in batch:
        _fresh(desk)
        cards.append(
            desk.status.final(
                enterprise, desk.status.summary(enterprise, summary.spec, summary.period, summary.filing)
            )
        )
    assert batch == cards
    # Asked again on the same desk: the same cards, now from what was kept.
    assert desk.status.months(enterprise, spec, 2026) == batch


def test_a_file_deleted_between_two_years_of_cards_is_reported_at_once(desk: Desk) -> None:
    """Nothing about the store is kept: the second batch on the same desk asks again."""
    by_period = months(desk)
    ids = [by_period[p].id for p in sorted(by_period)]
    first = desk.evaluate_many(ids)
    assert not any(
        f.code == "GEN-009" for r in first.values() if not isinstance(r, Exception) for f in r.findings
    )
    july = desk.document(by_period["2026-07"].id)
    desk.workspace.evidence.path_for(july["evidence"][0]["sha256"]).unlink()
    again = desk.evaluate_many(ids)
    missing = {
        i
        for i, r in again.items()
        if not isinstance(r, Exception) and any(f.code == "GEN-009" for f in r.findings)
    }
    assert missing == {by_period["2026-07"].id}
    assert _outcome(again[by_period["2026-07"].id]) == _afresh(desk, by_period["2026-07"].id)


def test_all_stored_answers_as_exists_for_each_file(desk: Desk, tmp_path: Path) -> None:
    store = desk.workspace.evidence
    by_period = months(desk)
    files = sorted({e["sha256"] for f in by_period.values() for e in desk.document(f.id)["evidence"]})
    assert len(files) >= 3 and store.all_stored(files) and store.all_stored([])
    gone, folder = files[0], files[1]
    store.path_for(gone).unlink()
    store.path_for(folder).unlink()
    os.mkdir(store.path_for(folder))  # a folder where the file was is not a stored file
    for wanted in ([gone], [folder], files, files[2:]):
        assert store.all_stored(wanted) == all(store.exists(sha) for sha in wanted), wanted
    for malformed in (["ABC"], [files[2], files[2].upper()], [files[2] + "/../x"]):
        with pytest.raises(ValueError):
            store.all_stored(malformed)
        with pytest.raises(ValueError):
            all(store.exists(sha) for sha in malformed)


def _nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@pytest.mark.parametrize("depth", range(MAX_JSON_DEPTH - 4, MAX_JSON_DEPTH + 2))
@pytest.mark.parametrize("where", ["values", "meta"])
def test_a_small_document_nested_near_the_limit_is_judged_as_parse_document(depth: int, where: str) -> None:
    """Few brackets besides the nesting itself: the read that skips the walk for texts with too
    few brackets to nest too deep says what the two-step read says at every depth near the limit."""
    doc = {
        "form": "power-monthly",
        "form_version": "2026.1",
        "period": "2026-10",
        where: {"d": _nested(depth)},
    }
    for text in (canonical_json(doc), json.dumps(doc, indent=1), json.dumps(doc, separators=(",", ":"))):
        try:
            slow: Any = parse_document(json.loads(text))
        except DocumentError as exc:
            slow = exc.message
        fast = parse_stored_document(text)
        if isinstance(slow, str):
            assert fast is None and "嵌套层数过多" in slow, depth
        else:
            assert fast is not None and fast[0] == slow, depth
