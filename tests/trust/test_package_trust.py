"""Package trust (issue 11 item 6): a re-packed, unsigned or re-signed package no longer passes
`verify` once the verifier says what it expects; each enterprise's key is remembered in the
workspace; a changed key in a chain is an error unless the change is recorded; member names that
are unsafe to unpack are rejected even when the manifest lists them consistently.

Every reproducer is a careful tamperer's package: content changed, manifest recomputed (sizes and
SHA-256 right), the signature dropped or made with another key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cets_desktop.cli import main
from cets_desktop.io.package import Member, build_package, unsafe_name_reason, verify_package
from cets_desktop.security import signing
from cets_desktop.store.workspace import Workspace

USCC = "91310115MA1K3P7Q8R"
DATA = json.dumps(
    {
        "format": "cets-filing/1",
        "form": "power-monthly",
        "period": "2026-10",
        "enterprise": {"name": "华东示范热电有限公司", "uscc": USCC},
        "values": {"units": [{"unit_name": "1号机组", "fuels": [{"consumption": "152340.50"}]}]},
    },
    ensure_ascii=False,
).encode("utf-8")


def _package(folder: Path, name: str, previous: str | None = None, data: bytes = DATA) -> Path:
    result = build_package(
        folder / name,
        manifest_base={
            "app_version": "0.1.0",
            "form": "power-monthly",
            "period": "2026-10",
            "enterprise": {"name": "华东示范热电有限公司", "uscc": USCC},
        },
        members=[Member("data.json", data), Member("report.pdf", b"%PDF-1.4\n" + b"x" * 4000)],
        evidence=[],
        previous_package_sha256=previous,
    )
    return result.path


def _repack(
    src: Path,
    dst: Path,
    *,
    data: bytes | None = None,
    key: Ed25519PrivateKey | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Change data.json (and/or add members), recompute the manifest, then drop the signature
    (key=None) or sign with ``key``: what someone without the enterprise's key can produce."""
    with zipfile.ZipFile(src) as zin:
        members = {i.filename: zin.read(i) for i in zin.infolist()}
    manifest = json.loads(members.pop("manifest.json"))
    members.pop("manifest.sig", None)
    if data is not None:
        members["data.json"] = data
    members.update(extra or {})
    manifest["files"] = [
        {"path": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest(), "role": "data"}
        for n, b in members.items()
    ]
    if key is None:
        manifest["signing"] = None
    else:
        pub = signing.public_key_bytes(key)
        manifest["signing"] = {
            "algorithm": "Ed25519",
            "public_key": base64.b64encode(pub).decode("ascii"),
            "fingerprint": signing.fingerprint(pub),
        }
    raw = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(dst, "w") as zout:
        zout.writestr("manifest.json", raw)
        if key is not None:
            zout.writestr("manifest.sig", key.sign(raw))
        for name, body in members.items():
            zout.writestr(name, body)
    return dst


def _verify(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = (
        main(["verify", *argv, "--json"])
        if argv[0] != "--workspace"
        else main([argv[0], argv[1], "verify", *argv[2:], "--json"])
    )
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def _codes(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p["code"], p["severity"]) for p in result["problems"]]


@pytest.fixture
def genuine(tmp_path: Path) -> dict[str, Path]:
    june = _package(tmp_path, "june.zip")
    july = _package(tmp_path, "july.zip", previous=hashlib.sha256(june.read_bytes()).hexdigest())
    return {"june": june, "july": july}


def _fingerprint(package: Path) -> str:
    report = verify_package(package)
    assert report.ok and report.signed
    return str(report.fingerprint)


# ---------------------------------------------------------------------------- unsigned re-pack


def test_stripped_signature_passed_before_and_fails_with_require_signature(genuine, tmp_path, capsys) -> None:
    forged = _repack(genuine["july"], tmp_path / "forged.zip", data=DATA.replace(b"152340.50", b"52340.50"))
    code, result = _verify(capsys, str(forged))
    assert code == 0 and ("PKG-UNSIGNED", "warning") in _codes(result)  # the old behaviour, still the default
    code, result = _verify(capsys, str(forged), "--require-signature")
    assert code == 1 and result["ok"] is False
    assert ("PKG-UNSIGNED", "error") in _codes(result)


def test_expected_fingerprint_rejects_unsigned_and_foreign_keys(genuine, tmp_path, capsys) -> None:
    fp = _fingerprint(genuine["july"])
    spaced = " ".join(fp[i : i + 4] for i in range(0, 16, 4)).upper()  # as read out over the phone
    code, result = _verify(capsys, str(genuine["july"]), "--expect-fingerprint", spaced)
    assert code == 0 and result["fingerprint"] == fp

    unsigned = _repack(genuine["july"], tmp_path / "unsigned.zip", data=DATA + b" ")
    code, result = _verify(capsys, str(unsigned), "--expect-fingerprint", fp)
    assert code == 1 and ("PKG-KEY-UNEXPECTED", "error") in _codes(result)

    resigned = _repack(
        genuine["july"], tmp_path / "resigned.zip", data=DATA + b" ", key=Ed25519PrivateKey.generate()
    )
    code, result = _verify(capsys, str(resigned))
    assert code == 0 and result["signed"] is True  # any key verifies against itself …
    code, result = _verify(capsys, str(resigned), "--expect-fingerprint", fp)
    assert code == 1 and ("PKG-KEY-UNEXPECTED", "error") in _codes(
        result
    )  # … but not against the expected one


def test_bad_fingerprint_argument_is_unusable_input(genuine, capsys) -> None:
    assert main(["verify", str(genuine["july"]), "--expect-fingerprint", "12345"]) == 2
    assert "16 位十六进制" in capsys.readouterr().err


# ---------------------------------------------------------------------------- chain


def test_resigned_package_in_a_chain_is_an_error_unless_the_key_change_is_recorded(
    genuine, tmp_path, capsys
) -> None:
    resigned = _repack(
        genuine["july"], tmp_path / "resigned.zip", data=DATA + b" ", key=Ed25519PrivateKey.generate()
    )
    code, result = _verify(capsys, str(resigned), "--previous", str(genuine["june"]))
    assert code == 1 and ("PKG-KEY-CHANGED", "error") in _codes(result)
    assert result["previous_fingerprint"] == _fingerprint(genuine["june"])

    unsigned = _repack(genuine["july"], tmp_path / "unsigned.zip")
    code, result = _verify(capsys, str(unsigned), "--previous", str(genuine["june"]))
    assert code == 1 and ("PKG-KEY-CHANGED", "error") in _codes(result)  # signed June, unsigned July

    code, result = _verify(
        capsys,
        str(resigned),
        "--previous",
        str(genuine["june"]),
        "--accept-key-change",
        "企业更换电脑，已电话核实新指纹",
    )
    assert code == 0 and result["key_change_accepted"] is True
    assert ("PKG-KEY-CHANGED", "warning") in _codes(result)


def test_genuine_chain_still_passes(genuine, capsys) -> None:
    code, result = _verify(
        capsys, str(genuine["july"]), "--previous", str(genuine["june"]), "--require-signature"
    )
    assert code == 0 and result["problems"] == []


# ---------------------------------------------------------------------------- workspace memory


def test_workspace_remembers_the_enterprise_key_and_rejects_another(genuine, tmp_path, capsys) -> None:
    ws_path = tmp_path / "recipient.cetsdb"
    Workspace.open(ws_path).close()
    fp = _fingerprint(genuine["june"])

    code, result = _verify(capsys, "--workspace", str(ws_path), str(genuine["june"]))
    assert code == 0 and fp in result["workspace_note"]
    with Workspace.open(ws_path, read_only=True) as ws:
        assert ws.expected_fingerprint(USCC) == fp
        assert [k["status"] for k in ws.signing_keys(USCC)] == ["active"]

    # No flags: the remembered key alone rejects an unsigned re-pack and a foreign signature.
    unsigned = _repack(genuine["july"], tmp_path / "unsigned.zip", data=DATA + b" ")
    code, result = _verify(capsys, "--workspace", str(ws_path), str(unsigned))
    assert code == 1 and ("PKG-UNSIGNED", "error") in _codes(result)
    new_key = Ed25519PrivateKey.generate()
    resigned = _repack(genuine["july"], tmp_path / "resigned.zip", key=new_key)
    code, result = _verify(capsys, "--workspace", str(ws_path), str(resigned))
    assert code == 1 and ("PKG-KEY-UNEXPECTED", "error") in _codes(result)

    # The user records the key change (with a reason); from then on the new key is the expected one.
    new_fp = signing.fingerprint(signing.public_key_bytes(new_key))
    code, result = _verify(
        capsys, "--workspace", str(ws_path), str(resigned), "--accept-key-change", "企业重装系统"
    )
    assert code == 0 and new_fp in result["workspace_note"]
    code, result = _verify(capsys, "--workspace", str(ws_path), str(resigned))
    assert code == 0 and result["problems"] == []
    code, result = _verify(capsys, "--workspace", str(ws_path), str(genuine["june"]))
    assert code == 1 and ("PKG-KEY-UNEXPECTED", "error") in _codes(
        result
    )  # the retired key is no longer accepted
    with Workspace.open(ws_path, read_only=True) as ws:
        assert ws.expected_fingerprint(USCC) == new_fp
        assert ws.key_change_recorded(USCC, fp, new_fp)
        assert sorted(k["status"] for k in ws.signing_keys(USCC)) == ["active", "retired"]


def test_recorded_change_also_lets_the_chain_through(genuine, tmp_path, capsys) -> None:
    ws_path = tmp_path / "recipient.cetsdb"
    Workspace.open(ws_path).close()
    _verify(capsys, "--workspace", str(ws_path), str(genuine["june"]))
    new_key = Ed25519PrivateKey.generate()
    resigned = _repack(genuine["july"], tmp_path / "resigned.zip", key=new_key)
    code, _ = _verify(capsys, "--workspace", str(ws_path), str(resigned), "--previous", str(genuine["june"]))
    assert code == 1
    code, _ = _verify(
        capsys,
        "--workspace",
        str(ws_path),
        str(resigned),
        "--previous",
        str(genuine["june"]),
        "--accept-key-change",
        "换电脑",
    )
    assert code == 0
    code, result = _verify(
        capsys, "--workspace", str(ws_path), str(resigned), "--previous", str(genuine["june"])
    )
    assert code == 0 and result["key_change_accepted"] is True  # recorded in the workspace: a warning now


def test_empty_key_change_reason_is_unusable_input(genuine, capsys) -> None:
    assert main(["verify", str(genuine["july"]), "--accept-key-change", "  "]) == 2


# ---------------------------------------------------------------------------- unsafe names


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "evidence/../../evil.txt",
        "/etc/cron.d/evil",
        "C:/Windows/evil.dll",
        "c:evil.txt",
        "evidence\\..\\evil.txt",
        "report\u202efdp.exe",
        "evidence/\u2066scan\u2069.pdf",
        "data.json.",
        "nul\x01.txt",
    ],
)
def test_unsafe_member_names_are_rejected_even_when_listed_consistently(
    genuine, tmp_path, capsys, name
) -> None:
    forged = _repack(
        genuine["july"], tmp_path / "names.zip", key=Ed25519PrivateKey.generate(), extra={name: b"payload"}
    )
    code, result = _verify(capsys, str(forged))
    assert code == 1
    assert "PKG-UNSAFE-NAME" in [p["code"] for p in result["problems"]]
    assert "PKG-EXTRA" not in [p["code"] for p in result["problems"]]  # listed consistently in the manifest


def test_names_differing_only_in_case_collide_on_windows(genuine, tmp_path, capsys) -> None:
    forged = _repack(
        genuine["july"], tmp_path / "case.zip", key=Ed25519PrivateKey.generate(), extra={"DATA.json": b"{}"}
    )
    code, result = _verify(capsys, str(forged))
    assert code == 1 and "PKG-DUPLICATE" in [p["code"] for p in result["problems"]]


def test_safe_names_pass_the_name_check() -> None:
    for name in ("manifest.json", "data.json", "evidence/0123456789abcdef.pdf", "report.pdf"):
        assert unsafe_name_reason(name) is None
