"""The filings the sweep types into official workbooks: every monthly definition and every
Appendix 5 table, each a complete, realistic filing from the sector test folders (tests only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import a5_data
import aluminium_helpers
import builders
import cement_helpers
import chem_data
import power_helpers
import steel_helpers


def _power() -> tuple[dict[str, str], dict[str, Any], str]:
    doc = power_helpers.demo(10)
    return doc["enterprise"], doc["values"], doc["period"]


def _sector(
    h: Any, values: Callable[[], dict[str, Any]]
) -> Callable[[], tuple[dict[str, str], dict[str, Any], str]]:
    return lambda: (h.ENTERPRISE, values(), "2026-10")


def _a5(
    table: dict[str, Any], form: str, year: str
) -> Callable[[], tuple[dict[str, str], dict[str, Any], str]]:
    enterprise, build = table[form]
    return lambda: (enterprise, build(), year)


FILINGS: dict[str, Callable[[], tuple[dict[str, str], dict[str, Any], str]]] = {
    "power-monthly": _power,
    "cement-monthly": _sector(cement_helpers, cement_helpers.values),
    "aluminium-monthly": _sector(aluminium_helpers, aluminium_helpers.values),
    "steel-monthly": _sector(steel_helpers, steel_helpers.month_values),
    **{form: _a5(a5_data.FORMS, form, a5_data.YEAR) for form in a5_data.FORMS},
    **{form: _a5(chem_data.FORMS, form, chem_data.YEAR) for form in chem_data.FORMS},
    "a5-carbide": lambda: (builders.CARBIDE_ENTERPRISE, builders.carbide_values(), builders.CARBIDE_YEAR),
}
"""Form id → (enterprise, values, period) of a filing that validates without error."""
