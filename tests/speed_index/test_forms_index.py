"""The forms index gives the answers loading every definition gives, and is rebuilt whenever a
form, a part or the cache itself changes (core/forms_index.py)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from index_helpers import add_power_2027, settle

from cets_desktop.core import loader
from cets_desktop.core.forms_index import FORMS_DIR_ENV, forms_index, index_file, load_index
from cets_desktop.core.loader import default_registry, load_forms
from cets_desktop.paths import CACHE_DIR_ENV
from cets_desktop.workflow import definitions
from cets_desktop.workflow.errors import InputError

PERIODS = [
    "2020",
    "2022-12",
    "2023",
    "2023-01",
    "2024",
    "2025-06",
    "2025-07",
    "2026",
    "2026-10",
    "2026-12",
    "2027",
    "2027-01",
    "2027-03",
    "2028-05",
]


def test_every_entry_matches_its_loaded_definition(two_years: Path, cache: Path) -> None:
    registry = load_forms(two_years, bind=False)
    assert not registry.errors
    built = load_index(two_years)
    assert built.source == "built" and index_file(two_years).is_file()
    specs = registry.all()
    assert [(e.form_id, e.version) for e in built.entries] == [(s.id, s.version) for s in specs]
    assert len(specs) == 22  # 21 shipped + the 2027 power month
    for entry, spec in zip(built.entries, specs, strict=True):
        assert (entry.title, entry.kind, entry.sector, entry.sector_label) == (
            spec.title,
            spec.filing_type,
            spec.sector,
            spec.sector_label,
        )
        assert (entry.template_year, entry.period_kind, entry.valid_from, entry.valid_to) == (
            spec.template_year,
            spec.period_kind,
            spec.valid_from,
            spec.valid_to,
        )
        assert (entry.certainty, entry.weakest_certainty, entry.code_prefix) == (
            spec.certainty,
            spec.weakest_certainty(),
            spec.code_prefix,
        )
        assert entry.path == os.path.abspath(spec.file) and list(entry.parts) == spec.parts
        assert entry.period_label("2026-10") == spec.period_label("2026-10")
    power = built.get("power-monthly", "2026.1")
    assert power is not None and power.certainty_text == "据回忆，待核对原文"

    again = load_index(two_years)
    assert again.source == "cache" and again.entries == built.entries


def test_period_choice_is_the_registrys_for_every_form(two_years: Path, cache: Path) -> None:
    registry = load_forms(two_years, bind=False)
    index = load_index(two_years)
    for form_id in sorted({s.id for s in registry.all()}):
        assert [e.version for e in index.by_id(form_id)] == [s.version for s in registry.versions(form_id)]
        assert index.latest(form_id).version == registry.latest(form_id).version  # type: ignore[union-attr]
        for period in PERIODS:
            chosen, expected = index.for_period(form_id, period), registry.for_period(form_id, period)
            assert (chosen and chosen.version) == (expected and expected.version), (form_id, period)
    # The template years in force: 2026 up to 2026-12, the 2027 file from 2027-01; before 2023 none.
    assert index.for_period("power-monthly", "2026-12").version == "2026.1"  # type: ignore[union-attr]
    assert index.for_period("power-monthly", "2027-01").version == "2027.1"  # type: ignore[union-attr]
    assert index.for_period("power-monthly", "2022-12") is None
    assert index.get("power-monthly@2027.1").version == "2027.1"  # type: ignore[union-attr]
    assert index.get("power-monthly", "2027").version == "2027.1"  # type: ignore[union-attr]
    assert index.get("power-monthly", "2031.1") is None


def _answer(call: Callable[..., Any], *args: Any) -> tuple[str, str] | str | None:
    """(id, version) of the definition a call picks, or the refusal's message."""
    try:
        spec = call(*args)
    except InputError as exc:
        return exc.message
    return None if spec is None else (spec.id, spec.version)


def test_definition_for_through_the_index_agrees_and_loads_only_that_file(
    two_years: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = load_forms(two_years, bind=False)
    load_index(two_years)  # stored; the process below reads it back
    monkeypatch.setenv(FORMS_DIR_ENV, str(two_years))
    monkeypatch.setattr(loader, "_DEFAULT_REGISTRY", None)
    monkeypatch.setattr(loader, "_LOADED", {})

    spec = definitions.definition_for("power-monthly", "2027-03")
    assert (spec.id, spec.version) == ("power-monthly", "2027.1")
    assert forms_index().source == "cache"
    # Only the file in force was read, and the registry built later hands out the same object.
    assert list(loader._LOADED) == [str(two_years / "power-monthly-2027.yaml")]

    for form_id in ("power-monthly", "power-plan", "cement-monthly", "a5-glass", "no-such-form"):
        for period in PERIODS:
            picked = _answer(definitions.definition_for, form_id, period)
            assert picked == _answer(definitions.definition_for, form_id, period, registry), (form_id, period)
            for version in (None, "2026.1", "2027.1", "1999.1"):
                of_record = _answer(definitions.definition_of_record, form_id, version, period)
                assert of_record == _answer(
                    definitions.definition_of_record, form_id, version, period, registry
                )
    refused = _answer(definitions.definition_for, "power-monthly", "2022-05")
    assert isinstance(refused, str) and "2022年5月" in refused and "不能用其他年度的模板" in refused

    for sectors, code in ((["power"], ""), ([], "3041"), (["cement", "steel"], ""), ([], "")):
        by_index = [(s.id, s.version) for s in definitions.forms_for_enterprise(sectors, code)]
        assert by_index == [
            (s.id, s.version) for s in definitions.forms_for_enterprise(sectors, code, reg=registry)
        ]
        assert [(e.id, e.version) for e in definitions.entries_for_enterprise(sectors, code)] == by_index
    assert definitions.known_forms() == definitions.known_forms(registry)

    shared = default_registry(bind=False)
    assert shared.get("power-monthly", "2027.1") is spec
    assert sorted(shared.forms) == sorted(registry.forms)


def test_editing_a_form_rebuilds_the_index(small: Path, cache: Path) -> None:
    assert load_index(small).source == "built"
    assert load_index(small).source == "cache"
    path = small / "power-monthly-2026.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("title: 发电设施月度信息化存证", "title: 发电设施月度信息化存证（修订稿）", 1),
        encoding="utf-8",
    )

    fresh = load_index(small)
    # Just written: indexed from the file, not trusted to the cache until its mtime has settled.
    assert fresh.source == "uncached"
    assert fresh.get("power-monthly").title == "发电设施月度信息化存证（修订稿）"  # type: ignore[union-attr]
    settle(small)
    assert load_index(small).source == "built"
    cached = load_index(small)
    assert cached.source == "cache"
    assert cached.get("power-monthly").title == "发电设施月度信息化存证（修订稿）"  # type: ignore[union-attr]


def test_a_new_deleted_or_broken_file_is_seen(small: Path, cache: Path) -> None:
    assert [e.form_id for e in load_index(small).entries] == ["power-monthly", "power-plan"]
    new = add_power_2027(small)
    settle(small)
    grown = load_index(small)
    assert grown.source == "built" and [e.version for e in grown.by_id("power-monthly")] == [
        "2026.1",
        "2027.1",
    ]
    new.unlink()
    assert [e.version for e in load_index(small).by_id("power-monthly")] == ["2026.1"]

    # A change in a part file rebuilds too: a part that no longer names itself breaks the month.
    part = small / "parts" / "fuel-combustion.yaml"
    part.write_text(
        part.read_text(encoding="utf-8").replace("part: fuel-combustion", "part: fuel-burning", 1),
        encoding="utf-8",
    )
    settle(small)
    broken = load_index(small)
    expected = load_forms(small, bind=False)
    assert [e.form_id for e in broken.entries] == ["power-plan"]
    assert [str(e) for e in broken.errors] == [str(e) for e in expected.errors] and broken.errors
    assert "fuel-combustion.yaml" in str(broken.errors[0])
    assert load_index(small).source == "cache"


def test_a_corrupt_or_tampered_cache_still_gives_the_right_answer(small: Path, cache: Path) -> None:
    truth = load_index(small).entries
    stored = index_file(small)
    good = stored.read_text(encoding="utf-8")

    stored.write_bytes(b"\x00\xff not json")
    repaired = load_index(small)
    assert repaired.entries == truth and repaired.source == "built"
    assert load_index(small).source == "cache"

    stored.write_text(good[: len(good) // 2], encoding="utf-8")  # cut off mid-write
    assert load_index(small).entries == truth

    data = json.loads(good)
    data["content"]["entries"][0]["title"] = "篡改的标题"  # checksum no longer matches
    stored.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_index(small).entries == truth

    data = json.loads(good)
    data["fingerprint"]["app_version"] = "0.0.1"  # an index from another version of the app
    stored.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_index(small).entries == truth


def test_an_unwritable_cache_folder_means_working_uncached(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    index = load_index(small)
    assert index.source == "uncached"
    assert [(e.form_id, e.version) for e in index.entries] == [
        ("power-monthly", "2026.1"),
        ("power-plan", "2027.1"),
    ]


def test_the_default_folder_follows_the_override_and_a_relative_one_the_working_folder(
    two_years: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cets_desktop.core.forms_index import forms_folder

    shipped = forms_index()
    assert Path(shipped.folder) == forms_folder()
    monkeypatch.setenv(FORMS_DIR_ENV, str(two_years))
    assert Path(forms_index().folder) == two_years  # the override is read on every question
    monkeypatch.chdir(two_years.parent)
    monkeypatch.setenv(FORMS_DIR_ENV, two_years.name)  # relative: to the working folder
    assert Path(forms_index().folder) == two_years
    elsewhere = two_years.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / two_years.name).mkdir()
    monkeypatch.chdir(elsewhere)
    assert Path(forms_index().folder) == elsewhere / two_years.name
    monkeypatch.delenv(FORMS_DIR_ENV)
    assert forms_index() is shipped
