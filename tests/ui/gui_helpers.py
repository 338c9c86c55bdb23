"""Shared steps of the GUI tests (imported by name, like tests/power/power_helpers.py)."""

from __future__ import annotations

from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.session import FilingSession


def open_month(window: MainWindow, period: str = "2026-10") -> FilingSession:
    assert window.workspace is not None
    filing = window.workspace.find_filing(1, "power-monthly", period)
    assert filing is not None
    session = window.open_filing(filing.id)
    assert session is not None and window.form_view is not None
    return session


def finding_codes(session: FilingSession) -> set[tuple[str, str]]:
    assert session.evaluation is not None
    return {(f.code, f.path) for f in session.evaluation.findings}


def valid_uscc() -> str:
    from cets_desktop.core.uscc import complete

    return complete("91320600MA1P4Q2X3")


def seed_power_plan(window: MainWindow, period: str = "2026") -> int:
    """A complete power plan (tests/forms/builders.py) saved in the window's workspace; its filing id."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "forms"))
    import builders

    workspace = window.workspace
    assert workspace is not None
    enterprise = workspace.get_enterprise(1)
    assert enterprise is not None
    doc = builders.document(
        "power-plan", {"name": enterprise.name, "uscc": enterprise.uscc}, period, builders.power_plan_values()
    )
    filing = workspace.create_filing(
        1, doc.form, doc.form_version, period, doc.to_json_dict(), reason=f"{period} 年度计划（测试数据）"
    )
    window.desk.status.invalidate()
    return filing.id


def parameter_row(session: FilingSession, facility: str, parameter: str) -> int:
    rows = session.rows("parameters")
    return next(
        i for i, r in enumerate(rows) if r.get("facility") == facility and r.get("parameter") == parameter
    )
