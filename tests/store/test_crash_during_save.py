"""A process killed in the middle of saving must cost only that save.

The child process opens the workspace, starts saving a multi-megabyte revision (large enough that
SQLite spills uncommitted pages into the WAL file on disk) and dies inside the transaction, after
the revision row and the filing row were written but before COMMIT.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cets_desktop.store import Workspace

REPO_ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    from cets_desktop.store import Workspace

    db_path, document_path, filing_id, how = sys.argv[1:]
    with open(document_path, encoding="utf-8") as handle:
        document = json.load(handle)
    workspace = Workspace.open(db_path)

    def die_inside_transaction(statement):
        # The audit rows are the last writes before COMMIT.
        if statement.startswith("INSERT INTO audit_log"):
            if how == "exit":
                os._exit(3)
            print("inside-transaction", flush=True)
            time.sleep(120)

    # Test-only hook on the private connection: there is no public way to pause mid-transaction.
    workspace._conn.set_trace_callback(die_inside_transaction)
    workspace.save_filing(int(filing_id), document, reason="批量导入全年台账")
    print("saved", flush=True)
    """
)


@pytest.fixture
def saved_twice(workspace_path, power_monthly, edit):
    """A workspace with revisions 1 and 2 committed; returns (path, filing id, revision 2 document)."""
    second = edit(power_monthly(), lambda d: d["values"]["units"][0].update(generation_mwh="310600.00"))
    with Workspace.open(workspace_path) as ws:
        enterprise = ws.add_enterprise("华东示范发电有限公司", "91310000MA1FL0XXXX")
        filing = ws.create_filing(enterprise.id, "power-monthly", "2026.1", "2026-10", power_monthly())
        ws.save_filing(filing.id, second, reason="月结确认")
    return workspace_path, filing.id, second


def _run_child(tmp_path, db_path, filing_id, document, how):
    document_path = tmp_path / "big-document.json"
    document_path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-c", CHILD, str(db_path), str(document_path), str(filing_id), how]
    if how == "exit":
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120).returncode
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "inside-transaction"
        os.kill(child.pid, signal.SIGKILL)
        return child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()


def _assert_revision_two_intact(db_path, filing_id, second):
    with Workspace.open(db_path) as ws:
        assert ws.check_integrity() == []
        assert ws.get_filing(filing_id).current_revision == 2
        assert [r.number for r in ws.revisions(filing_id)] == [1, 2]
        assert ws.current_document(filing_id) == second
        assert not [row for row in ws.audit(filing_id) if row.reason == "批量导入全年台账"]
        # And the workspace keeps working.
        assert ws.save_filing(filing_id, second | {"period": "2026-11"}, reason="期间更正") == 3


@pytest.mark.parametrize("how", ["exit", "sigkill"])
def test_process_killed_mid_save_leaves_previous_revision_intact(tmp_path, saved_twice, power_monthly, how):
    if how == "sigkill" and not hasattr(signal, "SIGKILL"):
        pytest.skip("SIGKILL is POSIX only; the os._exit variant covers Windows")
    db_path, filing_id, second = saved_twice
    big = power_monthly(units=3000, fuels_per_unit=8)
    assert len(json.dumps(big, ensure_ascii=False).encode()) > 2_500_000

    returncode = _run_child(tmp_path, db_path, filing_id, big, how)

    assert returncode != 0
    wal = db_path.with_name(db_path.name + "-wal")
    # Proves the kill really hit a half-written transaction on disk, not an untouched file.
    assert wal.exists() and wal.stat().st_size > 1_000_000
    _assert_revision_two_intact(db_path, filing_id, second)
