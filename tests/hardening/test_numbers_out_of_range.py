"""Numbers no filing can hold are findings at their field, never an internal error.

Before: ``1e5000``, ``1e309``, ``1e-400``, a 30-digit number or a 5,000-digit integer was
accepted, then validate/calc/pdf stopped with 内部错误 (decimal.InvalidOperation).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cets_desktop.core.document import DocumentError, load_json_text, parse_document
from cets_desktop.core.expressions import evaluate_standalone
from cets_desktop.core.numbers import NotANumber, NumberOutOfRange, parse_decimal, round_half_up
from cets_desktop.core.rules import evaluate
from cets_desktop.workflow.definitions import definition_of

ROOT = Path(__file__).resolve().parents[2]
CONSUMPTION = "units[0].fuels[0].consumption"
HUGE = ["1e5000", "-1e309", "1e-400", "123456789012345678901234567890", "9" * 5000, "1" + "0" * 15]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT / "tests"),
        PYTHON_KEYRING_BACKEND="support.process_keyring.ProcessMemoryKeyring",
    )
    return subprocess.run(
        [sys.executable, "-m", "cets_desktop", *args], capture_output=True, text=True, timeout=120, env=env
    )


def evaluate_doc(data: dict[str, Any]) -> Any:
    doc = parse_document(data)
    return evaluate(definition_of(doc), doc)


@pytest.mark.parametrize("text", HUGE)
def test_parse_decimal_refuses_numbers_out_of_range(text: str) -> None:
    with pytest.raises(NumberOutOfRange):
        parse_decimal(text)


def test_parse_decimal_keeps_real_values() -> None:
    assert parse_decimal("152,340.50") == Decimal("152340.50")
    assert parse_decimal("999999999999999.99") == Decimal("999999999999999.99")
    assert parse_decimal(0.30000000000000004) == Decimal("0.30000000000000004")
    assert parse_decimal("0E-400") == 0
    with pytest.raises(NotANumber):
        parse_decimal("一百")


@pytest.mark.parametrize("text", HUGE)
def test_out_of_range_text_is_one_finding_at_its_field(october: dict[str, Any], text: str) -> None:
    october["values"]["units"][0]["fuels"][0]["consumption"] = text
    ev = evaluate_doc(october)
    at_field = [f for f in ev.findings if f.path == CONSUMPTION]
    assert [f.code for f in at_field] == ["GEN-002"]
    assert "超出可处理的数值范围" in at_field[0].message and len(at_field[0].message) < 300
    # The unit total that depends on it is blank, not wrong; the other unit is still computed.
    assert ev.values["units"][0]["fuels"][0].get("emissions") is None
    assert ev.values["units"][1]["fuels"][0]["emissions"] > 0


@pytest.mark.parametrize("raw", ["1e5000", "-1e309", "1e-400", "1" * 5000, "NaN", "Infinity"])
def test_json_numbers_that_do_not_fit_reach_the_field_as_text(october: dict[str, Any], raw: str) -> None:
    october["values"]["units"][0]["fuels"][0]["consumption"] = "@@"
    text = json.dumps(october, ensure_ascii=False).replace('"@@"', raw)
    data = load_json_text(text, "测试文件")
    ev = evaluate_doc(data)
    codes = [f.code for f in ev.findings if f.path == CONSUMPTION]
    assert codes == ["GEN-002"]


def test_deeply_nested_json_is_one_chinese_error() -> None:
    with pytest.raises(DocumentError, match="嵌套层数过多"):
        load_json_text("[" * 100000 + "]" * 100000, "填报.json")
    with pytest.raises(DocumentError, match="嵌套层数过多"):
        load_json_text(
            '{"form": "power-monthly", "values": {"a": ' + "[" * 500 + "]" * 500 + "}}", "填报.json"
        )


def test_expressions_cannot_be_driven_into_decimal_errors() -> None:
    x = Decimal("999999999999999")
    assert evaluate_standalone("round(x, 10**30)", {"x": x}) is None
    assert evaluate_standalone("round(x * x * x, 2)", {"x": x}) is not None  # 1e45: rounded, no signal
    assert evaluate_standalone("(x ** 1000) ** 1000", {"x": x}) is None  # overflow is blank
    assert evaluate_standalone("x ** 1000", {"x": x}) is None  # 1e15000: beyond any quantity
    assert evaluate_standalone("x / 0", {"x": x}) is None
    assert round_half_up(Decimal("1e40"), 2) == Decimal("1e40")
    assert round_half_up(Decimal("2.345"), 2) == Decimal("2.35")


@pytest.mark.parametrize("text", ["1e5000", "123456789012345678901234567890"])
def test_cli_validate_calc_pdf_report_the_field(tmp_path: Path, october: dict[str, Any], text: str) -> None:
    october["values"]["units"][0]["fuels"][0]["consumption"] = text
    src = tmp_path / "十月.json"
    src.write_text(json.dumps(october, ensure_ascii=False), encoding="utf-8")
    validated = run("validate", str(src), "--json")
    assert validated.returncode == 1, validated.stderr
    findings = json.loads(validated.stdout)["findings"]
    assert any(f["path"] == CONSUMPTION and f["code"] == "GEN-002" for f in findings)
    calc = run("calc", str(src), "--json")
    assert calc.returncode in (0, 1) and "内部错误" not in calc.stderr, calc.stderr
    pdf = run("pdf", str(src), "-o", str(tmp_path / "r.pdf"), "--draft")
    assert "内部错误" not in pdf.stderr and (tmp_path / "r.pdf").stat().st_size > 1000, pdf.stderr
