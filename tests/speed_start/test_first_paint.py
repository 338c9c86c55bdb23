"""The window's cold start, in a fresh interpreter as a user starts it: the first paint happens
before pydantic, YAML, openpyxl, reportlab, the store, the definitions or the rules engine are
imported; the cards painted then show each filing's last known status, and once the workspace is
open every card shows the status the desk evaluates (not timed: bench/bench_gui_start.py times it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.status import (
    KNOWN_STATUS_SETTING,
    STATUS_NOT_STARTED,
    STATUS_PENDING,
    card_status,
)

NOT_BEFORE_FIRST_PAINT = (
    "pydantic",
    "yaml",
    "openpyxl",
    "reportlab",
    "cets_desktop.store",
    "cets_desktop.core.spec",
    "cets_desktop.core.loader",
    "cets_desktop.core.rules",
    "cets_desktop.core.expressions",
    "cets_desktop.workflow.desk",
    "cets_desktop.ui.session",
    "cets_desktop.ui.findings_panel",
    "cets_desktop.ui.evidence_panel",
    "cets_desktop.ui.background",
    # Their C halves only (core.lean_stdlib): the public modules cost ≈ 12 ms of a 3.11 start.
    "json",
    "datetime",
    "sqlite3",
)


def start(workspace: Path, home: Path, cache: Path) -> dict[str, str]:
    """Run ``cets-desktop --workspace W gui`` until every card is evaluated; its report lines."""
    env = dict(os.environ)
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            "CETS_EXIT_WHEN_READY": "1",
            "CETS_MODULES_AT_READY": "1",
            "CETS_DESKTOP_CACHE_DIR": str(cache),
        }
    )
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "APPDATA", "LOCALAPPDATA"):
        env[key] = str(home / key.lower())
    proc = subprocess.run(
        [sys.executable, "-m", "cets_desktop", "--workspace", str(workspace), "gui"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = {}
    for line in proc.stdout.splitlines():
        key, _, rest = line.partition(" ")
        lines[key] = rest
    return lines


def cards(text: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in text.split())


def expected_cards(workspace: Path) -> dict[str, str]:
    """Every 2026 month card and the yearly plan card, computed here from the desk's evaluation."""
    with Desk.open(workspace, read_only=True) as desk:
        enterprise = desk.list_enterprises()[0]
        out = {f"2026-{m:02d}": STATUS_NOT_STARTED for m in range(1, 13)}
        out["2027"] = STATUS_NOT_STARTED  # the 2027 plan, due in 2026: not in the demo
        for filing in desk.list_filings(enterprise.id):
            if filing.period in out:
                out[filing.period] = card_status(desk.evaluate(filing.id), filing.state)
        return out


def test_first_paint_without_the_heavy_modules_and_right_statuses(demo_path: Path, tmp_path: Path) -> None:
    cache = tmp_path / "app-cache"
    expected = expected_cards(demo_path)
    assert {"已导出", "有错误", STATUS_NOT_STARTED} <= set(expected.values()), "the demo has varied cards"

    # First start ever: no forms index, no statuses kept yet. Cards not evaluated say 检查中…
    # at first; once settled they show the evaluated statuses, which are kept for next time.
    first = start(demo_path, tmp_path / "home1", cache)
    at_ready = cards(first["CARDS_AT_READY"])
    assert set(at_ready) == set(expected)
    evaluated = [p for p, status in expected.items() if status not in ("已导出", STATUS_NOT_STARTED)]
    assert evaluated and {at_ready[p] for p in evaluated} == {STATUS_PENDING}
    assert cards(first["CARDS"]) == expected
    with Desk.open(demo_path, read_only=True) as desk:
        assert desk.get_setting(KNOWN_STATUS_SETTING)["filings"]

    # Second start: painted before any heavy module is imported, every card already showing its
    # last known status; after evaluation the same.
    second = start(demo_path, tmp_path / "home2", cache)
    loaded = set(second["MODULES"].split())
    assert not {
        m for m in loaded for heavy in NOT_BEFORE_FIRST_PAINT if m == heavy or m.startswith(heavy + ".")
    }
    assert "PySide6.QtWidgets" in loaded and "cets_desktop.ui.month_calendar" in loaded
    assert cards(second["CARDS_AT_READY"]) == expected
    assert cards(second["CARDS"]) == expected
    assert float(second["READY"]) <= float(second["SETTLED"])


def test_a_filing_changed_since_is_checked_again(demo_path: Path, tmp_path: Path) -> None:
    """Another program saves October after the statuses were kept: the next start paints October
    as 检查中… (not its stale status) and then shows its new evaluated status."""
    cache = tmp_path / "app-cache"
    start(demo_path, tmp_path / "home1", cache)
    with Desk.open(demo_path) as desk:
        october = desk.find_filing(desk.list_enterprises()[0].id, "power-monthly", "2026-10")
        assert october is not None
        document = desk.document(october.id)
        units = document["values"]["units"]
        units[0]["fuels"] = []  # no fuel at all: an error-level finding, whatever it was before
        desk.save(october.id, document, "测试：另一程序保存")
    expected = expected_cards(demo_path)
    again = start(demo_path, tmp_path / "home2", cache)
    at_ready = cards(again["CARDS_AT_READY"])
    assert at_ready["2026-10"] == STATUS_PENDING
    assert at_ready["2026-09"] == expected["2026-09"]
    assert cards(again["CARDS"]) == expected
