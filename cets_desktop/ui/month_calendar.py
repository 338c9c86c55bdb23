"""The year at a glance: twelve month cards for the monthly certification, plus the year's
other filings (data quality control plan, supplementary report) as cards below.

Each card says 未开始 / 草稿 / 有错误 / 可导出 / 已导出, the due date (national 40 days, or the
enterprise's stricter local deadline) and the days left; an overdue card is red. Cards take
keyboard focus: arrows move between them, Enter opens.

On the cold start the cards come from a glance at the workspace with each filing's last known
status (``workflow.glance``); a card not evaluated since its last change says 检查中… and is
evaluated after the first paint, one card per event-loop turn.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..workflow.status import STATUS_EXPORTED, STATUS_NOT_STARTED, FilingSummary, StatusCache, local_days
from .page_header import title_block
from .stylesheet import set_style_property as _restyle

if TYPE_CHECKING:
    from ..workflow.records import Enterprise

COLUMNS = 4


def set_style_property(widget: QWidget, name: str, value: object) -> None:
    """``stylesheet.set_style_property``; before the widget's first polish only the property is
    set (the style sheet applies it when the widget is first shown): a new card is not styled
    once per property, which made up most of the cold start's card building."""
    if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        _restyle(widget, name, value)
    else:
        widget.setProperty(name, value)


def yearly_card_title(summary: FilingSummary) -> str:
    """数据质量控制计划（2027 年度） / 补充数据核算报告 合成氨（2025 排放年度）."""
    spec = summary.spec
    title = spec.title.replace("发电设施", "")
    if spec.filing_type == "supplementary":
        return f"补充数据表 {spec.sector_label}（{summary.period} 排放年度）"
    if spec.filing_type == "plan":
        return f"{title}（{summary.period} 年度）"
    return f"{title}（{summary.period}）"


class FilingCard(QFrame):
    activated = Signal(object)
    navigate = Signal(object, int)
    """(card, step): arrow keys move the focus to a neighbouring card."""
    planRequested = Signal(object, str)
    """(summary, "copy" | "blank"): how to start a plan that has a predecessor."""

    def __init__(
        self, summary: FilingSummary, today: date, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.summary = summary
        self.today = today
        self.card_title = title
        self.setProperty("card", True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumSize(150, 118)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 12, 10)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.title = QLabel(title)
        self.title.setProperty("role", "cardMonth")
        top.addWidget(self.title)
        top.addStretch(1)
        self.chip = QLabel()
        self.chip.setProperty("role", "chip")
        top.addWidget(self.chip, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.due = QLabel()
        self.due.setProperty("role", "subtitle")
        layout.addWidget(self.due)
        self.left = QLabel()
        self.left.setProperty("role", "daysLeft")
        layout.addWidget(self.left)
        self.detail = QLabel()
        self.detail.setProperty("role", "hint")
        layout.addWidget(self.detail)
        self.set_summary(summary)

    def set_summary(self, summary: FilingSummary) -> None:
        """Show ``summary`` (a pending card is filled in place once its month is evaluated)."""
        self.summary = summary
        today = self.today
        overdue = summary.overdue(today) and summary.period_open(today)
        set_style_property(self, "status", summary.status)
        set_style_property(self, "overdue", overdue)
        self.chip.setText(summary.status)
        set_style_property(self.chip, "status", summary.status)
        self.due.setText(f"截止 {summary.due.isoformat()}")
        if summary.status == STATUS_NOT_STARTED and not summary.period_open(today):
            left_text = "本期尚未结束"
        else:
            left_text = summary.deadline_text(today)
        self.left.setText(left_text)
        set_style_property(self.left, "overdue", overdue)
        set_style_property(
            self.left,
            "soon",
            not overdue
            and summary.status != STATUS_EXPORTED
            and summary.period_open(today)
            and 0 <= summary.days_left(today) <= 7,
        )
        detail = []
        if summary.filing is not None and (not summary.pending or summary.known):
            if summary.errors:
                detail.append(f"错误 {summary.errors}")
            if summary.warnings:
                detail.append(f"待处理警告 {summary.warnings}")
            if summary.has_draft:
                detail.append("有未保存的修改")
        self.detail.setText(
            "　".join(detail) if detail else ("点击开始填报" if summary.filing is None else " ")
        )
        state = summary.filing.state if summary.filing else "尚未创建"
        title = self.card_title
        self.setToolTip(
            f"{title}：{summary.status}（工作区状态：{state}）\n截止日期 {summary.due.isoformat()}"
            + ("（含本地要求）" if summary.spec.filing_type == "monthly" else "")
        )
        self.setAccessibleName(f"{title} {summary.status} {left_text}")

    def add_plan_choices(self, previous_period: str) -> None:
        """Next year's plan when this year's exists: 从上一年度复制 (primary) or 新建空白计划."""
        self.detail.setText(f"可在 {previous_period} 年度计划基础上修订")
        row = QHBoxLayout()
        row.setSpacing(6)
        self.copy_button = QPushButton("从上一年度复制")
        self.copy_button.setProperty("primary", True)
        self.copy_button.setToolTip(
            f"以 {previous_period} 年度计划为底稿：内容全部带入，版本记录新增一行；并与企业当前的机组核对"
        )
        self.copy_button.clicked.connect(lambda: self.planRequested.emit(self.summary, "copy"))
        self.blank_button = QPushButton("新建空白计划")
        self.blank_button.setToolTip("从空白表单开始填写")
        self.blank_button.clicked.connect(lambda: self.planRequested.emit(self.summary, "blank"))
        row.addWidget(self.copy_button)
        row.addWidget(self.blank_button)
        row.addStretch(1)
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.addLayout(row)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.activated.emit(self.summary)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit(self.summary)
            return
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -COLUMNS, Qt.Key.Key_Down: COLUMNS}
        if event.key() in steps:
            self.navigate.emit(self, steps[Qt.Key(event.key())])
            return
        super().keyPressEvent(event)


class CalendarView(QWidget):
    """Signals ``activated(FilingSummary)``: open the filing, or create it when 未开始."""

    activated = Signal(object)
    yearChanged = Signal(int)
    framePainted = Signal()
    """The cards of the current year have been painted (once per refresh)."""
    planRequested = Signal(object, str)
    """(summary, "copy" | "blank") from a plan card's buttons."""

    def __init__(self, cache: StatusCache, parent: QWidget | None = None, *, evaluate: bool = True) -> None:
        """``evaluate=False``: the cards stay as they are (a glance: the desk is not open yet)."""
        super().__init__(parent)
        self.cache = cache
        self.evaluates = evaluate
        self.enterprise: Enterprise | None = None
        self.year = date.today().year
        self.today = date.today()
        self.cards: list[FilingCard] = []
        self._pending: list[FilingCard] = []
        self._scheduled = False
        self._generation = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(10)

        head = QHBoxLayout()
        titles, self.title, self.subtitle = title_block()
        head.addLayout(titles, 1)
        self.form_combo = QComboBox()
        self.form_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        head.addWidget(self.form_combo)
        self.prev_year = QPushButton("◀ 上一年")
        self.prev_year.clicked.connect(lambda: self.set_year(self.year - 1))
        self.year_label = QLabel()
        self.year_label.setProperty("role", "title")
        self.next_year = QPushButton("下一年 ▶")
        self.next_year.clicked.connect(lambda: self.set_year(self.year + 1))
        head.addWidget(self.prev_year)
        head.addWidget(self.year_label)
        head.addWidget(self.next_year)
        outer.addLayout(head)

        self.legend = QLabel(
            "颜色：<span style='color:#8a96a3'>■ 未开始</span>　<span style='color:#5b9bd5'>■ 草稿</span>　"
            "<span style='color:#c62828'>■ 有错误</span>　<span style='color:#2e7d32'>■ 可导出</span>　"
            "<span style='color:#00796b'>■ 已导出</span>　红色边框 = 已逾期"
        )
        self.legend.setProperty("role", "hint")
        self.legend.setWordWrap(True)
        outer.addWidget(self.legend)

        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(0, 0, 8, 0)
        self.grid = QGridLayout()
        self.grid.setSpacing(10)
        self.body_layout.addLayout(self.grid)
        self.yearly_title = QLabel("本年度其他填报")
        self.yearly_title.setStyleSheet("font-weight:bold; margin-top:8px")
        self.body_layout.addWidget(self.yearly_title)
        self.yearly_grid = QGridLayout()
        self.yearly_grid.setSpacing(10)
        for column in range(COLUMNS):
            self.grid.setColumnStretch(column, 1)
            self.yearly_grid.setColumnStretch(column, 1)
        self.body_layout.addLayout(self.yearly_grid)
        self.body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

    def show_enterprise(self, enterprise: Enterprise, year: int) -> None:
        self.enterprise = enterprise
        self.year = year
        forms = self.cache.forms_for(enterprise, "monthly")
        current = self.form_combo.currentData()
        self.form_combo.blockSignals(True)
        self.form_combo.clear()
        for spec in forms:
            self.form_combo.addItem(spec.title, spec.id)
        index = self.form_combo.findData(current)
        self.form_combo.setCurrentIndex(max(index, 0))
        self.form_combo.setVisible(len(forms) > 1)
        self.form_combo.blockSignals(False)
        self.refresh()

    def set_year(self, year: int) -> None:
        self.year = year
        self.refresh()
        self.yearChanged.emit(year)

    def refresh(self) -> None:
        self.today = date.today()
        for layout in (self.grid, self.yearly_grid):
            while layout.count():
                item = layout.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
        self.cards = []
        self._pending = []
        self._generation += 1
        enterprise = self.enterprise
        self.year_label.setText(f"{self.year} 年")
        if enterprise is None:
            self.title.setText("未选择企业")
            self.subtitle.setText("")
            return
        self.title.setText(enterprise.name)
        monthly = self.cache.forms_for(enterprise, "monthly")
        yearly = self.cache.yearly(enterprise, self.year, evaluate=False)
        self.subtitle.setText(
            f"统一社会信用代码 {enterprise.uscc}　·　{self._deadline_rule(enterprise, monthly, yearly)}"
            f"　·　今天 {self.today.isoformat()}"
        )
        self.legend.setVisible(bool(monthly or yearly))
        form_id = self.form_combo.currentData()
        spec = next((s for s in monthly if s.id == form_id), None)
        if spec is not None:
            for i, summary in enumerate(self.cache.months(enterprise, spec, self.year, evaluate=False)):
                card = FilingCard(summary, self.today, f"{i + 1}月")
                card.activated.connect(self.activated)
                card.navigate.connect(self._navigate)
                self.grid.addWidget(card, i // COLUMNS, i % COLUMNS)
                self.cards.append(card)
        self.yearly_title.setText(
            ("本年度其他填报" if monthly else f"{self.year} 年应报送的年度填报")
            if yearly
            else "尚不知道该企业应报送哪些材料：请在“企业信息”中填写国民经济行业代码或勾选所属行业。"
        )
        self.yearly_title.setVisible(True)
        for i, summary in enumerate(yearly):
            card = FilingCard(summary, self.today, yearly_card_title(summary))
            card.setToolTip(f"{summary.spec.title}（{summary.spec.period_label(summary.period)}）")
            card.title.setStyleSheet("font-size:11pt")
            card.activated.connect(self.activated)
            previous = self._previous_plan(enterprise, summary)
            if previous is not None:
                card.add_plan_choices(previous)
                card.planRequested.connect(self.planRequested)
            card.navigate.connect(self._navigate)
            # Half the width of the month grid (two month columns), so a lone card is not a banner.
            self.yearly_grid.addWidget(card, i // 2, (i % 2) * 2, 1, 2)
            self.cards.append(card)
        self._pending = [c for c in self.cards if c.summary.pending]
        self._scheduled = False
        self.update()

    def _deadline_rule(self, enterprise: Enterprise, monthly: list[Any], yearly: list[FilingSummary]) -> str:
        """The header's deadline sentence, for what this enterprise actually files."""
        if monthly:
            days = local_days(enterprise)
            return (
                f"本地要求月度存证在月末后 {days} 日内完成"
                if days and days < 40
                else "按全国规定：每月结束后 40 个自然日内"
            )
        if any(s.spec.filing_type == "supplementary" for s in yearly):
            return "补充数据核算报告随年度排放报告报送：排放年度次年 3 月 31 日前（不做月度存证）"
        return "未确定应报送的材料"

    # ------------------------------------------------------------------ deferred evaluation

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Pending cards are evaluated once they have been painted (never before the first frame).

        The timer fires after the whole paint pass (children paint after their parent), so
        :attr:`framePainted` marks the moment the year is on screen.
        """
        super().paintEvent(event)
        if not self._scheduled:
            self._scheduled = True
            generation = self._generation
            QTimer.singleShot(0, self, lambda: self._after_paint(generation))

    def _after_paint(self, generation: int) -> None:
        if generation != self._generation:
            return
        self.framePainted.emit()
        if self.evaluates:
            self._evaluate_next(generation)

    def _previous_plan(self, enterprise: Enterprise, summary: FilingSummary) -> str | None:
        """The previous year's period when ``summary`` is a plan not started whose predecessor exists."""
        if summary.filing is not None or summary.spec.filing_type != "plan" or not summary.period.isdigit():
            return None
        previous = str(int(summary.period) - 1)
        found = self.cache.desk.find_filing(enterprise.id, summary.spec.id, previous)
        return previous if found is not None else None

    @property
    def settled(self) -> bool:
        """Every card shows its evaluated status."""
        return not self._pending

    def _evaluate_next(self, generation: int) -> None:
        """One card per event-loop turn, so the window stays responsive while the year fills in."""
        if generation != self._generation or not self._pending:
            return
        card = self._pending.pop(0)
        card.set_summary(self.cache.final(self.enterprise, card.summary))
        if self._pending:
            QTimer.singleShot(0, self, lambda: self._evaluate_next(generation))
        else:
            self.cache.remember()  # the next start shows these statuses at once

    def stop(self) -> None:
        """No more deferred evaluation (the workspace is about to close)."""
        self._generation += 1
        self._pending = []

    def evaluate_pending_now(self) -> None:
        if not self._pending:
            return
        while self._pending:
            card = self._pending.pop(0)
            card.set_summary(self.cache.final(self.enterprise, card.summary))
        self.cache.remember()

    def card_for(self, period: str) -> FilingCard | None:
        return next(
            (c for c in self.cards if c.summary.period == period and c.summary.spec.filing_type == "monthly"),
            None,
        )

    def _navigate(self, card: FilingCard, step: int) -> None:
        if card in self.cards:
            target = self.cards.index(card) + step
            if 0 <= target < len(self.cards):
                self.cards[target].setFocus()
