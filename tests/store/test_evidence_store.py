from __future__ import annotations

import errno
import hashlib
import os
import tracemalloc

import pytest

from cets_desktop.store import ErrorKind, EvidenceCancelled, Workspace, WorkspaceError
from cets_desktop.store import evidence as evidence_module
from cets_desktop.store.evidence import CHUNK_SIZE

LEDGER = "10月入炉煤台账.pdf".encode() + b"%PDF-1.7 ledger body " * 4000


def _leftover_temporaries(workspace):
    return list(workspace.evidence.root.glob(".incoming-*")) if workspace.evidence.root.exists() else []


def _write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_file_is_stored_under_its_hash_beside_the_database(workspace, tmp_path):
    source = _write(tmp_path / "附件" / "10月入炉煤台账.pdf", LEDGER)

    record = workspace.evidence.add_file(source)

    digest = hashlib.sha256(LEDGER).hexdigest()
    assert record.sha256 == digest and record.size == len(LEDGER) and record.name == "10月入炉煤台账.pdf"
    stored = workspace.path.parent / "workspace.evidence" / digest[:2] / digest
    assert workspace.evidence.path_for(digest) == stored
    assert stored.read_bytes() == LEDGER
    assert workspace.evidence.verify(digest)
    with workspace.evidence.open(digest) as handle:
        assert handle.read() == LEDGER


def test_same_content_is_stored_once_and_keeps_the_first_name(workspace, tmp_path):
    first = workspace.evidence.add_file(_write(tmp_path / "10月入炉煤台账.pdf", LEDGER))
    second = workspace.evidence.add_file(_write(tmp_path / "复印件" / "入炉煤台账（10月）.pdf", LEDGER))

    assert first.sha256 == second.sha256
    assert (first.already_stored, second.already_stored) == (False, True)
    assert second.name == "入炉煤台账（10月）.pdf"
    assert workspace.evidence_name(first.sha256) == "10月入炉煤台账.pdf"
    assert [p for p in workspace.evidence.root.rglob("*") if p.is_file()] == [
        workspace.evidence.path_for(first.sha256)
    ]


def test_file_larger_than_a_chunk_streams_with_progress_and_flat_memory(workspace, tmp_path):
    size = 24 * CHUNK_SIZE + 12345
    source = tmp_path / "2026年度燃料采购发票汇总.zip"
    block = os.urandom(CHUNK_SIZE)
    with open(source, "wb") as handle:
        for _ in range(24):
            handle.write(block)
        handle.write(block[:12345])
    reports: list[tuple[int, int]] = []

    tracemalloc.start()
    try:
        record = workspace.evidence.add_file(
            source, progress=lambda done, total: reports.append((done, total))
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert record.size == size
    assert record.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert len(reports) == 25 and reports[-1] == (size, size)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    # A 24 MiB file must not be held in memory: at most a few chunks at a time.
    assert peak < 4 * CHUNK_SIZE


def test_missing_source_file_names_the_file_and_leaves_nothing(workspace, tmp_path):
    missing = tmp_path / "已删除的检测报告.pdf"

    with pytest.raises(WorkspaceError) as caught:
        workspace.evidence.add_file(missing)

    assert caught.value.kind is ErrorKind.NOT_FOUND
    assert str(missing) in str(caught.value) and "原位置" in str(caught.value)
    assert _leftover_temporaries(workspace) == []


def test_folder_instead_of_file_is_refused(workspace, tmp_path):
    folder = tmp_path / "10月台账"
    folder.mkdir()

    with pytest.raises(WorkspaceError, match="文件夹"):
        workspace.evidence.add_file(folder)


def test_disk_full_while_storing_leaves_no_partial_copy_and_no_record(workspace, tmp_path, monkeypatch):
    source = _write(tmp_path / "10月入炉煤台账.pdf", LEDGER)

    def full_disk(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(evidence_module.os, "fsync", full_disk)
    with pytest.raises(WorkspaceError) as caught:
        workspace.evidence.add_file(source)

    assert caught.value.kind is ErrorKind.DISK_FULL
    assert "10月入炉煤台账.pdf" in str(caught.value) and "磁盘空间不足" in str(caught.value)
    assert _leftover_temporaries(workspace) == []
    assert workspace.evidence_name(hashlib.sha256(LEDGER).hexdigest()) is None


def test_cancel_midway_removes_the_partial_copy(workspace, tmp_path):
    source = _write(tmp_path / "2026年度燃料采购发票汇总.zip", os.urandom(3 * CHUNK_SIZE))
    chunks_seen: list[int] = []

    with pytest.raises(EvidenceCancelled) as caught:
        workspace.evidence.add_file(
            source,
            progress=lambda done, total: chunks_seen.append(done),
            cancel=lambda: len(chunks_seen) >= 2,
        )

    assert caught.value.kind is ErrorKind.CANCELLED and "已取消" in str(caught.value)
    assert len(chunks_seen) == 2
    assert _leftover_temporaries(workspace) == []
    assert [p for p in workspace.evidence.root.rglob("*") if p.is_file()] == []


def test_stored_file_resolves_for_export(workspace, tmp_path):
    record = workspace.evidence.add_file(_write(tmp_path / "10月入炉煤台账.pdf", LEDGER))

    assert workspace.evidence.resolve(record.sha256, record.name) == workspace.evidence.path_for(
        record.sha256
    )
    assert workspace.evidence.resolve(hashlib.sha256(b"never attached").hexdigest(), "x.pdf") is None


def test_verify_detects_a_tampered_or_missing_file(workspace, tmp_path):
    record = workspace.evidence.add_file(_write(tmp_path / "10月入炉煤台账.pdf", LEDGER))
    stored = workspace.evidence.path_for(record.sha256)

    stored.write_bytes(LEDGER.replace(b"ledger", b"LEDGER"))
    assert not workspace.evidence.verify(record.sha256)

    stored.unlink()
    assert not workspace.evidence.verify(record.sha256)
    with pytest.raises(WorkspaceError, match="10月入炉煤台账.pdf"):
        workspace.evidence.open(record.sha256)


def test_damaged_copy_is_replaced_when_the_file_is_added_again(workspace, tmp_path):
    source = _write(tmp_path / "10月入炉煤台账.pdf", LEDGER)
    record = workspace.evidence.add_file(source)
    workspace.evidence.path_for(record.sha256).write_bytes(b"truncated")

    again = workspace.evidence.add_file(source)

    assert not again.already_stored
    assert workspace.evidence.verify(record.sha256)


def test_paths_are_only_built_from_real_digests(workspace):
    with pytest.raises(ValueError):
        workspace.evidence.path_for("../../workspace.cetsdb")


def test_read_only_workspace_refuses_new_evidence(workspace_path, tmp_path):
    Workspace.open(workspace_path).close()
    source = _write(tmp_path / "10月入炉煤台账.pdf", LEDGER)

    with Workspace.open(workspace_path, read_only=True) as ws, pytest.raises(WorkspaceError) as caught:
        ws.evidence.add_file(source)

    assert caught.value.kind is ErrorKind.READ_ONLY


def test_abandoned_temporary_copies_are_cleaned_on_open(workspace_path):
    Workspace.open(workspace_path).close()
    root = workspace_path.with_name("workspace.evidence")
    root.mkdir()
    abandoned = root / ".incoming-abc.part"
    abandoned.write_bytes(b"half a file")
    os.utime(abandoned, (1_700_000_000, 1_700_000_000))
    fresh = root / ".incoming-def.part"
    fresh.write_bytes(b"another window is copying this right now")

    Workspace.open(workspace_path).close()

    assert not abandoned.exists() and fresh.exists()
