"""Helpers for the forms index tests: copies of the shipped forms, settled file times."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from cets_desktop.paths import forms_dir

OVERRIDE_2027 = """\
                  of_used:
                    calculation: "(98 if fuel_phase == '固体' else ref('oxidation_rate_default', fuel_phase)) if oxidation_route == '缺省值' else oxidation_rate"
"""


def settle(folder: Path, age_s: int = 3600) -> None:
    """Date every file of ``folder`` an hour back: files older than the clock's tick are the
    ones the index stores (a file written a moment ago is indexed but not trusted to the cache)."""
    then = time.time() - age_s
    for path in folder.rglob("*"):
        os.utime(path, (then, then))


def copy_forms(target: Path, names: list[str] | None = None) -> Path:
    """The shipped definitions (all, or ``names``) and their parts in ``target``."""
    target.mkdir(parents=True)
    shutil.copytree(forms_dir() / "parts", target / "parts")
    for path in sorted(forms_dir().glob("*.yaml")):
        if names is None or path.name in names:
            shutil.copy2(path, target / path.name)
    return target


def add_power_2027(folder: Path) -> Path:
    """A 2027 power-monthly beside the 2026 one (valid from 2027-01; one factor changed)."""
    text = (folder / "power-monthly-2026.yaml").read_text(encoding="utf-8")
    new = (
        text.replace('version: "2026.1"', 'version: "2027.1"', 1)
        .replace("template_year: 2026", "template_year: 2027", 1)
        .replace('valid_from: "2023-01"', 'valid_from: "2027-01"', 1)
    )
    anchor = "                override:\n"
    assert new.count(anchor) == 1 and new != text
    new = new.replace(anchor, anchor + OVERRIDE_2027, 1)
    path = folder / "power-monthly-2027.yaml"
    path.write_text(new, encoding="utf-8")
    return path
