"""The package's own SHA-256 is read back entry by entry on a thread of its own while the next
evidence file is copied (issue #14 item 3): the regions follow each other from the first byte to
the end of the evidence, the first is hashed before the last file is copied, the result is the
written file's SHA-256, and a failure or a cancel on that thread stops the export with nothing
left behind."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from cets_desktop.io import package as package_mod
from cets_desktop.io.package import (
    EvidenceItem,
    PackageCancelled,
    PackageError,
    PackageWriter,
    verify_package,
)

SIZES = [3 << 20, 1 << 20, 700_000, 2 << 20, 40_000]  # a scan, a photo, … as a month has them


def _evidence(folder: Path) -> list[EvidenceItem]:
    folder.mkdir()
    items = []
    for i, size in enumerate(SIZES):
        path = folder / f"{i}.pdf"
        content = os.urandom(size)
        path.write_bytes(content)
        items.append(
            EvidenceItem(
                hashlib.sha256(content).hexdigest(),
                path,
                f"2026年9月台账{i}.pdf",
                "units[0].generation",
                "台账",
            )
        )
    return items


def _finish(writer: PackageWriter) -> Any:
    return writer.finish(manifest_base={}, members=[], previous_package_sha256=None, sign=False)


def test_regions_are_hashed_in_order_on_their_own_thread_while_the_copy_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str, int, int | None]] = []
    lock = threading.Lock()
    real_hash, real_stream = package_mod._hash_region, package_mod._stream_entry

    first_hashed = threading.Event()

    def hash_region(tmp: Path, start: int, end: int | None, *a: Any) -> None:
        with lock:
            events.append(("hash", threading.current_thread().name, start, end))
        real_hash(tmp, start, end, *a)
        first_hashed.set()

    def stream_entry(zf: Any, entry: Any, *a: Any, **k: Any) -> None:
        real_stream(zf, entry, *a, **k)
        with lock:
            events.append(("copied", threading.current_thread().name, entry.size, None))
        if entry.size == SIZES[-2]:
            # Before the last file: a pipelined read-back has hashed something by now (on a
            # loaded machine it may need a moment); one that waits for the whole copy has not.
            first_hashed.wait(10)

    monkeypatch.setattr(package_mod, "_hash_region", hash_region)
    monkeypatch.setattr(package_mod, "_stream_entry", stream_entry)
    writer = PackageWriter(tmp_path / "pkg.zip", _evidence(tmp_path / "ev"))
    result = _finish(writer)

    data = (tmp_path / "pkg.zip").read_bytes()
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert verify_package(result.path).ok
    hashed = [e for e in events if e[0] == "hash"]
    evidence_part = [e for e in hashed if e[1] == "cets-package-hash"]
    # One region per evidence file, back to back from the first byte; each holds its file.
    assert len(evidence_part) == len(SIZES)
    assert evidence_part[0][2] == 0
    for (_k, _t, _s, end), (_k2, _t2, start, _e) in zip(evidence_part, evidence_part[1:], strict=False):
        assert start == end
    for (_k, _t, start, end), size in zip(evidence_part, SIZES, strict=True):
        assert end is not None and size < end - start < size + 200  # the data and its headers
    # The rest of the file (members, manifest, directory) is hashed by the caller at the end.
    assert hashed[-1][1] == "MainThread" and hashed[-1][2] == evidence_part[-1][3] and hashed[-1][3] is None
    # The first region was hashed before the last file had been copied: the two overlap.
    copies = [i for i, e in enumerate(events) if e[0] == "copied" and e[1] == "cets-package-evidence"]
    first_hash = events.index(evidence_part[0])
    assert len(copies) == len(SIZES) and first_hash < copies[-1]


def test_a_read_back_failure_stops_the_export_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_hash = package_mod._hash_region

    def failing(tmp: Path, start: int, *a: Any) -> None:
        if start > 0:  # the second region
            raise OSError(5, "Input/output error")
        real_hash(tmp, start, *a)

    monkeypatch.setattr(package_mod, "_hash_region", failing)
    out = tmp_path / "out"
    out.mkdir()
    writer = PackageWriter(out / "pkg.zip", _evidence(tmp_path / "ev"))
    with pytest.raises(PackageError, match="无法在文件夹.*Input/output error"):
        _finish(writer)
    assert list(out.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name == "cets-package-hash"]


def test_cancel_during_the_read_back_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    cancelled = threading.Event()

    def cancel() -> bool:
        if threading.current_thread().name == "cets-package-hash":
            cancelled.set()
        return cancelled.is_set()

    writer = PackageWriter(out / "pkg.zip", _evidence(tmp_path / "ev"), cancel=cancel)
    with pytest.raises(PackageCancelled):
        _finish(writer)
    assert cancelled.is_set()  # it was the hasher's thread that saw the cancel
    assert list(out.iterdir()) == []


def test_progress_from_both_threads_only_grows_and_ends_at_the_total(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    lock = threading.Lock()

    def progress(done: int, total: int) -> None:
        with lock:
            seen.append((done, total))

    writer = PackageWriter(tmp_path / "pkg.zip", _evidence(tmp_path / "ev"), progress=progress)
    _finish(writer)
    dones = [d for d, _t in seen]
    assert dones == sorted(dones)
    assert seen[-1][0] == seen[-1][1] and len({t for _d, t in seen}) == 1
