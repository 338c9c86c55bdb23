"""`forms` and `--help` start without the heavy libraries and list what loading every definition
lists; `calendar --enterprise` finds an enterprise by name, part of a name, code or number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cets_desktop.core.forms_index import FORMS_DIR_ENV
from cets_desktop.core.loader import load_forms
from cets_desktop.core.uscc import complete
from cets_desktop.paths import CACHE_DIR_ENV

HEAVY = (
    "pydantic",
    "yaml",
    "openpyxl",
    "reportlab",
    "PySide6",
    "cets_desktop.core.rules",
    "cets_desktop.core.spec",
)

PROBE = """
import contextlib, io, json, sys
from cets_desktop.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
heavy = [m for m in {heavy!r} if m in sys.modules]
print(json.dumps({{"code": code, "out": out.getvalue(), "heavy": heavy}}, ensure_ascii=False))
"""


def probe(folder: Path, cache: Path, *argv: str) -> dict[str, Any]:
    env = dict(os.environ)
    env[FORMS_DIR_ENV] = str(folder)
    env[CACHE_DIR_ENV] = str(cache)
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_forms_lists_every_definition_without_pydantic(two_years: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = probe(two_years, cache, "forms", "--json")  # builds the index (loads the definitions)
    assert first["code"] == 0 and "pydantic" in first["heavy"]
    second = probe(two_years, cache, "forms", "--json")
    assert second["code"] == 0 and second["heavy"] == []
    assert json.loads(second["out"]) == json.loads(first["out"])

    registry = load_forms(two_years, bind=False)
    listed = json.loads(second["out"])
    assert listed["definition_errors"] == []
    assert [(r["id"], r["version"], r["title"], r["weakest_certainty"]) for r in listed["forms"]] == [
        (s.id, s.version, s.title, s.weakest_certainty()) for s in registry.all()
    ]
    power = next(r for r in listed["forms"] if r["id"] == "power-monthly" and r["version"] == "2027.1")
    assert (
        power["template_year"] == 2027
        and power["filing_type"] == "monthly"
        and power["period_kind"] == "month"
    )

    text = probe(two_years, cache, "forms")
    assert text["heavy"] == [] and len(text["out"].splitlines()) == len(registry.all())
    # Certainty in words, never a bare tag.
    line = next(x for x in text["out"].splitlines() if x.startswith("power-plan"))
    assert "发电设施数据质量控制计划（据回忆，待核对原文）" in line and "[R]" not in text["out"]


def test_help_starts_without_the_heavy_libraries(two_years: Path, tmp_path: Path) -> None:
    shown = probe(two_years, tmp_path / "cache", "--help")
    assert shown["code"] == 0 and "calendar" in shown["out"] and shown["heavy"] == []


def test_a_broken_definition_is_reported_by_forms_as_by_the_loader(small: Path, tmp_path: Path) -> None:
    (small / "cement-monthly-2026.yaml").write_text("id: cement-monthly\nversion: [\n", encoding="utf-8")
    expected = [str(e) for e in load_forms(small, bind=False).errors]
    listed = json.loads(probe(small, tmp_path / "cache", "forms", "--json")["out"])
    assert listed["definition_errors"] == expected and "cement-monthly-2026.yaml" in expected[0]
    assert [r["id"] for r in listed["forms"]] == ["power-monthly", "power-plan"]


@pytest.fixture
def two_enterprises(tmp_path: Path) -> Path:
    from cets_desktop.workflow.desk import Desk

    path = tmp_path / "咨询工作区.cetsdb"
    with Desk.open(path, create=True) as desk:
        desk.save_enterprise(
            None,
            name="华东示范热电有限公司",
            uscc=complete("91310115MA1K3P7Q8"),
            sectors=["power"],
            settings={"local_deadline_days": 20},
        )
        desk.save_enterprise(
            None,
            name="华东示范水泥有限公司",
            uscc=complete("91320500MA1N2K3L4"),
            sectors=["cement"],
            settings={"local_deadline_days": 25},
        )
    return path


def calendar(capsys: pytest.CaptureFixture[str], workspace: Path, enterprise: str) -> tuple[int, Any, str]:
    from cets_desktop.cli import main

    code = main(
        ["--workspace", str(workspace), "calendar", "--year", "2026", "--today", "2026-12-01", "--json"]
        + ["--enterprise", enterprise]
    )
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if code == 0 else None, captured.err.strip()


def january_due(data: Any) -> str:
    return next(d["due"] for d in data["deadlines"] if d["period"] == "2026-01")  # type: ignore[no-any-return]


def test_calendar_finds_the_enterprise_by_name_part_code_or_number(
    two_enterprises: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # January's certification is due 40 days after the month; the local rule brings it to day 20 / 25.
    for text, days in (
        ("华东示范热电有限公司", 20),
        ("水泥", 25),
        (" 热电 ", 20),
        (complete("91320500MA1N2K3L4"), 25),
        ("1", 20),
    ):
        code, data, err = calendar(capsys, two_enterprises, text)
        assert code == 0, err
        assert data["local_monthly_days"] == days
        assert january_due(data) == f"2026-02-{days}"


def test_calendar_names_the_choices_when_the_enterprise_is_ambiguous_or_unknown(
    two_enterprises: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = calendar(capsys, two_enterprises, "华东示范")
    assert code == 2 and len(err.splitlines()) == 1
    assert "2 家企业" in err and "华东示范热电有限公司" in err and "华东示范水泥有限公司" in err

    code, _, err = calendar(capsys, two_enterprises, "西北钢铁")
    assert code == 2 and len(err.splitlines()) == 1
    assert "没有企业「西北钢铁」" in err and "华东示范热电有限公司" in err and "华东示范水泥有限公司" in err


def test_validate_of_a_filing_json_loads_only_its_definition(
    small: Path,
    cache: Path,
    october: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cets_desktop.cli import main
    from cets_desktop.core import loader
    from cets_desktop.core.forms_index import load_index

    load_index(small)  # the stored index the command reads
    monkeypatch.setenv(FORMS_DIR_ENV, str(small))
    monkeypatch.setattr(loader, "_DEFAULT_REGISTRY", None)
    monkeypatch.setattr(loader, "_LOADED", {})
    filing = small.parent / "10月.json"
    filing.write_text(json.dumps(october, ensure_ascii=False), encoding="utf-8")

    code = main(["validate", str(filing), "--json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code in (0, 1) and findings and all(f["code"] for f in findings)
    assert list(loader._LOADED) == [str(small / "power-monthly-2026.yaml")]
    assert loader._DEFAULT_REGISTRY is None  # the other definitions were never read


def test_the_index_and_the_loader_read_the_same_folder_variable() -> None:
    from cets_desktop.core import forms_index, loader

    assert forms_index.FORMS_DIR_ENV == loader.FORMS_DIR_ENV == "CETS_DESKTOP_FORMS_DIR"
