"""The whole month through the command line: schema → calc → validate → export → verify, with
evidence files next to the JSON, a package chain from September to October, and tampering."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from power_helpers import attach_evidence, demo, run_cli, write_json

EXPORT_MODULES = ("cets_desktop.io.pdf_report", "cets_desktop.io.xlsx_template", "cets_desktop.io.package")
needs_export = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in EXPORT_MODULES),
    reason="export needs io.pdf_report, io.xlsx_template and io.package",
)


def rewrite(src: Path, dst: Path, member: str, data: bytes) -> None:
    """Copy a package replacing one member: a well-formed ZIP whose content was changed."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, data if info.filename == member else zin.read(info))


@pytest.fixture
def month_files(tmp_path: Path) -> dict[str, Path]:
    """September and October JSON files, each with its own evidence scans in the same folder."""
    folder = tmp_path / "2026"
    folder.mkdir()
    out = {}
    for month in (9, 10):
        doc = attach_evidence(demo(month), folder, f"2026-{month:02d}")
        out[f"2026-{month:02d}"] = write_json(folder / f"2026-{month:02d}.json", doc)
    return out


def test_schema_calc_validate_before_export(month_files: dict[str, Path]) -> None:
    schema = run_cli("schema", "power-monthly", "--json")
    assert schema.returncode == 0
    fields = {f["path"]: f for f in schema.json()["fields"]}
    assert fields["units[].fuels[].emissions"]["calculated"] is True
    assert fields["units[].fuels[].consumption"]["evidence"]["kinds"]
    assert fields["units[].fuels[].c_ar"]["decimals"] == 4 and fields["units[].fuels[].ncv"]["decimals"] == 3

    october = month_files["2026-10"]
    calc = run_cli("calc", str(october), "--json")
    assert calc.returncode == 0
    assert Decimal(calc.json()["values"]["total_emissions"]) == Decimal("469997.90")

    check = run_cli("validate", str(october), "--json")
    assert check.returncode == 0
    summary = check.json()["summary"]
    assert summary["error"] == 0 and summary["warning"] == 0  # evidence attached for every item
    assert {f["code"] for f in check.json()["findings"]} == {"PWR-M-124", "PWR-M-150"}


@needs_export
def test_export_and_verify_a_chained_series(
    month_files: dict[str, Path], cli_inprocess: Any, tmp_path: Path
) -> None:
    out = tmp_path / "packages"
    out.mkdir()
    sep_zip, oct_zip = out / "2026-09.zip", out / "2026-10.zip"

    exported = cli_inprocess("export", str(month_files["2026-09"]), "-o", str(sep_zip), "--json", "-q")
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["signed"] is True
    exported = cli_inprocess(
        "export",
        str(month_files["2026-10"]),
        "-o",
        str(oct_zip),
        "--json",
        "-q",
        "--previous",
        str(sep_zip),
        "--previous-filing",
        str(month_files["2026-09"]),
    )
    assert exported.returncode == 0, exported.stderr
    info = json.loads(exported.stdout)
    assert info["signed"] is True and info["draft"] is False and info["summary"]["error"] == 0

    verified = run_cli("verify", str(oct_zip), "--previous", str(sep_zip), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.json()["ok"] is True and verified.json()["signed"] is True

    with zipfile.ZipFile(oct_zip) as zf:
        names = set(zf.namelist())
        data = json.loads(zf.read("data.json"))
    assert {"manifest.json", "manifest.sig", "data.json", "data.xlsx", "report.pdf"} <= names
    assert len([n for n in names if n.startswith("evidence/")]) == 3  # ledger, lab report, production report
    assert Decimal(data["calculated"]["total_emissions"]) == Decimal("469997.90")
    assert data["document"]["period"] == "2026-10"

    # Tampered: an emission figure edited inside the package after signing.
    tampered = out / "2026-10-tampered.zip"
    edited = json.dumps(data, ensure_ascii=False).replace("469997.9", "369997.9").encode("utf-8")
    rewrite(oct_zip, tampered, "data.json", edited)
    result = run_cli("verify", str(tampered), "--json")
    assert result.returncode == 1
    assert not result.json()["ok"] and result.json()["problems"]

    # Broken chain: October's package names September's hash, not this other file's.
    result = run_cli("verify", str(oct_zip), "--previous", str(tampered), "--json")
    assert result.returncode == 1
    assert any(p["code"] == "PKG-CHAIN" for p in result.json()["problems"])


@needs_export
def test_export_refuses_when_errors_remain_and_names_them(
    month_files: dict[str, Path], cli_inprocess: Any, tmp_path: Path
) -> None:
    doc = json.loads(month_files["2026-10"].read_text(encoding="utf-8"))
    doc["values"]["units"][1]["net_supply"] = "169500.000"
    bad = write_json(month_files["2026-10"].parent / "2026-10-bad.json", doc)
    result = cli_inprocess("export", str(bad), "-o", str(tmp_path / "bad.zip"), "-q")
    assert result.returncode == 1
    assert "PWR-M-100" in result.stderr and not (tmp_path / "bad.zip").exists()


@needs_export
def test_export_stops_when_an_evidence_file_was_moved(
    month_files: dict[str, Path], cli_inprocess: Any, tmp_path: Path
) -> None:
    october = month_files["2026-10"]
    (october.parent / "2026-10-lab.pdf").rename(tmp_path / "moved.pdf")
    result = cli_inprocess("export", str(october), "-o", str(tmp_path / "oct.zip"), "-q")
    assert result.returncode == 2
    assert "2026-10-lab.pdf" in result.stderr and "删除或移动" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
