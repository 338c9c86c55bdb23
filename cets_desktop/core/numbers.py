"""Decimal parsing and the one place where rounding happens.

The guides round "四舍五入" (half up), not banker's rounding, and only where a template says how
many places a value carries; everything else is kept in full precision.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")


class NotANumber(ValueError):
    """The text cannot be read as a number; ``text`` is what the user typed."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


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
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NotANumber(str(value))
        return Decimal(repr(value))
    text = str(value).strip().translate(_FULLWIDTH).replace(",", "").replace(" ", "")
    if text == "":
        return None
    if not _NUMBER.match(text):
        raise NotANumber(str(value))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise NotANumber(str(value)) from None


def round_half_up(value: Decimal, places: int) -> Decimal:
    """四舍五入 to ``places`` decimals (negative places round to tens, hundreds …)."""
    quantum = Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_decimal(value: Decimal | None, places: int | None = None) -> str:
    """Plain text for reports: no exponent, rounded half up when ``places`` is given."""
    if value is None:
        return ""
    if places is not None:
        value = round_half_up(value, places)
        return f"{value:,.{places}f}" if abs(value) >= 10000 else f"{value:.{places}f}"
    text = format(value.normalize(), "f")
    return text


def to_json_number(value: Decimal) -> str:
    """Canonical JSON form of a number: a string, so no precision is lost in transit."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
