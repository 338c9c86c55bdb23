"""Killing the real window during steady typing loses at most a few seconds of work.

The idle autosave (1 s after the last change) never fires while a user types a key every 250 ms;
the session also writes a draft at most ``AUTOSAVE_MAX_WAIT_MS`` after the first pending change.
This test runs the real main window in a child process, types into 备注 every 250 ms, SIGKILLs
the process mid-typing and reads the draft back from the workspace.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL of the child process")

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from cets_desktop.ui.app import create_application
    from cets_desktop.workflow.desk import Desk
    from cets_desktop.ui.main_window import MainWindow

    app = create_application()
    window = MainWindow(Desk.open(Path(sys.argv[1])))
    window.ask_restore = lambda draft, current: True
    window.ask_leave = lambda: "keep"
    window.resize(1280, 800)
    window.show()
    filing = window.workspace.find_filing(1, "power-monthly", "2026-10")
    session = window.open_filing(filing.id)
    typed = []
    letters = "十月二号机组停机检修三天更换磨煤机衬板并完成锅炉水压试验"

    def key():
        typed.append(letters[len(typed) % len(letters)])
        session.set_value("remarks", "".join(typed), typing=True)
        print(f"{time.monotonic():.3f} {len(typed)}", flush=True)

    timer = QTimer()
    timer.setInterval(250)
    timer.timeout.connect(key)
    timer.start()
    print("ready", flush=True)
    app.exec()
    """
)


def test_draft_holds_recent_typing_after_kill(tmp_path: Path) -> None:
    from cets_desktop.demo import build_demo_workspace
    from cets_desktop.store import Workspace

    db = Path(build_demo_workspace(tmp_path / "demo.cetsdb"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    keystrokes: list[tuple[float, int]] = []
    try:
        deadline = time.monotonic() + 60
        for line in child.stdout:
            if line.strip() == "ready":
                continue
            stamp, count = line.split()
            keystrokes.append((float(stamp), int(count)))
            # ~8 s of steady typing (32 keys after the first), then the process dies without any
            # chance to save. Counted in keys: the first interval can be long on a busy machine.
            if int(count) >= 33 or time.monotonic() > deadline:
                break
        killed_at = time.monotonic()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(10)
    assert len(keystrokes) >= 30, keystrokes
    typed_total = keystrokes[-1][1]

    ws = Workspace.open(db)
    filing = ws.find_filing(1, "power-monthly", "2026-10")
    assert filing is not None
    draft = ws.recover_draft(filing.id)
    assert draft is not None, "no draft at all after 8 s of typing"
    remarks = draft.document["values"].get("remarks") or ""
    kept = len(remarks)
    assert 0 < kept <= typed_total
    # The newest keystroke in the draft was typed no more than ~4 s before the kill
    # (3 s bound + one keystroke interval + scheduling slack on a busy 2-core machine).
    kept_at = next(stamp for stamp, count in keystrokes if count == kept)
    assert killed_at - kept_at <= 4.5, (killed_at - kept_at, kept, typed_total)
    ws.close()
