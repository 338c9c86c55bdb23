"""The Qt bindings must not leak references to ``None``.

PySide6-Essentials 6.12.0 on Python 3.11 drops one reference to ``None`` on every Python call of a
Qt method that returns nothing; after enough calls the process aborts with
``Fatal Python error: none_dealloc`` (about 550 calendar year switches in the real window).
``pyproject.toml`` keeps the app off that release; this test catches any binding that leaks.
"""

from __future__ import annotations

import sys

import pytest

CALLS = 1000
MARGIN = 100  # unrelated allocations may move the count a little; the leak moves it by CALLS


def _drift(call) -> int:  # type: ignore[no-untyped-def]
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        call()
    return sys.getrefcount(None) - before


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_process_events_keeps_the_none_reference_count(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    _drift(QApplication.processEvents)  # warm caches first
    drift = _drift(QApplication.processEvents)
    assert abs(drift) <= MARGIN, f"None 的引用计数在 {CALLS} 次 processEvents() 后变化了 {drift}"


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_void_widget_methods_keep_the_none_reference_count(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    texts = iter(str(year) for year in range(10 * CALLS))
    _drift(lambda: label.setText(next(texts)))
    drift = _drift(lambda: label.setText(next(texts)))
    assert abs(drift) <= MARGIN, f"None 的引用计数在 {CALLS} 次 setText() 后变化了 {drift}"


def test_installed_bindings_are_not_the_leaking_release() -> None:
    from importlib.metadata import version

    if sys.version_info[:2] == (3, 11):
        assert version("PySide6-Essentials") != "6.12.0"
