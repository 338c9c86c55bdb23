"""A keyring backend a *subprocess* can select with PYTHON_KEYRING_BACKEND (CLI tests).

The key lives in that process's memory only, which is enough for one `export` + the manifest's
public key for `verify`. With CETS_TEST_KEYRING_FILE set, processes share one store in that file,
like one installation's keyring (a chain of exports must keep its key). Never installed with the app.
"""

from __future__ import annotations

import json
import os

from keyring.backend import KeyringBackend


class ProcessMemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._store: dict[tuple[str, str], str] = {}

        self._file = os.environ.get("CETS_TEST_KEYRING_FILE")
        if self._file and os.path.exists(self._file):
            with open(self._file, encoding="utf-8") as fh:
                self._store = {tuple(k.split("\x1f", 1)): v for k, v in json.load(fh).items()}  # type: ignore[misc]

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password
        if self._file:
            with open(self._file, "w", encoding="utf-8") as fh:
                json.dump({"\x1f".join(k): v for k, v in self._store.items()}, fh)

    def delete_password(self, service: str, username: str) -> None:
        self._store.pop((service, username), None)
