"""Command-line helpers shared by the cement, aluminium and steel month tests (tests only).

``attach_evidence`` writes a few small "scans" beside a filing JSON and references them from every
item whose definition asks for supporting material; ``fill_like_a_user`` types a filing's values
into a generated template the way a person does in Excel (numbers, dropdown texts, 是/否);
``cli`` runs ``cets_desktop.cli.main`` in this process and returns exit status, stdout, stderr.
The steps every sector's command-line flow takes (new, validate, template → Excel → import, pdf,
export → verify) are one function each here; each asserts what every sector's flow asserts and
returns what the sector's own test checks further.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from user_workbook import fill_like_a_user

from cets_desktop.core.spec import FormSpec

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed"
)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def attach_evidence(doc: dict[str, Any], paths: list[str], folder: Path, tag: str) -> dict[str, Any]:
    """One small PDF per item (so no file backs two items of the month), referenced by hash."""
    rows = []
    for i, path in enumerate(paths):
        body = f"%PDF-1.4\n% {tag} 支撑材料 {path}（盖章扫描件，测试用）\n".encode() + os.urandom(8)
        name = f"{tag}-{i:03d}.pdf"
        (folder / name).write_bytes(body)
        rows.append(
            {
                "path": path,
                "sha256": hashlib.sha256(body).hexdigest(),
                "name": name,
                "size": len(body),
                "kind": "扫描件",
            }
        )
    out = copy.deepcopy(doc)
    out["evidence"] = rows
    return out


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# --------------------------------------------------------------------------------------------
# The steps of a sector's command-line flow

CLI = Callable[..., Run]


def month_json(
    h: Any, folder: Path, vals: dict[str, Any] | None = None, period: str | None = None, tag: str = "2026-10"
) -> Path:
    """The sector's month (``h``: its helper module) as a filing JSON with one scan per item."""
    doc = h.document(vals, period=period or h.PERIOD, with_evidence=False).to_json_dict()
    paths = h.b.evidence_paths(h.b.spec_of(h.FORM), doc["values"])
    return write_json(folder / f"{tag}.json", attach_evidence(doc, paths, folder, tag))


def new_filing(cli: CLI, form: str, period: str, enterprise: dict[str, str], out: Path) -> dict[str, Any]:
    made = cli(
        "new",
        form,
        "--period",
        period,
        "--enterprise-name",
        enterprise["name"],
        "--uscc",
        enterprise["uscc"],
        "-o",
        str(out),
    )
    assert made.returncode == 0, made.stderr
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


def validated(cli: CLI, filing: Path, returncode: int, *extra: str) -> dict[str, Any]:
    """``validate --json`` with the exit status it must give; the findings document."""
    checked = cli("validate", str(filing), "--json", *extra)
    assert checked.returncode == returncode, checked.stdout + checked.stderr
    out: dict[str, Any] = checked.json()
    return out


def errors_at(cli: CLI, filing: Path, *extra: str) -> list[tuple[str, str]]:
    """(code, path) of every error-level finding, in the order reported; validate exits 1."""
    found = validated(cli, filing, 1, *extra)["findings"]
    return [(f["code"], f["path"]) for f in found if f["severity"] == "error"]


def excel_round_trip(
    cli: CLI,
    spec: FormSpec,
    folder: Path,
    name: str,
    values: dict[str, Any],
    enterprise: dict[str, str],
    period: str,
) -> tuple[Run, dict[str, Any], Path, Path]:
    """template → typed in like a user → import: (import run, imported document, workbook, JSON)."""
    template = folder / f"{name}模板.xlsx"
    made = cli("template", spec.id, "-o", str(template), "--period", period)
    assert made.returncode == 0, made.stderr
    filled = folder / f"{name}.xlsx"
    fill_like_a_user(spec, template, filled, values, enterprise, period)
    imported = folder / "imported.json"
    result = cli("import", str(filled), "-o", str(imported))
    assert result.returncode in (0, 1), result.stderr  # 1: findings, never unusable
    return result, json.loads(imported.read_text(encoding="utf-8")), filled, imported


def pdf_words(cli: CLI, filing: Path, out: Path, expected: tuple[str, ...], internal: tuple[str, ...]) -> str:
    """The printed report's text: every expected word in it, no internal name."""
    made = cli("pdf", str(filing), "-o", str(out))
    assert made.returncode == 0, made.stderr
    text = pdftotext(out)
    for words in expected:
        assert words in text, words
    for name in internal:
        assert name not in text, name
    return text


def exported_and_verified(cli: CLI, filing: Path, package: Path, verify: CLI | None = None) -> dict[str, Any]:
    """A clean month exports to a final (not draft, no error) package that verifies."""
    exported = cli("export", str(filing), "-o", str(package), "--json", "-q")
    assert exported.returncode == 0, exported.stderr
    info: dict[str, Any] = json.loads(exported.stdout)
    assert info["draft"] is False and info["summary"]["error"] == 0
    verified = (verify or cli)("verify", str(package), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.json()["ok"] is True
    return info
