"""设置: where the workspace is, each enterprise's local monthly deadline, the PDF font.

Settings that belong to the filings live in the workspace (they travel with it to another PC);
only the window layout and the recent list live in QSettings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..workflow.desk import Desk
from .screen_fit import fit_to_screen
from .stylesheet import set_style_property

SETTING_PDF_FONT = "pdf_font_path"


def configured_pdf_font(desk: Desk) -> str | None:
    value = desk.get_setting(SETTING_PDF_FONT)
    return str(value) if value else None


def apply_pdf_font(desk: Desk) -> None:
    """Register the configured font for the PDF renderer (falls back to system fonts if unusable)."""
    path = configured_pdf_font(desk)
    if path:
        from ..io.fonts import FontNotFound, register_pdf_font

        try:
            register_pdf_font(path)
        except FontNotFound:
            pass  # the export reports a missing font itself, with the reason


class SettingsDialog(QDialog):
    def __init__(self, desk: Desk, enterprise_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle("设置")
        fit_to_screen(self, 680, 520)
        layout = QVBoxLayout(self)

        where = QGroupBox("工作区")
        where_layout = QFormLayout(where)
        path = QLineEdit(str(desk.path))
        path.setReadOnly(True)
        show = QPushButton("在文件夹中显示")
        show.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(desk.path.parent))))
        row = QHBoxLayout()
        row.addWidget(path, 1)
        row.addWidget(show)
        where_layout.addRow("工作区文件", row)
        evidence = QLabel(str(desk.evidence_root))
        evidence.setProperty("role", "hint")
        where_layout.addRow("支撑材料文件夹", evidence)
        note = QLabel(
            "要换用其他位置的工作区，请用“文件 › 打开工作区…”或“新建工作区…”；备份时请连同支撑材料文件夹一起复制。"
        )
        note.setWordWrap(True)
        note.setProperty("role", "hint")
        where_layout.addRow(note)
        layout.addWidget(where)

        deadlines = QGroupBox("本地月度存证期限（月末后自然日；0 = 按全国 40 天）")
        deadline_layout = QVBoxLayout(deadlines)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["企业", "期限"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.spins: dict[int, QSpinBox] = {}
        for enterprise in desk.list_enterprises():
            r = self.table.rowCount()
            self.table.insertRow(r)
            self.table.setItem(r, 0, QTableWidgetItem(enterprise.name))
            spin = QSpinBox()
            spin.setRange(0, 40)
            spin.setSuffix(" 天")
            spin.setSpecialValueText("按全国 40 天")
            spin.setValue(int(enterprise.settings.get("local_deadline_days") or 0))
            self.table.setCellWidget(r, 1, spin)
            self.spins[enterprise.id] = spin
            if enterprise.id == enterprise_id:
                self.table.setCurrentCell(r, 1)
        deadline_layout.addWidget(self.table)
        layout.addWidget(deadlines, 1)

        pdf = QGroupBox("PDF 报告字体")
        pdf_layout = QVBoxLayout(pdf)
        font_row = QHBoxLayout()
        self.font_path = QLineEdit(configured_pdf_font(desk) or "")
        self.font_path.setPlaceholderText("留空：自动使用系统中文字体（Windows：宋体/微软雅黑）")
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        font_row.addWidget(self.font_path, 1)
        font_row.addWidget(browse)
        pdf_layout.addLayout(font_row)
        self.font_state = QLabel()
        self.font_state.setWordWrap(True)
        pdf_layout.addWidget(self.font_state)
        layout.addWidget(pdf)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.font_path.textChanged.connect(self._check_font)
        self._check_font()

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "选择 TrueType 中文字体", self.font_path.text(), "TrueType 字体 (*.ttf *.ttc);;所有文件 (*)"
        )
        if name:
            self.font_path.setText(name)

    def _check_font(self) -> None:
        from ..io.fonts import check_font_file, registered_font

        text = self.font_path.text().strip()
        if not text:
            current = registered_font()
            self.font_state.setText(f"自动选择{f'：当前使用 {current.path}' if current else ''}")
            set_style_property(self.font_state, "role", "hint")
            return
        problem = check_font_file(text)
        self.font_state.setText(problem or "✓ 可以嵌入 PDF")
        set_style_property(self.font_state, "role", "banner-error" if problem else "banner-ok")

    def apply(self) -> None:
        for enterprise_id, spin in self.spins.items():
            enterprise = self.desk.get_enterprise(enterprise_id)
            if enterprise is None:
                continue
            settings = dict(enterprise.settings)
            if spin.value():
                settings["local_deadline_days"] = spin.value()
            else:
                settings.pop("local_deadline_days", None)
            if settings != enterprise.settings:
                self.desk.update_enterprise_settings(enterprise_id, settings, "修改本地月度存证期限")
        font = self.font_path.text().strip()
        self.desk.set_setting(SETTING_PDF_FONT, str(Path(font)) if font else None)
        apply_pdf_font(self.desk)
