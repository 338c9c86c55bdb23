"""Submission packages: build, verify, tamper detection, atomic writes, keyring-held signing key."""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import json
import os
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import null

from cets_desktop.io import package as package_mod
from cets_desktop.io.package import (
    EvidenceItem,
    Member,
    PackageCancelled,
    PackageError,
    build_package,
    verify_package,
)
from cets_desktop.security import keys, signing
from cets_desktop.security.keys import KeyringUnavailable, SigningKeyCorrupt

DATA_JSON = json.dumps(
    {
        "form": "power-monthly",
        "form_version": "2026.1",
        "enterprise": {"name": "华能示范发电有限公司", "credit_code": "91370200MA3C5XXX1K"},
        "period": "2026-07",
        "values": {"fuel.0.consumption_t": "41250.37", "fuel.0.ncv_gj_per_t": "21.871"},
    },
    ensure_ascii=False,
).encode("utf-8")


def manifest_base() -> dict[str, Any]:
    return {
        "app_version": "0.1.0",
        "form": {"id": "power-monthly", "version": "2026.1"},
        "enterprise": {"name": "华能示范发电有限公司", "credit_code": "91370200MA3C5XXX1K"},
        "period": "2026-07",
        "findings_summary": {"error": 0, "warning": 1, "info": 2},
        "acknowledgements": [{"code": "PWR-M-012", "reason": "7 月机组检修，燃煤量环比下降属实"}],
    }


def attach(path: Path, content: bytes, original_name: str, supports: Any, kind: str) -> EvidenceItem:
    """What the evidence panel does: write the file and record its hash at attach time."""
    path.write_bytes(content)
    return EvidenceItem(hashlib.sha256(content).hexdigest(), path, original_name, supports, kind)


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Any]:
    src = tmp_path / "workspace"
    src.mkdir()
    report = src / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n% report body\n" * 200)
    evidence = [
        attach(
            src / "scan1.pdf",
            os.urandom(300_000),
            "7月入炉煤化验报告.PDF",
            "fuel.0.ncv_gj_per_t",
            "lab-report",
        ),
        attach(
            src / "weigh.jpg",
            os.urandom(50_000),
            "皮带秤读数照片.jpg",
            ["fuel.0.consumption_t"],
            "meter-photo",
        ),
    ]
    # The same invoice attached to a second field: stored once, supports merged.
    evidence.append(
        EvidenceItem(
            evidence[0].sha256, src / "scan1.pdf", "7月入炉煤化验报告.PDF", ["fuel.0.car_pct"], "lab-report"
        )
    )
    members = [
        Member("data.json", DATA_JSON),
        Member("data.xlsx", b"PK\x03\x04 pretend workbook" * 100),
        Member("report.pdf", report),
    ]
    out = tmp_path / "out"
    out.mkdir()
    return {"members": members, "evidence": evidence, "out": out, "src": src}


def build(inputs: dict[str, Any], name: str = "91370200MA3C5XXX1K_power-monthly_2026-07.zip", **kw: Any):
    kw.setdefault("previous_package_sha256", None)
    return build_package(
        inputs["out"] / name,
        manifest_base=manifest_base(),
        members=inputs["members"],
        evidence=inputs["evidence"],
        **kw,
    )


def rewrite(
    src: Path, dst: Path, change: dict[str, bytes | None], add: dict[str, bytes] | None = None
) -> None:
    """Copy a package, replacing (bytes) or dropping (None) members: a consistent ZIP whose
    content differs, as a careful tamperer would produce."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    zout.writestr(info, change[info.filename])
            else:
                zout.writestr(info, zin.read(info))
        for name, data in (add or {}).items():
            zout.writestr(name, data)


def codes(report: Any) -> list[tuple[str, str | None]]:
    return [(p.code, p.path) for p in report.problems]


# --------------------------------------------------------------------------------------------
# Round trip


def test_built_package_verifies_with_ascii_names_and_chinese_names_in_manifest(
    inputs: dict[str, Any],
) -> None:
    result = build(inputs)

    assert result.signed and result.path.exists()
    assert result.size == result.path.stat().st_size
    assert result.sha256 == hashlib.sha256(result.path.read_bytes()).hexdigest()
    with zipfile.ZipFile(result.path) as zf:
        names = zf.namelist()
        manifest_raw = zf.read("manifest.json")
        infos = {i.filename: i for i in zf.infolist()}
    assert names[:2] == ["manifest.json", "manifest.sig"]
    assert all(n.isascii() for n in names)
    assert len(names) == result.file_count == 2 + 3 + 2  # duplicate evidence stored once
    sha0 = inputs["evidence"][0].sha256
    assert f"evidence/{sha0[:16]}.pdf" in names
    assert infos[f"evidence/{sha0[:16]}.pdf"].compress_type == zipfile.ZIP_STORED
    assert infos["data.json"].compress_type == zipfile.ZIP_DEFLATED

    manifest = json.loads(manifest_raw)
    assert manifest["enterprise"]["name"] == "华能示范发电有限公司"
    assert manifest["previous_package_sha256"] is None
    rows = {r["path"]: r for r in manifest["files"]}
    assert rows["data.json"] == {
        "path": "data.json",
        "size": len(DATA_JSON),
        "sha256": hashlib.sha256(DATA_JSON).hexdigest(),
        "role": "data",
    }
    ev = rows[f"evidence/{sha0[:16]}.pdf"]
    assert ev["original_name"] == "7月入炉煤化验报告.PDF"
    assert ev["supports"] == ["fuel.0.ncv_gj_per_t", "fuel.0.car_pct"]
    assert ev["kind"] == "lab-report" and ev["role"] == "evidence"

    pub = signing.public_key_bytes()
    assert manifest["signing"] == {
        "algorithm": "Ed25519",
        "public_key": base64.b64encode(pub).decode(),
        "fingerprint": signing.fingerprint(pub),
    }

    report = verify_package(result.path)
    assert report.ok, report.problems
    assert report.problems == []
    assert report.signed and report.fingerprint == signing.fingerprint(pub)
    assert report.sha256 == result.sha256


def test_progress_is_monotonic_and_ends_at_total(inputs: dict[str, Any]) -> None:
    calls: list[tuple[int, int]] = []
    build(inputs, progress=lambda done, total: calls.append((done, total)))
    dones = [d for d, _ in calls]
    assert dones == sorted(dones)
    assert calls[-1][0] == calls[-1][1]
    assert len({t for _, t in calls}) == 1


def test_existing_package_is_replaced(inputs: dict[str, Any]) -> None:
    first = build(inputs)
    second = build(inputs)
    assert first.path == second.path
    assert verify_package(second.path).ok
    assert sorted(p.name for p in inputs["out"].iterdir()) == [first.path.name]


def test_memory_stays_flat_for_large_evidence(inputs: dict[str, Any]) -> None:
    big = attach(
        inputs["src"] / "video.bin", os.urandom(1 << 20) * 96, "巡检视频.mp4", "fuel.0.consumption_t", "video"
    )
    inputs["evidence"] = [big]
    tracemalloc.start()
    try:
        build(inputs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # One copy buffer and small change, whatever the evidence's size.
    bound = package_mod._STREAM_CHUNK + (4 << 20)
    assert bound < 24 << 20
    assert peak < bound, f"peak Python allocation {peak / 2**20:.1f} MiB for 96 MiB of evidence"


# --------------------------------------------------------------------------------------------
# Tamper detection


def test_one_changed_byte_in_a_member_is_a_hash_problem(inputs: dict[str, Any], tmp_path: Path) -> None:
    result = build(inputs)
    tampered = tmp_path / "tampered.zip"
    changed = bytearray(DATA_JSON)
    changed[10] ^= 0x01
    rewrite(result.path, tampered, {"data.json": bytes(changed)})

    report = verify_package(tampered)
    assert not report.ok
    assert codes(report) == [("PKG-HASH", "data.json")]
    assert "SHA-256" in report.problems[0].message


def test_byte_flipped_in_place_is_a_hash_problem(inputs: dict[str, Any], tmp_path: Path) -> None:
    """Damage without rewriting the ZIP (bad disk, broken download): the ZIP CRC catches it."""
    result = build(inputs)
    sha0 = inputs["evidence"][0].sha256
    raw = bytearray(result.path.read_bytes())
    with zipfile.ZipFile(result.path) as zf:
        info = zf.getinfo(f"evidence/{sha0[:16]}.pdf")
    data_start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[data_start + 1000] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(raw))

    report = verify_package(damaged)
    assert codes(report) == [("PKG-HASH", f"evidence/{sha0[:16]}.pdf")]
    assert "7月入炉煤化验报告.PDF" in report.problems[0].message


def test_deleted_member_is_missing(inputs: dict[str, Any], tmp_path: Path) -> None:
    result = build(inputs)
    tampered = tmp_path / "tampered.zip"
    rewrite(result.path, tampered, {"report.pdf": None})
    report = verify_package(tampered)
    assert codes(report) == [("PKG-MISSING", "report.pdf")]


def test_added_file_is_extra(inputs: dict[str, Any], tmp_path: Path) -> None:
    result = build(inputs)
    tampered = tmp_path / "tampered.zip"
    rewrite(result.path, tampered, {}, add={"evidence/0000000000000000.pdf": b"%PDF forged"})
    report = verify_package(tampered)
    assert codes(report) == [("PKG-EXTRA", "evidence/0000000000000000.pdf")]


def test_duplicate_member_name_is_reported(inputs: dict[str, Any], tmp_path: Path) -> None:
    result = build(inputs)
    tampered = tmp_path / "tampered.zip"
    rewrite(result.path, tampered, {})
    with zipfile.ZipFile(tampered, "a") as zf, pytest.warns(UserWarning):
        zf.writestr("data.json", b'{"values": {}}')
    report = verify_package(tampered)
    assert ("PKG-DUPLICATE", "data.json") in codes(report)
    assert not report.ok


def test_tampered_manifest_fails_signature(inputs: dict[str, Any], tmp_path: Path) -> None:
    result = build(inputs)
    with zipfile.ZipFile(result.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["findings_summary"]["error"] = 0
    manifest["acknowledgements"][0]["reason"] = "无"
    tampered = tmp_path / "tampered.zip"
    rewrite(result.path, tampered, {"manifest.json": json.dumps(manifest, ensure_ascii=False).encode()})

    report = verify_package(tampered)
    assert codes(report) == [("PKG-SIG", "manifest.sig")]
    assert not report.ok and not report.signed


def test_resigned_with_another_key_is_reported_by_fingerprint(inputs: dict[str, Any], tmp_path: Path) -> None:
    """Re-signing with a different key verifies, but the reported fingerprint is not ours."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    result = build(inputs)
    other = Ed25519PrivateKey.generate()
    with zipfile.ZipFile(result.path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    pub = signing.public_key_bytes(other)
    manifest["signing"]["public_key"] = base64.b64encode(pub).decode()
    manifest["signing"]["fingerprint"] = signing.fingerprint(pub)
    raw = json.dumps(manifest).encode()
    tampered = tmp_path / "resigned.zip"
    rewrite(result.path, tampered, {"manifest.json": raw, "manifest.sig": signing.sign(raw, other)})

    report = verify_package(tampered)
    assert report.signed
    assert report.fingerprint == signing.fingerprint(pub) != signing.fingerprint(signing.public_key_bytes())


def test_missing_signature_file(inputs: dict[str, Any], tmp_path: Path) -> None:
    result = build(inputs)
    tampered = tmp_path / "tampered.zip"
    rewrite(result.path, tampered, {"manifest.sig": None})
    assert codes(verify_package(tampered)) == [("PKG-SIG-MISSING", "manifest.sig")]


def test_not_a_zip_and_truncated_zip_have_clear_messages(inputs: dict[str, Any], tmp_path: Path) -> None:
    text = tmp_path / "报送说明.zip"
    text.write_text("这不是压缩包", encoding="utf-8")
    report = verify_package(text)
    assert codes(report) == [("PKG-NOT-ZIP", None)] and "不是 ZIP" in report.problems[0].message

    result = build(inputs)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(result.path.read_bytes()[: result.size // 2])
    report = verify_package(truncated)
    assert codes(report) == [("PKG-DAMAGED", None)] and "不完整" in report.problems[0].message

    report = verify_package(tmp_path / "nowhere.zip")
    assert codes(report) == [("PKG-OPEN", None)]


def test_chain_ok_and_broken(inputs: dict[str, Any], tmp_path: Path) -> None:
    june = build(inputs, name="june.zip")
    july = build(inputs, name="july.zip", previous_package_sha256=june.sha256)

    report = verify_package(july.path, previous=june.path)
    assert report.ok and report.problems == []
    assert report.previous_package_sha256 == june.sha256

    # The previous package was altered after July's was built.
    altered = tmp_path / "june-altered.zip"
    rewrite(june.path, altered, {"data.xlsx": b"PK other workbook"})
    report = verify_package(july.path, previous=altered)
    assert codes(report) == [("PKG-CHAIN", None)] and not report.ok

    # A package that starts no chain, checked against a previous one.
    report = verify_package(june.path, previous=july.path)
    assert codes(report) == [("PKG-CHAIN", None)]


def test_new_signing_key_in_a_series_is_an_error_unless_the_change_is_recorded(
    inputs: dict[str, Any], memory_keyring: KeyringBackend
) -> None:
    june = build(inputs, name="june.zip")
    memory_keyring.store.clear()  # type: ignore[attr-defined]  # e.g. a reinstalled computer
    july = build(inputs, name="july.zip", previous_package_sha256=june.sha256)
    report = verify_package(july.path, previous=june.path)
    assert codes(report) == [("PKG-KEY-CHANGED", None)]
    assert not report.ok  # re-signing with any key must not pass (issue 11 item 6)
    report = verify_package(july.path, previous=june.path, accept_key_change="企业重装系统")
    assert codes(report) == [("PKG-KEY-CHANGED", None)] and report.ok and report.key_change_accepted


# --------------------------------------------------------------------------------------------
# Export failures leave nothing behind


def test_evidence_changed_since_attach_is_refused(inputs: dict[str, Any]) -> None:
    target = inputs["out"] / "pkg.zip"
    target.write_bytes(b"last good export")
    inputs["evidence"][1].source.write_bytes(os.urandom(50_000))  # replaced by another photo

    with pytest.raises(PackageError, match="皮带秤读数照片.jpg") as exc:
        build(inputs, name="pkg.zip")
    assert "重新附加" in str(exc.value)
    assert target.read_bytes() == b"last good export"
    assert [p.name for p in inputs["out"].iterdir()] == ["pkg.zip"]


def test_evidence_grown_since_attach_is_refused(inputs: dict[str, Any]) -> None:
    with open(inputs["evidence"][0].source, "ab") as f:
        f.write(b"appended page")
    with pytest.raises(PackageError, match="7月入炉煤化验报告.PDF"):
        build(inputs)
    assert list(inputs["out"].iterdir()) == []


def test_missing_evidence_is_refused_before_writing(inputs: dict[str, Any]) -> None:
    inputs["evidence"][1].source.unlink()
    with pytest.raises(PackageError, match="皮带秤读数照片.jpg.*已找不到"):
        build(inputs)
    assert list(inputs["out"].iterdir()) == []


def test_unwritable_destination_folder(inputs: dict[str, Any], tmp_path: Path) -> None:
    # Tests run as root, for whom chmod 0555 does not stop writes. A folder path whose parent
    # is a regular file cannot be created in by anyone, so it really fails.
    blocker = tmp_path / "报送"
    blocker.write_text("a file where the user expected a folder", encoding="utf-8")
    out = blocker / "pkg.zip"
    with pytest.raises(PackageError, match="报送") as exc:
        build_package(
            out,
            manifest_base=manifest_base(),
            members=inputs["members"],
            evidence=inputs["evidence"],
            previous_package_sha256=None,
        )
    assert "另选" in str(exc.value)
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_temp_file_creation_failure_names_folder(
    inputs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a read-only USB stick does on Windows: os.open raises PermissionError/EROFS."""
    real_open = os.open

    def refuse(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        if str(path).endswith(".part"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(package_mod.os, "open", refuse)
    with pytest.raises(PackageError, match=str(inputs["out"]).replace("\\", "\\\\")):
        build(inputs)
    assert list(inputs["out"].iterdir()) == []


def test_destination_that_cannot_be_replaced(inputs: dict[str, Any]) -> None:
    # A non-empty folder with the package's name: os.replace fails for everyone, including root
    # (the same code path as a file locked by another program on Windows).
    occupied = inputs["out"] / "pkg.zip"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(PackageError, match="pkg.zip"):
        build(inputs, name="pkg.zip")
    assert [p.name for p in inputs["out"].iterdir()] == ["pkg.zip"]
    assert (occupied / "keep.txt").read_text(encoding="utf-8") == "keep"


def test_replace_failure_removes_temp_and_keeps_old_file(
    inputs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = inputs["out"] / "pkg.zip"
    target.write_bytes(b"previous export, opened in another program")

    def locked(src: Any, dst: Any) -> None:
        raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))

    monkeypatch.setattr(package_mod.os, "replace", locked)
    with pytest.raises(PackageError, match="其他程序"):
        build(inputs, name="pkg.zip")
    assert [p.name for p in inputs["out"].iterdir()] == ["pkg.zip"]
    assert target.read_bytes() == b"previous export, opened in another program"


class _FullDisk(io.RawIOBase):
    """A file that takes `room` bytes and then fails like a full disk."""

    def __init__(self, real: Any, room: int) -> None:
        self.real, self.room = real, room

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        if self.real.tell() + len(b) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.real.write(b)

    def seek(self, pos: int, whence: int = 0) -> int:
        return self.real.seek(pos, whence)

    def tell(self) -> int:
        return self.real.tell()

    def fileno(self) -> int:
        return self.real.fileno()

    def close(self) -> None:
        self.real.close()
        super().close()


def test_full_disk_leaves_nothing(inputs: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    real_create = package_mod._create_temp

    def small_disk(folder: Path, name: str) -> Any:
        fobj, tmp = real_create(folder, name)
        return _FullDisk(fobj, 100_000), tmp

    monkeypatch.setattr(package_mod, "_create_temp", small_disk)
    with pytest.raises(PackageError, match="磁盘空间不足"):
        build(inputs)
    assert list(inputs["out"].iterdir()) == []


def test_free_space_is_checked_before_writing(
    inputs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(package_mod.shutil, "disk_usage", lambda p: _Usage(1000))
    with pytest.raises(PackageError, match="只剩 1000 B"):
        build(inputs)
    assert list(inputs["out"].iterdir()) == []


class _Usage:
    def __init__(self, free: int) -> None:
        self.free = free


def test_cancel_leaves_no_file(inputs: dict[str, Any]) -> None:
    seen: list[int] = []

    def cancel() -> bool:
        seen.append(1)
        return len(seen) > 3

    with pytest.raises(PackageCancelled, match="已取消"):
        build(inputs, cancel=cancel)
    assert list(inputs["out"].iterdir()) == []


# --------------------------------------------------------------------------------------------
# Keyring-held key and unsigned drafts


def test_unsigned_draft_when_keyring_unavailable(inputs: dict[str, Any], no_keyring: KeyringBackend) -> None:
    with pytest.raises(KeyringUnavailable) as exc:
        build(inputs)
    assert "草稿" in str(exc.value) and "凭据管理器" in str(exc.value)
    assert list(inputs["out"].iterdir()) == []

    result = build(inputs, sign=False)
    assert not result.signed
    with zipfile.ZipFile(result.path) as zf:
        assert "manifest.sig" not in zf.namelist()
        assert json.loads(zf.read("manifest.json"))["signing"] is None

    report = verify_package(result.path)
    assert report.ok and not report.signed and report.fingerprint is None
    assert [(p.code, p.severity) for p in report.problems] == [("PKG-UNSIGNED", "warning")]
    assert not verify_package(result.path, require_signature=True).ok


def test_key_is_created_once_and_kept_in_keyring(memory_keyring: KeyringBackend) -> None:
    first = keys.load_or_create_signing_key()
    again = keys.load_or_create_signing_key()
    assert signing.public_key_bytes(first) == signing.public_key_bytes(again)
    stored = memory_keyring.store[(keys.SERVICE, keys.SIGNING_KEY_USERNAME)]  # type: ignore[attr-defined]
    assert len(stored) == 44 and len(base64.b64decode(stored)) == 32
    assert keys.keyring_status(probe=True)["usable"] is True


def test_sign_and_verify_signature() -> None:
    data = b'{"period": "2026-07"}'
    sig = signing.sign(data)
    pub = signing.public_key_bytes()
    assert signing.verify_signature(pub, data, sig)
    assert not signing.verify_signature(pub, data + b" ", sig)
    assert not signing.verify_signature(pub, data, sig[:-1])
    assert not signing.verify_signature(b"short", data, sig)
    assert len(signing.fingerprint(pub)) == 16


def test_corrupt_stored_key_is_not_overwritten(memory_keyring: KeyringBackend) -> None:
    memory_keyring.store[(keys.SERVICE, keys.SIGNING_KEY_USERNAME)] = "not a key"  # type: ignore[attr-defined]
    with pytest.raises(SigningKeyCorrupt, match="已损坏"):
        keys.load_or_create_signing_key()
    assert memory_keyring.store[(keys.SERVICE, keys.SIGNING_KEY_USERNAME)] == "not a key"  # type: ignore[attr-defined]


class PlaintextKeyring(KeyringBackend):
    """Stands in for keyrings.alt.file.PlaintextKeyring without installing keyrings.alt."""

    priority = 0.5  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise AssertionError("a plaintext backend must never be read")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("a plaintext backend must never be written")

    def delete_password(self, service: str, username: str) -> None:
        raise AssertionError


PlaintextKeyring.__module__ = "keyrings.alt.file"


@pytest.mark.parametrize(
    ("backend", "reason"),
    [(null.Keyring(), "禁用"), (PlaintextKeyring(), "普通文件")],
    ids=["null", "keyrings.alt-plaintext"],
)
def test_backends_that_cannot_hold_the_key_are_refused(backend: KeyringBackend, reason: str) -> None:
    import keyring

    keyring.set_keyring(backend)  # the autouse fixture restores the previous backend
    status = keys.keyring_status()
    assert status["usable"] is False and reason in status["reason"]
    with pytest.raises(KeyringUnavailable, match=reason):
        keys.load_or_create_signing_key()


def test_keyring_status_of_fail_backend(no_keyring: KeyringBackend) -> None:
    status = keys.keyring_status()
    assert status == {
        "backend": "keyring.backends.fail.Keyring",
        "usable": False,
        "reason": status["reason"],
    }
    assert "未找到可用的系统密钥库" in status["reason"]
