"""Which filings apply to an enterprise: industry code (GB/T 4754-2017) and the 2.6万 tCO2e threshold.

Facts, from /work/shared/reference:
- ETS sectors 发电 4411/4412/4417, 水泥熟料 3011, 钢铁 3110/3120/3130, 电解铝 3216; inclusion at
  annual (direct) emissions ≥ 26 000 tCO2e (≈ 1 万 tce); a captive power plant of any industry is
  treated as a power-sector unit [V] (mandatory-sectors.md "Other framework facts").
- ETS key emission units: monthly certification (power since 2022; steel, cement, aluminium from
  July 2025), next year's data quality control plan by 31 Dec, annual report by 31 Mar [V/R].
- Other key industries (附件4 list, appendix5-supplementary.md §5.1 [M]) at the same threshold
  (§5.2 [V]: 2.6万吨二氧化碳当量, described as 综合能源消费量约1万吨标准煤): annual report with the
  补充数据核算报告 (附件5) by 31 Mar of the year after the emission year; no monthly certification.
- Which 附件5 sub-table an industry code files (§5.1 codes → the sub-tables of §3): 2614 covers both
  乙烯 and 甲醇 (the main product decides); 2621 氮肥 files 合成氨 (尿素 too, if 附件4 still lists it);
  纯碱 (2612 无机碱制造) has a table in the 2019/2023 sets but is not in the reconstructed 附件4 list.
"""

from __future__ import annotations

import re
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

THRESHOLD_TCE = Decimal(10000)
"""The same threshold expressed as energy: 综合能源消费量约 1 万吨标准煤 (an approximation, §5.2)."""

# Appendix 5 sub-tables by industry code: (form id, table name, note shown to the user or "").
APPENDIX5_TABLES: dict[str, list[tuple[str, str, str]]] = {
    "2511": [("a5-refining", "石化（原油加工）", "")],
    "2614": [
        ("a5-ethylene", "石化（乙烯）", "主营产品为乙烯时填报"),
        ("a5-methanol", "化工（甲醇）", "主营产品为甲醇时填报"),
    ],
    "2619": [("a5-carbide", "化工（电石）", "")],
    "2621": [
        ("a5-ammonia", "化工（合成氨）", ""),
        ("a5-urea", "化工（尿素）", "2019、2023年模板有尿素表，2026年附件4是否列入未能确认"),
    ],
    "3041": [("a5-glass", "建材（平板玻璃）", "")],
    "3211": [("a5-copper", "有色（铜冶炼）", "")],
    "2211": [("a5-pulp", "造纸（纸浆制造）", "")],
    "2212": [("a5-pulp", "造纸（纸浆制造）", "")],
    "2221": [("a5-paper", "造纸（机制纸和纸板）", "")],
    "5611": [("a5-airline", "民航（航空公司）", "")],
    "5612": [("a5-airline", "民航（航空公司）", "")],
    "5631": [("a5-airport", "民航（机场）", "")],
}

# The definition sector each listed industry's tables belong to (FormSpec.sector), so an enterprise
# ticked for it sees those filings in its calendar.
OTHER_SECTOR: dict[str, tuple[str, ...]] = {
    "2511": ("petrochemical",),
    "2614": ("petrochemical", "chemical"),
    "2619": ("chemical",),
    "2621": ("chemical",),
    "3041": ("building_materials",),
    "3211": ("nonferrous",),
    "2211": ("paper",),
    "2212": ("paper",),
    "2221": ("paper",),
    "5611": ("aviation",),
    "5612": ("aviation",),
    "5631": ("aviation",),
}

UNLISTED_WITH_TABLE: dict[str, tuple[str, str, str]] = {
    "2612": (
        "a5-soda-ash",
        "化工（纯碱）",
        "无机碱制造（纯碱）不在本程序重建的附件4名单中，但2019、2023年模板有纯碱表；"
        "如主管部门要求报送，请填纯碱补充数据表",
    ),
}

SECTOR_LABELS = {
    "power": "发电",
    "steel": "钢铁",
    "cement": "水泥",
    "aluminium": "铝冶炼",
    "other": "其他重点行业",
    "petrochemical": "石化",
    "chemical": "化工",
    "building_materials": "建材",
    "nonferrous": "有色",
    "paper": "造纸",
    "aviation": "民航",
}


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
    tables: list[dict[str, str]] = field(default_factory=list)
    """Appendix 5 sub-tables to file: ``{"form", "table", "industry_code", "note"}`` (covered or undecided)."""


def split_codes(industry_code: str) -> list[str]:
    """Four-digit codes of a field that may hold several (“3041、4411”), in order, without repeats."""
    out: list[str] = []
    for part in re.split(r"[、,，;；/\s]+", industry_code or ""):
        code = part.strip()[:4]
        if code and code not in out:
            out.append(code)
    return out


def _reaches_threshold(annual_emissions: Decimal | None, energy_tce: Decimal | None) -> bool | None:
    if annual_emissions is not None and annual_emissions >= THRESHOLD_TCO2E:
        return True
    if energy_tce is not None and energy_tce >= THRESHOLD_TCE:
        return True
    if annual_emissions is None and energy_tce is None:
        return None
    return False


def assess(
    industry_code: str,
    annual_emissions: Decimal | None,
    captive_power: bool = False,
    energy_tce: Decimal | None = None,
) -> Applicability:
    codes = split_codes(industry_code)
    result = Applicability()
    for c in codes:
        ets = ETS_SECTORS.get(c)
        if ets and ets[0] not in result.sectors:
            result.sectors.append(ets[0])
        elif c in OTHER_KEY_INDUSTRIES:
            for sector in ("other", *OTHER_SECTOR[c]):
                if sector not in result.sectors:
                    result.sectors.append(sector)
    for c in codes:
        for form, table, note in APPENDIX5_TABLES.get(c, []):
            if all(t["form"] != form for t in result.tables):
                result.tables.append({"form": form, "table": table, "industry_code": c, "note": note})
    unlisted = [UNLISTED_WITH_TABLE[c] + (c,) for c in codes if c in UNLISTED_WITH_TABLE]
    if captive_power and "power" not in result.sectors:
        result.sectors.append("power")
        result.notes.append("自备电厂按发电行业重点排放单位管理（其排放设施执行发电设施的核算与存证要求）。")
    for _form, _table, note, c in unlisted:
        result.notes.append(f"行业代码 {c}：{note}。")
    if not result.sectors:
        result.covered = False
        shown = "、".join(codes) or "未填写"
        result.notes.append(
            f"行业代码「{shown}」不在全国碳市场覆盖行业或附件4其他重点行业名单中；"
            "如有自备电厂请勾选。名单据 2016 年覆盖行业及代码重建，请以当年通知为准。"
        )
        result.tables = [{"form": f, "table": t, "industry_code": c, "note": n} for f, t, n, c in unlisted]
        return result
    reached = _reaches_threshold(annual_emissions, energy_tce)
    if reached is None:
        result.covered = None
        result.notes.append(
            "请填写任一年度的温室气体排放量估算（tCO2e）或综合能源消费量（吨标准煤），"
            "以判断是否达到 2.6 万吨二氧化碳当量（约 1 万吨标准煤）的纳入门槛。"
        )
    elif reached:
        result.covered = True
        if (annual_emissions is None or annual_emissions < THRESHOLD_TCO2E) and energy_tce is not None:
            result.notes.append(
                f"综合能源消费量 {energy_tce} 吨标准煤达到约 1 万吨标准煤；纳入门槛以 2.6 万吨二氧化碳当量为准，"
                "请核算排放量确认。"
            )
    else:
        result.covered = False
        shown = (
            f"年排放量 {annual_emissions} tCO2e"
            if annual_emissions is not None
            else f"综合能源消费量 {energy_tce} 吨标准煤"
        )
        result.notes.append(
            f"{shown} 低于 2.6 万吨二氧化碳当量（约 1 万吨标准煤）的纳入门槛；任一年度达到门槛即应纳入。"
        )
    if result.covered is False:
        result.tables = []
        return result
    ets_kinds = {kind for kind, _label in ETS_SECTORS.values()}
    ets_sectors = [s for s in result.sectors if s in ets_kinds]
    for sector in ets_sectors:
        label = SECTOR_LABELS[sector]
        since = "（自 2025 年 7 月起）" if sector in ("steel", "cement", "aluminium") else ""
        result.filings.append(f"{label}：月度信息化存证{since}，每月结束后 40 个自然日内（地方可能更早）")
        result.filings.append(f"{label}：下一年度数据质量控制计划/方案，12 月 31 日前")
        result.filings.append(f"{label}：年度温室气体排放报告，次年 3 月 31 日前")
    if "other" in result.sectors:
        result.filings.append(
            "其他重点行业：年度温室气体排放报告及附件5 补充数据核算报告，次年 3 月 31 日前（不做月度存证）"
        )
        for t in result.tables:
            extra = f"（{t['note']}）" if t["note"] else ""
            result.filings.append(
                f"附件5 补充数据表：{t['table']}{extra}，报送上一年度（排放年度）数据，次年 3 月 31 日前"
            )
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
