"""Cell values of a filled workbook → raw document values, with a Chinese problem for each that isn't one.

One job: what a single cell means for a field (number, text, choice, date, boolean), the same
rules for .xlsx, .xls and .ods. Problems read exactly like the rules engine's (they come from
:func:`coerce_scalar`); text longer than a field can hold is reported, not carried along.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from openpyxl.utils.datetime import from_excel

from ..core.coerce import MAX_TEXT_LENGTH, coerce_scalar
from ..core.numbers import MAX_INTEGER_DIGITS, NotANumber, parse_decimal, to_json_number
from ..core.spec import FieldSpec, FormSpec

EXCEL_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#UNKNOWN!",
    }
)
_PERIOD_TEXT = re.compile(r"^\s*(\d{4})\s*(?:[-年./]\s*(\d{1,2})\s*月?)?\s*(?:年度?)?\s*$")


def text_of(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def unit_suffix(f: FieldSpec) -> str:
    return f"（单位：{f.unit}）" if f.unit else ""


Converter = Callable[[Any], tuple[Any, str | None]]


def converter(spec: FormSpec, f: FieldSpec) -> Converter:
    """Cell value → (raw document value, Chinese problem or None); fast paths for the common cells.

    Problems come from :func:`coerce_scalar`, so they read exactly like the rules engine's.
    """

    def slow(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
            return (
                value.strip(),
                f"单元格显示错误值 {value.strip()}（公式出错）；请修正公式，或直接填写「{f.label}」的数值",
            )
        if isinstance(value, dt.datetime | dt.date | dt.time) and f.type not in ("date", "text", "long_text"):
            text = text_of(value)
            return text, (
                f"「{f.label}」填的是日期「{text}」，不是{'数字' if f.type in ('decimal', 'integer') else '可选项'}；"
                f"Excel 可能把输入自动识别成了日期，请把单元格设为文本或数值后重新填写{unit_suffix(f)}"
            )
        typed, problem = coerce_scalar(spec, f, value)
        if problem:
            return text_of(value), problem
        if isinstance(typed, Decimal):
            return to_json_number(typed), None
        return typed, None

    if f.type in ("decimal", "integer"):
        integer = f.type == "integer"

        def number(value: Any) -> tuple[Any, str | None]:
            plain = _plain_number(value, integer)
            if plain is not None:
                return plain, None
            if value.__class__ is float or value.__class__ is int:
                try:
                    d = parse_decimal(value)
                except NotANumber:
                    return slow(value)
                if d is not None and (not integer or d == d.to_integral_value()):
                    return to_json_number(d), None
            return slow(value)

        return number
    if f.type in ("text", "long_text"):
        limit = MAX_TEXT_LENGTH[f.type]

        def text(value: Any) -> tuple[Any, str | None]:
            if value.__class__ is str and len(value) <= limit:
                return value.strip(), None
            return slow(value)

        return text
    if f.type == "select_one":
        lookup: dict[str, str] = {}
        for c in spec.choice_list(f):
            if c.label:
                lookup.setdefault(c.label, c.value)
            lookup[c.value] = c.value

        def choice(value: Any) -> tuple[Any, str | None]:
            hit = lookup.get(text_of(value))
            return (hit, None) if hit is not None else slow(text_of(value))

        return choice
    if f.type == "select_multiple":
        return multi_converter(spec, f, slow)
    if f.type == "date":

        def date(value: Any) -> tuple[Any, str | None]:
            if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
                value = from_excel(value)  # a date serial in a cell that lost its date format
            return slow(value)

        return date
    return slow


_PLAIN_LIMIT = 10**MAX_INTEGER_DIGITS


def _plain_number(value: Any, integer: bool) -> str | None:
    """``to_json_number(parse_decimal(value))`` for the numbers most cells hold, without the
    Decimal (a fifth of an import's own time on a big workbook), or None to take that path.

    An int below 10^15 is its ``str``. A float below 10^15 whose ``repr`` has no exponent
    (|x| >= 1e-4, so at most 20 decimals) is that ``repr`` without trailing zeros: ``repr`` is
    what parse_decimal reads, and its Decimal prints the same digits. An integer field takes
    only whole floats here (the repr of a whole float below 10^15 is exact)."""
    if value.__class__ is int:
        return str(value) if -_PLAIN_LIMIT < value < _PLAIN_LIMIT else None
    if value.__class__ is float and -1e15 < value < 1e15:  # NaN fails both comparisons
        text = repr(value)
        if "e" not in text and (not integer or value.is_integer()):
            return text.rstrip("0").rstrip(".")
    return None


_MULTI_SEPARATORS = re.compile(r"([,，;；、\n])")


def multi_converter(spec: FormSpec, f: FieldSpec, slow: Converter) -> Converter:
    """Several choices in one cell, separated by commas (、；also accepted).

    Labels may contain commas themselves (采用新的测量仪器和测量方法，提高了…), so pieces are
    re-joined greedily: the longest run of pieces that names a choice wins.
    """
    lookup: dict[str, str] = {}
    for c in spec.choice_list(f):
        if c.label:
            lookup.setdefault(c.label.strip(), c.value)
        lookup[c.value.strip()] = c.value

    def multi(value: Any) -> tuple[Any, str | None]:
        if isinstance(value, list):
            return slow(value)
        text = text_of(value)
        pieces = _MULTI_SEPARATORS.split(text)  # text, sep, text, sep, …
        words = pieces[0::2]
        seps = pieces[1::2]
        out: list[str] = []
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                candidate = "".join(
                    w + (seps[k] if k < j - 1 else "") for k, w in enumerate(words[i:j], start=i)
                ).strip()
                if candidate in lookup:
                    if lookup[candidate] not in out:
                        out.append(lookup[candidate])
                    i = j
                    break
            else:
                if words[i].strip():
                    allowed = "、".join(c.text for c in spec.choice_list(f)[:12])
                    return (
                        text,
                        f"「{f.label}」的取值「{words[i].strip()}」不在可选项中；可选：{allowed}（多项用逗号分隔）",
                    )
                i += 1
        return out, None

    return multi


def period_text(value: Any, kind: str) -> str:
    """A period cell → ``2026-10`` / ``2026`` (Excel turns a typed 2026-10 into a date)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return repr(value)  # 2026.1 typed into a number cell: ambiguous (2026-01 or 2026-10?), so flagged
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year:04d}-{value.month:02d}" if kind == "month" else f"{value.year:04d}"
    text = text_of(value)
    m = _PERIOD_TEXT.match(text)
    if m and m.group(2):
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    if m:
        return m.group(1)
    return text


def is_blank(value: Any) -> bool:
    return value is None or (value.__class__ is str and not value.strip())


def ordinal_text(value: Any) -> str:
    try:
        number = parse_decimal(value)
    except NotANumber:
        return text_of(value)
    if number is not None and number == number.to_integral_value():
        return str(int(number))
    return text_of(value)
