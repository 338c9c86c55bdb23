from __future__ import annotations

import sqlite3

import pytest

from cets_desktop.store import LATEST_VERSION, ErrorKind, Workspace, WorkspaceError
from cets_desktop.store.migrations import MIGRATIONS, Migration, migrate


def _add_reminders(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE reminders (id INTEGER PRIMARY KEY, filing_id INTEGER REFERENCES filings(id),"
        " remind_at TEXT NOT NULL)"
    )
    conn.execute("ALTER TABLE enterprises ADD COLUMN contact_person TEXT NOT NULL DEFAULT ''")


def _broken_after_ddl(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE reminders (id INTEGER PRIMARY KEY)")
    raise RuntimeError("migration bug after its first statement")


def _user_version(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def _tables(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


@pytest.fixture
def current_workspace(workspace_path, power_monthly):
    """A workspace written by this version, holding one filing."""
    with Workspace.open(workspace_path) as ws:
        enterprise = ws.add_enterprise("西南示范水泥有限公司", "91510100MA6CXXXXXX", industry_code="3011")
        ws.create_filing(enterprise.id, "power-monthly", "2026.1", "2026-10", power_monthly())
    return workspace_path


def test_new_workspace_is_at_latest_version(workspace):
    assert workspace.schema_version == LATEST_VERSION


def test_older_workspace_is_migrated_keeping_its_data_and_a_backup(current_workspace, power_monthly):
    newer = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "reminders", _add_reminders))

    with Workspace.open(current_workspace, migrations=newer) as ws:
        assert ws.schema_version == LATEST_VERSION + 1
        assert ws.current_document(ws.list_filings()[0].id) == power_monthly()
    assert "reminders" in _tables(current_workspace)

    backup = current_workspace.with_name(f"workspace.v{LATEST_VERSION}-backup.cetsdb")
    assert _user_version(backup) == LATEST_VERSION
    with Workspace.open(backup, create=False) as old_copy:
        assert len(old_copy.list_filings()) == 1


def test_failing_migration_leaves_the_file_untouched(current_workspace):
    broken = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "broken", _broken_after_ddl))

    with pytest.raises(RuntimeError):
        Workspace.open(current_workspace, migrations=broken)

    assert _user_version(current_workspace) == LATEST_VERSION
    assert "reminders" not in _tables(current_workspace)
    with Workspace.open(current_workspace) as ws:
        assert len(ws.list_filings()) == 1


def test_workspace_from_a_newer_app_is_refused_and_not_modified(current_workspace):
    conn = sqlite3.connect(current_workspace)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 3}")
    conn.close()
    before = current_workspace.read_bytes()

    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(current_workspace)

    message = str(caught.value)
    assert caught.value.kind is ErrorKind.TOO_NEW
    assert str(current_workspace) in message and "升级 cets-desktop" in message
    assert f"数据格式版本 {LATEST_VERSION + 3}" in message
    assert current_workspace.read_bytes() == before


def test_another_apps_sqlite_file_is_refused(tmp_path):
    foreign = tmp_path / "台账.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE 台账 (月份 TEXT, 耗煤量 REAL)")
    conn.commit()
    conn.close()

    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(foreign)

    assert caught.value.kind is ErrorKind.NOT_WORKSPACE
    assert _tables(foreign) == {"台账"}


def test_empty_file_becomes_a_workspace(tmp_path):
    empty = tmp_path / "新工作区.cetsdb"
    empty.touch()

    with Workspace.open(empty) as ws:
        assert ws.schema_version == LATEST_VERSION


def test_migrations_must_be_numbered_without_gaps(tmp_path):
    conn = sqlite3.connect(tmp_path / "x.cetsdb", isolation_level=None)
    gap = (*MIGRATIONS, Migration(LATEST_VERSION + 2, "skips a number", _add_reminders))
    with pytest.raises(ValueError):
        migrate(conn, tmp_path / "x.cetsdb", gap)
    conn.close()
