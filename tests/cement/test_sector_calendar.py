"""Calendar cards for cement and aluminium enterprises: the month forms apply from July 2025, each
month is due 40 natural days after its end (an earlier local deadline when configured), and a
filled month's card shows its state."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "aluminium"))
import aluminium_helpers  # noqa: E402
import cement_helpers as h  # noqa: E402

from cets_desktop.core.deadlines import due_for  # noqa: E402
from cets_desktop.core.loader import default_registry  # noqa: E402

status = pytest.importorskip("cets_desktop.workflow.status")
desk_module = pytest.importorskip("cets_desktop.workflow.desk")


def test_the_templates_govern_months_from_july_2025() -> None:
    reg = default_registry()
    for form in ("cement-monthly", "aluminium-monthly"):
        spec = reg.get(form)
        assert (
            spec is not None and spec.valid_from == "2025-07" and spec.deadline == {"days_after_period": 40}
        )
        assert reg.for_period(form, "2025-07") is not None and reg.for_period(form, "2026-12") is not None
        assert reg.for_period(form, "2025-06") is None  # before monthly certification of these sectors


def test_due_dates_are_month_end_plus_40_days() -> None:
    assert due_for("monthly", "2026-10") == date(2026, 12, 10)  # 31 Oct + 40 days
    assert due_for("monthly", "2026-02") == date(2026, 4, 9)  # 28 Feb + 40 days
    assert due_for("monthly", "2026-10", 20) == date(2026, 11, 20)  # a city's 20-day rule


def test_a_cement_enterprise_gets_twelve_month_cards_and_the_filled_month_shows_its_state(
    tmp_path: Path,
) -> None:
    desk = desk_module.Desk.open(tmp_path / "w.cetsdb")
    try:
        ent = desk.save_enterprise(
            None,
            name=h.ENTERPRISE["name"],
            uscc=h.ENTERPRISE["uscc"],
            industry_code="3011",
            sectors=["cement"],
        )
        monthly = {s.id for s in desk.forms_for(ent, "monthly")}
        assert (
            "cement-monthly" in monthly
            and "aluminium-monthly" not in monthly
            and "power-monthly" not in monthly
        )
        desk.put_document(h.document(with_evidence=False), "10月存证（测试）")
        cache = status.StatusCache(desk)
        cards = cache.months(ent, h.b.spec_of(h.FORM), 2026)
        assert [c.period for c in cards] == [f"2026-{m:02d}" for m in range(1, 13)]
        october = cards[9]
        assert october.due == date(2026, 12, 10) and october.filing is not None
        # no error; the evidence files are not attached yet (one GEN-006 warning per item), so still a draft
        assert (october.status, october.errors) == ("草稿", 0) and october.warnings > 0
        # a month without a filing is a card to start (or, before the series begins, not tracked)
        not_filed = {
            status.STATUS_NOT_STARTED,
            getattr(status, "STATUS_UNTRACKED", status.STATUS_NOT_STARTED),
        }
        assert cards[8].filing is None and cards[8].status in not_filed and cards[8].due == date(2026, 11, 9)
    finally:
        desk.close()


def test_an_aluminium_enterprise_files_the_aluminium_month(tmp_path: Path) -> None:
    desk = desk_module.Desk.open(tmp_path / "w.cetsdb")
    try:
        ent = desk.save_enterprise(
            None,
            name=aluminium_helpers.ENTERPRISE["name"],
            uscc=aluminium_helpers.ENTERPRISE["uscc"],
            industry_code="3216",
            sectors=["aluminium"],
        )
        assert "aluminium-monthly" in {s.id for s in desk.forms_for(ent, "monthly")}
    finally:
        desk.close()
