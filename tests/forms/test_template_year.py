"""A new template year is one file: a 2027 power-monthly beside the 2026 one.

The 2027 copy changes one thing (a fictional test fixture: the default oxidation rate of coal
becomes 98 %), starts at ``valid_from: 2027-01``, and nothing else changes anywhere. 2027 periods
use it, 2026 periods keep theirs, periods before 2023 are refused, ``new`` says which template it
chose and ``rules`` lists the rules of both versions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from cets_desktop.core.document import FilingDocument
from cets_desktop.core.loader import FORMS_DIR_ENV, load_forms
from cets_desktop.core.rules import evaluate
from cets_desktop.paths import forms_dir

ROOT = Path(__file__).resolve().parents[2]

OVERRIDE_2027 = """\
                  of_used:
                    calculation: "(98 if fuel_phase == '固体' else ref('oxidation_rate_default', fuel_phase)) if oxidation_route == '缺省值' else oxidation_rate"
"""


@pytest.fixture()
def two_years(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copytree(forms_dir() / "parts", folder / "parts")
    text = (forms_dir() / "power-monthly-2026.yaml").read_text(encoding="utf-8")
    (folder / "power-monthly-2026.yaml").write_text(text, encoding="utf-8")
    new = (
        text.replace('version: "2026.1"', 'version: "2027.1"', 1)
        .replace("template_year: 2026", "template_year: 2027", 1)
        .replace('valid_from: "2023-01"', 'valid_from: "2027-01"', 1)
    )
    anchor = "                override:\n"
    assert new.count(anchor) == 1 and new != text
    new = new.replace(anchor, anchor + OVERRIDE_2027, 1)
    (folder / "power-monthly-2027.yaml").write_text(new, encoding="utf-8")
    return folder


def coal_month(period: str, version: str) -> FilingDocument:
    fuel = {
        "fuel_name": "烟煤",
        "consumption": "1000",
        "consumption_route": "实测值",
        "consumption_source": "入炉煤计量",
        "ncv": "20",
        "ncv_route": "实测值",
        "carbon_route": "缺省值",
        "oxidation_route": "缺省值",
    }
    unit = {
        "unit_name": "1号机组",
        "capacity_mw": "300",
        "fuel_category": "燃煤",
        "pressure_class": "亚临界",
        "is_chp": False,
        "turbine_type": "纯凝",
        "fuels": [fuel],
        "purchased_electricity": "0",
        "generation": "150000",
        "net_supply": "141000",
        "heat_supplied": "0",
        "heat_ratio": "0",
        "operating_hours": "600",
        "load_factor": "83.33",
    }
    return FilingDocument(form="power-monthly", form_version=version, period=period, values={"units": [unit]})


def test_each_period_uses_the_template_in_force(two_years: Path) -> None:
    registry = load_forms(two_years)
    assert not registry.errors, registry.errors
    assert registry.for_period("power-monthly", "2026-10").version == "2026.1"
    assert registry.for_period("power-monthly", "2026-12").version == "2026.1"
    assert registry.for_period("power-monthly", "2027-01").version == "2027.1"
    assert registry.for_period("power-monthly", "2027-03").version == "2027.1"
    # Before the earliest template: refused, never another year's definition.
    assert registry.for_period("power-monthly", "2022-12") is None
    assert registry.for_period("no-such-form", "2026-10") is None
    assert [s.version for s in registry.versions("power-monthly")] == ["2026.1", "2027.1"]

    old = registry.for_period("power-monthly", "2026-10")
    new = registry.for_period("power-monthly", "2027-03")
    e_2026 = evaluate(old, coal_month("2026-10", "2026.1")).values["units"][0]["fuels"][0]["emissions"]
    e_2027 = evaluate(new, coal_month("2027-03", "2027.1")).values["units"][0]["fuels"][0]["emissions"]
    # C_ar = 20 GJ/t × 0.03085 tC/GJ (unmeasured coal month) = 0.617 tC/t;
    # E = 1000 t × 0.617 × OF × 44/12, OF 99 % (2026 template) vs 98 % (2027 template).
    assert e_2026.quantize(Decimal("0.0001")) == (
        Decimal("1000") * Decimal("0.617") * Decimal("0.99") * 44 / 12
    ).quantize(Decimal("0.0001"))
    assert e_2027.quantize(Decimal("0.0001")) == (
        Decimal("1000") * Decimal("0.617") * Decimal("0.98") * 44 / 12
    ).quantize(Decimal("0.0001"))
    assert e_2026.quantize(Decimal("0.01")) == Decimal("2239.71")
    assert e_2027.quantize(Decimal("0.01")) == Decimal("2217.09")


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env[FORMS_DIR_ENV] = str(folder)
    env["PYTHONPATH"] = str(ROOT / "tests")
    return subprocess.run(
        [sys.executable, "-m", "cets_desktop", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        env=env,
    )


def test_new_chooses_the_template_of_the_period_and_says_so(two_years: Path) -> None:
    later = cli(two_years, "new", "power-monthly", "--period", "2027-03")
    assert later.returncode == 0, later.stderr
    assert json.loads(later.stdout)["form_version"] == "2027.1"
    assert "2027" in later.stderr and "2027.1" in later.stderr

    earlier = cli(two_years, "new", "power-monthly", "--period", "2026-10")
    assert earlier.returncode == 0, earlier.stderr
    assert json.loads(earlier.stdout)["form_version"] == "2026.1"
    assert "2026.1" in earlier.stderr

    refused = cli(two_years, "new", "power-monthly", "--period", "2022-05")
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr and refused.stderr.strip()


def test_rules_lists_both_versions(two_years: Path) -> None:
    result = cli(two_years, "rules", "--form", "power-monthly", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rules"]
    by_version: dict[str, set[str]] = {}
    for r in rows:
        by_version.setdefault(r["version"], set()).add(r["code"])
    assert set(by_version) == {"2026.1", "2027.1"}
    # Same rule set in both (only a factor changed); codes stay stable across years.
    assert by_version["2026.1"] == by_version["2027.1"]
    assert {"PWR-M-010", "PWR-M-110", "PWR-M-124"} <= by_version["2027.1"]
    text = cli(two_years, "rules", "--form", "power-monthly")
    assert "power-monthly@2026.1" in text.stdout and "power-monthly@2027.1" in text.stdout
