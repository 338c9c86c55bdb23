"""Bounded fuzzing (hypothesis): whatever a user, a file or a definition gives, the app answers with
a value, a finding or one Chinese error — never a decimal signal, a RecursionError or a crash.

Each property runs a small, fixed number of examples so the whole file stays well under a
minute; ``scripts/fuzz_harness.py`` runs the same properties (and whole CLI runs) far longer.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cets_desktop.core.document import DocumentError, load_json_text, parse_document
from cets_desktop.core.expressions import ExpressionError, evaluate_standalone, parse_expression
from cets_desktop.core.numbers import NotANumber, in_range, parse_decimal, round_half_up, to_json_number

# CETS_FUZZ_SCALE multiplies the example counts (scripts/fuzz_harness.py runs this file at scale 20).
SCALE = max(1, int(os.environ.get("CETS_FUZZ_SCALE", "1")))
# The test command runs the same examples every time (a red CI means a change broke something,
# not a lucky draw); the harness at a larger scale explores new random examples.
EXPLORE = SCALE > 1
FAST = settings(
    max_examples=150 * SCALE,
    deadline=None,
    database=None,
    derandomize=not EXPLORE,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW = settings(
    max_examples=25 * SCALE,
    deadline=None,
    database=None,
    derandomize=not EXPLORE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

number_text = st.one_of(
    st.text(alphabet="0123456789.,eE+- ％%０１２３４５６７８９．", max_size=40),
    st.from_regex(r"[+-]?\d{1,40}(\.\d{0,40})?([eE][+-]?\d{1,6})?", fullmatch=True),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
)


@FAST
@given(number_text)
def test_number_parsing_gives_an_in_range_decimal_or_not_a_number(text: str) -> None:
    try:
        value = parse_decimal(text)
    except NotANumber:
        return
    if value is None:
        return
    assert in_range(value)
    assert parse_decimal(to_json_number(value)) == value  # survives the JSON round trip
    for places in (0, 2, 4, 10):
        round_half_up(value, places)


@FAST
@given(
    st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**80), max_value=10**80)
    | st.decimals(allow_nan=True, allow_infinity=True)
)
def test_numbers_from_workbooks_and_json_never_raise_anything_else(value: Any) -> None:
    try:
        parse_decimal(value)
    except NotANumber:
        pass


names = st.sampled_from(["x", "y", "z"])
leaf = st.one_of(
    names, st.integers(-(10**6), 10**6).map(str), st.sampled_from(["1e15", "0.5", "10**30", "None", "'煤'"])
)


def _expr(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    ops = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "<", "==", "and", "or"])
    return st.one_of(
        st.tuples(children, ops, children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(["round", "abs", "min", "max", "sum", "coalesce"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})" if t[0] not in ("abs",) else f"abs({t[1]})"
        ),
        children.map(lambda c: f"-{c}"),
    )


expressions = st.recursive(leaf, _expr, max_leaves=12)
operand = st.one_of(
    st.none(),
    st.decimals(
        min_value=Decimal("-1e14"), max_value=Decimal("1e14"), places=6, allow_nan=False, allow_infinity=False
    ),
    st.sampled_from([Decimal("999999999999999"), Decimal("1E-20"), Decimal(0)]),
)


@FAST
@given(expressions, operand, operand, operand)
def test_the_expression_language_never_raises_at_run_time(source: str, x: Any, y: Any, z: Any) -> None:
    try:
        parse_expression(source)
    except ExpressionError:
        return  # refused at load, with a Chinese reason: fine
    value = evaluate_standalone(source, {"x": x, "y": y, "z": z})
    if isinstance(value, Decimal):
        assert value.is_finite()


json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**40), 10**40), st.floats(allow_nan=False), st.text(max_size=20)
)
json_values = st.recursive(
    json_leaf,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
    max_leaves=25,
)


@SLOW
@given(json_values, st.sampled_from(["units", "remarks", "preparer", "generation", "fuels"]))
def test_filing_json_of_any_shape_is_a_document_error_or_findings(junk: Any, key: str) -> None:
    from cets_desktop.core.rules import evaluate
    from cets_desktop.demo import power_month_document
    from cets_desktop.workflow.definitions import definition_of

    data = power_month_document(10)
    data["values"][key] = junk
    text = json.dumps(data, ensure_ascii=False)
    try:
        doc = parse_document(load_json_text(text, "模糊测试"))
    except DocumentError as exc:
        assert exc.message
        return
    ev = evaluate(definition_of(doc), doc)
    assert all(f.message for f in ev.findings)


@SLOW
@given(st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
def test_raw_json_text_is_parsed_or_one_document_error(text: str) -> None:
    try:
        load_json_text(text, "模糊测试")
    except DocumentError as exc:
        assert "\n" not in exc.message


cell_values = st.one_of(
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**18), 10**18),
    st.text(max_size=60),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)


@FAST
@given(cell_values, st.sampled_from(["consumption", "fuel_name", "report_date", "ncv", "consumption_route"]))
def test_workbook_cells_convert_or_report(value: Any, name: str) -> None:
    from cets_desktop.core.loader import default_registry
    from cets_desktop.io.workbook_cells import converter

    spec = default_registry().get("power-monthly")
    assert spec is not None
    field = spec.find_field(f"units[].fuels[].{name}")
    assert field is not None
    raw, problem = converter(spec, field)(value)
    assert problem is None or (isinstance(problem, str) and problem)
    json.dumps(raw, ensure_ascii=False, default=str)


member_names = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["../evil.xml", "/abs.xml", "C:\\x.xml", "a\\b.xml", "xl/worksheets/sheet1.xml", "\u202egnp.xml"]
    ),
)


@SLOW
@given(st.lists(st.tuples(member_names, st.binary(max_size=200)), max_size=6, unique_by=lambda t: t[0]))
def test_package_like_zips_are_read_or_refused_in_one_line(members: list[tuple[str, bytes]]) -> None:
    from cets_desktop.core.input_files import sniff
    from cets_desktop.io.workbook_open import ImportFailure, open_workbook

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members:
            # zipfile cuts a name at its first NUL; an empty result cannot be written at all.
            if name.split("\x00")[0]:
                z.writestr(name, data)
    data = buffer.getvalue()
    sniff(data)
    try:
        opened = open_workbook(__import__("pathlib").Path("模糊.xlsx"), data)
    except ImportFailure as exc:
        assert "\n" not in exc.message
        return
    opened.close()
