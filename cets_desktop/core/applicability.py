"""Which filings apply to an enterprise: industry code (GB/T 4754-2017) and the 2.6万 tCO2e threshold.

Facts, from /work/shared/reference:
- ETS sectors 发电 4411/4412/4417, 水泥熟料 3011, 钢铁 3110/3120/3130, 电解铝 3216; inclusion at
  annual (direct) emissions ≥ 26 000 tCO2e (≈ 1 万 tce); a captive power plant of any industry is
  treated as a power-sector unit [V] (mandatory-sectors.md "Other framework facts").
- ETS key emission units: monthly certification (power since 2022; steel, cement, aluminium from
  July 2025), next year's data quality control plan by 31 Dec, annual report by 31 Mar [V/R].
- Other key industries (附件4 list, appendix5-supplementary.md §5.1 [M]) at the same threshold
  (§5.2 [V]): annual report with the 补充数据核算报告 (附件5) by 31 Mar; no monthly certification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

THRESHOLD_TCO2E = Decimal(26000)

ETS_SECTORS: dict[str, tuple[str, str]] = {
    "4411": ("power", "发电（火力发电）"),
    "4412": ("power", "发电（热电联产）"),
    "4417": ("power", "发电（生物质能发电）"),
    "3011": ("cement", "水泥熟料"),
    "3110": ("steel", "钢铁（炼铁）"),
    "3120": ("steel", "钢铁（炼钢）"),
    "3130": ("steel", "钢铁（钢压延加工）"),
    "3216": ("aluminium", "电解铝（铝冶炼）"),
}

OTHER_KEY_INDUSTRIES: dict[str, str] = {
    "2511": "石化：原油加工及石油制品制造",
    "2614": "石化/化工：有机化学原料制造（乙烯、甲醇）",
    "2619": "化工：其他基础化学原料制造（电石）",
    "2621": "化工：氮肥制造（合成氨）",
    "3041": "建材：平板玻璃制造",
    "3211": "有色：铜冶炼",
    "2211": "造纸：木竹浆制造",
    "2212": "造纸：非木竹浆制造",
    "2221": "造纸：机制纸及纸板制造",
    "5611": "民航：航空旅客运输",
    "5612": "民航：航空货物运输",
    "5631": "民航：机场",
}

SECTOR_LABELS = {"power": "发电", "steel": "钢铁", "cement": "水泥", "aluminium": "铝冶炼", "other": "其他重点行业"}


def industry_choices() -> list[tuple[str, str]]:
    """(code, label) for the industry code box, ETS sectors first."""
    out = [(code, f"{code} {label}") for code, (_s, label) in ETS_SECTORS.items()]
    out += [(code, f"{code} {label}") for code, label in OTHER_KEY_INDUSTRIES.items()]
    return out


@dataclass
class Applicability:
    sectors: list[str] = field(default_factory=list)
    filings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    covered: bool | None = None
    """True: a key emission unit; False: below threshold or not a listed industry; None: unknown."""


def assess(industry_code: str, annual_emissions: Decimal | None, captive_power: bool = False) -> Applicability:
    code = (industry_code or "").strip()[:4]
    result = Applicability()
    ets = ETS_SECTORS.get(code)
    other = OTHER_KEY_INDUSTRIES.get(code)
    if ets:
        result.sectors.append(ets[0])
    elif other:
        result.sectors.append("other")
    if captive_power and "power" not in result.sectors:
        result.sectors.append("power")
        result.notes.append("自备电厂按发电行业重点排放单位管理（其排放设施执行发电设施的核算与存证要求）。")
    if not result.sectors:
        result.covered = False
        result.notes.append(f"行业代码「{code or '未填写'}」不在全国碳市场覆盖行业或附件4其他重点行业名单中；"
                            "如有自备电厂请勾选。名单据 2016 年覆盖行业及代码重建，请以当年通知为准。")
        return result
    if annual_emissions is None:
        result.covered = None
        result.notes.append("请填写任一年度的温室气体排放量估算（tCO2e）以判断是否达到 2.6 万吨纳入门槛。")
    elif annual_emissions >= THRESHOLD_TCO2E:
        result.covered = True
    else:
        result.covered = False
        result.notes.append(f"年排放量 {annual_emissions} tCO2e 低于 2.6 万吨二氧化碳当量（约 1 万吨标准煤）的纳入门槛；"
                            "任一年度达到门槛即应纳入。")
    if result.covered is False:
        return result
    ets_sectors = [s for s in result.sectors if s != "other"]
    for sector in ets_sectors:
        label = SECTOR_LABELS[sector]
        since = "（自 2025 年 7 月起）" if sector in ("steel", "cement", "aluminium") else ""
        result.filings.append(f"{label}：月度信息化存证{since}，每月结束后 40 个自然日内（地方可能更早）")
        result.filings.append(f"{label}：下一年度数据质量控制计划/方案，12 月 31 日前")
        result.filings.append(f"{label}：年度温室气体排放报告，次年 3 月 31 日前")
    if "other" in result.sectors:
        result.filings.append("其他重点行业：年度温室气体排放报告及附件5 补充数据核算报告，次年 3 月 31 日前（不做月度存证）")
    if any(s in ("steel", "cement", "aluminium") for s in ets_sectors):
        result.notes.append("间接排放（外购电力、热力）不计入钢铁、水泥、铝冶炼的配额管理范围。")
    return result


def describe(result: Applicability) -> str:
    """Rich text for the dialog."""
    if result.covered is True:
        head = "<b style='color:#2e7d32'>属于重点排放单位</b>，需完成以下填报："
    elif result.covered is False:
        head = "<b style='color:#616e7c'>按所填信息，目前不属于重点排放单位</b>"
    else:
        head = "<b style='color:#b26a00'>尚不能判断</b>；可能需要的填报："
    items = "".join(f"<li>{f}</li>" for f in result.filings)
    notes = "".join(f"<p style='color:#616e7c'>{n}</p>" for n in result.notes)
    return f"<p>{head}</p>" + (f"<ul>{items}</ul>" if items else "") + notes
