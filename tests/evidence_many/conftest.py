"""Evidence once, for many items: offscreen Qt with the app's font and style, isolated QSettings,
and a private copy of the demo workspace (two coal units; October a draft with no evidence)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))  # many_helpers


@pytest.fixture(scope="session", autouse=True)
def app_setup(qapp, tmp_path_factory):  # type: ignore[no-untyped-def]
    from qt_app_setup import configure_like_run_gui

    configure_like_run_gui(qapp, tmp_path_factory.mktemp("qsettings"))
    return qapp


@pytest.fixture
def window(qtbot, demo_path: Path) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    from qt_app_setup import open_main_window

    win = open_main_window(qtbot, demo_path, size=(1366, 768), activate=False)
    yield win
    win.close()
