"""``export --filing`` starts the evidence copy before the engine, workbook and report are
imported (workflow/export_start.py), and the export takes it over only when it is exactly the
copy it would start: otherwise the started one is aborted, its partial file removed, and the
package is the export's own."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from export_helpers import attach_random  # noqa: E402

from cets_desktop.demo import build_demo_workspace
from cets_desktop.io import package as package_mod
from cets_desktop.io.package import verify_package
from cets_desktop.store.workspace import Workspace
from cets_desktop.workflow import export_start
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.errors import ExportBlocked

SEPTEMBER, OCTOBER = 9, 10
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    db = build_demo_workspace(tmp_path / "demo.cetsdb")
    (tmp_path / "in").mkdir()
    attach_random(db, SEPTEMBER, tmp_path / "in", "2026年9月生产月报.pdf", 400_000)
    attach_random(db, OCTOBER, tmp_path / "in", "2026年10月生产月报.pdf", 300_000)
    return db


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []
    real = export_start.take

    def recording(out: Any, items: Any) -> Any:
        writer = real(out, items)
        seen.append(writer)
        return writer

    monkeypatch.setattr(export_start, "take", recording)
    return seen


def test_the_started_copy_is_taken_over_and_the_package_verifies(
    db: Path, tmp_path: Path, taken: list[Any]
) -> None:
    out = tmp_path / "pkg.zip"
    assert export_start.start_for_filing(db, SEPTEMBER, out)
    started = export_start._started
    assert started is not None
    with Desk.open_existing(db, read_only=False) as desk:
        outcome = desk.export(SEPTEMBER, out)
    assert taken == [started[2]]  # the very writer started early
    assert export_start._started is None
    assert outcome.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert verify_package(out).ok
    with zipfile.ZipFile(out) as zf:
        assert sum(n.startswith("evidence/") for n in zf.namelist()) >= 2  # the demo's and ours


def test_a_filing_changed_since_the_start_gets_a_fresh_copy_and_nothing_stale(
    db: Path, tmp_path: Path, taken: list[Any]
) -> None:
    out = tmp_path / "out" / "pkg.zip"
    out.parent.mkdir()
    assert export_start.start_for_filing(db, SEPTEMBER, out)
    added = attach_random(db, SEPTEMBER, tmp_path / "in", "2026年9月补充台账.pdf", 100_000)  # saved meanwhile
    with Desk.open_existing(db, read_only=False) as desk:
        desk.export(SEPTEMBER, out)
    assert taken == [None]  # not the same items: the started copy was aborted
    assert [p.name for p in out.parent.iterdir()] == ["pkg.zip"]  # its partial file is gone
    report = verify_package(out)
    assert report.ok
    assert added in {row.get("sha256") for row in (report.manifest or {})["files"]}


def test_another_package_path_is_not_taken(db: Path, tmp_path: Path, taken: list[Any]) -> None:
    assert export_start.start_for_filing(db, SEPTEMBER, tmp_path / "a.zip")
    with Desk.open_existing(db, read_only=False) as desk:
        desk.export(SEPTEMBER, tmp_path / "b.zip")
    assert taken == [None]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".zip", ".part")) == ["b.zip"]


def test_a_blocked_export_leaves_neither_copy(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "pkg.zip"
    out.parent.mkdir()
    assert export_start.start_for_filing(db, OCTOBER, out)
    with pytest.raises(ExportBlocked), Desk.open_existing(db, read_only=False) as desk:
        desk.export(OCTOBER, out)  # October has an error: no final package
    assert list(out.parent.iterdir()) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda doc: doc.update(evidence="not a list"),
        lambda doc: doc["evidence"][0].update(sha256=123),
        lambda doc: doc["evidence"][0].pop("name"),
        lambda doc: doc["evidence"][0].update(kind=["台账"]),
        lambda doc: doc["evidence"][0].update(carried={"period": "2026-08"}),
        lambda doc: doc["evidence"].append("a.pdf"),
    ],
    ids=[
        "evidence-not-a-list",
        "hash-not-text",
        "no-name",
        "kind-not-text",
        "carry-without-reason",
        "ref-not-object",
    ],
)
def test_a_stored_document_the_model_would_refuse_starts_no_copy(
    db: Path, tmp_path: Path, damage: Any
) -> None:
    with Workspace.open(db, create=False) as ws:
        doc = ws.current_document(SEPTEMBER)
        damage(doc)
        ws.save_filing(SEPTEMBER, doc, "损坏的证据列表")
    assert not export_start.start_for_filing(db, SEPTEMBER, tmp_path / "p.zip")
    assert export_start._started is None and not list(tmp_path.glob("*.part"))


def test_carried_evidence_read_from_the_stored_json_is_the_items_the_export_builds(
    db: Path, tmp_path: Path, taken: list[Any]
) -> None:
    with Workspace.open(db, create=False) as ws:
        doc = ws.current_document(SEPTEMBER)
        doc["evidence"][0]["carried"] = {"period": "2026-08", "reason": "年度检定证书沿用", "by": "王工"}
        doc["evidence"][0]["kind"] = None
        ws.save_filing(SEPTEMBER, doc, "沿用上月的检定证书")
    out = tmp_path / "pkg.zip"
    assert export_start.start_for_filing(db, SEPTEMBER, out)
    started = export_start._started
    assert started is not None
    with Desk.open_existing(db, read_only=False) as desk:
        desk.export(SEPTEMBER, out, draft=True)
    assert taken == [started[2]]  # equal items: the early copy was the export's own
    assert verify_package(out).ok


def test_nothing_is_started_for_an_unknown_filing_or_workspace(tmp_path: Path, db: Path) -> None:
    assert not export_start.start_for_filing(tmp_path / "none.cetsdb", SEPTEMBER, tmp_path / "p.zip")
    assert not export_start.start_for_filing(db, 999, tmp_path / "p.zip")
    assert export_start._started is None
    assert not list(tmp_path.glob("*.part"))


def test_the_cli_starts_the_copy_before_it_imports_the_engine(db: Path, tmp_path: Path) -> None:
    probe = (
        "import sys, cets_desktop.io.package as p\n"
        "real = p.PackageWriter.__init__\n"
        "def init(self, *a, **k):\n"
        "    print('engine imported before the copy:', 'cets_desktop.core.rules' in sys.modules, file=sys.stderr)\n"
        "    print('document model imported before the copy:', 'pydantic' in sys.modules, file=sys.stderr)\n"
        "    real(self, *a, **k)\n"
        "p.PackageWriter.__init__ = init\n"
        "from cets_desktop.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    out = tmp_path / "pkg.zip"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "tests")]))
    env["PYTHON_KEYRING_BACKEND"] = "support.process_keyring.ProcessMemoryKeyring"
    env["CETS_TEST_KEYRING_FILE"] = str(tmp_path / "keyring.json")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            "--workspace",
            str(db),
            "export",
            "--filing",
            str(SEPTEMBER),
            "-o",
            str(out),
            "-q",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[0] == "engine imported before the copy: False"
    # The evidence list is read from the stored JSON: the copy does not wait for pydantic either.
    assert proc.stderr.splitlines()[1] == "document model imported before the copy: False"
    assert "engine imported before the copy: True" not in proc.stderr  # no second copy started
    assert verify_package(out).ok
    assert not list(tmp_path.glob("*.part"))
    assert package_mod is not None
