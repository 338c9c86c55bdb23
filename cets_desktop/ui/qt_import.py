"""PySide6, imported with a cheaper per-module check. Import this before any other PySide6 module.

Once PySide6 is loaded, its import hook (``shibokensupport.feature``, PYSIDE-2029) asks of every
module imported afterwards whether it uses PySide — for its ``from __feature__ import …``
switching — by calling ``inspect.getsource(module)`` and searching the text for "PySide6".
``inspect`` goes through ``linecache`` and ``tokenize`` for that, about a millisecond per module:
on the window's cold start (some 70 modules after PySide6) more than the whole navigator costs
(bench/bench_gui_start.py). The same question for a module that is a plain ``.py`` file is
answered here by reading its bytes; any other module (built-in, extension, frozen bundle) is
left to PySide's own check. If a PySide6 release drops or renames the hook, nothing is changed.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import PySide6  # noqa: F401 - loads shiboken and its import hook, which is what gets the faster check

_MARK = "_cets_fast_check"


def _install() -> bool:
    feature = sys.modules.get("shibokensupport.feature")
    original: Any = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original) or getattr(original, _MARK, False):
        return False

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(original(module))

    setattr(mod_uses_pyside, _MARK, True)
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[attr-defined]
    return True


INSTALLED = _install()
"""True when PySide's per-module check was replaced by the byte search (tests/speed_start)."""
