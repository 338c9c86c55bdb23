"""The records the window's first paint makes (deadlines, forms index, card summaries, navigator
nodes) are plain classes on ``core.frozen_record`` instead of frozen dataclasses (issue #14: the
first paint defines no dataclass). They behave as those dataclasses did: each is compared here
with the very dataclass it replaced (its definition repeated below) for constructor signature,
defaults, equality, hashing, repr and immutability, and the fresh lists of ``FormsIndex``."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from datetime import date
from typing import Any

import pytest

from cets_desktop.core.deadlines import Deadline, calendar_for
from cets_desktop.core.forms_index import FormEntry, FormsIndex, IndexedError
from cets_desktop.core.frozen_record import FrozenRecord, FrozenRecordError
from cets_desktop.ui.navigator import Node
from cets_desktop.workflow.status import STATUS_EXPORTED, FilingSummary, OverviewRow


def _frozen(name: str, fields: list[Any]) -> type:
    return dataclasses.make_dataclass(name, fields, frozen=True)


_F = dataclasses.field
# The dataclasses as they were defined before (field names, order and defaults).
ORIGINALS: dict[type, type] = {
    Node: _frozen(
        "Node",
        [
            "kind",
            ("enterprise_id", Any, _F(default=None)),
            ("year", Any, _F(default=None)),
            ("filing_id", Any, _F(default=None)),
        ],
    ),
    Deadline: _frozen("Deadline", ["kind", "title", "period", "due", "national_due", "source"]),
    FormEntry: _frozen(
        "FormEntry",
        [
            "form_id",
            "title",
            "kind",
            "sector",
            "version",
            "valid_from",
            "valid_to",
            "path",
            ("sector_label", Any, _F(default="")),
            ("template_year", Any, _F(default=0)),
            ("period_kind", Any, _F(default="month")),
            ("certainty", Any, _F(default="")),
            ("certainty_text", Any, _F(default="")),
            ("weakest_certainty", Any, _F(default="")),
            ("code_prefix", Any, _F(default="")),
            ("parts", Any, _F(default=())),
        ],
    ),
    IndexedError: _frozen("IndexedError", ["file", "line", "reason"]),
    FormsIndex: _frozen(
        "FormsIndex",
        [
            "folder",
            "entries",
            ("errors", Any, _F(default_factory=list)),
            ("reference_errors", Any, _F(default_factory=list)),
            ("source", Any, _F(default="built")),
        ],
    ),
    FilingSummary: _frozen(
        "FilingSummary",
        [
            "spec",
            "period",
            "filing",
            "status",
            "due",
            ("errors", Any, _F(default=0)),
            ("warnings", Any, _F(default=0)),
            ("has_draft", Any, _F(default=False)),
            ("pending", Any, _F(default=False)),
            ("known", Any, _F(default=False)),
        ],
    ),
    OverviewRow: _frozen("OverviewRow", ["enterprise", "summary"]),
}

ENTRY = FormEntry(
    "power-monthly", "发电设施月度信息化存证", "monthly", "power", "2026.1", "2026-01", None, "/f.yaml"
)
# Sample constructor calls per class: (args, kwargs), two of them different in one field only.
CALLS: dict[type, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {
    Node: [
        (("workspace",), {}),
        (("year", 1, 2026), {}),
        (("filing", 1, 2026, 7), {}),
        (("year", 1, 2025), {}),
    ],
    Deadline: [
        (("monthly", "2026年1月", "2026-01", date(2026, 3, 12), date(2026, 3, 12), "全国"), {}),
        (("monthly", "2026年1月", "2026-01", date(2026, 3, 2), date(2026, 3, 12), "全国"), {}),
    ],
    FormEntry: [
        (("a", "标题", "monthly", "power", "1", None, None, "/a.yaml"), {}),
        (
            ("a", "标题", "plan", "power", "1", "2027", "2030", "/a.yaml"),
            {"template_year": 2027, "parts": ("x",)},
        ),
        (
            ("a", "标题", "plan", "power", "1", "2027", "2030", "/a.yaml"),
            {"template_year": 2028, "parts": ("x",)},
        ),
    ],
    IndexedError: [(("/a.yaml", 3, "缺少字段"), {}), (("/a.yaml", 0, "缺少字段"), {})],
    FormsIndex: [
        (("/forms", [ENTRY]), {}),
        (("/forms", [ENTRY]), {"errors": [IndexedError("/b.yaml", 1, "坏")], "source": "cache"}),
        (("/forms", []), {"reference_errors": [IndexedError("/r.yaml", 2, "坏")]}),
    ],
    FilingSummary: [
        ((ENTRY, "2026-10", None, "未开始", date(2026, 12, 10)), {}),
        ((ENTRY, "2026-10", None, "有错误", date(2026, 12, 10), 2, 1), {"has_draft": True}),
        ((ENTRY, "2026-10", None, "检查中…", date(2026, 12, 10)), {"pending": True, "known": True}),
        ((ENTRY, "2026-10", None, "检查中…", date(2026, 12, 10)), {"pending": True}),
    ],
    OverviewRow: [
        (("企业甲", FilingSummary(ENTRY, "2026-10", None, "未开始", date(2026, 12, 10))), {}),
        (("企业乙", FilingSummary(ENTRY, "2026-10", None, "未开始", date(2026, 12, 10))), {}),
    ],
}


FRESH_LISTS = ("errors", "reference_errors")
"""FormsIndex's ``field(default_factory=list)`` parameters: a new list for each index."""


def _shape(cls: type) -> list[tuple[str, Any, Any]]:
    """(name, kind, default) of each constructor parameter; a fresh-list default as such."""
    lists = cls.__name__ == "FormsIndex"
    return [
        (p.name, p.kind, "a fresh list" if lists and p.name in FRESH_LISTS else p.default)
        for p in inspect.signature(cls).parameters.values()
    ]


@pytest.mark.parametrize("cls", list(ORIGINALS), ids=lambda c: c.__name__)
def test_record_behaves_as_the_dataclass_it_replaced(cls: type) -> None:
    original = ORIGINALS[cls]
    assert issubclass(cls, FrozenRecord) and not dataclasses.is_dataclass(cls)
    assert _shape(cls) == _shape(original)  # same parameters, order, kinds and defaults
    assert cls.__match_args__ == original.__match_args__  # type: ignore[attr-defined]
    made = []
    for args, kwargs in CALLS[cls]:
        new, old = cls(*args, **kwargs), original(*args, **kwargs)
        assert repr(new) == repr(old)
        assert [getattr(new, f.name) for f in dataclasses.fields(old)] == [
            getattr(old, f.name) for f in dataclasses.fields(old)
        ]
        if cls is FormsIndex:  # lists in it: unhashable, as the dataclass was
            with pytest.raises(TypeError):
                hash(new)
        else:
            assert hash(new) == hash(old)
            assert {new: 1}[cls(*args, **kwargs)] == 1  # an equal record finds the same dict entry
        assert new == cls(*args, **kwargs) and not (new != cls(*args, **kwargs))
        assert new != old  # like a dataclass, equal only to the same class
        assert new != tuple(getattr(old, f.name) for f in dataclasses.fields(old))
        for f in dataclasses.fields(old):
            with pytest.raises(AttributeError):
                setattr(new, f.name, None)
            with pytest.raises(FrozenRecordError):
                delattr(new, f.name)
        with pytest.raises(AttributeError):
            new.not_a_field = 1  # type: ignore[attr-defined]
        assert copy.copy(new) == new and copy.deepcopy(new) == new and pickle.loads(pickle.dumps(new)) == new
        made.append(new)
    # The samples differ, and records equal as their dataclasses were.
    for i, a in enumerate(made):
        for j, b in enumerate(made):
            old_a = original(*CALLS[cls][i][0], **CALLS[cls][i][1])
            old_b = original(*CALLS[cls][j][0], **CALLS[cls][j][1])
            assert (a == b) is (old_a == old_b) is (i == j)
    # Wrong calls fail as the dataclass's did: a missing field, an unknown keyword.
    with pytest.raises(TypeError):
        cls()
    with pytest.raises(TypeError):
        cls(*CALLS[cls][0][0], not_a_field=1, **CALLS[cls][0][1])


def test_forms_index_lists_are_fresh_per_index_and_kept_when_given() -> None:
    first, second = FormsIndex("/forms", [ENTRY]), FormsIndex("/forms", [ENTRY])
    assert first.errors == [] and first.reference_errors == [] and first.source == "built"
    assert first.errors is not second.errors and first.reference_errors is not second.reference_errors
    assert first.errors is not first.reference_errors
    first.errors.append(IndexedError("/b.yaml", 4, "坏"))
    assert second.errors == [] and first.error_texts() == ["/b.yaml:4：坏"]
    given = [IndexedError("/c.yaml", 0, "无法读取")]
    index = FormsIndex("/forms", [], errors=given)
    assert index.errors is given and index.error_texts() == ["/c.yaml：无法读取"]


def test_form_entry_reads_as_a_spec_and_picks_its_period() -> None:
    entry = FormEntry("a5-glass", "平板玻璃", "supplementary", "glass", "2025.1", "2023", "2025", "/g.yaml")
    assert (entry.id, entry.filing_type, entry.file) == ("a5-glass", "supplementary", "/g.yaml")
    assert (entry.template_year, entry.period_kind, entry.parts) == (0, "month", ())
    assert entry.governs("2024") and entry.governs("2025-06") and not entry.governs("2026")
    assert ENTRY.period_label("2026-03") == "2026年3月" and entry.period_label("2024") == "2024年度"
    index = FormsIndex("/forms", [ENTRY, entry])
    assert index.get("a5-glass") is entry and index.for_period("power-monthly", "2025-12") is None
    assert index.ids() == ["a5-glass", "power-monthly"]


def test_calendar_deadlines_compare_sort_and_print_by_value() -> None:
    year = calendar_for(2026)
    assert calendar_for(2026) == year and len(set(year)) == len(year)
    january = next(d for d in year if d.period == "2026-01")
    # 2026-01-31 + 40 days (hand count: 28 in February, 12 in March).
    assert january.due == date(2026, 3, 12) and january.days_left(date(2026, 3, 1)) == 11
    assert january.to_json(date(2026, 3, 13))["overdue"] is True


def test_card_summary_reads_its_fields_and_overview_row_its_state() -> None:
    summary = FilingSummary(ENTRY, "2026-10", None, STATUS_EXPORTED, date(2026, 12, 10), pending=True)
    assert (summary.errors, summary.warnings, summary.has_draft, summary.known) == (0, 0, False, False)
    assert summary.pending and summary.deadline_text(date(2027, 1, 1)) == "已完成"
    late = FilingSummary(ENTRY, "2026-10", None, "草稿", date(2026, 12, 10))
    assert late.overdue(date(2026, 12, 11)) and late.deadline_text(date(2026, 12, 11)) == "已逾期 1 天"
    assert OverviewRow("企业", late).state == "未开始"
