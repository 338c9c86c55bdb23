"""Asks why: every saved revision and state change carries a reason in the audit trail."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

SAVE_REASONS = (
    "月度数据填报",
    "根据校验结果修改",
    "补充支撑材料",
    "按核查/审核意见修改",
    "更正录入错误",
)


class ReasonDialog(QDialog):
    def __init__(
        self, title: str, prompt: str, presets: tuple[str, ...] = SAVE_REASONS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(presets)
        self.reason.setCurrentText(presets[0] if presets else "")
        line = self.reason.lineEdit()
        if line is not None:
            line.selectAll()
        layout.addWidget(self.reason)
        note = QLabel("原因会记入修订记录和审计日志。")
        note.setProperty("role", "hint")
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.currentTextChanged.connect(
            lambda text: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
                bool(text.strip())
            )
        )

    def text(self) -> str:
        return self.reason.currentText().strip()


def ask_reason(
    parent: QWidget | None, title: str, prompt: str, presets: tuple[str, ...] = SAVE_REASONS
) -> str | None:
    dialog = ReasonDialog(title, prompt, presets, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.text():
        return dialog.text()
    return None
