"""The 石化 / 化工 definitions: template year and emission-year periods, the certainty they claim, the
official 序号 of each table, the honesty note on reconstructed tables, and nothing a user reads that
names an internal file or shows a bare certainty tag."""

from __future__ import annotations

import pytest

from cets_desktop.core.loader import default_registry

FORMS = ["a5-carbide", "a5-ammonia", "a5-methanol", "a5-urea", "a5-soda-ash", "a5-refining", "a5-ethylene"]
CERTAINTY = {
    "a5-carbide": "P",
    "a5-ammonia": "P",
    "a5-methanol": "G",
    "a5-urea": "P",
    "a5-soda-ash": "P",
    "a5-refining": "P",
    "a5-ethylene": "G",
}
E_H = {"1.2", "1.2.1", "1.2.1.1", "1.2.1.2", "1.2.1.3", "1.2.1.4", "1.2.2", "1.3", "1.3.1", "1.3.2"}
ROWS = {
    "a5-refining": {"1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.1.4", "2"} | E_H,
    "a5-ethylene": {"1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.1.4", "2"} | E_H,
    "a5-ammonia": {"1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.1.4", "2"} | E_H,
    "a5-methanol": {"1", "1.1", "1.1.1", "1.1.2", "1.1.3", "1.1.4", "2"} | E_H,
    "a5-urea": {
        "1",
        "1.1",
        "1.1.1",
        "1.1.1.1",
        "1.1.1.2",
        "1.1.1.3",
        "1.1.1.4",
        "1.1.2",
        "1.2",
        "1.2.1",
        "1.2.2",
        "2",
    },
    "a5-soda-ash": {
        "1",
        "2",
        "2.1",
        "2.1.1",
        "2.1.1.1",
        "2.1.1.2",
        "2.1.1.3",
        "2.1.1.4",
        "2.1.2",
        "2.2",
        "2.2.1",
        "2.2.2",
        "3",
    },  # (4 is the enterprise total)
}


def spec(form: str):  # type: ignore[no-untyped-def]
    s = default_registry().get(form)
    assert s is not None, f"{form} did not load"
    return s


@pytest.mark.parametrize("form", FORMS)
def test_template_2026_for_emission_years_from_2023(form: str) -> None:
    s = spec(form)
    assert (s.filing_type, s.period_kind, s.template_year, s.valid_from) == (
        "supplementary",
        "year",
        2026,
        "2023",
    )
    assert s.certainty == CERTAINTY[form]
    assert "2025" in (s.description or "") and "排放年度" in (s.description or "")
    note = s.field("basis_note")
    assert note.type == "note" and "请以管理平台下发模板为准" in note.label and "排放年度" in note.label
    if CERTAINTY[form] == "G":
        assert "推定" in note.label and "均未找到" in note.label


@pytest.mark.parametrize("form", list(ROWS))
def test_the_official_row_numbers_of_each_table(form: str) -> None:
    s = spec(form)
    rows = {f.row for f in s.all_fields() if f.row and f.scope}
    assert rows == ROWS[form]
    # every numbered row carries its 计算方法或填写要求 (hint) and a source
    for f in s.all_fields():
        if f.row and f.scope:
            assert f.hint, f.path
            assert s.resolve_source(f.source), f.path
    if form == "a5-urea":
        assert s.field("workshops[].heat_ef").label == "热力供应排放因子"  # 2019 尿素 1.2.2
    if form == "a5-soda-ash":
        assert s.field("total_co2").row == "4" and s.field("workshops[].process").row == "1"


@pytest.mark.parametrize("form", FORMS)
def test_nothing_a_user_reads_names_an_internal_file_or_shows_a_bare_tag(form: str) -> None:
    s = spec(form)
    texts = [s.title, s.description or ""] + [
        x.doc + (x.section or "") + (x.note or "") for x in s.sources.values()
    ]
    texts += [
        f.label + (f.hint or "") + (f.explain or "") + (f.constraint_message or "") for f in s.all_fields()
    ]
    texts += [c.message for c in s.checks] + [c.message for f in s.all_fields() for c in f.checks]
    texts += [(ch.label or "") + (ch.hint or "") for options in s.choices.values() for ch in options]
    texts += [sec.label + (sec.description or "") for sec in s.sections]
    for text in texts:
        assert ".md" not in text and "§" not in text, text
        assert not any(f"[{tag}]" in text for tag in "VRTGPM"), text
