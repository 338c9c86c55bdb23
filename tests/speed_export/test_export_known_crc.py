"""Evidence attached with its CRC-32 (schema version 3) is written into the package in one pass:
its ZIP header is final before its bytes, and the package's own SHA-256 is taken as the bytes are
written instead of by reading the written ZIP back. The package is the same bytes either way; a
wrong kept CRC is corrected, never shipped; files attached before the workspace kept CRCs get
theirs at their first export."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from export_helpers import attach_random  # noqa: E402

from cets_desktop.demo import build_demo_workspace
from cets_desktop.io import package as package_mod
from cets_desktop.io.package import EvidenceItem, Member, PackageWriter, verify_package
from cets_desktop.store.migrations import MIGRATIONS
from cets_desktop.store.workspace import Workspace
from cets_desktop.workflow.desk import Desk

SEPTEMBER = 9
FIXED_NOW = datetime(2026, 10, 20, 8, 30, 0, tzinfo=UTC)


class _FixedClock(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> Any:  # noqa: ANN401 - datetime's own signature
        return FIXED_NOW if tz is None else FIXED_NOW.astimezone(tz)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two packages of the same content made a moment apart: same timestamps, comparable bytes."""
    monkeypatch.setattr(package_mod, "datetime", _FixedClock)


def _files(folder: Path) -> list[tuple[Path, str, int]]:
    """A scan, a photo, a text export (deflated) and an archive: (path, sha256, crc32)."""
    folder.mkdir(exist_ok=True)
    made = []
    for name, data in [
        ("ledger.pdf", os.urandom(3_000_001)),
        ("photo.jpg", os.urandom(700_000)),
        ("dcs.csv", b"2026-09-01 00:15,1,612.4,MW\n" * 20_000),
        ("invoices.zip", os.urandom(123_457)),
        ("empty.pdf", b""),
    ]:
        path = folder / name
        path.write_bytes(data)
        made.append((path, hashlib.sha256(data).hexdigest(), zlib.crc32(data)))
    return made


def _items(files: list[tuple[Path, str, int]], crcs: list[int | None]) -> list[EvidenceItem]:
    return [
        EvidenceItem(sha, path, path.name, f"units[{n}].generation", "支撑材料", None, crc)
        for n, ((path, sha, _crc), crc) in enumerate(zip(files, crcs, strict=True))
    ]


def _package(out: Path, items: list[EvidenceItem]) -> Any:
    writer = PackageWriter(out, items)
    return writer.finish(
        manifest_base={"form": {"id": "t"}},
        members=[Member("data.json", b'{"a": 1}', "data")],
        previous_package_sha256=None,
        sign=False,
    )


def _check(out: Path, result: Any, files: list[tuple[Path, str, int]]) -> None:
    assert result.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None  # every entry's bytes match its CRC
        evidence = [i for i in zf.infolist() if i.filename.startswith("evidence/")]
        # In the directory, the evidence keeps the order it was given in.
        assert [i.filename.split(".")[-1] for i in evidence] == [p.suffix[1:] for p, _s, _c in files]
        assert [i.CRC for i in evidence] == [crc for _p, _s, crc in files]
    assert verify_package(out).ok


@pytest.mark.parametrize("zip64_limit", [None, 1_000_000], ids=["plain", "zip64-headers"])
def test_a_package_written_with_known_crcs_is_the_same_bytes_as_one_zipfile_streams(
    tmp_path: Path, fixed_clock: None, monkeypatch: pytest.MonkeyPatch, zip64_limit: int | None
) -> None:
    if zip64_limit is not None:
        # Files above the limit get ZIP64 headers, by zipfile's rule in both ways of writing.
        monkeypatch.setattr(zipfile, "ZIP64_LIMIT", zip64_limit)
    # Stored files only: with a deflated one among them, the one-pass files go first in the file
    # (their order in the directory stays as given, see the tests below).
    files = [f for f in _files(tmp_path / "in") if f[0].suffix != ".csv"]
    streamed = _package(tmp_path / "streamed.zip", _items(files, [None] * len(files)))
    once = _package(tmp_path / "once.zip", _items(files, [crc for _p, _s, crc in files]))
    assert (tmp_path / "once.zip").read_bytes() == (tmp_path / "streamed.zip").read_bytes()
    assert once.sha256 == streamed.sha256
    _check(tmp_path / "once.zip", once, files)
    # The streamed one computed every CRC itself; the other knew them all already.
    assert streamed.learned_crc32 == {sha: crc for _p, sha, crc in files}
    assert once.learned_crc32 == {}


def test_with_a_deflated_file_among_them_the_package_is_the_same_files(tmp_path: Path) -> None:
    files = _files(tmp_path / "in")
    streamed = _package(tmp_path / "streamed.zip", _items(files, [None] * len(files)))
    once = _package(tmp_path / "once.zip", _items(files, [crc for _p, _s, crc in files]))
    _check(tmp_path / "streamed.zip", streamed, files)
    _check(tmp_path / "once.zip", once, files)
    with zipfile.ZipFile(tmp_path / "streamed.zip") as a, zipfile.ZipFile(tmp_path / "once.zip") as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(name) == b.read(name) for name in a.namelist() if name != "manifest.json")
    assert once.learned_crc32 == {files[2][1]: files[2][2]}  # the deflated text export only


def test_with_known_crcs_only_the_deflated_file_and_the_members_are_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path / "in")
    regions: list[tuple[int, int | None]] = []
    real = package_mod._hash_region

    def recording(tmp: Path, start: int, end: int | None, *rest: Any) -> None:
        regions.append((start, end))
        real(tmp, start, end, *rest)

    monkeypatch.setattr(package_mod, "_hash_region", recording)
    out = tmp_path / "p.zip"
    result = _package(out, _items(files, [crc for _p, _s, crc in files]))
    _check(out, result, files)
    with zipfile.ZipFile(out) as zf:
        csv = next(i for i in zf.infolist() if i.filename.endswith(".csv"))
        stored_bytes = sum(
            i.file_size for i in zf.infolist() if i.filename.endswith((".pdf", ".jpg", ".zip"))
        )
    # Read back: from the text export's header (written after every stored file) to the end of
    # the evidence, then the members. Never the megabytes of stored files.
    assert regions[0][0] == csv.header_offset and regions[0][0] > stored_bytes
    assert regions[1][1] is None and len(regions) == 2


def test_a_wrong_kept_crc_is_corrected_in_the_package_and_learned(tmp_path: Path) -> None:
    files = _files(tmp_path / "in")
    crcs: list[int | None] = [crc for _p, _s, crc in files]
    crcs[1] = (crcs[1] or 0) ^ 0x5A5A  # the photo's kept CRC is damaged
    crcs[3] = None  # the archive was attached before CRCs were kept
    out = tmp_path / "p.zip"
    result = _package(out, _items(files, crcs))
    _check(out, result, files)
    assert result.learned_crc32 == {files[i][1]: files[i][2] for i in (1, 2, 3)}


def test_a_crc_out_of_range_is_not_trusted(tmp_path: Path) -> None:
    files = _files(tmp_path / "in")[:1]
    out = tmp_path / "p.zip"
    result = _package(out, _items(files, [1 << 40]))
    _check(out, result, files)
    assert result.learned_crc32 == {files[0][1]: files[0][2]}


# ---------------------------------------------------------------- the workspace keeps them


def test_attaching_keeps_the_crc32_and_a_reattach_fills_a_missing_one(tmp_path: Path) -> None:
    data = os.urandom(2_500_000)
    source = tmp_path / "scan.pdf"
    source.write_bytes(data)
    with Workspace.open(tmp_path / "w.cetsdb") as ws:
        rec = ws.evidence.add_file(source)
        assert rec.crc32 == zlib.crc32(data)
        assert ws.evidence_crc32([rec.sha256, "0" * 64]) == {rec.sha256: zlib.crc32(data)}
        with ws._writing() as conn:  # as a file attached before schema version 3
            conn.execute("UPDATE evidence_files SET crc32 = NULL")
        assert ws.evidence_crc32([rec.sha256]) == {}
        ws.evidence.add_file(source)
        assert ws.evidence_crc32([rec.sha256]) == {rec.sha256: zlib.crc32(data)}
        ws.remember_evidence_crc32({rec.sha256: 7})  # a corrected value replaces a wrong one
        assert ws.evidence_crc32([rec.sha256]) == {rec.sha256: 7}
        assert ws.evidence_crc32([]) == {}


def test_a_version_2_workspace_opened_read_only_has_no_crcs_and_no_error(tmp_path: Path) -> None:
    db = tmp_path / "old.cetsdb"
    with Workspace.open(db, migrations=MIGRATIONS[:2]) as ws:
        assert ws.schema_version == 2
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO evidence_files VALUES (?, 1, 'ab/x', 'a.pdf', '2026-01-01T00:00:00Z')", ("a" * 64,)
        )
    with Workspace.open(db, create=False, read_only=True) as ws:
        assert ws.schema_version == 2
        assert ws.evidence_crc32(["a" * 64]) == {}
    with Workspace.open(db, create=False) as ws:  # writable: migrated, the old row has none yet
        assert ws.schema_version == MIGRATIONS[-1].version
        assert ws.evidence_crc32(["a" * 64]) == {}


def test_evidence_attached_before_crcs_were_kept_gets_them_at_its_first_export(tmp_path: Path) -> None:
    db = build_demo_workspace(tmp_path / "demo.cetsdb")
    attach_random(db, SEPTEMBER, tmp_path, "2026年9月入炉煤计量日报.pdf", 1_500_000)
    with Workspace.open(db, create=False) as ws:
        hashes = [e["sha256"] for e in ws.current_document(SEPTEMBER)["evidence"]]
        with ws._writing() as conn:
            conn.execute("UPDATE evidence_files SET crc32 = NULL")
    with Desk.open_existing(db, read_only=False) as desk:
        first = desk.export(SEPTEMBER, tmp_path / "first.zip", draft=True, sign=False)
        assert set(first.learned_crc32) == set(hashes)
        assert desk.workspace.evidence_crc32(hashes) == first.learned_crc32
        second = desk.export(SEPTEMBER, tmp_path / "second.zip", draft=True, sign=False)
        assert second.learned_crc32 == {}
    for outcome in (first, second):
        assert outcome.sha256 == hashlib.sha256(outcome.package_path.read_bytes()).hexdigest()
        assert verify_package(outcome.package_path).ok
    with zipfile.ZipFile(first.package_path) as a, zipfile.ZipFile(second.package_path) as b:
        assert a.namelist() == b.namelist()
        evidence = [n for n in a.namelist() if n.startswith("evidence/")]
        assert len(evidence) >= 2  # the demo's own and the scan
        assert [a.getinfo(n).CRC for n in evidence] == [b.getinfo(n).CRC for n in evidence]


def test_a_read_only_desk_exports_without_keeping_anything(tmp_path: Path) -> None:
    db = build_demo_workspace(tmp_path / "demo.cetsdb")
    with Workspace.open(db, create=False) as ws, ws._writing() as conn:
        conn.execute("UPDATE evidence_files SET crc32 = NULL")
    shutil.copy(db, tmp_path / "before.cetsdb")
    with Desk.open_existing(db, read_only=True) as desk:
        outcome = desk.export(SEPTEMBER, tmp_path / "p.zip", draft=True, sign=False, record=False)
        assert outcome.learned_crc32
    assert verify_package(outcome.package_path).ok
    with Workspace.open(db, create=False, read_only=True) as ws:
        assert ws.evidence_crc32(list(outcome.learned_crc32)) == {}


@pytest.mark.parametrize("known", [True, False], ids=["one-pass", "zipfile"])
@pytest.mark.parametrize("change", ["grown", "grown-by-a-piece", "shrunk", "one-byte"])
def test_evidence_changed_since_it_was_attached_stops_the_package_either_way(
    tmp_path: Path, known: bool, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [f for f in _files(tmp_path / "in") if f[0].suffix == ".pdf" and f[0].stat().st_size]
    items = _items(files, [crc if known else None for _p, _s, crc in files])
    path = files[0][0]
    data = path.read_bytes()
    # Changed while it is copied: the writer knows the size it had when the export began.
    real_size = package_mod._stat_size

    def stat_size(p: Path, *args: Any, **kwargs: Any) -> int:
        return len(data) if p == path else real_size(p, *args, **kwargs)

    monkeypatch.setattr(package_mod, "_stat_size", stat_size)
    if change == "grown":
        path.write_bytes(data + b"%%EOF appended")
    elif change == "grown-by-a-piece":  # exactly one copy piece more, so no piece is cut short
        path.write_bytes(data + os.urandom(package_mod._STREAM_CHUNK))
    elif change == "shrunk":
        path.write_bytes(data[:-1])
    else:
        path.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    out = tmp_path / "p.zip"
    with pytest.raises(package_mod.PackageError, match="ledger.pdf"):
        _package(out, items)
    assert not out.exists() and not list(tmp_path.glob(".*.part"))
