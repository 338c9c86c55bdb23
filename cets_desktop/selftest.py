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
    return {"ok": not errors and bool(registry.forms), "forms": sorted(f"{i}@{v}" for i, v in registry.forms),
            "reference_tables": len(refs.tables), "errors": errors}


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


def _check_keyring() -> dict[str, Any]:
    from .security.keys import keyring_status

    status = keyring_status()
    # A missing keyring does not stop drafting; it stops signing. Reported, not fatal on Linux CI.
    return {"ok": True, **status}


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
    return {
        "ok": all(r.get("ok") for r in results.values()),
        "version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "frozen": bool(getattr(sys, "frozen", False)),
        "qt_platform_env": os.environ.get("QT_QPA_PLATFORM"),
        "checks": results,
    }
