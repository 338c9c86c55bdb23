"""Screens-fit tests: the real window on a real-sized screen.

The page walks (``walk_pages.py``, ``walk_new_user.py``) run in a child pytest started by
``test_screens_fit.py`` with ``QT_QPA_PLATFORM=offscreen:configfile=…`` describing one screen
(1366×768, 1280×800, or 1920×1080 at ``QT_SCALE_FACTOR=1.5``), because the screen and the scale
factor must be fixed before the QApplication exists. ``CETS_SCREEN`` names the size; without it
the walks skip.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SCREEN = os.environ.get("CETS_SCREEN", "")
# Appended, not prepended: tests/ui imports its own ``conftest`` by name.
sys.path.append(str(Path(__file__).parent))  # screens_helpers


@pytest.fixture(scope="session", autouse=True)
def screen_app(request):  # type: ignore[no-untyped-def]
    """The application set up as run_gui does (CJK font, Fusion, style, Chinese Qt strings),
    with isolated QSettings so no earlier run's dock layout is restored."""
    if not SCREEN:
        yield None
        return
    qapp = request.getfixturevalue("qapp")
    tmp_path_factory = request.getfixturevalue("tmp_path_factory")
    from qt_app_setup import configure_like_run_gui

    configure_like_run_gui(qapp, tmp_path_factory.mktemp("qsettings"))
    yield qapp


def _open(qtbot, path: Path | None):  # type: ignore[no-untyped-def]
    from qt_app_setup import open_main_window
    from screens_helpers import show_like_the_app

    return open_main_window(qtbot, path, show=show_like_the_app)


@pytest.fixture
def window(qtbot, demo_path: Path) -> Iterator:  # type: ignore[no-untyped-def]
    win = _open(qtbot, demo_path)
    yield win
    win.close()


@pytest.fixture
def empty_window(qtbot, tmp_path: Path) -> Iterator:  # type: ignore[no-untyped-def]
    win = _open(qtbot, tmp_path / "new.cetsdb")
    yield win
    win.close()


@pytest.fixture
def welcome_window(qtbot) -> Iterator:  # type: ignore[no-untyped-def]
    """First start: no workspace yet (the welcome page)."""
    win = _open(qtbot, None)
    yield win
    win.close()
