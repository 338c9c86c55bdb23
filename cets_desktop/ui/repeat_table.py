"""A repeat (fuels, auxiliary parameters …) as a spreadsheet-like table.

Rows can be added, removed and moved; Ctrl+V pastes a range copied from Excel starting at the
current cell (creating rows as needed, one undo step), or one copied value into every selected
cell; Ctrl+D fills down; Ctrl+C copies the selection with its headings; Delete clears the
selected cells. Each is one undo step.
Calculated columns are tinted and read-only; a cell that does not apply to its row is grey.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.spec import FieldSpec
from . import instance_paths
from .clipboard_paste import (
    PasteResult,
    apply_paste,
    columns_by_header,
    fill_cells,
    fill_down,
    header_text,
    parse_clipboard,
)
from .field_editors import BLANK_CHOICE, LenientNumberValidator, MultiChoiceButton
from .frozen_columns import FrozenColumns, frozen_count
from .repeat_model import RepeatTableModel
from .session import FilingSession

Index = QModelIndex | QPersistentModelIndex
HEADER_LINES = 3
WORD_WRAP = Qt.AlignmentFlag(Qt.TextFlag.TextWordWrap.value)
"""Qt's header draws its text with the alignment flags, so the wrap flag travels with them."""


class CellDelegate(QStyledItemDelegate):
    """Cell editors by field type: choices as a drop-down, numbers with the lenient validator."""

    def __init__(self, model: RepeatTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def _field(self, index: Index) -> FieldSpec:
        return self.model.columns[index.column()]

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        f = self._field(index)
        if f.type in ("select_one", "boolean"):
            combo = QComboBox(parent)
            combo.addItem(BLANK_CHOICE, None)
            if f.type == "boolean":
                combo.addItem("是", True)
                combo.addItem("否", False)
            else:
                for choice in self.model.session.spec.choice_list(f):
                    combo.addItem(choice.text, choice.value)
            # A choice takes effect at once (it may show or hide other columns).
            combo.activated.connect(lambda _i, c=combo: self._commit_and_close(c))
            return combo
        if f.type == "select_multiple":
            button = MultiChoiceButton(self.model.session.spec, f, parent)
            # The menu opens at once; closing it commits (a cell is too small for a check list).
            button.menu_.aboutToHide.connect(lambda b=button: self._commit_and_close(b))
            # popup(), not showMenu(): showMenu runs a nested event loop and would block callers.
            QTimer.singleShot(0, button, lambda b=button: b.menu_.popup(b.mapToGlobal(b.rect().bottomLeft())))
            return button
        edit = QLineEdit(parent)
        if f.type in ("decimal", "integer"):
            edit.setValidator(LenientNumberValidator(f.decimals, f.type == "integer", edit))
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif f.type == "date":
            edit.setPlaceholderText("2026-10-31")
        return edit

    def _commit_and_close(self, editor: QWidget) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, MultiChoiceButton):
            editor.set_values(value)
            return
        if isinstance(editor, QComboBox):
            for i in range(editor.count()):
                if editor.itemData(i) == value or (value not in (None, "") and editor.itemText(i) == value):
                    editor.setCurrentIndex(i)
                    return
            if value not in (None, ""):
                editor.addItem(f"{value}（不在可选项中）", value)
                editor.setCurrentIndex(editor.count() - 1)
            return
        if isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        if isinstance(editor, MultiChoiceButton):
            model.setData(index, editor.values() or None, Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class SpreadsheetView(QTableView):
    """Excel habits: Ctrl+V pastes a range, Delete clears, typing starts editing."""

    pasteRequested = Signal()
    clearRequested = Signal()
    copyRequested = Signal()
    fillDownRequested = Signal()
    frozen: FrozenColumns | None = None

    def scrollTo(
        self, index: Index, hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
    ) -> None:  # noqa: N802
        super().scrollTo(index, hint)
        if self.frozen is not None and index.isValid():
            self.frozen.reveal(index.column(), hint)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Paste):
            self.pasteRequested.emit()
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copyRequested.emit()
            return
        if event.key() == Qt.Key.Key_D and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
            self.fillDownRequested.emit()
            return
        if (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self.clearRequested.emit()
            return
        super().keyPressEvent(event)


class RepeatTableEditor(QWidget):
    currentPathChanged = Signal(str)
    explainRequested = Signal(str)

    def __init__(
        self,
        session: FilingSession,
        repeat: FieldSpec,
        base: str,
        parent: QWidget | None = None,
        columns: list[FieldSpec] | None = None,
        compact: bool = False,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.repeat = repeat
        self.base = base
        self.paste_result: PasteResult | None = None
        self.model = RepeatTableModel(session, repeat, instance_paths.child(base, repeat.name), columns)
        self.compact = compact

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        bar = QHBoxLayout()
        self.title = QLabel()
        self.title.setProperty("role", "subtitle")
        bar.addWidget(self.title)
        bar.addStretch(1)
        self.add_button = self._button("添加行", "在末尾添加一行（Ctrl+Enter 在当前行后插入）", self.add_row)
        self.remove_button = self._button("删除行", "删除选中的行", self.remove_selected_rows)
        self.up_button = self._button("上移", "把当前行上移一行", lambda: self.move_current(-1))
        self.down_button = self._button("下移", "把当前行下移一行", lambda: self.move_current(1))
        self.paste_button = self._button(
            "从 Excel 粘贴",
            "把从 Excel 复制的区域从当前单元格起粘贴（Ctrl+V），不足的行自动添加",
            self.paste_from_clipboard,
        )
        self.explain_button = QToolButton()
        self.explain_button.setText("说明")
        self.explain_button.setProperty("explain", True)
        self.explain_button.setToolTip("显示当前计算值的公式、输入、参考值及其来源")
        self.explain_button.clicked.connect(self._explain_current)
        for w in (
            self.add_button,
            self.remove_button,
            self.up_button,
            self.down_button,
            self.paste_button,
            self.explain_button,
        ):
            bar.addWidget(w)
        if compact:
            self.paste_button.hide()
        layout.addLayout(bar)

        self.view = SpreadsheetView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegate(CellDelegate(self.model, self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setAlternatingRowColors(False)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)  # Tab leaves the table, as in the rest of the form
        header = self.view.horizontalHeader()
        # Headings wrap (CJK breaks between any two characters): a column is as wide as its
        # numbers, not as its heading, so a 34-column fuels table shows twice the columns.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | WORD_WRAP)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        header.setFixedHeight(HEADER_LINES * header.fontMetrics().lineSpacing() + 10)
        self.view.verticalHeader().setDefaultSectionSize(28)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.view.pasteRequested.connect(self.paste_from_clipboard)
        self.view.copyRequested.connect(self.copy_selection)
        self.view.fillDownRequested.connect(self.fill_down)
        self.view.clearRequested.connect(self.clear_selected_cells)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self.view.doubleClicked.connect(self._on_double_click)
        layout.addWidget(self.view)
        self._size_columns()
        count = 0 if compact else frozen_count(self.model.columns)
        self.frozen = FrozenColumns(self.view, QTableView(), count) if count else None
        self.view.frozen = self.frozen

        self.problems = QLabel()
        self.problems.setProperty("role", "banner-warning")
        self.problems.setWordWrap(True)
        self.problems.hide()
        layout.addWidget(self.problems)

        self.model.modelReset.connect(self._after_reset)
        session.evaluated.connect(self._update_columns)
        self._after_reset()

    # ------------------------------------------------------------------ construction helpers

    def _button(self, text: str, tip: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _size_columns(self) -> None:
        """As wide as the column's content needs, not its heading: the heading wraps onto two
        lines with its unit on a third; a choice column as its longest choice; long texts get
        room for a phrase (the tooltip holds the rest)."""
        heading_metrics = self.view.horizontalHeader().fontMetrics()
        metrics = self.view.fontMetrics()
        spec = self.session.spec
        for i, f in enumerate(self.model.columns):
            label = heading_metrics.horizontalAdvance(f"{f.label}*")
            unit = heading_metrics.horizontalAdvance(f"({f.unit})") if f.unit else 0
            heading = max(label // (HEADER_LINES - 1 if f.unit else HEADER_LINES) + 8, unit)
            if f.type == "long_text":
                content = 220
            elif f.type == "boolean":
                content = metrics.horizontalAdvance("是") + 24
            elif f.type in ("select_one", "select_multiple"):
                texts = [c.text for c in spec.choice_list(f)] or ["请选择"]
                content = min(max(metrics.horizontalAdvance(t) for t in texts) + 24, 180)
            elif f.type == "text":
                content = 120
            else:
                content = 92
            self.view.setColumnWidth(i, max(content, min(heading + 16, 200), 60))

    @property
    def repeat_path(self) -> str:
        return self.model.repeat_path

    def set_base(self, base: str) -> None:
        self.base = base
        self.model.set_repeat_path(instance_paths.child(base, self.repeat.name))

    def _after_reset(self) -> None:
        rows = self.model.rowCount()
        limit = f"，最多 {self.repeat.max_rows} 行" if self.repeat.max_rows else ""
        need = f"，至少 {self.repeat.min_rows} 行" if self.repeat.min_rows else ""
        self.title.setText(f"共 {rows} 行{need}{limit}")
        self.add_button.setEnabled(self.repeat.max_rows is None or rows < self.repeat.max_rows)
        header_height = self.view.horizontalHeader().height()
        visible_rows = max(3, min(rows + 1, 5 if self.compact else 10))
        scrollbar = self.view.horizontalScrollBar().sizeHint().height()
        self.view.setFixedHeight(header_height + visible_rows * 28 + scrollbar + 4)
        self._update_columns()
        self._update_buttons()

    def _update_columns(self) -> None:
        # A column that applies to no row (e.g. stock figures when no fuel uses the stock ledger)
        # is hidden; it comes back as soon as one row needs it.
        for i in range(self.model.columnCount()):
            self.view.setColumnHidden(i, not self.model.column_relevant_anywhere(i))
        if self.frozen is not None:
            self.frozen.sync_columns()
        self._update_buttons()

    def _update_buttons(self) -> None:
        index = self.view.currentIndex()
        has_row = index.isValid()
        self.remove_button.setEnabled(has_row)
        self.up_button.setEnabled(has_row and index.row() > 0)
        self.down_button.setEnabled(has_row and index.row() < self.model.rowCount() - 1)
        self.explain_button.setEnabled(has_row and bool(self.model.columns[index.column()].calculation))

    # ------------------------------------------------------------------ row operations

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def add_row(self) -> None:
        row = self.session.insert_row(self.repeat_path)
        self.select_cell(row, self._first_editable_column())

    def remove_selected_rows(self) -> None:
        rows = sorted(
            {i.row() for i in self.view.selectionModel().selectedIndexes()}
            or ({self.current_row()} if self.current_row() >= 0 else set())
        )
        if not rows:
            return
        self.session.remove_rows(self.repeat_path, rows)
        remaining = self.model.rowCount()
        if remaining:
            self.select_cell(min(rows[0], remaining - 1), max(self.view.currentIndex().column(), 0))

    def move_current(self, delta: int) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            return
        target = self.session.move_row(self.repeat_path, index.row(), delta)
        self.select_cell(target, index.column())

    def clear_selected_cells(self) -> None:
        rows = [dict(r) if isinstance(r, dict) else {} for r in self.session.rows(self.repeat_path)]
        changed = False
        for index in self.view.selectionModel().selectedIndexes():
            f = self.model.columns[index.column()]
            if f.calculation or not (self.model.flags(index) & Qt.ItemFlag.ItemIsEditable):
                continue
            if rows[index.row()].pop(f.name, None) is not None:
                changed = True
        if changed:
            self.session.replace_rows(self.repeat_path, rows, f"清除「{self.repeat.label}」单元格")

    # ------------------------------------------------------------------ paste from Excel

    def paste_from_clipboard(self) -> PasteResult | None:
        return self.paste_text(QGuiApplication.clipboard().text())

    def paste_text(self, text: str) -> PasteResult | None:
        grid = parse_clipboard(text)
        if not grid:
            self._show_problems(["剪贴板中没有可粘贴的表格数据；请先在 Excel 中选中区域并复制"])
            return None
        editable = self.model.editable_columns()
        targets = self._selected_editable_cells()
        if len(grid) == 1 and len(grid[0]) == 1 and len(targets) > 1:
            return self._fill_selection(grid[0][0], targets)
        index = self.view.currentIndex()
        by_header = columns_by_header(grid[0], self.model.columns)
        if by_header is not None:
            # A range copied out with its headings: each column goes to the field it names.
            start_row = index.row() if index.isValid() else self.model.rowCount()
            result = apply_paste(
                self.session.spec,
                self.session.rows(self.repeat_path),
                by_header,
                start_row,
                0,
                grid[1:],
                lambda: self.session._new_row(self.repeat_path),
                self.repeat.max_rows,
            )
            return self._finish_paste(result, start_row, index.column() if index.isValid() else 0)
        start_row = index.row() if index.isValid() else self.model.rowCount()
        start_field = self.model.columns[index.column()] if index.isValid() else editable[0]
        if start_field.calculation:
            # From a calculated cell, start at the next column that takes input.
            later = [f for f in self.model.columns[index.column() :] if not f.calculation]
            start_field = later[0] if later else editable[-1]
        start_column = editable.index(start_field)
        result = apply_paste(
            self.session.spec,
            self.session.rows(self.repeat_path),
            editable,
            start_row,
            start_column,
            grid,
            lambda: self.session._new_row(self.repeat_path),
            self.repeat.max_rows,
        )
        return self._finish_paste(result, start_row, self.model.column_of(start_field.name))

    def _finish_paste(self, result: PasteResult, start_row: int, column: int) -> PasteResult:
        self.paste_result = result
        self.session.replace_rows(
            self.repeat_path, result.rows, f"粘贴到「{self.repeat.label}」（{result.cells} 个单元格）"
        )
        self._show_problems(result.problems)
        self.select_cell(start_row, column)
        return result

    def _selected_editable_cells(self) -> list[tuple[int, FieldSpec]]:
        cells = []
        for index in sorted(
            self.view.selectionModel().selectedIndexes(), key=lambda i: (i.row(), i.column())
        ):
            f = self.model.columns[index.column()]
            if not f.calculation and self.model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                cells.append((index.row(), f))
        return cells

    def _fill_selection(self, text: str, targets: list[tuple[int, FieldSpec]]) -> PasteResult:
        """One copied value pasted over a selection: every selected input cell takes it."""
        current = self.view.currentIndex()
        result = fill_cells(self.session.spec, self.session.rows(self.repeat_path), targets, text)
        self.paste_result = result
        self.session.replace_rows(
            self.repeat_path, result.rows, f"粘贴到「{self.repeat.label}」（{result.cells} 个单元格）"
        )
        self._show_problems(result.problems)
        if current.isValid():
            self.view.setCurrentIndex(self.model.index(current.row(), current.column()))
        return result

    # ------------------------------------------------------------------ fill down, copy out

    def fill_down(self) -> int:
        """Ctrl+D as in Excel; one undo step. Returns the number of cells filled."""
        by_column: dict[str, list[int]] = {}
        for r, f in self._selected_editable_cells():
            by_column.setdefault(f.name, []).append(r)
        if not by_column:
            return 0
        rows, filled = fill_down(self.session.rows(self.repeat_path), by_column)
        if filled:
            self.session.replace_rows(
                self.repeat_path, rows, f"向下填充「{self.repeat.label}」（{filled} 个单元格）"
            )
        return filled

    def selection_text(self) -> str:
        """The selected range (its bounding rectangle, visible columns) as Excel reads it:
        tab-separated, a heading row first, values as shown in the table."""
        indexes = self.view.selectionModel().selectedIndexes()
        if not indexes and self.view.currentIndex().isValid():
            indexes = [self.view.currentIndex()]
        if not indexes:
            return ""
        rows = range(min(i.row() for i in indexes), max(i.row() for i in indexes) + 1)
        columns = [
            c
            for c in range(min(i.column() for i in indexes), max(i.column() for i in indexes) + 1)
            if not self.view.isColumnHidden(c)
        ]
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow([header_text(self.model.columns[c]) for c in columns])
        for r in rows:
            writer.writerow([self.model.index(r, c).data(Qt.ItemDataRole.DisplayRole) or "" for c in columns])
        return out.getvalue()

    def copy_selection(self) -> str:
        text = self.selection_text()
        if text:
            QGuiApplication.clipboard().setText(text)
        return text

    def _show_problems(self, problems: list[str]) -> None:
        if not problems:
            self.problems.hide()
            return
        shown = problems[:5]
        more = f"<br/>……另有 {len(problems) - 5} 处问题，见校验结果面板" if len(problems) > 5 else ""
        self.problems.setText(
            "粘贴时发现以下问题（已按原样保留，请修改）：<br/>" + "<br/>".join(shown) + more
        )
        self.problems.show()

    # ------------------------------------------------------------------ navigation

    def _first_editable_column(self) -> int:
        for i, f in enumerate(self.model.columns):
            if not f.calculation and not self.view.isColumnHidden(i):
                return i
        return 0

    def select_cell(self, row: int, column: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            return
        index = self.model.index(row, max(column, 0))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def focus(self, rest: list[Any]) -> bool:
        """Focus ``[row, field]`` (or just ``[row]``) and flash it; True when found."""
        if not rest or not isinstance(rest[0], int) or rest[0] >= self.model.rowCount():
            self.view.setFocus()
            return bool(rest == [])
        row = rest[0]
        column = self.model.column_of(str(rest[1])) if len(rest) > 1 else self._first_editable_column()
        if column < 0:
            column = self._first_editable_column()
        if self.view.isColumnHidden(column):
            self.view.setColumnHidden(column, False)
        self.select_cell(row, column)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.model.flash(row, column)
        return True

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()
        if current.isValid():
            self.currentPathChanged.emit(self.model.cell_path(current.row(), current.column()))

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid() and self.model.columns[index.column()].calculation:
            self.explainRequested.emit(self.model.cell_path(index.row(), index.column()))

    def _explain_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.model.columns[index.column()].calculation:
            self.explainRequested.emit(self.model.cell_path(index.row(), index.column()))
