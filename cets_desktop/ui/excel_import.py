"""从 Excel 导入: read a filled template in the background, show what was found, and replace
the open filing's values only when the user confirms (one undo step, so it can be undone)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..core.findings import SEVERITY_LABELS
from ..workflow.desk import ImportPreview
from ..workflow.inputs import LoadedInput
from .background import BackgroundJob, run_with_progress_dialog
from .repeat_model import severity_icon
from .session import FilingSession


class ImportPreviewDialog(QDialog):
    def __init__(self, loaded: LoadedInput, changes: int, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("从 Excel 导入")
        self.resize(720, 460 if loaded.import_findings else 240)
        layout = QVBoxLayout(self)
        problems = loaded.import_findings
        head = QLabel(
            f"已读取 {path.name}：{loaded.spec.title}，{loaded.spec.period_label(loaded.document.period)}。<br/>"
            f"与当前填报相比有 <b>{changes}</b> 处不同。"
            + (
                f"读取时发现 <b>{len(problems)}</b> 个问题（见下表，数据按原样保留，导入后可在表单中修改）。"
                if problems
                else "读取时没有发现问题。"
            )
        )
        head.setWordWrap(True)
        head.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(head)
        self.problems = QListWidget()
        for finding in problems:
            item = QListWidgetItem(
                severity_icon(finding.severity),
                f"{SEVERITY_LABELS.get(finding.severity, '')} {finding.location or ''} {finding.message}",
            )
            self.problems.addItem(item)
        self.problems.setVisible(bool(problems))
        layout.addWidget(self.problems, 1 if problems else 0)
        if not problems:
            layout.addStretch(1)
        warn = QLabel(
            "导入会替换当前填报的全部数据（支撑材料和警告确认理由保留）。替换后可用“撤销”（Ctrl+Z）恢复。"
        )
        warn.setProperty("role", "banner-warning")
        warn.setWordWrap(True)
        warn.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout.addWidget(warn)
        self.buttons = QDialogButtonBox()
        self.replace = self.buttons.addButton("替换当前数据", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


def import_into_session(
    parent: QWidget, session: FilingSession, path: Path, confirm: Any = None
) -> BackgroundJob[Any]:
    """Read ``path`` off the GUI thread; ``confirm(loaded, changes) -> bool`` defaults to the dialog."""
    values = copy.deepcopy(session.values)

    def op(_progress: Any, _cancelled: Any) -> ImportPreview:
        return session.desk.import_preview(session.filing_id, path, values)

    def ask(loaded: LoadedInput, changes: int) -> bool:
        dialog = ImportPreviewDialog(loaded, changes, path, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def done(preview: ImportPreview) -> None:
        if (confirm or ask)(preview.loaded, preview.changes):
            session.replace_values(preview.loaded.document.values, f"从 Excel 导入 {path.name}")

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(parent, "无法导入", getattr(exc, "message", None) or str(exc))

    return run_with_progress_dialog(parent, "从 Excel 导入", f"正在读取 {path.name}…", op, done, failed)
