from __future__ import annotations

import pytest

from cets_desktop.store import STATE_DRAFT, ErrorKind, Workspace, WorkspaceError


def test_new_filing_starts_as_draft_revision_one(workspace, filing, power_monthly):
    assert filing.current_revision == 1
    assert filing.state == STATE_DRAFT
    assert workspace.current_document(filing.id) == power_monthly()
    assert [r.number for r in workspace.revisions(filing.id)] == [1]
    assert workspace.revisions(filing.id)[0].author == "张工"


def test_each_save_with_changes_is_the_next_revision(workspace, filing, power_monthly, edit):
    first = power_monthly()
    second = edit(first, lambda d: d["values"]["units"][0].update(generation_mwh="310500.00"))
    third = edit(second, lambda d: d["values"]["units"][1].update(supply_mwh="292000.00"))

    assert workspace.save_filing(filing.id, second, reason="按电表读数更正") == 2
    assert workspace.save_filing(filing.id, third, reason="按结算单更正") == 3

    assert workspace.get_filing(filing.id).current_revision == 3
    assert workspace.get_revision(filing.id, 1).document == first
    assert workspace.get_revision(filing.id, 2).document == second
    assert workspace.get_revision(filing.id, 2).reason == "按电表读数更正"
    assert workspace.current_document(filing.id) == third


def test_save_writes_one_audit_row_per_changed_leaf_with_old_and_new(workspace, filing, power_monthly, edit):
    def change(d):
        d["values"]["units"][0]["fuels"][1]["consumption"] = "12400.00"
        d["values"]["units"][1]["generation_mwh"] = "311000.00"

    workspace.save_filing(
        filing.id, edit(power_monthly(), change), reason="核对入炉煤台账后更正", actor="李会计"
    )

    rows = [row for row in workspace.audit(filing.id) if row.field_path]
    assert [(r.field_path, r.old_value, r.new_value) for r in rows] == [
        ("units[0].fuels[1].consumption", "12346.67", "12400.00"),
        ("units[1].generation_mwh", "311234.50", "311000.00"),
    ]
    assert {r.reason for r in rows} == {"核对入炉煤台账后更正"}
    assert {r.actor for r in rows} == {"李会计"}


def test_audit_can_be_filtered_to_one_repeat_row(workspace, filing, power_monthly, edit):
    def change(d):
        d["values"]["units"][0]["fuels"][0]["consumption"] = "1.00"
        d["values"]["units"][1]["fuels"][0]["consumption"] = "2.00"

    workspace.save_filing(filing.id, edit(power_monthly(), change))

    rows = workspace.audit(filing.id, field_path="units[1]")
    assert [r.field_path for r in rows] == ["units[1].fuels[0].consumption"]


def test_saving_unchanged_document_writes_no_revision_but_clears_draft(workspace, filing, power_monthly):
    workspace.autosave(filing.id, power_monthly())

    assert workspace.save_filing(filing.id, power_monthly()) == 1
    assert [r.number for r in workspace.revisions(filing.id)] == [1]


def test_save_on_top_of_a_superseded_revision_is_refused(workspace, filing, power_monthly, edit):
    # Another window saved revision 2 while this one was still editing revision 1.
    workspace.save_filing(
        filing.id, edit(power_monthly(), lambda d: d["values"]["units"][0].update(capacity_mw="680"))
    )

    with pytest.raises(WorkspaceError) as caught:
        workspace.save_filing(
            filing.id, edit(power_monthly(), lambda d: d["values"]["units"].pop()), base_revision=1
        )

    assert caught.value.kind is ErrorKind.CONFLICT
    assert "第 2 版" in str(caught.value)
    assert workspace.get_filing(filing.id).current_revision == 2


def test_period_correction_moves_the_filing_row(workspace, filing, power_monthly):
    workspace.save_filing(filing.id, power_monthly(period="2026-09"), reason="期间选错")

    assert workspace.get_filing(filing.id).period == "2026-09"
    assert workspace.find_filing(filing.enterprise_id, "power-monthly", "2026-09").id == filing.id


def test_second_filing_for_same_month_is_refused_with_chinese_message(
    workspace, filing, enterprise, power_monthly
):
    with pytest.raises(WorkspaceError) as caught:
        workspace.create_filing(enterprise.id, "power-monthly", "2026.1", "2026-10", power_monthly())

    assert caught.value.kind is ErrorKind.CONFLICT
    assert "华东示范发电有限公司" in str(caught.value) and "2026年10月" in str(caught.value)


def test_malformed_period_is_refused(workspace, enterprise, power_monthly):
    with pytest.raises(WorkspaceError, match="2026-10"):
        workspace.create_filing(
            enterprise.id, "power-monthly", "2026.1", "2026/10", power_monthly(period="2026/10")
        )


def test_list_filings_by_year_includes_monthly_and_yearly(workspace, enterprise, power_monthly):
    for period in ("2025-12", "2026-01", "2026-02"):
        workspace.create_filing(
            enterprise.id, "power-monthly", "2026.1", period, power_monthly(period=period)
        )
    annual = power_monthly(period="2026") | {"form": "power-annual"}
    workspace.create_filing(enterprise.id, "power-annual", "2026.1", "2026", annual)

    periods = [(f.form_id, f.period) for f in workspace.list_filings(enterprise.id, year=2026)]

    assert periods == [("power-annual", "2026"), ("power-monthly", "2026-01"), ("power-monthly", "2026-02")]


def test_enterprise_changes_are_audited_leaf_by_leaf(workspace, enterprise):
    workspace.update_enterprise(
        enterprise.id,
        reason="地方主管部门要求提前报送",
        settings={"local_deadline_days": 15},
        city="上海市浦东新区",
    )

    rows = [
        (r.field_path, r.old_value, r.new_value, r.reason)
        for r in workspace.audit(entity="enterprise", entity_id=enterprise.id)
        if r.field_path
    ]
    assert rows == [
        ("city", "上海市", "上海市浦东新区", "地方主管部门要求提前报送"),
        ("settings.local_deadline_days", 20, 15, "地方主管部门要求提前报送"),
    ]
    assert workspace.get_enterprise("91310000ma1fl0xxxx").settings == {"local_deadline_days": 15}


def test_duplicate_enterprise_code_names_the_existing_enterprise(workspace, enterprise):
    with pytest.raises(WorkspaceError) as caught:
        workspace.add_enterprise("华东示范发电（重复）", enterprise.uscc)

    assert caught.value.kind is ErrorKind.CONFLICT
    assert "华东示范发电有限公司" in str(caught.value)


def test_facilities_keep_their_order(workspace, enterprise):
    workspace.add_facility(enterprise.id, "发电机组", "1号机组", attributes={"capacity_mw": "660"})
    workspace.add_facility(enterprise.id, "发电机组", "2号机组", attributes={"capacity_mw": "660"})

    facilities = workspace.list_facilities(enterprise.id)

    assert [(f.name, f.sort_order) for f in facilities] == [("1号机组", 0), ("2号机组", 1)]
    assert facilities[0].attributes == {"capacity_mw": "660"}


def test_revisions_survive_closing_and_reopening(workspace_path, power_monthly, edit):
    with Workspace.open(workspace_path) as ws:
        enterprise = ws.add_enterprise("华北示范热电有限公司", "91130100MA0CXXXXXX", industry_code="4412")
        filing = ws.create_filing(enterprise.id, "power-monthly", "2026.1", "2026-10", power_monthly())
        ws.save_filing(filing.id, edit(power_monthly(), lambda d: d["values"]["units"].pop()))

    with Workspace.open(workspace_path, create=False) as ws:
        assert ws.get_filing(filing.id).current_revision == 2
        assert len(ws.current_document(filing.id)["values"]["units"]) == 1
        assert ws.check_integrity() == []


def test_workspace_settings_round_trip(workspace):
    workspace.set_setting("ui", {"font_scale": 1.25, "last_enterprise": 3})

    assert workspace.get_setting("ui") == {"font_scale": 1.25, "last_enterprise": 3}
    assert workspace.get_setting("missing", "默认") == "默认"


def test_new_workspace_records_its_identity(workspace):
    meta = workspace.meta()
    assert len(workspace.uuid) == 36
    assert meta["created_by"].startswith("cets-desktop ")
    assert workspace.journal_mode == "wal"
