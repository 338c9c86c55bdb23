"""Table model over one repeat instance of the open filing (``units[0].fuels``).

The model holds no data of its own: it reads the session's raw rows and calculated values and
writes edits back as undo commands, so the table, the form, undo and autosave can never
disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from ..core.spec import FieldSpec
from . import instance_paths
from .field_info import field_tooltip
from .form_state import FormState, display_value
from .session import FilingSession

Index = QModelIndex | QPersistentModelIndex

CALCULATED_BG = QColor("#eef4fb")
IRRELEVANT_BG = QColor("#f1f3f5")
FLASH_BG = QColor("#fff4c2")
SEVERITY_BG = {"error": QColor("#fdecea"), "warning": QColor("#fff6e0"), "missing": QColor("#fff7f7")}


def table_columns(repeat: FieldSpec) -> list[FieldSpec]:
    """The scalar fields of a repeat's rows, groups flattened, in definition order."""
    return [
        f
        for f in repeat.data_fields()
        if f.type not in ("repeat", "note", "group") and not getattr(f, "hidden", False)
    ]


EVIDENCE_CODE = "GEN-006"
"""A required supporting document is not attached: a to-do, shown quietly, never as a red/orange field."""


@dataclass(frozen=True)
class FieldMarks:
    severity: str | None
    """error / warning / info / missing (blank required field only) — evidence requests excluded."""
    message: str
    """The text to show at the field: the worst open error or warning (empty for 'missing')."""
    evidence_missing: bool


def field_marks(state: FormState, path: str) -> FieldMarks:
    """What to show at one field or cell: its own problems, and (separately) a missing document."""
    open_findings = [f for f in state.findings_at(path) if not (f.severity == "warning" and f.acknowledged)]
    evidence = any(f.code == EVIDENCE_CODE for f in open_findings)
    own = [f for f in open_findings if f.code != EVIDENCE_CODE]
    severity: str | None = None
    if own and all(f.code == "GEN-003" for f in own):
        severity = "missing"
    else:
        severity = next((s for s in ("error", "warning", "info") if any(f.severity == s for f in own)), None)
    message = ""
    if severity in ("error", "warning"):
        shown = [f for f in own if f.severity == severity and f.code != "GEN-003"] or [
            f for f in own if f.severity == severity
        ]
        message = shown[0].message
        if len(shown) > 1:
            message += f"（另有 {len(shown) - 1} 项，见校验结果）"
    return FieldMarks(severity, message, evidence)


@lru_cache(maxsize=1)
def evidence_icon() -> QIcon:
    """A small grey paper clip: 'a document is still to be attached' — quieter than any severity.
    Drawn once (cells ask for it on every paint)."""
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor("#8a94a3"))
    pen.setWidthF(1.4)
    painter.setPen(pen)
    painter.drawRoundedRect(4, 1, 6, 12, 3, 3)
    painter.drawLine(7, 4, 7, 10)
    painter.end()
    return QIcon(pixmap)


def severity_icon(severity: str) -> QIcon:
    pixmap = {
        "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
        "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
        "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
    }[severity]
    return QApplication.style().standardIcon(pixmap)


class RepeatTableModel(QAbstractTableModel):
    def __init__(
        self,
        session: FilingSession,
        repeat: FieldSpec,
        repeat_path: str,
        columns: list[FieldSpec] | None = None,
    ) -> None:
        super().__init__(session)
        self.session = session
        self.repeat = repeat
        self.repeat_path = repeat_path
        self.columns = columns if columns is not None else table_columns(repeat)
        self._flash: tuple[int, int] | None = None
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._end_flash)
        session.valueChanged.connect(self._on_value)
        session.rowsChanged.connect(self._on_rows)
        session.documentReset.connect(self.reset)
        session.evaluated.connect(self._on_evaluated)

    # ------------------------------------------------------------------ addressing

    def set_repeat_path(self, repeat_path: str) -> None:
        if repeat_path != self.repeat_path:
            self.repeat_path = repeat_path
            self.reset()

    def reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def cell_path(self, row: int, column: int) -> str:
        return f"{self.repeat_path}[{row}].{self.columns[column].name}"

    def column_of(self, name: str) -> int:
        return next((i for i, f in enumerate(self.columns) if f.name == name), -1)

    def editable_columns(self) -> list[FieldSpec]:
        return [f for f in self.columns if not f.calculation]

    def column_relevant_anywhere(self, column: int) -> bool:
        f = self.columns[column]
        if f.relevant is None:
            return True
        return any(self.session.state.is_relevant(self.cell_path(r, column)) for r in range(self.rowCount()))

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt signature
        return 0 if parent.isValid() else len(self.session.rows(self.repeat_path))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole:
                return str(section + 1)
            return None
        f = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "*" if f.required is True and not f.calculation else ""
            unit = f"\n({f.unit})" if f.unit else ""
            return f"{f.label}{mark}{unit}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return field_tooltip(self.session.spec, f)
        if role == Qt.ItemDataRole.FontRole and f.calculation:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return base
        f = self.columns[index.column()]
        if f.calculation or not self.session.state.is_relevant(self.cell_path(index.row(), index.column())):
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        f = self.columns[column]
        path = self.cell_path(row, column)
        state = self.session.state
        if role == Qt.ItemDataRole.DisplayRole:
            if f.calculation:
                return display_value(self.session.spec, f, self.session.calculated(path))
            raw = self.session.value(path)
            return (
                display_value(self.session.spec, f, raw)
                if f.type in ("select_one", "select_multiple", "boolean")
                else ("" if raw is None else str(raw))
            )
        if role == Qt.ItemDataRole.EditRole:
            return self.session.value(path)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._flash == (row, column):
                return QBrush(FLASH_BG)
            severity = field_marks(state, path).severity
            if severity in SEVERITY_BG:
                return QBrush(SEVERITY_BG[severity])
            if f.calculation:
                return QBrush(CALCULATED_BG)
            if not state.is_relevant(path):
                return QBrush(IRRELEVANT_BG)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if f.calculation:
                return QBrush(QColor("#1f4e79"))
            if not state.is_relevant(path):
                return QBrush(QColor("#9aa5b1"))
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            marks = field_marks(state, path)
            if marks.severity in ("error", "warning", "info"):
                return severity_icon(marks.severity)
            return evidence_icon() if marks.evidence_missing else None
        if role == Qt.ItemDataRole.FontRole and f.calculation:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if f.type in ("decimal", "integer"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = field_tooltip(self.session.spec, f, state.findings_at(path))
            if not f.calculation and not state.is_relevant(path):
                tip += "<p>本行不适用此项（按所选条件不需填写）。</p>"
            return tip
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        self.session.set_value(self.cell_path(index.row(), index.column()), value)
        return True

    # ------------------------------------------------------------------ highlighting

    def flash(self, row: int, column: int) -> None:
        self._flash = (row, column)
        self._emit_cell(row, column)
        self._flash_timer.start(1600)

    def _end_flash(self) -> None:
        if self._flash is not None:
            row, column = self._flash
            self._flash = None
            if row < self.rowCount():
                self._emit_cell(row, column)

    def _emit_cell(self, row: int, column: int) -> None:
        index = self.index(row, column)
        self.dataChanged.emit(index, index)

    # ------------------------------------------------------------------ session signals

    def _on_value(self, path: str) -> None:
        prefix = self.repeat_path + "["
        if not path.startswith(prefix):
            return
        rest = instance_paths.parse(path[len(self.repeat_path) :])
        if len(rest) == 2 and isinstance(rest[0], int) and isinstance(rest[1], str):
            column = self.column_of(rest[1])
            if column >= 0 and rest[0] < self.rowCount():
                self._emit_cell(rest[0], column)

    def _on_rows(self, repeat_path: str) -> None:
        # Our rows changed, or an enclosing repeat was rearranged (our path may now hold other rows).
        if repeat_path == self.repeat_path or instance_paths.is_under(self.repeat_path, repeat_path):
            self.reset()

    def _on_evaluated(self) -> None:
        rows, columns = self.rowCount(), self.columnCount()
        if rows and columns:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, columns - 1))
