"""The CLI on a workspace: filings by number, the previous month and evidence from the store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # One keyring for every command of this test run, like one installation: a chain keeps its key.
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT / "tests"),
        PYTHON_KEYRING_BACKEND="support.process_keyring.ProcessMemoryKeyring",
        CETS_TEST_KEYRING_FILE=str(Path(tempfile.gettempdir()) / f"cets-test-keyring-{os.getpid()}.json"),
    )
    return subprocess.run(
        [sys.executable, "-m", "cets_desktop", *args], capture_output=True, text=True, timeout=180, env=env
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cets_desktop.demo import build_demo_workspace

    return build_demo_workspace(tmp_path_factory.mktemp("ws") / "demo.cetsdb")


def test_validate_a_workspace_filing_by_number(demo: Path) -> None:
    october = run("--workspace", str(demo), "validate", "--filing", "10", "--json")
    assert october.returncode == 1  # the demo's seeded error
    codes = {(f["code"], f["path"]) for f in json.loads(october.stdout)["findings"]}
    assert ("PWR-M-100", "units[1].net_supply") in codes
    september = run("--workspace", str(demo), "validate", "--filing", "9", "--json")
    assert september.returncode == 0
    assert not [f for f in json.loads(september.stdout)["findings"] if f["severity"] != "info"]


def test_export_from_the_workspace_packs_stored_evidence_and_records_the_chain(
    demo: Path, tmp_path: Path
) -> None:
    first = run(
        "--workspace", str(demo), "export", "--filing", "8", "-o", str(tmp_path / "aug.zip"), "-q", "--json"
    )
    assert first.returncode == 0, first.stderr
    aug = json.loads(first.stdout)
    second = run("--workspace", str(demo), "export", "--filing", "9", "-o", str(tmp_path / "sep.zip"), "-q")
    assert second.returncode == 0, second.stderr
    verified = run("verify", str(tmp_path / "sep.zip"), "--previous", str(tmp_path / "aug.zip"), "--json")
    assert verified.returncode == 0, verified.stdout
    report = json.loads(verified.stdout)
    assert report["ok"] and report["signed"]
    import zipfile

    with zipfile.ZipFile(tmp_path / "sep.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert sum(1 for n in zf.namelist() if n.startswith("evidence/")) == 3
    assert manifest["previous_package_sha256"] == aug["sha256"]
    listing = json.loads(run("--workspace", str(demo), "workspace", "list", "--json").stdout)
    states = {f["period"]: f["state"] for f in listing["enterprises"][0]["filings"]}
    assert states["2026-09"] == "已导出"


def test_an_evidence_file_deleted_from_the_store_is_reported_and_stops_export(tmp_path: Path) -> None:
    from cets_desktop.demo import build_demo_workspace
    from cets_desktop.store.workspace import Workspace

    path = build_demo_workspace(tmp_path / "demo.cetsdb")
    with Workspace.open(path) as ws:
        doc = ws.current_document(9)
        victim = doc["evidence"][0]["sha256"]
        ws.evidence.path_for(victim).unlink()
    checked = run("--workspace", str(path), "validate", "--filing", "9", "--json")
    assert any(f["code"] == "GEN-009" for f in json.loads(checked.stdout)["findings"])
    export = run("--workspace", str(path), "export", "--filing", "9", "-o", str(tmp_path / "x.zip"), "-q")
    assert export.returncode in (1, 2) and not (tmp_path / "x.zip").exists()
    assert "Traceback" not in export.stderr


def test_unknown_filing_number_is_unusable_input(demo: Path) -> None:
    result = run("--workspace", str(demo), "validate", "--filing", "99")
    assert result.returncode == 2 and "99" in result.stderr
