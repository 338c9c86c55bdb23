"""Cement month: each seeded mistake is caught by the right rule at the right field, says what is
wrong and what to do, and nothing already entered is lost; plausibility rules stay quiet when the
value already carries an error."""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import cement_helpers as h  # noqa: E402

from cets_desktop.core.rules import evaluate  # noqa: E402

Values = dict[str, Any]


def seeded(change: Callable[[Values], None]) -> tuple[Values, Any]:
    vals = h.values()
    change(vals)
    return vals, h.run(vals)


def problems(ev: Any) -> list[tuple[str, str, str]]:
    return [(f.severity, f.code, f.path) for f in ev.findings if f.severity in ("error", "warning")]


def clinker(vals: Values, line: int = 0) -> dict[str, Any]:
    return vals["lines"][line]["clinkers"][0]


def test_clinker_factor_typed_in_kg_per_tonne_is_an_error_at_the_field() -> None:
    vals, ev = seeded(lambda v: clinker(v).update(clinker_ef="535", clinker_ef_route="实测值"))
    assert problems(ev) == [("error", "CEM-M-310", "lines[0].clinkers[0].clinker_ef")]
    message = ev.findings[0].message
    assert "kgCO2/t" in message and "0.535" in message
    # what was typed is kept as typed
    assert ev.values["lines"][0]["clinkers"][0]["clinker_ef"] == Decimal("535")
    assert clinker(vals)["clinker_ef"] == "535"


def test_kg_per_tonne_with_the_default_route_is_caught_too() -> None:
    _, ev = seeded(lambda v: clinker(v).update(clinker_ef="535"))
    assert problems(ev) == [("error", "CEM-M-310", "lines[0].clinkers[0].clinker_ef")]
    # the calculation still uses the Appendix C default, the typed value is flagged, not used
    assert ev.values["lines"][0]["clinkers"][0]["clinker_ef_used"] == Decimal("0.535")


def test_a_value_that_contradicts_the_default_route_is_an_error() -> None:
    _, ev = seeded(lambda v: clinker(v).update(clinker_ef="0.520"))
    assert problems(ev) == [("error", "CEM-M-311", "lines[0].clinkers[0].clinker_ef")]
    assert "0.535" in ev.findings[0].message


def test_deduction_larger_than_gross_is_an_error_not_a_silent_floor() -> None:
    # 200,000 t of 熟石灰 × 0.600 = 120,000 tCO2 > 148,650 × 0.535 = 79,527.75 tCO2
    _, ev = seeded(
        lambda v: v["lines"][0]["raw_materials"].append(
            {
                "material": "熟石灰",
                "consumption": "200000.00",
                "consumption_route": "实测值",
                "consumption_source": "配料皮带秤",
                "deduction_route": "缺省值",
            }
        )
    )
    assert ("error", "CEM-M-324", "lines[0].deduction_total") in problems(ev)
    line = ev.values["lines"][0]
    gross = Decimal("148650.00") * Decimal("0.535")
    deduction = (
        Decimal("8200.00") * Decimal("0.480")
        + Decimal("3100.00") * Decimal("0.215")
        + Decimal("200000.00") * Decimal("0.600")
    )
    assert line["process_emissions"] == gross - deduction < 0  # shown as it is, with the error
    assert "不以 0 代替" in next(f.message for f in ev.findings if f.code == "CEM-M-324")
    # the intensity plausibility rule stays quiet: its input already carries an error
    assert "CEM-M-340" not in {f.code for f in ev.findings}


def test_deduction_factor_typed_in_kg_per_tonne() -> None:
    _, ev = seeded(
        lambda v: v["lines"][0]["raw_materials"][0].update(deduction_factor="480", deduction_route="实测值")
    )
    assert ("error", "CEM-M-320", "lines[0].raw_materials[0].deduction_factor") in problems(ev)
    assert "CEM-M-323" not in {f.code for f in ev.findings}


def test_substitute_without_a_default_cannot_use_the_default_route() -> None:
    _, ev = seeded(
        lambda v: v["lines"][0]["raw_materials"].append(
            {
                "material": "其他",
                "material_other": "石灰石尾矿泥",
                "consumption": "900.00",
                "consumption_route": "实测值",
                "consumption_source": "配料皮带秤",
                "deduction_route": "缺省值",
            }
        )
    )
    assert problems(ev) == [("error", "CEM-M-322", "lines[0].raw_materials[2].deduction_route")]


def test_stocktake_that_does_not_balance_says_what_the_output_should_be() -> None:
    # closing typed as 33,669.50 instead of 32,669.50
    _, ev = seeded(lambda v: clinker(v).update(closing_stock="33669.50"))
    assert problems(ev) == [("error", "CEM-M-300", "lines[0].clinkers[0].closing_stock")]
    message = ev.findings[0].message
    assert "= -1000 t" in message and "149,650" in message  # balance and the output the stock-take implies


def november() -> Values:
    nov = h.values()
    for line in nov["lines"]:
        line["kiln_days"] = "30.00"
    return nov


def test_closing_stock_must_be_next_months_opening() -> None:
    october = h.document()
    nov = november()
    c = clinker(nov)
    # November: opening typed 32,000 although October closed at 32,669.50; the month itself balances
    c.update(
        opening_stock="32000.00",
        clinker_output="150000.00",
        clinker_to_mill="143000.00",
        clinker_sold="6000.00",
        closing_stock="33000.00",
    )
    clinker(nov, 1).update(
        opening_stock="13500.00",
        purchased_clinker="0.00",
        clinker_to_mill="59000.00",
        closing_stock="14500.00",
    )
    ev = evaluate(h.b.spec_of(h.FORM), h.document(nov, period="2026-11"), previous=october)
    assert problems(ev) == [("error", "CEM-M-301", "lines[0].clinkers[0].opening_stock")]
    assert "32,669.50" in ev.findings[0].message


def test_continuous_stock_across_months_is_quiet() -> None:
    october = h.document()
    nov = november()
    clinker(nov).update(
        opening_stock="32669.50",
        clinker_output="150000.00",
        clinker_to_mill="143000.00",
        clinker_sold="6000.00",
        closing_stock="33669.50",
    )
    clinker(nov, 1).update(
        opening_stock="13500.00",
        purchased_clinker="0.00",
        clinker_to_mill="59000.00",
        closing_stock="14500.00",
    )
    ev = evaluate(h.b.spec_of(h.FORM), h.document(nov, period="2026-11"), previous=october)
    assert problems(ev) == []


def test_a_jump_in_clinker_output_is_a_warning() -> None:
    october = h.document()
    nov = november()
    clinker(nov).update(
        opening_stock="32669.50",
        clinker_output="60000.00",
        clinker_to_mill="55000.00",
        clinker_sold="4000.00",
        closing_stock="33669.50",
    )
    clinker(nov, 1).update(
        opening_stock="13500.00",
        purchased_clinker="0.00",
        clinker_to_mill="59000.00",
        closing_stock="14500.00",
    )
    ev = evaluate(h.b.spec_of(h.FORM), h.document(nov, period="2026-11"), previous=october)
    assert problems(ev) == [("warning", "CEM-M-302", "lines[0].clinkers[0].clinker_output")]


@pytest.mark.parametrize(
    "field", ["opening_stock", "closing_stock", "clinker_to_mill", "clinker_sold", "purchased_clinker"]
)
def test_negative_stock_figures_are_errors_at_the_field(field: str) -> None:
    codes = {
        "opening_stock": "CEM-M-210",
        "purchased_clinker": "CEM-M-211",
        "clinker_to_mill": "CEM-M-212",
        "clinker_sold": "CEM-M-213",
        "closing_stock": "CEM-M-214",
    }
    _, ev = seeded(lambda v: clinker(v).update({field: "-500.00"}))
    found = [(f.code, f.path) for f in ev.errors]
    assert (codes[field], f"lines[0].clinkers[0].{field}") in found
    assert "负数" in next(f.message for f in ev.errors if f.code == codes[field])


def test_coal_without_a_carbon_default_cannot_use_the_default_route() -> None:
    def change(v: Values) -> None:
        coal = v["lines"][0]["fuels"][0]
        coal["carbon_route"] = "缺省值"
        for k in (
            "carbon_basis",
            "carbon_content",
            "lab_name",
            "lab_accreditation",
            "report_no",
            "report_date",
            "sample_hydrogen",
            "sample_sulphur",
            "sample_moisture",
            "sample_ncv",
        ):
            coal.pop(k)

    _, ev = seeded(change)
    assert problems(ev) == [("error", "CEM-M-330", "lines[0].fuels[0].carbon_route")]
    assert ev.values["lines"][0]["fuels"][0]["emissions"] is None  # no silent number


def test_coal_ncv_in_kcal_per_kg_is_caught_by_the_shared_fuel_rule() -> None:
    _, ev = seeded(lambda v: v["lines"][0]["fuels"][0].update(ncv="5530", sample_ncv="5536"))
    codes = {(f.code, f.path) for f in ev.errors}
    assert ("CEM-M-110", "lines[0].fuels[0].ncv") in codes
    assert "0.0041868" in next(f.message for f in ev.errors if f.code == "CEM-M-110") or "23.15" in next(
        f.message for f in ev.errors if f.code == "CEM-M-110"
    )


def test_carbon_content_as_a_fraction_is_caught() -> None:
    _, ev = seeded(lambda v: v["lines"][0]["fuels"][0].update(carbon_content="0.6012"))
    assert ("error", "CEM-M-120", "lines[0].fuels[0].carbon_content") in problems(ev)
    assert "CEM-M-331" not in {f.code for f in ev.findings}  # the range rule stays quiet


def test_alternative_fuel_share_outside_0_100() -> None:
    _, ev = seeded(lambda v: v["lines"][0]["alt_fuels"][0].update(fossil_share="175"))
    assert problems(ev) == [("error", "CEM-M-253", "lines[0].alt_fuels[0].fossil_share")]


def test_missing_entries_are_reported_once_each_and_the_rest_is_kept() -> None:
    vals = h.values()
    del clinker(vals)["clinker_output"]
    clinker(vals)["clinker_output_route"] = "实测值"  # measured output must be typed
    ev = h.run(vals)
    assert ("error", "GEN-003", "lines[0].clinkers[0].clinker_output") in problems(ev)
    # totals of incomplete inputs are blank, not a smaller number
    assert ev.values["lines"][0]["clinker_output_total"] is None
    assert ev.values["total_clinker_output"] is None
    # everything else typed is still there
    assert ev.values["lines"][0]["clinkers"][0]["closing_stock"] == Decimal("32669.50")
    assert ev.values["lines"][1]["line_emissions"] is not None


def test_output_by_stocktake_may_be_left_to_the_calculation() -> None:
    vals = h.values()
    del clinker(vals)[
        "clinker_output"
    ]  # route 计算值: output = to mill + sold + closing − opening − purchased
    ev = h.run(vals)
    assert problems(ev) == []
    c = ev.values["lines"][0]["clinkers"][0]
    assert c["clinker_output_used"] == Decimal("142380.50") + Decimal("6000.00") + Decimal(
        "32669.50"
    ) - Decimal("32400.00")
    assert ev.values["lines"][0]["gross_process_total"] == Decimal("148650.00") * Decimal("0.535")


def test_grid_factor_year_must_be_confirmed_or_replaced() -> None:
    # the shared grid-factor part: 0.5703 is the 2022-vintage factor; for 2024+ the user confirms or overrides
    _, ev = seeded(lambda v: v.pop("grid_ef_choice"))
    assert problems(ev) == [("warning", "CEM-M-EL-002", "grid_ef_choice")]
    assert "0.5703" in ev.findings[0].message

    vals = h.values()
    vals.update(
        grid_ef_choice="另行填写",
        grid_ef_override="0.5306",
        grid_ef_override_source="生态环境部 国家统计局 2023年全国电力平均二氧化碳排放因子",
    )
    ev = h.run(vals)
    assert problems(ev) == []
    assert ev.values["electricity_emissions"] == Decimal("18600.000") * Decimal("0.5306")
    # electricity stays out of the covered total
    assert ev.values["enterprise_emissions"] == h.run().values["enterprise_emissions"]


def test_messages_name_no_internal_files_and_no_bare_tags() -> None:
    bad = h.values()
    clinker(bad).update(clinker_ef="535", closing_stock="-1")
    bad["lines"][0]["raw_materials"][0]["deduction_factor"] = "480"
    bad.pop("grid_ef_choice")
    ev = h.run(copy.deepcopy(bad))
    assert len(ev.findings) >= 4
    for f in ev.findings:
        for text in (f.message, f.source):
            assert ".md" not in text and ".yaml" not in text
        assert not any(tag in f.message for tag in ("[V]", "[R]", "[T]", "[G]"))
