"""``explain`` reads as sentences for people (review of a5-carbide §4.2 item 4): no ``None``, no
``Decimal(...)``, no 28-digit numbers, the row's chosen unit, no inputs that do not apply to the row,
certainty in words."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import chem_data as c  # noqa: E402

from cets_desktop.core.calc import explain_all, explanation_lines, human_number  # noqa: E402

LONG_NUMBER = re.compile(r"\d+\.\d{7,}")


@pytest.mark.parametrize("form", c.FORMS)
def test_every_explanation_reads_as_plain_sentences(form: str) -> None:
    ev = c.run(form)
    text = "\n".join(
        line
        for e in explain_all(ev.spec, ev.values, ev.env).values()
        for line in explanation_lines(ev.spec, e)
    )
    assert "None" not in text and "Decimal(" not in text and "[Decimal" not in text
    assert not LONG_NUMBER.search(text), LONG_NUMBER.search(text)
    assert not re.search(r"\[[VRTGPM]\]", text)  # certainty in words, not bare tags
    assert ".md" not in text and "§" not in text


def test_the_rows_chosen_unit_and_only_the_inputs_that_apply() -> None:
    ev = c.run("a5-ammonia")
    ex = explain_all(ev.spec, ev.values, ev.env)
    purge = "\n".join(explanation_lines(ev.spec, ex["workshops[0].outputs[0].carbon"]))
    assert (
        "含碳量：1.20 tC/万Nm³" in purge and "产量：3500 万Nm³" in purge
    )  # 驰放气 in 万Nm³; typed 1.20 kept
    assert "或" not in purge
    waste_heat = "\n".join(explanation_lines(ev.spec, ex["workshops[0].heat_sources[0].source_ef"]))
    inputs = [line for line in waste_heat.split("\n") if line.strip().startswith("输入")]
    assert inputs == [
        "    输入 热力来源：余热回收"
    ]  # 余热回收: factor 0, no boiler or captive-plant data asked
    ef = "\n".join(explanation_lines(ev.spec, ex["workshops[0].electricity_ef"]))
    assert "0.543143 tCO2/MWh" in ef  # (250,000 + 150,000) × 0.5703 ÷ 420,000, six decimals
    ref = "\n".join(explanation_lines(ev.spec, ex["grid_ef_reference"]))
    assert "把握程度：推测，待确认" in ref


def test_human_numbers() -> None:
    from decimal import Decimal

    assert human_number(None) == "未填写"
    assert human_number(Decimal("0.5264307692307692307692307692")) == "0.526431"
    assert human_number(Decimal("513270.0000000000000000000000")) == "513270"
    assert human_number(Decimal("0.30")) == "0.30"
    assert human_number([Decimal("60000"), Decimal("40000")]) == "60000、40000"
    assert human_number(Decimal("2400.004"), 2) == "2400.00"
