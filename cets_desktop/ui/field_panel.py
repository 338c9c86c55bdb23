"""The generated form for one level of the definition: rows of scalar fields, group boxes, and
repeats (tables, or master-detail when the rows hold repeats of their own).

A panel is bound to a *base* instance path: ``""`` for a step of the filing, ``units[1]`` for
the detail of the second unit. Re-binding a panel to another row just re-reads the values, so
switching units is instant and the widgets stay in place.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.spec import FieldSpec
from . import instance_paths
from .field_editors import FieldEditor, create_editor
from .field_info import field_tooltip
from .form_state import display_value
from .master_detail import MasterDetailEditor
from .repeat_model import evidence_icon, field_marks
from .repeat_table import RepeatTableEditor
from .session import FilingSession
from .stylesheet import set_style_property

LABEL_WIDTH = 180
EDITOR_WIDTHS = {"short": 160, "medium": 300, "long": 640}
MESSAGE_COLOURS = {"error": "#c62828", "warning": "#8a5a00"}
BOX_MARGINS = (0, 2, 0, 0)
"""Layout margins inside a group box: the style sheet's padding is the box's whole margin, so a
table three boxes deep (机组 → 详细数据 → 燃料) keeps its width on a 1366 px screen."""
NESTED_BOX = "QGroupBox { padding: 12px 4px 6px 4px; }"
"""Boxes inside a row's detail (a unit's 燃料, 生产数据): narrow side padding, same look."""


class FieldRow(QWidget):
    """序号 · label · editor (+ hint below) · unit · 说明 — one field of the form."""

    def __init__(
        self, session: FilingSession, field: FieldSpec, path: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.field = field
        self.path = path
        spec = session.spec
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 2, 0, 2)
        outer.setSpacing(8)

        self.row_label = QLabel(field.row or "")
        self.row_label.setProperty("role", "rowno")
        self.row_label.setFixedWidth(34)
        self.row_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        outer.addWidget(self.row_label)

        required = field.required is True and not field.calculation
        self.label = QLabel(field.label + ("<span style='color:#c62828'> *</span>" if required else ""))
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setFixedWidth(LABEL_WIDTH)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        outer.addWidget(self.label, 0, Qt.AlignmentFlag.AlignTop)

        column = QVBoxLayout()
        column.setSpacing(2)
        line = QHBoxLayout()
        line.setSpacing(8)
        self.editor: FieldEditor = create_editor(spec, field, self)
        self.label.setBuddy(self.editor.widget)
        width = EDITOR_WIDTHS.get(field.width or "") or (
            640
            if field.type == "long_text"
            else 220
            if field.type in ("decimal", "integer", "date", "boolean")
            else 320
        )
        self.editor.widget.setMaximumWidth(width)
        self.editor.widget.setMinimumWidth(min(width, 160))
        self.editor.widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        line.addWidget(self.editor.widget, 1)
        self.unit = QLabel(field.unit or "")
        self.unit.setProperty("role", "unit")
        line.addWidget(self.unit)
        self.explain: QToolButton | None = None
        if field.calculation:
            self.explain = QToolButton()
            self.explain.setText("说明")
            self.explain.setProperty("explain", True)
            self.explain.setToolTip("显示公式、输入值、参考值及其来源和支撑材料")
            line.addWidget(self.explain)
        # A missing supporting document: a quiet grey paper clip beside the field, distinct from
        # the red/amber of a wrong value (most fields of a month ask for a document).
        self.evidence_mark = QLabel()
        self.evidence_mark.setPixmap(evidence_icon().pixmap(14, 14))
        self.evidence_mark.setToolTip("此项需要附支撑材料，尚未附上：在右侧「支撑材料」面板添加文件")
        self.evidence_mark.setAccessibleName("待附支撑材料")
        self.evidence_mark.hide()
        line.addWidget(self.evidence_mark)
        line.addStretch(0)
        column.addLayout(line)
        # The problem in words at the field, not only a coloured border.
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setMaximumWidth(640)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        column.addWidget(self.message)
        self.hint: QLabel | None = None
        if field.hint and field.type != "long_text":
            self.hint = QLabel(field.hint)
            self.hint.setProperty("role", "hint")
            self.hint.setWordWrap(True)
            self.hint.setMaximumWidth(640)
            column.addWidget(self.hint)
        outer.addLayout(column, 1)

    def set_path(self, path: str) -> None:
        self.path = path

    def load(self) -> None:
        if self.field.calculation:
            self.editor.set_raw(
                display_value(self.session.spec, self.field, self.session.calculated(self.path))
            )
        else:
            value = self.session.value(self.path)
            if self.editor.raw() != value or value is None:
                self.editor.set_raw(value)

    def refresh_state(self) -> None:
        state = self.session.state
        self.setVisible(state.is_relevant(self.path))
        findings = state.findings_at(self.path)
        tip = field_tooltip(self.session.spec, self.field, findings)
        self.editor.widget.setToolTip(tip)
        self.label.setToolTip(tip)
        marks = field_marks(state, self.path)
        set_style_property(self.editor.widget, "severity", marks.severity or "")
        self.evidence_mark.setVisible(marks.evidence_missing)
        if marks.message:
            colour = MESSAGE_COLOURS[marks.severity or "error"]
            self.message.setStyleSheet(f"color: {colour}; font-size: 12px;")
            self.message.setText(marks.message)
            # A wrapped label does not tell its row how tall it is: reserve the lines it needs
            # (at a conservative width) so it never draws over the editor above it.
            self.message.setMinimumHeight(self.message.heightForWidth(420))
        self.message.setVisible(bool(marks.message))
        if self.field.calculation:
            self.load()

    def flash(self) -> None:
        widget = self.editor.widget
        set_style_property(widget, "flash", True)
        QTimer.singleShot(1600, widget, lambda: set_style_property(widget, "flash", False))


class FieldPanel(QWidget):
    currentPathChanged = Signal(str)
    explainRequested = Signal(str)

    def __init__(
        self, session: FilingSession, fields: list[FieldSpec], base: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.base = base
        self.rows: dict[str, FieldRow] = {}
        self.repeats: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._build(fields, layout)
        session.valueChanged.connect(self._on_value)
        session.documentReset.connect(self.load)
        session.evaluated.connect(self.refresh_state)
        self.load()
        self.refresh_state()

    # ------------------------------------------------------------------ construction

    def _build(self, fields: list[FieldSpec], layout: QVBoxLayout) -> None:
        for f in fields:
            if getattr(f, "hidden", False):
                continue  # helper columns take part in calculations and checks only
            if f.type == "group":
                box = QGroupBox(f.label)
                if self.base:
                    box.setStyleSheet(NESTED_BOX)
                inner = QVBoxLayout(box)
                inner.setSpacing(4)
                inner.setContentsMargins(*BOX_MARGINS)
                self._build(f.fields, inner)
                layout.addWidget(box)
            elif f.type == "repeat":
                layout.addWidget(self._repeat_box(f))
            elif f.type == "note":
                note = QLabel(f.hint or f.label)
                note.setProperty("role", "sectionDescription")
                note.setWordWrap(True)
                layout.addWidget(note)
            else:
                row = FieldRow(self.session, f, instance_paths.child(self.base, f.name))
                row.editor.edited.connect(
                    lambda value, typing, r=row: self.session.set_value(r.path, value, typing=typing)
                )
                row.editor.focusLeft.connect(self.session.end_edit)
                row.editor.focusEntered.connect(lambda r=row: self.currentPathChanged.emit(r.path))
                if row.explain is not None:
                    row.explain.clicked.connect(lambda _=False, r=row: self.explainRequested.emit(r.path))
                self.rows[f.name] = row
                layout.addWidget(row)

    def _repeat_box(self, f: FieldSpec) -> QWidget:
        box = QGroupBox(f.label)
        if self.base:
            box.setStyleSheet(NESTED_BOX)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(*BOX_MARGINS)
        if f.hint:
            hint = QLabel(f.hint)
            hint.setProperty("role", "hint")
            hint.setWordWrap(True)
            inner.addWidget(hint)
        editor: QWidget
        if any(child.type == "repeat" for child in f.data_fields()):
            # Nested repeats: the detail of each row is another FieldPanel.
            editor = MasterDetailEditor(self.session, f, self.base, FieldPanel, box)
        else:
            editor = RepeatTableEditor(self.session, f, self.base, box)
        editor.currentPathChanged.connect(self.currentPathChanged)
        editor.explainRequested.connect(self.explainRequested)
        inner.addWidget(editor)
        self.repeats[f.name] = editor
        return box

    # ------------------------------------------------------------------ binding

    def set_base(self, base: str) -> None:
        self.base = base
        for name, row in self.rows.items():
            row.set_path(instance_paths.child(base, name))
        for editor in self.repeats.values():
            editor.set_base(base)  # type: ignore[attr-defined]
        self.load()
        self.refresh_state()

    def load(self) -> None:
        for row in self.rows.values():
            row.load()

    def refresh_state(self) -> None:
        for row in self.rows.values():
            row.refresh_state()

    def _on_value(self, path: str) -> None:
        parts = instance_paths.parse(path)
        base_parts = instance_paths.parse(self.base)
        if len(parts) == len(base_parts) + 1 and parts[:-1] == base_parts:
            row = self.rows.get(str(parts[-1]))
            if row is not None:
                row.load()

    # ------------------------------------------------------------------ navigation

    def focus(self, rest: list[Any]) -> QWidget | None:
        """Focus the field ``rest`` points at (relative to the base); returns the focused widget."""
        if not rest:
            return None
        name = str(rest[0])
        row = self.rows.get(name)
        if row is not None:
            row.show()  # a finding may point at a field the latest evaluation hid
            row.editor.widget.setFocus(Qt.FocusReason.OtherFocusReason)
            row.flash()
            return row.editor.widget
        editor = self.repeats.get(name)
        if editor is not None:
            found = editor.focus(rest[1:])  # type: ignore[attr-defined]
            if isinstance(found, QWidget):
                return found
            return editor if found else None
        return None
