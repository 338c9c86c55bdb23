"""Polish tests (issue #14 leftovers): offscreen Qt with the app's own setup, isolated settings, a
fresh copy of the demo workspace or an empty workspace per test, screenshots in ``_screens/``."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from qt_app_setup import open_main_window  # noqa: E402

SCREENS = Path(__file__).parent / "_screens"


@pytest.fixture(scope="session", autouse=True)
def app_setup(qapp, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The same application setup as run_gui (font with CJK glyphs, style, Chinese Qt strings)."""
    from qt_app_setup import configure_like_run_gui

    configure_like_run_gui(qapp, tmp_path_factory.mktemp("qsettings"))
    return qapp


@pytest.fixture
def window(qtbot, demo_path: Path) -> Iterator:  # type: ignore[no-untyped-def]
    win = open_main_window(qtbot, demo_path)
    yield win
    win.close()


@pytest.fixture
def empty_window(qtbot, tmp_path: Path) -> Iterator:  # type: ignore[no-untyped-def]
    win = open_main_window(qtbot, tmp_path / "new.cetsdb")
    yield win
    win.close()


@pytest.fixture
def shot():  # type: ignore[no-untyped-def]
    """``shot(widget, name)``: save a screenshot of ``widget`` to ``_screens/name.png``."""

    def save(widget, name: str) -> Path:  # type: ignore[no-untyped-def]
        SCREENS.mkdir(exist_ok=True)
        path = SCREENS / f"{name}.png"
        assert widget.grab().save(str(path)), f"截图保存失败：{path}"
        return path

    return save
