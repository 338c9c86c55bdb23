"""The window painted from a glance switches to the desk after the first paint without losing
anything: same enterprise and year, every card evaluated right, panels made when first needed."""

from __future__ import annotations

from pathlib import Path

from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.glance import glance
from cets_desktop.workflow.status import STATUS_NOT_STARTED, card_status


def test_glance_then_desk(qtbot, isolated_qsettings, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cets_desktop.ui.main_window import MainWindow

    with Desk.open(demo_path, read_only=True) as desk:
        enterprise = desk.list_enterprises()[0]
        expected = {f"2026-{m:02d}": STATUS_NOT_STARTED for m in range(1, 13)}
        for filing in desk.list_filings(enterprise.id, 2026):
            expected[filing.period] = card_status(desk.evaluate(filing.id), filing.state)

    seen = glance(demo_path)
    assert seen is not None
    window = MainWindow(glance=seen)
    qtbot.addWidget(window)
    # Before the first paint: the glance, no desk, no panels.
    assert window.desk is None and window.glance is seen
    assert window._findings is None and window._evidence is None
    assert window.calendar is not None and len(window.calendar.cards) == 13
    assert window.navigator.model_.rowCount() == 1
    assert not window.cards_settled

    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: window.cards_settled, timeout=120_000)
    assert window.desk is not None and window.glance is None
    assert window.enterprise_id == enterprise.id and window.calendar.year == 2026
    months = {c.summary.period: c.chip.text() for c in window.calendar.cards if len(c.summary.period) == 7}
    assert months == expected
    assert window._findings is None  # still not needed on the calendar

    # Opening a filing works as before, and makes the panels.
    october = window.desk.find_filing(enterprise.id, "power-monthly", "2026-10")
    assert october is not None
    session = window.open_filing(october.id)
    assert session is not None and window.findings_dock.isAncestorOf(window.findings)
    assert window.evidence_dock.isAncestorOf(window.evidence)
    window.close()


def test_closed_before_the_desk_opens(qtbot, isolated_qsettings, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cets_desktop.ui.main_window import MainWindow

    seen = glance(demo_path)
    assert seen is not None
    window = MainWindow(glance=seen)
    qtbot.addWidget(window)
    window.close()
    window._open_glanced()  # the timer that would have opened it
    assert window.desk is None
