"""Every enterprise sees the filings that apply to it: an Appendix 5 enterprise gets its annual
cards (emission year, 3-31 deadline) and no month grid or other sectors' plans."""

from __future__ import annotations

from datetime import date

from gui_helpers import valid_uscc

from cets_desktop.ui.main_window import MainWindow


def _calendar_for(window: MainWindow, name: str, industry_code: str, sectors: list[str]):  # type: ignore[no-untyped-def]
    assert window.desk is not None
    enterprise = window.desk.save_enterprise(
        None, name=name, uscc=valid_uscc(), industry_code=industry_code, sectors=sectors
    )
    window.show_calendar(enterprise.id, 2026)
    calendar = window.calendar
    assert calendar is not None
    return calendar


def test_ammonia_enterprise_gets_annual_supplementary_cards_only(empty_window: MainWindow) -> None:
    calendar = _calendar_for(empty_window, "江苏示范化肥有限公司", "2621", [])
    forms = {card.summary.spec.id: card.summary for card in calendar.cards}
    assert set(forms) == {"a5-ammonia", "a5-urea"}
    ammonia = forms["a5-ammonia"]
    assert ammonia.period == "2025"  # the 2026 cycle reports emission year 2025
    assert ammonia.due == date(2026, 3, 31)
    assert "3 月 31 日" in calendar.subtitle.text() and "40 个自然日" not in calendar.subtitle.text()
    assert "2025 排放年度" in calendar.cards[0].title.text()


def test_power_plant_keeps_its_months_and_plan(empty_window: MainWindow) -> None:
    calendar = _calendar_for(empty_window, "苏北示范发电有限公司", "4411", ["power"])
    ids = {card.summary.spec.id for card in calendar.cards}
    assert ids == {"power-monthly", "power-plan"}
    assert sum(1 for c in calendar.cards if c.summary.spec.id == "power-monthly") == 12
    assert "40 个自然日" in calendar.subtitle.text()


def test_enterprise_without_sector_or_code_is_asked_for_it(empty_window: MainWindow) -> None:
    calendar = _calendar_for(empty_window, "某新建企业有限公司", "", [])
    assert calendar.cards == []
    assert "行业代码" in calendar.yearly_title.text()


def test_clicking_an_annual_card_opens_the_emission_year_filing(empty_window: MainWindow) -> None:
    calendar = _calendar_for(empty_window, "江苏示范化肥有限公司", "2621", [])
    card = next(c for c in calendar.cards if c.summary.spec.id == "a5-ammonia")
    empty_window.open_summary(card.summary)
    session = empty_window.session
    assert session is not None and session.spec.id == "a5-ammonia" and session.period == "2025"
    assert session.evaluation is not None


def test_a_new_empty_filing_claims_neither_complete_evidence_nor_zero_emissions(
    empty_window: MainWindow,
) -> None:
    from PySide6.QtWidgets import QApplication

    calendar = _calendar_for(empty_window, "江苏示范化肥有限公司", "2621", [])
    empty_window.open_summary(next(c for c in calendar.cards if c.summary.spec.id == "a5-ammonia").summary)
    session = empty_window.session
    assert session is not None
    QApplication.processEvents()
    calculated = [f.path for f in session.spec.all_fields() if f.calculation and not f.scope]
    assert calculated and all(session.calculated(p) is None for p in calculated)
    assert "已齐全" not in empty_window.evidence.missing_title.text()
