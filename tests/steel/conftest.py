"""Setup for tests/steel: makes ``steel_helpers`` importable and runs the CLI in-process."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from steel_helpers import Run  # noqa: E402


@pytest.fixture
def cli_inprocess(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``cets_desktop.cli.main`` in this process: uses the test's in-memory keyring, so packages get signed."""
    from cets_desktop.cli import main

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
