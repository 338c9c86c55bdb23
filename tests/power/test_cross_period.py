"""Month-on-month checks read the previous month either from a file (``--previous-filing``) or from
the workspace (``find_previous_document``); both must see the same jump and the same stock gap.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from power_helpers import changed, evaluate_doc, ledger_month, run_cli, write_json

U0C = "units.0.fuels.0."
U1C = "units.1.fuels.0."


def september() -> dict[str, Any]:
    return ledger_month(9)


def october_with_jump_and_stock_gap() -> dict[str, Any]:
    """October: 1号机组 coal NCV 21.45 → 24.10 GJ/t (+12.4 %); 2号机组 opening stock 48000 t though
    September closed at 49000 t (consumption still consistent with the ledger)."""
    return changed(
        ledger_month(10),
        **{
            U0C + "ncv": "24.100",
            U0C + "sample_ncv": "24.150",
            U1C + "opening_stock": "48000.00",
            U1C + "purchases": "70000.00",
        },
    )


def cross_period(findings: list[dict[str, Any]] | list[Any]) -> set[tuple[str, str]]:
    rows = [f if isinstance(f, dict) else f.to_json() for f in findings]
    return {(f["code"], f["path"]) for f in rows if f["code"] in ("PWR-M-130", "PWR-M-131", "PWR-M-132")}


EXPECTED = {("PWR-M-130", "units[0].fuels[0].ncv"), ("PWR-M-132", "units[1].fuels[0].opening_stock")}


def test_previous_filing_option_detects_jump_and_stock_gap(tmp_path: Path) -> None:
    prev = write_json(tmp_path / "2026-09.json", september())
    cur = write_json(tmp_path / "2026-10.json", october_with_jump_and_stock_gap())
    result = run_cli("validate", str(cur), "--json", "--previous-filing", str(prev))
    assert result.returncode == 0, result.stderr  # warnings only
    findings = result.json()["findings"]
    assert cross_period(findings) == EXPECTED
    jump = next(f for f in findings if f["code"] == "PWR-M-130")
    assert (
        jump["severity"] == "warning"
        and "比上月 21.450 变化 12.4%" in jump["message"]
        and "GJ/t" in jump["message"]
    )
    gap = next(f for f in findings if f["code"] == "PWR-M-132")
    assert "月初库存 48,000.00 t" in gap["message"] and "上月月末库存 49,000.00 t" in gap["message"]


def test_without_previous_month_no_cross_period_finding(tmp_path: Path) -> None:
    cur = write_json(tmp_path / "2026-10.json", october_with_jump_and_stock_gap())
    result = run_cli("validate", str(cur), "--json")
    assert cross_period(result.json()["findings"]) == set()


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Any]:
    from cets_desktop.demo import DEMO_ENTERPRISE
    from cets_desktop.store.workspace import Workspace

    with Workspace.open(tmp_path / "plant.cetsdb", create=True, actor="测试") as ws:
        ent = ws.add_enterprise(DEMO_ENTERPRISE["name"], DEMO_ENTERPRISE["uscc"], sectors=["power"])
        ws.create_filing(ent.id, "power-monthly", "2026.1", "2026-09", september())
        ws.create_filing(ent.id, "power-monthly", "2026.1", "2026-10", october_with_jump_and_stock_gap())
        yield ws


def test_workspace_previous_month_detects_jump_and_stock_gap(workspace: Any) -> None:
    from cets_desktop.core.workspace_checks import find_previous_document, previous_document_for_filing

    ent = workspace.list_enterprises()[0]
    october = workspace.find_filing(ent.id, "power-monthly", "2026-10")
    previous = find_previous_document(workspace, ent.id, "power-monthly", "2026-10")
    assert previous is not None and previous.period == "2026-09"
    assert previous_document_for_filing(workspace, october.id) == previous
    ev = evaluate_doc(workspace.current_document(october.id), previous.to_json_dict())
    assert cross_period(ev.findings) == EXPECTED


def test_workspace_lookup_returns_none_without_previous_filing(workspace: Any) -> None:
    from cets_desktop.core.workspace_checks import find_previous_document

    ent = workspace.list_enterprises()[0]
    assert find_previous_document(workspace, ent.id, "power-monthly", "2026-09") is None  # no August
    assert find_previous_document(workspace, ent.id, "power-plan", "2026-10") is None
    assert find_previous_document(workspace, ent.id, "power-monthly", "not-a-period") is None


def test_january_reads_december_of_the_previous_year(tmp_path: Path) -> None:
    from cets_desktop.core.workspace_checks import find_previous_document
    from cets_desktop.demo import DEMO_ENTERPRISE, power_month_document
    from cets_desktop.store.workspace import Workspace

    with Workspace.open(tmp_path / "ws.cetsdb", create=True) as ws:
        ent = ws.add_enterprise(DEMO_ENTERPRISE["name"], DEMO_ENTERPRISE["uscc"])
        ws.create_filing(ent.id, "power-monthly", "2026.1", "2025-12", power_month_document(12, 2025))
        found = find_previous_document(ws, ent.id, "power-monthly", "2026-01")
        assert found is not None and found.period == "2025-12"
