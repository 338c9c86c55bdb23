"""Aluminium month through the command line, end to end: new → validate → calc → template, filled
like a user → import → pdf (the GWP set stated in the text) → export → verify; seeded errors exit 1."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import aluminium_helpers as h
import pytest
from sector_cli import Run, attach_evidence, fill_like_a_user, pdftotext, write_json

CLI = Callable[..., Run]
needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed"
)


def month_json(
    folder: Path, vals: dict[str, Any] | None = None, period: str = h.PERIOD, tag: str = "2026-10"
) -> Path:
    doc = h.document(vals, period=period, with_evidence=False).to_json_dict()
    paths = h.b.evidence_paths(h.b.spec_of(h.FORM), doc["values"])
    return write_json(folder / f"{tag}.json", attach_evidence(doc, paths, folder, tag))


def test_new_and_validate_list_what_is_missing(cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "new.json"
    made = cli(
        "new",
        h.FORM,
        "--period",
        "2026-10",
        "--enterprise-name",
        h.ENTERPRISE["name"],
        "--uscc",
        h.ENTERPRISE["uscc"],
        "-o",
        str(out),
    )
    assert made.returncode == 0, made.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["values"]["series"][0]["pfc_method"] == "斜率法"
    assert doc["values"]["gwp_set"] == "AR5"  # the preset, stated on the form; the user can change it
    checked = cli("validate", str(out), "--json")
    assert checked.returncode == 1
    missing = {f["path"] for f in checked.json()["findings"] if f["code"] == "GEN-003"}
    assert {
        "series[0].series_name",
        "series[0].al_output",
        "series[0].net_anode_consumption",
        "series[0].anode_sulphur",
        "series[0].aem",
        "purchased_electricity",
    } <= missing
    assert "series[0].anode_ash" not in missing  # the default route needs no value


def test_clean_month_validates_and_calc_returns_the_rounded_results(cli: CLI, tmp_path: Path) -> None:
    month = month_json(tmp_path)
    checked = cli("validate", str(month), "--json")
    assert checked.returncode == 0, checked.stdout
    calc = cli("calc", str(month), "--json")
    v = calc.json()["values"]
    s = v["series"][0]
    # 0.4150 × 32,480.50 × (1 − 1.85 % − 0.4 %) × 44/12
    assert Decimal(s["anode_emissions"]) == Decimal("48312.44")
    # 32,480.50 × (0.143 × 0.03 × 6630 + 0.1 × 0.143 × 0.03 × 11100) ÷ 1000
    assert Decimal(s["pfc_emissions"]) == Decimal("1078.50")
    assert Decimal(v["gwp_cf4_used"]) == 6630 and Decimal(v["gwp_c2f6_used"]) == 11100
    assert Decimal(v["enterprise_emissions"]) == Decimal("51485.34")
    assert Decimal(s["ac_power_per_tonne"]) == Decimal("13454.23")


def test_template_filled_in_excel_imports_to_the_same_filing(cli: CLI, tmp_path: Path) -> None:
    spec = h.b.spec_of(h.FORM)
    template = tmp_path / "铝冶炼月度模板.xlsx"
    assert cli("template", h.FORM, "-o", str(template), "--period", h.PERIOD).returncode == 0
    filled = tmp_path / "2026年10月铝.xlsx"
    fill_like_a_user(spec, template, filled, h.values(), h.ENTERPRISE, h.PERIOD)
    imported = tmp_path / "imported.json"
    result = cli("import", str(filled), "-o", str(imported))
    assert result.returncode in (0, 1), result.stderr
    doc = json.loads(imported.read_text(encoding="utf-8"))
    s = doc["values"]["series"][0]
    assert doc["values"]["gwp_set"] == "AR5"
    assert Decimal(s["net_anode_consumption"]) == Decimal("0.4150") and Decimal(s["aem"]) == Decimal("0.03")
    assert [f["fuel_name"] for f in doc["values"]["fuels"]] == ["天然气", "柴油"]
    calc = cli("calc", str(filled), "--json")
    assert Decimal(calc.json()["values"]["enterprise_emissions"]) == Decimal("51485.34")
    checked = cli("validate", str(filled), "--json")
    assert checked.json()["summary"]["error"] == 0


@needs_poppler
def test_pdf_states_the_gwp_set_and_names_no_internal_files(cli: CLI, tmp_path: Path) -> None:
    month = month_json(tmp_path)
    pdf = tmp_path / "report.pdf"
    assert cli("pdf", str(month), "-o", str(pdf)).returncode == 0
    text = pdftotext(pdf)
    for expected in (
        "黔北示范铝业有限公司",
        "铝冶炼行业月度信息化存证",
        "吨铝炭阳极净耗",
        "炭阳极平均含硫量",
        "GWP 取值套",
        "AR5",
        "6630",
        "11100",
        "48,312.44",
        "51,485.34",
    ):
        assert expected in text, expected
    for internal in (".md", ".yaml", "mandatory", "sector-months", "gwp_cf4", "ref("):
        assert internal not in text, internal


def test_export_and_verify(cli: CLI, tmp_path: Path) -> None:
    month = month_json(tmp_path)
    package = tmp_path / "aluminium-2026-10.zip"
    exported = cli("export", str(month), "-o", str(package), "--json", "-q")
    assert exported.returncode == 0, exported.stderr
    verified = cli("verify", str(package), "--json")
    assert verified.returncode == 0 and verified.json()["ok"] is True


def test_seeded_errors_exit_1(cli: CLI, tmp_path: Path) -> None:
    vals = h.values()
    s = vals["series"][0]
    s.update(net_anode_consumption="13479.41", anode_sulphur="0.0185", aem="1.36")
    s.pop("ae_total_minutes")
    s.pop("cell_days")
    bad = month_json(tmp_path, vals)
    checked = cli("validate", str(bad), "--json")
    assert checked.returncode == 1
    errors = {(f["code"], f["path"]) for f in checked.json()["findings"] if f["severity"] == "error"}
    assert errors == {
        ("ALU-M-310", "series[0].net_anode_consumption"),
        ("ALU-M-312", "series[0].anode_sulphur"),
        ("ALU-M-320", "series[0].aem"),
    }
