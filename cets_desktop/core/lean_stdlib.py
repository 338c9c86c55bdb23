"""The C halves of ``json``, ``datetime`` and ``sqlite3``, for the window's first paint.

On Python 3.11 the public modules cost the cold start more than the first screen uses of them
(measured here, with PySide6 already imported; bench/bench_gui_start.py):

* ``import json`` compiles six regular expressions: ≈ 5.5 ms, where ``_json`` loads in 0.7 ms;
* ``import datetime`` runs its 2,600-line pure-Python fallback before the C module replaces it
  (Python 3.12 no longer does): ≈ 4.5 ms, where ``_datetime`` loads in 1 ms;
* ``import sqlite3`` imports ``datetime`` to register its default adapters: ≈ 2 ms more.

The first screen only reads small JSON values, does date arithmetic and reads SQLite, so the
modules it imports take these names from here. They are the very objects the public modules
export (``datetime.date is _datetime.date``, ``sqlite3.connect is _sqlite3.connect``), and
:func:`json_loads` / :func:`json_dumps_canonical` give exactly what ``json.loads`` and
``json.dumps(…, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` give: the fast path
only takes input it reads whole, and anything else (malformed, a byte-order mark, UTF-16) goes to
``json`` itself, which then returns or raises as it always does (tests/speed_start/test_lean_stdlib.py).
Where a C half is missing (another interpreter), the public module is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date, datetime, timedelta
    from sqlite3 import Connection, connect
    from sqlite3 import Error as SqliteError
else:
    try:
        from _datetime import date, datetime, timedelta
    except ImportError:  # pragma: no cover - CPython always builds _datetime
        from datetime import date, datetime, timedelta
    try:
        from _sqlite3 import Connection, connect
        from _sqlite3 import Error as SqliteError
    except ImportError:  # pragma: no cover
        from sqlite3 import Connection, connect
        from sqlite3 import Error as SqliteError

_json_c: Any
try:
    import _json as _json_c
except ImportError:  # pragma: no cover - CPython always builds _json
    _json_c = None

__all__ = [
    "Connection",
    "SqliteError",
    "connect",
    "date",
    "datetime",
    "json_dumps_canonical",
    "json_loads",
    "timedelta",
]

_WHITESPACE = " \t\n\r"  # JSON's whitespace (json.decoder.WHITESPACE)


class _DecoderDefaults:
    """The attributes the C scanner reads, as ``json.JSONDecoder()`` sets them."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__


_scan: Any = _json_c.make_scanner(_DecoderDefaults()) if _json_c is not None else None


def json_loads(text: str | bytes | bytearray) -> Any:
    """``json.loads(text)``: the same value, or the same error (raised by ``json`` itself)."""
    if _scan is not None:
        try:
            decoded = text if isinstance(text, str) else bytes(text).decode("utf-8")
            start = len(decoded) - len(decoded.lstrip(_WHITESPACE))
            value, end = _scan(decoded, start)
        except (ValueError, StopIteration):
            pass  # malformed, or bytes json reads otherwise (BOM, UTF-16/32): json decides
        else:
            if not decoded[end:].strip(_WHITESPACE):
                return value
    import json

    return json.loads(text)


def _not_serializable(value: object) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def json_dumps_canonical(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``: the
    compact, key-sorted form checksums are taken over."""
    if _json_c is None:  # pragma: no cover
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, str):  # as JSONEncoder.encode: a bare string is encoded directly
        return str(_json_c.encode_basestring(value))
    encode = _json_c.make_encoder(
        {}, _not_serializable, _json_c.encode_basestring, None, ":", ",", True, False, True
    )
    return "".join(encode(value, 0))
