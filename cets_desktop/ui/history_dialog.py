"""修订历史: a filing's revisions, its audit log, the difference between two revisions (for a
data quality control plan also the drafted change statement), and 恢复此版本.

Restoring never rewrites history: the chosen revision's document is saved as a *new* revision
with the reason 恢复第 N 版 (the window does that, because it owns the open filing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.document import DocumentError, parse_document
from ..core.spec import FormSpec
from ..workflow.desk import Desk
from ..workflow.records import Filing, RevisionInfo, WorkspaceError
from .history_text import ChangeRow, Describer, short_time
from .screen_fit import fit_to_screen

KIND_COLOURS = {"新增": "#2e7d32", "删除": "#c62828", "修改": "#1f4e79"}


def _table(headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def _cell(text: str, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(tip if tip is not None else text)
    return item


def _fill_changes(table: QTableWidget, rows: list[ChangeRow], first: list[str] | None = None) -> None:
    """Rows of 项目 · 修改 · 原值 · 新值, after optional leading cells per row (time, actor …)."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        lead = first[r].split("\t") if first else []
        for c, text in enumerate(lead):
            table.setItem(r, c, _cell(text))
        offset = len(lead)
        table.setItem(r, offset, _cell(row.place, f"{row.place}\n路径：{row.path or '（整份填报）'}"))
        kind = _cell(row.kind)
        kind.setForeground(QBrush(QColor(KIND_COLOURS.get(row.kind, "#1f2933"))))
        table.setItem(r, offset + 1, kind)
        table.setItem(r, offset + 2, _cell(row.old))
        table.setItem(r, offset + 3, _cell(row.new))


class HistoryDialog(QDialog):
    restoreRequested = Signal(int)
    """The user confirmed nothing yet: the window asks, restores and calls :meth:`reload`."""

    def __init__(
        self,
        desk: Desk,
        filing: Filing,
        spec: FormSpec | None,
        spec_for: Callable[[dict[str, Any]], FormSpec | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.filing = filing
        self.spec = spec
        self.spec_for = spec_for or (lambda _doc: spec)
        self.describer = Describer(spec)
        self.revisions: list[RevisionInfo] = []
        self._documents: dict[int, dict[str, Any]] = {}
        self.compared: tuple[int, int] | None = None
        self.statement_text = ""
        self.setWindowTitle("修订历史")
        fit_to_screen(self, 1120, 720)
        self.setMinimumSize(860, 560)

        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setProperty("role", "title")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.subheading = QLabel(
            "选中一个版本：与它的上一版比较；按住 Ctrl 再选一个版本：比较这两个版本。"
            "恢复旧版本会把它另存为新版本，已有的版本都会保留。"
        )
        self.subheading.setProperty("role", "hint")
        self.subheading.setWordWrap(True)
        layout.addWidget(self.subheading)

        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.revision_table = _table(["版本", "保存时间", "保存人", "保存原因"], 3)
        self.revision_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.revision_table.itemSelectionChanged.connect(self._on_selection)
        top_layout.addWidget(self.revision_table)
        actions = QHBoxLayout()
        self.selection_label = QLabel()
        self.selection_label.setProperty("role", "subtitle")
        actions.addWidget(self.selection_label, 1)
        self.restore_button = QPushButton("恢复此版本…")
        self.restore_button.setToolTip("把选中的版本另存为新版本（原因“恢复第 N 版”）；不会删除任何版本")
        self.restore_button.clicked.connect(self._request_restore)
        actions.addWidget(self.restore_button)
        top_layout.addLayout(actions)
        splitter.addWidget(top)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._diff_page(), "版本比较")
        self.audit_table = _table(["时间", "操作人", "项目", "修改", "原值", "新值", "原因"], 2)
        self.tabs.addTab(self.audit_table, "审计日志")
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([210, 470])
        layout.addWidget(splitter, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    def _diff_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.diff_summary = QLabel("请在上方选择版本。")
        self.diff_summary.setWordWrap(True)
        layout.addWidget(self.diff_summary)
        inner = QSplitter(Qt.Orientation.Vertical)
        self.diff_table = _table(["项目", "修改", "原值", "新值"], 0)
        inner.addWidget(self.diff_table)
        self.statement_box = QGroupBox("修订说明（草稿，可粘贴到版本记录的“编制/修订内容”和平台）")
        box_layout = QVBoxLayout(self.statement_box)
        self.statement = QPlainTextEdit()
        self.statement.setReadOnly(True)
        # Five lines of the statement without scrolling (items, triggers, summary).
        self.statement.setMinimumHeight(self.statement.fontMetrics().lineSpacing() * 5 + 16)
        box_layout.addWidget(self.statement)
        row = QHBoxLayout()
        self.copy_hint = QLabel()
        self.copy_hint.setProperty("role", "hint")
        row.addWidget(self.copy_hint, 1)
        self.copy_button = QPushButton("复制")
        self.copy_button.setToolTip("把修订说明复制到剪贴板")
        self.copy_button.clicked.connect(self.copy_statement)
        row.addWidget(self.copy_button)
        box_layout.addLayout(row)
        inner.addWidget(self.statement_box)
        inner.setStretchFactor(0, 3)
        inner.setStretchFactor(1, 2)
        layout.addWidget(inner, 1)
        self.statement_box.setVisible(self.is_plan)
        return page

    @property
    def is_plan(self) -> bool:
        return self.spec is not None and self.spec.filing_type == "plan"

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        """Re-read the filing, its revisions and its audit log (after a restore)."""
        refreshed = self.desk.get_filing(self.filing.id)
        if refreshed is not None:
            self.filing = refreshed
        self.revisions = self.desk.revisions(self.filing.id)
        title = self.spec.title if self.spec else self.filing.form_id
        period = self.spec.period_label(self.filing.period) if self.spec else self.filing.period
        self.heading.setText(f"{title}（{period}）的修订历史")
        self.setWindowTitle(f"修订历史 — {title}（{period}）")
        table = self.revision_table
        table.blockSignals(True)
        table.setRowCount(len(self.revisions))
        for r, info in enumerate(reversed(self.revisions)):  # newest first
            current = "（当前）" if info.number == self.filing.current_revision else ""
            number = _cell(f"第 {info.number} 版{current}")
            number.setData(Qt.ItemDataRole.UserRole, info.number)
            table.setItem(r, 0, number)
            table.setItem(r, 1, _cell(short_time(info.saved_at)))
            table.setItem(r, 2, _cell(info.author))
            table.setItem(r, 3, _cell(info.reason or "（未填写）"))
        table.resizeColumnToContents(0)
        table.setColumnWidth(1, max(table.columnWidth(1), 160))
        table.resizeColumnToContents(2)
        table.blockSignals(False)
        self._fill_audit()
        if self.revisions:
            self.select_revisions([self.revisions[-1].number])
        else:
            self._on_selection()

    def document(self, number: int) -> dict[str, Any]:
        if number not in self._documents:
            revision = self.desk.get_revision(self.filing.id, number)
            self._documents[number] = revision.document if revision is not None else {}
        return self._documents[number]

    def _fill_audit(self) -> None:
        entries = self.desk.audit(self.filing.id)
        at_revision = {info.saved_at: info.number for info in self.revisions}
        rows: list[ChangeRow] = []
        lead: list[str] = []
        for entry in reversed(entries):  # newest first, like the revisions
            number = at_revision.get(entry.at)
            docs = [self.document(number)] if number else []
            if number and number > 1:
                docs.append(self.document(number - 1))
            if not docs and self.revisions:
                docs = [self.document(self.filing.current_revision)]
            rows.append(self.describer.audit_change(entry.field_path, entry.old_value, entry.new_value, docs))
            lead.append(f"{short_time(entry.at)}\t{entry.actor}")
        _fill_changes(self.audit_table, rows, lead)
        for r, entry in enumerate(reversed(entries)):
            self.audit_table.setItem(r, 6, _cell(entry.reason or ""))
        self.audit_table.setColumnWidth(0, 150)
        self.audit_table.setColumnWidth(1, 90)
        self.audit_table.setColumnWidth(3, 48)
        self.audit_table.setColumnWidth(4, 150)
        self.audit_table.setColumnWidth(5, 150)
        self.audit_table.setColumnWidth(6, 150)
        self.tabs.setTabText(1, f"审计日志（{len(entries)}）")

    # ------------------------------------------------------------------ selection and comparison

    def selected_numbers(self) -> list[int]:
        rows = sorted({i.row() for i in self.revision_table.selectedIndexes()})
        return sorted(self._number_at(r) for r in rows)

    def _number_at(self, row: int) -> int:
        item = self.revision_table.item(row, 0)
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else 0

    def select_revisions(self, numbers: list[int]) -> None:
        table = self.revision_table
        table.blockSignals(True)
        table.clearSelection()
        selection = table.selectionModel()
        for r in range(table.rowCount()):
            if self._number_at(r) in numbers:
                selection.select(
                    table.model().index(r, 0),
                    QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
                )
        table.blockSignals(False)
        self._on_selection()

    def _on_selection(self) -> None:
        numbers = self.selected_numbers()
        current = self.filing.current_revision
        self.restore_button.setEnabled(len(numbers) == 1 and numbers[0] != current)
        if len(numbers) == 1:
            self.restore_button.setText(f"恢复第 {numbers[0]} 版…")
        else:
            self.restore_button.setText("恢复此版本…")
        if len(numbers) == 1 and numbers[0] > 1:
            self.compare(numbers[0] - 1, numbers[0])
            self.selection_label.setText(f"第 {numbers[0]} 版与上一版（第 {numbers[0] - 1} 版）比较")
        elif len(numbers) == 2:
            self.compare(numbers[0], numbers[1])
            self.selection_label.setText(f"比较第 {numbers[0]} 版和第 {numbers[1]} 版")
        elif len(numbers) == 1:
            self._show_nothing("第 1 版是新建时的内容，没有更早的版本可比较。")
            self.selection_label.setText("第 1 版")
        else:
            self._show_nothing("请选择一个版本（与上一版比较）或两个版本（互相比较）。")
            self.selection_label.setText(f"已选 {len(numbers)} 个版本" if numbers else "")

    def _show_nothing(self, text: str) -> None:
        self.compared = None
        self.diff_summary.setText(text)
        self.diff_table.setRowCount(0)
        self.statement.setPlainText("")
        self.statement_text = ""
        self.copy_button.setEnabled(False)

    def compare(self, old: int, new: int) -> list[ChangeRow]:
        """Show what changed from revision ``old`` to ``new``; returns the rows shown."""
        old_doc, new_doc = self.document(old), self.document(new)
        rows = self.describer.change_rows(old_doc, new_doc)
        self.compared = (old, new)
        _fill_changes(self.diff_table, rows)
        self.diff_table.setColumnWidth(1, 48)
        self.diff_table.setColumnWidth(2, 220)
        self.diff_table.setColumnWidth(3, 220)
        counts = {k: sum(1 for r in rows if r.kind == k) for k in ("新增", "修改", "删除")}
        self.diff_summary.setText(
            f"第 {old} 版 → 第 {new} 版：共 {len(rows)} 处不同（修改 {counts['修改']}、新增 {counts['新增']}、"
            f"删除 {counts['删除']}）。"
            if rows
            else f"第 {old} 版和第 {new} 版内容相同。"
        )
        if self.is_plan:
            self._plan_statement(old_doc, new_doc)
        return rows

    def _plan_statement(self, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> None:
        from ..core.plan_diff import change_statement, diff_plans

        spec = self.spec_for(new_doc) or self.spec
        try:
            if spec is None:
                raise DocumentError("找不到该计划的表单定义")
            diff = diff_plans(spec, parse_document(old_doc, "原版本"), parse_document(new_doc, "新版本"))
        except DocumentError as exc:
            self.statement_text = ""
            self.statement.setPlainText(f"无法起草修订说明：{exc.message}")
            self.copy_button.setEnabled(False)
            return
        self.statement_text = change_statement(diff)
        self.statement.setPlainText(self.statement_text)
        self.copy_button.setEnabled(not diff.is_empty)
        counts = diff.counts()
        self.copy_hint.setText(
            f"按计划内容比较（行按机组/参数/设备编号对应，移动行不算修改）：新增 {counts['added']}、"
            f"删除 {counts['removed']}、变更 {counts['changed']} 项"
        )

    def copy_statement(self) -> None:
        if self.statement_text:
            QGuiApplication.clipboard().setText(self.statement_text)
            self.copy_hint.setText("已复制到剪贴板。")

    # ------------------------------------------------------------------ restore

    def _request_restore(self) -> None:
        numbers = self.selected_numbers()
        if len(numbers) == 1 and numbers[0] != self.filing.current_revision:
            self.restoreRequested.emit(numbers[0])

    def after_restore(self, new_number: int | None) -> None:
        """Called by the window once it restored (``None``: nothing was saved)."""
        if new_number is None:
            return
        self._documents.clear()
        self.describer = Describer(self.spec)
        try:
            self.reload()
        except WorkspaceError:
            return
        self.select_revisions([new_number])
