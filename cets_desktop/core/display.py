"""How a value is shown to a person: one answer for the window, the PDF, the Excel template, the
history viewer, plan diffs and messages.

Numbers keep the template's decimals (rounded half up once, trailing zeros kept: 12.50, not 12.5),
choices show their label, booleans 是/否, dates 2026年10月5日, lists joined with 、. A blank is ""
unless the caller prints a placeholder (the PDF's dash).
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Any

from .numbers import MAX_FRACTION_DIGITS, decimal_places, format_decimal
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
    """A number with the template's decimals (an integer field stays an integer).

    A calculated value is rounded half up once, here, on output. An entered value is padded to the
    template's decimals but never rounded: what the user typed is what the PDF, the Excel cell and
    ``calc --json`` show (more decimals than the template keeps is GEN-005's warning)."""
    if isinstance(value, Decimal):
        places = f.decimals if f is not None else None
        if places is not None and f is not None and not f.is_calculated and value.is_finite():
            places = max(places, min(decimal_places(value), MAX_FRACTION_DIGITS))
        return format_decimal(value, places)
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
        labels = [CERTAINTY_LABELS.get(t, "") for t in tags]
        if len(labels) == 1:
            # "据回忆 [R]" → "据回忆，待核对原文", "第三方实现 [T]" → "第三方实现，非官方": the
            # words already written are not said twice.
            head, _, rest = labels[0].partition("，")
            if head and text[: m.start()].rstrip().endswith(head):
                return f"，{rest}" if rest else ""
        return "（" + "／".join(labels) + "）"

    return _INLINE_TAG.sub(words, text)


def plain_certainty_in(data: Any) -> Any:
    """:func:`plain_certainty` on every human text of a parsed definition (labels, hints,
    messages, sources …), leaving names, expressions and certainty keys alone.

    In a form definition, identifiers its authors wrote into those texts (“见参考值表
    grid_emission_factor”, “（fuel_cc_default，如天然气 …）”) become what they name: the reference
    table's or the field's Chinese label (「全国电网平均排放因子」). Message placeholders
    (``{net_supply}``) are expressions and stay as they are.
    """
    names = definition_names(data) if isinstance(data, dict) and "sections" in data else {}
    return _plain_in(data, names)


def _plain_in(data: Any, names: dict[str, str]) -> Any:
    if isinstance(data, dict):
        return {
            k: (
                named_in_words(plain_certainty(v), names)
                if isinstance(v, str) and k in _TEXT_KEYS
                else _plain_in(v, names)
            )
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [_plain_in(v, names) for v in data]
    return data


_IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![A-Za-z0-9_])")
_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")


def definition_names(data: dict[str, Any]) -> dict[str, str]:
    """Identifier → Chinese label for a parsed form definition: its fields (names that mean one
    thing in the whole form) and the shipped reference tables."""
    labels: dict[str, set[str]] = {}

    def walk(fields: Any) -> None:
        for f in fields if isinstance(fields, list) else []:
            if not isinstance(f, dict):
                continue
            name, label = f.get("name"), f.get("label")
            if isinstance(name, str) and isinstance(label, str) and label:
                labels.setdefault(name, set()).add(label)
            walk(f.get("fields"))

    for section in data.get("sections") or []:
        if isinstance(section, dict):
            walk(section.get("fields"))
    out = {n: next(iter(ls)) for n, ls in labels.items() if len(ls) == 1}
    out.update(reference_labels())
    return out


@functools.cache
def reference_labels() -> dict[str, str]:
    """Name → label of the shipped reference tables (``forms/reference/*.yaml``), read here
    rather than through core.reference, which itself reads its texts through this module."""
    import yaml

    from ..paths import forms_dir

    out: dict[str, str] = {}
    for file in sorted((forms_dir() / "reference").glob("*.yaml")):
        try:
            # libyaml's safe loader when installed (the loader's choice too): same values, about
            # a tenth of the pure-Python parse every export and first form paid here.
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            data = yaml.load(file.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, yaml.YAMLError):
            continue  # reported where the reference values are loaded
        tables = data.get("tables") if isinstance(data, dict) else None
        for name, table in (tables or {}).items():
            if isinstance(table, dict) and isinstance(table.get("label"), str):
                out[str(name)] = table["label"]
    return out


def named_in_words(text: str, names: dict[str, str]) -> str:
    """Identifiers in ``text`` that ``names`` knows, as 「label」 (outside ``{…}`` placeholders)."""
    if not names or "_" not in text:
        return text

    def word(m: re.Match[str]) -> str:
        label = names.get(m.group(1))
        return f"「{label}」" if label else m.group(0)

    parts = _PLACEHOLDER.split(text)
    for i in range(0, len(parts), 2):
        replaced = _IDENTIFIER.sub(word, parts[i])
        parts[i] = re.sub(r"(?<=[^\x00-\x7f]) (?=「)", "", replaced)
    return "".join(parts)


# --- formulas in words -------------------------------------------------------------------------

_SPECIAL_NAMES = {
    "period_year": "填报年度",
    "period_month": "填报月份",
    "period_days": "当期天数",
    "period_hours": "当期小时数",
}
_BINARY = {
    ast.Add: "+",
    ast.Sub: "−",
    ast.Mult: "×",
    ast.Div: "÷",
    ast.FloorDiv: "整除",
    ast.Mod: "除以后的余数",
    ast.Pow: "^",
}
_COMPARE = {
    ast.Eq: "为",
    ast.NotEq: "不为",
    ast.Lt: "<",
    ast.LtE: "≤",
    ast.Gt: ">",
    ast.GtE: "≥",
    ast.In: "属于",
    ast.NotIn: "不属于",
}
_CALLS = {
    "sum": "{0}之和",
    "sum_known": "{0}之和（未填的不计）",
    "count": "{0}的个数",
    "len": "{0}的个数",
    "min": "{0}中的最小值",
    "max": "{0}中的最大值",
    "mean": "{0}的平均值",
    "abs": "{0}的绝对值",
    "is_blank": "{0}未填写",
    "prev": "上期的{0}",
    "unique": "{0}互不重复",
}
FORMULA_LIMIT = 160
"""A formula read out longer than this says which values it is computed from instead."""


def formula_text(spec: FormSpec, f: FieldSpec) -> str:
    """How a calculated field is obtained, for a person: the definition's human formula
    (``explain``), else its expression read out in Chinese (各机组「发电量」之和), never the raw
    expression (``sum(units.generation)``)."""
    if f.explain:
        return f.explain
    if not f.calculation:
        return ""
    return expression_text(spec, f.calculation, f)


def expression_text(spec: FormSpec, expression: str, near: FieldSpec | None = None) -> str:
    """``expression`` in words; names are the labels of the fields nearest to ``near``."""
    try:
        tree = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return "按本表定义的公式计算"
    reader = _Reader(spec, near)
    try:
        text = reader.read(tree)
    except _Unreadable:
        text = ""
    if isinstance(tree, ast.Name | ast.Attribute) and text:
        text = f"取自{text}"
    elif isinstance(tree, ast.Constant) and text:
        text = f"固定为“{text}”"
    if not text or len(text) > FORMULA_LIMIT:
        inputs = "、".join(dict.fromkeys(reader.names)) or "本表数据"
        return f"由{inputs}计算"
    return text


class _Unreadable(Exception):
    pass


class _Reader:
    def __init__(self, spec: FormSpec, near: FieldSpec | None) -> None:
        self.spec = spec
        self.near = near
        self.names: list[str] = []

    def field(self, name: str) -> FieldSpec | None:
        candidates = [f for f in self.spec.all_fields() if f.name == name]
        if not candidates:
            return None
        here = self.near.path if self.near is not None else ""

        def shared(f: FieldSpec) -> int:
            a, b = f.path.split("."), here.split(".")
            n = 0
            while n < min(len(a), len(b)) - 1 and a[n] == b[n]:
                n += 1
            return n

        return max(candidates, key=shared)

    def label(self, name: str) -> str:
        if name in ("self", "_") and self.near is not None:
            text = f"「{self.near.label}」"
        elif name in _SPECIAL_NAMES:
            text = _SPECIAL_NAMES[name]
        else:
            f = self.field(name)
            text = f"「{f.label}」" if f is not None else f"「{name}」"
        self.names.append(text)
        return text

    def projection(self, node: ast.Attribute) -> str:
        chain: list[str] = []
        cur: ast.expr = node
        while isinstance(cur, ast.Attribute):
            chain.append(cur.attr)
            cur = cur.value
        if not isinstance(cur, ast.Name):
            raise _Unreadable
        chain.append(cur.id)
        *repeats, leaf = reversed(chain)
        words = "".join(f"各{f.label if (f := self.field(r)) is not None else r}" for r in repeats)
        return f"{words}的{self.label(leaf)}"

    def read(self, node: ast.expr, parent: int = 0) -> str:
        if isinstance(node, ast.Constant):
            if node.value is None or (isinstance(node.value, str) and not node.value.strip()):
                return "空"
            if isinstance(node.value, bool):
                return "是" if node.value else "否"
            return str(node.value)
        if isinstance(node, ast.Name):
            return self.label(node.id)
        if isinstance(node, ast.Attribute):
            return self.projection(node)
        if isinstance(node, ast.Tuple | ast.List):
            return "（" + "、".join(self.read(e) for e in node.elts) + "）"
        if isinstance(node, ast.BinOp):
            op = _BINARY.get(type(node.op))
            if op is None:
                raise _Unreadable
            level = 1 if isinstance(node.op, ast.Add | ast.Sub) else 2
            text = f"{self.read(node.left, level)} {op} {self.read(node.right, level + 1)}"
            return f"（{text}）" if parent > level else text
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return f"−{self.read(node.operand, 3)}"
            if isinstance(node.op, ast.Not):
                return f"并非{self.read(node.operand)}"
            return self.read(node.operand, parent)
        if isinstance(node, ast.BoolOp):
            joiner = "且" if isinstance(node.op, ast.And) else "或"
            return joiner.join(self.read(v) for v in node.values)
        if isinstance(node, ast.Compare):
            parts = [self.read(node.left)]
            for cmp, right in zip(node.ops, node.comparators, strict=True):
                if (
                    isinstance(cmp, ast.Is | ast.IsNot)
                    and isinstance(right, ast.Constant)
                    and right.value is None
                ):
                    parts.append("未填写" if isinstance(cmp, ast.Is) else "已填写")
                    continue
                word = _COMPARE.get(type(cmp))
                if word is None:
                    raise _Unreadable
                parts.append(f"{word}{self.read(right)}")
            return "".join(parts)
        if isinstance(node, ast.IfExp):
            text = f"{self.read(node.body)}（当{self.read(node.test)}时），否则{self.read(node.orelse)}"
            return f"〔{text}〕" if parent else text
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node.func.id, node.args)
        raise _Unreadable

    def call(self, name: str, args: list[ast.expr]) -> str:
        if name in _CALLS and len(args) == 1:
            return _CALLS[name].format(self.read(args[0]))
        if name == "round" and len(args) == 2:
            return f"{self.read(args[0])}（四舍五入保留 {self.read(args[1])} 位小数）"
        if name == "coalesce" and args:
            first, *rest = (self.read(a) for a in args)
            return first + "".join(f"，未填时取{r}" for r in rest)
        if name == "ref" and args and isinstance(args[0], ast.Constant):
            table = str(args[0].value)
            text = f"参考值「{reference_labels().get(table, table)}」"
            self.names.append(text)
            return text + (f"中{self.read(args[1])}的值" if len(args) > 1 else "")
        if name == "linked" and args:
            return f"计划中的{self.read(args[0])}"
        if name in ("min", "max") and len(args) > 1:
            word = "最小值" if name == "min" else "最大值"
            return "、".join(self.read(a) for a in args) + f"中的{word}"
        raise _Unreadable
