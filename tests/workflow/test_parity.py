"""One doorway: every filing of the demo workspace gets the same findings through the window's
path (the open filing's live evaluation) and through the CLI (``validate --filing``), including
the findings only the workspace can give (the same evidence file in January and February: GEN-008;
an evidence file deleted from the store: GEN-009)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cets_desktop.demo import build_demo_workspace
from cets_desktop.workflow.desk import Desk

ROOT = Path(__file__).resolve().parents[2]


def _cli_findings(workspace: Path, filing_id: int) -> set[tuple[str, str, str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cets_desktop",
            "--workspace",
            str(workspace),
            "validate",
            "--filing",
            str(filing_id),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return {(f["code"], f["path"], f["severity"]) for f in json.loads(result.stdout)["findings"]}


def _reuse_january_ledger_in_february(desk: Desk) -> str:
    """Attach January's stamped ledger to February's first fuel too (the commonest evidence mistake)."""
    filings = {f.period: f for f in desk.list_filings()}
    january, february = desk.document(filings["2026-01"].id), desk.document(filings["2026-02"].id)
    ledger = next(e for e in january["evidence"] if e["path"] == "units[0].fuels[0].consumption")
    february["evidence"] = [e for e in february["evidence"] if e["path"] != "units[1].fuels[0].consumption"]
    february["evidence"].append({**ledger, "path": "units[1].fuels[0].consumption"})
    desk.save(filings["2026-02"].id, february, "测试：误用上月台账")
    return ledger["sha256"]


def _delete_march_lab_report(desk: Desk) -> None:
    march = desk.document(next(f.id for f in desk.list_filings() if f.period == "2026-03"))
    lab = next(e for e in march["evidence"] if e["path"].endswith("ncv"))
    stored = desk.evidence_file(lab["sha256"])
    assert stored is not None
    stored.unlink()


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = Path(build_demo_workspace(tmp_path / "演示工作区.cetsdb"))
    with Desk.open(path) as desk:
        _reuse_january_ledger_in_february(desk)
        _delete_march_lab_report(desk)
    return path


def _window_findings(window: Any, filing_id: int) -> set[tuple[str, str, str]]:
    session = window.open_filing(filing_id)
    assert session is not None and session.evaluation is not None, session and session.document_problem
    return {(f.code, f.path, f.severity) for f in session.evaluation.findings}


def test_window_and_cli_report_the_same_findings_for_every_demo_filing(qtbot, demo: Path) -> None:
    from cets_desktop.ui.main_window import MainWindow

    window = MainWindow(Desk.open(demo))
    window.ask_restore = lambda draft, current: False  # type: ignore[method-assign]
    window.ask_leave = lambda: "keep"  # type: ignore[method-assign]
    qtbot.addWidget(window)
    try:
        assert window.desk is not None
        filings = window.desk.list_filings()
        assert len(filings) >= 10
        seen_codes: set[str] = set()
        for filing in filings:
            from_window = _window_findings(window, filing.id)
            from_cli = _cli_findings(demo, filing.id)
            assert from_window == from_cli, (filing.period, from_window ^ from_cli)
            seen_codes |= {code for code, _path, _sev in from_window}
        # The seeded workspace problems are found by both faces.
        assert "GEN-008" in seen_codes and "GEN-009" in seen_codes
    finally:
        window.close()


def test_calendar_cards_count_the_same_findings_as_the_cli(demo: Path) -> None:
    """The cards' status comes from the same evaluation: February's reused ledger is a warning."""
    with Desk.open(demo) as desk:
        enterprise = desk.list_enterprises()[0]
        spec = desk.forms_for(enterprise, "monthly")[0]
        february = next(s for s in desk.status.months(enterprise, spec, 2026) if s.period == "2026-02")
        assert february.filing is not None
        cli = _cli_findings(demo, february.filing.id)
    assert february.errors == sum(1 for _c, _p, sev in cli if sev == "error")
    assert ("GEN-008", "units[1].fuels[0].consumption", "warning") in cli
    assert february.warnings >= 1
