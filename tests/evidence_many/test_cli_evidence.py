"""The command line does what the window does: one file for many fields, several files with the
suggested mapping, a carry-over with its reason; each saved as one revision. Then `validate
--filing` shows GEN-006 going down and GEN-008 as an info naming the reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cets_desktop.demo import build_demo_workspace


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cets_desktop", *args], capture_output=True, text=True, timeout=180
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(build_demo_workspace(tmp_path_factory.mktemp("cli") / "demo.cetsdb"))


def findings(workspace: Path) -> list[dict[str, str]]:
    done = run("--workspace", str(workspace), "validate", "--filing", "10", "--json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["findings"]  # type: ignore[no-any-return]


def test_attach_list_and_carry_from_the_command_line(workspace: Path, tmp_path: Path) -> None:
    ws = str(workspace)
    assert sum(f["code"] == "GEN-006" for f in findings(workspace)) == 17
    report = tmp_path / "2026年10月生产月报（盖章）.pdf"
    bill = tmp_path / "2026年10月电费结算单.pdf"
    report.write_bytes(b"%PDF-1.4 production report")
    bill.write_bytes(b"%PDF-1.4 electricity bill")

    done = run("--workspace", ws, "evidence", "attach", "--filing", "10", str(report), str(bill))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("已附上 2 份支撑材料，对应 10 项")
    assert sum(f["code"] == "GEN-006" for f in findings(workspace)) == 7

    # One field named by hand, with a kind.
    heat = tmp_path / "供热记录.pdf"
    heat.write_bytes(b"%PDF-1.4 heat")
    done = run(
        "--workspace", ws, "evidence", "attach", "--filing", "10", str(heat),
        "--fields", "units[0].heat_supplied", "--kind", "供热结算单",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr

    done = run("--workspace", ws, "evidence", "list", "--filing", "10", "--json")
    listed = json.loads(done.stdout)
    assert [(d["name"], len(d["paths"])) for d in listed["documents"]] == [
        (report.name, 8),
        (bill.name, 2),
        (heat.name, 1),
    ]
    assert listed["documents"][2]["kind"] == "供热结算单"
    assert len(listed["missing"]) == 6

    # Carry without a reason is refused (exit 2, one line); with a reason it is recorded.
    ledger = "2026年9月燃料消耗台账（盖章）.pdf"
    done = run("--workspace", ws, "evidence", "carry", "--filing", "10", "--file", ledger, "--reason", " ")
    assert done.returncode == 2 and "写明理由" in done.stderr and "Traceback" not in done.stderr
    done = run(
        "--workspace",
        ws,
        "evidence",
        "carry",
        "--filing",
        "10",
        "--file",
        ledger,
        "--reason",
        "测试：沿用上月台账",
    )
    assert done.returncode == 0, done.stderr
    after = findings(workspace)
    assert sum(f["code"] == "GEN-006" for f in after) == 3
    reused = [f for f in after if f["code"] == "GEN-008"]
    assert [(f["severity"], f["path"]) for f in reused] == [("info", "units[0].fuels[0].consumption")]
    assert "测试：沿用上月台账" in reused[0]["message"]

    # Nothing to go by in the name and no --fields: refused, nothing saved.
    vague = tmp_path / "扫描件001.pdf"
    vague.write_bytes(b"%PDF-1.4 ?")
    done = run("--workspace", ws, "evidence", "attach", "--filing", "10", str(vague))
    assert done.returncode == 2 and "--fields" in done.stderr
