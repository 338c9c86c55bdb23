"""``validate`` through the real command: every problem at once, and bad input that never crashes."""

from __future__ import annotations

import json
from pathlib import Path

from power_helpers import changed, demo, run_cli, write_json

U0C = "units.0.fuels.0."


def six_mistakes() -> dict:
    return changed(
        demo(10),
        **{
            "units.1.net_supply": "169500.000",  # PWR-M-100 net supply > generation
            "units.0.operating_hours": "800.00",  # PWR-M-101 more hours than October has
            U0C + "carbon_content": "0.5620",  # PWR-M-120 fraction typed instead of percent
            "units.1.fuels.0.ncv": "4968.000",  # PWR-M-110 kcal/kg typed
            "units.0.heat_ratio": "6.11",  # PWR-M-104 percent typed
            "units.0.fuels.1.consumption": "-35.20",  # PWR-M-010 negative consumption
        },
    )


def test_six_seeded_errors_come_back_together_in_one_run(tmp_path: Path) -> None:
    path = write_json(tmp_path / "2026-10.json", six_mistakes())
    result = run_cli("validate", str(path), "--json")
    assert result.returncode == 1
    data = result.json()
    errors = {(f["code"], f["path"]) for f in data["findings"] if f["severity"] == "error"}
    assert errors >= {
        ("PWR-M-100", "units[1].net_supply"),
        ("PWR-M-101", "units[0].operating_hours"),
        ("PWR-M-120", "units[0].fuels[0].carbon_content"),
        ("PWR-M-110", "units[1].fuels[0].ncv"),
        ("PWR-M-104", "units[0].heat_ratio"),
        ("PWR-M-010", "units[0].fuels[1].consumption"),
    }
    assert data["summary"]["error"] >= 6
    assert all(f["message"] and f["source"] for f in data["findings"])
    assert result.stderr == ""


def test_text_output_lists_every_error_with_code_and_place(tmp_path: Path) -> None:
    path = write_json(tmp_path / "2026-10.json", six_mistakes())
    result = run_cli("validate", str(path), "-v")
    assert result.returncode == 1
    for code in ("PWR-M-100", "PWR-M-101", "PWR-M-120", "PWR-M-110", "PWR-M-104", "PWR-M-010"):
        assert f"[错误] {code} " in result.stdout
    assert "机组「2号机组」 › 供电量" in result.stdout and "依据：" in result.stdout
    assert "错误 " in result.stderr


def test_chinese_words_in_a_number_field_name_the_field(tmp_path: Path) -> None:
    path = write_json(tmp_path / "2026-10.json", changed(demo(10), **{U0C + "consumption": "一百"}))
    result = run_cli("validate", str(path), "--json")
    assert result.returncode == 1
    (finding,) = [f for f in result.json()["findings"] if f["code"] == "GEN-002"]
    assert finding["path"] == "units[0].fuels[0].consumption" and finding["severity"] == "error"
    assert "燃料消耗量" in finding["message"] and "一百" in finding["message"]
    assert "1号机组" in finding["location"]


def test_unknown_field_is_reported_not_dropped(tmp_path: Path) -> None:
    doc = demo(10)
    doc["values"]["units"][0]["coal_tons"] = "152340.50"
    path = write_json(tmp_path / "2026-10.json", doc)
    result = run_cli("validate", str(path), "--json")
    assert result.returncode == 1
    (finding,) = [f for f in result.json()["findings"] if f["code"] == "GEN-001"]
    assert finding["path"] == "units[0].coal_tons" and "coal_tons" in finding["message"]


def test_negative_consumption_is_an_error(tmp_path: Path) -> None:
    path = write_json(tmp_path / "2026-10.json", changed(demo(10), **{U0C + "consumption": "-152340.50"}))
    result = run_cli("validate", str(path), "--json")
    assert result.returncode == 1
    codes = {(f["code"], f["path"], f["severity"]) for f in result.json()["findings"]}
    assert ("PWR-M-010", "units[0].fuels[0].consumption", "error") in codes


def _unusable(result) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr


def test_empty_file_is_unusable_input(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    result = run_cli("validate", str(path), "--json")
    _unusable(result)
    assert "空文件" in result.stderr


def test_non_utf8_file_is_unusable_input(tmp_path: Path) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps(demo(10), ensure_ascii=False).encode("gbk"))
    result = run_cli("validate", str(path), "--json")
    _unusable(result)
    assert "UTF-8" in result.stderr


def test_truncated_json_is_unusable_input(tmp_path: Path) -> None:
    text = json.dumps(demo(10), ensure_ascii=False, indent=2)
    path = tmp_path / "truncated.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    for command in ("validate", "calc", "explain"):
        result = run_cli(command, str(path), "--json")
        _unusable(result)
        assert "JSON" in result.stderr and "行" in result.stderr


def test_unknown_top_level_key_and_missing_file_are_unusable_input(tmp_path: Path) -> None:
    doc = demo(10)
    doc["valuez"] = {}
    _unusable(run_cli("validate", str(write_json(tmp_path / "bad.json", doc)), "--json"))
    _unusable(run_cli("validate", str(tmp_path / "nowhere.json"), "--json"))
    result = run_cli(
        "validate",
        str(write_json(tmp_path / "ok.json", demo(10))),
        "--json",
        "--previous-filing",
        str(tmp_path / "nowhere.json"),
    )
    _unusable(result)
