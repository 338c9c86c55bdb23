"""`python -m cets_desktop` — same as the `cets-desktop` command; also the frozen program's entry.

PyInstaller runs this file as a top-level script (no parent package), so the import is absolute.
The frozen bundle holds two executables built from it (installers/cets-desktop.spec):
``cets-desktop.exe`` (windowed: the Start-menu entry, no console behind it) and
``cets-desktop-cli.exe`` (console: the command line, ``--self-test``).
"""

from __future__ import annotations

import os
import sys

# Named mutex the installer looks for to tell whether the app is running (installers/cets-desktop.nsi).
RUNNING_MUTEX = "Local\\cets-desktop-running"


def _streams_for_windowed() -> None:
    """A windowed Windows executable starts with no stdout/stderr (both None): writes to them
    would raise. Send them to the log folder so that a command's output is not silently lost."""
    if sys.stdout is not None and sys.stderr is not None:
        return
    target = os.devnull
    try:
        import platformdirs

        folder = platformdirs.user_log_dir("cets-desktop", appauthor=False)
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, "last-run.log")
    except OSError:
        pass
    stream = open(target, "w", encoding="utf-8", errors="replace")  # noqa: SIM115 - lives as long as the process
    if sys.stdout is None:
        sys.stdout = stream
    if sys.stderr is None:
        sys.stderr = stream


def _announce_running() -> object | None:
    """Hold a named mutex while the app runs (Windows only); the installer waits for it to go."""
    if sys.platform != "win32":
        return None
    try:
        import ctypes

        return ctypes.windll.kernel32.CreateMutexW(None, False, RUNNING_MUTEX)  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None


def run() -> int:
    _streams_for_windowed()
    _mutex = _announce_running()  # noqa: F841 - released when the process ends
    from cets_desktop.gui_start import plain_gui_start

    plain, workspace = plain_gui_start(sys.argv[1:])
    if plain:
        return _run_window(workspace)
    from cets_desktop.cli import main

    return main()


def _run_window(workspace: str | None) -> int:
    """The window as ``cli.main`` would open it, without importing the command-line module (its
    parser and commands; bench/bench_gui_start.py): the same stream and warning set-up, and a
    failure reported as ``cli.main`` reports it (one line, the traceback in the crash log)."""
    from cets_desktop.gui_start import pause_collector, prepare_process

    pause_collector()  # until the first paint (ui/app.py)
    prepare_process()
    try:
        from cets_desktop.ui.app import run_gui
    except ImportError:
        from cets_desktop.cli import main  # says in one Chinese line what is missing

        return main()
    try:
        from pathlib import Path

        return run_gui(Path(workspace) if workspace else None, demo=False, screenshot=None)
    except (KeyboardInterrupt, Exception) as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        from cets_desktop.cli import report_failure

        return report_failure(exc)


if __name__ == "__main__":
    raise SystemExit(run())
