"""Which Appendix 5 tables an enterprise files (industry code per 附件4 + the 2.6万 tCO2e / ≈1万 tce
threshold), and the annual deadlines the calendar shows for them (emission year Y → 31 March of Y+1)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from cets_desktop.core.applicability import APPENDIX5_TABLES, SECTOR_LABELS, assess, split_codes
from cets_desktop.core.deadlines import calendar_for, due_for, supplementary_deadline
from cets_desktop.core.loader import default_registry


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cets_desktop", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("code", "forms"),
    [
        ("3041", ["a5-glass"]),
        ("3211", ["a5-copper"]),
        ("2211", ["a5-pulp"]),
        ("2212", ["a5-pulp"]),
        ("2221", ["a5-paper"]),
        ("5611", ["a5-airline"]),
        ("5612", ["a5-airline"]),
        ("5631", ["a5-airport"]),
        ("2614", ["a5-ethylene", "a5-methanol"]),
        ("2619", ["a5-carbide"]),
        ("2511", ["a5-refining"]),
    ],
)
def test_industry_code_above_threshold_files_its_tables(code: str, forms: list[str]) -> None:
    result = assess(code, Decimal("26000"))  # exactly the threshold counts
    assert result.covered is True
    assert [t["form"] for t in result.tables] == forms
    assert any("附件5" in f for f in result.filings)
    assert not any(
        "月度信息化存证" in f for f in result.filings
    )  # other key industries: no monthly certification


def test_below_threshold_files_nothing_and_says_why() -> None:
    result = assess("3041", Decimal("25999.99"))
    assert result.covered is False and result.tables == [] and result.filings == []
    assert any("2.6 万吨" in n and "1 万吨标准煤" in n for n in result.notes)


def test_energy_consumption_alone_decides_with_a_caveat() -> None:
    assert assess("3211", None, energy_tce=Decimal("9999")).covered is False
    result = assess("3211", None, energy_tce=Decimal("10000"))
    assert result.covered is True and [t["form"] for t in result.tables] == ["a5-copper"]
    assert any("请核算排放量确认" in n for n in result.notes)
    undecided = assess("3211", None)
    assert undecided.covered is None and [t["form"] for t in undecided.tables] == ["a5-copper"]


def test_several_codes_combine_ets_and_appendix5() -> None:
    result = assess("4411、3041", Decimal("500000"))
    assert result.sectors == ["power", "other", "building_materials"]
    assert [t["form"] for t in result.tables] == ["a5-glass"]
    assert any(f.startswith("发电：月度信息化存证") for f in result.filings)
    assert split_codes("5611,5631 ，5611") == ["5611", "5631"]


def test_unlisted_soda_ash_points_at_its_table_without_claiming_coverage() -> None:
    result = assess("2612", Decimal("80000"))
    assert result.covered is False
    assert [t["form"] for t in result.tables] == ["a5-soda-ash"]
    assert any("纯碱" in n for n in result.notes)


def test_every_table_is_a_shipped_definition_whose_sector_the_enterprise_can_tick() -> None:
    reg = default_registry()
    for code, tables in APPENDIX5_TABLES.items():
        for form, _label, _note in tables:
            spec = reg.get(form)
            assert spec is not None, form
            assert spec.filing_type == "supplementary" and spec.period_kind == "year"
            assert spec.sector in SECTOR_LABELS
            assert spec.sector in assess(code, Decimal("30000")).sectors


def test_supplementary_due_31_march_after_the_emission_year() -> None:
    assert due_for("supplementary", "2025") == date(2026, 3, 31)
    d = supplementary_deadline(2025, "建材（平板玻璃）")
    assert (d.period, d.due, d.title) == (
        "2025",
        date(2026, 3, 31),
        "2025年度（排放年度）补充数据表：建材（平板玻璃）",
    )
    assert d.days_left(date(2026, 3, 1)) == 30


def test_calendar_of_a_year_shows_what_is_due_in_it_and_on_its_data() -> None:
    items = [d for d in calendar_for(2026, tables=("建材（平板玻璃）",)) if d.kind == "supplementary"]
    assert [(d.period, d.due.isoformat()) for d in items] == [("2025", "2026-03-31"), ("2026", "2027-03-31")]
    for d in calendar_for(2026):
        # written for people: document names and plain certainty, no bare tags or file names
        assert "[" not in d.source and ".md" not in d.source


def test_cli_applicability_and_calendar_for_an_airline_and_airport_group() -> None:
    result = cli("applicability", "--industry", "5611、5631", "--emissions", "3283059.78", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"sectors", "filings", "notes", "covered", "tables"}  # old keys kept
    assert data["covered"] is True and [t["form"] for t in data["tables"]] == ["a5-airline", "a5-airport"]
    text = cli("applicability", "--industry", "3041", "--energy-tce", "12000")
    assert text.returncode == 0 and "平板玻璃" in text.stdout
    bad = cli("applicability", "--industry", "3041", "--energy-tce", "一万")
    assert bad.returncode == 2 and "--energy-tce" in bad.stderr

    cal = json.loads(
        cli(
            "calendar", "--year", "2026", "--json", "--today", "2026-03-01", "--industry", "5611、5631"
        ).stdout
    )
    supp = [d for d in cal["deadlines"] if d["kind"] == "supplementary" and d["period"] == "2025"]
    assert sorted(d["title"] for d in supp) == [
        "2025年度（排放年度）补充数据表：民航（机场）",
        "2025年度（排放年度）补充数据表：民航（航空公司）",
    ]
    assert all(d["due"] == "2026-03-31" and d["days_left"] == 30 and d["overdue"] is False for d in supp)
    assert set(cal) == {"year", "today", "local_monthly_days", "deadlines"}


def test_month_end_is_the_calendars_last_day_in_every_month_of_two_centuries() -> None:
    """month_end counts back from the next month's first (leap years, December) and agrees with
    the calendar module it no longer imports."""
    import calendar
    from datetime import date

    from cets_desktop.core.deadlines import month_end

    for year in range(1999, 2101):
        for month in range(1, 13):
            assert month_end(year, month) == date(year, month, calendar.monthrange(year, month)[1])
    assert month_end(2028, 2) == date(2028, 2, 29) and month_end(2100, 2) == date(2100, 2, 28)
