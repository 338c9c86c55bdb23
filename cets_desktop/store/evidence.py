"""Content-addressed store for evidence files (ledgers, invoices, test reports).

Files live beside the database in ``<db stem>.evidence/ab/<sha256>``: the name *is* the content
hash, so the same PDF attached to twelve monthly filings is stored once, and a stored file can be
re-verified at any time. The name the user attached it under is kept in the workspace database.

Adding is crash-safe: the copy is hashed while it streams into a temporary file inside the store
(same volume, so the final rename is atomic), fsynced, then renamed into place. Memory use is one
chunk, whatever the file size. On any failure the temporary file is removed.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from cets_desktop.store.errors import ErrorKind, WorkspaceError, translate_os_error

CHUNK_SIZE = 1024 * 1024

# Same conventions as services/io.package: progress(bytes done, bytes total); cancel() polled once
# per chunk, True aborts. (Raising from progress also aborts; the exception propagates unchanged.)
ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class EvidenceRecord:
    sha256: str
    size: int
    name: str  # the file name it was added under this time (goes into the filing document)
    already_stored: bool = False  # same content was already in the store
    crc32: int | None = None  # the ZIP checksum of the content, taken in the same read


class EvidenceCancelled(WorkspaceError):
    """The user cancelled adding a file; nothing was left in the store."""


class EvidenceCatalog(Protocol):
    """Where the store records metadata (the workspace database)."""

    def record_evidence_file(
        self, sha256: str, size: int, stored_name: str, name: str, crc32: int | None = None
    ) -> None: ...

    def evidence_name(self, sha256: str) -> str | None: ...


def _check_sha256(sha256: str) -> str:
    # Also guards against path traversal: only 64 lowercase hex digits ever become a path.
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise ValueError(f"not a lowercase hex SHA-256 digest: {sha256!r}")
    return sha256


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable on POSIX. Windows cannot open a directory for fsync, and
    # NTFS journals the rename's metadata anyway.
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def hash_file(path: Path, progress: ProgressCallback | None = None) -> tuple[str, int]:
    """(sha256, size) of ``path``, streamed in CHUNK_SIZE pieces."""
    digest = hashlib.sha256()
    done = 0
    with open(path, "rb") as handle:
        total = os.fstat(handle.fileno()).st_size
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return digest.hexdigest(), done


class EvidenceStore:
    def __init__(self, root: Path, catalog: EvidenceCatalog | None = None, *, read_only: bool = False):
        self.root = Path(root)
        self._catalog = catalog
        self._read_only = read_only

    def discard_abandoned_copies(self, older_than_seconds: float = 6 * 3600) -> int:
        """Remove temporary copies left by a process killed mid-add; returns how many.

        Only old ones: another window may be copying a large file right now, and an active copy's
        modification time keeps moving.
        """
        removed = 0
        now = time.time()
        try:
            candidates = list(self.root.glob(".incoming-*.part"))
        except OSError:
            return 0
        for candidate in candidates:
            try:
                if now - candidate.stat().st_mtime > older_than_seconds:
                    candidate.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    def path_for(self, sha256: str) -> Path:
        _check_sha256(sha256)
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        # path_for's file, as a string: one stat, without building Path objects (a year of cards
        # asks this for every file of every month).
        _check_sha256(sha256)
        return os.path.isfile(os.path.join(self.root, sha256[:2], sha256))

    def all_stored(self, hashes: Iterable[str]) -> bool:
        """``all(self.exists(h) for h in hashes)`` (a ValueError for a malformed hash, as there):
        one stat each, the folder's part of the path made once for all of them (a year of cards
        asks this for every month's files)."""
        prefix = os.path.join(self.root, "")
        for sha256 in hashes:
            _check_sha256(sha256)
            if not os.path.isfile(prefix + sha256[:2] + os.sep + sha256):
                return False
        return True

    def verify(self, sha256: str, progress: ProgressCallback | None = None) -> bool:
        """True if the stored file is present and its content still hashes to ``sha256``."""
        path = self.path_for(sha256)
        try:
            actual, _size = hash_file(path, progress)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise translate_os_error(exc, path, "校验证据文件") from exc
        return actual == sha256

    def open(self, sha256: str) -> BinaryIO:
        path = self.path_for(sha256)
        try:
            return open(path, "rb")
        except FileNotFoundError as exc:
            name = self._catalog.evidence_name(sha256) if self._catalog is not None else None
            label = f"“{name}”" if name else ""
            raise WorkspaceError(
                f"证据文件{label}（SHA-256 {sha256[:12]}…）在工作区证据文件夹 {self.root} 中缺失。"
                "请从原始位置重新添加该文件，或从备份恢复证据文件夹。",
                kind=ErrorKind.EVIDENCE,
                path=path,
            ) from exc
        except OSError as exc:
            raise translate_os_error(exc, path, "打开证据文件") from exc

    def resolve(self, sha256: str, name: str = "") -> Path | None:
        """The stored file for ``sha256`` or None; fits services.EvidenceResolver."""
        path = self.path_for(sha256)
        return path if path.is_file() else None

    def add_file(
        self,
        source_path: Path | str,
        progress: ProgressCallback | None = None,
        cancel: CancelCallback | None = None,
    ) -> EvidenceRecord:
        """Copy ``source_path`` into the store (deduplicated by content) and record its name."""
        source = Path(source_path)
        if self._read_only:
            raise WorkspaceError(
                f"工作区以只读方式打开，不能添加证据文件 {source}。请以可写方式重新打开工作区后重试。",
                kind=ErrorKind.READ_ONLY,
                path=source,
            )
        try:
            reader = open(source, "rb")
        except OSError as exc:
            raise translate_os_error(exc, source, "添加证据文件") from exc

        temporary: Path | None = None
        try:
            with reader:
                try:
                    self.root.mkdir(parents=True, exist_ok=True)
                    fd, temp_name = tempfile.mkstemp(prefix=".incoming-", suffix=".part", dir=self.root)
                except OSError as exc:
                    raise translate_os_error(exc, source, "把证据文件存入工作区") from exc
                temporary = Path(temp_name)
                sha256, size, crc32 = self._copy(reader, fd, source, progress, cancel)
            final = self.path_for(sha256)
            try:
                already = final.is_file() and final.stat().st_size == size
                if already:
                    temporary.unlink()
                else:
                    # A same-named file of the wrong size is a damaged copy; the fresh one replaces it.
                    final.parent.mkdir(exist_ok=True)
                    os.replace(temporary, final)
                    _fsync_directory(final.parent)
            except OSError as exc:
                raise translate_os_error(exc, source, "把证据文件存入工作区") from exc
            temporary = None
        finally:
            if temporary is not None:
                temporary.unlink(missing_ok=True)

        if self._catalog is not None:
            self._catalog.record_evidence_file(
                sha256, size, final.relative_to(self.root).as_posix(), source.name, crc32
            )
        return EvidenceRecord(sha256=sha256, size=size, name=source.name, already_stored=already, crc32=crc32)

    @staticmethod
    def _copy(
        reader: BinaryIO,
        fd: int,
        source: Path,
        progress: ProgressCallback | None,
        cancel: CancelCallback | None,
    ) -> tuple[str, int, int]:
        """(sha256, size, CRC-32) of what was copied into ``fd``."""
        digest = hashlib.sha256()
        crc = 0
        done = 0
        # Unbuffered, so a failing write surfaces here and close() has nothing left to flush (a
        # buffered writer would raise a second, untranslated ENOSPC while closing).
        with os.fdopen(fd, "wb", buffering=0) as writer:
            try:
                total = os.fstat(reader.fileno()).st_size
                chunk = reader.read(CHUNK_SIZE)
            except OSError as exc:
                raise translate_os_error(exc, source, "读取证据文件") from exc
            while chunk:
                if cancel is not None and cancel():
                    raise EvidenceCancelled(
                        f"已取消添加证据文件 {source}，工作区中没有留下不完整的文件。需要时请重新添加。",
                        kind=ErrorKind.CANCELLED,
                        path=source,
                    )
                digest.update(chunk)
                crc = zlib.crc32(chunk, crc)
                try:
                    view = memoryview(chunk)
                    while view:
                        view = view[writer.write(view) or 0 :]
                except OSError as exc:
                    raise translate_os_error(exc, source, "把证据文件存入工作区") from exc
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
                try:
                    chunk = reader.read(CHUNK_SIZE)
                except OSError as exc:
                    raise translate_os_error(exc, source, "读取证据文件") from exc
            try:
                os.fsync(writer.fileno())
            except OSError as exc:
                raise translate_os_error(exc, source, "把证据文件存入工作区") from exc
        return digest.hexdigest(), done, crc
