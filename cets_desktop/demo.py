"""A fictional power enterprise for the demo workspace, the docs and the tests.

华东示范热电有限公司 runs two coal units: a 660 MW ultra-supercritical CHP unit with measured
carbon content, and a 350 MW subcritical condensing unit whose carbon content is not measured
(so the conservative default applies). Figures are realistic in size, invented in detail.
"""

from __future__ import annotations

import copy
from typing import Any

from .core.uscc import complete

DEMO_USCC = complete("91310115MA1K3P7Q8")
DEMO_ENTERPRISE: dict[str, Any] = {
    "name": "华东示范热电有限公司",
    "uscc": DEMO_USCC,
    "industry_code": "4411",
    "province": "江苏省",
    "city": "南通市",
    "address": "江苏省南通市港闸区示范路1号",
    "legal_representative": "王建国",
    "contact_person": "李晓燕",
    "contact_phone": "0513-85551234",
}

# Per month: (unit 1 coal t, NCV, C%, gen MWh, net MWh, heat GJ, hours), (unit 2 coal t, NCV, gen, net, hours)
_MONTHLY = {
    1: (
        (168200.00, 21.350, 56.05, 381480.000, 357800.000, 265000.00, 744.00),
        (74100.00, 20.650, 172900.000, 162300.000, 706.00),
    ),
    2: (
        (150300.00, 21.420, 56.31, 341220.000, 320100.000, 238000.00, 672.00),
        (66200.00, 20.780, 154600.000, 145100.000, 634.00),
    ),
    3: (
        (149800.00, 21.600, 56.42, 340300.000, 319300.000, 190000.00, 700.00),
        (68900.00, 20.910, 160100.000, 150200.000, 655.00),
    ),
    4: (
        (120500.00, 21.550, 56.20, 274500.000, 257400.000, 95000.00, 600.00),
        (60100.00, 20.700, 139700.000, 131100.000, 590.00),
    ),
    5: (
        (118900.00, 21.480, 56.12, 271000.000, 254100.000, 60000.00, 590.00),
        (62400.00, 20.820, 145200.000, 136300.000, 610.00),
    ),
    6: (
        (140200.00, 21.300, 55.98, 318800.000, 299000.000, 55000.00, 680.00),
        (70100.00, 20.760, 163000.000, 152900.000, 690.00),
    ),
    7: (
        (160100.00, 21.250, 55.90, 363600.000, 341000.000, 52000.00, 744.00),
        (76800.00, 20.600, 178400.000, 167400.000, 740.00),
    ),
    8: (
        (161500.00, 21.280, 55.95, 366900.000, 344100.000, 53000.00, 744.00),
        (77200.00, 20.650, 179300.000, 168200.000, 744.00),
    ),
    9: (
        (142300.00, 21.450, 56.15, 323500.000, 303400.000, 90000.00, 690.00),
        (67500.00, 20.800, 157100.000, 147400.000, 660.00),
    ),
    10: (
        (152340.50, 21.500, 56.20, 346500.000, 325000.000, 180000.00, 700.00),
        (68000.00, 20.800, 159250.000, 149500.000, 650.00),
    ),
    11: (
        (160800.00, 21.380, 56.08, 365200.000, 342500.000, 240000.00, 720.00),
        (71900.00, 20.720, 167300.000, 157000.000, 690.00),
    ),
    12: (
        (171000.00, 21.300, 56.00, 388500.000, 364400.000, 280000.00, 744.00),
        (75600.00, 20.680, 175800.000, 165000.000, 730.00),
    ),
}


def _s(x: float, places: int) -> str:
    return f"{x:.{places}f}"


def power_month_values(month: int) -> dict[str, Any]:
    """Values of a clean monthly certification (no error-level findings) for ``month``."""
    (c1, n1, cc1, g1, s1, h1, t1), (c2, n2, g2, s2, t2) = _MONTHLY[month]
    lf1 = g1 / (660 * t1) * 100
    lf2 = g2 / (350 * t2) * 100
    heat_ratio = round(h1 / (c1 * n1 * 0.9), 4)
    return {
        "preparer": "李晓燕",
        "preparer_phone": "0513-85551234",
        "units": [
            {
                "unit_name": "1号机组",
                "capacity_mw": "660.00",
                "fuel_category": "燃煤",
                "pressure_class": "超超临界",
                "boiler_special": "常规煤粉炉",
                "is_chp": True,
                "turbine_type": "抽凝",
                "cooling": "水冷-闭式循环",
                "fuels": [
                    {
                        "fuel_name": "烟煤",
                        "consumption": _s(c1, 2),
                        "consumption_route": "实测值",
                        "consumption_source": "入炉煤计量",
                        "ncv": _s(n1, 3),
                        "ncv_route": "实测值",
                        "carbon_basis": "元素碳含量",
                        "carbon_content": _s(cc1, 2),
                        "carbon_route": "实测值",
                        "lab_name": "江苏省煤炭产品质量监督检验中心",
                        "lab_accreditation": "CMA和CNAS",
                        "report_no": f"JSMT-2026-{month:02d}-0417",
                        "report_date": f"2026-{month % 12 + 1:02d}-12" if month < 12 else "2027-01-12",
                        "sample_hydrogen": "3.62",
                        "sample_sulphur": "0.58",
                        "sample_moisture": "12.40",
                        "sample_ncv": _s(n1 + 0.05, 3),
                        "oxidation_route": "缺省值",
                    },
                    {
                        "fuel_name": "柴油",
                        "consumption": "35.20",
                        "consumption_route": "实测值",
                        "ncv_route": "缺省值",
                        "carbon_route": "缺省值",
                        "oxidation_route": "缺省值",
                    },
                ],
                "purchased_electricity": "0.000",
                "generation": _s(g1, 3),
                "net_supply": _s(s1, 3),
                "heat_supplied": _s(h1, 2),
                "heat_ratio": _s(heat_ratio, 4),
                "operating_hours": _s(t1, 2),
                "load_factor": _s(lf1, 2),
            },
            {
                "unit_name": "2号机组",
                "capacity_mw": "350.00",
                "fuel_category": "燃煤",
                "pressure_class": "亚临界",
                "boiler_special": "常规煤粉炉",
                "is_chp": False,
                "turbine_type": "纯凝",
                "cooling": "空冷-直接空冷",
                "fuels": [
                    {
                        "fuel_name": "烟煤",
                        "consumption": _s(c2, 2),
                        "consumption_route": "实测值",
                        "consumption_source": "入炉煤计量",
                        "ncv": _s(n2, 3),
                        "ncv_route": "实测值",
                        "carbon_route": "缺省值",
                        "oxidation_route": "缺省值",
                    }
                ],
                "purchased_electricity": "1250.000",
                "generation": _s(g2, 3),
                "net_supply": _s(s2, 3),
                "heat_supplied": "0.00",
                "heat_ratio": "0.0000",
                "operating_hours": _s(t2, 2),
                "load_factor": _s(lf2, 2),
            },
        ],
    }


def power_month_document(month: int, year: int = 2026) -> dict[str, Any]:
    return {
        "format": "cets-filing/1",
        "form": "power-monthly",
        "form_version": "2026.1",
        "enterprise": copy.deepcopy(DEMO_ENTERPRISE),
        "period": f"{year}-{month:02d}",
        "values": power_month_values(month),
        "evidence": [],
        "acknowledgements": [],
        "meta": {},
    }


# --------------------------------------------------------------------------------------------
# Demo workspace


def _demo_evidence_file(folder: Any, name: str, title: str, lines: list[str]) -> Any:
    """A small PDF standing in for a stamped scan (generated, so nothing binary is committed)."""
    from pathlib import Path

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = Path(folder) / name
    font = "Helvetica"
    try:
        from .io.fonts import register_pdf_font

        font = register_pdf_font()
    except Exception:  # noqa: BLE001 - demo evidence still works with ASCII text only
        title = "DEMO EVIDENCE"
        lines = [line.encode("ascii", "ignore").decode() for line in lines]
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(font, 16)
    c.drawString(72, 770, title)
    c.setFont(font, 11)
    y = 740
    for line in lines:
        c.drawString(72, y, line)
        y -= 18
    c.setStrokeColorRGB(0.8, 0.1, 0.1)
    c.circle(450, 200, 50)
    c.setFont(font, 9)
    c.drawString(415, 200, "（演示用印章）" if font != "Helvetica" else "(demo seal)")
    c.showPage()
    c.save()
    return path


DEMO_STATES = {
    1: "已导出",
    2: "已导出",
    3: "已导出",
    4: "已导出",
    5: "已导出",
    6: "已导出",
    7: "已导出",
    8: "已导出",
    9: "已校验",
    10: "草稿",
}
"""Demo months: Jan–Aug exported, September validated, October a draft with a seeded error; November not started."""


def build_demo_workspace(path: Any) -> Any:
    """Create (or replace) a demo workspace at ``path`` and return its path."""
    import tempfile
    from pathlib import Path

    from .store.workspace import Workspace

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        if old.exists():
            old.unlink()
    with Workspace.open(path, create=True, actor="演示数据") as ws, tempfile.TemporaryDirectory() as tmp:
        from .workflow.sandbox import mark_sandbox

        mark_sandbox(ws)
        ent = ws.add_enterprise(
            DEMO_ENTERPRISE["name"],
            DEMO_ENTERPRISE["uscc"],
            industry_code="4411",
            province="江苏省",
            city="南通市",
            sectors=["power"],
            settings={"local_deadline_days": 20, "tracked_since": "2026-01"},
        )
        ws.add_facility(
            ent.id,
            "发电机组",
            "1号机组",
            attributes={"capacity_mw": "660", "fuel_category": "燃煤", "is_chp": True},
        )
        ws.add_facility(
            ent.id,
            "发电机组",
            "2号机组",
            attributes={"capacity_mw": "350", "fuel_category": "燃煤", "is_chp": False},
        )
        for month, state in DEMO_STATES.items():
            doc = power_month_document(month)
            if month <= 9:
                doc["evidence"] = _attach_demo_evidence(ws, tmp, doc, month)
                doc["acknowledgements"] = []
            if month == 10:
                # A seeded mistake for the tour: net supply typed larger than generation.
                doc["values"]["units"][1]["net_supply"] = "169500.000"
            filing = ws.create_filing(
                ent.id, "power-monthly", "2026.1", doc["period"], doc, reason="导入演示数据"
            )
            if state != "草稿":
                ws.set_state(filing.id, "已校验", "演示：校验通过")
            if state == "已导出":
                ws.set_state(filing.id, "已导出", "演示：已导出申报包")
    return path


def _attach_demo_evidence(ws: Any, tmp: str, doc: dict[str, Any], month: int) -> list[dict[str, Any]]:
    """Ledger, lab report and production report for each month, attached to every item they back."""
    from datetime import datetime

    ledger = _demo_evidence_file(
        tmp,
        f"2026年{month}月燃料消耗台账（盖章）.pdf",
        f"2026年{month}月 入炉煤消耗台账",
        ["1号机组 烟煤、柴油；2号机组 烟煤", "数据来源：皮带秤日计量", "华东示范热电有限公司 燃料部"],
    )
    lab = _demo_evidence_file(
        tmp,
        f"2026年{month}月煤质检测报告（CMA）.pdf",
        f"检测报告 JSMT-2026-{month:02d}-0417",
        [
            "样品：1号机组 本月入炉煤缩分样",
            "检测项目：元素碳、低位发热量、氢、全硫、全水分",
            "江苏省煤炭产品质量监督检验中心",
        ],
    )
    prod = _demo_evidence_file(
        tmp,
        f"2026年{month}月生产月报（盖章）.pdf",
        f"2026年{month}月 生产月报",
        ["发电量、供电量、供热量、运行小时数、负荷系数", "购入电量：电费结算单附后"],
    )
    records = {
        name: ws.evidence.add_file(p) for name, p in (("ledger", ledger), ("lab", lab), ("prod", prod))
    }
    at = (
        datetime(2026, month % 12 + 1 if month < 12 else 12, 5, 9, 30)
        .astimezone()
        .isoformat(timespec="seconds")
    )

    def ref(kind: str, path: str, label: str) -> dict[str, Any]:
        rec = records[kind]
        return {
            "path": path,
            "sha256": rec.sha256,
            "name": rec.name,
            "size": rec.size,
            "kind": label,
            "attached_at": at,
        }

    refs = []
    for ui, unit in enumerate(doc["values"]["units"]):
        for fi, fuel in enumerate(unit["fuels"]):
            refs.append(ref("ledger", f"units[{ui}].fuels[{fi}].consumption", "盖章燃料消耗台账扫描件"))
            if fuel.get("ncv"):
                refs.append(ref("lab", f"units[{ui}].fuels[{fi}].ncv", "入炉煤化验日报"))
            if fuel.get("carbon_content"):
                refs.append(ref("lab", f"units[{ui}].fuels[{fi}].carbon_content", "CMA/CNAS检测报告"))
        for item in (
            "purchased_electricity",
            "generation",
            "net_supply",
            "heat_supplied",
            "operating_hours",
            "load_factor",
        ):
            refs.append(ref("prod", f"units[{ui}].{item}", "盖章生产报表"))
    return refs
