"""Failures a user can hit, each turned into one Chinese line that names the file and says what to do."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from contextlib import contextmanager

import pytest

from cets_desktop.store import ErrorKind, Workspace, WorkspaceError
from cets_desktop.store.errors import translate_sqlite_error
from cets_desktop.store.workspace import default_workspace_path

# ---------------------------------------------------------------- read-only


def test_workspace_opened_read_only_refuses_saving_and_keeps_reading(workspace_path, power_monthly, edit):
    with Workspace.open(workspace_path) as ws:
        enterprise = ws.add_enterprise("华东示范发电有限公司", "91310000MA1FL0XXXX")
        filing = ws.create_filing(enterprise.id, "power-monthly", "2026.1", "2026-10", power_monthly())

    # Tests run as root, for whom chmod does not block writes; SQLite's mode=ro fails for everyone.
    with Workspace.open(workspace_path, read_only=True) as ws:
        assert ws.current_document(filing.id) == power_monthly()
        with pytest.raises(WorkspaceError) as caught:
            ws.save_filing(filing.id, edit(power_monthly(), lambda d: d["values"]["units"].pop()))

    message = str(caught.value)
    assert caught.value.kind is ErrorKind.READ_ONLY
    assert str(workspace_path) in message and "只读" in message and "\n" not in message


def test_read_only_database_error_from_sqlite_is_translated(workspace_path):
    Workspace.open(workspace_path).close()
    raw = sqlite3.connect(f"{workspace_path.as_uri()}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            raw.execute("INSERT INTO settings(key, value) VALUES ('ui', '{}')")
    finally:
        raw.close()
    error = translate_sqlite_error(caught.value, workspace_path)
    assert error.kind is ErrorKind.READ_ONLY and "取消“只读”" in str(error)


@contextmanager
def _truly_read_only(path):
    """Make ``path`` unwritable even for root (immutable flag) or via permissions for other users."""
    if os.geteuid() != 0:
        os.chmod(path, 0o444)
        try:
            yield
        finally:
            os.chmod(path, 0o644)
        return
    if (
        shutil.which("chattr") is None
        or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0
    ):
        pytest.skip("running as root without chattr +i support: only the mode=ro test applies here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.skipif(
    os.name == "nt", reason="POSIX permissions; Windows' read-only attribute maps the same way"
)
def test_read_only_file_is_refused_at_open_with_what_to_do(workspace_path):
    Workspace.open(workspace_path).close()

    with _truly_read_only(workspace_path), pytest.raises(WorkspaceError) as caught:
        Workspace.open(workspace_path)

    assert caught.value.kind is ErrorKind.READ_ONLY
    assert str(workspace_path) in str(caught.value) and "可写的位置" in str(caught.value)


# ---------------------------------------------------------------- locked


def test_workspace_locked_by_another_writer_gives_retry_message(workspace_path, power_monthly, edit):
    with Workspace.open(workspace_path, busy_timeout_ms=150) as ws:
        enterprise = ws.add_enterprise("华东示范发电有限公司", "91310000MA1FL0XXXX")
        filing = ws.create_filing(enterprise.id, "power-monthly", "2026.1", "2026-10", power_monthly())
        changed = edit(power_monthly(), lambda d: d["values"]["units"][0].update(capacity_mw="680"))

        other = sqlite3.connect(workspace_path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # e.g. another cets-desktop window in the middle of an import
        try:
            started = time.monotonic()
            with pytest.raises(WorkspaceError) as caught:
                ws.save_filing(filing.id, changed)
            waited = time.monotonic() - started
            # Reading still works while the other writer holds its lock (WAL).
            assert ws.get_filing(filing.id).current_revision == 1
        finally:
            other.execute("ROLLBACK")
            other.close()

        message = str(caught.value)
        assert caught.value.kind is ErrorKind.LOCKED
        assert str(workspace_path) in message and "正被其他程序占用" in message
        assert "请关闭其他 cets-desktop 窗口后重试" in message
        assert 0.1 <= waited < 5
        # Once the other writer is gone the same save goes through.
        assert ws.save_filing(filing.id, changed) == 2


# ---------------------------------------------------------------- disk full


def test_disk_full_during_save_keeps_previous_revision(workspace_path, power_monthly, edit):
    with Workspace.open(workspace_path) as ws:
        enterprise = ws.add_enterprise("华东示范发电有限公司", "91310000MA1FL0XXXX")
        filing = ws.create_filing(enterprise.id, "power-monthly", "2026.1", "2026-10", power_monthly())
        pages = ws._conn.execute("PRAGMA page_count").fetchone()[0]
        # Simulates a full disk: SQLite reports SQLITE_FULL exactly as for ENOSPC.
        ws._conn.execute(f"PRAGMA max_page_count = {pages + 2}")

        with pytest.raises(WorkspaceError) as caught:
            ws.save_filing(filing.id, power_monthly(units=300), reason="导入全年台账")

        assert caught.value.kind is ErrorKind.DISK_FULL
        assert "磁盘空间不足" in str(caught.value) and "上一次保存的版本仍完好" in str(caught.value)
        assert str(workspace_path) in str(caught.value)
        assert ws.get_filing(filing.id).current_revision == 1
        assert ws.current_document(filing.id) == power_monthly()

    with Workspace.open(workspace_path) as ws:
        assert ws.check_integrity() == []
        assert [r.number for r in ws.revisions(filing.id)] == [1]
        assert not [row for row in ws.audit(filing.id) if row.reason == "导入全年台账"]
        assert ws.save_filing(filing.id, power_monthly(units=300), reason="清理磁盘后重新导入") == 2


# ---------------------------------------------------------------- corrupt, missing, wrong kind of path


def test_file_that_is_not_sqlite_is_reported_as_damaged(tmp_path):
    impostor = tmp_path / "workspace.cetsdb"
    impostor.write_text("这不是数据库，而是一份误改了扩展名的台账。\n" * 50, encoding="utf-8")

    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(impostor)

    assert caught.value.kind is ErrorKind.CORRUPT
    assert str(impostor) in str(caught.value) and "从备份恢复" in str(caught.value)


def test_damaged_pages_are_reported_as_damaged(workspace_path, power_monthly):
    with Workspace.open(workspace_path) as ws:
        enterprise = ws.add_enterprise("华东示范发电有限公司", "91310000MA1FL0XXXX")
        for month in range(1, 13):
            period = f"2026-{month:02d}"
            ws.create_filing(
                enterprise.id, "power-monthly", "2026.1", period, power_monthly(period=period, units=20)
            )
    data = bytearray(workspace_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for offset in range(page_size, len(data), page_size):  # keep the header page, wreck the rest
        data[offset : offset + 64] = b"\xff" * 64
    workspace_path.write_bytes(bytes(data))

    with pytest.raises(WorkspaceError) as caught:
        with Workspace.open(workspace_path) as ws:
            ws.list_filings()
            ws.current_document(ws.list_filings()[-1].id)

    assert caught.value.kind is ErrorKind.CORRUPT


def test_missing_workspace_is_not_created_when_asked_not_to(tmp_path):
    missing = tmp_path / "移动过的工作区.cetsdb"

    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(missing, create=False)

    assert caught.value.kind is ErrorKind.NOT_FOUND and str(missing) in str(caught.value)
    assert not missing.exists()


def test_folder_given_as_workspace_is_refused(tmp_path):
    with pytest.raises(WorkspaceError, match="文件夹"):
        Workspace.open(tmp_path)


def test_unknown_filing_is_a_chinese_not_found(workspace, power_monthly):
    with pytest.raises(WorkspaceError) as caught:
        workspace.save_filing(404, power_monthly())
    assert caught.value.kind is ErrorKind.NOT_FOUND and "填报" in str(caught.value)


# ---------------------------------------------------------------- backup and default location


def test_backup_is_a_complete_standalone_copy(workspace, filing, tmp_path, power_monthly):
    workspace.autosave(filing.id, power_monthly(period="2026-10"))

    target = workspace.backup_to(tmp_path / "备份" / "workspace-2026-11-20.cetsdb")

    assert not list(target.parent.glob(".*.tmp"))
    with Workspace.open(target, create=False) as copy:
        assert copy.current_document(filing.id) == power_monthly()
        assert copy.uuid == workspace.uuid
        assert copy.check_integrity() == []


def test_default_workspace_lives_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    path = default_workspace_path()
    assert path.name == "workspace.cetsdb"
    assert path.parent.name == "cets-desktop"
