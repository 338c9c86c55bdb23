"""Left-hand navigator: workspace → enterprise → year → filings (state and due date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QMenu, QStyle, QTreeView, QWidget

from ..workflow.desk import Desk
from ..workflow.records import STATE_EXPORTED
from ..workflow.status import due_date_for

ROLE_NODE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Node:
    kind: str
    """workspace / enterprise / year / filing"""
    enterprise_id: int | None = None
    year: int | None = None
    filing_id: int | None = None


class Navigator(QTreeView):
    nodeActivated = Signal(object)
    newFilingRequested = Signal(int)
    editEnterpriseRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = QStandardItemModel(self)
        self.setModel(self.model_)
        self.setHeaderHidden(True)
        self.setIndentation(14)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.selectionModel().currentChanged.connect(self._on_current)
        self.desk: Desk | None = None

    def populate(self, desk: Desk | None) -> None:
        current = self.current_node()
        self.model_.removeRows(0, self.model_.rowCount())
        self.desk = desk
        if desk is None:
            return
        cache = desk.status
        style = self.style()
        root = QStandardItem(
            style.standardIcon(QStyle.StandardPixmap.SP_DriveHDIcon),
            f"演示工作区（沙盒）　{desk.path.name}" if desk.is_sandbox else f"工作区　{desk.path.name}",
        )
        root.setData(Node("workspace"), ROLE_NODE)
        root.setToolTip(str(desk.path))
        self.model_.appendRow(root)
        today = date.today()
        target: QModelIndex | None = None
        for enterprise in desk.list_enterprises():
            item = QStandardItem(style.standardIcon(QStyle.StandardPixmap.SP_DirHomeIcon), enterprise.name)
            item.setData(Node("enterprise", enterprise.id), ROLE_NODE)
            item.setToolTip(
                f"{enterprise.name}\n统一社会信用代码 {enterprise.uscc}\n行业代码 {enterprise.industry_code or '未填'}"
            )
            item.setText(f"{enterprise.name}")
            root.appendRow(item)
            filings = desk.list_filings(enterprise.id)
            years = sorted({int(f.period[:4]) for f in filings} | {today.year}, reverse=True)
            for year in years:
                year_filings = [f for f in filings if int(f.period[:4]) == year]
                year_item = QStandardItem(
                    style.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView),
                    f"{year} 年（{len(year_filings)} 项）",
                )
                year_item.setData(Node("year", enterprise.id, year), ROLE_NODE)
                year_item.setToolTip(f"{year} 年的填报日历")
                item.appendRow(year_item)
                if (
                    current is not None
                    and current.kind == "year"
                    and (current.enterprise_id, current.year) == (enterprise.id, year)
                ):
                    target = year_item.index()
                for filing in year_filings:
                    spec = cache.spec_for(filing)
                    if spec is None:
                        continue
                    due = due_date_for(enterprise, spec, filing.period)
                    label = spec.period_label(filing.period)
                    # The year is the parent node, so a month needs only "10月"; state and due date follow.
                    short = (
                        f"{int(filing.period[5:])}月"
                        if spec.filing_type == "monthly"
                        else f"{label}{'计划' if spec.filing_type == 'plan' else '报告'}"
                    )
                    text = f"{short}　{filing.state} · {due.month:02d}-{due.day:02d}"
                    name = QStandardItem(style.standardIcon(QStyle.StandardPixmap.SP_FileIcon), text)
                    name.setData(Node("filing", enterprise.id, year, filing.id), ROLE_NODE)
                    late = filing.state != STATE_EXPORTED and today > due
                    tip = f"{spec.title} {label}\n状态：{filing.state}　第 {filing.current_revision} 版\n截止：{due.isoformat()}"
                    if late:
                        name.setForeground(QBrush(QColor("#c62828")))
                        tip += f"\n已逾期 {(today - due).days} 天"
                    name.setToolTip(tip)
                    year_item.appendRow(name)
                    if current is not None and current.kind == "filing" and current.filing_id == filing.id:
                        target = name.index()
        self.expandToDepth(2)
        if target is not None:
            self.selectionModel().blockSignals(True)
            self.setCurrentIndex(target)
            self.selectionModel().blockSignals(False)

    def current_node(self) -> Node | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        node = self.model_.itemFromIndex(index).data(ROLE_NODE)
        return node if isinstance(node, Node) else None

    def select_node(self, wanted: Node, emit: bool = False) -> bool:
        def walk(item: QStandardItem) -> QStandardItem | None:
            node = item.data(ROLE_NODE)
            if isinstance(node, Node) and node == wanted:
                return item
            for r in range(item.rowCount()):
                found = walk(item.child(r, 0))
                if found is not None:
                    return found
            return None

        for r in range(self.model_.rowCount()):
            found = walk(self.model_.item(r, 0))
            if found is not None:
                self.selectionModel().blockSignals(not emit)
                self.setCurrentIndex(found.index())
                self.selectionModel().blockSignals(False)
                self.scrollTo(found.index())
                return True
        return False

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node = self.current_node()
        if node is not None:
            self.nodeActivated.emit(node)

    def _menu(self, pos: QPoint) -> None:
        node = self.current_node()
        if node is None or node.enterprise_id is None:
            return
        menu = QMenu(self)
        menu.addAction("新建填报…", lambda: self.newFilingRequested.emit(node.enterprise_id))
        menu.addAction("企业信息…", lambda: self.editEnterpriseRequested.emit(node.enterprise_id))
        menu.exec(self.viewport().mapToGlobal(pos))
