"""Fixtures for workspace tests: a fresh workspace per test and realistic power-sector filings."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cets_desktop.store import Enterprise, Filing, Workspace

ENTERPRISE = {
    "name": "华东示范发电有限公司",
    "uscc": "91310000MA1FL0XXXX",
    "industry_code": "4411",
    "province": "上海市",
    "city": "上海市",
}

DocumentFactory = Callable[..., dict[str, Any]]


def build_power_monthly(period: str = "2026-10", units: int = 2, fuels_per_unit: int = 2) -> dict[str, Any]:
    """A monthly power-generation filing shaped like the lead's filing-document example."""
    fuel_types = ["燃煤", "天然气", "燃油", "煤矸石"]
    return {
        "format": "cets-filing/1",
        "form": "power-monthly",
        "form_version": "2026.1",
        "enterprise": dict(ENTERPRISE),
        "period": period,
        "values": {
            "units": [
                {
                    "unit_name": f"{index + 1}号机组",
                    "capacity_mw": "660",
                    "generation_mwh": f"{310000 + index * 1234}.50",
                    "supply_mwh": f"{291000 + index * 1111}.25",
                    "fuels": [
                        {
                            "fuel_type": fuel_types[fuel % len(fuel_types)],
                            "consumption": f"{12345 + index * 100 + fuel}.67",
                            "ncv_gj_per_t": "21.870",
                            "carbon_content": "0.5612",
                        }
                        for fuel in range(fuels_per_unit)
                    ],
                }
                for index in range(units)
            ]
        },
        "evidence": [
            {
                "path": "units[0].fuels[0].consumption",
                "sha256": "5d41402abc4b2a76b9719d911017c592" * 2,
                "name": f"{int(period[5:] or 12)}月入炉煤台账.pdf",
                "size": 482113,
                "kind": "ledger",
                "attached_at": "2026-11-03T10:00:00+08:00",
            }
        ],
        "acknowledgements": [],
    }


@pytest.fixture
def power_monthly() -> DocumentFactory:
    return build_power_monthly


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    return tmp_path / "华东示范" / "workspace.cetsdb"


@pytest.fixture
def workspace(workspace_path: Path) -> Iterator[Workspace]:
    with Workspace.open(workspace_path, actor="张工") as ws:
        yield ws


@pytest.fixture
def enterprise(workspace: Workspace) -> Enterprise:
    return workspace.add_enterprise(**ENTERPRISE, sectors=["发电"], settings={"local_deadline_days": 20})


@pytest.fixture
def filing(workspace: Workspace, enterprise: Enterprise, power_monthly: DocumentFactory) -> Filing:
    return workspace.create_filing(enterprise.id, "power-monthly", "2026.1", "2026-10", power_monthly())


def edited(document: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """A deep copy of ``document`` with ``change`` applied (tests never mutate saved documents)."""
    result = copy.deepcopy(document)
    change(result)
    return result


@pytest.fixture
def edit() -> Callable[[dict[str, Any], Callable[[dict[str, Any]], None]], dict[str, Any]]:
    return edited
