"""The command-line contract: JSON shapes and exit statuses batch users and checkers rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "tests")
    env["PYTHON_KEYRING_BACKEND"] = "support.process_keyring.ProcessMemoryKeyring"
    return subprocess.run(
        [sys.executable, "-m", "cets_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_forms_lists_every_definition_with_its_certainty() -> None:
    result = run("forms", "--json")
    assert result.returncode == 0, result.stderr
    forms = {f["id"]: f for f in json.loads(result.stdout)["forms"]}
    power = forms["power-monthly"]
    assert power["filing_type"] == "monthly" and power["sector"] == "power" and power["template_year"] == 2026
    assert power["certainty"] in "VRTGPM"


def test_schema_gives_paths_with_repeat_markers_and_sources() -> None:
    result = run("schema", "power-monthly", "--json")
    assert result.returncode == 0
    fields = {f["path"]: f for f in json.loads(result.stdout)["fields"]}
    consumption = fields["units[].fuels[].consumption"]
    assert (
        consumption["label"] == "燃料消耗量"
        and consumption["type"] == "decimal"
        and consumption["decimals"] == 2
    )
    assert consumption["required"] is True and consumption["calculated"] is False
    assert consumption["source"]["certainty"] == "V"
    emissions = fields["units[].fuels[].emissions"]
    assert emissions["calculated"] is True and emissions["unit"] == "tCO2"
    fuel = fields["units[].fuels[].fuel_name"]
    assert {"value": "烟煤", "label": "烟煤"} in fuel["choices"]
    assert set(consumption) >= {
        "path",
        "name",
        "label",
        "unit",
        "type",
        "decimals",
        "choices",
        "required",
        "calculated",
        "source",
    }


def test_unknown_form_is_unusable_input_with_one_line() -> None:
    result = run("schema", "no-such-form", "--json")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "no-such-form" in result.stderr


def test_validate_exit_status_follows_error_findings(tmp_path: Path, october: dict[str, Any]) -> None:
    clean = run("validate", str(write(tmp_path / "oct.json", october)), "--json")
    assert clean.returncode == 0, clean.stdout
    report = json.loads(clean.stdout)
    assert all(f["severity"] != "error" for f in report["findings"])
    assert set(report["findings"][0]) >= {"severity", "code", "path", "message", "source"}
    october["values"]["units"][0]["net_supply"] = "999999"
    bad = run("validate", str(write(tmp_path / "bad.json", october)), "--json")
    assert bad.returncode == 1
    codes = {(f["code"], f["path"]) for f in json.loads(bad.stdout)["findings"]}
    assert ("PWR-M-100", "units[0].net_supply") in codes


def test_calc_returns_the_input_shape_with_calculations(tmp_path: Path, october: dict[str, Any]) -> None:
    result = run("calc", str(write(tmp_path / "oct.json", october)), "--json")
    assert result.returncode == 0
    values = json.loads(result.stdout)["values"]
    assert values["units"][0]["unit_name"] == "1号机组"
    assert values["units"][0]["fuels"][0]["consumption"] == "152340.50"  # padded to the template's 2 decimals
    assert values["units"][0]["fuels"][0]["emissions"] and values["total_emissions"]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "空文件"),
        (b'{"form": 1', "JSON 格式错误"),
        ('{"form": "power-monthly"}'.encode("utf-16"), "UTF-8"),
        (
            json.dumps(
                {"form": "power-monthly", "form_version": "2026.1", "period": "2026-10", "colour": 1}
            ).encode(),
            "未知字段「colour」",
        ),
        (b"[1, 2]", "顶层应为 JSON 对象"),
    ],
)
def test_unusable_files_give_exit_2_and_one_clear_line(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "filing.json"
    path.write_bytes(content)
    result = run("validate", str(path))
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_text_in_a_number_field_is_a_finding_naming_the_field(
    tmp_path: Path, october: dict[str, Any]
) -> None:
    october["values"]["units"][1]["fuels"][0]["consumption"] = "一百"
    result = run("validate", str(write(tmp_path / "oct.json", october)), "--json")
    assert result.returncode == 1
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "GEN-002")
    assert finding["path"] == "units[1].fuels[0].consumption" and "一百" in finding["message"]


def test_new_document_validates_as_incomplete_not_unusable(tmp_path: Path) -> None:
    out = tmp_path / "new.json"
    result = run(
        "new", "power-monthly", "--period", "2026-11", "--enterprise-name", "测试电厂", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["form"] == "power-monthly" and doc["period"] == "2026-11"
    check = run("validate", str(out), "--json")
    assert check.returncode == 1  # required fields missing are findings, not a crash
    assert any(f["code"] == "GEN-013" for f in json.loads(check.stdout)["findings"])  # no USCC given


def test_calendar_due_dates_are_month_end_plus_40_days() -> None:
    result = run("calendar", "--year", "2026", "--json", "--today", "2026-11-20")
    data = json.loads(result.stdout)
    monthly = {d["period"]: d for d in data["deadlines"] if d["kind"] == "monthly"}
    assert monthly["2026-10"]["due"] == "2026-12-10" and monthly["2026-10"]["days_left"] == 20
    assert monthly["2026-02"]["due"] == "2026-04-09"
    assert monthly["2026-12"]["due"] == "2027-02-09"
    assert monthly["2026-09"]["overdue"] is True
    local = json.loads(
        run("calendar", "--year", "2026", "--json", "--local-days", "20", "--today", "2026-11-20").stdout
    )
    assert {d["period"]: d for d in local["deadlines"]}["2026-10"]["due"] == "2026-11-20"


def test_rules_catalogue_lists_stable_codes_with_sources() -> None:
    rules = json.loads(run("rules", "--json").stdout)["rules"]
    codes = [r["code"] for r in rules if r["form"] == "power-monthly"]
    assert "PWR-M-100" in codes and len(codes) == len(set(codes))
    assert all(r["source"] for r in rules if r["form"] == "power-monthly")


def test_definition_json_schema_in_forms_is_current() -> None:
    from cets_desktop.core.spec import FormSpec

    committed = json.loads((ROOT / "forms" / "formspec.schema.json").read_text(encoding="utf-8"))
    fresh = FormSpec.model_json_schema(by_alias=True)
    fresh["title"] = committed["title"]
    assert committed == fresh, "run: cets-desktop dev schema-json"
