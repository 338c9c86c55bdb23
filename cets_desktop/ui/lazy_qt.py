"""PySide6 names looked up on first use, so the cold start paints before it pays for them.

PySide6 6.11 builds a class's Python enum classes (pure Python, ``enum.EnumType._create_``) the
first time the class's Python type is needed: ``from PySide6.QtCore import Qt`` alone builds all
93 enums of the ``Qt`` namespace (≈ 45–60 ms of CPU on the window's cold start), ``app.setStyle``
or ``widget.style()`` builds ``QStyle``'s (≈ 20 ms), importing ``QKeySequence`` or
``QProgressDialog`` builds theirs. The first frame needs none of them (bench/bench_gui_start.py,
tests/speed_start): code that runs before it says ``Qt.AlignmentFlag.AlignLeft`` through a
stand-in from here, which resolves the real class on first attribute access — after the first
paint, or earlier only when an event (a key, a click) needs it.

    if TYPE_CHECKING:
        from PySide6.QtCore import Qt
    else:
        Qt = on_first_use("PySide6.QtCore", "Qt")
"""

from __future__ import annotations

import importlib
import sys
from typing import Any


class OnFirstUse:
    """A PySide6 class (or namespace) imported when an attribute of it is first read, or it is
    first called. ``isinstance`` needs the real class: use :meth:`cls`."""

    __slots__ = ("_module", "_name", "_cls")

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self._name = name
        self._cls: Any = None

    def cls(self) -> Any:
        if self._cls is None:
            self._cls = getattr(importlib.import_module(self._module), self._name)
        return self._cls

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.cls(), attr)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.cls()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<{self._module}.{self._name}, imported on first use>"


def on_first_use(module: str, name: str) -> Any:
    """A stand-in for ``module.name`` (typed ``Any``: declare the real name under TYPE_CHECKING)."""
    return OnFirstUse(module, name)


def made(module: str, name: str) -> bool:
    """Whether PySide6 has made the Python type ``module.name`` (with its enums) in this process.

    A PySide6 module holds a class in its ``__dict__`` only once the type has been made (it is
    made on first import or attribute access), so this reads without making it."""
    loaded = sys.modules.get(module)
    return loaded is not None and name in vars(loaded)


def qt_namespace_made() -> bool:
    """Whether the ``Qt`` namespace's 93 enum classes have been built."""
    return made("PySide6.QtCore", "Qt")
