"""Workspaces where users put them (issue 11 item 8): read-only media, network shares, one-file
backup and restore (database and evidence), output files with the user's normal permissions."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from cets_desktop.cli import main
from cets_desktop.demo import build_demo_workspace
from cets_desktop.store import workspace as workspace_module
from cets_desktop.store.errors import ErrorKind, WorkspaceError
from cets_desktop.store.workspace import Workspace, network_location, restore_workspace

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "华东示范.cetsdb"
    build_demo_workspace(path)
    return path


@pytest.fixture
def demo(demo_master: Path, tmp_path: Path) -> Path:
    target = tmp_path / "site" / demo_master.name
    target.parent.mkdir()
    shutil.copy2(demo_master, target)
    shutil.copytree(
        demo_master.with_name(demo_master.stem + ".evidence"), target.with_name(target.stem + ".evidence")
    )
    return target


def _evidence_hashes(db_path: Path) -> dict[str, str]:
    root = db_path.with_name(db_path.stem + ".evidence")
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _filings(db_path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT id, form_id, period, state, current_revision FROM filings ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------------------- read-only media


def _can_mount_read_only() -> bool:
    if os.name == "nt" or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs a private mount namespace (root in Linux CI)")
def test_workspace_on_read_only_media_lists_and_opens_read_only_with_a_reason(
    demo: Path, tmp_path: Path
) -> None:
    """A real read-only mount: SQLite cannot create the WAL's -shm there, so before, listing failed
    with "folder does not exist or no permission"."""
    media = tmp_path / "cdrom"
    media.mkdir()
    script = textwrap.dedent(f"""
        import json, subprocess, sys
        from pathlib import Path
        from cets_desktop.store.workspace import Workspace
        from cets_desktop.store.errors import WorkspaceError
        db = Path({str(media / demo.name)!r})
        out = {{}}
        proc = subprocess.run([sys.executable, "-m", "cets_desktop", "--workspace", str(db), "workspace", "list",
                               "--json"], capture_output=True, text=True)
        out["list_code"] = proc.returncode
        out["list"] = json.loads(proc.stdout) if proc.returncode == 0 else proc.stderr
        try:
            Workspace.open(db)
        except WorkspaceError as exc:
            out["plain_open"] = [exc.kind.value, str(exc)]
        with Workspace.open(db, fallback_read_only=True) as ws:
            out["read_only"] = ws.read_only
            out["reason"] = ws.read_only_reason
            out["filings"] = len(ws.list_filings(ws.list_enterprises()[0].id))
            try:
                ws.set_setting("probe", 1)
            except WorkspaceError as exc:
                out["write"] = exc.kind.value
        print(json.dumps(out, ensure_ascii=False))
    """)
    runner = tmp_path / "inside.py"
    runner.write_text(script, "utf-8")
    shell = f"mount --bind '{demo.parent}' '{media}' && mount -o remount,ro,bind '{media}' && '{sys.executable}' '{runner}'"
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", shell], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["list_code"] == 0, out["list"]
    assert [f["period"] for f in out["list"]["enterprises"][0]["filings"]][:2] == ["2026-01", "2026-02"]
    assert out["plain_open"][0] == "read_only"
    assert out["read_only"] is True and out["filings"] == len(_filings(demo))
    assert "只读位置" in out["reason"] and "复制到可写的位置" in out["reason"]
    assert out["write"] == "read_only"


def test_unwritable_media_falls_back_to_read_only_in_process(demo: Path, monkeypatch) -> None:
    monkeypatch.setattr(workspace_module, "_media_read_only", lambda _p: True)
    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(demo)
    assert caught.value.kind is ErrorKind.READ_ONLY
    with Workspace.open(demo, fallback_read_only=True) as ws:
        assert ws.read_only and "只读位置" in (ws.read_only_reason or "")
        assert ws.list_enterprises()[0].uscc == "91310115MA1K3P7Q8R"
    assert not demo.with_name(demo.name + "-shm").exists()  # opened immutable: nothing written beside it


# ---------------------------------------------------------------------------- network shares


def test_network_locations_are_recognised() -> None:
    assert (
        network_location(r"\\fileserver\carbon\华东.cetsdb", platform="win32")
        == r"网络共享文件夹 \\fileserver\carbon"
    )
    assert network_location("//fileserver/carbon/x.cetsdb", platform="linux", mounts=[]) is not None
    assert network_location(r"\\?\UNC\fileserver\carbon\x.cetsdb", platform="win32") == "网络共享文件夹"
    remote = {"Z:\\": 4, "C:\\": 3}
    assert (
        network_location(r"Z:\碳排放\x.cetsdb", platform="win32", drive_type=remote.get)
        == "映射的网络驱动器 Z:"
    )
    assert network_location(r"C:\Users\x.cetsdb", platform="win32", drive_type=remote.get) is None
    mounts = [("/", "ext4"), ("/mnt/share", "cifs"), ("/mnt/share/local", "ext4"), ("/srv/nfs", "nfs4")]
    assert (
        network_location("/mnt/share/企业/x.cetsdb", platform="linux", mounts=mounts)
        == "网络文件系统（cifs）"
    )
    assert network_location("/mnt/share/local/x.cetsdb", platform="linux", mounts=mounts) is None
    assert network_location("/srv/nfs/x.cetsdb", platform="linux", mounts=mounts) == "网络文件系统（nfs4）"
    assert network_location("/home/a/x.cetsdb", platform="linux", mounts=mounts) is None


def test_workspace_on_a_network_share_does_not_use_wal(demo: Path) -> None:
    header = demo.read_bytes()[:20]
    assert header[18] == 2  # built locally: WAL
    with Workspace.open(demo, network=r"网络共享文件夹 \\fileserver\carbon") as ws:
        assert ws.journal_mode == "delete"
        assert "WAL" in (ws.network_reason or "") and "一人" in (ws.network_reason or "")
        ws.set_setting("probe", 1)
        assert not demo.with_name(demo.name + "-wal").exists()
        assert not demo.with_name(demo.name + "-shm").exists()
    assert demo.read_bytes()[18] == 1  # the file itself switched to a rollback journal


def test_network_share_open_is_refused_with_a_reason_while_another_program_holds_wal(demo: Path) -> None:
    other = sqlite3.connect(str(demo))
    other.execute("PRAGMA journal_mode = WAL")
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM filings").fetchone()
    try:
        with pytest.raises(WorkspaceError) as caught:
            Workspace.open(demo, network="网络共享文件夹", busy_timeout_ms=200)
    finally:
        other.close()
    assert "网络" in str(caught.value)


# ---------------------------------------------------------------------------- backup and restore


def test_backup_is_one_file_with_database_and_every_evidence_file(demo: Path, tmp_path: Path, capsys) -> None:
    before_hashes = _evidence_hashes(demo)
    assert len(before_hashes) > 10
    backup = tmp_path / "out" / "工作区备份-2026-12-01.cetsbak"
    assert main(["--workspace", str(demo), "workspace", "backup", str(backup)]) == 0
    assert f"{len(before_hashes)} 个支撑材料文件" in capsys.readouterr().out
    with zipfile.ZipFile(backup) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("backup.json"))
    assert {f"evidence/{p}" for p in before_hashes} | {"workspace.cetsdb", "backup.json"} == names
    assert {r["path"]: r["sha256"] for r in manifest["evidence"]} == {
        f"evidence/{p}": h for p, h in before_hashes.items()
    }

    # Restore somewhere else, e.g. a new computer: filings and every evidence file come back.
    restored = tmp_path / "new-pc" / "恢复的工作区.cetsdb"
    assert main(["--workspace", str(restored), "workspace", "restore", str(backup)]) == 0
    assert _filings(restored) == _filings(demo)
    assert _evidence_hashes(restored) == before_hashes
    with Workspace.open(restored) as ws:
        assert ws.check_integrity() == []
        assert all(ws.evidence.exists(h) for h in before_hashes.values())

    # Never over an existing workspace.
    assert main(["--workspace", str(restored), "workspace", "restore", str(backup)]) == 2
    assert "不会覆盖" in capsys.readouterr().err


def test_damaged_or_forged_backups_are_refused_and_leave_nothing(demo: Path, tmp_path: Path, capsys) -> None:
    backup = tmp_path / "b.cetsbak"
    with Workspace.open(demo, read_only=True) as ws:
        ws.backup_archive(backup)
    with zipfile.ZipFile(backup) as zin:
        members = {i.filename: zin.read(i) for i in zin.infolist()}
    victim = next(n for n in members if n.startswith("evidence/"))

    def rewrite(name: str, change: dict[str, bytes]) -> Path:
        out = tmp_path / name
        with zipfile.ZipFile(out, "w") as zout:
            for n, body in {**members, **change}.items():
                zout.writestr(n, body)
        return out

    flipped = rewrite("flipped.cetsbak", {victim: b"changed" + members[victim][7:]})
    manifest = json.loads(members["backup.json"])
    manifest["evidence"].append({"path": "evidence/../../evil", "sha256": "0" * 64, "size": 1})
    evil = rewrite(
        "evil.cetsbak", {"backup.json": json.dumps(manifest).encode(), "evidence/../../evil": b"x"}
    )
    for bad in (flipped, evil, tmp_path / "missing.cetsbak"):
        target = tmp_path / f"restored-{bad.stem}.cetsdb"
        assert main(["--workspace", str(target), "workspace", "restore", str(bad)]) == 2
        assert capsys.readouterr().err.strip()
        assert not target.exists() and not target.with_name(target.stem + ".evidence").exists()
        assert not any(p.name.startswith(f".{target.name}.restore") for p in tmp_path.iterdir())
    assert not (tmp_path.parent / "evil").exists()


def test_restore_refuses_a_plain_database_copy(demo: Path, tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as caught:
        restore_workspace(demo, tmp_path / "x.cetsdb")  # the .cetsdb alone is not a backup
    assert caught.value.kind is ErrorKind.INVALID


# ---------------------------------------------------------------------------- permissions


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_output_files_get_the_users_normal_permissions(demo: Path, tmp_path: Path) -> None:
    mask = os.umask(0o022)
    os.umask(mask)
    expected = 0o666 & ~mask
    doc = tmp_path / "2026-10.json"
    assert (
        main(
            [
                "new",
                "power-monthly",
                "--period",
                "2026-10",
                "-o",
                str(doc),
                "--enterprise-name",
                "华东示范热电有限公司",
                "--uscc",
                "91310115MA1K3P7Q8R",
            ]
        )
        == 0
    )
    assert main(["template", "power-monthly", "-o", str(tmp_path / "t.xlsx")]) == 0
    assert main(["pdf", str(doc), "--draft", "-o", str(tmp_path / "r.pdf")]) in (
        0,
        1,
    )  # 1: the empty month has errors
    assert main(["--workspace", str(demo), "workspace", "backup", str(tmp_path / "b.cetsbak")]) == 0
    for name in ("2026-10.json", "t.xlsx", "r.pdf", "b.cetsbak"):
        assert (tmp_path / name).stat().st_mode & 0o777 == expected, name


def test_medium_that_refuses_writes_only_when_sqlite_writes_falls_back_to_read_only(
    demo: Path, monkeypatch
) -> None:
    """Windows reports a CD or a write-protected stick only on the first write (SQLITE_READONLY)."""
    real = workspace_module.configure_connection

    def refusing(conn, *, read_only, **kw):
        if not read_only:
            error = sqlite3.OperationalError("attempt to write a readonly database")
            error.sqlite_errorcode = 8  # SQLITE_READONLY
            raise error
        return real(conn, read_only=read_only, **kw)

    monkeypatch.setattr(workspace_module, "configure_connection", refusing)
    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(demo)
    assert caught.value.kind is ErrorKind.READ_ONLY
    with Workspace.open(demo, fallback_read_only=True) as ws:
        assert ws.read_only and "只读位置" in (ws.read_only_reason or "")
        assert len(ws.list_enterprises()) == 1
