"""A new month takes the enterprise's registered production lines (units, series …) into the
repeat they describe, on top of the definition's preset row: the cement month's line name was
left blank because its preset row (first clinker type, kiln fuel) made the repeat look filled.
The year's plan names the lines when none are registered and adds what it says of each one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from cets_desktop.core.uscc import complete
from cets_desktop.workflow.desk import Desk

LINE_1 = "1号熟料线（5000 t/d）"
LINE_2 = "2号熟料线（2500 t/d）"


def _enterprise(desk: Desk, sector: str, facilities: list[tuple[str, str]]) -> int:
    enterprise = desk.save_enterprise(
        None,
        name="皖南示范水泥有限公司" if sector == "cement" else "皖北示范铝业有限公司",
        uscc=complete("91341800MA2T5K7L3"),
        industry_code="3011" if sector == "cement" else "3216",
        sectors=[sector],
        new_facilities=facilities,
        reason="新建企业",
    )
    return enterprise.id


def _values(desk: Desk, enterprise_id: int, form_id: str, period: str) -> dict[str, Any]:
    filing, _ = desk.create_filing(enterprise_id, form_id, period)
    return desk.document(filing.id)["values"]


def test_cement_month_names_the_registered_line_and_keeps_the_preset_row(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "w.cetsdb") as desk:
        eid = _enterprise(desk, "cement", [("熟料生产线", LINE_1)])
        values = _values(desk, eid, "cement-monthly", "2026-10")
    assert len(values["lines"]) == 1
    line = values["lines"][0]
    assert line["line_name"] == LINE_1
    # The definition's preset row is still what the line starts from.
    assert line["clinkers"] == [
        {"clinker_type": "硅酸盐水泥熟料", "clinker_output_route": "计算值", "clinker_ef_route": "缺省值"}
    ]
    assert line["fuels"] == [{"fuel_name": "烟煤", "fuel_position": "窑头和窑尾"}]


def test_every_registered_line_gets_its_own_row_with_what_is_known_of_it(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "w.cetsdb") as desk:
        eid = _enterprise(desk, "cement", [])
        desk.workspace.add_facility(eid, "熟料生产线", LINE_1, attributes={"design_capacity": "5000"})
        desk.workspace.add_facility(eid, "熟料生产线", LINE_2, attributes={"design_capacity": "2500"})
        values = _values(desk, eid, "cement-monthly", "2026-10")
    assert [(r["line_name"], r.get("design_capacity")) for r in values["lines"]] == [
        (LINE_1, "5000"),
        (LINE_2, "2500"),
    ]
    # Each row has its own copy of the preset rows (editing one line never edits the other).
    assert values["lines"][0]["clinkers"] == values["lines"][1]["clinkers"]
    assert values["lines"][0]["clinkers"] is not values["lines"][1]["clinkers"]


def test_aluminium_series_are_named_and_the_fuels_table_stays_empty(tmp_path: Path) -> None:
    # The same cause put the series names into the fuels table as fuel names.
    with Desk.open(tmp_path / "w.cetsdb") as desk:
        eid = _enterprise(
            desk, "aluminium", [("电解槽系列", "一系列（400 kA）"), ("电解槽系列", "二系列（500 kA）")]
        )
        values = _values(desk, eid, "aluminium-monthly", "2026-10")
    assert [r["series_name"] for r in values["series"]] == ["一系列（400 kA）", "二系列（500 kA）"]
    assert not values.get("fuels")


def test_cement_plan_puts_the_line_into_its_line_list_not_its_revisions(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "w.cetsdb") as desk:
        eid = _enterprise(desk, "cement", [("熟料生产线", LINE_1)])
        values = _values(desk, eid, "cement-plan", "2027")
    revisions = values["revisions"]
    assert len(revisions) == 1 and revisions[0].get("version") in (None, "")
    lines = _find_repeat(values, "lines")
    assert [r["line_name"] for r in lines] == [LINE_1]


def _find_repeat(values: dict[str, Any], name: str) -> list[dict[str, Any]]:
    found = values.get(name)
    assert isinstance(found, list), sorted(values)
    return found


def test_power_month_still_takes_units_and_their_capacity(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "w.cetsdb") as desk:
        eid = _enterprise(desk, "aluminium", [])
        desk.workspace.add_facility(eid, "发电机组", "1号机组", attributes={"capacity_mw": "330"})
        values = _values(desk, eid, "power-monthly", "2026-10")
    assert [(u["unit_name"], u["capacity_mw"], u["fuels"]) for u in values["units"]] == [
        ("1号机组", "330", [])
    ]


def test_the_window_shows_the_line_name_in_a_new_cement_month(empty_window, qtbot, shot) -> None:  # type: ignore[no-untyped-def]
    desk = empty_window.desk
    _enterprise(desk, "cement", [("熟料生产线", LINE_1)])
    empty_window.set_workspace(desk)
    calendar = empty_window.calendar
    assert calendar is not None
    calendar.set_year(2026)
    card = calendar.card_for("2026-10")
    assert card is not None and card.summary.status == "未开始"
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    session = empty_window.session
    assert session is not None and session.spec.id == "cement-monthly"
    assert session.value("lines[0].line_name") == LINE_1
    assert session.value("lines[0].clinkers[0].clinker_type") == "硅酸盐水泥熟料"
    view = empty_window.form_view
    assert view is not None
    editor = view.editor_at("lines[0].line_name")
    text = editor.edit.text() if hasattr(editor, "edit") else None
    assert text == LINE_1
    qtbot.wait(300)  # let the page switch settle before the picture
    shot(empty_window, "cement-month-line-name")


def _save_cement_plan(desk: Desk, eid: int, lines: list[dict[str, Any]]) -> None:
    plan, _ = desk.create_filing(eid, "cement-plan", "2027")
    doc = desk.document(plan.id)
    doc["values"]["lines"] = lines
    desk.save(plan.id, doc, "录入熟料生产线清单")


def test_a_line_named_only_in_the_year_plan_fills_the_month_with_what_the_plan_says(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "w.cetsdb") as desk:
        eid = _enterprise(desk, "cement", [])  # no facility registered: the plan is the register
        _save_cement_plan(
            desk,
            eid,
            [
                {"line_name": LINE_1, "kiln_spec": "Φ4.8×72 m", "design_capacity_tpd": "5000"},
                {"line_name": LINE_2, "kiln_spec": "Φ4.0×60 m", "design_capacity_tpd": "2500"},
            ],
        )
        values = _values(desk, eid, "cement-monthly", "2027-01")
    # 设计熟料产能 (t/d) is the same fact in both definitions (same label and unit, other names).
    assert [(r["line_name"], r.get("design_capacity")) for r in values["lines"]] == [
        (LINE_1, "5000"),
        (LINE_2, "2500"),
    ]
    assert values["lines"][1]["clinkers"][0]["clinker_type"] == "硅酸盐水泥熟料"


def test_a_registered_line_takes_the_plan_s_details_of_the_same_line(tmp_path: Path) -> None:
    with Desk.open(tmp_path / "w.cetsdb") as desk:
        eid = _enterprise(desk, "cement", [("熟料生产线", LINE_1)])
        _save_cement_plan(desk, eid, [{"line_name": LINE_1, "design_capacity_tpd": "5000"}])
        values = _values(desk, eid, "cement-monthly", "2027-01")
        assert [r["line_name"] for r in values["lines"]] == [LINE_1]
        assert values["lines"][0]["design_capacity"] == "5000"
