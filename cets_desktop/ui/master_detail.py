"""A repeat whose rows hold repeats of their own (units → fuels) as master and detail.

Why master-detail rather than one wide table or a pop-up per row: a unit has some twenty
attributes in three groups plus two tables of its own. Above, a short list of the units (name
and key attributes, editable in place, add / remove / move); below, the selected unit's full
sub-form with hints and units, its fuels as a spreadsheet table that takes paste from Excel.
Everything stays on one page, so a finding can select the unit, the fuel row and the cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QModelIndex, Signal, SignalInstance
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from ..core.spec import FieldSpec
from .form_state import location_label
from .repeat_model import table_columns
from .repeat_table import RepeatTableEditor
from .session import FilingSession

MASTER_COLUMNS = 5


class DetailPanel(Protocol):
    """The sub-form of the selected row: a :class:`.field_panel.FieldPanel`, which builds this
    editor for its nested repeats and passes itself in (so neither module imports the other)."""

    currentPathChanged: SignalInstance
    explainRequested: SignalInstance
    rows: dict[str, Any]
    repeats: dict[str, QWidget]

    def set_base(self, base: str) -> None: ...

    def focus(self, rest: list[Any]) -> Any: ...

    def setVisible(self, visible: bool) -> None: ...  # noqa: N802 - Qt's name


DetailPanelFactory = Callable[[FilingSession, list[FieldSpec], str, QWidget | None], DetailPanel]
"""(session, the repeat's fields, base path, parent) → the detail panel."""


def master_columns(repeat: FieldSpec) -> list[FieldSpec]:
    """The row's name first, then its first few input attributes."""
    columns = [f for f in table_columns(repeat) if not f.calculation]
    lead = repeat.label_field or repeat.key
    columns.sort(key=lambda f: f.name != lead)
    return columns[:MASTER_COLUMNS]


class MasterDetailEditor(QWidget):
    currentPathChanged = Signal(str)
    explainRequested = Signal(str)

    def __init__(
        self,
        session: FilingSession,
        repeat: FieldSpec,
        base: str,
        detail_panel: DetailPanelFactory,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.repeat = repeat
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.master = RepeatTableEditor(
            session, repeat, base, self, columns=master_columns(repeat), compact=True
        )
        self.master.currentPathChanged.connect(self.currentPathChanged)
        self.master.explainRequested.connect(self.explainRequested)
        layout.addWidget(self.master)

        self.detail_box = QGroupBox()
        # The detail is the page's main content: thin side padding leaves the width to its tables.
        self.detail_box.setStyleSheet("QGroupBox { padding: 12px 4px 6px 4px; }")
        detail_layout = QVBoxLayout(self.detail_box)
        detail_layout.setContentsMargins(0, 2, 0, 0)  # the style sheet's padding is the margin
        self.empty = QLabel(
            f"尚无{repeat.label}。请点击上方“添加行”添加一{'台' if repeat.label == '机组' else '行'}{repeat.label}。"
        )
        self.empty.setProperty("role", "hint")
        detail_layout.addWidget(self.empty)
        detail = detail_panel(session, repeat.fields, f"{self.master.repeat_path}[0]", self.detail_box)
        assert isinstance(detail, QWidget)
        self.detail = detail
        self.detail.currentPathChanged.connect(self.currentPathChanged)
        self.detail.explainRequested.connect(self.explainRequested)
        detail_layout.addWidget(detail)
        layout.addWidget(self.detail_box)

        self.master.view.selectionModel().currentChanged.connect(self._on_master_current)
        self.master.model.modelReset.connect(self._after_master_reset)
        session.evaluated.connect(self._update_title)
        self._row = -1
        self._after_master_reset()

    @property
    def repeat_path(self) -> str:
        return self.master.repeat_path

    def set_base(self, base: str) -> None:
        self.master.set_base(base)
        self._after_master_reset()

    def current_row(self) -> int:
        return self._row

    def select_row(self, row: int) -> None:
        if 0 <= row < self.master.model.rowCount():
            column = max(self.master.view.currentIndex().column(), 0)
            self.master.select_cell(row, column)
            self._show_row(row)

    def _after_master_reset(self) -> None:
        rows = self.master.model.rowCount()
        if rows == 0:
            self._show_row(-1)
            return
        row = self._row if 0 <= self._row < rows else 0
        if self.master.view.currentIndex().row() != row:
            self.master.select_cell(row, 0)
        self._show_row(row, force=True)

    def _on_master_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show_row(current.row())

    def _show_row(self, row: int, force: bool = False) -> None:
        if row == self._row and not force:
            return
        self._row = row
        has_row = row >= 0
        self.empty.setVisible(not has_row)
        self.detail.setVisible(has_row)
        if has_row:
            self.detail.set_base(f"{self.repeat_path}[{row}]")
        self._update_title()

    def _update_title(self) -> None:
        if self._row < 0:
            self.detail_box.setTitle(f"{self.repeat.label}详细数据")
            return
        place = location_label(self.session.spec, self.session.values, f"{self.repeat_path}[{self._row}]")
        self.detail_box.setTitle(f"{place} 的详细数据")

    def focus(self, rest: list[Any]) -> Any:
        """``[row, field, …]``: select the row, then focus inside its detail."""
        if not rest or not isinstance(rest[0], int):
            self.master.view.setFocus()
            return True
        row = rest[0]
        if row >= self.master.model.rowCount():
            return False
        self.select_row(row)
        if len(rest) == 1:
            return self.master.focus([row])
        name = str(rest[1])
        if name in {f.name for f in self.master.model.columns} and name not in self.detail.rows:
            return self.master.focus(rest)
        found = self.detail.focus(rest[1:])
        return found if found is not None else self.master.focus([row])

    def detail_editor(self, name: str) -> RepeatTableEditor | None:
        editor = self.detail.repeats.get(name)
        return editor if isinstance(editor, RepeatTableEditor) else None
