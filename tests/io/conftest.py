"""Fixtures for io tests: no test may touch the developer's real keyring."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import keyring
import pytest
from keyring.backend import KeyringBackend

# tests/ has no __init__.py, so make tests/support importable as `support` for these tests.
_TESTS_DIR = str(Path(__file__).resolve().parents[1])
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from support.memory_keyring import MemoryKeyring  # noqa: E402

_B = TypeVar("_B", bound=KeyringBackend)


def _swap_keyring(backend: _B) -> Iterator[_B]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every io test runs against a fresh in-memory keyring (autouse: a forgotten fixture must
    never create a signing key in the real Windows Credential Manager or Secret Service)."""
    yield from _swap_keyring(MemoryKeyring())


@pytest.fixture
def no_keyring(memory_keyring: MemoryKeyring) -> Iterator[KeyringBackend]:
    """The headless-Linux situation: keyring's `fail` backend, nothing can be stored."""
    from keyring.backends import fail

    yield from _swap_keyring(fail.Keyring())
