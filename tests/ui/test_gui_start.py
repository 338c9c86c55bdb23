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


def test_a_damaged_workspace_is_named_left_untouched_and_the_welcome_page_offers_a_way_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A start on a file that is no workspace: one message naming the file and what to do, the
    file not written to (no journal beside it either), and the welcome page (restore a backup,
    new workspace) instead of a crash."""
    from PySide6 import QtWidgets

    import cets_desktop.ui.main_window as main_window

    damaged = tmp_path / "坏的工作区.cetsdb"
    body = bytes(range(256)) * 20
    damaged.write_bytes(body)
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QtWidgets.QMessageBox,
        "warning",
        staticmethod(lambda _parent, title, text, *_: said.append((title, text))),
    )
    windows: list[main_window.MainWindow] = []
    real_show = main_window.MainWindow.show_as_started
    monkeypatch.setattr(
        main_window.MainWindow, "show_as_started", lambda w: (windows.append(w), real_show(w))
    )
    monkeypatch.setenv(EXIT_WHEN_READY_ENV, "1")

    assert run_gui(damaged, demo=False, screenshot=None) == 0
    assert "READY" in stamps(capsys.readouterr().out)
    assert len(said) == 1
    title, text = said[0]
    assert title == "无法打开工作区"
    assert str(damaged) in text and "已损坏" in text and "从备份恢复" in text
    assert damaged.read_bytes() == body
    assert sorted(p.name for p in tmp_path.iterdir()) == [damaged.name]
    (window,) = windows
    assert window.desk is None and window.calendar is None
    assert window.stack.currentWidget() is window.welcome_host
    buttons = [b.text() for b in window.welcome.findChildren(QtWidgets.QPushButton)]
    assert "从备份恢复工作区…" in buttons and "新建我的工作区…" in buttons
