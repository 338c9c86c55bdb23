"""Helpers for the power monthly certification tests: documents, evaluation, the command line.

Documents start from the demo plant (华东示范热电有限公司: 1号机组 660 MW CHP with measured carbon,
2号机组 350 MW condensing with default carbon) and change only what a test is about.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------------------------
# Documents


def demo(month: int, year: int = 2026) -> dict[str, Any]:
    from cets_desktop.demo import power_month_document

    return power_month_document(month, year)


def changed(doc: dict[str, Any], **paths: Any) -> dict[str, Any]:
    """A copy with values changed: changed(d, **{"units.1.net_supply": "1"}); None removes the key."""
    out = copy.deepcopy(doc)
    for dotted, value in paths.items():
        target: Any = out["values"]
        parts = dotted.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is None and isinstance(target, dict):
            target.pop(last, None)
        else:
            target[int(last) if last.isdigit() else last] = value
    return out


def closing_stock(month: int) -> Decimal:
    """Coal stock of 2号机组 at the end of ``month`` (month 0 = end of the previous year)."""
    return Decimal(40000 + 1000 * month)


def ledger_month(month: int) -> dict[str, Any]:
    """The demo month with 2号机组's coal taken from the purchase–stock ledger (购销存台账), stock continuous."""
    doc = demo(month)
    fuel = doc["values"]["units"][1]["fuels"][0]
    consumption = Decimal(fuel["consumption"])
    opening, closing = closing_stock(month - 1), closing_stock(month)
    fuel.update(
        {
            "consumption_route": "计算值",
            "consumption_source": "购销存台账",
            "consumption_source_reason": "2号机组给煤机计量装置改造期间，按入厂煤过磅和月末盘点计算",
            "opening_stock": f"{opening:.2f}",
            "purchases": f"{consumption + closing - opening:.2f}",
            "other_outflow": "0.00",
            "closing_stock": f"{closing:.2f}",
        }
    )
    return doc


def gas_unit() -> dict[str, Any]:
    """A 460 MW F-class gas CHP unit burning pipeline gas (defaults) with diesel for start-up."""
    generation, hours = Decimal("298000.000"), Decimal("690.00")
    load = generation / (Decimal(460) * hours) * 100
    return {
        "unit_name": "3号燃机",
        "capacity_mw": "460.00",
        "fuel_category": "燃气",
        "gas_unit_class": "F级",
        "is_chp": True,
        "turbine_type": "抽凝",
        "cooling": "水冷-闭式循环",
        "fuels": [
            {
                "fuel_name": "天然气",
                "consumption": "5200.00",
                "consumption_route": "实测值",
                "ncv_route": "缺省值",
                "carbon_route": "缺省值",
                "oxidation_route": "缺省值",
            },
            {
                "fuel_name": "柴油",
                "consumption": "12.50",
                "consumption_route": "实测值",
                "ncv_route": "缺省值",
                "carbon_route": "缺省值",
                "oxidation_route": "缺省值",
            },
        ],
        "purchased_electricity": "80.000",
        "generation": f"{generation}",
        "net_supply": "292000.000",
        "heat_supplied": "150000.00",
        "heat_ratio": "0.0900",
        "operating_hours": f"{hours}",
        "load_factor": f"{load.quantize(Decimal('0.01'))}",
    }


def oil_unit() -> dict[str, Any]:
    """A 50 MW oil-fired peaking unit on heavy fuel oil (defaults), pure condensing."""
    generation, hours = Decimal("6150.000"), Decimal("160.00")
    load = generation / (Decimal(50) * hours) * 100
    return {
        "unit_name": "5号燃油机组",
        "capacity_mw": "50.00",
        "fuel_category": "燃油",
        "is_chp": False,
        "turbine_type": "纯凝",
        "cooling": "水冷-开式循环",
        "fuels": [
            {
                "fuel_name": "燃料油",
                "consumption": "1480.00",
                "consumption_route": "实测值",
                "ncv_route": "缺省值",
                "carbon_route": "缺省值",
                "oxidation_route": "缺省值",
            },
        ],
        "purchased_electricity": "0.000",
        "generation": f"{generation}",
        "net_supply": "5850.000",
        "heat_supplied": "0.00",
        "heat_ratio": "0.0000",
        "operating_hours": f"{hours}",
        "load_factor": f"{load.quantize(Decimal('0.01'))}",
    }


def gas_oil_document(month: int = 10) -> dict[str, Any]:
    doc = demo(month)
    doc["values"]["units"] = [gas_unit(), oil_unit()]
    return doc


def attach_evidence(doc: dict[str, Any], folder: Path, tag: str) -> dict[str, Any]:
    """Write three small "scans" into ``folder`` and reference them from every item they back."""
    files: dict[str, tuple[str, str, int]] = {}
    for kind, title in (("ledger", "燃料消耗台账"), ("lab", "煤质检测报告"), ("prod", "生产月报")):
        body = f"%PDF-1.4\n% {tag} {title}（盖章扫描件，测试用）\n".encode() + os.urandom(16)
        name = f"{tag}-{kind}.pdf"
        (folder / name).write_bytes(body)
        files[kind] = (name, hashlib.sha256(body).hexdigest(), len(body))
    rows = []

    def ref(kind: str, path: str, label: str) -> None:
        name, sha, size = files[kind]
        rows.append({"path": path, "sha256": sha, "name": name, "size": size, "kind": label})

    for ui, unit in enumerate(doc["values"]["units"]):
        for fi, fuel in enumerate(unit["fuels"]):
            ref("ledger", f"units[{ui}].fuels[{fi}].consumption", "盖章燃料消耗台账扫描件")
            if fuel.get("ncv"):
                ref("lab", f"units[{ui}].fuels[{fi}].ncv", "入炉煤化验日报")
            if fuel.get("carbon_content"):
                ref("lab", f"units[{ui}].fuels[{fi}].carbon_content", "CMA/CNAS检测报告")
        for item in (
            "purchased_electricity",
            "generation",
            "net_supply",
            "heat_supplied",
            "operating_hours",
            "load_factor",
        ):
            ref("prod", f"units[{ui}].{item}", "盖章生产报表")
    out = copy.deepcopy(doc)
    out["evidence"] = rows
    return out


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Evaluation


def evaluate_doc(doc: dict[str, Any], previous: dict[str, Any] | None = None) -> Any:
    from cets_desktop.core.document import parse_document
    from cets_desktop.core.loader import default_registry
    from cets_desktop.core.rules import evaluate

    spec = default_registry().get("power-monthly")
    assert spec is not None
    return evaluate(spec, parse_document(doc), previous=parse_document(previous) if previous else None)


def findings_of(ev: Any, code: str) -> list[Any]:
    return [f for f in ev.findings if f.code == code]


@lru_cache(maxsize=1)
def clean_year() -> tuple[Any, ...]:
    """The 12 clean demo months, each evaluated with the month before it (January has none)."""
    out = []
    previous = None
    for month in range(1, 13):
        doc = demo(month)
        out.append(evaluate_doc(doc, previous))
        previous = doc
    return tuple(out)


# --------------------------------------------------------------------------------------------
# The command line


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, cwd: Path | None = None) -> Run:
    """The real command in a child process (exit status, stdout, stderr exactly as a user sees them)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "tests")
    result = subprocess.run(
        [sys.executable, "-m", "cets_desktop", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        cwd=cwd,
        env=env,
    )
    return Run(result.returncode, result.stdout, result.stderr)
