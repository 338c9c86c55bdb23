"""Run as a subprocess by test_dialogs_fit_screens.py: the window and the evidence dialogs on a
real screen size (offscreen platform with a configured screen, optionally QT_SCALE_FACTOR=1.5).
Prints one JSON line of geometries; saves screenshots into the folder given."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path


def main(shots: Path, tag: str) -> None:
    from PySide6.QtCore import QPoint, QRect, Qt
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from cets_desktop.ui.fonts import application_font
    from cets_desktop.ui.stylesheet import app_stylesheet

    app.setStyle("Fusion")
    app.setFont(application_font())
    app.setStyleSheet(app_stylesheet())

    from cets_desktop.demo import build_demo_workspace
    from cets_desktop.ui.evidence_attach_dialog import CarryOverDialog, EvidenceMappingDialog
    from cets_desktop.ui.main_window import MainWindow
    from cets_desktop.workflow import evidence as flow
    from cets_desktop.workflow.desk import Desk

    folder = Path(tempfile.mkdtemp())
    desk = Desk.open(build_demo_workspace(folder / "demo.cetsdb"))
    screen = app.primaryScreen().availableGeometry()
    win = MainWindow(desk)
    win.ask_restore = lambda draft, current: True  # type: ignore[method-assign]
    win.show()
    win.resize(screen.width(), screen.height())
    filing = desk.find_filing(1, "power-monthly", "2026-10")
    assert filing is not None
    session = win.open_filing(filing.id)
    assert session is not None
    win.resizeDocks([win.evidence_dock], [290], Qt.Orientation.Horizontal)
    win.settle(100)
    panel = win.evidence

    def inside(widget, top) -> bool:  # type: ignore[no-untyped-def]
        rect = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
        return widget.isVisible() and top.rect().contains(rect)

    out: dict[str, object] = {
        "screen": [screen.width(), screen.height()],
        "dpr": app.primaryScreen().devicePixelRatio(),
        "window": [win.width(), win.height()],
        "panel_buttons_inside": all(inside(b, win) for b in (panel.attach_many_button, panel.carry_button)),
    }
    win.grab().save(str(shots / f"{tag}-window.png"))

    names = [
        "2026年10月燃料消耗台账（盖章）.pdf",
        "2026年10月煤质检测报告（CMA）.pdf",
        "2026年10月生产月报（盖章）.pdf",
        "2026年10月电费结算单.pdf",
        "2026年10月热量表读数记录.jpg",
    ]
    files = []
    for name in names:
        (folder / name).write_bytes(name.encode())
        files.append(folder / name)
    targets = flow.evidence_targets(session.spec, session.document)
    dialogs = {
        "mapping": EvidenceMappingDialog(targets, files, parent=win),
        "single": EvidenceMappingDialog(targets, files[2:3], parent=win),
    }
    september = desk.find_filing(1, "power-monthly", "2026-09")
    assert september is not None
    dialogs["carry"] = CarryOverDialog(
        flow.previous_carry_candidates(desk, filing.id, session.document), parent=win
    )
    for key, dialog in dialogs.items():
        dialog.show()
        app.processEvents()
        frame = dialog.frameGeometry()
        hint = dialog.minimumSizeHint()
        ok = dialog.buttons.buttons()
        out[key] = {
            "size": [dialog.width(), dialog.height()],
            "min_hint": [hint.width(), hint.height()],
            "on_screen": screen.contains(frame)
            or (frame.width() <= screen.width() and frame.height() <= screen.height()),
            "buttons_inside": all(inside(b, dialog) for b in ok),
        }
        dialog.grab().save(str(shots / f"{tag}-{key}.png"))
        dialog.close()
    print(json.dumps(out))
    session.flush()
    win.close()
    desk.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
