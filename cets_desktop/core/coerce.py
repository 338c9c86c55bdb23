"""Raw values (JSON, Excel, GUI text) → typed values, with a finding for every value that isn't one.

Nothing is dropped: a value that cannot be read stays as typed (text) in the raw document and
the typed tree gets blank there, so the user sees the problem and loses nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .findings import Finding
from .numbers import RANGE_TEXT, NotANumber, NumberOutOfRange, decimal_places, parse_decimal, shown
from .spec import FieldSpec, FormSpec

GENERIC_SOURCE = "cets-desktop 通用校验"

MAX_TEXT_LENGTH = {"text": 2000, "long_text": 20000}
"""Characters a text field holds: an official form's longest box (情况说明) is a page or two.
A value beyond is reported at its field and left out of calculations, reports and the PDF."""
MAX_OTHER_TEXT = 2000
MAX_REPEAT_ROWS = 2000
"""Rows of one table (repeat) in one filing: a large plant has tens of units and fuels, a plan's
equipment register a few hundred instruments. Rows beyond are reported and not checked."""
MAX_TOTAL_ROWS = 4000
"""Rows of all tables together (nested repeats multiply: units × fuels)."""

TRUE_WORDS = {"true", "1", "是", "yes", "y", "有", "√"}
FALSE_WORDS = {"false", "0", "否", "no", "n", "无", "×"}


def _location(labels: list[str]) -> str:
    return " › ".join(labels)


def _row_label(repeat: FieldSpec, row: dict[str, Any], index: int) -> str:
    name = None
    if repeat.label_field:
        name = row.get(repeat.label_field)
    elif repeat.key:
        name = row.get(repeat.key)
    if name not in (None, ""):
        return f"{repeat.label}「{name}」"
    return f"{repeat.label}第 {index + 1} 行"


def coerce_values(spec: FormSpec, raw: dict[str, Any]) -> tuple[dict[str, Any], list[Finding]]:
    findings: list[Finding] = []
    budget = [MAX_TOTAL_ROWS]  # rows left for the whole document

    def level(known: dict[str, FieldSpec], data: Any, prefix: str, labels: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not isinstance(data, dict):
            return out
        for key, value in data.items():
            f = known.get(key)
            path = prefix + key
            if f is None:
                findings.append(
                    Finding(
                        "error",
                        "GEN-001",
                        path,
                        f"未知字段「{key}」：{spec.title}中没有这一项；请删除或检查拼写",
                        GENERIC_SOURCE,
                        _location([*labels, key]),
                    )
                )
                continue
            if f.type == "repeat":
                if value is None:
                    out[key] = []
                    continue
                if not isinstance(value, list):
                    findings.append(
                        Finding(
                            "error",
                            "GEN-002",
                            path,
                            f"「{f.label}」应为多行表格（列表）",
                            GENERIC_SOURCE,
                            _location([*labels, f.label]),
                        )
                    )
                    out[key] = []
                    continue
                rows: list[Any] = []
                children = _fields_by_name(f)
                allowed = min(MAX_REPEAT_ROWS, budget[0])
                if len(value) > allowed:
                    limit_text = (
                        f"超过上限 {MAX_REPEAT_ROWS:,} 行"
                        if allowed == MAX_REPEAT_ROWS
                        else f"全部表格合计超过上限 {MAX_TOTAL_ROWS:,} 行"
                    )
                    findings.append(
                        Finding(
                            "error",
                            "GEN-002",
                            path,
                            f"「{f.label}」有 {len(value):,} 行，{limit_text}；只检查了前 {allowed:,} 行。"
                            "一份填报不会有这么多行，请检查是否粘贴了无关数据",
                            GENERIC_SOURCE,
                            _location([*labels, f.label]),
                        )
                    )
                    value = value[:allowed]
                budget[0] -= len(value)
                for i, row in enumerate(value):
                    row_labels = [*labels, _row_label(f, row if isinstance(row, dict) else {}, i)]
                    if not isinstance(row, dict):
                        findings.append(
                            Finding(
                                "error",
                                "GEN-002",
                                f"{path}[{i}]",
                                f"「{f.label}」第 {i + 1} 行格式不对",
                                GENERIC_SOURCE,
                                _location(row_labels),
                            )
                        )
                        rows.append({})
                        continue
                    rows.append(level(children, row, f"{path}[{i}].", row_labels))
                out[key] = rows
                continue
            if f.type in ("note", "group"):
                continue
            typed, problem, places = _coerced(spec, f, value)
            if problem:
                findings.append(
                    Finding("error", "GEN-002", path, problem, GENERIC_SOURCE, _location([*labels, f.label]))
                )
            elif places is not None:
                findings.append(
                    Finding(
                        "info",
                        "GEN-005",
                        path,
                        f"「{f.label}」有 {places} 位小数，模板要求保留 {f.decimals} 位；导出时按四舍五入处理",
                        GENERIC_SOURCE,
                        _location([*labels, f.label]),
                    )
                )
            out[key] = typed
        return out

    typed = level(_fields_by_name(spec), raw, "", [])
    return typed, findings


_FIELDS_BY_NAME: dict[int, tuple[Any, dict[str, FieldSpec]]] = {}


def _fields_by_name(owner: FormSpec | FieldSpec) -> dict[str, FieldSpec]:
    """The fields of a definition's top level or of a repeat's rows, by name (asked once per
    definition or repeat, not once per row: definitions do not change once loaded)."""
    kept = _FIELDS_BY_NAME.get(id(owner))
    if kept is None or kept[0] is not owner:
        fields = owner.top_fields() if isinstance(owner, FormSpec) else owner.data_fields()
        kept = _FIELDS_BY_NAME[id(owner)] = (owner, {f.name: f for f in fields})
    return kept[1]


_COERCED: dict[tuple[int, str], tuple[FormSpec, FieldSpec, tuple[Any, str | None, int | None]]] = {}
_COERCED_LIMIT = 50_000


def _coerced(spec: FormSpec, f: FieldSpec, value: Any) -> tuple[Any, str | None, int | None]:
    """:func:`coerce_scalar` and, for a number with more decimals than the template keeps, how
    many it has (GEN-005). Text is read once per field and text: a year of months repeats the
    same strings, and the answer depends on nothing else (typed values are immutable; a list
    is handed out as a copy). Other values (numbers from Excel) are read every time."""
    if type(value) is not str:
        return _coerce_with_places(spec, f, value)
    key = (id(f), value)
    kept = _COERCED.get(key)
    if kept is None or kept[1] is not f or kept[0] is not spec:
        if len(_COERCED) >= _COERCED_LIMIT:
            _COERCED.clear()
        kept = _COERCED[key] = (spec, f, _coerce_with_places(spec, f, value))
    found = kept[2]
    if type(found[0]) is list:
        return list(found[0]), found[1], found[2]
    return found


def _coerce_with_places(spec: FormSpec, f: FieldSpec, value: Any) -> tuple[Any, str | None, int | None]:
    typed, problem = coerce_scalar(spec, f, value)
    places = None
    if (
        not problem
        and f.decimals is not None
        and isinstance(typed, Decimal)
        and not f.calculation
        and decimal_places(typed) > f.decimals
    ):
        places = decimal_places(typed)
    return typed, problem, places


def coerce_scalar(spec: FormSpec, f: FieldSpec, value: Any) -> tuple[Any, str | None]:
    """One value → (typed value or None, Chinese problem or None)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None, None
    if f.type in ("decimal", "integer"):
        unit = f"（单位：{f.unit}）" if f.unit else ""
        if isinstance(value, str) and value.strip().endswith("%") and f.unit == "%":
            value = value.strip()[:-1]
        try:
            number = parse_decimal(value)
        except NumberOutOfRange as exc:
            return (
                None,
                f"「{f.label}」填的是「{exc.text}」，超出可处理的数值范围（{RANGE_TEXT}）；请检查是否多打了数字或单位是否正确{unit}",
            )
        except NotANumber as exc:
            return None, f"「{f.label}」填的是「{shown(exc.text, 40)}」，不是数字；请填写阿拉伯数字{unit}"
        if number is None:
            return None, None
        if f.type == "integer" and number != number.to_integral_value():
            return None, f"「{f.label}」应为整数，现为 {shown(str(value), 40)}"
        return number, None
    if f.type == "select_one":
        text = str(value).strip()
        choices = spec.choice_list(f)
        for c in choices:
            if text == c.value or text == c.label:
                return c.value, None
        allowed = "、".join(c.text for c in choices[:12])
        return None, f"「{f.label}」的取值「{shown(text, 40)}」不在可选项中；可选：{allowed}"
    if f.type == "select_multiple":
        items = value if isinstance(value, list) else [s for s in str(value).replace("，", ",").split(",")]
        choices = spec.choice_list(f)
        out = []
        for item in items:
            text = str(item).strip()
            if not text:
                continue
            match = next((c.value for c in choices if text in (c.value, c.label)), None)
            if match is None:
                return None, f"「{f.label}」的取值「{shown(text, 40)}」不在可选项中"
            out.append(match)
        return out, None
    if f.type == "boolean":
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True, None
        if text in FALSE_WORDS:
            return False, None
        return None, f"「{f.label}」应填「是」或「否」，现为「{shown(str(value), 40)}」"
    if f.type == "date":
        if isinstance(value, datetime):
            return value.date().isoformat(), None
        if isinstance(value, date):
            return value.isoformat(), None
        text = str(value).strip().replace("/", "-").replace(".", "-")
        for fmt in ("%Y-%m-%d", "%Y年%m月%d日", "%Y-%m"):
            try:
                return datetime.strptime(text, fmt).date().isoformat(), None
            except ValueError:
                continue
        return None, f"「{f.label}」应为日期（如 2026-10-31），现为「{shown(str(value), 40)}」"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel gives 3.0 for a cell showing 3
    text = str(value).strip()
    limit = MAX_TEXT_LENGTH.get(f.type, MAX_OTHER_TEXT)
    if len(text) > limit:
        return None, (
            f"「{f.label}」有 {len(text):,} 个字符，超过上限 {limit:,} 个字符；"
            "请精简内容，详细材料可作为支撑材料附上"
        )
    return text, None
