"""Every monthly definition and every Appendix 5 table: the official workbook from
``cets-desktop template``, typed in like a user, comes back through ``cets-desktop import`` as the
same filing — every calculated value equal to the one computed from the source JSON — with no
error or warning (preset rows the user did not need are only mentioned)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import workbooks as w
from sweep_data import FILINGS
from workbooks import run

from cets_desktop.core.document import FilingDocument


@pytest.mark.parametrize("form", sorted(FILINGS))
def test_the_filled_official_workbook_imports_to_the_same_filing(form: str, tmp_path: Path) -> None:
    enterprise, values, period = FILINGS[form]()
    spec = w.spec_of(form)
    source = tmp_path / "原始.json"
    doc = FilingDocument(
        form=spec.id, form_version=spec.version, enterprise=enterprise, period=period, values=values
    )
    source.write_text(doc.to_json_text(), encoding="utf-8")

    filled = w.filled_workbook(run, form, tmp_path)
    imported = tmp_path / "导入.json"
    result = run("import", str(filled), "-o", str(imported))
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert all(line.startswith("[提示]") and "模板预置的行" in line for line in said), said

    back = json.loads(imported.read_text(encoding="utf-8"))
    assert (back["form"], back["period"], back["enterprise"]["name"]) == (form, period, enterprise["name"])
    want, got = run("calc", str(source), "--json"), run("calc", str(imported), "--json")
    assert want.returncode == got.returncode == 0, want.stderr + got.stderr
    assert settled(got.json()["values"]) == settled(want.json()["values"])


def settled(value: Any) -> Any:
    """An empty table and a table left out say the same (no rows); everything else compares as is."""
    if isinstance(value, dict):
        return {k: settled(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [settled(v) for v in value]
    return value
