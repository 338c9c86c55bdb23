"""Decimal parsing and the one place where rounding happens.

The guides round "四舍五入" (half up), not banker's rounding, and only where a template says how
many places a value carries; everything else is kept in full precision.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")


# What a filing can hold. Real values are far inside: a large plant burns ~10^7 t of coal a
# year, and no template keeps more than a handful of decimals. Outside this range a number is
# a typo or an attack (1e5000, 1e-400, 30 digits) and is reported at its field, never computed.
MAX_INTEGER_DIGITS = 15
"""|value| < 10^15."""
MAX_FRACTION_DIGITS = 20
"""At most 20 decimal places (trailing zeros do not count)."""
MAX_NUMBER_TEXT = 64
"""Longer text is not read as a number at all (a 4,300-digit integer costs time to convert)."""
MAX_ROUND_PLACES = 30
"""``round(x, n)`` and template decimals: |n| beyond this is not a rounding anyone asked for."""
_LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS
RANGE_TEXT = f"绝对值须小于 10 的 {MAX_INTEGER_DIGITS} 次方、小数不超过 {MAX_FRACTION_DIGITS} 位"


class NotANumber(ValueError):
    """The text cannot be read as a number; ``text`` is what the user typed."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class NumberOutOfRange(NotANumber):
    """A number, but outside what a filing can hold (see :data:`MAX_INTEGER_DIGITS`)."""


def shown(text: str, limit: int = 24) -> str:
    """A value for a message: long text is cut (a message never repeats 5,000 digits)."""
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 个字符）"


def in_range(value: Decimal) -> bool:
    """Finite, |value| < 10^15 and at most 20 decimal places."""
    if not value.is_finite():
        return False
    if value.is_zero():
        return True
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        return False
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent >= -MAX_FRACTION_DIGITS:
        return True
    return decimal_places(value) <= MAX_FRACTION_DIGITS


def _checked(value: Decimal, text: str) -> Decimal:
    if not value.is_finite():
        raise NotANumber(text)
    if not in_range(value):
        raise NumberOutOfRange(text)
    if value.is_zero():
        return Decimal(0) if not -MAX_FRACTION_DIGITS <= value.as_tuple().exponent <= 0 else value  # type: ignore[operator]
    return value


def parse_decimal(value: object) -> Decimal | None:
    """Read a user's number: Decimal, int, float, or text such as "12,345.6", "１２３", "45%".

    Blank gives None. Text that is not a number (e.g. "一百") raises :class:`NotANumber`.
    Floats go through ``repr`` so 0.1 stays 0.1 (Excel gives floats).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, Decimal):
        return _checked(value, shown(str(value)))
    if isinstance(value, int):
        if value.bit_length() > 4 * MAX_INTEGER_DIGITS:  # str() of a huge int is slow or refused
            raise NumberOutOfRange(f"{value.bit_length()} 位二进制的整数")
        return _checked(Decimal(value), str(value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NotANumber(str(value))
        return _checked(Decimal(repr(value)), repr(value))
    raw = str(value)
    text = raw.strip().translate(_FULLWIDTH).replace(",", "").replace(" ", "")
    if text == "":
        return None
    if len(text) > MAX_NUMBER_TEXT:
        if _NUMBER.match(text[:MAX_NUMBER_TEXT]):
            raise NumberOutOfRange(shown(raw.strip()))
        raise NotANumber(shown(raw.strip()))
    if not _NUMBER.match(text):
        raise NotANumber(raw)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise NotANumber(raw) from None
    return _checked(number, raw.strip())


def round_half_up(value: Decimal, places: int) -> Decimal:
    """四舍五入 to ``places`` decimals (negative places round to tens, hundreds …).

    Total for every finite value: the precision grows with the digits the result needs, so a
    large calculated value never raises ``InvalidOperation``; ``places`` is clamped to ±30 and
    non-finite values come back unchanged.
    """
    if not value.is_finite():
        return value
    places = max(-MAX_ROUND_PLACES, min(MAX_ROUND_PLACES, int(places)))
    quantum = Decimal(1).scaleb(-places)
    needed = max(value.adjusted(), 0) + places + 2
    if needed <= 28:
        return value.quantize(quantum, rounding=ROUND_HALF_UP)
    with localcontext() as ctx:
        ctx.prec = needed
        return value.quantize(quantum, rounding=ROUND_HALF_UP)


def decimal_places(value: Decimal) -> int:
    if not value.is_finite():
        return 0
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0:
        return 0
    # Trailing zeros do not count; stripped from the digit tuple, not by normalize(), which
    # rounds to the context precision (28 digits) and would undercount longer values.
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(-(exponent + trailing), 0) if any(digits) else 0


def format_decimal(value: Decimal | None, places: int | None = None) -> str:
    """Plain text for reports: no exponent, rounded half up when ``places`` is given.

    With ``places`` this is the one number format a person reads (window, PDF, messages): the
    template's decimals with trailing zeros kept and, for a number with decimals, thousands
    separated by commas from 1,000 up — exactly what the Excel cells show with their ``#,##0.00``
    format. Whole numbers (``places`` 0) keep four digits together, as Chinese print does (2026 年,
    6630; 68,500 t): Excel's whole-number format says the same (:data:`WHOLE_NUMBER_FORMAT`).
    ``calc --json`` carries the same digits without separators (:func:`plain_decimal`).
    """
    if value is None:
        return ""
    if places is not None:
        places = max(0, min(int(places), MAX_ROUND_PLACES))
        value = round_half_up(value, places)
        if places == 0 and abs(value) < 10000:
            return f"{value:.0f}"
        return f"{value:,.{places}f}"
    text = format(value.normalize(), "f")
    return text


WHOLE_NUMBER_FORMAT = "[>=10000]#,##0;[<=-10000]-#,##0;0"
"""Excel's form of :func:`format_decimal` with no decimals: a separator from 10,000 up only."""


def plain_decimal(value: Decimal, places: int) -> str:
    """The machine form of :func:`format_decimal`: same rounding and decimals, no separators."""
    places = max(0, min(int(places), MAX_ROUND_PLACES))
    return f"{round_half_up(value, places):.{places}f}"


def to_json_number(value: Decimal) -> str:
    """Canonical JSON form of a number: a string, so no precision is lost in transit."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
