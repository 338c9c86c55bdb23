"""Submission packages: build a signed ZIP of one filing and verify it without the workspace.

Layout inside the ZIP (ASCII names only, because older Windows unzip tools garble UTF-8 names;
Chinese titles travel in the manifest)::

    manifest.json            what is in the package, with size and SHA-256 of every file
    manifest.sig             Ed25519 signature of the exact manifest.json bytes (signed only)
    data.json, data.xlsx, report.pdf
    evidence/<first 16 hex of sha256>.<ext>

That is the order of the ZIP's directory, which is what a person opening it sees. In the file the
evidence comes first: it is copied while the export still renders the workbook and the report
(:class:`PackageWriter`), each byte read once and checked against the hash taken when the file was
attached; the manifest is written last, when every hash is known.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import hashlib
import json
import mmap
import os
import re
import secrets
import shutil
import sys
import threading
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import FileIO
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# Signing (cryptography, and keyring with what it imports) is loaded when the manifest is signed
# or a package verified, not at import: the export starts copying the evidence without waiting
# for it.

PACKAGE_FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
EVIDENCE_DIR = "evidence/"
CHUNK_SIZE = 1 << 20  # 1 MiB: large enough that per-call overhead vanishes, small enough to stay flat
# The evidence thread copies in large pieces: each read, hash, checksum and write of a piece hands
# the GIL to the caller's rendering and then waits to get it back (five waits a piece), so fewer,
# larger calls mean fewer waits. 8 MiB: 63 pieces for 500 MB instead of 125 at 4 MiB.
_STREAM_CHUNK = 8 << 20
# While it copies, a thread that wants the GIL back after a read, hash or write gets it within
# this many seconds, instead of Python's default 5 ms: with the caller rendering in Python the
# whole time, the default made the copy wait about twice as long as it worked. At 0.5 ms the
# waits were still ~0.4 s of a 500 MB export's 1.2 s copy; the rendering loses only a thread
# switch per wait. Restored when the copy ends.
_COPY_SWITCH_INTERVAL = 0.0001
# The package's own hash reads the written region back through a memory map in slices this large:
# no copy into a buffer and one GIL hand-over per slice.
_HASH_SLICE = 16 << 20
# Evidence that is not compressed already (text exports, raw bitmaps) is deflated (level 1).
_COMPRESSIBLE_EVIDENCE = frozenset({"txt", "csv", "tsv", "log", "xml", "json", "htm", "html", "bmp", "dat"})

# Keys build_package owns; a manifest_base that sets one of them is a programming error.
_RESERVED_KEYS = ("package_format_version", "created_at", "previous_package_sha256", "signing", "files")
_DEFAULT_ROLES = {"data.json": "data", "data.xlsx": "workbook", "report.pdf": "report"}
_ARCNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_EXT_RE = re.compile(r"^[a-z0-9]{1,10}$")
_MAX_MANIFEST_BYTES = 64 << 20  # a manifest lists files; anything this large is not ours

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class PackageError(Exception):
    """Export failed; ``str(exc)`` is a Chinese message saying what is wrong and what to do."""


class PackageCancelled(PackageError):
    """The user cancelled; nothing was written."""

    def __init__(self) -> None:
        super().__init__("已取消导出，没有生成任何文件。")


@dataclass(frozen=True)
class Member:
    """A package file given by the caller: bytes in memory or a file on disk."""

    arcname: str
    source: bytes | str | os.PathLike[str]
    role: str | None = None


@dataclass(frozen=True)
class EvidenceItem:
    """An evidence file as attached in the workspace (its hash was taken at attach time)."""

    sha256: str
    source: str | os.PathLike[str]
    original_name: str
    supports: str | Sequence[str]
    kind: str
    carried: Mapping[str, str] | None = None
    """Carried over from an earlier period on purpose: ``{"period", "reason"}`` (manifest shows it)."""
    crc32: int | None = None
    """The content's CRC-32 as taken when it was attached; None when not known (the writer then
    computes it). With it, the file's ZIP header is written once, before its bytes."""


@dataclass(frozen=True)
class PackageResult:
    path: Path
    sha256: str
    size: int
    file_count: int  # ZIP entries, manifest.json and manifest.sig included
    signed: bool
    learned_crc32: Mapping[str, int] = field(default_factory=dict)
    """CRC-32 per evidence SHA-256 the writer computed because it was not given or was wrong,
    each over bytes that matched that SHA-256: worth keeping for the next export."""


@dataclass(frozen=True)
class Problem:
    code: str
    path: str | None
    message: str
    severity: str = "error"  # "error" makes the package unacceptable; "warning" does not


@dataclass
class VerifyReport:
    path: Path
    ok: bool = False
    problems: list[Problem] = field(default_factory=list)
    signed: bool = False  # a valid signature was found
    fingerprint: str | None = None
    sha256: str | None = None  # of the package file itself, for the next package's chain
    manifest: dict[str, Any] | None = None
    previous_package_sha256: str | None = None
    previous_fingerprint: str | None = None  # the previous package's key, when a chain was checked
    key_change_accepted: bool = False  # a changed key was let through because a change was recorded

    @property
    def enterprise_uscc(self) -> str | None:
        enterprise = (self.manifest or {}).get("enterprise")
        uscc = enterprise.get("uscc") if isinstance(enterprise, dict) else None
        return uscc if isinstance(uscc, str) and uscc else None

    def add(self, code: str, path: str | None, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(code, path, message, severity))


# --------------------------------------------------------------------------------------------
# Building


@dataclass
class _Entry:
    arcname: str
    role: str
    size: int
    sha256: str
    compress: int
    data: bytes | None = None  # in-memory member
    source: Path | None = None  # streamed from disk
    label: str = ""  # how the user knows this file, for messages
    extra: dict[str, Any] = field(default_factory=dict)
    crc32: int | None = None  # known before the copy (evidence attached with it)

    def manifest_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "path": self.arcname,
            "size": self.size,
            "sha256": self.sha256,
            "role": self.role,
        }
        row.update(self.extra)
        return row


class _Tracker:
    """Progress and cancel, polled once per chunk (on the evidence thread while it copies)."""

    def __init__(
        self,
        total: int,
        progress: Progress | None,
        cancel: Cancel | None,
        stop: threading.Event | None = None,
    ) -> None:
        self.total = max(total, 1)
        self.done = 0
        self._progress = progress
        self._cancel = cancel
        self._stop = stop

    def check(self) -> None:
        if (self._stop is not None and self._stop.is_set()) or (self._cancel is not None and self._cancel()):
            raise PackageCancelled()

    def report(self) -> None:
        if self._progress is not None:
            self._progress(self.done, self.total)

    def set(self, done: int) -> None:
        self.done = max(self.done, min(done, self.total))
        self.report()

    def advance(self, n: int) -> None:
        self.done = min(self.done + n, self.total)
        self.report()
        self.check()


class _Share(_Tracker):
    """The rest of a parent's total, counted in bytes of its own: the members, whose size was
    only estimated when the parent's total was fixed (one total from start to end)."""

    def __init__(self, parent: _Tracker, total: int) -> None:
        super().__init__(total, None, parent._cancel, parent._stop)
        self._parent = parent
        self._base = parent.done
        self._span = parent.total - parent.done

    def report(self) -> None:
        self._parent.set(self._base + self._span * self.done // self.total)


def _validate_arcname(arcname: str) -> None:
    if (
        not _ARCNAME_RE.match(arcname)
        or ".." in arcname.split("/")
        or arcname in (MANIFEST_NAME, SIGNATURE_NAME)
        or arcname.startswith(EVIDENCE_DIR)
    ):
        raise ValueError(f"invalid package member name {arcname!r}")


def _evidence_ext(item: EvidenceItem) -> str:
    for name in (item.original_name, os.fspath(item.source)):
        ext = Path(name).suffix.lower().lstrip(".")
        if _EXT_RE.match(ext):
            return ext
    return "bin"


def _supports_list(supports: str | Sequence[str]) -> list[str]:
    return [supports] if isinstance(supports, str) else list(supports)


def _hash_file(path: Path, label: str) -> str:
    h = hashlib.sha256()
    buf = bytearray(CHUNK_SIZE)
    view = memoryview(buf)
    try:
        with open(path, "rb", buffering=0) as f:
            while n := f.readinto(buf):
                h.update(view[:n])
    except OSError as exc:
        raise _source_error(label, path, exc, evidence=False) from exc
    return h.hexdigest()


def _source_error(label: str, path: Path, exc: OSError, evidence: bool = True) -> PackageError:
    if not evidence:
        # Members are generated by the export itself moments earlier: losing one is not the
        # user's doing, so the fix is to export again rather than to re-attach anything.
        return PackageError(
            f"导出过程中生成的文件“{label}”无法读取（位置：{path}，原因：{exc.strerror or exc}）。"
            "可能被安全软件拦截或临时文件夹被清理。请重新导出；如果反复出现，请检查安全软件设置。"
        )
    if isinstance(exc, FileNotFoundError):
        return PackageError(
            f"证据文件“{label}”已找不到（原位置：{path}）。它可能已被移动、改名或删除。"
            "请在证据面板中重新附加该文件，然后再导出。"
        )
    return PackageError(
        f"无法读取证据文件“{label}”（位置：{path}，原因：{exc.strerror or exc}）。"
        "请确认文件没有被其他程序占用、所在的 U 盘或网络盘仍然连接，然后重试；必要时重新附加该文件。"
    )


def _changed_error(label: str, path: Path) -> PackageError:
    return PackageError(
        f"证据文件“{label}”在附加之后被修改过（位置：{path}），内容与附加时记录的校验值不一致。"
        "请在证据面板中重新附加该文件（确认是正确的版本），然后再导出。"
    )


def _stat_size(path: Path, label: str, evidence: bool) -> int:
    try:
        st = path.stat()
    except OSError as exc:
        raise _source_error(label, path, exc, evidence) from exc
    if not path.is_file():
        raise PackageError(
            f"“{label}”（位置：{path}）不是一个普通文件，无法放入提交包。请重新附加正确的文件。"
        )
    return st.st_size


def _member_entries(members: list[Member]) -> list[_Entry]:
    entries: list[_Entry] = []
    seen: set[str] = set()
    for m in members:
        _validate_arcname(m.arcname)
        if m.arcname in seen:
            raise ValueError(f"duplicate package member {m.arcname!r}")
        seen.add(m.arcname)
        role = m.role or _DEFAULT_ROLES.get(m.arcname, "attachment")
        if isinstance(m.source, bytes | bytearray | memoryview):
            data = bytes(m.source)
            entries.append(
                _Entry(
                    m.arcname,
                    role,
                    len(data),
                    hashlib.sha256(data).hexdigest(),
                    zipfile.ZIP_DEFLATED,
                    data=data,
                )
            )
        else:
            path = Path(m.source)
            size = _stat_size(path, m.arcname, evidence=False)
            # Generated files are small; hashing them before they are packed lets the manifest
            # list them (the manifest is written after them, before the central directory).
            entries.append(
                _Entry(
                    m.arcname,
                    role,
                    size,
                    _hash_file(path, m.arcname),
                    zipfile.ZIP_DEFLATED,
                    source=path,
                    label=m.arcname,
                )
            )
    return entries


def _evidence_compression(ext: str) -> int:
    """Scans, photos, PDFs, archives and Office files are compressed already: storing them costs
    no space and keeps the export at the speed of reading. Plain text and raw images shrink."""
    return zipfile.ZIP_DEFLATED if ext in _COMPRESSIBLE_EVIDENCE else zipfile.ZIP_STORED


def _known_crc32(value: object) -> int | None:
    return value if isinstance(value, int) and 0 <= value <= 0xFFFFFFFF else None


def _evidence_entries(evidence: list[EvidenceItem]) -> list[_Entry]:
    entries: list[_Entry] = []
    by_sha: dict[str, _Entry] = {}
    prefix_owner: dict[str, str] = {}
    for item in evidence:
        sha = item.sha256.lower()
        if not _SHA256_RE.match(sha):
            raise ValueError(f"evidence {item.original_name!r}: sha256 must be 64 hex digits")
        supports = _supports_list(item.supports)
        if sha in by_sha:
            # Same content attached twice (e.g. one invoice for two fields): store it once.
            rows = by_sha[sha].extra["supports"]
            rows.extend(s for s in supports if s not in rows)
            continue
        path = Path(item.source)
        size = _stat_size(path, item.original_name, evidence=True)
        prefix = sha[:16]
        # Two different files sharing 64 bits of hash is practically impossible, but if it ever
        # happens the full hash keeps the names distinct rather than silently overwriting.
        stem = prefix if prefix_owner.setdefault(prefix, sha) == sha else sha
        ext = _evidence_ext(item)
        entry = _Entry(
            f"{EVIDENCE_DIR}{stem}.{ext}",
            "evidence",
            size,
            sha,
            _evidence_compression(ext),
            source=path,
            label=item.original_name,
            extra={"original_name": item.original_name, "supports": supports, "kind": item.kind}
            | ({"carried": dict(item.carried)} if item.carried else {}),
            crc32=_known_crc32(item.crc32),
        )
        by_sha[sha] = entry
        entries.append(entry)
    return entries


def _manifest_bytes(
    manifest_base: dict[str, Any],
    entries: list[_Entry],
    previous_package_sha256: str | None,
    key: Ed25519PrivateKey | None,
    created_at: datetime,
) -> bytes:
    clash = [k for k in _RESERVED_KEYS if k in manifest_base]
    if clash:
        raise ValueError(f"manifest_base must not set {clash}; build_package fills them")
    signing_block: dict[str, str] | None = None
    if key is not None:
        from cets_desktop.security import signing

        pub = signing.public_key_bytes(key)
        signing_block = {
            "algorithm": signing.ALGORITHM,
            "public_key": base64.b64encode(pub).decode("ascii"),
            "fingerprint": signing.fingerprint(pub),
        }
    manifest = {
        "package_format_version": PACKAGE_FORMAT_VERSION,
        **manifest_base,
        "created_at": created_at.isoformat(timespec="seconds"),
        "previous_package_sha256": previous_package_sha256,
        "signing": signing_block,
        "files": [e.manifest_row() for e in entries],
    }
    # ensure_ascii=False keeps Chinese names readable; the signature covers these exact bytes.
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _zipinfo(
    arcname: str, compress: int, size: int, when: tuple[int, int, int, int, int, int]
) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(arcname, date_time=when)
    info.compress_type = compress
    info.file_size = size  # lets zipfile decide on ZIP64 before the header is written
    info.external_attr = 0o644 << 16
    return info


def _open_source(entry: _Entry) -> FileIO:
    assert entry.source is not None
    try:
        return open(entry.source, "rb", buffering=0)
    except OSError as exc:
        raise _source_error(entry.label, entry.source, exc, entry.role == "evidence") from exc


def _pieces(entry: _Entry, src: FileIO, buf: bytearray) -> Iterator[memoryview]:
    """``src``'s bytes, read into ``buf`` a piece at a time; a file that grew past its attached
    size since is reported as changed there, without copying the rest."""
    assert entry.source is not None
    view = memoryview(buf)
    read = 0
    while True:
        try:
            n = src.readinto(buf)
        except OSError as exc:
            raise _source_error(entry.label, entry.source, exc, entry.role == "evidence") from exc
        if not n:
            return
        read += n
        if read > entry.size:
            raise _changed(entry)
        yield view[:n]


def _changed(entry: _Entry) -> PackageError:
    assert entry.source is not None
    if entry.role == "evidence":
        return _changed_error(entry.label, entry.source)
    return PackageError(
        f"文件“{entry.label}”在导出过程中被其他程序修改了（位置：{entry.source}）。请重新导出。"
    )


def _check_copied(entry: _Entry, read: int, h: Any) -> None:
    """A copied file is the attached one: its size and SHA-256 as when it was attached."""
    if read != entry.size or h.hexdigest() != entry.sha256:
        raise _changed(entry)


def _stream_entry(
    zf: zipfile.ZipFile,
    entry: _Entry,
    info: zipfile.ZipInfo,
    tracker: _Tracker,
    buf: bytearray,
    written: Callable[[int], None] | None = None,
) -> None:
    """Copy one file into the ZIP, hashing it on the way: the one read of its bytes."""
    h = hashlib.sha256()
    read = 0
    with _open_source(entry) as src, zf.open(info, "w") as dst:
        for chunk in _pieces(entry, src, buf):
            read += len(chunk)
            h.update(chunk)
            dst.write(chunk)
            if written is not None:
                written(len(chunk))
            tracker.advance(len(chunk))
    _check_copied(entry, read, h)


class _NoHash:
    """Takes bytes and forgets them: the package hash of a region that will be read back."""

    def update(self, data: object) -> None:
        pass


_NO_HASH = _NoHash()


def _local_header(info: zipfile.ZipInfo) -> bytes:
    """The entry's local header as zipfile writes it: ZIP64 fields when the size, allowing
    zipfile's 5 % for compression growth, could pass the 4 GiB limit."""
    return info.FileHeader(info.file_size * 1.05 > zipfile.ZIP64_LIMIT)


def _writes_once(entry: _Entry) -> bool:
    """Stored as it is, with its CRC-32 known: its header can be final before its bytes."""
    return entry.compress == zipfile.ZIP_STORED and entry.crc32 is not None


def _copy_known(
    fobj: IO[bytes],
    entry: _Entry,
    info: zipfile.ZipInfo,
    tracker: _Tracker,
    buf: bytearray,
    written: Callable[[int], None],
    package_hash: Any,
) -> int:
    """Copy one STORED file whose CRC-32 is known, its local header first and final, feeding
    every byte written into ``package_hash`` as it goes; returns the CRC-32 of what was copied.

    The header is the very one zipfile writes for the entry (ZIP64 by zipfile's own rule), so
    the ZIP is the same bytes as one zipfile streamed. The CRC is checked too: if the one given
    was wrong, the caller rewrites the header and hashes the written evidence again.
    """
    assert entry.crc32 is not None
    info.CRC = entry.crc32
    info.compress_size = info.file_size = entry.size
    info.flag_bits = 0
    info.header_offset = fobj.tell()
    header = _local_header(info)
    h = hashlib.sha256()
    crc = 0
    read = 0
    with _open_source(entry) as src:
        fobj.write(header)
        package_hash.update(header)
        for chunk in _pieces(entry, src, buf):
            read += len(chunk)
            h.update(chunk)
            crc = zlib.crc32(chunk, crc)
            fobj.write(chunk)
            package_hash.update(chunk)
            written(len(chunk))
            tracker.advance(2 * len(chunk))  # copied and, in the same pass, hashed for the package
    _check_copied(entry, read, h)
    return crc


def _dest_error(folder: Path, exc: OSError) -> PackageError:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return PackageError(
            f"文件夹“{folder}”所在的磁盘空间不足，提交包没有写完，已删除未完成的文件。"
            "请清理磁盘空间或另选一个保存位置后重试。"
        )
    return PackageError(
        f"无法在文件夹“{folder}”中写入提交包（原因：{exc.strerror or exc}）。"
        "请确认该文件夹存在且可写（只读 U 盘、光盘、无写权限的网络盘或被安全软件拦截都会这样），"
        "或另选一个保存位置。没有生成任何文件。"
    )


def _create_temp(folder: Path, name: str) -> tuple[IO[bytes], Path]:
    """A new file next to the destination, created with the user's default permissions.

    Same folder, so the final os.replace is a rename on one file system (atomic); not
    tempfile.mkstemp, whose 0600 mode would make the delivered package unreadable to others.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = folder / f".{name}.{secrets.token_hex(4)}.part"
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _dest_error(folder, exc) from exc
        return os.fdopen(fd, "wb"), tmp


def _hash_region(
    tmp: Path, start: int, end: int | None, h: Any, tracker: _Tracker | None, buf: bytearray
) -> None:
    """Feed bytes ``start``..``end`` (None: to the end) of the written ZIP into ``h``.

    The ZIP cannot be hashed as it is written because zipfile goes back to fill in each local
    header's CRC once the entry's data is through. The alternative, data descriptors, would allow
    one pass but produces STORED entries that streaming readers such as Java's ZipInputStream
    reject, and we do not know what the receiving side uses. So each finished region is read back
    from the page cache, on the evidence thread while the caller is still rendering.
    """
    with open(tmp, "rb", buffering=0) as f:
        stop = os.fstat(f.fileno()).st_size if end is None else end
        if stop - start >= _HASH_SLICE:
            _hash_mapped(f, start, stop, h, tracker)
            return
        view = memoryview(buf)
        f.seek(start)
        left = None if end is None else end - start
        while left is None or left > 0:
            n = f.readinto(buf if left is None or left >= len(buf) else view[:left])
            if not n:
                break
            h.update(view[:n])
            if left is not None:
                left -= n
            if tracker is not None:
                tracker.advance(n)


def _hash_mapped(f: IO[bytes], start: int, stop: int, h: Any, tracker: _Tracker | None) -> None:
    """``_hash_region`` for a large region: hashed straight from the page cache, one mapped slice
    at a time (each unmapped before the next, so the mapped pages never add up in memory)."""
    pos = start
    while pos < stop:
        base = pos - pos % mmap.ALLOCATIONGRANULARITY
        n = min(_HASH_SLICE - (pos - base), stop - pos)
        with mmap.mmap(f.fileno(), pos - base + n, access=mmap.ACCESS_READ, offset=base) as mapped:
            with memoryview(mapped) as view:  # released before the map closes
                h.update(view[pos - base :])
        pos += n
        if tracker is not None:
            tracker.advance(n)


def _replace(tmp: Path, out: Path) -> None:
    """os.replace, retried briefly on Windows where a virus scanner or the search indexer often
    holds a just-closed file for a moment (PermissionError), which is not the user's problem."""
    attempts = 10 if os.name == "nt" else 1
    for attempt in range(attempts):
        try:
            os.replace(tmp, out)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows commits the rename with the file; directories cannot be opened this way
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _check_destination(out: Path) -> Path:
    folder = out.parent
    if not folder.is_dir():
        raise PackageError(
            f"保存位置“{folder}”不存在或不是文件夹，无法写入提交包。请另选一个已存在的文件夹。"
        )
    if out.is_dir():
        raise PackageError(f"“{out}”是一个文件夹，不能用提交包覆盖它。请换一个文件名。")
    return folder


def _check_free_space(folder: Path, needed: int) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # unknown; a real shortage still surfaces as ENOSPC while writing
    if free < needed:
        raise PackageError(
            f"文件夹“{folder}”所在的磁盘空间不足：提交包约需 {_human(needed)}，只剩 {_human(free)}。"
            "请清理磁盘空间或另选一个保存位置。"
        )


def _human(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def _needed_space(content: int, entries: int) -> int:
    # Deflate never grows data by more than ~0.1%; headers are a few hundred bytes per entry.
    return content + content // 500 + 1024 * (entries + 8)


def _datasync(fd: int) -> None:
    (getattr(os, "fdatasync", None) or os.fsync)(fd)  # Windows has no fdatasync


class _Flusher:
    """Sends the package's written pages to the disk on a thread of its own while the copy goes
    on, so the disk works while the CPU hashes and the final fsync has little left to do."""

    EVERY = 64 << 20

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._pending = 0
        self._wanted = threading.Event()
        self._closing = False
        self.error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="cets-package-flush", daemon=True)
        self._thread.start()

    def written(self, n: int) -> None:
        self._pending += n
        if self._pending >= self.EVERY:
            self._pending = 0
            self._wanted.set()

    def flush_now(self) -> None:
        self._wanted.set()

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            if self._closing:
                return
            try:
                _datasync(self._fd)
            except OSError as exc:
                self.error = exc  # the final fsync reports it (or the same failure) in order
                return

    def close(self) -> None:
        self._closing = True
        self._wanted.set()
        self._thread.join()


class PackageWriter:
    """A package being written: the evidence goes first, the generated files and manifest last.

    Creating the writer starts copying the evidence into a temporary ZIP beside ``out_path`` on a
    background thread — each file read once, its SHA-256 checked against the hash taken when it
    was attached, the finished region hashed for the package's own SHA-256 and fsynced — so the
    caller can render data.xlsx and report.pdf meanwhile (reading, hashing and writing release
    the GIL). :meth:`finish` then adds the members, the manifest and its signature, and renames
    the ZIP into place; :meth:`abort` (or any failure) removes the temporary file, so a package
    under the real name is always complete. Stored evidence that changed or went missing since
    it was attached fails the export with a Chinese message naming the file.

    Inside the ZIP the central directory lists manifest.json and manifest.sig first, so a person
    opening it sees them first, whatever their position in the file.
    """

    def __init__(
        self,
        out_path: str | os.PathLike[str],
        evidence: list[EvidenceItem],
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
        members_size_hint: int = 1 << 20,
    ) -> None:
        self.out = Path(out_path).absolute()
        self.folder = _check_destination(self.out)
        self._evidence = _evidence_entries(evidence)
        evidence_bytes = sum(e.size for e in self._evidence)
        self._members_span = max(members_size_hint, 1)
        _check_free_space(
            self.folder, _needed_space(evidence_bytes + self._members_span, len(self._evidence))
        )
        # Progress counts bytes: each evidence byte copied, and hashed for the package (in the
        # same pass, or read back); the members (an estimate until finish) share the rest.
        self._stop = threading.Event()
        self._tracker = _Tracker(2 * evidence_bytes + self._members_span, progress, cancel, self._stop)
        self._tracker.check()
        self._now = datetime.now(UTC)
        self._stamp = self._now.astimezone().timetuple()[:6]
        self._error: BaseException | None = None
        self._evidence_end = 0
        self._hashed_end = 0  # the package hash has taken every byte before this offset
        self._hash = hashlib.sha256()
        self._learned: dict[str, int] = {}
        self._done = False
        # Made on the evidence thread once the files with known CRCs are written, so that they
        # are in the ZIP before zipfile writes anything (see _copy_evidence).
        self._zf: zipfile.ZipFile | None = None
        self._known_infos: list[zipfile.ZipInfo] = []
        self._fobj, self._tmp = _create_temp(self.folder, self.out.name)
        self._thread = threading.Thread(target=self._copy_evidence, name="cets-package-evidence", daemon=True)
        self._thread.start()

    # ---- the evidence thread

    def _copy_evidence(self) -> None:
        flusher: _Flusher | None = None
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, _COPY_SWITCH_INTERVAL))
        try:
            buf = bytearray(_STREAM_CHUNK)
            flusher = _Flusher(self._fobj.fileno())
            once = [e for e in self._evidence if _writes_once(e)]
            self._write_known(once, buf, flusher.written)
            zf = self._zf = zipfile.ZipFile(self._fobj, "w", allowZip64=True)
            for info in self._known_infos:
                zf.filelist.append(info)
                zf.NameToInfo[info.filename] = info
            for entry in self._evidence:
                if _writes_once(entry):
                    continue
                info = _zipinfo(entry.arcname, entry.compress, entry.size, self._stamp)
                if entry.compress == zipfile.ZIP_DEFLATED:
                    info._compresslevel = 1  # type: ignore[attr-defined]  # text evidence: fast, still small
                _stream_entry(zf, entry, info, self._tracker, buf, flusher.written)
                self._learned[entry.sha256] = info.CRC
            self._fobj.flush()
            self._evidence_end = self._fobj.tell()
            flusher.flush_now()  # the disk takes the rest while the region is hashed
            if self._hashed_end < self._evidence_end:
                _hash_region(self._tmp, self._hashed_end, self._evidence_end, self._hash, self._tracker, buf)
                self._hashed_end = self._evidence_end
            flusher.close()
            flusher = None
            # The bulk of the package is on the disk now, while the caller is still rendering.
            os.fsync(self._fobj.fileno())
        except OSError as exc:
            self._error = _dest_error(self.folder, exc)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread in finish()
            self._error = exc
        finally:
            if flusher is not None:
                flusher.close()
            if sys.getswitchinterval() == min(interval, _COPY_SWITCH_INTERVAL):
                sys.setswitchinterval(interval)  # unless someone else changed it meanwhile

    def _write_known(self, entries: list[_Entry], buf: bytearray, written: Callable[[int], None]) -> None:
        """The evidence whose CRC-32 is known goes first, each header written once, and the
        package hash is taken as it is written: no read-back of these bytes. Should a known CRC
        turn out wrong, its header is corrected and the package hash is taken again over the
        written evidence, read back (_copy_evidence)."""
        live = True
        for entry in entries:
            info = _zipinfo(entry.arcname, entry.compress, entry.size, self._stamp)
            package_hash = self._hash if live else _NO_HASH
            crc = _copy_known(self._fobj, entry, info, self._tracker, buf, written, package_hash)
            if crc != entry.crc32:
                end = self._fobj.tell()
                info.CRC = crc
                self._fobj.seek(info.header_offset)
                self._fobj.write(_local_header(info))
                self._fobj.seek(end)
                self._learned[entry.sha256] = crc
                live = False
            self._known_infos.append(info)
        if live:
            self._hashed_end = self._fobj.tell()
        else:  # a rare repair: the evidence written so far is hashed again from the file
            self._hash = hashlib.sha256()
            self._hashed_end = 0

    def _join(self) -> None:
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            self.abort()
            raise error

    # ---- the caller's thread

    def finish(
        self,
        *,
        manifest_base: dict[str, Any],
        members: list[Member],
        previous_package_sha256: str | None,
        sign: bool = True,
        key: Ed25519PrivateKey | None = None,
    ) -> PackageResult:
        """Add ``members`` and the manifest (signed with ``key``, or the installation key when
        ``sign`` and no key is given), then rename the ZIP into place.

        A keyring that cannot give the key raises SigningKeyError before anything is added; the
        writer stays usable, so the caller may then finish unsigned (``sign=False``).
        """
        if self._done:
            raise RuntimeError("package already finished or aborted")
        if previous_package_sha256 is not None:
            previous_package_sha256 = previous_package_sha256.lower()
            if not _SHA256_RE.match(previous_package_sha256):
                raise ValueError("previous_package_sha256 must be 64 hex digits")
        from cets_desktop.security import signing

        if sign and key is None:
            from cets_desktop.security.keys import load_or_create_signing_key

            key = load_or_create_signing_key()
        elif not sign:
            key = None
        try:
            member_entries = _member_entries(members)
            self._join()
            manifest = _manifest_bytes(
                manifest_base, member_entries + self._evidence, previous_package_sha256, key, self._now
            )
            signature = signing.sign(manifest, key) if key is not None else None
            member_bytes = sum(e.size for e in member_entries) + len(manifest)
            _check_free_space(self.folder, _needed_space(member_bytes, len(member_entries)))
            tracker = self._tracker
            try:
                count = self._write_rest(member_entries, manifest, signature, _Share(tracker, member_bytes))
                self._fobj.flush()
                # Data on disk before the rename, so a crash never leaves a truncated package
                # under the real name (architecture: nothing typed is ever lost).
                os.fsync(self._fobj.fileno())
                self._fobj.close()
                size = self._tmp.stat().st_size
                _hash_region(self._tmp, self._evidence_end, None, self._hash, None, bytearray(CHUNK_SIZE))
            except OSError as exc:
                raise _dest_error(self.folder, exc) from exc
            tracker.check()
            try:
                _replace(self._tmp, self.out)
            except OSError as exc:
                raise PackageError(
                    f"无法用新的提交包替换文件“{self.out}”（原因：{exc.strerror or exc}）。"
                    "它可能正被其他程序（如解压软件、邮件客户端、杀毒软件）打开或被设为只读。"
                    "请关闭相关程序后重试，或换一个文件名保存。原有文件没有被改动。"
                ) from exc
        except BaseException:
            self.abort()
            raise
        self._done = True
        _fsync_dir(self.folder)
        tracker.set(tracker.total)
        return PackageResult(
            self.out, self._hash.hexdigest(), size, count, key is not None, dict(self._learned)
        )

    def _write_rest(
        self, members: list[_Entry], manifest: bytes, signature: bytes | None, tracker: _Tracker
    ) -> int:
        zf = self._zf
        assert zf is not None  # made by the evidence thread, which finished without an error
        buf = bytearray(CHUNK_SIZE)
        first: list[zipfile.ZipInfo] = []
        try:
            for entry in members:
                info = _zipinfo(entry.arcname, entry.compress, entry.size, self._stamp)
                if entry.data is not None:
                    zf.writestr(info, entry.data)
                    tracker.advance(entry.size)
                else:
                    _stream_entry(zf, entry, info, tracker, buf)
            zf.writestr(_zipinfo(MANIFEST_NAME, zipfile.ZIP_DEFLATED, len(manifest), self._stamp), manifest)
            first.append(zf.filelist[-1])
            tracker.advance(len(manifest))
            if signature is not None:
                zf.writestr(
                    _zipinfo(SIGNATURE_NAME, zipfile.ZIP_STORED, len(signature), self._stamp), signature
                )
                first.append(zf.filelist[-1])
            # Directory order: manifest, signature, generated files, evidence (in the order given,
            # whichever of them went into the file first).
            rest = [i for i in zf.filelist if all(i is not f for f in first)]
            order = {e.arcname: n for n, e in enumerate(self._evidence)}
            evidence_infos = sorted(rest[: len(self._evidence)], key=lambda i: order[i.filename])
            zf.filelist[:] = first + rest[len(self._evidence) :] + evidence_infos
        except BaseException:
            # The file is discarded; closing only stops ZipFile.__del__ from writing to it later,
            # and must not replace the real error (cancel, disk full) with its own.
            with contextlib.suppress(Exception):
                zf.close()
            raise
        zf.close()
        return len(zf.filelist)

    def abort(self) -> None:
        """Stop copying and remove the temporary file; nothing is left behind. Idempotent."""
        if self._done:
            return
        self._done = True
        self._stop.set()
        self._thread.join()
        if self._zf is not None:
            with contextlib.suppress(Exception):
                self._zf.close()
        self._discard()

    def _discard(self) -> None:
        with contextlib.suppress(Exception):
            self._fobj.close()
        with contextlib.suppress(OSError):
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> PackageWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abort()


def build_package(
    out_path: str | os.PathLike[str],
    *,
    manifest_base: dict[str, Any],
    members: list[Member],
    evidence: list[EvidenceItem],
    previous_package_sha256: str | None,
    sign: bool = True,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> PackageResult:
    """Write the package atomically to ``out_path`` (a :class:`PackageWriter` finished at once).

    With ``sign`` the installation key is loaded from the keyring first, so a missing keyring
    (KeyringUnavailable) fails before anything is written; the caller may then offer an unsigned
    draft (``sign=False``). ``progress(done, total)`` counts bytes. ``cancel()`` returning True
    aborts and removes the partial file. Raises PackageError (PackageCancelled on cancel) with a
    Chinese message.
    """
    if previous_package_sha256 is not None and not _SHA256_RE.match(previous_package_sha256.lower()):
        raise ValueError("previous_package_sha256 must be 64 hex digits")
    _member_entries(members)  # a bad member name is a programming error: before anything is written
    from cets_desktop.security.keys import load_or_create_signing_key

    key = load_or_create_signing_key() if sign else None
    size_hint = sum(
        len(m.source) if isinstance(m.source, bytes | bytearray | memoryview) else _safe_size(m.source)
        for m in members
    )
    with PackageWriter(
        out_path, evidence, progress=progress, cancel=cancel, members_size_hint=size_hint + 4096
    ) as writer:
        return writer.finish(
            manifest_base=manifest_base,
            members=members,
            previous_package_sha256=previous_package_sha256,
            sign=sign,
            key=key,
        )


def _safe_size(source: str | os.PathLike[str]) -> int:
    try:
        return os.stat(source).st_size
    except OSError:
        return 0


# --------------------------------------------------------------------------------------------
# Verifying


class KeyTrust(Protocol):
    """What the verifier already knows about enterprises' signing keys (e.g. from a workspace)."""

    def expected_fingerprint(self, uscc: str | None) -> str | None:
        """The fingerprint this enterprise's packages must carry, or None if none is known."""

    def key_change_recorded(self, uscc: str | None, old: str, new: str) -> bool:
        """True if the user recorded that this enterprise's key changed from ``old`` to ``new``."""


_FINGERPRINT_RE = re.compile(r"^[0-9a-f]{16}$")
# Characters that make a name display differently from what it is (Trojan Source, CVE-2021-42574):
# bidirectional embeddings, overrides and isolates, and the invisible direction marks.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def normalize_fingerprint(text: str) -> str | None:
    """``"1A2B 3C4D:…"`` → ``"1a2b3c4d…"``; None unless it is a 16-hex-digit key fingerprint."""
    cleaned = re.sub(r"[\s:-]", "", text or "").lower()
    return cleaned if _FINGERPRINT_RE.match(cleaned) else None


def unsafe_name_reason(name: str) -> str | None:
    """Why a member name is unsafe to unpack (Chinese), or None. Checked on every ZIP entry and
    every manifest path, whether or not the manifest lists it consistently: an unzip tool writes
    what the ZIP says, and ``../`` or ``C:`` or a backslash lands outside the target folder on
    Windows; direction-override characters make ``report‮fdp.exe`` look like ``reportexe.pdf``."""
    if not name:
        return "文件名为空"
    if "\x00" in name or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        return "文件名含控制字符"
    if any(ch in _BIDI_CONTROLS for ch in name):
        return "文件名含改变文字显示方向的不可见字符（可把真实扩展名伪装成别的）"
    if "\\" in name:
        return "文件名含反斜杠（在 Windows 上解压时会被当作文件夹分隔符）"
    if name.startswith("/"):
        return "文件名是绝对路径（解压时会写到目标文件夹之外）"
    if _DRIVE_RE.match(name):
        return "文件名带盘符（解压时会写到目标文件夹之外）"
    parts = name.split("/")
    if any(part in ("..", ".") for part in parts):
        return "文件名含 “..” 或 “.” 路径段（解压时会写到目标文件夹之外）"
    if any(part == "" for part in parts[:-1]) or parts[-1] == "":
        return "文件名含空的路径段"
    if any(part.rstrip(" .") != part for part in parts):
        return "文件名以空格或句点结尾（Windows 会悄悄改名）"
    return None


def _check_names(infos: list[zipfile.ZipInfo], manifest_rows: list[Any], report: VerifyReport) -> set[str]:
    """Report every unsafe name; returns the names that are unsafe (their content is not read)."""
    unsafe: set[str] = set()
    seen: set[str] = set()
    for info in infos:
        for name in dict.fromkeys((info.filename, info.orig_filename)):
            reason = unsafe_name_reason(name)
            if reason and name not in seen:
                seen.add(name)
                unsafe.add(info.filename)
                report.add(
                    "PKG-UNSAFE-NAME",
                    ascii(name)[1:-1],
                    f"提交包中的文件名“{ascii(name)[1:-1]}”不安全：{reason}。该提交包不可信，请勿解压，"
                    "请向发送方重新索取。",
                )
    for row in manifest_rows:
        path = row.get("path") if isinstance(row, dict) else None
        if isinstance(path, str) and path not in seen:
            reason = unsafe_name_reason(path)
            if reason:
                seen.add(path)
                unsafe.add(path)
                report.add(
                    "PKG-UNSAFE-NAME",
                    ascii(path)[1:-1],
                    f"清单中的文件名“{ascii(path)[1:-1]}”不安全：{reason}。该提交包不可信。",
                )
    folded = Counter(i.filename.casefold() for i in infos)
    for name in sorted({i.filename for i in infos if folded[i.filename.casefold()] > 1}):
        if sum(1 for i in infos if i.filename == name) == 1:  # exact duplicates are reported elsewhere
            report.add(
                "PKG-DUPLICATE",
                name,
                f"提交包中有只差大小写的同名文件 {name}，在 Windows 上解压会互相覆盖。该提交包不可信。",
            )
    return unsafe


def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    buf = bytearray(CHUNK_SIZE)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as f:
        while n := f.readinto(buf):
            h.update(view[:n])
    return h.hexdigest()


def _open_zip(path: Path, report: VerifyReport) -> zipfile.ZipFile | None:
    if not path.is_file():
        report.add("PKG-OPEN", None, f"找不到提交包文件“{path}”。请确认路径是否正确。")
        return None
    try:
        report.sha256 = _sha256_of(path)
        return zipfile.ZipFile(path)
    except OSError as exc:
        report.add(
            "PKG-OPEN",
            None,
            f"无法读取提交包文件“{path}”（原因：{exc.strerror or exc}）。请确认文件未被占用后重试。",
        )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        with open(path, "rb") as f:
            head = f.read(4)
        if head == b"PK\x03\x04":
            report.add(
                "PKG-DAMAGED",
                None,
                f"“{path.name}”是 ZIP 文件但已损坏或不完整（可能下载或拷贝中断）。请向发送方重新索取完整的提交包。",
            )
        else:
            report.add(
                "PKG-NOT-ZIP",
                None,
                f"“{path.name}”不是 ZIP 格式的提交包。请确认选择的是导出的 .zip 提交包文件。",
            )
    return None


def _read_manifest(zf: zipfile.ZipFile, report: VerifyReport) -> tuple[dict[str, Any], bytes] | None:
    try:
        info = zf.getinfo(MANIFEST_NAME)
    except KeyError:
        report.add(
            "PKG-MANIFEST",
            MANIFEST_NAME,
            "提交包中缺少清单文件 manifest.json，无法核对内容。请向发送方重新索取提交包。",
        )
        return None
    try:
        if info.file_size > _MAX_MANIFEST_BYTES:
            raise ValueError("manifest too large")
        raw = zf.read(info)
        manifest = json.loads(raw.decode("utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
            raise ValueError("manifest is not an object with a files list")
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        UnicodeDecodeError,
        RecursionError,
    ):
        report.add(
            "PKG-MANIFEST",
            MANIFEST_NAME,
            "清单文件 manifest.json 已损坏或格式不正确，无法核对内容。请向发送方重新索取提交包。",
        )
        return None
    return manifest, raw


def _valid_row(row: Any) -> bool:
    return (
        isinstance(row, dict)
        and isinstance(row.get("path"), str)
        and isinstance(row.get("size"), int)
        and not isinstance(row.get("size"), bool)
        and row["size"] >= 0
        and isinstance(row.get("sha256"), str)
        and bool(_SHA256_RE.match(row["sha256"]))
    )


def _label(row: dict[str, Any]) -> str:
    original = row.get("original_name")
    return f"{row['path']}（{original}）" if isinstance(original, str) and original else row["path"]


def _check_member(zf: zipfile.ZipFile, row: dict[str, Any], report: VerifyReport) -> None:
    path, size, label = row["path"], row["size"], _label(row)
    info = zf.getinfo(path)
    if info.file_size != size:
        report.add(
            "PKG-SIZE",
            path,
            f"文件 {label} 的大小（{info.file_size} 字节）与清单记录（{size} 字节）不一致，内容已被改动。",
        )
        return
    h = hashlib.sha256()
    read = 0
    try:
        with zf.open(info) as f:
            while chunk := f.read(CHUNK_SIZE):
                read += len(chunk)
                if read > size:
                    break  # never decompress past what the manifest promised
                h.update(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError):
        report.add(
            "PKG-HASH",
            path,
            f"文件 {label} 的数据已损坏（ZIP 校验失败），内容与清单记录不符。请向发送方重新索取提交包。",
        )
        return
    if read != size:
        report.add(
            "PKG-SIZE", path, f"文件 {label} 的实际大小与清单记录（{size} 字节）不一致，内容已被改动。"
        )
    elif h.hexdigest() != row["sha256"]:
        report.add(
            "PKG-HASH",
            path,
            f"文件 {label} 的 SHA-256 校验值与清单记录不一致，内容在打包后被改动过。请向发送方重新索取提交包。",
        )


def _check_signature(
    zf: zipfile.ZipFile,
    manifest: dict[str, Any],
    raw: bytes,
    names: set[str],
    report: VerifyReport,
    require_signature: bool,
) -> None:
    from cets_desktop.security import signing

    block = manifest.get("signing")
    if block is None:
        report.add(
            "PKG-UNSIGNED",
            None,
            "提交包未签名（导出时系统密钥库不可用，只能作为草稿），无法证明它来自哪台电脑、打包后是否被改动。"
            "正式报送请在密钥库可用的电脑上重新导出签名的提交包。",
            "error" if require_signature else "warning",
        )
        if SIGNATURE_NAME in names:
            report.add(
                "PKG-EXTRA",
                SIGNATURE_NAME,
                "清单声明未签名，但提交包中有签名文件 manifest.sig，内容可能被改动过。",
            )
        return
    try:
        if not isinstance(block, dict) or block.get("algorithm") != signing.ALGORITHM:
            raise ValueError("unsupported signing block")
        pub = base64.b64decode(str(block["public_key"]), validate=True)
    except (KeyError, ValueError, binascii.Error):
        report.add(
            "PKG-SIG", MANIFEST_NAME, "清单中的签名信息格式不正确（算法或公钥无法识别），无法验证签名。"
        )
        return
    report.fingerprint = signing.fingerprint(pub)
    if block.get("fingerprint") != report.fingerprint:
        report.add("PKG-SIG", MANIFEST_NAME, "清单中记录的密钥指纹与其公钥不符，清单被改动过。")
    if SIGNATURE_NAME not in names:
        report.add(
            "PKG-SIG-MISSING",
            SIGNATURE_NAME,
            "清单声明已签名，但提交包中缺少签名文件 manifest.sig。请向发送方重新索取提交包。",
        )
        return
    try:
        sig = zf.read(SIGNATURE_NAME)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
        sig = b""
    if signing.verify_signature(pub, raw, sig):
        report.signed = True
    else:
        report.add(
            "PKG-SIG",
            SIGNATURE_NAME,
            f"签名验证失败：清单 manifest.json 在签名后被改动过，或签名文件已损坏（密钥指纹 {report.fingerprint}）。"
            "该提交包不可信，请向发送方重新索取。",
        )


def _check_chain(
    previous: Path,
    manifest: dict[str, Any],
    report: VerifyReport,
    trust: KeyTrust | None = None,
    accept_key_change: str | None = None,
) -> None:
    declared = manifest.get("previous_package_sha256")
    report.previous_package_sha256 = declared if isinstance(declared, str) else None
    try:
        actual = _sha256_of(previous)
    except OSError as exc:
        report.add(
            "PKG-CHAIN",
            None,
            f"无法读取上一期提交包“{previous}”（原因：{exc.strerror or exc}），无法核对前后衔接。",
        )
        return
    if declared is None:
        report.add(
            "PKG-CHAIN",
            None,
            f"本提交包没有记录上一期提交包，但指定了上一期文件“{previous.name}”。请确认选择的上一期文件是否正确。",
        )
    elif declared != actual:
        report.add(
            "PKG-CHAIN",
            None,
            f"本提交包记录的上一期提交包校验值与“{previous.name}”不一致：要么选错了上一期文件，要么上一期文件已被改动。",
        )
    else:
        _check_key_continuity(previous, report, trust, accept_key_change)


def _key_change_ok(
    report: VerifyReport, trust: KeyTrust | None, accept: str | None, old: str, new: str
) -> bool:
    if accept:
        return True
    return trust is not None and trust.key_change_recorded(report.enterprise_uscc, old, new)


def _check_key_continuity(
    previous: Path, report: VerifyReport, trust: KeyTrust | None, accept_key_change: str | None
) -> None:
    """One series, one key: a package signed with a different key than the previous package of
    its chain is an error (re-signing with any key would otherwise pass), unless the user recorded
    that the enterprise's key changed (a new computer, a reinstall)."""
    from cets_desktop.security import signing

    try:
        with zipfile.ZipFile(previous) as zf:
            prev = json.loads(zf.read(MANIFEST_NAME).decode("utf-8"))
        block = prev.get("signing")
        pub = base64.b64decode(block["public_key"], validate=True) if isinstance(block, dict) else None
    except Exception:  # the previous package's own problems are reported when it is verified
        return
    if pub is None:
        if report.signed:
            report.add(
                "PKG-KEY-CHANGED",
                None,
                "上一期提交包未签名，无法确认本期的签名密钥与上一期相同。请与发送方核实其密钥指纹。",
                "warning",
            )
        return
    prev_fp = signing.fingerprint(pub)
    report.previous_fingerprint = prev_fp
    if not report.signed:
        report.add(
            "PKG-KEY-CHANGED",
            None,
            f"上一期提交包已签名（指纹 {prev_fp}），本期却未签名或签名无效：同一系列的签名不连续，"
            "该提交包不可信。请向发送方索取用原密钥签名的提交包。",
        )
    elif prev_fp != report.fingerprint:
        if _key_change_ok(report, trust, accept_key_change, prev_fp, str(report.fingerprint)):
            report.key_change_accepted = True
            report.add(
                "PKG-KEY-CHANGED",
                None,
                f"本提交包的签名密钥（指纹 {report.fingerprint}）与上一期（指纹 {prev_fp}）不同，"
                f"已按记录的密钥更换接受{('（' + accept_key_change + '）') if accept_key_change else ''}。",
                "warning",
            )
        else:
            report.add(
                "PKG-KEY-CHANGED",
                None,
                f"本提交包的签名密钥（指纹 {report.fingerprint}）与上一期（指纹 {prev_fp}）不同。"
                "同一系列中途换了密钥，可能是他人改动后重新签名，该提交包不可信。"
                "如果企业确实更换了电脑或重装了系统，请先与企业核实新指纹，"
                '再用 verify --accept-key-change "原因" 记录这次密钥更换。',
            )


def _check_expected_key(
    report: VerifyReport, expected: str | None, trust: KeyTrust | None, accept_key_change: str | None
) -> None:
    """The key must be the one the user expects: given on the command line, or remembered for
    this enterprise in the workspace."""
    source = "指定的"
    if expected is None and trust is not None:
        expected = trust.expected_fingerprint(report.enterprise_uscc)
        source = "工作区记住的该企业"
    if expected is None:
        return
    if not report.signed:
        report.add(
            "PKG-KEY-UNEXPECTED",
            None,
            f"{source}签名密钥指纹为 {expected}，但本提交包没有有效签名，无法确认来源。该提交包不可信。",
        )
    elif report.fingerprint != expected:
        if source != "指定的" and _key_change_ok(
            report, trust, accept_key_change, expected, str(report.fingerprint)
        ):
            report.key_change_accepted = True
            report.add(
                "PKG-KEY-UNEXPECTED",
                None,
                f"本提交包的签名密钥指纹 {report.fingerprint} 与{source}指纹 {expected} 不同，"
                "已按记录的密钥更换接受。",
                "warning",
            )
        else:
            report.add(
                "PKG-KEY-UNEXPECTED",
                None,
                f"本提交包的签名密钥指纹 {report.fingerprint} 与{source}指纹 {expected} 不同："
                "它不是用企业的密钥签名的（或企业更换了密钥）。该提交包不可信；"
                '如确认企业更换了密钥，请用 verify --accept-key-change "原因" 记录。',
            )


def verify_package(
    path: str | os.PathLike[str],
    previous: str | os.PathLike[str] | None = None,
    *,
    require_signature: bool = False,
    expected_fingerprint: str | None = None,
    trust: KeyTrust | None = None,
    accept_key_change: str | None = None,
) -> VerifyReport:
    """Check a package on its own: ZIP, member names safe to unpack, manifest, every file's size
    and SHA-256, no extra files, the signature against the manifest's public key and, with
    ``previous``, the chain and that its key did not change.

    A valid signature proves the package was not changed after signing by the holder of the key
    whose fingerprint is reported; that this key is the enterprise's is checked against
    ``expected_fingerprint`` or what ``trust`` remembers for the enterprise (either makes a
    signature required). An unsigned package is a warning unless ``require_signature``.
    ``accept_key_change`` (the user's reason) lets a changed key through as a warning.
    """
    if expected_fingerprint is not None:
        normalized = normalize_fingerprint(expected_fingerprint)
        if normalized is None:
            raise ValueError(f"not a key fingerprint: {expected_fingerprint!r}")
        expected_fingerprint = normalized
        require_signature = True
    report = VerifyReport(Path(path))
    zf = _open_zip(report.path, report)
    if zf is None:
        return report
    with zf:
        infos = zf.infolist()
        names = {i.filename for i in infos}
        if len(names) != len(infos):
            counts = Counter(i.filename for i in infos)
            for name in sorted(n for n, c in counts.items() if c > 1):
                report.add(
                    "PKG-DUPLICATE",
                    name,
                    f"提交包中有多个同名文件 {name}，可能被人为夹带内容。该提交包不可信。",
                )
        loaded = _read_manifest(zf, report)
        if loaded is None:
            _check_names(infos, [], report)
        if loaded is not None:
            manifest, raw = loaded
            report.manifest = manifest
            _check_names(infos, manifest["files"], report)
            if trust is not None and trust.expected_fingerprint(report.enterprise_uscc):
                require_signature = True
            listed: set[str] = set()
            for row in manifest["files"]:
                if not _valid_row(row):
                    report.add(
                        "PKG-MANIFEST",
                        MANIFEST_NAME,
                        "清单中有一条文件记录格式不正确（缺少路径、大小或校验值）。",
                    )
                    continue
                listed.add(row["path"])
                if row["path"] not in names:
                    report.add(
                        "PKG-MISSING",
                        row["path"],
                        f"清单中列出的文件 {_label(row)} 在提交包中不存在。请向发送方重新索取完整的提交包。",
                    )
                else:
                    _check_member(zf, row, report)
            for name in sorted(names - listed - {MANIFEST_NAME, SIGNATURE_NAME}):
                report.add(
                    "PKG-EXTRA",
                    name,
                    f"提交包中有清单未列出的文件 {name}，可能是打包后被加入的。该提交包不可信。",
                )
            _check_signature(zf, manifest, raw, names, report, require_signature)
            _check_expected_key(report, expected_fingerprint, trust, accept_key_change)
            if previous is not None:
                _check_chain(Path(previous), manifest, report, trust, accept_key_change)
            else:
                declared = manifest.get("previous_package_sha256")
                report.previous_package_sha256 = declared if isinstance(declared, str) else None
    report.ok = not any(p.severity == "error" for p in report.problems)
    return report
