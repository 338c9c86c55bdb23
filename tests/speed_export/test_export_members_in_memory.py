"""data.xlsx and report.pdf are made in memory and packed from there (issue #14 item 3: no
temporary copies written, fsynced, read back and hashed on the critical path), and the package
holds exactly what the file-writing functions write for the same evaluation: every workbook part
byte for byte, the same PDF bytes, data.json, and manifest checksums that match."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from cets_desktop.atomic import OutputError
from cets_desktop.core.calc import rounded_values
from cets_desktop.demo import build_demo_workspace
from cets_desktop.io import pdf_report
from cets_desktop.io.fonts import find_cjk_font
from cets_desktop.io.package import verify_package
from cets_desktop.io.pdf_report import render_pdf
from cets_desktop.io.xlsx_template import write_workbook
from cets_desktop.store.workspace import Workspace
from cets_desktop.workflow import export as export_mod
from cets_desktop.workflow.desk import Desk

pytestmark = pytest.mark.skipif(find_cjk_font() is None, reason="no CJK TrueType font installed")

SEPTEMBER, OCTOBER = 9, 10  # the demo's validated month, and its draft with a seeded error
_STAMPS = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
WHEN = dt.datetime(2026, 10, 12, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class _FixedClock(dt.datetime):
    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> _FixedClock:
        return cls.fromtimestamp(WHEN.timestamp(), tz)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # One report time for the packed report and the reference one: the bytes are then equal.
    monkeypatch.setattr(pdf_report, "dt", SimpleNamespace(datetime=_FixedClock))
    db = build_demo_workspace(tmp_path / "demo.cetsdb")
    with Workspace.open(db, create=False) as ws:
        doc = ws.current_document(SEPTEMBER)
        scan = tmp_path / "2026年9月入炉煤皮带秤计量日报（扫描件）.pdf"
        scan.write_bytes(os.urandom(200_000))
        rec = ws.evidence.add_file(scan)
        doc["evidence"].append(
            {
                "path": "units[0].fuels[0].consumption",
                "sha256": rec.sha256,
                "name": rec.name,
                "kind": "支撑材料",
            }
        )
        ws.save_filing(SEPTEMBER, doc, "附上本月支撑材料")
    return db


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: _STAMPS.sub(b"", zf.read(name)) for name in zf.namelist()}


def _export(db: Path, out: Path, monkeypatch: pytest.MonkeyPatch, filing: int, draft: bool) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    real = export_mod._render_members

    def capture(ev: Any, evidence_rows: list[dict[str, Any]], is_draft: bool) -> Any:
        seen.update(ev=ev, rows=evidence_rows, draft=is_draft)
        return real(ev, evidence_rows, is_draft)

    monkeypatch.setattr(export_mod, "_render_members", capture)
    with Desk.open_existing(db, read_only=False) as desk:
        seen["outcome"] = desk.export(filing, out, draft=draft)
    return seen


@pytest.mark.parametrize(("filing", "draft"), [(SEPTEMBER, False), (OCTOBER, True)])
def test_the_packed_workbook_and_report_are_what_the_file_writers_write(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filing: int, draft: bool
) -> None:
    out = tmp_path / "pkg.zip"
    seen = _export(workspace, out, monkeypatch, filing, draft)
    ev = seen["ev"]
    assert seen["draft"] is draft
    expl = export_mod.explanations(ev)
    reference = tmp_path / "reference"
    reference.mkdir()
    write_workbook(ev.spec, reference / "data.xlsx", ev.document, rounded_values(ev.spec, ev.values), expl)
    rendered = render_pdf(
        ev.spec, ev, reference / "report.pdf", explanations=expl, evidence=seen["rows"], draft=draft
    )

    with zipfile.ZipFile(out) as zf:
        packed = {name: zf.read(name) for name in zf.namelist()}
        manifest = json.loads(packed["manifest.json"])
    assert _parts(packed["data.xlsx"]) == _parts((reference / "data.xlsx").read_bytes())
    assert packed["report.pdf"] == (reference / "report.pdf").read_bytes()
    assert rendered.pages > 5 and packed["report.pdf"].startswith(b"%PDF")
    data = json.loads(packed["data.json"])
    assert data["document"]["period"] == ev.document.period
    assert data["calculated"] == export_mod.calc_output(ev)["values"]
    # Every listed file is in the package with its size and SHA-256, and the package verifies.
    for row in manifest["files"]:
        assert hashlib.sha256(packed[row["path"]]).hexdigest() == row["sha256"]
        assert len(packed[row["path"]]) == row["size"]
    assert {r["path"] for r in manifest["files"]} >= {"data.json", "data.xlsx", "report.pdf"}
    assert manifest["draft"] is draft
    report = verify_package(out)
    assert report.ok, report.problems
    assert seen["outcome"].sha256 == hashlib.sha256(out.read_bytes()).hexdigest()


def test_no_temporary_copies_are_written_for_the_members(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[Path] = []
    import cets_desktop.atomic as atomic

    real = atomic.atomic_write_bytes

    def recording(path: Path, data: bytes, *a: Any, **k: Any) -> None:
        written.append(Path(path))
        real(path, data, *a, **k)

    monkeypatch.setattr(atomic, "atomic_write_bytes", recording)
    monkeypatch.setattr(pdf_report, "atomic_write_bytes", recording)
    _export(workspace, tmp_path / "pkg.zip", monkeypatch, SEPTEMBER, False)
    assert written == []
    assert (tmp_path / "pkg.zip").is_file()


def test_a_report_that_cannot_be_laid_out_stops_the_export_and_leaves_nothing(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*a: Any, **k: Any) -> bytes:
        raise OutputError("报告排版失败：有一项内容过长，无法放进一页（测试）；请缩短该项文字后重试")

    monkeypatch.setattr(pdf_report, "_build", broken)
    out = tmp_path / "out"
    out.mkdir()
    with (
        pytest.raises(OutputError, match="报告排版失败"),
        Desk.open_existing(workspace, read_only=False) as desk,
    ):
        desk.export(SEPTEMBER, out / "pkg.zip")
    assert list(out.iterdir()) == []
    shutil.rmtree(out)
