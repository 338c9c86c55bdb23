"""Left-hand navigator: workspace → enterprise → year → filings (state and due date).

Built once per workspace; afterwards a save, a state change, a new filing or a renamed enterprise
changes only its own row (:meth:`Navigator.update_filing`, :meth:`Navigator.update_enterprise`,
or :meth:`Navigator.refresh` comparing every row's revision key), so a consultant's workspace of
1,800 filings does not rebuild 1,800 rows on every save (bench/bench_scale.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QIcon, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from ..core.frozen_record import FrozenRecord, set_field
from ..core.lean_stdlib import date

# The store and the definitions are not needed to draw the tree: the cold start fills it from a
# glance at the workspace (workflow.glance) before they are loaded (bench/bench_gui_start.py).
from ..workflow.status import STATE_EXPORTED, due_date_for
from . import style_icons
from .lazy_qt import on_first_use

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex, QPoint, Qt

    from ..workflow.desk import Desk
    from ..workflow.records import Enterprise, Filing
else:
    Qt = on_first_use("PySide6.QtCore", "Qt")  # not built before the first paint (ui/lazy_qt.py)

# Qt's values (qnamespace.h): item roles are plain ints in QStandardItem.setData/data, and the
# tree is filled for the first paint before the Qt namespace's enums are built (ui/lazy_qt.py).
ROLE_NODE = 0x0100 + 1  # Qt.ItemDataRole.UserRole + 1
FOREGROUND_ROLE = 9  # Qt.ItemDataRole.ForegroundRole


class Node(FrozenRecord):
    """What a row of the tree stands for (equal and hashed by value, immutable)."""

    __slots__ = ("kind", "enterprise_id", "year", "filing_id")
    kind: str
    """workspace / enterprise / year / filing"""
    enterprise_id: int | None
    year: int | None
    filing_id: int | None

    def __init__(
        self,
        kind: str,
        enterprise_id: int | None = None,
        year: int | None = None,
        filing_id: int | None = None,
    ) -> None:
        set_field(self, "kind", kind)
        set_field(self, "enterprise_id", enterprise_id)
        set_field(self, "year", year)
        set_field(self, "filing_id", filing_id)

    # Written out (FrozenRecord's generic ones, through operator.attrgetter, take twice as long):
    # select_node compares the wanted node with every row's.
    def __eq__(self, other: Any) -> bool:
        if other.__class__ is self.__class__:
            return (self.kind, self.enterprise_id, self.year, self.filing_id) == (
                other.kind,
                other.enterprise_id,
                other.year,
                other.filing_id,
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.kind, self.enterprise_id, self.year, self.filing_id))


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
        # Polished now, before the first rows are laid out: otherwise the first frame (a glance,
        # before the window is finished) measures the rows without the style sheet's item padding
        # and the tree's rows grow when it is polished later (a visible jump).
        self.ensurePolished()
        self.setAlternatingRowColors(False)
        self._context_menu = False
        self.selectionModel().currentChanged.connect(self._on_current)
        self.desk: Desk | None = None
        self._rows: dict[int, tuple[tuple[Any, ...] | None, int, QStandardItem]] | None = None
        """filing id → (what the row shows it at, enterprise id, row); None before a workspace."""
        self._enterprises: dict[int, tuple[tuple[Any, ...], Enterprise, QStandardItem]] = {}
        self._years: dict[tuple[int, int], QStandardItem] = {}
        self._filing_order: dict[int, tuple[str, str, int]] = {}
        self._root = QStandardItem()
        self._today = date.today()
        self._icons: dict[str, QIcon] = {}
        self._specs: dict[tuple[str, str, str], Any] = {}

    def enable_context_menu(self) -> None:
        """The right-click menu (新建填报…, 企业信息…): set up after the first paint, as it needs
        ``Qt.ContextMenuPolicy`` (the window calls this once the first frame is on screen)."""
        if not self._context_menu:
            self._context_menu = True
            self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            self.customContextMenuRequested.connect(self._menu)

    def populate(self, desk: Desk | None) -> None:
        """Show ``desk``'s tree. For the workspace already shown, only what changed is touched
        (:meth:`refresh`); another workspace (or none) builds the tree anew."""
        if desk is not None and desk is self.desk and self._rows is not None:
            self.refresh()
            return
        self._build(desk)

    def _build(self, desk: Desk | None) -> None:
        current = self.current_node()
        self.model_.removeRows(0, self.model_.rowCount())
        self.desk = desk
        self._rows = None
        self._enterprises = {}
        self._years = {}
        if desk is None:
            return
        self._rows = {}
        self._today = date.today()
        self._specs = {}
        root = QStandardItem(
            self._icon("SP_DriveHDIcon"),
            f"演示工作区（沙盒）　{desk.path.name}" if desk.is_sandbox else f"工作区　{desk.path.name}",
        )
        root.setData(Node("workspace"), ROLE_NODE)
        root.setToolTip(str(desk.path))
        self.model_.appendRow(root)
        self._root = root
        by_enterprise: dict[int, list[Filing]] = {}
        for filing in desk.list_filings():
            by_enterprise.setdefault(filing.enterprise_id, []).append(filing)
        for enterprise in desk.list_enterprises():
            item = QStandardItem(self._icon("SP_DirHomeIcon"), enterprise.name)
            item.setData(Node("enterprise", enterprise.id), ROLE_NODE)
            self._dress_enterprise(item, enterprise)
            root.appendRow(item)
            self._enterprises[enterprise.id] = (_enterprise_key(enterprise), enterprise, item)
            filings = by_enterprise.get(enterprise.id, [])
            years = sorted({int(f.period[:4]) for f in filings} | {self._today.year}, reverse=True)
            for year in years:
                year_item = self._year_item(enterprise.id, year, item, append=True)
                for filing in filings:
                    if int(filing.period[:4]) == year:
                        self._add_filing_row(enterprise, filing, year_item, append=True)
                self._count_year(enterprise.id, year)
        self.expandToDepth(2)
        if current is not None and current.kind in ("year", "filing"):
            target = self._item_for(current)
            if target is not None:
                self.selectionModel().blockSignals(True)
                self.setCurrentIndex(target.index())
                self.selectionModel().blockSignals(False)

    # ------------------------------------------------------------------ updating in place

    def update_filing(self, filing_id: int) -> bool:
        """Bring one filing's row up to date (saved, state changed, new): that row and its year's
        count only, every other item is left as it is. False when the tree had to be rebuilt
        (the filing's enterprise is not shown yet)."""
        desk = self.desk
        if desk is None or self._rows is None:
            return False
        filing = desk.get_filing(filing_id)
        if filing is None:
            self._remove_filing(filing_id)
            return True
        entry = self._enterprises.get(filing.enterprise_id)
        if entry is None:
            self._build(desk)
            return False
        self._today = date.today()
        self._set_filing(entry[1], filing)
        return True

    def update_enterprise(self, enterprise_id: int) -> bool:
        """A renamed or re-set enterprise: its row, and its filings' due dates (a local deadline);
        a new enterprise is added at the end. False when the tree had to be rebuilt."""
        desk = self.desk
        if desk is None or self._rows is None:
            return False
        enterprise = desk.get_enterprise(enterprise_id)
        if enterprise is None:
            self._build(desk)
            return False
        self._today = date.today()
        self._sync_enterprise(enterprise, [f for f in desk.list_filings(enterprise_id)])
        return True

    def refresh(self) -> None:
        """Compare the workspace with the tree and change only the rows that differ (a filing's
        revision, state, template or period; an enterprise's name or settings; the date)."""
        desk = self.desk
        if desk is None or self._rows is None:
            self._build(desk)
            return
        enterprises = desk.list_enterprises()
        if [e.id for e in enterprises][: len(self._enterprises)] != list(self._enterprises):
            self._build(desk)  # an enterprise removed: rare, rebuild
            return
        self._specs = {}
        today = date.today()
        if today != self._today:
            self._today = today
            for key in self._rows:
                self._rows[key] = (None, *self._rows[key][1:])  # overdue colours move with the date
        by_enterprise: dict[int, list[Filing]] = {}
        for filing in desk.list_filings():
            by_enterprise.setdefault(filing.enterprise_id, []).append(filing)
        for enterprise in enterprises:
            self._sync_enterprise(enterprise, by_enterprise.get(enterprise.id, []))

    def _sync_enterprise(self, enterprise: Enterprise, filings: list[Filing]) -> None:
        rows = self._rows
        assert rows is not None
        entry = self._enterprises.get(enterprise.id)
        key = _enterprise_key(enterprise)
        if entry is None:
            item = QStandardItem(self._icon("SP_DirHomeIcon"), enterprise.name)
            item.setData(Node("enterprise", enterprise.id), ROLE_NODE)
            self._dress_enterprise(item, enterprise)
            self._root.appendRow(item)
            self._enterprises[enterprise.id] = (key, enterprise, item)
            self._year_item(enterprise.id, self._today.year, item, append=True)
            self._count_year(enterprise.id, self._today.year)
            self.expand(item.index())
            changed = True
        else:
            changed = entry[0] != key
            if changed:
                self._dress_enterprise(entry[2], enterprise)
                self._enterprises[enterprise.id] = (key, enterprise, entry[2])
        present = set()
        for filing in filings:
            present.add(filing.id)
            known = rows.get(filing.id)
            if changed or known is None or known[0] != _filing_key(filing):
                self._set_filing(enterprise, filing)
        for filing_id in [i for i, r in rows.items() if r[1] == enterprise.id and i not in present]:
            self._remove_filing(filing_id)

    def _set_filing(self, enterprise: Enterprise, filing: Filing) -> None:
        rows = self._rows
        assert rows is not None
        known = rows.get(filing.id)
        if known is not None:
            item = known[2]
            if self._dress_filing(item, enterprise, filing):
                rows[filing.id] = (_filing_key(filing), enterprise.id, item)
            else:
                self._remove_filing(filing.id)  # no definition governs it any more
            return
        entry = self._enterprises[enterprise.id]
        year = int(filing.period[:4])
        year_item = self._year_item(enterprise.id, year, entry[2], append=False)
        self._add_filing_row(enterprise, filing, year_item, append=False)
        self._count_year(enterprise.id, year)

    def _remove_filing(self, filing_id: int) -> None:
        rows = self._rows
        known = rows.pop(filing_id, None) if rows is not None else None
        if known is None:
            return
        item = known[2]
        parent = item.parent()
        if parent is not None:
            node = parent.data(ROLE_NODE)
            parent.removeRow(item.row())
            if isinstance(node, Node) and node.enterprise_id is not None and node.year is not None:
                self._count_year(node.enterprise_id, node.year)

    # ------------------------------------------------------------------ items

    def _year_item(
        self, enterprise_id: int, year: int, parent: QStandardItem, *, append: bool
    ) -> QStandardItem:
        found = self._years.get((enterprise_id, year))
        if found is not None:
            return found
        year_item = QStandardItem(self._icon("SP_FileDialogDetailedView"), "")
        year_item.setData(Node("year", enterprise_id, year), ROLE_NODE)
        year_item.setToolTip(f"{year} 年的填报日历")
        row = parent.rowCount()
        if not append:
            # Years run newest first.
            row = next(
                (r for r in range(parent.rowCount()) if (parent.child(r).data(ROLE_NODE).year or 0) < year),
                parent.rowCount(),
            )
        parent.insertRow(row, year_item)
        self._years[(enterprise_id, year)] = year_item
        return year_item

    def _count_year(self, enterprise_id: int, year: int) -> None:
        year_item = self._years.get((enterprise_id, year))
        if year_item is not None:
            text = f"{year} 年（{year_item.rowCount()} 项）"
            if year_item.text() != text:
                year_item.setText(text)

    def _add_filing_row(
        self, enterprise: Enterprise, filing: Filing, year_item: QStandardItem, *, append: bool
    ) -> None:
        assert self._rows is not None
        item = QStandardItem(self._icon("SP_FileIcon"), "")
        item.setData(Node("filing", enterprise.id, int(filing.period[:4]), filing.id), ROLE_NODE)
        if not self._dress_filing(item, enterprise, filing):
            return
        row = year_item.rowCount()
        if not append:
            # In the order the workspace lists them: by period, then form.
            order = (filing.period, filing.form_id, filing.id)
            for r in range(year_item.rowCount()):
                other = self._filing_order.get(year_item.child(r).data(ROLE_NODE).filing_id)
                if other is not None and other > order:
                    row = r
                    break
        self._filing_order[filing.id] = (filing.period, filing.form_id, filing.id)
        year_item.insertRow(row, item)
        self._rows[filing.id] = (_filing_key(filing), enterprise.id, item)

    def _icon(self, which: str) -> QIcon:
        """The style's standard icon ``which`` (ui/style_icons.py), looked up once per kind."""
        icon = self._icons.get(which)
        if icon is None:
            icon = self._icons[which] = style_icons.icon(which)
        return icon

    def _spec_for(self, filing: Filing) -> Any:
        """The filing's definition (``StatusCache.spec_for``), looked up once per form, version
        and period while the tree is built."""
        assert self.desk is not None
        key = (filing.form_id, filing.form_version, filing.period)
        if key not in self._specs:
            self._specs[key] = self.desk.status.spec_for(filing)
        return self._specs[key]

    def _dress_enterprise(self, item: QStandardItem, enterprise: Enterprise) -> None:
        item.setText(enterprise.name)
        item.setToolTip(
            f"{enterprise.name}\n统一社会信用代码 {enterprise.uscc}\n行业代码 {enterprise.industry_code or '未填'}"
        )

    def _dress_filing(self, item: QStandardItem, enterprise: Enterprise, filing: Filing) -> bool:
        """Text, tooltip and colour of a filing row; False when no definition governs the filing."""
        assert self.desk is not None
        spec = self._spec_for(filing)
        if spec is None:
            return False
        due = due_date_for(enterprise, spec, filing.period)
        label = spec.period_label(filing.period)
        # The year is the parent node, so a month needs only "10月"; state and due date follow.
        short = (
            f"{int(filing.period[5:])}月"
            if spec.filing_type == "monthly"
            else f"{label}{'计划' if spec.filing_type == 'plan' else '报告'}"
        )
        today = self._today
        item.setText(f"{short}　{filing.state} · {due.month:02d}-{due.day:02d}")
        late = filing.state != STATE_EXPORTED and today > due
        tip = f"{spec.title} {label}\n状态：{filing.state}　第 {filing.current_revision} 版\n截止：{due.isoformat()}"
        if late:
            tip += f"\n已逾期 {(today - due).days} 天"
        if late:
            # A colour, not a QBrush: the views convert it; QBrush's Python type (with QGradient's
            # enums) costs the cold start ~7 ms (bench/bench_gui_start.py).
            item.setData(QColor("#c62828"), FOREGROUND_ROLE)
        else:
            item.setData(None, FOREGROUND_ROLE)  # the palette's colour, as before
        item.setToolTip(tip)
        return True

    def _item_for(self, node: Node) -> QStandardItem | None:
        if node.kind == "filing" and node.filing_id is not None and self._rows is not None:
            known = self._rows.get(node.filing_id)
            return known[2] if known else None
        if node.kind == "year" and node.enterprise_id is not None and node.year is not None:
            return self._years.get((node.enterprise_id, node.year))
        if node.kind == "enterprise" and node.enterprise_id is not None:
            entry = self._enterprises.get(node.enterprise_id)
            return entry[2] if entry else None
        return None

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
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self)
        menu.addAction("新建填报…", lambda: self.newFilingRequested.emit(node.enterprise_id))
        menu.addAction("企业信息…", lambda: self.editEnterpriseRequested.emit(node.enterprise_id))
        menu.exec(self.viewport().mapToGlobal(pos))


def _filing_key(filing: Filing) -> tuple[Any, ...]:
    return (
        filing.state,
        filing.current_revision,
        filing.updated_at,
        filing.form_id,
        filing.form_version,
        filing.period,
    )


def _enterprise_key(enterprise: Enterprise) -> tuple[Any, ...]:
    return (
        enterprise.name,
        enterprise.uscc,
        enterprise.industry_code,
        enterprise.updated_at,
        repr(sorted(enterprise.settings.items())),
    )
