"""The package-signing key, held only in the operating system's keyring.

The Ed25519 private key (32 raw bytes, stored base64: 44 characters, far under the 2,560-byte
Windows credential limit) lives in Windows Credential Manager, macOS Keychain or a Secret Service
on Linux. It is never written to a file: a key file next to the workspace could be copied along
with it, and then a signature would no longer show which installation made a package.

Backends that would silently store the key in a plain file (``keyrings.alt``'s file backends, which
become the default on headless Linux when that package is installed) are refused, as are the
``fail`` and ``null`` backends that cannot store anything.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

import keyring
import keyring.errors
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "cets-desktop"
SIGNING_KEY_USERNAME = "package-signing-key"

_RAW_KEY_LEN = 32

# Modules whose backends keep secrets in ordinary files (plain or with a console-prompted password,
# which a GUI cannot answer). Matched as prefixes against every class in the backend's MRO.
_FILE_BACKEND_MODULES = ("keyrings.alt.file", "keyrings.alt.pyfs")
# Backends that store nothing: `fail` raises on every call, `null` silently drops writes.
_NO_STORAGE_BACKENDS = {
    "keyring.backends.fail.Keyring": "未找到可用的系统密钥库",
    "keyring.backends.null.Keyring": "系统密钥库已被禁用（PYTHON_KEYRING_BACKEND 指定了 null 后端）",
}

_HOW_TO_FIX = (
    "提交包仍可导出，但只能作为未签名的草稿。"
    "要导出签名的正式提交包：Windows 上请确认“凭据管理器”(Credential Manager) 可用"
    "（服务 VaultSvc 已启动，且当前账户不是受限的临时账户）；"
    "Linux 上请安装并解锁 Secret Service（如 GNOME 密钥环 gnome-keyring 或 KWallet）；"
    "然后重新导出。"
)


class SigningKeyError(Exception):
    """The signing key cannot be used; ``str(exc)`` is a Chinese message for the user."""


class KeyringUnavailable(SigningKeyError):
    """No keyring backend that may hold the signing key."""

    def __init__(self, reason: str, backend_name: str | None = None) -> None:
        self.reason = reason
        self.backend_name = backend_name
        super().__init__(f"无法使用系统密钥库保存提交包签名密钥：{reason}。{_HOW_TO_FIX}")


class SigningKeyCorrupt(SigningKeyError):
    """The keyring holds something under our name that is not a valid key.

    We never overwrite it automatically: a silently replaced key would change the installation's
    fingerprint, and the recipient would no longer recognise later packages.
    """

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(
            f"系统密钥库中保存的提交包签名密钥（服务 {SERVICE}，用户名 {username}）已损坏，无法读取。"
            "为避免签名身份被悄悄替换，程序不会自动覆盖它。"
            "请联系技术支持；或在确认后于 Windows 凭据管理器中删除该条目，"
            "程序会在下次导出时生成新密钥（之后请把新的密钥指纹告知接收方）。"
        )


def _backend_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _refusal_reason(backend: KeyringBackend) -> str | None:
    """Chinese reason why this concrete backend must not hold the key, or None if it may."""
    name = _backend_name(backend)
    if name in _NO_STORAGE_BACKENDS:
        return _NO_STORAGE_BACKENDS[name]
    for cls in type(backend).__mro__:
        module = cls.__module__ or ""
        if module.startswith(_FILE_BACKEND_MODULES) or "plaintext" in cls.__name__.lower():
            return f"当前密钥库 {name} 会把密钥保存在普通文件中，为安全起见程序拒绝使用"
    return None


def _register_platform_backend() -> None:
    """Import the Windows backend so keyring sees it even if a frozen build lost the entry points
    keyring uses to discover backends (it then falls back to the ``fail`` backend)."""
    import sys

    if sys.platform == "win32":
        try:
            import keyring.backends.Windows  # noqa: F401 - importing registers the backend class
        except ImportError:
            log.warning("keyring's Windows backend cannot be imported")


def _resolve_backend() -> KeyringBackend:
    """The concrete backend the key goes to, or raise KeyringUnavailable.

    A ChainerBackend writes to its first backend that accepts the call; we resolve that choice here
    so that a plaintext backend further down the chain can never end up holding the key.
    """
    _register_platform_backend()
    try:
        active = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - a misconfigured backend (bad PYTHON_KEYRING_BACKEND, broken
        # plugin) is "no keyring" to the user, not a crash: the export goes on unsigned.
        raise KeyringUnavailable(f"系统密钥库无法加载（{type(exc).__name__}: {exc}）", "unknown") from None
    candidates: list[KeyringBackend]
    if type(active).__name__ == "ChainerBackend" and hasattr(active, "backends"):
        candidates = list(active.backends)
    else:
        candidates = [active]
    reasons: list[str] = []
    for backend in candidates:
        reason = _refusal_reason(backend)
        if reason is None:
            return backend
        reasons.append(reason)
    reason = reasons[0] if reasons else _NO_STORAGE_BACKENDS["keyring.backends.fail.Keyring"]
    raise KeyringUnavailable(reason, _backend_name(active))


def keyring_status(probe: bool = False) -> dict[str, Any]:
    """Backend name, whether the signing key can be kept there, and a Chinese reason (self-test).

    With ``probe`` the key entry is also read once (never written), which catches a locked or
    broken keyring; on macOS/Linux that read may show an unlock prompt.
    """
    try:
        backend = _resolve_backend()
    except KeyringUnavailable as exc:
        return {
            "backend": exc.backend_name if hasattr(exc, "backend_name") else "unknown",
            "usable": False,
            "reason": str(exc),
        }
    status: dict[str, Any] = {
        "backend": _backend_name(backend),
        "usable": True,
        "reason": "签名密钥保存在系统密钥库中",
    }
    if probe:
        try:
            backend.get_password(SERVICE, SIGNING_KEY_USERNAME)
        except keyring.errors.KeyringError as exc:
            status["usable"] = False
            status["reason"] = str(KeyringUnavailable(_access_reason(exc), status["backend"]))
    return status


def _access_reason(exc: BaseException) -> str:
    if isinstance(exc, keyring.errors.KeyringLocked):
        return "系统密钥库已锁定，请先解锁后重试"
    return f"访问系统密钥库失败（{type(exc).__name__}: {exc}）"


def _decode(stored: str, username: str) -> Ed25519PrivateKey:
    try:
        raw = base64.b64decode(stored.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise SigningKeyCorrupt(username) from exc
    if len(raw) != _RAW_KEY_LEN:
        raise SigningKeyCorrupt(username)
    return Ed25519PrivateKey.from_private_bytes(raw)


def _encode(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def load_or_create_signing_key(username: str = SIGNING_KEY_USERNAME) -> Ed25519PrivateKey:
    """The installation's signing key; generated and stored in the keyring on first use.

    Raises KeyringUnavailable when no acceptable keyring exists or it cannot be accessed, and
    SigningKeyCorrupt when the stored entry is not a valid key.
    """
    backend = _resolve_backend()
    name = _backend_name(backend)
    try:
        stored = backend.get_password(SERVICE, username)
        if stored is not None:
            return _decode(stored, username)
        key = Ed25519PrivateKey.generate()
        backend.set_password(SERVICE, username, _encode(key))
        # Read back: a backend may accept a write and drop it, and a concurrent first run in
        # another process may have stored its own key first; the stored one is the identity.
        stored = backend.get_password(SERVICE, username)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_access_reason(exc), name) from exc
    except (OSError, RuntimeError) as exc:
        # Backends surface D-Bus, Credential Manager and plugin failures as plain exceptions.
        raise KeyringUnavailable(f"系统密钥库访问失败（{exc}）", name) from exc
    if stored is None:
        raise KeyringUnavailable("系统密钥库没有保存写入的密钥（写入后读取为空）", name)
    log.info("created package-signing key in keyring backend %s", name)
    return _decode(stored, username)
