from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from cets_desktop.store import Workspace


def test_autosaved_draft_is_recovered_after_reopening(workspace_path, power_monthly, edit):
    typed = edit(
        power_monthly(), lambda d: d["values"]["units"][0]["fuels"][0].update(consumption="13000.00")
    )
    with Workspace.open(workspace_path) as ws:
        enterprise = ws.add_enterprise("华东示范发电有限公司", "91310000MA1FL0XXXX")
        filing = ws.create_filing(enterprise.id, "power-monthly", "2026.1", "2026-10", power_monthly())
        ws.autosave(filing.id, typed)

    with Workspace.open(workspace_path) as ws:
        draft = ws.recover_draft(filing.id)
        assert draft is not None
        assert draft.document == typed
        assert draft.base_revision == 1
        # The draft is not a revision: nothing was saved explicitly.
        assert ws.get_filing(filing.id).current_revision == 1
        assert ws.current_document(filing.id) == power_monthly()


def test_autosave_keeps_only_the_latest_draft(workspace, filing, power_monthly, edit):
    for consumption in ("12000.00", "12100.00", "12200.00"):
        workspace.autosave(
            filing.id,
            edit(
                power_monthly(),
                lambda d, c=consumption: d["values"]["units"][0]["fuels"][0].update(consumption=c),
            ),
        )

    draft = workspace.recover_draft(filing.id)
    assert draft.document["values"]["units"][0]["fuels"][0]["consumption"] == "12200.00"


def test_explicit_save_clears_the_draft(workspace, filing, power_monthly, edit):
    typed = edit(power_monthly(), lambda d: d["values"]["units"][1].update(supply_mwh="290000.00"))
    workspace.autosave(filing.id, typed)

    workspace.save_filing(filing.id, typed, reason="月度数据确认")

    assert workspace.recover_draft(filing.id) is None


def test_draft_identical_to_current_revision_is_not_offered(workspace, filing, power_monthly):
    workspace.autosave(filing.id, power_monthly())

    assert workspace.recover_draft(filing.id) is None


def test_draft_typed_on_an_older_revision_shows_its_base(workspace, filing, power_monthly, edit):
    # Saved from elsewhere (e.g. a CLI import) while this window still edits revision 1.
    newer = edit(power_monthly(), lambda d: d["values"]["units"][0].update(capacity_mw="680"))
    with Workspace.open(workspace.path) as other:
        other.save_filing(filing.id, newer, reason="导入 Excel")
    workspace.autosave(
        filing.id, edit(power_monthly(), lambda d: d["values"]["units"].pop()), base_revision=1
    )

    draft = workspace.recover_draft(filing.id)

    assert draft.base_revision == 1
    assert workspace.get_filing(filing.id).current_revision == 2


def test_discarded_draft_is_gone(workspace, filing, power_monthly, edit):
    workspace.autosave(filing.id, edit(power_monthly(), lambda d: d["values"]["units"].pop()))

    workspace.discard_draft(filing.id)

    assert workspace.recover_draft(filing.id) is None


def test_autosave_from_a_worker_thread_while_the_gui_thread_reads(workspace, filing, power_monthly, edit):
    # The GUI runs store calls off its own thread (ui.run_in_background); calls are serialised.
    documents = [
        edit(power_monthly(), lambda d, i=i: d["values"]["units"][0].update(capacity_mw=str(600 + i)))
        for i in range(40)
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        saves = [pool.submit(workspace.autosave, filing.id, document) for document in documents]
        for _ in range(40):
            assert workspace.get_filing(filing.id).current_revision == 1
        for future in saves:
            future.result()

    assert workspace.recover_draft(filing.id).document in documents
