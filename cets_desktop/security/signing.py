"""Ed25519 signatures for submission packages.

A signature shows that a package came from the installation holding the key and was not altered
afterwards. It is not a legal electronic signature: the recipient has to know this installation's
fingerprint (shown in the app and printed in the report) to tell it from someone else's key.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from cets_desktop.security.keys import load_or_create_signing_key

ALGORITHM = "Ed25519"
SIGNATURE_LEN = 64
PUBLIC_KEY_LEN = 32
# 16 hex digits (64 bits) are enough for a person to compare by eye or over the phone; this is an
# identifier, not the security boundary (verification always uses the full public key).
_FINGERPRINT_HEX = 16


def sign(data: bytes, key: Ed25519PrivateKey | None = None) -> bytes:
    """64-byte Ed25519 signature of ``data`` with ``key`` or the installation's keyring key."""
    return (key or load_or_create_signing_key()).sign(data)


def public_key_bytes(key: Ed25519PrivateKey | None = None) -> bytes:
    """Raw 32-byte public key of ``key`` or of the installation's keyring key."""
    private = key or load_or_create_signing_key()
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(pub: bytes) -> str:
    """Short lowercase hex of SHA-256 over the raw public key."""
    return hashlib.sha256(pub).hexdigest()[:_FINGERPRINT_HEX]


def verify_signature(pub: bytes, data: bytes, sig: bytes) -> bool:
    """True only if ``sig`` is a valid signature of ``data`` under raw public key ``pub``."""
    if len(pub) != PUBLIC_KEY_LEN or len(sig) != SIGNATURE_LEN:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, data)
    except (InvalidSignature, ValueError):
        return False
    return True
