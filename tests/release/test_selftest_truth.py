"""The self-test's keyring check tells the truth and names the backend it found (issue 12 item 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import keyring
from keyring.backends import fail

from cets_desktop.selftest import WINDOWS_KEYRING_BACKEND, _check_keyring, keyring_verdict


def test_fail_backend_is_reported_as_not_ok_with_its_name() -> None:
    keyring.set_keyring(fail.Keyring())
    result = _check_keyring()
    assert result["ok"] is False
    assert result["usable"] is False
    assert result["backend"] == "keyring.backends.fail.Keyring"
    assert "未找到可用的系统密钥库" in result["reason"]


def test_memory_backend_on_linux_is_ok_and_named() -> None:
    result = _check_keyring()  # conftest's in-memory keyring
    assert result["ok"] is True
    assert result["backend"].endswith("MemoryKeyring")


def test_frozen_windows_build_requires_credential_manager() -> None:
    fail_status = {
        "backend": "keyring.backends.fail.Keyring",
        "usable": False,
        "reason": "未找到可用的系统密钥库",
    }
    verdict = keyring_verdict(fail_status, platform_name="win32", frozen=True)
    assert verdict == {**verdict, "ok": False, "required": True, "backend": "keyring.backends.fail.Keyring"}
    assert "不是 Windows 凭据管理器" in verdict["reason"]
    # A usable but different backend (e.g. a third-party file keyring) is still not Credential Manager.
    other = {"backend": "keyrings.cryptfile.cryptfile.CryptFileKeyring", "usable": True, "reason": ""}
    assert keyring_verdict(other, platform_name="win32", frozen=True)["ok"] is False
    winvault = {"backend": WINDOWS_KEYRING_BACKEND, "usable": True, "reason": "签名密钥保存在系统密钥库中"}
    assert keyring_verdict(winvault, platform_name="win32", frozen=True) == {
        "ok": True,
        "required": True,
        "backend": WINDOWS_KEYRING_BACKEND,
        "usable": True,
        "reason": "签名密钥保存在系统密钥库中",
    }


def test_keyring_is_not_required_off_the_frozen_windows_build() -> None:
    status = {"backend": "keyring.backends.fail.Keyring", "usable": False, "reason": "x"}
    assert keyring_verdict(status, platform_name="linux", frozen=True)["required"] is False
    assert keyring_verdict(status, platform_name="win32", frozen=False)["required"] is False


def test_self_test_process_fails_when_keyring_is_required_and_missing(tmp_path) -> None:
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "CETS_REQUIRE_KEYRING": "1",
        "QT_QPA_PLATFORM": "offscreen",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "cets_desktop", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        encoding="utf-8",
    )
    result = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert result["ok"] is False
    assert "keyring" in result["failed"]
    assert result["checks"]["keyring"]["backend"] == "keyring.backends.fail.Keyring"
    # Without the requirement the same machine passes, and still says the keyring is not usable.
    env.pop("CETS_REQUIRE_KEYRING")
    proc = subprocess.run(
        [sys.executable, "-m", "cets_desktop", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        encoding="utf-8",
    )
    result = json.loads(proc.stdout)
    assert "keyring" not in result["failed"]
    assert proc.returncode == (0 if not result["failed"] else 1)
    assert result["checks"]["keyring"]["ok"] is False
    assert result["checks"]["keyring"]["required"] is False
