"""新建填报: which form and which period."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.spec import FormSpec


def default_month(today: date) -> tuple[int, int]:
    """The month being certified now: the previous calendar month."""
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


class NewFilingDialog(QDialog):
    def __init__(
        self,
        forms: list[FormSpec],
        parent: QWidget | None = None,
        year: int | None = None,
        month: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建填报")
        self.setMinimumWidth(420)
        self.forms = forms
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.form_combo = QComboBox()
        for spec in forms:
            self.form_combo.addItem(f"{spec.title}（{spec.template_year} 模板）", spec.id)
        form.addRow("表单", self.form_combo)
        default_year, default_m = default_month(date.today())
        self.year = QSpinBox()
        self.year.setRange(2019, 2100)
        self.year.setValue(year or default_year)
        self.year.setSuffix(" 年")
        form.addRow("年度", self.year)
        self.month = QComboBox()
        for m in range(1, 13):
            self.month.addItem(f"{m} 月", m)
        self.month.setCurrentIndex((month or default_m) - 1)
        self.month_label = QLabel("月份")
        form.addRow(self.month_label, self.month)
        layout.addLayout(form)
        self.note = QLabel()
        self.note.setProperty("role", "hint")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.form_combo.currentIndexChanged.connect(self._update)
        self._update()

    def spec(self) -> FormSpec:
        return self.forms[self.form_combo.currentIndex()]

    def period(self) -> str:
        if self.spec().period_kind == "month":
            return f"{self.year.value()}-{int(self.month.currentData()):02d}"
        return str(self.year.value())

    def _update(self) -> None:
        monthly = self.spec().period_kind == "month"
        self.month.setVisible(monthly)
        self.month_label.setVisible(monthly)
        self.note.setText(
            "新建时沿用上一期的机组、燃料和取值方式（不含上期数值）；首次填报按企业信息中的机组预置行。"
            if monthly
            else "年度填报：填写报告所属年度（数据质量控制计划填计划适用的年度，如 2027）。"
        )
