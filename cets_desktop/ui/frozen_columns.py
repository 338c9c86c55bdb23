"""Frozen leading columns for a wide table (the plan's parameter table has 30-odd columns).

Qt's "Frozen Column" pattern: a second view over the same model and selection model, showing
only the first ``count`` columns, laid over the left edge of the main view and scrolled
vertically with it. Scrolling right keeps the row's identity (机组名称, 参数名称) in sight, and
the main view scrolls a cell out from under the overlay when the keyboard moves onto it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTableView

from ..core.spec import FieldSpec

MIN_COLUMNS_TO_FREEZE = 10
MAX_FROZEN = 2


def frozen_count(columns: list[FieldSpec]) -> int:
    """How many leading columns to freeze: the required inputs that name the row (at most two),
    and only for tables too wide to read without scrolling."""
    if len(columns) < MIN_COLUMNS_TO_FREEZE:
        return 0
    count = 0
    for f in columns[:MAX_FROZEN]:
        if f.calculation or f.required is not True or f.type not in ("text", "select_one"):
            break
        count += 1
    return max(count, 1)


class FrozenColumns(QObject):
    """Keeps ``overlay`` (a QTableView) showing the first ``count`` columns over ``view``."""

    def __init__(self, view: QTableView, overlay: QTableView, count: int) -> None:
        super().__init__(view)
        self.view = view
        self.overlay = overlay
        self.count = count
        overlay.setParent(view)
        overlay.setModel(view.model())
        overlay.setSelectionModel(view.selectionModel())
        overlay.setItemDelegate(view.itemDelegate())
        overlay.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        overlay.setFrameShape(QFrame.Shape.NoFrame)
        overlay.setEditTriggers(view.editTriggers())
        overlay.setSelectionBehavior(view.selectionBehavior())
        overlay.setWordWrap(False)
        overlay.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        overlay.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        overlay.setVerticalScrollMode(view.verticalScrollMode())
        overlay.verticalHeader().hide()
        overlay.verticalHeader().setDefaultSectionSize(view.verticalHeader().defaultSectionSize())
        overlay.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        overlay.horizontalHeader().setFixedHeight(view.horizontalHeader().height())
        overlay.horizontalHeader().setDefaultAlignment(view.horizontalHeader().defaultAlignment())
        overlay.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        overlay.setStyleSheet("QTableView { border-right: 2px solid #c3cad3; background: #ffffff; }")
        view.viewport().stackUnder(overlay)
        overlay.show()

        view.horizontalHeader().sectionResized.connect(self._section_resized)
        view.verticalScrollBar().valueChanged.connect(overlay.verticalScrollBar().setValue)
        overlay.verticalScrollBar().valueChanged.connect(view.verticalScrollBar().setValue)
        overlay.doubleClicked.connect(view.doubleClicked)
        view.model().modelReset.connect(self.sync_columns)
        view.installEventFilter(self)
        self.sync_columns()

    @property
    def width(self) -> int:
        return sum(self.view.columnWidth(c) for c in range(self.count) if not self.view.isColumnHidden(c))

    def sync_columns(self) -> None:
        """Column visibility and widths follow the main view (irrelevant columns come and go)."""
        for c in range(self.view.model().columnCount()):
            self.overlay.setColumnHidden(c, c >= self.count or self.view.isColumnHidden(c))
            if c < self.count:
                self.overlay.setColumnWidth(c, self.view.columnWidth(c))
        self.update_geometry()

    def _section_resized(self, index: int, _old: int, size: int) -> None:
        if index < self.count:
            self.overlay.setColumnWidth(index, size)
            self.update_geometry()

    def update_geometry(self) -> None:
        view = self.view
        frame = view.frameWidth()
        self.overlay.setGeometry(
            view.verticalHeader().width() + frame,
            frame,
            self.width,
            view.viewport().height() + view.horizontalHeader().height(),
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.view and event.type() in (
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.LayoutRequest,
        ):
            self.update_geometry()
        return False

    def reveal(self, column: int, hint: QAbstractItemView.ScrollHint) -> None:
        """After the main view scrolled to a cell right of the frozen part, keep it from hiding
        under the overlay."""
        if column < self.count or hint == QAbstractItemView.ScrollHint.PositionAtCenter:
            return
        left = self.view.columnViewportPosition(column)
        if left < self.width:
            bar = self.view.horizontalScrollBar()
            bar.setValue(bar.value() - (self.width - left))
