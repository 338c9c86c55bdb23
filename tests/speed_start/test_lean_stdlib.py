"""core.lean_stdlib: what the first paint takes from the C halves of json, datetime and sqlite3 is
exactly what the public modules give — same objects, same values, same errors."""

from __future__ import annotations

import datetime as public_datetime
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cets_desktop.core import lean_stdlib

VALID = [
    '{"sectors": ["power", "cement"], "settings": {"sandbox": true, "n": 3}}',
    '  [1, 2.5, -0.0, 1e400, -1e-400, 12345678901234567890, "碳排放", null, false]\n',
    '"\\u78b3\\ud83d\\ude00 \\n\\t"',
    "0",
    "[]",
    "{}",
    '{"a": NaN, "b": Infinity, "c": -Infinity}',
    '{"k": 1, "k": 2}',  # the last one wins, as in json
    "\t\r\n 7 \t\r\n",
]
INVALID = [
    "",
    "   ",
    "{",
    '{"a": 1,}',
    "[1, 2] x",
    "[1] [2]",
    "'single'",
    '"raw \x01 control"',
    "\ufeff{}",  # a str with a byte-order mark: json refuses it
    "nan",
    "01",
    '{"a" 1}',
    "\u00a0{}",  # not JSON whitespace
]


@pytest.mark.parametrize("text", VALID)
def test_loads_gives_what_json_gives(text: str) -> None:
    expected = json.loads(text)
    got = lean_stdlib.json_loads(text)
    assert repr(got) == repr(expected)  # repr: NaN != NaN, and -0.0 == 0.0
    assert lean_stdlib.json_loads(text.encode("utf-8")) == got or repr(got) == repr(expected)


@pytest.mark.parametrize("text", INVALID)
def test_loads_raises_what_json_raises(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        lean_stdlib.json_loads(text)
    assert (str(got.value), got.value.pos) == (str(expected.value), expected.value.pos)


@pytest.mark.parametrize(
    "data",
    [
        b'\xef\xbb\xbf{"bom": "utf-8"}',  # json.loads reads UTF-8 with a BOM from bytes
        '{"utf16": "碳"}'.encode("utf-16"),
        '{"utf32": [1, 2]}'.encode("utf-32-le"),
        bytearray(b'{"mutable": 1}'),
    ],
)
def test_loads_reads_bytes_as_json_does(data: bytes) -> None:
    assert lean_stdlib.json_loads(data) == json.loads(data)


def test_loads_refuses_bytes_json_refuses() -> None:
    with pytest.raises(UnicodeDecodeError):
        json.loads(b'{"latin1": "\xe9"}')
    with pytest.raises(UnicodeDecodeError):
        lean_stdlib.json_loads(b'{"latin1": "\xe9"}')


CANONICAL = [
    {"b": [1, 2.5, None, True], "a": {"z": "碳", "y": float("inf")}, "c": -0.0},
    ['\u2028 \x00 \\ "quoted"', 1e-7, 123456789012345678901234567890],
    "bare string 碳",
    3.0,
    None,
    [],
    {"中": 1, "a": 2, "B": 3},
]


@pytest.mark.parametrize("value", CANONICAL)
def test_canonical_dumps_is_json_dumps(value: object) -> None:
    expected = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert lean_stdlib.json_dumps_canonical(value) == expected


def test_canonical_dumps_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        lean_stdlib.json_dumps_canonical({"when": public_datetime.date(2026, 12, 1)})
    looped: list[object] = []
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference"):
        lean_stdlib.json_dumps_canonical(looped)


def test_dates_and_sqlite_are_the_public_objects() -> None:
    assert lean_stdlib.date is public_datetime.date
    assert lean_stdlib.datetime is public_datetime.datetime
    assert lean_stdlib.timedelta is public_datetime.timedelta
    assert lean_stdlib.connect is sqlite3.connect
    assert lean_stdlib.SqliteError is sqlite3.Error
    assert lean_stdlib.Connection is sqlite3.Connection


def test_reading_sqlite_needs_neither_datetime_nor_json(tmp_path: Path) -> None:
    """In a fresh interpreter: a date sum, a SQLite read and a JSON value, and neither the public
    ``datetime``, ``json`` nor ``sqlite3`` module got imported."""
    db = tmp_path / "w.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (v TEXT)")
        conn.execute("INSERT INTO t VALUES (?)", (json.dumps({"碳": [1, 2]}, ensure_ascii=False),))
    conn.close()
    code = (
        "import sys\n"
        "from cets_desktop.core.lean_stdlib import connect, date, json_loads, timedelta\n"
        f"conn = connect({str(db)!r})\n"
        "value = json_loads(conn.execute('SELECT v FROM t').fetchone()[0])\n"
        "conn.close()\n"
        "print(value, date(2026, 11, 30) + timedelta(days=40))\n"
        "print(sorted(m for m in ('datetime', 'json', 'sqlite3') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True
    )
    assert out.stdout.splitlines() == ["{'碳': [1, 2]} 2027-01-09", "[]"]
