"""An in-memory keyring backend for tests, so no test touches the developer's real keyring."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Stores passwords in a dict owned by the instance."""

    @properties.classproperty
    def priority(cls) -> float:
        # Not viable for automatic selection: importing this module must never make it the
        # default backend of a later keyring.get_keyring() call. Tests select it explicitly.
        raise RuntimeError("MemoryKeyring is for tests; select it with keyring.set_keyring()")

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.store[(service, username)]
        except KeyError:
            raise PasswordDeleteError(f"{service}/{username} not set") from None
