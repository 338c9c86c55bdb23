from __future__ import annotations

import hashlib

import pytest


def _digest(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


@pytest.fixture
def monthly_filings(workspace, enterprise, power_monthly):
    return {
        period: workspace.create_filing(
            enterprise.id, "power-monthly", "2026.1", period, power_monthly(period=period)
        )
        for period in ("2026-08", "2026-09", "2026-10")
    }


def test_first_package_of_a_series_has_no_predecessor(workspace, monthly_filings):
    assert workspace.previous_package(monthly_filings["2026-08"].id) is None


def test_next_month_chains_to_the_latest_earlier_package(workspace, monthly_filings):
    workspace.record_package(monthly_filings["2026-08"].id, "D:/申报/2026-08.zip", _digest("8月"))
    september = workspace.record_package(monthly_filings["2026-09"].id, "D:/申报/2026-09.zip", _digest("9月"))

    previous = workspace.previous_package(monthly_filings["2026-10"].id)

    assert previous == september


def test_skipped_month_chains_to_the_last_exported_one(workspace, monthly_filings):
    august = workspace.record_package(monthly_filings["2026-08"].id, "D:/申报/2026-08.zip", _digest("8月"))

    assert workspace.previous_package(monthly_filings["2026-10"].id) == august


def test_re_export_chains_to_the_same_filings_earlier_package(workspace, monthly_filings):
    workspace.record_package(monthly_filings["2026-09"].id, "D:/申报/2026-09.zip", _digest("9月"))
    first_october = workspace.record_package(
        monthly_filings["2026-10"].id, "D:/申报/2026-10.zip", _digest("10月")
    )

    assert workspace.previous_package(monthly_filings["2026-10"].id) == first_october


def test_later_months_do_not_count_as_predecessors(workspace, monthly_filings):
    workspace.record_package(monthly_filings["2026-10"].id, "D:/申报/2026-10.zip", _digest("10月"))

    assert workspace.previous_package(monthly_filings["2026-09"].id) is None


def test_other_enterprises_and_forms_are_separate_series(workspace, monthly_filings, power_monthly):
    other = workspace.add_enterprise("华北示范热电有限公司", "91130100MA0CXXXXXX", industry_code="4412")
    other_filing = workspace.create_filing(
        other.id, "power-monthly", "2026.1", "2026-09", power_monthly(period="2026-09")
    )
    workspace.record_package(other_filing.id, "D:/申报/华北-2026-09.zip", _digest("华北9月"))

    assert workspace.previous_package(monthly_filings["2026-10"].id) is None


def test_packages_of_a_filing_are_listed_in_export_order(workspace, monthly_filings):
    filing_id = monthly_filings["2026-10"].id
    for attempt in ("第一次", "第二次"):
        workspace.record_package(filing_id, f"D:/申报/2026-10-{attempt}.zip", _digest(attempt))

    assert [p.path for p in workspace.packages(filing_id)] == [
        "D:/申报/2026-10-第一次.zip",
        "D:/申报/2026-10-第二次.zip",
    ]
