"""工作区总览: every enterprise × filing with its state and days left, for consultants who serve
many enterprises. Sortable by any column, filtered to what needs attention (overdue, due within
7 days, not done). Double-click opens (or starts) the filing. Rows come from
``workflow.status.overview`` (workspace states, not evaluated: it lists at once)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..workflow.desk import Desk
from ..workflow.records import STATE_EXPORTED
from ..workflow.status import STATUS_UNTRACKED, OverviewRow, overview
from .page_header import title_block

COLUMNS = ("企业", "填报", "期间", "状态", "截止日期", "剩余天数")
FILTERS = (("unfinished", "未完成"), ("overdue", "已逾期"), ("week", "7 天内到期"), ("all", "全部"))
ROLE_SORT = Qt.ItemDataRole.UserRole + 1
ROLE_KIND = Qt.ItemDataRole.UserRole + 2


def row_kind(row: OverviewRow, today: date) -> str:
    """done / overdue / week / open: what the filter and the colours go by."""
    summary = row.summary
    if summary.status == STATUS_UNTRACKED or (
        summary.filing is not None and summary.filing.state == STATE_EXPORTED
    ):
        return "done"
    left = summary.days_left(today)
    if left < 0:
        return "overdue"
    return "week" if left <= 7 else "open"


class _Filter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.mode = "unfinished"
        self.text = ""

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802 - Qt override
        model = self.sourceModel()
        kind = model.index(source_row, 0, source_parent).data(ROLE_KIND)
        if self.mode == "unfinished" and kind == "done":
            return False
        if self.mode == "overdue" and kind != "overdue":
            return False
        if self.mode == "week" and kind not in ("week",):
            return False
        if self.text:
            hay = " ".join(str(model.index(source_row, c, source_parent).data() or "") for c in range(3))
            return self.text in hay
        return True


class OverviewPage(QWidget):
    activated = Signal(object)
    """An :class:`OverviewRow` the user wants to open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[OverviewRow] = []
        self.today = date.today()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        titles, self.title, self.subtitle = title_block()
        self.title.setText("工作区总览")
        outer.addLayout(titles)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("显示"))
        self.filter_box = QComboBox()
        for key, label in FILTERS:
            self.filter_box.addItem(label, key)
        self.filter_box.currentIndexChanged.connect(self._apply_filter)
        bar.addWidget(self.filter_box)
        self.search = QLineEdit()
        self.search.setPlaceholderText("按企业或填报名称筛选")
        self.search.textChanged.connect(self._apply_filter)
        bar.addWidget(self.search, 1)
        outer.addLayout(bar)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(ROLE_SORT)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._open)
        outer.addWidget(self.table, 1)

    def show_desk(self, desk: Desk, today: date | None = None) -> None:
        self.today = today or date.today()
        enterprises = desk.list_enterprises()
        self.rows = overview(desk.status, enterprises, self.today)
        self.model.removeRows(0, self.model.rowCount())
        for index, row in enumerate(self.rows):
            self.model.appendRow(self._items(row, index))
        counts = [row_kind(r, self.today) for r in self.rows]
        self.subtitle.setText(
            f"{len(enterprises)} 家企业　·　已逾期 {counts.count('overdue')} 项　·　"
            f"7 天内到期 {counts.count('week')} 项　·　今天 {self.today.isoformat()}"
        )
        self.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
        self.table.resizeColumnsToContents()
        self._apply_filter()

    def visible_rows(self) -> list[OverviewRow]:
        out = []
        for r in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(r, 0))
            out.append(self.rows[int(self.model.item(source.row(), 0).data(Qt.ItemDataRole.UserRole))])
        return out

    def _items(self, row: OverviewRow, index: int) -> list[QStandardItem]:
        summary = row.summary
        kind = row_kind(row, self.today)
        left = summary.days_left(self.today)
        spec = summary.spec
        values = (
            row.enterprise.name,
            spec.title,
            spec.period_label(summary.period),
            row.state if summary.status != STATUS_UNTRACKED else STATUS_UNTRACKED,
            summary.due.isoformat(),
            summary.deadline_text(self.today),
        )
        sort_keys = (
            row.enterprise.name,
            spec.title,
            summary.period,
            row.state,
            summary.due.isoformat(),
            10**6 + left if kind == "done" else left,
        )
        items = []
        for text, key in zip(values, sort_keys, strict=True):
            item = QStandardItem(text)
            item.setData(key, ROLE_SORT)
            item.setData(kind, ROLE_KIND)
            if kind == "overdue":
                item.setForeground(QBrush(QColor("#c62828")))
            elif kind == "week":
                item.setForeground(QBrush(QColor("#b26a00")))
            elif kind == "done":
                item.setForeground(QBrush(QColor("#6b7785")))
            items.append(item)
        items[0].setData(index, Qt.ItemDataRole.UserRole)
        return items

    def _apply_filter(self, *_args: object) -> None:
        self.proxy.mode = str(self.filter_box.currentData())
        self.proxy.text = self.search.text().strip()
        self.proxy.invalidate()

    def _open(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        position = self.model.item(source.row(), 0).data(Qt.ItemDataRole.UserRole)
        self.activated.emit(self.rows[int(position)])
