"""Setup for tests/a5_other: helpers importable, the CLI run in-process (the test's in-memory keyring signs)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(
    0, str(Path(__file__).parents[1] / "cement")
)  # shared CLI helpers (fill like a user, evidence)

from sector_cli import Run  # noqa: E402


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    from cets_desktop.cli import main

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
