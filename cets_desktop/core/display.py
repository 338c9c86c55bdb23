"""How a value is shown to a person: one answer for the window, the PDF, the Excel template, the
history viewer, plan diffs and messages.

Numbers keep the template's decimals (rounded half up once, trailing zeros kept: 12.50, not 12.5),
choices show their label, booleans 是/否, dates 2026年10月5日, lists joined with 、. A blank is ""
unless the caller prints a placeholder (the PDF's dash).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from .numbers import format_decimal
from .spec import FieldSpec, FormSpec

NUMERIC_TYPES = ("decimal", "integer")


def choice_text(spec: FormSpec, f: FieldSpec, value: Any) -> str:
    for choice in spec.choice_list(f):
        if choice.value == value:
            return choice.text
    return str(value)


def date_text(value: Any) -> str:
    """``2026-10-05`` (or a date) → 2026年10月5日; anything unreadable unchanged."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    text = str(value)
    try:
        d = dt.date.fromisoformat(text[:10])
    except ValueError:
        return text
    return f"{d.year}年{d.month}月{d.day}日"


def number_text(value: Decimal | int, f: FieldSpec | None) -> str:
    """A number with the template's decimals (an integer field stays an integer)."""
    if isinstance(value, Decimal):
        return format_decimal(value, f.decimals if f is not None else None)
    if f is not None and f.type == "decimal" and f.decimals is not None:
        return format_decimal(Decimal(value), f.decimals)
    return str(value)


def display_value(
    spec: FormSpec | None, f: FieldSpec | None, value: Any, *, blank: str = "", dates: bool = True
) -> str:
    """``value`` of field ``f`` as a person reads it (see the module docstring)."""
    if value is None or value == "" or value == []:
        return blank
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal | int):
        return number_text(value, f)
    if f is not None and spec is not None and f.type == "select_one":
        return choice_text(spec, f, value)
    if f is not None and spec is not None and f.type == "select_multiple" and isinstance(value, list | tuple):
        return "、".join(choice_text(spec, f, v) for v in value)
    if dates and (isinstance(value, dt.date) or (f is not None and f.type == "date")):
        return date_text(value)
    if isinstance(value, list | tuple):
        return "、".join(plain_certainty(str(v)) for v in value)
    return plain_certainty(str(value))


def with_unit(text: str, unit: str | None, blank: str = "") -> str:
    """ "469,997.90 tCO2", "99.0%" (no space before a per-cent sign); a blank stays blank."""
    if not unit or text in ("", blank):
        return text
    return f"{text}{unit}" if unit in ("%", "‰") else f"{text} {unit}"


_INLINE_TAG = re.compile(r"\s*[\[［]([VRTGPM])(?:\s*[/／]\s*([VRTGPM]))?(?:\s*[a-z-]*\d*)?[\]］]")
_TEXT_KEYS = frozenset(
    {
        "label",
        "hint",
        "description",
        "message",
        "constraint_message",
        "explain",
        "title",
        "doc",
        "section",
        "note",
        "text",
    }
)


def plain_certainty(text: str) -> str:
    """Inline tags a definition's text carries for reviewers ("缺省值 0.535 [T]") in the words an
    official reads ("缺省值 0.535（第三方实现，非官方）")."""
    from .spec import CERTAINTY_LABELS

    def words(m: re.Match[str]) -> str:
        tags = [t for t in m.groups() if t]
        return "（" + "／".join(CERTAINTY_LABELS.get(t, "") for t in tags) + "）"

    return _INLINE_TAG.sub(words, text)


def plain_certainty_in(data: Any) -> Any:
    """:func:`plain_certainty` on every human text of a parsed definition (labels, hints,
    messages, sources …), leaving names, expressions and certainty keys alone."""
    if isinstance(data, dict):
        return {
            k: (plain_certainty(v) if isinstance(v, str) and k in _TEXT_KEYS else plain_certainty_in(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [plain_certainty_in(v) for v in data]
    return data
