"""企业信息 dialog: identity with live 统一社会信用代码 check, sectors, local deadline,
units/facilities, and an applicability check saying which filings apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
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

from ..core.applicability import SECTOR_LABELS, assess, describe, industry_choices
from ..core.numbers import NotANumber, parse_decimal
from ..core.uscc import uscc_problem
from ..workflow.records import Enterprise, Facility
from .screen_fit import fit_to_screen, scrolling
from .stylesheet import set_style_property

FACILITY_KINDS = ("发电机组", "锅炉", "生产线", "熟料生产线", "高炉", "电解槽系列", "其他")


@dataclass
class EnterpriseData:
    name: str
    uscc: str
    industry_code: str
    province: str
    city: str
    sectors: list[str]
    settings: dict[str, Any]
    new_facilities: list[tuple[str, str]] = field(default_factory=list)


class EnterpriseDialog(QDialog):
    def __init__(
        self,
        enterprise: Enterprise | None = None,
        facilities: list[Facility] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.enterprise = enterprise
        self.setWindowTitle("企业信息" if enterprise else "新建企业")
        fit_to_screen(self, 760, 720)
        outer = QVBoxLayout(self)
        # The fields scroll on a short screen (1280×720 at 150 %); 确定/取消 stay in sight below.
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 4, 0)
        outer.addWidget(scrolling(body), 1)

        identity = QGroupBox("基本信息")
        form = QFormLayout(identity)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.name = QLineEdit(enterprise.name if enterprise else "")
        self.name.setPlaceholderText("按营业执照填写全称")
        form.addRow("企业名称 *", self.name)
        self.uscc = QLineEdit(enterprise.uscc if enterprise else "")
        self.uscc.setPlaceholderText("18 位，如 91310115MA1K3P7Q8X")
        self.uscc.setMaxLength(18)
        self.uscc_state = QLabel()
        self.uscc_state.setWordWrap(True)
        uscc_box = QVBoxLayout()
        uscc_box.addWidget(self.uscc)
        uscc_box.addWidget(self.uscc_state)
        form.addRow("统一社会信用代码 *", uscc_box)
        self.industry = QComboBox()
        self.industry.setEditable(True)
        self.industry.addItem("", "")
        for code, label in industry_choices():
            self.industry.addItem(label, code)
        self.industry.setToolTip("国民经济行业分类代码（GB/T 4754-2017），4 位")
        self._set_industry(enterprise.industry_code if enterprise else "")
        form.addRow("行业代码", self.industry)
        place = QHBoxLayout()
        self.province = QLineEdit(enterprise.province if enterprise else "")
        self.province.setPlaceholderText("省份，如 江苏省")
        self.city = QLineEdit(enterprise.city if enterprise else "")
        self.city.setPlaceholderText("城市，如 南通市")
        place.addWidget(self.province)
        place.addWidget(self.city)
        form.addRow("所在地", place)
        sectors_row = QHBoxLayout()
        self.sector_boxes: dict[str, QCheckBox] = {}
        current = set(enterprise.sectors) if enterprise else set()
        for key, label in SECTOR_LABELS.items():
            box = QCheckBox(label)
            box.setChecked(key in current)
            self.sector_boxes[key] = box
            sectors_row.addWidget(box)
        sectors_row.addStretch(1)
        form.addRow("所属行业", sectors_row)
        settings = dict(enterprise.settings) if enterprise else {}
        self.settings = settings
        self.local_days = QSpinBox()
        self.local_days.setRange(0, 40)
        self.local_days.setSpecialValueText("按全国规定（40 天）")
        self.local_days.setSuffix(" 天")
        self.local_days.setValue(int(settings.get("local_deadline_days") or 0))
        self.local_days.setToolTip(
            "地方生态环境部门要求的月度存证期限（月末后自然日），如 20；0 表示按全国 40 天"
        )
        form.addRow("本地月度存证期限", self.local_days)
        from PySide6.QtCore import QDate
        from PySide6.QtWidgets import QDateEdit

        self.tracked_since = QDateEdit()
        self.tracked_since.setDisplayFormat("yyyy年M月")
        self.tracked_since.setCalendarPopup(False)
        from ..workflow.status import tracked_since

        since = tracked_since(enterprise) if enterprise is not None else None
        start = QDate(int(since[:4]), int(since[5:7]), 1) if since else QDate.currentDate().addMonths(-2)
        self.tracked_since.setDate(start)
        self.tracked_since.setToolTip(
            "从哪个月起由本工作区跟踪这家企业的月度存证：更早且未建立填报的月份不显示为逾期"
            "（例如 12 月接手的客户，1–10 月不算逾期）"
        )
        form.addRow("跟踪起始月份", self.tracked_since)
        layout.addWidget(identity)

        units = QGroupBox("机组 / 设施")
        units_layout = QVBoxLayout(units)
        self.facilities = QTableWidget(0, 2)
        self.facilities.setHorizontalHeaderLabels(["类型", "名称"])
        self.facilities.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.facilities.verticalHeader().setVisible(False)
        self.facilities.setMinimumHeight(120)
        self._existing = len(facilities or [])
        for facility in facilities or []:
            self._add_facility_row(facility.kind, facility.name, editable=False)
        units_layout.addWidget(self.facilities)
        buttons = QHBoxLayout()
        add = QPushButton("添加机组/设施")
        add.clicked.connect(lambda: self._add_facility_row(FACILITY_KINDS[0], "", editable=True))
        remove = QPushButton("删除新增行")
        remove.clicked.connect(self._remove_new_facility)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        hint = QLabel("已保存的机组在此只读；新建月度存证时会按机组名称预置行。")
        hint.setProperty("role", "hint")
        buttons.addWidget(hint)
        units_layout.addLayout(buttons)
        layout.addWidget(units)

        check = QGroupBox("适用性判断（需要哪些填报）")
        check_layout = QVBoxLayout(check)
        row = QHBoxLayout()
        self.emissions = QLineEdit(str(settings.get("annual_emissions_estimate") or ""))
        self.emissions.setPlaceholderText("任一年度排放量，如 480000")
        self.emissions.setMaximumWidth(260)
        self.captive = QCheckBox("有自备电厂")
        self.captive.setChecked(bool(settings.get("captive_power")))
        row.addWidget(QLabel("年排放量估算"))
        row.addWidget(self.emissions)
        row.addWidget(QLabel("tCO2e"))
        row.addSpacing(16)
        row.addWidget(self.captive)
        row.addStretch(1)
        check_layout.addLayout(row)
        self.applicability = QLabel()
        self.applicability.setWordWrap(True)
        self.applicability.setTextFormat(Qt.TextFormat.RichText)
        check_layout.addWidget(self.applicability)
        layout.addWidget(check, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        self.name.textChanged.connect(self._validate)
        self.uscc.textChanged.connect(self._validate)
        self.industry.currentTextChanged.connect(self._update_applicability)
        self.emissions.textChanged.connect(self._update_applicability)
        self.captive.toggled.connect(self._update_applicability)
        self._validate()
        self._update_applicability()

    # ------------------------------------------------------------------ parts

    def _set_industry(self, code: str) -> None:
        index = self.industry.findData(code)
        if index >= 0:
            self.industry.setCurrentIndex(index)
        else:
            self.industry.setEditText(code)

    def industry_code(self) -> str:
        text = self.industry.currentText().strip()
        return text.split(" ", 1)[0] if text else ""

    def _add_facility_row(self, kind: str, name: str, editable: bool) -> None:
        row = self.facilities.rowCount()
        self.facilities.insertRow(row)
        if editable:
            combo = QComboBox()
            combo.addItems(FACILITY_KINDS)
            combo.setCurrentText(kind)
            self.facilities.setCellWidget(row, 0, combo)
            item = QTableWidgetItem(name)
            self.facilities.setItem(row, 1, item)
            self.facilities.setCurrentCell(row, 1)
        else:
            for column, text in enumerate((kind, name)):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setForeground(Qt.GlobalColor.darkGray)
                self.facilities.setItem(row, column, item)

    def _remove_new_facility(self) -> None:
        row = self.facilities.currentRow()
        if row >= self._existing:
            self.facilities.removeRow(row)

    def _validate(self) -> None:
        code = self.uscc.text().strip().upper()
        problem = uscc_problem(code) if code else "请填写 18 位统一社会信用代码"
        if problem:
            self.uscc_state.setText(problem)
            set_style_property(self.uscc_state, "role", "banner-error" if code else "hint")
        else:
            self.uscc_state.setText("✓ 代码格式和校验位正确（GB 32100-2015）")
            set_style_property(self.uscc_state, "role", "banner-ok")
        set_style_property(self.uscc, "severity", "error" if problem and code else "")
        ok = not problem and bool(self.name.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def _emissions(self) -> Decimal | None:
        try:
            return parse_decimal(self.emissions.text())
        except NotANumber:
            return None

    def _update_applicability(self) -> None:
        result = assess(self.industry_code(), self._emissions(), self.captive.isChecked())
        self.applicability.setText(describe(result))
        if not any(box.isChecked() for box in self.sector_boxes.values()):
            # Suggest the sector from the industry code until the user picks one.
            for sector in result.sectors:
                self.sector_boxes[sector].setChecked(True)

    # ------------------------------------------------------------------ result

    def data(self) -> EnterpriseData:
        settings = dict(self.settings)
        settings["local_deadline_days"] = self.local_days.value() or None
        since = self.tracked_since.date()
        settings["tracked_since"] = f"{since.year():04d}-{since.month():02d}"
        emissions = self._emissions()
        settings["annual_emissions_estimate"] = str(emissions) if emissions is not None else None
        settings["captive_power"] = self.captive.isChecked()
        settings = {k: v for k, v in settings.items() if v is not None}
        new = []
        for row in range(self._existing, self.facilities.rowCount()):
            combo = self.facilities.cellWidget(row, 0)
            item = self.facilities.item(row, 1)
            name = item.text().strip() if item else ""
            if name:
                new.append((combo.currentText() if isinstance(combo, QComboBox) else FACILITY_KINDS[0], name))
        return EnterpriseData(
            name=self.name.text().strip(),
            uscc=self.uscc.text().strip().upper(),
            industry_code=self.industry_code(),
            province=self.province.text().strip(),
            city=self.city.text().strip(),
            sectors=[k for k, box in self.sector_boxes.items() if box.isChecked()],
            settings=settings,
            new_facilities=new,
        )
