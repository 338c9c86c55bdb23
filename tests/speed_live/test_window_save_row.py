"""In the real window a save updates the navigator's row of the saved filing only: every other item
is the same object, and the saved row shows its new revision."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6

from cets_desktop.ui.navigator import ROLE_NODE


@pytest.fixture
def window(qtbot: Any, demo_path: Path) -> Iterator[Any]:
    from qt_app_setup import open_main_window

    win = open_main_window(qtbot, demo_path, save_reason="补充检修说明", activate=False)
    yield win
    win.close()


def tree(nav: Any) -> dict[Any, Any]:
    out: dict[Any, Any] = {}

    def walk(item: Any) -> None:
        out[item.data(ROLE_NODE)] = item
        for r in range(item.rowCount()):
            walk(item.child(r, 0))

    for r in range(nav.model_.rowCount()):
        walk(nav.model_.item(r, 0))
    return out


def test_a_save_in_the_window_touches_only_its_row(window: Any) -> None:
    desk = window.desk
    assert desk is not None
    october = desk.find_filing(1, "power-monthly", "2026-10")
    assert october is not None
    session = window.open_filing(october.id)
    assert session is not None
    before = tree(window.navigator)
    row = before[next(n for n in before if n.kind == "filing" and n.filing_id == october.id)]
    assert "第 1 版" in row.toolTip()

    session.set_value("remarks", "本月 2 号机组 10 月 5 日至 8 日检修停机")
    assert window.save()

    after = tree(window.navigator)
    assert set(after) == set(before)
    for node, item in before.items():
        assert shiboken6.isValid(item) and after[node] is item, node
    assert "第 2 版" in row.toolTip()
    assert desk.revisions(october.id)[-1].reason == "补充检修说明"
