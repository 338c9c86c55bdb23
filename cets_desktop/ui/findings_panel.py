"""校验结果 dock: every finding of the open filing, live; a click jumps to the field.

Warnings can be acknowledged with a written reason; the reason is stored in the document's
``acknowledgements`` and travels in the submission package (an acknowledged warning no longer
blocks the final export).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.findings import SEVERITY_LABELS, Finding
from .repeat_model import severity_icon
from .session import FilingSession

MIN_REASON_CHARS = 5
ROLE_FINDING = Qt.ItemDataRole.UserRole + 1


class AcknowledgeDialog(QDialog):
    """Asks for the written reason a warning is accepted as it is."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("确认警告")
        self.resize(520, 300)
        layout = QVBoxLayout(self)
        text = QLabel(f"<b>{finding.code}</b>　{finding.location}<br/>{finding.message}")
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(text)
        layout.addWidget(QLabel("确认理由（写明为什么数据无误，如“本月检修停机，已在情况说明中写明”）："))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(f"至少 {MIN_REASON_CHARS} 个字；理由会写入申报包，供审核人查看")
        if finding.acknowledged:
            self.reason.setPlainText(finding.acknowledged)
        layout.addWidget(self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = len(self.reason.toPlainText().strip()) >= MIN_REASON_CHARS
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def text(self) -> str:
        return self.reason.toPlainText().strip()


class FindingsPanel(QWidget):
    jumpRequested = Signal(str)
    """An instance path (or ``enterprise.*`` / ``period``) to show."""

    FILTERS = (("all", "全部"), ("error", "错误"), ("warning", "警告"), ("info", "提示"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: FilingSession | None = None
        self.findings: list[Finding] = []
        self._filter = "all"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(0)

        # Filters and buttons in a narrow column beside the list, not a bar above it: the dock is
        # short on a 768 px screen and every line of it should show a finding.
        body = QHBoxLayout()
        body.setSpacing(6)
        side = QVBoxLayout()
        side.setSpacing(2)
        self.summary = QLabel("未打开填报")
        self.summary.setWordWrap(True)
        side.addWidget(self.summary)
        filters = QGridLayout()
        filters.setHorizontalSpacing(6)
        filters.setVerticalSpacing(0)
        self.filter_group = QButtonGroup(self)
        for i, (key, label) in enumerate(self.FILTERS):
            button = QRadioButton(label)
            button.setProperty("filter", key)
            button.setChecked(key == "all")
            self.filter_group.addButton(button)
            filters.addWidget(button, i // 2, i % 2)
        side.addLayout(filters)
        self.filter_group.buttonClicked.connect(lambda b: self.set_filter(str(b.property("filter"))))
        self.ack_button = QPushButton("确认警告…")
        self.ack_button.setToolTip("为选中的警告填写确认理由（理由随申报包提交）")
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.withdraw_button = QPushButton("撤销确认")
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        side.addWidget(self.ack_button)
        side.addWidget(self.withdraw_button)
        side.addStretch(1)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["级别", "编号", "位置", "说明"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(2, 300)
        header.setStretchLastSection(True)
        self.tree.itemClicked.connect(lambda item, _c: self._jump(item))
        self.tree.itemActivated.connect(lambda item, _c: self._jump(item))
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        body.addWidget(self.tree, 1)
        body.addLayout(side)
        layout.addLayout(body, 1)
        self.ack_button.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self._update_buttons()

    # ------------------------------------------------------------------ binding

    def set_session(self, session: FilingSession | None) -> None:
        if self.session is not None:
            try:
                self.session.evaluated.disconnect(self.refresh)
            except (RuntimeError, TypeError):
                pass
        self.session = session
        if session is not None:
            session.evaluated.connect(self.refresh)
        self.refresh()

    def set_filter(self, key: str) -> None:
        self._filter = key
        self.refresh()

    def refresh(self) -> None:
        session = self.session
        ev = session.evaluation if session else None
        self.findings = list(ev.findings) if ev else []
        selected = self.selected_finding()
        keep = (selected.code, selected.path) if selected else None
        self.tree.clear()
        if session is None:
            self.summary.setText("未打开填报")
            self._update_buttons()
            return
        if session.document_problem:
            self.summary.setText(f"文档无法校验：{session.document_problem}")
        counts = {"error": 0, "warning": 0, "acknowledged": 0, "info": 0}
        for finding in self.findings:
            if finding.severity == "warning" and finding.acknowledged:
                counts["acknowledged"] += 1
            else:
                counts[finding.severity] += 1
            if self._filter != "all" and finding.severity != self._filter:
                continue
            item = QTreeWidgetItem(self._row_texts(finding))
            item.setIcon(0, severity_icon(finding.severity))
            item.setData(0, ROLE_FINDING, (finding.code, finding.path))
            tip = f"{finding.message}\n来源：{finding.source}" if finding.source else finding.message
            if finding.acknowledged:
                tip += f"\n已确认：{finding.acknowledged}"
                for column in range(4):
                    item.setForeground(column, QColor("#7b8794"))
            for column in range(4):
                item.setToolTip(column, tip)
            self.tree.addTopLevelItem(item)
            if keep == (finding.code, finding.path):
                self.tree.setCurrentItem(item)
        if not session.document_problem:
            if not self.findings:
                self.summary.setText("没有发现问题")
            else:
                ack = f"（另有 {counts['acknowledged']} 项已确认）" if counts["acknowledged"] else ""
                self.summary.setText(
                    f"错误 {counts['error']}　警告 {counts['warning']}{ack}　提示 {counts['info']}"
                )
        self._update_buttons()

    @staticmethod
    def _row_texts(finding: Finding) -> list[str]:
        level = SEVERITY_LABELS.get(finding.severity, finding.severity)
        if finding.severity == "warning" and finding.acknowledged:
            level += "（已确认）"
        return [level, finding.code, finding.location or finding.path, finding.message]

    # ------------------------------------------------------------------ selection and actions

    def selected_finding(self) -> Finding | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        key = item.data(0, ROLE_FINDING)
        return next((f for f in self.findings if (f.code, f.path) == tuple(key)), None)

    def select(self, code: str, path: str) -> bool:
        item = self.item_for(code, path)
        if item is not None:
            self.tree.setCurrentItem(item)
        return item is not None

    def item_for(self, code: str, path: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and tuple(item.data(0, ROLE_FINDING)) == (code, path):
                return item
        return None

    def _update_buttons(self) -> None:
        finding = self.selected_finding()
        is_warning = finding is not None and finding.severity == "warning"
        self.ack_button.setEnabled(is_warning)
        self.withdraw_button.setEnabled(is_warning and bool(finding and finding.acknowledged))

    def _jump(self, item: QTreeWidgetItem) -> None:
        key = item.data(0, ROLE_FINDING)
        if key:
            self.jumpRequested.emit(str(key[1]))

    def acknowledge_selected(self) -> None:
        finding = self.selected_finding()
        if finding is None or finding.severity != "warning" or self.session is None:
            return
        dialog = AcknowledgeDialog(finding, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.acknowledge(finding, dialog.text())

    def acknowledge(self, finding: Finding, reason: str) -> None:
        """Store the reason (also used by tests, without the dialog)."""
        if self.session is not None and len(reason.strip()) >= MIN_REASON_CHARS:
            self.session.acknowledge(finding.code, finding.path, reason)

    def withdraw_selected(self) -> None:
        finding = self.selected_finding()
        if finding is not None and self.session is not None:
            self.session.withdraw_acknowledgement(finding.code, finding.path)
