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


