"""Filing calendar: when each filing is due, and how many days are left.

National rules (mandatory-sectors.md §2.1, §1.1.5, 2026 notice):
- monthly certification: within 40 natural days after the end of the month [V];
- next year's data quality control plan: by 31 December [V for 2027 plans per the issue; R in general];
- annual emission report: by 31 March of the following year [V] (2026 notice: 2025 reports by 31 Mar 2026);
- Appendix 5 supplementary report (other key industries) goes with the annual report: its period is the
  emission year, filed by 31 March of the next year (332号 scope 2023–2025 with the 31 Mar report date [V2];
  the 2026 notice's wording for the other industries was not retrieved [R]); their verification closes by
  31 December (332号 [V], appendix5-supplementary.md §5.3).
The calendar of a year lists what is due in it and what concerns its data: the 2025 supplementary report
(due 2026-03-31) and the 2026 one (due 2027-03-31) both appear in 2026's calendar.
Localities cascade earlier deadlines (e.g. a city's 20-day upload) — configurable per enterprise.
Sources are written for people: official document names and certainty in plain Chinese, no tags.
"""

from __future__ import annotations

from functools import lru_cache

from .frozen_record import FrozenRecord, set_field
from .lean_stdlib import date, timedelta

MONTHLY_DAYS = 40


class Deadline(FrozenRecord):
    """One filing's deadline in the calendar (equal and hashed by value, immutable)."""

    __slots__ = ("kind", "title", "period", "due", "national_due", "source")
    kind: str
    """monthly / plan / annual_report / supplementary"""
    title: str
    period: str
    due: date
    national_due: date
    source: str

    def __init__(
        self, kind: str, title: str, period: str, due: date, national_due: date, source: str
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "title", title)
        set_field(self, "period", period)
        set_field(self, "due", due)
        set_field(self, "national_due", national_due)
        set_field(self, "source", source)

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def to_json(self, today: date) -> dict[str, object]:
        left = self.days_left(today)
        return {
            "kind": self.kind,
            "title": self.title,
            "period": self.period,
            "due": self.due.isoformat(),
            "national_due": self.national_due.isoformat(),
            "days_left": left,
            "overdue": left < 0,
            "source": self.source,
        }


def month_end(year: int, month: int) -> date:
    # The day before the next month's first, rather than calendar.monthrange: the calendar module
    # (and the locale module it imports) would be imported by the window's first paint for this.
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def monthly_due(year: int, month: int, days: int = MONTHLY_DAYS) -> date:
    """Month end + ``days`` natural days (national: 40)."""
    return month_end(year, month) + timedelta(days=days)


ANNUAL_REPORT_SOURCE = (
    "次年3月31日前通过管理平台报送（2026年通知：2025年度排放报告2026年3月31日前报送，已核实）"
)
SUPPLEMENTARY_SOURCE = (
    "随年度温室气体排放报告于次年3月31日前报送（附件5 补充数据核算报告；环办气候函〔2023〕332号所述报送时间，"
    "据转载文本核实；2026年通知对其他重点行业的表述未能查到，待核对原文）；其他重点行业的核查于当年12月31日前完成"
)


def annual_report_due(emission_year: int) -> date:
    """The annual report (and its Appendix 5 supplementary data) on ``emission_year``: 31 March after it."""
    return date(emission_year + 1, 3, 31)


def supplementary_deadline(emission_year: int, table: str | None = None) -> Deadline:
    """The Appendix 5 filing on ``emission_year`` data (``table``: e.g. 建材（平板玻璃）, for one card per table)."""
    what = f"补充数据表：{table}" if table else "碳排放补充数据核算报告（其他重点行业）"
    due = annual_report_due(emission_year)
    return Deadline(
        "supplementary",
        f"{emission_year}年度（排放年度）{what}",
        str(emission_year),
        due,
        due,
        SUPPLEMENTARY_SOURCE,
    )


def calendar_for(
    year: int,
    local_monthly_days: int | None = None,
    sectors: tuple[str, ...] = ("power",),
    tables: tuple[str, ...] = (),
) -> list[Deadline]:
    """Every deadline due in ``year`` or concerning data of ``year``, in date order.

    ``tables``: Appendix 5 sub-table names (from the applicability check) for one supplementary card
    each instead of the generic one."""
    out: list[Deadline] = []
    src = "全国：每月结束后40个自然日内（环办气候函〔2022〕111号、2025年通知，已核实）"
    for month in range(1, 13):
        national = monthly_due(year, month)
        due = monthly_due(year, month, local_monthly_days) if local_monthly_days else national
        due = min(due, national)
        local = (
            f"；本企业所在地要求 {local_monthly_days} 日内"
            if local_monthly_days and local_monthly_days < MONTHLY_DAYS
            else ""
        )
        out.append(
            Deadline(
                "monthly",
                f"{year}年{month}月月度信息化存证",
                f"{year}-{month:02d}",
                due,
                national,
                src + local,
            )
        )
    out.append(
        Deadline(
            "plan",
            f"{year + 1}年度数据质量控制计划/方案",
            str(year + 1),
            date(year, 12, 31),
            date(year, 12, 31),
            "于上一年12月31日前在管理平台更新（2027年计划截止 2026-12-31；据回忆，待核对原文）",
        )
    )
    for emission_year in (year - 1, year):
        due = annual_report_due(emission_year)
        out.append(
            Deadline(
                "annual_report",
                f"{emission_year}年度温室气体排放报告",
                str(emission_year),
                due,
                due,
                ANNUAL_REPORT_SOURCE,
            )
        )
        for table in tables or (None,):
            out.append(supplementary_deadline(emission_year, table))
    return sorted(out, key=lambda d: (d.due, d.kind, d.title))


@lru_cache(maxsize=4096)
def due_for(filing_type: str, period: str, local_monthly_days: int | None = None) -> date:
    """The due date of one filing (its own deadline rule by type). Kept per arguments (a date is
    immutable): the navigator and the overview ask it for every filing of every enterprise, and
    a consultant's 50 enterprises share the same few dozen periods."""
    year = int(period[:4])
    if filing_type == "monthly":
        month = int(period[5:7])
        national = monthly_due(year, month)
        return min(national, monthly_due(year, month, local_monthly_days)) if local_monthly_days else national
    if filing_type == "plan":
        return date(year - 1, 12, 31)
    return annual_report_due(year)
