"""``cets-desktop``, ``cets-desktop gui`` and ``cets-desktop --workspace W gui`` start the window
without building the whole command parser; what they ask for is what the parser would say."""

from __future__ import annotations

import pytest

from cets_desktop import cli


@pytest.mark.parametrize(
    "argv",
    [[], ["gui"], ["--workspace", "D:/数据/我的工作区.cetsdb", "gui"]],
)
def test_plain_gui_start_reads_like_the_parser(argv: list[str]) -> None:
    fast = cli._plain_gui_start(argv)
    assert fast is not None
    parser = cli.build_parser()
    full = parser.parse_args(argv)
    if full.command is None:
        full = parser.parse_args(["gui", *argv])
    for name in ("command", "func", "workspace", "demo", "screenshot", "self_test"):
        assert getattr(fast, name) == getattr(full, name), name


@pytest.mark.parametrize(
    "argv",
    [
        ["gui", "--demo"],
        ["gui", "--screenshot", "a.png"],
        ["--self-test"],
        ["forms"],
        ["--workspace"],
        ["--workspace", "w.cetsdb"],  # the parser refuses this (the option belongs before a command)
        ["--workspace", "--demo"],
        ["--version"],
        ["-h"],
    ],
)
def test_anything_else_goes_through_the_parser(argv: list[str]) -> None:
    assert cli._plain_gui_start(argv) is None
