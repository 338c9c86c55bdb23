"""A keyring backend a *subprocess* can select with PYTHON_KEYRING_BACKEND (CLI tests).

The key lives in that process's memory only, which is enough for one `export` + the manifest's
public key for `verify`. Never installed with the app.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend


class ProcessMemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._store.pop((service, username), None)
