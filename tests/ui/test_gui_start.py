"""The cold-start hook of bench/bench_gui_start.py: ``CETS_EXIT_WHEN_READY`` makes ``run_gui``
report when the window is usable and when every calendar card is evaluated, then return."""

from __future__ import annotations

from pathlib import Path

import pytest

from cets_desktop.ui.app import EXIT_WHEN_READY_ENV, run_gui


def stamps(text: str) -> dict[str, float]:
    return {
        line.split()[0]: float(line.split()[1])
        for line in text.splitlines()
        if line.startswith(("READY", "SETTLED"))
    }


def test_ready_then_settled_on_the_demo_workspace(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(EXIT_WHEN_READY_ENV, "1")
    assert run_gui(demo_path, demo=False, screenshot=None) == 0
    found = stamps(capsys.readouterr().out)
    assert set(found) == {"READY", "SETTLED"} and found["READY"] <= found["SETTLED"]


def test_ready_on_a_workspace_without_enterprises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(EXIT_WHEN_READY_ENV, "1")
    assert run_gui(tmp_path / "空工作区.cetsdb", demo=False, screenshot=None) == 0
    assert set(stamps(capsys.readouterr().out)) == {"READY", "SETTLED"}
