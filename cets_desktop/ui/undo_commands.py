"""Undo commands: every change to an open filing is one of these on the session's QUndoStack.

A field edit is one command even though the document is updated on every keystroke (so that
findings are live): keystrokes on the same field merge into the open command until the field
loses focus. Row operations and evidence/acknowledgement changes snapshot the list they touch;
the lists are small (a few units, a few fuels) and snapshots cannot get out of step.
"""

from __future__ import annotations

import copy
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

SET_VALUE_ID = 1001


class EditTarget(Protocol):
    """What the commands change: the open filing (:class:`.session.FilingSession`). Named here,
    not imported, so the session can use the commands without an import cycle."""

    def _apply_value(self, path: str, value: Any) -> None: ...

    def _apply_rows(self, repeat_path: str, rows: list[Any]) -> None: ...

    def _apply_part(self, key: str, value: Any) -> None: ...


class SetValueCommand(QUndoCommand):
    def __init__(
        self, session: EditTarget, path: str, old: Any, new: Any, text: str, mergeable: bool
    ) -> None:
        super().__init__(text)
        self.session = session
        self.path = path
        self.old = copy.deepcopy(old)
        self.new = copy.deepcopy(new)
        self.mergeable = mergeable
        self.open = mergeable

    def id(self) -> int:  # noqa: A003 - Qt's name
        return SET_VALUE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not (
            isinstance(other, SetValueCommand) and self.open and other.mergeable and other.path == self.path
        ):
            return False
        self.new = copy.deepcopy(other.new)
        if self.new == self.old:
            self.setObsolete(True)  # typed back to the original: nothing to undo
        return True

    def redo(self) -> None:
        self.session._apply_value(self.path, self.new)

    def undo(self) -> None:
        self.session._apply_value(self.path, self.old)


class RowsCommand(QUndoCommand):
    """Insert, remove, move or paste rows of one repeat instance (``units[0].fuels``)."""

    def __init__(
        self,
        session: EditTarget,
        repeat_path: str,
        before: list[Any],
        after: list[Any],
        text: str,
        select_after: int | None = None,
    ) -> None:
        super().__init__(text)
        self.session = session
        self.repeat_path = repeat_path
        self.before = copy.deepcopy(before)
        self.after = copy.deepcopy(after)
        self.select_after = select_after

    def redo(self) -> None:
        self.session._apply_rows(self.repeat_path, self.after)

    def undo(self) -> None:
        self.session._apply_rows(self.repeat_path, self.before)


class DocumentPartCommand(QUndoCommand):
    """Replace a top-level part of the document: ``evidence``, ``acknowledgements`` or ``values``."""

    def __init__(self, session: EditTarget, key: str, before: Any, after: Any, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.key = key
        self.before = copy.deepcopy(before)
        self.after = copy.deepcopy(after)

    def redo(self) -> None:
        self.session._apply_part(self.key, self.after)

    def undo(self) -> None:
        self.session._apply_part(self.key, self.before)
