"""One editor widget per scalar field type, generated from the definition.

Every editor shows the raw value and reports the raw value the user produced: text as typed
(an invalid number stays visible and in the document, marked, never silently dropped), choice
values, True/False for 是/否, ISO dates. Setting a value from the document never re-emits it as
an edit, so undo/redo and live evaluation cannot loop.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from ..core.numbers import NotANumber, decimal_places, parse_decimal
from ..core.spec import FieldSpec, FormSpec
from .field_info import input_format
from .stylesheet import set_style_property

BLANK_DATE = QDate(1900, 1, 1)  # QDateEdit cannot be empty: its minimum stands for "未填写"
BLANK_CHOICE = "（未选择）"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_undo_key(event: QKeyEvent) -> bool:
    return any(
        event.matches(key) for key in (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)
    ) or (event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier)


class LenientNumberValidator(QValidator):
    """Says whether the text is a number with the template's decimals, but never blocks typing.

    Returning Intermediate (not Invalid) for anything else keeps what the user typed; the field
    is then marked and the rules engine reports GEN-002 with the exact text.
    """

    def __init__(self, decimals: int | None, integer: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.decimals = 0 if integer else decimals
        self.integer = integer

    def validate(self, text: str, pos: int) -> object:  # noqa: D102 - Qt override
        return (self.state_of(text), text, pos)

    def state_of(self, text: str) -> QValidator.State:
        try:
            number = parse_decimal(text)
        except NotANumber:
            return QValidator.State.Intermediate
        if number is None:
            return QValidator.State.Acceptable
        if self.decimals is not None and decimal_places(number) > self.decimals:
            return QValidator.State.Intermediate
        return QValidator.State.Acceptable


class FieldEditor(QObject):
    """A field's input widget plus the value protocol the form uses."""

    edited = Signal(object, bool)
    """(raw value, typing): typing edits merge into one undo step until focus leaves."""
    focusEntered = Signal()
    focusLeft = Signal()

    def __init__(self, spec: FormSpec, field: FieldSpec, widget: QWidget) -> None:
        super().__init__(widget)
        self.spec = spec
        self.field = field
        self.widget = widget
        self._updating = False
        widget.installEventFilter(self)
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def set_raw(self, value: Any) -> None:
        self._updating = True
        try:
            self._show(value)
        finally:
            self._updating = False

    def raw(self) -> Any:
        raise NotImplementedError

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def _emit(self, value: Any, typing: bool) -> None:
        if not self._updating:
            self.edited.emit(value, typing)

    def set_read_only(self, read_only: bool) -> None:
        self.widget.setEnabled(not read_only)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and _is_undo_key(event):
            # Ctrl+Z / Ctrl+Y belong to the filing's undo history (one step per edit, across
            # fields and tables), not to the line edit's private one, which would fall out of
            # step with the document. Not claiming the override lets the window's action fire.
            event.ignore()
            return True
        if kind == QEvent.Type.FocusIn:
            self.focusEntered.emit()
        elif kind == QEvent.Type.FocusOut:
            self.focusLeft.emit()
        elif (
            kind == QEvent.Type.Wheel
            and isinstance(watched, QComboBox | QDateEdit)
            and not watched.hasFocus()
        ):
            # Scrolling the page must not change a choice the pointer happens to pass over.
            event.ignore()
            return True
        return False


class LineEditor(FieldEditor):
    def __init__(self, spec: FormSpec, field: FieldSpec, parent: QWidget | None = None) -> None:
        edit = QLineEdit(parent)
        super().__init__(spec, field, edit)
        self.edit = edit
        self.validator: LenientNumberValidator | None = None
        if field.type in ("decimal", "integer"):
            self.validator = LenientNumberValidator(field.decimals, field.type == "integer", edit)
            edit.setValidator(self.validator)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        placeholder = input_format(field)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        # textChanged, not textEdited: programmatic input (IME commits, tests, accessibility tools)
        # counts as typing too; values shown from the document are filtered by ``_updating``.
        edit.textChanged.connect(self._on_text)

    def _on_text(self, text: str) -> None:
        self._mark()
        self._emit(text, True)

    def _mark(self) -> None:
        bad = (
            self.validator is not None
            and self.validator.state_of(self.edit.text()) != QValidator.State.Acceptable
        )
        set_style_property(self.edit, "badInput", bad)

    def _show(self, value: Any) -> None:
        text = (
            "" if value is None else ("、".join(map(str, value)) if isinstance(value, list) else str(value))
        )
        if self.edit.text() != text:
            self.edit.setText(text)
        self._mark()

    def raw(self) -> Any:
        return self.edit.text()


class TextAreaEditor(FieldEditor):
    def __init__(self, spec: FormSpec, field: FieldSpec, parent: QWidget | None = None) -> None:
        edit = QPlainTextEdit(parent)
        super().__init__(spec, field, edit)
        self.edit = edit
        edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
        edit.setFixedHeight(68)
        if field.hint:
            edit.setPlaceholderText(field.hint)
        edit.textChanged.connect(lambda: self._emit(edit.toPlainText(), True))

    def _show(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if self.edit.toPlainText() != text:
            self.edit.setPlainText(text)

    def raw(self) -> Any:
        return self.edit.toPlainText()


class ChoiceEditor(FieldEditor):
    """select_one (choice values) and boolean (是/否 → True/False)."""

    def __init__(self, spec: FormSpec, field: FieldSpec, parent: QWidget | None = None) -> None:
        combo = QComboBox(parent)
        super().__init__(spec, field, combo)
        self.combo = combo
        combo.addItem(BLANK_CHOICE, None)
        if field.type == "boolean":
            combo.addItem("是", True)
            combo.addItem("否", False)
        else:
            for choice in spec.choice_list(field):
                combo.addItem(choice.text, choice.value)
                if choice.hint:
                    combo.setItemData(combo.count() - 1, choice.hint, Qt.ItemDataRole.ToolTipRole)
        self._fixed_count = combo.count()
        combo.currentIndexChanged.connect(self._on_index)

    def _on_index(self, index: int) -> None:
        self._emit(self.combo.itemData(index) if index >= 0 else None, False)

    def _show(self, value: Any) -> None:
        while self.combo.count() > self._fixed_count:
            self.combo.removeItem(self.combo.count() - 1)
        index = self._index_of(value)
        if index < 0:
            # A value from an import that is not a choice: keep it visible, never drop it.
            self.combo.addItem(f"{value}（不在可选项中）", value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def _index_of(self, value: Any) -> int:
        if value is None or value == "":
            return 0
        if self.field.type == "boolean":
            from ..core.coerce import FALSE_WORDS, TRUE_WORDS

            if isinstance(value, bool):
                return 1 if value else 2
            text = str(value).strip().lower()
            return 1 if text in TRUE_WORDS else 2 if text in FALSE_WORDS else -1
        for i in range(1, self._fixed_count):
            if self.combo.itemData(i) == value or self.combo.itemText(i) == value:
                return i
        return -1

    def raw(self) -> Any:
        return self.combo.currentData()

    def choose(self, value: Any) -> None:
        """Select the item whose value (or label) is ``value``, as a user would."""
        index = self._index_of(value)
        if index >= 0:
            self.combo.setCurrentIndex(index)


class DateEditor(FieldEditor):
    def __init__(self, spec: FormSpec, field: FieldSpec, parent: QWidget | None = None) -> None:
        edit = QDateEdit(parent)
        super().__init__(spec, field, edit)
        self.edit = edit
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(BLANK_DATE)
        edit.setSpecialValueText("未填写")
        edit.setDate(BLANK_DATE)
        self._unreadable: Any = None
        edit.dateChanged.connect(self._on_date)

    def _on_date(self, value: QDate) -> None:
        self._unreadable = None
        self._emit(None if value == BLANK_DATE else value.toString("yyyy-MM-dd"), True)

    def _show(self, value: Any) -> None:
        self._unreadable = None
        if value in (None, ""):
            self.edit.setDate(BLANK_DATE)
            return
        text = str(value)
        date = QDate.fromString(text[:10], "yyyy-MM-dd") if _ISO_DATE.match(text[:10]) else QDate()
        if date.isValid():
            self.edit.setDate(date)
        else:
            # Not a date (e.g. imported "10月下旬"): shown blank, kept in the document, flagged by GEN-002.
            self._unreadable = value
            self.edit.setDate(BLANK_DATE)
            self.edit.setToolTip(f"文档中的值「{value}」不是日期；请重新选择")

    def raw(self) -> Any:
        if self._unreadable is not None:
            return self._unreadable
        value = self.edit.date()
        return None if value == BLANK_DATE else value.toString("yyyy-MM-dd")


class MultiChoiceButton(QToolButton):
    """A button listing the chosen items; its menu has one checkable entry per choice."""

    chosen = Signal(list)

    def __init__(self, spec: FormSpec, field: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("multi", True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.menu_ = QMenu(self)
        self.actions_: list[QAction] = []
        for choice in spec.choice_list(field):
            action = self.menu_.addAction(choice.text)
            action.setCheckable(True)
            action.setData(choice.value)
            if choice.hint:
                action.setToolTip(choice.hint)
            action.toggled.connect(self._changed)
            self.actions_.append(action)
        self.menu_.setToolTipsVisible(True)
        self.setMenu(self.menu_)
        self._extra: list[Any] = []
        self._quiet = False
        self._label()

    def values(self) -> list[Any]:
        return [a.data() for a in self.actions_ if a.isChecked()] + self._extra

    def set_values(self, value: Any) -> None:
        if isinstance(value, str):
            value = [v.strip() for v in value.replace("，", ",").replace("、", ",").split(",") if v.strip()]
        items = list(value or [])
        self._quiet = True
        try:
            known = set()
            for action in self.actions_:
                hit = action.data() in items or action.text() in items
                action.setChecked(hit)
                if hit:
                    known.update({action.data(), action.text()})
            # Values that are not choices (from an import) stay, shown and flagged, never dropped.
            self._extra = [v for v in items if v not in known]
        finally:
            self._quiet = False
        self._label()

    def _changed(self, _checked: bool) -> None:
        self._label()
        if not self._quiet:
            self.chosen.emit(self.values())

    def _label(self) -> None:
        texts = [a.text() for a in self.actions_ if a.isChecked()] + [
            f"{v}（不在可选项中）" for v in self._extra
        ]
        self.setText("、".join(texts) if texts else "（未选择，可多选）")
        self.setToolTip("、".join(texts))


class MultiChoiceEditor(FieldEditor):
    def __init__(self, spec: FormSpec, field: FieldSpec, parent: QWidget | None = None) -> None:
        button = MultiChoiceButton(spec, field, parent)
        super().__init__(spec, field, button)
        self.button = button
        button.chosen.connect(lambda values: self._emit(values or None, False))

    def _show(self, value: Any) -> None:
        self.button.set_values(value)

    def raw(self) -> Any:
        return self.button.values() or None


class CalculatedDisplay(FieldEditor):
    """A calculated value: read-only, tinted (style property ``calculated``), never an input."""

    def __init__(self, spec: FormSpec, field: FieldSpec, parent: QWidget | None = None) -> None:
        edit = QLineEdit(parent)
        super().__init__(spec, field, edit)
        self.edit = edit
        edit.setReadOnly(True)
        edit.setProperty("calculated", True)
        edit.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            if field.type in ("decimal", "integer")
            else Qt.AlignmentFlag.AlignLeft
        )
        edit.setPlaceholderText("自动计算")

    def _show(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def raw(self) -> Any:
        return self.edit.text()


def create_editor(spec: FormSpec, field: FieldSpec, parent: QWidget | None = None) -> FieldEditor:
    if field.calculation:
        return CalculatedDisplay(spec, field, parent)
    if field.type in ("select_one", "boolean"):
        return ChoiceEditor(spec, field, parent)
    if field.type == "date":
        return DateEditor(spec, field, parent)
    if field.type == "long_text":
        return TextAreaEditor(spec, field, parent)
    if field.type == "select_multiple":
        return MultiChoiceEditor(spec, field, parent)
    return LineEditor(spec, field, parent)
