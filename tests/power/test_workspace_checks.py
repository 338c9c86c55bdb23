"""Workspace findings: a file reused across months (GEN-008), a file gone from the store (GEN-009),
and the previous period arithmetic — first as pure functions, then against a real workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from power_helpers import demo, evaluate_doc

from cets_desktop.core.workspace_checks import (
    missing_store_findings,
    previous_period,
    reused_evidence_findings,
    workspace_findings,
)

LEDGER_SEP = "a1" * 32
LEDGER_OCT = "b2" * 32
LAB_SEP = "c3" * 32


@pytest.mark.parametrize(
    ("period", "before"),
    [
        ("2026-10", "2026-09"),
        ("2026-01", "2025-12"),
        ("2027", "2026"),
        ("2026-13", None),
        ("", None),
        ("2026/10", None),
    ],
)
def test_previous_period(period: str, before: str | None) -> None:
    assert previous_period(period) == before


def row(path: str, sha: str, name: str) -> dict[str, Any]:
    return {"path": path, "sha256": sha, "name": name, "size": 1024, "kind": "盖章燃料消耗台账扫描件"}


def test_file_reused_from_another_month_is_a_warning_naming_that_month() -> None:
    october = [
        row("units[0].fuels[0].consumption", LEDGER_SEP, "9月入炉煤台账.pdf"),
        row("units[1].fuels[0].consumption", LEDGER_OCT, "10月入炉煤台账.pdf"),
    ]
    others = {
        "2026-09": [row("units[0].fuels[0].consumption", LEDGER_SEP, "9月入炉煤台账.pdf")],
        "2026-08": [row("units[0].fuels[0].ncv", LAB_SEP, "8月化验.pdf")],
    }
    found = reused_evidence_findings(october, others, "2026-10")
    assert [(f.code, f.severity, f.path) for f in found] == [
        ("GEN-008", "warning", "units[0].fuels[0].consumption")
    ]
    assert "2026年9月" in found[0].message and "9月入炉煤台账.pdf" in found[0].message


def test_same_file_backing_two_items_in_one_month_is_fine() -> None:
    october = [
        row("units[0].fuels[0].ncv", LAB_SEP, "检测报告.pdf"),
        row("units[0].fuels[0].carbon_content", LAB_SEP, "检测报告.pdf"),
    ]
    assert reused_evidence_findings(october, {"2026-10": october}, "2026-10") == []


def test_file_missing_from_store_is_a_warning() -> None:
    evidence = [
        row("units[0].generation", LEDGER_OCT, "生产月报.pdf"),
        row("units[0].net_supply", LEDGER_OCT, "生产月报.pdf"),
        row("units[1].generation", "not-a-hash", "坏记录.pdf"),
    ]

    def exists(sha: str) -> bool:  # like EvidenceStore.exists: a malformed digest raises
        if len(sha) != 64:
            raise ValueError(sha)
        return False

    found = missing_store_findings(evidence, exists)
    assert [(f.code, f.path) for f in found] == [
        ("GEN-009", "units[0].generation"),
        ("GEN-009", "units[0].net_supply"),
        ("GEN-009", "units[1].generation"),
    ]
    assert all("文件已被删除或移动" in f.message and f.severity == "warning" for f in found)
    assert missing_store_findings(evidence[:1], lambda sha: True) == []


def _add_scan(ws: Any, folder: Path, name: str, text: str) -> dict[str, Any]:
    path = folder / name
    path.write_bytes(f"%PDF-1.4 {text}".encode())
    rec = ws.evidence.add_file(path)
    return {"sha256": rec.sha256, "name": rec.name, "size": rec.size}


def test_workspace_findings_against_a_real_workspace(tmp_path: Path) -> None:
    from cets_desktop.demo import DEMO_ENTERPRISE
    from cets_desktop.store.workspace import Workspace

    scans = tmp_path / "scans"
    scans.mkdir()
    with Workspace.open(tmp_path / "plant.cetsdb", create=True) as ws:
        ent = ws.add_enterprise(DEMO_ENTERPRISE["name"], DEMO_ENTERPRISE["uscc"])
        sep_ledger = _add_scan(ws, scans, "2026年9月燃料消耗台账.pdf", "September ledger")
        oct_prod = _add_scan(ws, scans, "2026年10月生产月报.pdf", "October production report")
        september = demo(9)
        september["evidence"] = [{"path": "units[0].fuels[0].consumption", **sep_ledger}]
        ws.create_filing(ent.id, "power-monthly", "2026.1", "2026-09", september)
        october = demo(10)
        october["evidence"] = [
            {"path": "units[0].fuels[0].consumption", **sep_ledger},  # last month's ledger again
            {"path": "units[0].generation", **oct_prod},
        ]
        filing = ws.create_filing(ent.id, "power-monthly", "2026.1", "2026-10", october)
        ws.evidence.path_for(oct_prod["sha256"]).unlink()  # deleted outside the app

        found = workspace_findings(ws, filing.id, october)
        assert {(f.code, f.path) for f in found} == {
            ("GEN-008", "units[0].fuels[0].consumption"),
            ("GEN-009", "units[0].generation"),
        }

        # They travel with the other findings through evaluate(extra_findings=...).
        from cets_desktop.core.document import parse_document
        from cets_desktop.core.loader import default_registry
        from cets_desktop.core.rules import evaluate

        ev = evaluate(default_registry().get("power-monthly"), parse_document(october), extra_findings=found)
        assert {"GEN-008", "GEN-009"} <= {f.code for f in ev.unacknowledged_warnings}
        assert not ev.exportable

        # Reuse is reported from both sides: September's copy names October.
        sep_filing = ws.find_filing(ent.id, "power-monthly", "2026-09")
        (back,) = workspace_findings(ws, sep_filing.id, ws.current_document(sep_filing.id))
        assert back.code == "GEN-008" and "2026年10月" in back.message


def test_demo_workspace_months_use_their_own_files(tmp_path: Path) -> None:
    """The demo generates one set of scans per month: no GEN-008 across January–September."""
    from cets_desktop.demo import build_demo_workspace
    from cets_desktop.store.workspace import Workspace

    path = build_demo_workspace(tmp_path / "demo.cetsdb")
    with Workspace.open(path, create=False) as ws:
        ent = ws.list_enterprises()[0]
        for filing in ws.list_filings(ent.id, form_id="power-monthly"):
            found = workspace_findings(ws, filing.id, ws.current_document(filing.id))
            assert found == [], (filing.period, [(f.code, f.message) for f in found])
    assert evaluate_doc(demo(9)).errors == []
