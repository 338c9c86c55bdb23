"""Number cells read without a Decimal give what the Decimal path gives.

``converter`` first asks :func:`cets_desktop.io.workbook_cells._plain_number` (an int below
10^15, a float whose ``repr`` has no exponent); when it answers None the number goes through
``parse_decimal`` as before, unchanged. So the converter reads every cell as before exactly when
each answer it gives is the one the Decimal path gives: ``to_json_number(parse_decimal(value))``
with no problem, and for an integer field only a whole number. Checked on the values Excel hands
over: whole and fractional floats of every size, -0.0, the limits, subnormals, NaN and
infinities, huge ints, booleans, text and dates.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import struct
from decimal import Decimal
from typing import Any

import pytest

from cets_desktop.core.loader import default_registry
from cets_desktop.core.numbers import NotANumber, parse_decimal, to_json_number
from cets_desktop.io.workbook_cells import _plain_number, converter


def decimal_path(value: Any, integer: bool) -> str | None:
    """What the number converter returns without a problem, or None where it reports one."""
    try:
        d = parse_decimal(value)
    except NotANumber:
        return None
    if d is None or (integer and d != d.to_integral_value()):
        return None
    return to_json_number(d)


def _floats() -> list[float]:
    rng = random.Random(20261202)
    edges = [0.0, -0.0, 1e-4, 9.999e-5, 1e-5, 0.1, 0.2 + 0.1, 1 / 3, 21.5, 152340.5, 0.0611, 3.0]
    edges += [1e15, -1e15, math.nextafter(1e15, 0), -math.nextafter(1e15, 0), 1e16, 123456789012345.6]
    edges += [5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, math.inf, -math.inf, math.nan]
    edges += [2.0**53, 2.0**53 + 2, 999999999999999.9, 0.00012345678901234567, 12.5e3]
    scaled = [rng.uniform(-1, 1) * 10 ** rng.randint(-8, 17) for _ in range(20000)]
    rounded = [round(rng.uniform(-1e6, 1e6), rng.randint(0, 6)) for _ in range(20000)]
    bits = [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(20000)]
    return edges + scaled + rounded + bits


def _ints() -> list[int]:
    rng = random.Random(7)
    edges = [0, 1, -1, 10**15 - 1, 10**15, -(10**15) + 1, -(10**15), 10**60, -(2**200), 2**53 + 1]
    return edges + [rng.randint(-(10**16), 10**16) for _ in range(20000)] + list(range(-500, 5000))


@pytest.mark.parametrize("integer", [False, True])
def test_every_plain_answer_is_the_decimal_paths(integer: bool) -> None:
    values: list[Any] = [*_floats(), *_ints()]
    wrong = []
    for value in values:
        plain = _plain_number(value, integer)
        if plain is not None and plain != decimal_path(value, integer):
            wrong.append((value, plain, decimal_path(value, integer)))
    assert wrong == []
    for kind in (float, int):  # the fast answer is given, not only checked where it is absent
        assert sum(_plain_number(v, integer) is not None for v in values if type(v) is kind) > 1000


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        None,
        "12.5",
        "1,234",
        " 7 ",
        Decimal("1.5"),
        dt.date(2026, 10, 1),
        dt.datetime(2026, 1, 2),
    ],
)
def test_other_cells_are_left_to_the_decimal_path(value: Any) -> None:
    assert _plain_number(value, False) is None and _plain_number(value, True) is None


def test_the_converter_reads_cells_as_the_decimal_path_for_both_number_types() -> None:
    registry = default_registry()
    decimal_field = next(f for f in registry.get("power-monthly").all_fields() if f.type == "decimal")  # type: ignore[union-attr]
    integer_field = next(f for f in registry.get("aluminium-monthly").all_fields() if f.type == "integer")  # type: ignore[union-attr]
    for form, field in (("power-monthly", decimal_field), ("aluminium-monthly", integer_field)):
        spec = registry.get(form)
        assert spec is not None
        read = converter(spec, field)
        integer = field.type == "integer"
        for value in [21.5, 3.0, -0.0, 660, 0.0611, 1e-5, 1e15, 10**15, 2.5, math.nan, 7]:
            expected = decimal_path(value, integer)
            got, problem = read(value)
            if expected is not None:
                assert (got, problem) == (expected, None), value
            else:
                assert problem, value  # reported as before (the message comes from coerce_scalar)
