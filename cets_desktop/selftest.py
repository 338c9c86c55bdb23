"""`cets-desktop --self-test`: is this installation able to do its job?

Runs on a developer machine, in CI and inside the frozen Windows build. Each check reports
ok + detail; the process exits 0 only if all required checks pass. Nothing reaches the network.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__


def _check_definitions() -> dict[str, Any]:
    from .core.loader import load_forms
    from .core.reference import load_references

    registry = load_forms()
    refs = load_references()
    errors = [str(e) for e in registry.errors + refs.errors]
    return {
        "ok": not errors and bool(registry.forms),
        "forms": sorted(f"{i}@{v}" for i, v in registry.forms),
        "reference_tables": len(refs.tables),
        "errors": errors,
    }


def _check_pdf_font() -> dict[str, Any]:
    from reportlab.pdfgen import canvas

    from .io.fonts import find_cjk_font, register_pdf_font

    choice = find_cjk_font()
    name = register_pdf_font()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "selftest.pdf"
        c = canvas.Canvas(str(path))
        c.setFont(name, 12)
        c.drawString(72, 720, "全国碳市场 自检 第1页")
        c.save()
        data = path.read_bytes()
    embedded = b"/FontFile2" in data
    return {"ok": embedded, "font": str(getattr(choice, "path", choice)), "embedded": embedded}


WINDOWS_KEYRING_BACKEND = "keyring.backends.Windows.WinVaultKeyring"


def keyring_required(platform_name: str | None = None, frozen: bool | None = None) -> bool:
    """The frozen Windows build must sign: there the keyring check is required. Elsewhere (a
    developer machine, Linux CI without a Secret Service) it is reported but does not fail the run;
    ``CETS_REQUIRE_KEYRING=1`` makes it required anywhere."""
    if os.environ.get("CETS_REQUIRE_KEYRING", "").strip() in ("1", "true", "yes"):
        return True
    platform_name = sys.platform if platform_name is None else platform_name
    frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    return platform_name == "win32" and frozen


def keyring_verdict(
    status: dict[str, Any], platform_name: str | None = None, frozen: bool | None = None
) -> dict[str, Any]:
    """The keyring check from a ``keyring_status`` result: ok only if the signing key can really be
    kept, and on Windows only in Credential Manager (WinVaultKeyring); always names the backend."""
    platform_name = sys.platform if platform_name is None else platform_name
    backend = str(status.get("backend") or "unknown")
    usable = bool(status.get("usable"))
    reason = str(status.get("reason") or "")
    ok = usable
    if platform_name == "win32" and backend != WINDOWS_KEYRING_BACKEND:
        ok = False
        reason = (
            f"当前密钥库后端为 {backend}，不是 Windows 凭据管理器（{WINDOWS_KEYRING_BACKEND}）；"
            "签名密钥无法保存在系统中。" + (reason if not usable else "")
        )
    return {
        "ok": ok,
        "required": keyring_required(platform_name, frozen),
        "backend": backend,
        "usable": usable,
        "reason": reason,
    }


def _check_keyring() -> dict[str, Any]:
    from .security.keys import keyring_status

    return keyring_verdict(keyring_status(probe=True))


def _check_qt() -> dict[str, Any]:
    try:
        from .ui.selftest import qt_checks
    except ImportError as exc:
        return {"ok": False, "error": f"无法导入 Qt：{exc}"}
    return qt_checks()


def _check_excel() -> dict[str, Any]:
    from .core.loader import default_registry
    from .io.xlsx_import import read_workbook
    from .io.xlsx_template import write_workbook

    spec = default_registry().get("power-monthly")
    assert spec is not None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "selftest.xlsx"
        write_workbook(spec, path)
        result = read_workbook(path)
    return {"ok": result.document.form == spec.id}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "definitions": _check_definitions,
    "pdf_font": _check_pdf_font,
    "excel": _check_excel,
    "keyring": _check_keyring,
    "qt": _check_qt,
}


def run_self_test() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - report every failure, keep checking the rest
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    # A check that says required=False (the keyring off the frozen Windows build) reports its
    # truth without failing the installation check.
    failed = sorted(name for name, r in results.items() if not r.get("ok") and r.get("required", True))
    return {
        "ok": not failed,
        "failed": failed,
        "version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "qt_platform_env": os.environ.get("QT_QPA_PLATFORM"),
        "checks": results,
    }
