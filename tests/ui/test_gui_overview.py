"""A consultant's overview: every enterprise × filing with state and days left, sortable and
filterable; the workspace node opens it; a client tracked since November has no overdue January."""

from __future__ import annotations

from datetime import date

from gui_helpers import valid_uscc
from PySide6.QtCore import Qt

from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.navigator import Node


def test_workspace_node_opens_the_overview_with_every_enterprise(window: MainWindow) -> None:
    assert window.desk is not None
    window.desk.save_enterprise(
        None,
        name="新接手化肥有限公司",
        uscc=valid_uscc(),
        industry_code="2621",
        settings={"tracked_since": "2026-11"},
    )
    window.show_node(Node("workspace"))
    page = window.overview
    assert page is not None and window.stack.currentWidget() is window.overview_host
    page.show_desk(window.desk, today=date(2026, 12, 1))
    names = {r.enterprise.name for r in page.rows}
    assert names == {"华东示范热电有限公司", "新接手化肥有限公司"}
    # Default filter: not done. The demo's exported months are hidden; its open October is there.
    visible = page.visible_rows()
    assert all(not (r.summary.filing and r.summary.filing.state == "已导出") for r in visible)
    periods = {(r.enterprise.name, r.summary.period) for r in visible}
    assert ("华东示范热电有限公司", "2026-10") in periods
    # The new client: its Appendix 5 tables, and no months at all (it files no monthly certification).
    new_client = [r for r in page.rows if r.enterprise.name == "新接手化肥有限公司"]
    assert {r.summary.spec.id for r in new_client} == {"a5-ammonia", "a5-urea"}
    # Its 2025 report was due 2026-03-31, before we took it on: not overdue, not in the to-do list.
    assert all(r.summary.status == "未跟踪" and not r.summary.overdue(date(2026, 12, 1)) for r in new_client)
    assert not [r for r in visible if r.enterprise.name == "新接手化肥有限公司"]


def test_overdue_filter_and_sorting_by_days_left(window: MainWindow) -> None:
    window.show_overview()
    page = window.overview
    assert window.desk is not None
    page.show_desk(window.desk, today=date(2026, 12, 1))
    page.filter_box.setCurrentIndex(page.filter_box.findData("overdue"))
    overdue = page.visible_rows()
    assert overdue and all(r.summary.days_left(date(2026, 12, 1)) < 0 for r in overdue)
    page.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    lefts = [r.summary.days_left(date(2026, 12, 1)) for r in page.visible_rows()]
    assert lefts == sorted(lefts)
    page.search.setText("不存在的企业")
    assert page.visible_rows() == []


def test_a_client_added_in_december_has_no_overdue_months_before_tracking(empty_window: MainWindow) -> None:
    assert empty_window.desk is not None
    enterprise = empty_window.desk.save_enterprise(
        None,
        name="苏南示范发电有限公司",
        uscc=valid_uscc(),
        industry_code="4411",
        sectors=["power"],
        settings={"tracked_since": "2026-11"},
    )
    empty_window.show_calendar(enterprise.id, 2026)
    calendar = empty_window.calendar
    assert calendar is not None
    months = {c.summary.period: c.summary for c in calendar.cards if c.summary.spec.filing_type == "monthly"}
    today = date(2026, 12, 1)
    assert not any(months[f"2026-{m:02d}"].overdue(today) for m in range(1, 11))
    assert months["2026-01"].status == "未跟踪"
    assert months["2026-11"].status == "未开始"
    empty_window.show_overview()
    page = empty_window.overview
    page.show_desk(empty_window.desk, today=today)
    assert [r.summary.period for r in page.rows if r.summary.spec.id == "power-monthly"] == ["2026-11"]


def test_double_click_opens_the_filing(window: MainWindow) -> None:
    window.show_overview()
    page = window.overview
    row = next(r for r in page.visible_rows() if r.summary.period == "2026-10")
    page.activated.emit(row)
    assert window.session is not None and window.session.period == "2026-10"
