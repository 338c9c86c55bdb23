"""Carrying a recurring document (a yearly calibration certificate) from September into October,
deliberately and with a reason: the refs record where they came from and why; GEN-008 becomes an
info naming the reason, and stays a warning for the same file reused without saying so. The
carried refs travel in the PDF evidence list and the package manifest."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from many_helpers import at_size, evidence_gaps, open_month, scan, screenshot

from cets_desktop.io.package import verify_package
from cets_desktop.ui.evidence_attach_dialog import CarryOverDialog
from cets_desktop.ui.main_window import MainWindow
from cets_desktop.workflow.desk import Desk

CERTIFICATE = "皮带秤年度检定证书（2026年3月至2027年3月）.pdf"
CONSUMPTION = [
    "units[0].fuels[0].consumption",
    "units[0].fuels[1].consumption",
    "units[1].fuels[0].consumption",
]
REASON = "皮带秤年度检定证书，有效期至 2027 年 3 月，10 月仍在有效期内"


def september_with_certificate(desk: Desk, folder: Path) -> str:
    """September's filing also carries the belt-scale certificate on its three consumption fields."""
    september = desk.find_filing(1, "power-monthly", "2026-09")
    assert september is not None
    record = desk.add_evidence_file(scan(folder, CERTIFICATE, "JJG 195 检定合格"))
    document = desk.document(september.id)
    document["evidence"] += [
        {"path": p, "sha256": record.sha256, "name": record.name, "size": record.size, "kind": "检定证书"}
        for p in CONSUMPTION
    ]
    desk.save(september.id, document, "补附皮带秤检定证书")
    return record.sha256


def gen008(session: Any) -> list[tuple[str, str, str]]:
    return sorted((f.severity, f.path, f.message) for f in session.evaluation.findings if f.code == "GEN-008")


def test_certificate_carried_with_a_reason(window: MainWindow, qtbot: Any, tmp_path: Path) -> None:
    desk = window.desk
    sha = september_with_certificate(desk, tmp_path)
    session = open_month(window)
    assert len(evidence_gaps(session)) == 17
    panel = window.evidence
    seen: dict[str, Any] = {}

    def fill(dialog: CarryOverDialog) -> bool:
        names = [c.document.name for c in dialog.candidates]
        seen["names"] = names
        ok = dialog.buttons.buttons()[0]
        dialog.pick(CERTIFICATE)
        seen["ok_without_reason"] = ok.isEnabled()
        dialog.reason.setPlainText(REASON)
        seen["ok_with_reason"] = ok.isEnabled()
        seen["note"] = dialog.note.text()
        dialog.resize(1366 - 200, 768 - 200)
        screenshot(dialog, "carry-over-dialog-1366x768")
        return True

    panel.run_dialog = fill  # type: ignore[method-assign]
    steps = session.undo_stack.count()
    assert panel.carry_from_previous()
    # September's four documents are offered; nothing is ticked until the user picks.
    assert seen["names"] == [
        "2026年9月燃料消耗台账（盖章）.pdf",
        "2026年9月煤质检测报告（CMA）.pdf",
        "2026年9月生产月报（盖章）.pdf",
        CERTIFICATE,
    ]
    assert seen["ok_without_reason"] is False and seen["ok_with_reason"] is True
    assert seen["note"] == "将沿用 1 个文件，对应本期 3 项。"
    assert session.undo_stack.count() == steps + 1
    assert session.undo_stack.undoText() == f"沿用2026年9月支撑材料「{CERTIFICATE}」"

    refs = session.document["evidence"]
    assert sorted(r["path"] for r in refs) == sorted(CONSUMPTION)
    assert all(r["sha256"] == sha and r["carried"]["period"] == "2026-09" for r in refs)
    assert all(r["carried"]["reason"] == REASON and r["carried"]["by"] for r in refs)
    session.evaluate_now()
    assert len(evidence_gaps(session)) == 14  # the three consumption fields are backed now
    findings = gen008(session)
    assert len(findings) == 1  # one info for the document, not one warning per field
    severity, path, message = findings[0]
    assert severity == "info" and path == CONSUMPTION[0]
    assert "沿用自2026年9月" in message and REASON in message

    at_size(window)
    panel.tabs.setCurrentIndex(1)
    top = panel.documents.topLevelItem(0)
    assert top.text(0) == f"{CERTIFICATE}（对应 3 项，沿用自2026年9月）"
    screenshot(window, "carry-over-panel-1366x768")

    # The same certificate put on another field without declaring it: a warning there.
    with qtbot.waitSignal(panel.attached, timeout=5000):
        panel.attach_files([tmp_path / CERTIFICATE], "units[0].generation")
    session.evaluate_now()
    findings = gen008(session)
    assert [(s, p) for s, p, _ in findings] == [("info", CONSUMPTION[0]), ("warning", "units[0].generation")]

    # Saved, the command line's evaluation of the workspace filing says the same (one doorway).
    session.save("沿用检定证书")
    cli = desk.evaluate(session.filing_id)
    assert sorted((f.severity, f.path) for f in cli.findings if f.code == "GEN-008") == [
        ("info", CONSUMPTION[0]),
        ("warning", "units[0].generation"),
    ]


def test_reuse_without_a_reason_stays_a_warning_on_every_field(window: MainWindow, tmp_path: Path) -> None:
    desk = window.desk
    sha = september_with_certificate(desk, tmp_path)
    session = open_month(window)
    refs = [{"path": p, "sha256": sha, "name": CERTIFICATE, "size": 1} for p in CONSUMPTION]
    session.replace_evidence(refs, "附上支撑材料")
    session.evaluate_now()
    findings = gen008(session)
    assert [(s, p) for s, p, _ in findings] == [("warning", p) for p in sorted(CONSUMPTION)]
    assert "从上月沿用" in findings[0][2]


def test_cancel_and_missing_reason_change_nothing(window: MainWindow, tmp_path: Path) -> None:
    september_with_certificate(window.desk, tmp_path)
    session = open_month(window)
    panel = window.evidence
    steps = session.undo_stack.count()
    panel.run_dialog = lambda dialog: False  # type: ignore[method-assign]
    assert not panel.carry_from_previous()

    def no_reason(dialog: CarryOverDialog) -> bool:
        dialog.pick(CERTIFICATE)
        return True  # as if accepted with the reason left blank

    panel.run_dialog = no_reason  # type: ignore[method-assign]
    assert not panel.carry_from_previous()
    assert panel.status.text().startswith("沿用上期支撑材料需要写明理由")
    assert session.document["evidence"] == [] and session.undo_stack.count() == steps


def test_carried_document_in_pdf_list_and_package_manifest(window: MainWindow, tmp_path: Path) -> None:
    desk = window.desk
    sha = september_with_certificate(desk, tmp_path)
    session = open_month(window)
    panel = window.evidence

    def fill(dialog: CarryOverDialog) -> bool:
        dialog.pick(CERTIFICATE)
        dialog.reason.setPlainText(REASON)
        return True

    panel.run_dialog = fill  # type: ignore[method-assign]
    assert panel.carry_from_previous()
    session.save("沿用检定证书")
    out = desk.export(session.filing_id, tmp_path / "pkg.zip", draft=True)
    assert verify_package(out.package_path, require_signature=True).ok  # the manifest's new key is signed
    with zipfile.ZipFile(out.package_path) as z:
        manifest = json.loads(z.read("manifest.json"))
        data = json.loads(z.read("data.json"))
        pdf = z.read("report.pdf")
    carried = [r for r in data["document"]["evidence"] if r.get("carried")]
    assert len(carried) == 3 and carried[0]["carried"]["reason"] == REASON
    entry = next(f for f in manifest["files"] if f.get("sha256") == sha)
    assert sorted(entry["supports"]) == sorted(CONSUMPTION)
    assert entry["carried"] == {"period": "2026-09", "reason": REASON}
    (tmp_path / "report.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "沿用自2026年9月" in text.replace(" ", "")
