from __future__ import annotations

import pytest

from cets_desktop.store import STATE_DRAFT, STATE_EXPORTED, STATE_VALIDATED, ErrorKind, WorkspaceError


def _state_rows(workspace, filing_id):
    return [(r.old_value, r.new_value, r.reason) for r in workspace.audit(filing_id, field_path="state")]


def test_draft_validated_exported_are_each_audited_with_reason(workspace, filing):
    workspace.set_state(filing.id, STATE_VALIDATED, reason="校验通过，无错误")
    exported = workspace.set_state(filing.id, STATE_EXPORTED, reason="已生成正式申报包")

    assert exported.state == STATE_EXPORTED
    assert _state_rows(workspace, filing.id) == [
        (STATE_DRAFT, STATE_VALIDATED, "校验通过，无错误"),
        (STATE_VALIDATED, STATE_EXPORTED, "已生成正式申报包"),
    ]


def test_export_without_validation_is_refused_in_chinese(workspace, filing):
    with pytest.raises(WorkspaceError) as caught:
        workspace.set_state(filing.id, STATE_EXPORTED)

    assert caught.value.kind is ErrorKind.INVALID
    assert "已校验" in str(caught.value)
    assert workspace.get_filing(filing.id).state == STATE_DRAFT
    assert _state_rows(workspace, filing.id) == []


def test_setting_the_same_state_again_writes_no_audit_row(workspace, filing):
    workspace.set_state(filing.id, STATE_DRAFT)

    assert _state_rows(workspace, filing.id) == []


def test_editing_an_exported_filing_returns_it_to_draft(workspace, filing, power_monthly, edit):
    workspace.set_state(filing.id, STATE_VALIDATED)
    workspace.set_state(filing.id, STATE_EXPORTED)

    workspace.save_filing(
        filing.id,
        edit(power_monthly(), lambda d: d["values"]["units"][0].update(capacity_mw="680")),
        reason="主管部门退回修改",
    )

    assert workspace.get_filing(filing.id).state == STATE_DRAFT
    assert _state_rows(workspace, filing.id)[-1] == (STATE_EXPORTED, STATE_DRAFT, "主管部门退回修改")


def test_reopening_a_validated_filing_is_allowed(workspace, filing):
    workspace.set_state(filing.id, STATE_VALIDATED)

    assert workspace.set_state(filing.id, STATE_DRAFT, reason="补充附件").state == STATE_DRAFT


def test_unknown_state_is_a_programming_error(workspace, filing):
    with pytest.raises(ValueError):
        workspace.set_state(filing.id, "已提交")
