"""The glance (workflow.glance) reads what the desk reads, and the cards' last known statuses
(workflow.status) are kept per filing revision and only shown while they are still true."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cets_desktop.workflow import glance as glance_module
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.glance import glance
from cets_desktop.workflow.status import (
    KNOWN_STATUS_SETTING,
    STATUS_PENDING,
    StatusCache,
    card_status,
)


def expected_status(desk: Desk, filing_id: int) -> tuple[str, int, int]:
    """A card's word computed here from the desk's own evaluation (not through StatusCache)."""
    filing = desk.get_filing(filing_id)
    assert filing is not None
    ev = desk.evaluate(filing_id)
    return card_status(ev, filing.state), len(ev.errors), len(ev.unacknowledged_warnings)


def test_constants_repeated_to_avoid_the_store_are_the_stores() -> None:
    from cets_desktop.store import STATE_EXPORTED, default_workspace_path
    from cets_desktop.store.schema import APPLICATION_ID
    from cets_desktop.workflow import definitions, status

    assert status.STATE_EXPORTED == STATE_EXPORTED
    assert glance_module.APPLICATION_ID == APPLICATION_ID
    assert glance_module.ETS_SECTORS == definitions.ETS_SECTORS
    assert glance_module.default_workspace_path() == default_workspace_path()


def test_glance_reads_what_the_desk_reads(demo_path: Path) -> None:
    with Desk.open(demo_path) as desk:
        # An autosaved draft that differs from the current revision counts; one equal to it not.
        filings = desk.list_filings()
        changed, same = filings[-1], filings[0]
        document = desk.document(changed.id)
        document["values"]["note_for_test"] = "改过"
        desk.autosave(changed.id, document, base_revision=changed.current_revision)
        desk.autosave(same.id, desk.document(same.id), base_revision=same.current_revision)
        assert desk.has_draft(changed.id) and not desk.has_draft(same.id)

        seen = glance(demo_path)
        assert seen is not None
        assert seen.path == demo_path and seen.is_sandbox == desk.is_sandbox
        fields = ("id", "name", "uscc", "industry_code", "province", "city", "sectors", "settings")
        assert [[getattr(e, f) for f in fields] for e in seen.list_enterprises()] == [
            [getattr(e, f) for f in fields] for e in desk.list_enterprises()
        ]
        filing_fields = (
            "id",
            "enterprise_id",
            "form_id",
            "form_version",
            "period",
            "state",
            "current_revision",
        )
        for args in ((), (None, 2026), (filings[0].enterprise_id, 2026, "power-monthly"), (None, 1999)):
            assert [[getattr(f, n) for n in filing_fields] for f in seen.list_filings(*args)] == [
                [getattr(f, n) for n in filing_fields] for f in desk.list_filings(*args)
            ]
        assert {f.id for f in filings if seen.has_draft(f.id)} == {
            f.id for f in filings if desk.has_draft(f.id)
        }
        for filing in filings:
            entry, spec = seen.definition(filing), desk.definition(filing)
            assert (entry.id, entry.version) == (spec.id, spec.version)


@pytest.mark.parametrize(
    ("sectors", "code"),
    [
        (["power"], ""),
        ([], "4411"),
        (["cement"], ""),
        (["steel", "power"], ""),
        ([], "2611"),  # a chemical industry code: Appendix 5 tables, no monthly certification
        (["chemical"], ""),
        ([], ""),
    ],
)
def test_forms_an_enterprise_files_agree_with_the_definitions(
    demo_path: Path, sectors: list[str], code: str
) -> None:
    from cets_desktop.workflow.definitions import forms_for_enterprise

    seen = glance(demo_path)
    assert seen is not None
    for filing_type in (None, "monthly", "plan", "supplementary"):
        mine = glance_module.forms_for_enterprise(seen.index.all(), sectors, code, filing_type)
        theirs = forms_for_enterprise(sectors, code, filing_type)
        assert [(e.id, e.version) for e in mine] == [(s.id, s.version) for s in theirs]


def test_not_a_workspace_or_missing_means_no_glance(tmp_path: Path) -> None:
    assert glance(tmp_path / "没有.cetsdb") is None
    other = tmp_path / "别的.cetsdb"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert glance(other) is None
    text = tmp_path / "文本.cetsdb"
    text.write_text("不是数据库", encoding="utf-8")
    assert glance(text) is None


def test_last_known_status_per_revision(demo_path: Path) -> None:
    with Desk.open(demo_path) as desk:
        enterprise = desk.list_enterprises()[0]
        spec = desk.forms_for(enterprise, "monthly")[0]
        first = StatusCache(desk)
        assert all(not s.known for s in first.months(enterprise, spec, 2026, evaluate=False))
        evaluated = first.months(enterprise, spec, 2026)
        assert first.remember() is True
        assert first.remember() is False  # nothing changed: nothing written
        by_period = {s.period: s for s in evaluated if s.filing is not None}
        assert by_period, "the demo has filings in 2026"
        for summary in by_period.values():
            assert (summary.status, summary.errors, summary.warnings) == expected_status(
                desk, summary.filing.id
            )
        stored = desk.get_setting(KNOWN_STATUS_SETTING)
        assert set(stored["filings"]) == {str(s.filing.id) for s in by_period.values()}

        # A new start: each card shows the status it was last evaluated with, still pending.
        again = StatusCache(desk)
        for summary in again.months(enterprise, spec, 2026, evaluate=False):
            if summary.filing is None:
                continue
            assert summary.pending and summary.known
            old = by_period[summary.period]
            assert (summary.status, summary.errors, summary.warnings) == (
                old.status,
                old.errors,
                old.warnings,
            )

        # A filing saved since (here by another program: a new revision) is not shown with its
        # old status: 检查中… until it is evaluated.
        october = by_period["2026-10"].filing
        document = desk.document(october.id)
        document["values"]["note_for_test"] = "新版本"
        desk.save(october.id, document, "测试：另一程序保存")
        fresh = StatusCache(desk)
        months = {s.period: s for s in fresh.months(enterprise, spec, 2026, evaluate=False)}
        assert months["2026-10"].status == STATUS_PENDING and not months["2026-10"].known
        assert months["2026-09"].known

        # The glance shows the same last known statuses as the desk's cache.
        seen = glance(demo_path)
        assert seen is not None
        entry = seen.forms_for(seen.get_enterprise(enterprise.id), "monthly")[0]
        glanced = {
            s.period: (s.status, s.known) for s in seen.status.months(enterprise, entry, 2026, evaluate=False)
        }
        assert glanced == {p: (s.status, s.known) for p, s in months.items()}


def test_read_only_workspace_keeps_nothing(demo_path: Path) -> None:
    with Desk.open(demo_path, read_only=True) as desk:
        enterprise = desk.list_enterprises()[0]
        spec = desk.forms_for(enterprise, "monthly")[0]
        cache = StatusCache(desk)
        cache.months(enterprise, spec, 2026)
        assert cache.remember() is False
        assert desk.get_setting(KNOWN_STATUS_SETTING) is None


def test_glance_at_a_path_with_chinese_spaces_and_uri_characters(demo_path: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "我的 文件夹#1?"
    folder.mkdir()
    target = folder / "工作区 %20.cetsdb"
    shutil.copy2(demo_path, target)
    seen = glance(target)
    assert seen is not None and seen.path == target
    with Desk.open(demo_path, read_only=True) as desk:
        assert [f.id for f in seen.list_filings()] == [f.id for f in desk.list_filings()]
