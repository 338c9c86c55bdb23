"""Filing calendar: when each filing is due, and how many days are left.

National rules (mandatory-sectors.md §2.1, §1.1.5, 2026 notice):
- monthly certification: within 40 natural days after the end of the month [V];
- next year's data quality control plan: by 31 December [V for 2027 plans per the issue; R in general];
- annual emission report: by 31 March of the following year [V];
- Appendix 5 supplementary report goes with the annual report (31 March) [R].
Localities cascade earlier deadlines (e.g. a city's 20-day upload) — configurable per enterprise.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

MONTHLY_DAYS = 40


@dataclass(frozen=True)
class Deadline:
    kind: str
    """monthly / plan / annual_report / supplementary"""
    title: str
    period: str
    due: date
    national_due: date
    source: str

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def to_json(self, today: date) -> dict[str, object]:
        left = self.days_left(today)
        return {
            "kind": self.kind, "title": self.title, "period": self.period,
            "due": self.due.isoformat(), "national_due": self.national_due.isoformat(),
            "days_left": left, "overdue": left < 0, "source": self.source,
        }


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def monthly_due(year: int, month: int, days: int = MONTHLY_DAYS) -> date:
    """Month end + ``days`` natural days (national: 40)."""
    return month_end(year, month) + timedelta(days=days)


def calendar_for(year: int, local_monthly_days: int | None = None, sectors: tuple[str, ...] = ("power",)) -> list[Deadline]:
    """Every deadline that concerns data of ``year``, in date order."""
    out: list[Deadline] = []
    src = "全国：每月结束后40个自然日内（环办气候函〔2022〕111号、2025年通知）[V]"
    for month in range(1, 13):
        national = monthly_due(year, month)
        due = monthly_due(year, month, local_monthly_days) if local_monthly_days else national
        due = min(due, national)
        local = f"；本企业所在地要求 {local_monthly_days} 日内" if local_monthly_days and local_monthly_days < MONTHLY_DAYS else ""
        out.append(Deadline("monthly", f"{year}年{month}月月度信息化存证", f"{year}-{month:02d}", due, national, src + local))
    out.append(Deadline("plan", f"{year + 1}年度数据质量控制计划/方案", str(year + 1), date(year, 12, 31), date(year, 12, 31),
                        "于上一年12月31日前在管理平台更新（2027年计划截止 2026-12-31）[R]"))
    out.append(Deadline("annual_report", f"{year}年度温室气体排放报告", str(year), date(year + 1, 3, 31), date(year + 1, 3, 31),
                        "次年3月31日前通过管理平台报送（2026年通知）[V]"))
    out.append(Deadline("supplementary", f"{year}年碳排放补充数据核算报告（其他重点行业）", str(year), date(year + 1, 3, 31),
                        date(year + 1, 3, 31), "随年度排放报告报送（附件5）[R]"))
    return sorted(out, key=lambda d: (d.due, d.kind))


def due_for(filing_type: str, period: str, local_monthly_days: int | None = None) -> date:
    """The due date of one filing (its own deadline rule by type)."""
    year = int(period[:4])
    if filing_type == "monthly":
        month = int(period[5:7])
        national = monthly_due(year, month)
        return min(national, monthly_due(year, month, local_monthly_days)) if local_monthly_days else national
    if filing_type == "plan":
        return date(year - 1, 12, 31)
    return date(year + 1, 3, 31)
