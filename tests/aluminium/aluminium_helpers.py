"""A realistic aluminium month (tests only): 黔北示范铝业有限公司, one 500 kA prebaked series.

一期500kA系列: 280 cells, 32,480.50 t of liquid aluminium in October 2026 (31 days), net anode
consumption 0.4150 t/tAl with measured sulphur 1.85 % and the default ash 0.4 %, anode effects
measured by the cell controllers (AEM 0.03 min/cell-day, 260.40 min over 8,680 cell-days) under
the slope method, AR5 GWPs. Enterprise level: natural gas for the casting furnaces at the
Appendix A defaults, diesel for site vehicles, limestone for flue-gas treatment at 0.440.
The values give no error-level finding, so a test can seed one mistake and see one rule fire.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "forms"))
import builders as b  # noqa: E402

FORM = "aluminium-monthly"
PERIOD = "2026-10"
ENTERPRISE: dict[str, Any] = {"name": b.ALUMINIUM_ENTERPRISE["name"], "uscc": b.ALUMINIUM_ENTERPRISE["uscc"]}


def series_one() -> dict[str, Any]:
    return {
        "series_name": "一期500kA系列",
        "cell_count": "280",
        "al_output": "32480.50",
        "al_output_route": "实测值",
        "al_output_source": "出铝抬包称重系统",
        "net_anode_consumption": "0.4150",
        "net_anode_route": "计算值",
        "net_anode_source": "阳极组装车间新极称量 − 残极返回称量",
        "anode_sulphur": "1.85",
        "anode_sulphur_route": "实测值",
        "anode_ash_route": "缺省值",
        "pfc_method": "斜率法",
        "aem": "0.03",
        "aem_route": "实测值",
        "ae_total_minutes": "260.40",
        "cell_days": "8680.00",
        "ac_electricity": "437000.000",
        "ac_electricity_route": "实测值",
    }


def values() -> dict[str, Any]:
    return {
        "preparer": "吴敏",
        "preparer_phone": "0851-27123456",
        "fill_date": "2026-11-10",
        "remarks": "10月280台电解槽全部运行；阳极由遵义某炭素厂供应，含硫量按批次检测加权。",
        "gwp_set": "AR5",
        "series": [series_one()],
        "fuels": [
            {
                "fuel_name": "天然气",
                "fuel_use": "铸造混合炉",
                "consumption": "85.60",
                "consumption_route": "实测值",
                "ncv_route": "缺省值",
                "carbon_route": "缺省值",
                "oxidation_route": "缺省值",
            },
            {
                "fuel_name": "柴油",
                "fuel_use": "厂内运输车辆",
                "consumption": "18.20",
                "consumption_route": "实测值",
                "ncv_route": "缺省值",
                "carbon_route": "缺省值",
                "oxidation_route": "缺省值",
            },
        ],
        "carbonates": [
            {
                "carbonate": "石灰石",
                "consumption": "420.00",
                "consumption_route": "实测值",
                "consumption_source": "汽车衡入厂计量 + 月末盘存",
                "carbonate_ef_route": "缺省值",
            },
        ],
        "purchased_electricity": "452600.000",
        "grid_ef_choice": "采用参考值",
        "purchased_heat": "0.00",
    }


def document(vals: dict[str, Any] | None = None, period: str = PERIOD, with_evidence: bool = True) -> Any:
    return b.document(
        FORM,
        ENTERPRISE,
        period,
        copy.deepcopy(vals if vals is not None else values()),
        with_evidence=with_evidence,
    )


def run(vals: dict[str, Any] | None = None, **kw: Any) -> Any:
    return b.run(document(vals, **kw))


def november() -> dict[str, Any]:
    """A clean November (30 days): 280 cells × 30 days, AEM still 0.03."""
    nov = values()
    nov["series"][0].update(cell_days="8400.00", ae_total_minutes="252.00")
    return nov
