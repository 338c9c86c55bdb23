"""Export at the speed of hashing (issue #14 item 3): the evidence streams into the package while
the workbook and report render, each stored byte is read once and checked against the hash taken
when it was attached, and a stored file that changed since is caught without leaving anything."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cets_desktop.demo import build_demo_workspace
from cets_desktop.io import package as package_mod
from cets_desktop.io.package import PackageCancelled, PackageError, verify_package
from cets_desktop.store.workspace import Workspace
from cets_desktop.workflow import export as export_mod
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.errors import ExportBlocked

SEPTEMBER = 9  # the demo's validated month: no errors, no open warnings
OCTOBER = 10  # the demo's draft with a seeded error

# Realistic kinds: a scanned ledger, a photo, an archive, a spreadsheet, a plain-text export.
ATTACH = [
    ("2026年9月入炉煤皮带秤计量日报（扫描件）.pdf", 300_000, "units[0].fuels[0].consumption"),
    ("2026年9月煤场盘点现场照片.JPG", 200_000, "units[0].fuels[0].consumption"),
    ("2026年9月电费结算单及发票.zip", 120_000, "units[0].generation"),
    ("2026年9月供热量统计.xlsx", 50_000, "units[0].generation"),
    ("2026年9月DCS负荷曲线导出.csv", 80_000, "units[1].generation"),
]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_workspace(tmp_path_factory.mktemp("template") / "demo.cetsdb")


@pytest.fixture
def workspace(demo_template: Path, tmp_path: Path) -> dict[str, Any]:
    """A private copy of the demo workspace with five files attached to September."""
    import shutil

    db = tmp_path / "plant.cetsdb"
    shutil.copy(demo_template, db)
    shutil.copytree(demo_template.with_suffix(".evidence"), db.with_suffix(".evidence"))
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    attached: dict[str, dict[str, Any]] = {}
    with Workspace.open(db, create=False) as ws:
        doc = ws.current_document(SEPTEMBER)
        for i, (name, size, field_path) in enumerate(ATTACH):
            path = incoming / name
            if name.endswith(".csv"):
                line = f"2026-09-{i + 1:02d} 00:15,1号机组,612.4,MW\n".encode()
                path.write_bytes(line * (size // len(line)))
            else:
                path.write_bytes(os.urandom(size))
            rec = ws.evidence.add_file(path)
            stored = ws.evidence.path_for(rec.sha256)
            attached[name] = {"sha256": rec.sha256, "size": rec.size, "stored": stored}
            doc["evidence"].append(
                {"path": field_path, "sha256": rec.sha256, "name": rec.name, "kind": "支撑材料"}
            )
        ws.save_filing(SEPTEMBER, doc, "附上本月支撑材料")
    out = tmp_path / "out"
    out.mkdir()
    return {"db": db, "attached": attached, "out": out}


def _package_rows(path: Path) -> dict[str, dict[str, Any]]:
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    return {row["path"]: row for row in manifest["files"]}


def test_exported_package_verifies_and_carries_each_stored_file_under_its_attach_hash(
    workspace: dict[str, Any],
) -> None:
    target = workspace["out"] / "sep.zip"
    with Desk.open_existing(workspace["db"], read_only=False) as desk:
        outcome = desk.export(SEPTEMBER, target)
        recorded = desk.workspace.previous_package(SEPTEMBER)

    assert outcome.package_path == target.absolute()
    # The package's own SHA-256 (the next month's chain) is that of the bytes on disk.
    assert outcome.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert recorded is not None and recorded.sha256 == outcome.sha256
    report = verify_package(target, require_signature=True)
    assert report.ok, report.problems
    assert report.signed and report.sha256 == outcome.sha256

    rows = _package_rows(target)
    by_name = {r.get("original_name"): r for r in rows.values() if r["role"] == "evidence"}
    for name, info in workspace["attached"].items():
        row = by_name[name]
        assert row["sha256"] == info["sha256"] and row["size"] == info["size"]
        assert row["path"] == f"evidence/{info['sha256'][:16]}.{Path(name).suffix.lower().lstrip('.')}"

    with zipfile.ZipFile(target) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        by_arc = {i.filename: i for i in infos}
        # What a person opening the ZIP sees first: the manifest and its signature.
        assert names[:5] == ["manifest.json", "manifest.sig", "data.json", "data.xlsx", "report.pdf"]
        evidence = [i for i in infos if i.filename.startswith("evidence/")]
        others = [i for i in infos if not i.filename.startswith("evidence/")]
        # In the file the evidence comes first (copied while the report rendered), the manifest last.
        assert max(i.header_offset for i in evidence) < min(i.header_offset for i in others)
        assert max(others, key=lambda i: i.header_offset).filename in ("manifest.json", "manifest.sig")
        # Compressed kinds are stored as they are; a text export is deflated.
        for name, info in workspace["attached"].items():
            ext = Path(name).suffix.lower().lstrip(".")
            entry = by_arc[f"evidence/{info['sha256'][:16]}.{ext}"]
            expected = zipfile.ZIP_DEFLATED if ext == "csv" else zipfile.ZIP_STORED
            assert entry.compress_type == expected, name
            assert zf.read(entry) == info["stored"].read_bytes()
        csv = by_arc[f"evidence/{workspace['attached'][ATTACH[4][0]]['sha256'][:16]}.csv"]
        assert csv.compress_size < csv.file_size / 5


def test_every_stored_evidence_byte_is_read_once_and_never_hashed_before_packing(
    workspace: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = {str(info["stored"]): info["size"] for info in workspace["attached"].values()}
    opened: dict[str, int] = {}
    read: dict[str, int] = {}
    real_open = open

    class Counting:
        def __init__(self, fh: Any, key: str) -> None:
            self._fh, self._key = fh, key

        def readinto(self, buf: Any) -> int:
            n = self._fh.readinto(buf)
            read[self._key] = read.get(self._key, 0) + (n or 0)
            return n

        def __getattr__(self, name: str) -> Any:
            return getattr(self._fh, name)

        def __enter__(self) -> Counting:
            return self

        def __exit__(self, *exc: object) -> None:
            self._fh.close()

    def counting_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        fh = real_open(file, mode, *args, **kwargs)
        key = os.fspath(file) if isinstance(file, str | os.PathLike) else ""
        if key in stored:
            opened[key] = opened.get(key, 0) + 1
            return Counting(fh, key)
        return fh

    def no_prehash(*_a: Any, **_k: Any) -> str:
        raise AssertionError("evidence hashed before packing")

    monkeypatch.setattr(package_mod, "open", counting_open, raising=False)
    monkeypatch.setattr(export_mod, "sha256_file", no_prehash)
    with Desk.open_existing(workspace["db"], read_only=False) as desk:
        desk.export(SEPTEMBER, workspace["out"] / "sep.zip")

    assert opened == dict.fromkeys(stored, 1)
    assert read == stored  # each byte once: no second read for a check


def _no_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_stored_evidence_changed_after_attach_stops_the_export_and_leaves_nothing(
    workspace: dict[str, Any],
) -> None:
    photo = workspace["attached"]["2026年9月煤场盘点现场照片.JPG"]
    target = workspace["out"] / "sep.zip"
    target.write_bytes(b"last week's package, still wanted")
    # Same size, one byte different: only the hash can tell (e.g. a file edited in the store).
    damaged = bytearray(photo["stored"].read_bytes())
    damaged[1234] ^= 0x01
    photo["stored"].write_bytes(bytes(damaged))

    with Desk.open_existing(workspace["db"], read_only=False) as desk:
        state_before = desk.require_filing(SEPTEMBER).state
        with pytest.raises(PackageError) as exc:
            desk.export(SEPTEMBER, target)
        assert desk.require_filing(SEPTEMBER).state == state_before
        assert desk.workspace.previous_package(SEPTEMBER) is None

    message = str(exc.value)
    assert "2026年9月煤场盘点现场照片.JPG" in message
    assert "附加之后被修改过" in message and "重新附加" in message
    assert "Traceback" not in message and "sha256" not in message.lower().replace("sha-256", "")
    # Nothing partial under any name; the earlier package and the stored files are untouched.
    assert _no_leftovers(workspace["out"]) == ["sep.zip"]
    assert target.read_bytes() == b"last week's package, still wanted"
    assert photo["stored"].read_bytes() == bytes(damaged)
    for name, info in workspace["attached"].items():
        assert info["stored"].is_file(), name


def test_stored_evidence_truncated_after_attach_is_caught_too(workspace: dict[str, Any]) -> None:
    ledger = workspace["attached"][ATTACH[0][0]]
    with open(ledger["stored"], "r+b") as f:
        f.truncate(ledger["size"] // 2)
    with Desk.open_existing(workspace["db"], read_only=False) as desk, pytest.raises(PackageError) as exc:
        desk.export(SEPTEMBER, workspace["out"] / "sep.zip")
    assert ATTACH[0][0] in str(exc.value) and "附加之后被修改过" in str(exc.value)
    assert _no_leftovers(workspace["out"]) == []


def test_cli_reports_changed_evidence_in_one_chinese_line_and_writes_no_package(
    workspace: dict[str, Any],
) -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    photo = workspace["attached"]["2026年9月煤场盘点现场照片.JPG"]
    photo["stored"].write_bytes(os.urandom(photo["size"]))
    target = workspace["out"] / "sep.zip"
    env = dict(
        os.environ,
        PYTHONPATH=str(root / "tests"),
        PYTHON_KEYRING_BACKEND="support.process_keyring.ProcessMemoryKeyring",
    )
    run = subprocess.run(
        [sys.executable, "-m", "cets_desktop", "--workspace", str(workspace["db"]), "export"]
        + ["--filing", str(SEPTEMBER), "-o", str(target), "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "煤场盘点现场照片" in lines[0] and "修改过" in lines[0]
    assert "Traceback" not in run.stderr
    assert _no_leftovers(workspace["out"]) == []


def test_a_blocked_export_discards_the_copy_it_had_started(workspace: dict[str, Any]) -> None:
    with Desk.open_existing(workspace["db"], read_only=False) as desk:
        doc = desk.workspace.current_document(OCTOBER)
        doc["evidence"] = desk.workspace.current_document(SEPTEMBER)["evidence"]
        desk.workspace.save_filing(OCTOBER, doc, "沿用九月材料")
        with pytest.raises(ExportBlocked) as exc:
            desk.export(OCTOBER, workspace["out"] / "oct.zip")
    assert "错误" in exc.value.message
    assert _no_leftovers(workspace["out"]) == []


def test_cancel_while_the_evidence_is_copied_leaves_nothing(workspace: dict[str, Any]) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    def cancel() -> bool:
        return len(calls) >= 2  # after the first evidence chunks

    with Desk.open_existing(workspace["db"], read_only=False) as desk, pytest.raises(PackageCancelled):
        desk.export(SEPTEMBER, workspace["out"] / "sep.zip", progress=progress, cancel=cancel)
    assert _no_leftovers(workspace["out"]) == []


def test_progress_runs_from_zero_to_one_total_across_copy_and_finish(workspace: dict[str, Any]) -> None:
    calls: list[tuple[int, int]] = []
    with Desk.open_existing(workspace["db"], read_only=False) as desk:
        desk.export(SEPTEMBER, workspace["out"] / "sep.zip", progress=lambda d, t: calls.append((d, t)))
    dones = [d for d, _ in calls]
    assert dones == sorted(dones) and calls[-1][0] == calls[-1][1]
    assert len({t for _, t in calls}) == 1
    evidence_bytes = sum(info["size"] for info in workspace["attached"].values())
    assert calls[-1][1] > 2 * evidence_bytes  # copy + the package's own hash, then the members


@pytest.fixture
def no_keyring() -> Any:
    """The headless-Linux situation: keyring's `fail` backend, nothing can be stored."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_the_started_package_is_finished_unsigned(
    workspace: dict[str, Any], no_keyring: None
) -> None:
    target = workspace["out"] / "sep.zip"
    with Desk.open_existing(workspace["db"], read_only=False) as desk:
        outcome = desk.export(SEPTEMBER, target)
    assert not outcome.signed and outcome.unsigned_reason and "密钥库" in outcome.unsigned_reason
    report = verify_package(target)
    assert report.ok and [p.code for p in report.problems] == ["PKG-UNSIGNED"]
    with zipfile.ZipFile(target) as zf:
        assert "manifest.sig" not in zf.namelist()
        assert json.loads(zf.read("manifest.json"))["unsigned_reason"] == outcome.unsigned_reason
    assert _no_leftovers(workspace["out"]) == ["sep.zip"]


def test_a_required_signature_without_a_keyring_fails_and_leaves_nothing(
    workspace: dict[str, Any], no_keyring: None
) -> None:
    from cets_desktop.security.keys import SigningKeyError

    with Desk.open_existing(workspace["db"], read_only=False) as desk, pytest.raises(SigningKeyError):
        desk.export(SEPTEMBER, workspace["out"] / "sep.zip", require_signature=True)
    assert _no_leftovers(workspace["out"]) == []


def _filing_with_evidence_beside_it(folder: Path) -> tuple[Path, dict[str, bytes]]:
    """September as a filing JSON, with two scans in the same folder, hashed when 'attached'."""
    from cets_desktop.demo import power_month_document

    doc = power_month_document(9)
    files = {
        "9月燃料消耗台账（盖章）.pdf": b"%PDF-1.4 ledger " + os.urandom(40_000),
        "9月生产月报.pdf": b"%PDF-1.4 production " + os.urandom(30_000),
    }
    doc["evidence"] = []
    for (name, content), path in zip(
        files.items(), ["units[0].fuels[0].consumption", "units[0].generation"], strict=True
    ):
        (folder / name).write_bytes(content)
        doc["evidence"].append({"path": path, "sha256": hashlib.sha256(content).hexdigest(), "name": name})
    filing = folder / "2026-09.json"
    filing.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return filing, files


def _cli(*args: str) -> Any:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = dict(
        os.environ,
        PYTHONPATH=str(root / "tests"),
        PYTHON_KEYRING_BACKEND="support.process_keyring.ProcessMemoryKeyring",
    )
    return subprocess.run(
        [sys.executable, "-m", "cets_desktop", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_export_of_a_filing_file_packs_the_evidence_beside_it_and_catches_a_changed_one(
    tmp_path: Path,
) -> None:
    filing, files = _filing_with_evidence_beside_it(tmp_path)
    good = tmp_path / "good.zip"
    run = _cli("export", str(filing), "-o", str(good), "-q", "--draft")  # the other items lack files
    assert run.returncode == 0, run.stderr
    report = verify_package(good)
    assert report.ok, report.problems
    with zipfile.ZipFile(good) as zf:
        packed = {r.get("original_name"): r for r in json.loads(zf.read("manifest.json"))["files"]}
        for name, content in files.items():
            assert zf.read(packed[name]["path"]) == content

    # The ledger is edited after it was attached: the export names it and writes nothing.
    (tmp_path / "9月燃料消耗台账（盖章）.pdf").write_bytes(b"%PDF-1.4 edited " + os.urandom(40_000))
    bad = tmp_path / "bad.zip"
    run = _cli("export", str(filing), "-o", str(bad), "-q", "--draft")
    assert run.returncode == 2
    line = run.stderr.strip()
    assert "\n" not in line and "9月燃料消耗台账（盖章）.pdf" in line and "修改过" in line
    assert not bad.exists() and not list(tmp_path.glob(".bad.zip.*"))


def test_with_a_same_named_file_in_both_folders_the_attached_content_is_packed(tmp_path: Path) -> None:
    filing, files = _filing_with_evidence_beside_it(tmp_path)
    name = "9月生产月报.pdf"
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / name).write_bytes(files[name])  # the attached copy
    (tmp_path / name).write_bytes(b"%PDF-1.4 a newer draft of the report")
    out = tmp_path / "pkg.zip"
    run = _cli("export", str(filing), "-o", str(out), "-q", "--draft")
    assert run.returncode == 0, run.stderr
    assert verify_package(out).ok
    with zipfile.ZipFile(out) as zf:
        rows = {r.get("original_name"): r for r in json.loads(zf.read("manifest.json"))["files"]}
        assert zf.read(rows[name]["path"]) == files[name]
