"""The window started as users start it: no arguments, ``gui``, or ``--workspace W gui``.

One rule for both doors: ``python -m cets_desktop`` / the frozen program (``__main__``) opens the
window on it without importing the command-line module at all, and ``cli.main`` without building
its parser (bench/bench_gui_start.py); anything else goes through the full parser.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence

_collector_paused = False


def prepare_process() -> None:
    """What every start does first, window or command: UTF-8 output (a Windows console may say
    GBK), and library warnings (openpyxl's "extension not supported", deprecations) kept off
    stderr: they say nothing a user can act on. CETS_DEBUG=1 shows them to developers."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    if not os.environ.get("CETS_DEBUG"):
        import warnings

        warnings.simplefilter("ignore")
    _quick_interpreter_exit()


_exit_prepared = False


def _quick_interpreter_exit() -> None:
    """At the interpreter's exit, move every object still alive out of the garbage collector's
    sight (``gc.freeze``) before the shutdown's full collections walk them all: after an export
    (pydantic, openpyxl, reportlab and a CJK font's tables in memory) those took 0.2–0.5 s between
    the command's last line and the prompt (bench/bench_export.py). Nothing is skipped: atexit
    handlers (logging's flush among them, registered earlier, run later), object finalization by
    reference counting and the files' and database's own closing all happen as before; only
    reference cycles still alive at exit are left to the operating system, which frees the
    memory. Registered once per process."""
    global _exit_prepared
    if not _exit_prepared:
        _exit_prepared = True
        import atexit

        atexit.register(gc.freeze)


def plain_gui_start(argv: Sequence[str]) -> tuple[bool, str | None]:
    """``(True, workspace or None)`` for a plain window start, else ``(False, None)``."""
    rest = list(argv)
    workspace = None
    if len(rest) == 3 and rest[0] == "--workspace" and rest[1] and not rest[1].startswith("-"):
        workspace, rest = rest[1], rest[2:]
    if rest not in ([], ["gui"]) or (workspace is not None and rest != ["gui"]):
        return False, None
    return True, workspace


def pause_collector() -> None:
    """Pause Python's cyclic garbage collector for the window's cold start (ui/app.py resumes it
    at the first paint).

    Importing PySide6 and our first screen allocates several hundred thousand objects that all
    stay alive: the collector walks them some 60 times before the first paint (≈ 15 ms here,
    bench/bench_gui_start.py) and finds next to nothing to free. Reference counting still frees
    everything else as usual."""
    global _collector_paused
    if gc.isenabled():
        gc.disable()
        _collector_paused = True


def resume_collector() -> None:
    """Undo :func:`pause_collector` (nothing otherwise): what the start made is moved out of the
    collector's sight (``gc.freeze``: long-lived, so later collections do not walk it again),
    then collection resumes."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()
