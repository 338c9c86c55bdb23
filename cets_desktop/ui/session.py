"""One open filing: its raw document, undo stack, live evaluation and autosave.

The document is kept as the raw JSON tree (strings as typed), never as typed values, so nothing
a user types is lost even when it is not a valid number. Every change goes through an undo
command; after each change the filing is re-evaluated (debounced, ~300 ms) and autosaved to the
workspace (debounced, ~1 s). Widgets listen to the signals and never write the document directly.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from ..core.calc import Explanation
from ..core.document import DocumentError, FilingDocument, parse_document
from ..core.rules import Evaluation
from ..core.spec import FieldSpec, FormSpec
from ..workflow.acknowledgements import with_acknowledgements, without_acknowledgement
from ..workflow.desk import Desk
from ..workflow.documents import new_row
from ..workflow.errors import InputError
from ..workflow.evaluation import explanations
from ..workflow.inputs import LoadedInput
from ..workflow.records import Filing, WorkspaceError
from . import instance_paths
from .form_state import FormState, compute_state, field_for_path
from .undo_commands import DocumentPartCommand, RowsCommand, SetValueCommand

EVALUATE_DELAY_MS = 300
AUTOSAVE_DELAY_MS = 1000
# Steady typing keeps restarting the idle debounce; this bound does not restart, so a draft is
# written at least this often while changes are pending (a crash costs at most these seconds).
AUTOSAVE_MAX_WAIT_MS = 3000


class FilingSession(QObject):
    valueChanged = Signal(str)
    """A scalar value at this instance path changed (by an edit, undo or redo)."""
    rowsChanged = Signal(str)
    """The rows of this repeat instance changed (insert, remove, move, paste)."""
    documentReset = Signal()
    evaluated = Signal()
    evidenceChanged = Signal()
    acknowledgementsChanged = Signal()
    autosaved = Signal(str)
    autosaveFailed = Signal(str)
    saved = Signal(int)
    modifiedChanged = Signal(bool)

    def __init__(
        self,
        desk: Desk,
        filing: Filing,
        spec: FormSpec,
        document: dict[str, Any],
        *,
        base_revision: int | None = None,
        restored_draft: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.filing = filing
        self.spec = spec
        self.document: dict[str, Any] = copy.deepcopy(document)
        self.document.setdefault("values", {})
        self.document.setdefault("evidence", [])
        self.document.setdefault("acknowledgements", [])
        self.document["enterprise"] = desk.enterprise_header(
            filing.enterprise_id, self.document.get("enterprise")
        )
        self.base_revision = base_revision if base_revision is not None else filing.current_revision
        self.undo_stack = QUndoStack(self)
        # A bound method, not a lambda: Qt drops the connection when the session is destroyed,
        # before the stack (its child) emits cleanChanged while being torn down.
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self._unsaved_outside_undo = restored_draft
        self._open_edit: SetValueCommand | None = None
        self.evaluation: Evaluation | None = None
        self.state = FormState()
        self.document_problem: str | None = None
        self._explanations: dict[str, Explanation] | None = None
        self.previous = self._load_previous()
        self.last_autosave: str | None = None
        self.last_save_changed = True
        """False when the last save found nothing changed (no new version was made)."""

        self._evaluate_timer = QTimer(self)
        self._evaluate_timer.setSingleShot(True)
        self._evaluate_timer.setInterval(EVALUATE_DELAY_MS)
        self._evaluate_timer.timeout.connect(self.evaluate_now)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave_timer.timeout.connect(self.autosave_now)
        self._autosave_deadline = QTimer(self)
        self._autosave_deadline.setSingleShot(True)
        self._autosave_deadline.setInterval(AUTOSAVE_MAX_WAIT_MS)
        self._autosave_deadline.timeout.connect(self.autosave_now)
        self.evaluate_now()

    # ------------------------------------------------------------------ reading

    @property
    def filing_id(self) -> int:
        return self.filing.id

    @property
    def period(self) -> str:
        return str(self.document.get("period", self.filing.period))

    @property
    def values(self) -> dict[str, Any]:
        return self.document["values"]

    @property
    def is_modified(self) -> bool:
        return self._unsaved_outside_undo or not self.undo_stack.isClean()

    def title(self) -> str:
        return f"{self.spec.title}（{self.spec.period_label(self.period)}）"

    def value(self, path: str) -> Any:
        return instance_paths.get(self.values, path)

    def rows(self, repeat_path: str) -> list[Any]:
        return instance_paths.rows_at(self.values, repeat_path)

    def field(self, path: str) -> FieldSpec | None:
        return field_for_path(self.spec, path)

    def calculated(self, path: str) -> Any:
        return instance_paths.get(self.state.rounded, path)

    def explanation(self, path: str) -> Explanation | None:
        if self.evaluation is None:
            return None
        if self._explanations is None:
            self._explanations = explanations(self.evaluation)
        return self._explanations.get(path)

    def evidence_for(self, path: str) -> list[dict[str, Any]]:
        return [e for e in self.document["evidence"] if e.get("path") == path]

    def filing_document(self) -> FilingDocument:
        return parse_document(copy.deepcopy(self.document), self.title())

    def loaded_input(self) -> LoadedInput:
        return LoadedInput(self.filing_document(), self.spec)

    # ------------------------------------------------------------------ editing (public)

    def set_value(self, path: str, value: Any, *, typing: bool = False) -> None:
        """Record a field edit. ``typing``: keystrokes in a text box merge until :meth:`end_edit`."""
        if isinstance(value, str) and value.strip() == "":
            value = None
        old = self.value(path)
        if old == value:
            return
        f = self.field(path)
        label = f.label if f else path
        if self._open_edit is not None and self._open_edit.path != path:
            self.end_edit()
        command = SetValueCommand(self, path, old, value, f"修改「{label}」", mergeable=typing)
        count = self.undo_stack.count()
        self.undo_stack.push(command)
        grown = self.undo_stack.count() > count
        if grown:
            # A new step (not merged): it stays open for the following keystrokes when typing.
            self._open_edit = command if typing else None
        elif self.undo_stack.count() < count:
            self._open_edit = None  # typed back to the saved text: Qt dropped the obsolete step

    def end_edit(self) -> None:
        """The field lost focus: the next keystroke starts a new undo step."""
        if self._open_edit is not None:
            self._open_edit.open = False
            self._open_edit = None

    def insert_row(
        self, repeat_path: str, index: int | None = None, row: dict[str, Any] | None = None
    ) -> int:
        before = self.rows(repeat_path)
        after = copy.deepcopy(before)
        index = len(after) if index is None else max(0, min(index, len(after)))
        after.insert(index, copy.deepcopy(row) if row is not None else self._new_row(repeat_path))
        self._push_rows(repeat_path, before, after, f"添加{self._repeat_label(repeat_path)}行")
        return index

    def remove_rows(self, repeat_path: str, indices: list[int]) -> None:
        before = self.rows(repeat_path)
        drop = set(indices)
        after = [copy.deepcopy(r) for i, r in enumerate(before) if i not in drop]
        if len(after) != len(before):
            self._push_rows(repeat_path, before, after, f"删除{self._repeat_label(repeat_path)}行")

    def move_row(self, repeat_path: str, index: int, delta: int) -> int:
        before = self.rows(repeat_path)
        target = index + delta
        if not (0 <= index < len(before) and 0 <= target < len(before)):
            return index
        after = copy.deepcopy(before)
        after.insert(target, after.pop(index))
        self._push_rows(repeat_path, before, after, f"移动{self._repeat_label(repeat_path)}行")
        return target

    def replace_rows(self, repeat_path: str, after: list[Any], text: str) -> None:
        """Several cells at once (paste from Excel): one undo step."""
        before = self.rows(repeat_path)
        if after != before:
            self._push_rows(repeat_path, before, after, text)

    def replace_values(self, values: dict[str, Any], text: str) -> None:
        """The whole value tree at once (Excel import, restore): one undo step."""
        self.end_edit()
        self.undo_stack.push(DocumentPartCommand(self, "values", self.values, values, text))

    def acknowledge(self, code: str, path: str, reason: str) -> None:
        """Raises InputError when the reason is empty (the same rule as the CLI's ``ack``)."""
        acks = with_acknowledgements(
            self.document["acknowledgements"], [(code, path)], reason, by=self.desk.actor
        )
        self._push_part("acknowledgements", acks, f"确认警告 {code}")

    def withdraw_acknowledgement(self, code: str, path: str) -> None:
        acks = without_acknowledgement(self.document["acknowledgements"], code, path)
        self._push_part("acknowledgements", acks, f"撤销对 {code} 的确认")

    def add_evidence(self, refs: list[dict[str, Any]]) -> None:
        current = list(self.document["evidence"])
        known = {(e.get("path"), e.get("sha256")) for e in current}
        fresh = [r for r in refs if (r.get("path"), r.get("sha256")) not in known]
        if fresh:
            self._push_part("evidence", current + fresh, f"附上支撑材料 {fresh[0].get('name', '')}")

    def replace_evidence(self, evidence: list[dict[str, Any]], text: str) -> None:
        """The whole evidence list at once (a document for many fields, several files, a
        carry-over; built by workflow.evidence): one undo step named ``text``."""
        if evidence != self.document["evidence"]:
            self._push_part("evidence", evidence, text)

    def remove_evidence(self, path: str, sha256: str) -> None:
        current = [
            e for e in self.document["evidence"] if not (e.get("path") == path and e.get("sha256") == sha256)
        ]
        self._push_part("evidence", current, "移除支撑材料")

    # ------------------------------------------------------------------ saving

    def save(self, reason: str) -> int:
        """A revision with a reason (raises WorkspaceError / InputError with a Chinese message).
        Saving unchanged content makes no new version: the number stays, ``saved`` says so."""
        self.end_edit()
        self._autosave_timer.stop()
        self._autosave_deadline.stop()
        result = self.desk.save(self.filing_id, self.document, reason, base_revision=self.base_revision)
        number = result.number
        self.last_save_changed = result.changed
        self.base_revision = number
        refreshed = self.desk.get_filing(self.filing_id)
        if refreshed is not None:
            self.filing = refreshed
        self._unsaved_outside_undo = False
        self.undo_stack.setClean()
        self.modifiedChanged.emit(self.is_modified)
        self.saved.emit(number)
        return number

    def autosave_now(self) -> None:
        self._autosave_timer.stop()
        self._autosave_deadline.stop()
        if not self.is_modified:
            return
        try:
            self.desk.autosave(self.filing_id, self.document, base_revision=self.base_revision)
        except WorkspaceError as exc:
            self.autosaveFailed.emit(str(exc))
            return
        except RuntimeError:
            return  # workspace already closed while the window shuts down
        self.last_autosave = datetime.now().strftime("%H:%M:%S")
        self.autosaved.emit(self.last_autosave)

    def refresh_filing(self) -> None:
        refreshed = self.desk.get_filing(self.filing_id)
        if refreshed is not None:
            self.filing = refreshed

    def flush(self) -> None:
        """Before closing or switching filings: pending evaluation and autosave happen now."""
        self.end_edit()
        if self._autosave_timer.isActive() or self._autosave_deadline.isActive():
            self.autosave_now()
        self._evaluate_timer.stop()

    # ------------------------------------------------------------------ evaluation

    def evaluate_soon(self, immediately: bool = False) -> None:
        if immediately:
            self._evaluate_timer.stop()
            self.evaluate_now()
        else:
            self._evaluate_timer.start()

    def evaluate_now(self) -> None:
        self._evaluate_timer.stop()
        try:
            doc = self.filing_document()
        except DocumentError as exc:
            self.document_problem = exc.message
            self.evaluated.emit()
            return
        self.document_problem = None
        try:
            # The same call the CLI makes for a workspace filing (parity): workspace checks,
            # the previous period, the plan and the finding policy all come from the desk.
            self.evaluation = self.desk.evaluate(self.filing_id, doc, spec=self.spec, previous=self.previous)
        except (InputError, WorkspaceError) as exc:
            self.document_problem = getattr(exc, "message", None) or str(exc)
            self.evaluated.emit()
            return
        self.state = compute_state(self.evaluation)
        self._explanations = None
        self.evaluated.emit()

    def _load_previous(self) -> FilingDocument | None:
        return self.desk.previous_document(self.filing, self.period)

    # ------------------------------------------------------------------ applied by undo commands

    def _apply_value(self, path: str, value: Any) -> None:
        instance_paths.set_value(self.values, path, copy.deepcopy(value))
        self.valueChanged.emit(path)
        f = self.field(path)
        # Choices decide what is relevant: show/hide at once rather than after the debounce.
        self._changed(immediate=f is not None and f.type in ("select_one", "boolean", "select_multiple"))

    def _apply_rows(self, repeat_path: str, rows: list[Any]) -> None:
        current = instance_paths.rows_at(self.values, repeat_path, create=True)
        current[:] = copy.deepcopy(rows)
        self.rowsChanged.emit(repeat_path)
        self._changed(immediate=True)

    def _apply_part(self, key: str, value: Any) -> None:
        self.document[key] = copy.deepcopy(value)
        if key == "values":
            self.documentReset.emit()
        elif key == "evidence":
            self.evidenceChanged.emit()
        elif key == "acknowledgements":
            self.acknowledgementsChanged.emit()
        self._changed(immediate=True)

    def _changed(self, immediate: bool = False) -> None:
        self.evaluate_soon(immediately=immediate)
        self._autosave_timer.start()
        if not self._autosave_deadline.isActive():
            self._autosave_deadline.start()  # not restarted by later keystrokes
        self.modifiedChanged.emit(self.is_modified)

    # ------------------------------------------------------------------ helpers

    def _on_clean_changed(self, _clean: bool) -> None:
        self.modifiedChanged.emit(self.is_modified)

    def _push_rows(self, repeat_path: str, before: list[Any], after: list[Any], text: str) -> None:
        self.end_edit()
        self.undo_stack.push(RowsCommand(self, repeat_path, before, after, text))

    def _push_part(self, key: str, after: Any, text: str) -> None:
        self.end_edit()
        self.undo_stack.push(DocumentPartCommand(self, key, self.document.get(key), after, text))

    def _repeat_label(self, repeat_path: str) -> str:
        f = self.field(repeat_path)
        return f"「{f.label}」" if f else ""

    def _new_row(self, repeat_path: str) -> dict[str, Any]:
        """A blank row: the definition's defaults and nested preset rows (workflow.documents)."""
        f = self.field(repeat_path)
        return new_row(f) if f is not None else {}
