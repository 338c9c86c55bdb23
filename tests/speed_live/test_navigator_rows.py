"""The navigator changes only the row that changed: after a save, a state change, a new filing or a
renamed enterprise every other item is the very same object, and the tree reads exactly as a tree
built from scratch would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shiboken6

from cets_desktop.ui.navigator import ROLE_NODE, Navigator
from cets_desktop.workflow.desk import Desk


def items(nav: Navigator) -> dict[Any, Any]:
    """Every item of the tree by its node (workspace, enterprise, year, filing)."""
    out: dict[Any, Any] = {}

    def walk(item: Any) -> None:
        out[item.data(ROLE_NODE)] = item
        for r in range(item.rowCount()):
            walk(item.child(r, 0))

    for r in range(nav.model_.rowCount()):
        walk(nav.model_.item(r, 0))
    return out


def texts(nav: Navigator) -> list[tuple[int, str, str, str]]:
    """The tree as a user reads it: depth, text, tooltip and colour of every row, in order."""
    out: list[tuple[int, str, str, str]] = []

    def walk(item: Any, depth: int) -> None:
        out.append((depth, item.text(), item.toolTip(), item.foreground().color().name()))
        for r in range(item.rowCount()):
            walk(item.child(r, 0), depth + 1)

    for r in range(nav.model_.rowCount()):
        walk(nav.model_.item(r, 0), 0)
    return out


def fresh_texts(qapp: Any, desk: Desk) -> list[tuple[int, str, str, str]]:
    other = Navigator()
    other.populate(desk)
    return texts(other)


def filing_of(desk: Desk, period: str) -> Any:
    enterprise = desk.list_enterprises()[0]
    found = desk.find_filing(enterprise.id, "power-monthly", period)
    assert found is not None
    return found


def assert_untouched(before: dict[Any, Any], after: dict[Any, Any], changed: set[Any]) -> None:
    for node, item in before.items():
        if node in changed:
            continue
        assert shiboken6.isValid(item), f"{node} was deleted and rebuilt"
        assert after[node] is item, f"{node} is a new item"


def test_a_save_changes_only_the_saved_row(qapp: Any, desk: Desk) -> None:
    nav = Navigator()
    nav.populate(desk)
    before = items(nav)
    october = filing_of(desk, "2026-10")
    row = before[next(n for n in before if n.kind == "filing" and n.filing_id == october.id)]
    assert row.text() == "10月　草稿 · 11-20"  # the demo's local deadline: 20 days after 10-31

    document = desk.document(october.id)
    document["values"]["units"][1]["net_supply"] = "160500.000"  # the seeded mistake fixed
    desk.save(october.id, document, "更正供电量")
    desk.mark_validated(october.id)
    assert nav.update_filing(october.id)

    after = items(nav)
    assert_untouched(before, after, set())  # even the changed row is the same item, updated
    assert row.text() == "10月　已校验 · 11-20"
    assert "第 2 版" in row.toolTip()
    assert texts(nav) == fresh_texts(qapp, desk)


def test_a_new_filing_is_inserted_in_period_order(qapp: Any, desk: Desk) -> None:
    nav = Navigator()
    nav.populate(desk)
    before = items(nav)
    enterprise = desk.list_enterprises()[0]
    november, _ = desk.create_filing(enterprise.id, "power-monthly", "2026-11")
    nav.update_filing(november.id)

    after = items(nav)
    assert_untouched(before, after, set())
    year = next(item for node, item in after.items() if node.kind == "year" and node.year == 2026)
    assert year.text() == "2026 年（11 项）"
    months = [year.child(r, 0).text().split("　")[0] for r in range(year.rowCount())]
    assert months == [f"{m}月" for m in range(1, 12)]
    assert texts(nav) == fresh_texts(qapp, desk)


def test_refresh_finds_what_another_caller_changed(qapp: Any, desk: Desk) -> None:
    """populate() on the workspace already shown compares every row's revision and rebuilds none."""
    nav = Navigator()
    nav.populate(desk)
    before = items(nav)
    september = filing_of(desk, "2026-09")
    desk.set_state(september.id, "已导出", "已在平台提交")
    nav.populate(desk)

    after = items(nav)
    assert_untouched(before, after, set())
    row = after[next(n for n in after if n.kind == "filing" and n.filing_id == september.id)]
    assert row.text().startswith("9月　已导出")
    assert texts(nav) == fresh_texts(qapp, desk)


def test_a_renamed_enterprise_keeps_its_rows(qapp: Any, desk: Desk) -> None:
    nav = Navigator()
    nav.populate(desk)
    before = items(nav)
    enterprise = desk.list_enterprises()[0]
    desk.save_enterprise(
        enterprise.id,
        name="华东示范热电股份有限公司",
        uscc=enterprise.uscc,
        industry_code=enterprise.industry_code,
        province=enterprise.province,
        city=enterprise.city,
        sectors=enterprise.sectors,
        settings={**enterprise.settings, "local_deadline_days": 15},
    )
    nav.update_enterprise(enterprise.id)

    after = items(nav)
    assert_untouched(before, after, set())
    node = next(n for n in after if n.kind == "enterprise")
    assert after[node].text() == "华东示范热电股份有限公司"
    october = filing_of(desk, "2026-10")
    row = after[next(n for n in after if n.kind == "filing" and n.filing_id == october.id)]
    assert row.text() == "10月　草稿 · 11-15"  # the local deadline moved: 15 days after month end
    assert texts(nav) == fresh_texts(qapp, desk)


def test_another_workspace_builds_a_new_tree(qapp: Any, desk: Desk, tmp_path: Path) -> None:
    nav = Navigator()
    nav.populate(desk)
    before = items(nav)
    with Desk.open(tmp_path / "empty.cetsdb") as other:
        nav.populate(other)
        assert all(not shiboken6.isValid(item) for item in before.values())
        assert [t[1] for t in texts(nav)] == ["工作区　empty.cetsdb"]
