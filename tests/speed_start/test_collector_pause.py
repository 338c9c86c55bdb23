"""The garbage collector is paused for the window's cold start and resumed at the first paint
(gui_start.pause_collector / resume_collector; bench/bench_gui_start.py measures the gain)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cets_desktop import gui_start
from cets_desktop.ui import app as app_module

from .test_first_paint import start


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the collector, the test process gets it back as it was."""
    enabled = gc.isenabled()
    yield
    gui_start._collector_paused = False
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def _parts(line: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in line.split())


def test_pause_then_resume_freezes_the_start_and_collects_again(collector: None) -> None:
    gc.enable()
    gc.unfreeze()
    gui_start.pause_collector()
    assert not gc.isenabled()
    kept = [[n] for n in range(1000)]  # what a start makes and keeps
    gui_start.resume_collector()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept)  # out of later collections' way
    frozen = gc.get_freeze_count()
    gui_start.resume_collector()  # a second resume changes nothing
    assert gc.get_freeze_count() == frozen


def test_resume_without_pause_leaves_a_disabled_collector_alone(collector: None) -> None:
    """A caller that disabled the collector itself (a test, an embedding app) keeps it so."""
    gc.disable()
    gc.unfreeze()
    gui_start.pause_collector()  # already off: not ours to resume
    gui_start.resume_collector()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_failed_start_resumes_the_collector(collector: None, monkeypatch: pytest.MonkeyPatch) -> None:
    gc.enable()

    def broken(*_args: object) -> int:
        raise RuntimeError("the window could not be built")

    monkeypatch.setattr(app_module, "_run_gui", broken)
    gui_start.pause_collector()
    with pytest.raises(RuntimeError):
        app_module.run_gui(None, demo=False, screenshot=None)
    assert gc.isenabled()


def test_a_window_without_a_calendar_resumes_at_once(collector: None, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The welcome page (no workspace yet) never paints a calendar: nothing waits for one."""
    from PySide6.QtWidgets import QMainWindow

    gc.enable()
    window = QMainWindow()
    qtbot.addWidget(window)
    gui_start.pause_collector()
    app_module._resume_collector_after_first_paint(window)
    assert gc.isenabled()


def test_the_real_start_runs_without_collections_until_the_first_paint(
    demo_path: Path, tmp_path: Path
) -> None:
    """As a user starts it: the collector is off from before PySide6 is imported until the
    calendar's first paint, then on again (a bare PySide6 window collects ~35 times meanwhile)."""
    lines = start(demo_path, tmp_path / "home", tmp_path / "cache")
    state = _parts(lines["TYPES_AT_READY"])
    assert state["collector"] == "on"
    # Only what the interpreter's own start collected before the pause (site, encodings …): the
    # same count as an interpreter that imports nothing but the start module.
    before_pause = subprocess.run(
        [sys.executable, "-c", "import gc, cets_desktop.gui_start; print(gc.get_stats()[0]['collections'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(state["collections"]) <= int(before_pause.stdout) + 2
