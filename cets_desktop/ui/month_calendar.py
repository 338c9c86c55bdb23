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

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, QSize, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPalette,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import (
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

from ..core.lean_stdlib import date
from ..workflow.status import STATUS_EXPORTED, STATUS_NOT_STARTED, FilingSummary, StatusCache, local_days
from .lazy_qt import on_first_use, qt_namespace_made
from .page_header import title_block

if TYPE_CHECKING:
    # Event classes are only annotations: their Python types are made when Qt first sends one.
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QEnterEvent, QFocusEvent, QKeyEvent, QMouseEvent, QPaintEvent, QResizeEvent
    from PySide6.QtWidgets import QComboBox

    from ..workflow.records import Enterprise
else:
    # The cards paint before the Qt namespace's enums are built (ui/lazy_qt.py): what they use
    # then is a plain int below; Qt.X stays for what runs later (keys, clicks, the cursor).
    Qt = on_first_use("PySide6.QtCore", "Qt")

COLUMNS = 4
"""Month cards per row on a wide window; a narrower one shows 3, 2 or 1 (CalendarView._reflow)."""
GRID_SPACING = 10
# Width around the cards' grid inside the calendar: its margins (16 + 16), the scrolled body's
# right margin (8) and room for the vertical scroll bar (12 px, resources/styles/app.qss), kept
# whether or not it shows so that the column count does not flip when it appears.
GRID_FRAME = 16 + 16 + 8 + 12

# Qt's value (qnamespace.h) for the first paint: a property set by name takes an enum's int.
STRONG_FOCUS = 0x1 | 0x2 | 0x8  # Qt.FocusPolicy.StrongFocus (TabFocus | ClickFocus | 0x8)


def yearly_card_title(summary: FilingSummary) -> str:
    """数据质量控制计划（2027 年度） / 补充数据核算报告 合成氨（2025 排放年度）."""
    spec = summary.spec
    title = spec.title.replace("发电设施", "")
    if spec.filing_type == "supplementary":
        return f"补充数据表 {spec.sector_label}（{summary.period} 排放年度）"
    if spec.filing_type == "plan":
        return f"{title}（{summary.period} 年度）"
    return f"{title}（{summary.period}）"


class CardText:
    """One line of a card (its title, status chip, due date, days left, detail): the card
    paints it; ``text()`` reads like a label's."""

    def __init__(self, card: FilingCard, text: str = "") -> None:
        self._card = card
        self._text = text

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 - reads like QLabel
        if text != self._text:
            self._text = text
            self._card.text_changed()


# The card's look (was a QFrame with five labels styled by resources/styles/app.qss): one widget
# that paints itself costs a fraction of six polished widgets and two layouts on the cold start.
_INK, _MUTED, _SUBTITLE, _HINT = "#1f2933", "#52606d", "#616e7c", "#7b8794"
_STATUS_EDGE = {"草稿": "#5b9bd5", "有错误": "#c62828", "可导出": "#2e7d32", "已导出": "#00796b"}
_CHIP_FILL = {**_STATUS_EDGE, "": "#8a96a3"}
_MARGINS = (14, 10, 12, 10)  # inside the border: left, top, right, bottom
_EDGE, _SPACING, _RADIUS = 5, 4, 6
_brushes: dict[str, tuple[QPalette, QBrush]] = {}
_texts: dict[tuple[str, str, int], QStaticText] = {}

# How the card paints without the Qt namespace (ui/lazy_qt.py; the cards are the first frame):
# PySide6 resolves QPainter.setPen/setBrush/fillRect and QBrush(QColor) through overloads that
# take Qt enums (Qt.PenStyle, Qt.GlobalColor …), which builds all of Qt's 93 enum classes. So a
# fill is a solid QBrush taken from a QPalette (fillPath has a single overload), and a coloured
# line of text is a QStaticText holding one <span style="color:…">, laid out in the painter's
# font by Qt's own text engine (the same glyphs as drawText); both are made once and kept.


def _text_size(font: QFont, text: str) -> QSize:
    """The size a label gives ``text`` in ``font`` (its bounding box, as QLabel measures it)."""
    return QFontMetrics(font).boundingRect(0, 0, 4000, 400, 0, text).size()


def _brush(name: str) -> QBrush:
    """A solid brush of colour ``name`` (its palette is kept alive alongside)."""
    entry = _brushes.get(name)
    if entry is None:
        palette = QPalette()
        palette.setColor(QPalette.ColorRole.Base, QColor(name))
        entry = _brushes[name] = (palette, palette.brush(QPalette.ColorRole.Base))
    return entry[1]


def _text(text: str, color: str, font_key: int, font: QFont, plain: bool = False) -> QStaticText:
    """``text`` in ``color``, laid out once in ``font`` (``font_key`` names it in the cache);
    ``plain`` when ``color`` is the painter's own pen: no markup to lay out (a rich text's
    document costs ≈ 0.2 ms a line on the first paint, a plain line a tenth of that)."""
    key = (text, color, font_key)
    static = _texts.get(key)
    if static is None:
        if len(_texts) > 2000:
            _texts.clear()
        if plain:
            static = QStaticText(text)
        else:
            # white-space:pre: one line, spaces kept, as drawText draws it (a rich QStaticText
            # without a text width would otherwise wrap at an "ideal" width).
            escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # html.escape
            static = QStaticText(f'<div style="color:{color}; white-space:pre">{escaped}</div>')
        # Laid out in the font it is drawn in before its size is asked: otherwise size() measures
        # the application font until the first draw, and a title is centred 4 px off on the
        # first frame and moves on the next paint.
        static.prepare(QTransform(), font)
        _texts[key] = static
    return static


def _draw_text(
    painter: QPainter, rect: QRectF, text: str, color: str, font_key: int, *, centered: bool = False
) -> None:
    """``text`` vertically centred in ``rect`` (left-aligned, or ``centered``), clipped to it:
    what ``drawText(rect, Qt.AlignLeft | Qt.AlignVCenter, text)`` does, in ``color``."""
    if not text.strip():
        return  # a blank line (the detail of a card with nothing to say) draws nothing
    static = _text(text, color, font_key, painter.font(), plain=color == painter.pen().color().name())
    size = static.size()
    x = rect.left() + ((rect.width() - size.width()) / 2 if centered else 0.0)
    painter.save()
    painter.setClipRect(rect)
    painter.drawStaticText(QPointF(x, rect.top() + (rect.height() - size.height()) / 2), static)
    painter.restore()


def _body_path(rect: QRectF, left_rx: float, ry: float) -> QPainterPath:
    """``rect`` with elliptic corners: ``left_rx`` × ``ry`` on the left, ``ry`` × ``ry`` on the right."""
    path = QPainterPath()
    left_rx = max(left_rx, 0.5)
    x0, y0, x1, y1 = rect.left(), rect.top(), rect.right(), rect.bottom()
    path.moveTo(x0 + left_rx, y0)
    path.lineTo(x1 - ry, y0)
    path.arcTo(QRectF(x1 - 2 * ry, y0, 2 * ry, 2 * ry), 90, -90)
    path.lineTo(x1, y1 - ry)
    path.arcTo(QRectF(x1 - 2 * ry, y1 - 2 * ry, 2 * ry, 2 * ry), 0, -90)
    path.lineTo(x0 + left_rx, y1)
    path.arcTo(QRectF(x0, y1 - 2 * ry, 2 * left_rx, 2 * ry), 270, -90)
    path.lineTo(x0, y0 + ry)
    path.arcTo(QRectF(x0, y0, 2 * left_rx, 2 * ry), 180, -90)
    path.closeSubpath()
    return path


class FilingCard(QWidget):
    """One filing of the year: month (or filing) title, status chip, due date, days left and a
    detail line, painted in one pass; a plan card may carry two buttons below."""

    planRequested = Signal(object, str)
    """(summary, "copy" | "blank"): how to start a plan that has a predecessor."""

    def __init__(
        self,
        summary: FilingSummary,
        today: date,
        title: str,
        calendar: CalendarView | None = None,
        *,
        title_points: float = 15.0,
    ) -> None:
        """A click or Enter opens the card through ``calendar`` (its ``activated`` signal), the
        arrow keys move to a neighbour there: one call each, no signal connection per card."""
        # Made inside the calendar's scrolled body: moving a widget under a styled parent later
        # costs a second style pass.
        super().__init__(calendar.body if calendar is not None else None)
        self.calendar = calendar
        self._metrics: tuple[QFont, QFont, QFont, tuple[int, int, int, int]] | None = None
        self._metrics_font: QFont | None = None  # the widget font the metrics were taken in
        self._hint: QSize | None = None
        self.summary = summary
        self.today = today
        self.card_title = title
        self.title = CardText(self, title)
        self.chip = CardText(self)
        self.due = CardText(self)
        self.left = CardText(self)
        self.detail = CardText(self)
        self._title_points = title_points
        self._overdue = False
        self._left_style = ""  # "", "overdue" or "soon"
        self._hovered = False
        self._buttons: QWidget | None = None
        self.setProperty("focusPolicy", STRONG_FOCUS)  # setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pointing = False
        if qt_namespace_made():
            self.set_pointing_cursor()
        self.setMinimumSize(150, 118)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.set_summary(summary)

    def set_pointing_cursor(self) -> None:
        """The hand cursor over the card: set once ``Qt`` is built (after the first paint; a
        QCursor needs ``Qt.CursorShape``), by the card or by its calendar (``_after_paint``)."""
        if not self._pointing:
            self._pointing = True
            self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_summary(self, summary: FilingSummary) -> None:
        """Show ``summary`` (a pending card is filled in place once its month is evaluated)."""
        self.summary = summary
        today = self.today
        overdue = summary.overdue(today) and summary.period_open(today)
        self._overdue = overdue
        self.setProperty("status", summary.status)
        self.setProperty("overdue", overdue)
        self.chip.setText(summary.status)
        self.due.setText(f"截止 {summary.due.isoformat()}")
        if summary.status == STATUS_NOT_STARTED and not summary.period_open(today):
            left_text = "本期尚未结束"
        else:
            left_text = summary.deadline_text(today)
        self.left.setText(left_text)
        soon = (
            not overdue
            and summary.status != STATUS_EXPORTED
            and summary.period_open(today)
            and 0 <= summary.days_left(today) <= 7
        )
        self._left_style = "overdue" if overdue else ("soon" if soon else "")
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
        self.text_changed()

    def add_plan_choices(self, previous_period: str) -> None:
        """Next year's plan when this year's exists: 从上一年度复制 (primary) or 新建空白计划."""
        self.detail.setText(f"可在 {previous_period} 年度计划基础上修订")
        self._buttons = QWidget(self)
        row = QHBoxLayout(self._buttons)
        row.setContentsMargins(0, 0, 0, 0)
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
        self._metrics = self._hint = None
        self.updateGeometry()
        self._place_buttons()

    # ------------------------------------------------------------------ geometry and painting

    def text_changed(self) -> None:
        self._hint = None
        self.update()

    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        """Title (15 pt bold, or smaller for a yearly filing's long title), text, bold text."""
        title, text, bold, _rows = self._measured()
        return title, text, bold

    def _rows(self) -> tuple[int, int, int, int]:
        """Heights: the title row (title and chip), one text line, the chip, the buttons."""
        return self._measured()[3]

    def _measured(self) -> tuple[QFont, QFont, QFont, tuple[int, int, int, int]]:
        # Measured again when the widget's font changed (setFont, a style sheet, the app font).
        # Compared here rather than told by changeEvent: a Python event handler run before the
        # first paint makes PySide6 build the Python types of ~50 QEvent subclasses (≈ 6 ms of
        # the cold start, bench/bench_gui_start.py); paintEvent and resizeEvent get exact types.
        font = self.font()
        if self._metrics is None or self._metrics_font != font:
            self._hint = None
            self._metrics_font = font
            text = font
            title = QFont(text)
            title.setPointSizeF(self._title_points)
            title.setBold(True)
            bold = QFont(text)
            bold.setBold(True)
            line = _text_size(text, "截止").height()
            chip = line + 2  # the chip's padding: 1 px above and below
            buttons = self._buttons.sizeHint().height() if self._buttons is not None else 0
            top = max(_text_size(title, self.title.text() or "月").height(), chip)
            self._metrics = (title, text, bold, (top, line, chip, buttons))
        return self._metrics

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        self._measured()  # forgets the hint when the font changed
        if self._hint is None:
            self._hint = self._size_hint()
        return self._hint

    def _size_hint(self) -> QSize:
        title_font, text_font, bold_font = self._fonts()
        top, line, _chip, buttons = self._rows()
        # The title row: title, stretch and chip (padded 8 px each side), 6 px apart.
        widths = [
            _text_size(title_font, self.title.text()).width()
            + 12
            + _text_size(text_font, self.chip.text()).width()
            + 16,
            _text_size(text_font, self.due.text()).width(),
            _text_size(bold_font if self._left_style else text_font, self.left.text()).width(),
            _text_size(text_font, self.detail.text()).width(),
        ]
        if self._buttons is not None:
            widths.append(self._buttons.sizeHint().width())
        left, top_margin, right, bottom = _MARGINS
        width = _EDGE + left + max(widths) + right + 1
        height = 2 + top_margin + top + 3 * (_SPACING + line) + bottom
        if buttons:
            height += _SPACING + buttons
        return QSize(max(width, 150), max(height, 118))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place_buttons()

    def _place_buttons(self) -> None:
        if self._buttons is None:
            return
        left, _top, right, bottom = _MARGINS
        height = self._buttons.sizeHint().height()
        self._buttons.setGeometry(
            _EDGE + left, self.height() - 1 - bottom - height, self.width() - _EDGE - left - right - 1, height
        )

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        status = self.summary.status
        focused = self.hasFocus()
        # The cascade the style sheet had: hover, then focus, then the status edge, then overdue.
        border, edge, fill = "#d9dee5", "#c3cad3", "#ffffff"
        if self._hovered:
            border = edge = "#9db7d6"
        if focused:
            border = edge = "#2f6fb0"
        edge = _STATUS_EDGE.get(status, edge)
        if status == STATUS_EXPORTED:
            fill = "#f3faf8"
        if self._overdue:
            border, edge = "#e57373", "#c62828"
        width = 2 if focused else 1
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        outer = QRectF(self.rect())
        shape = QPainterPath()
        shape.addRoundedRect(outer, _RADIUS, _RADIUS)
        painter.fillPath(shape, _brush(border))
        painter.save()
        painter.setClipRect(QRectF(0, 0, _EDGE, outer.height()))
        painter.fillPath(shape, _brush(edge))
        painter.restore()
        # The body inside the border: each corner's radius is the outer radius less that side's
        # border width, as the style sheet drew it (the thick left edge bulges at its corners).
        inner = outer.adjusted(_EDGE, width, -width, -width)
        painter.fillPath(_body_path(inner, _RADIUS - _EDGE, _RADIUS - width), _brush(fill))

        title_font, text_font, bold_font = self._fonts()
        top_h, line, chip_h, buttons = self._rows()
        left, top_margin, right, bottom = _MARGINS
        x = _EDGE + left
        content_width = self.width() - x - right - 1
        # Extra height goes to the three text lines, as the card's layout shared it.
        free = self.height() - 2 - top_margin - bottom - top_h - 3 * (line + _SPACING)
        if buttons:
            free -= buttons + _SPACING
        extra = max(free, 0) // 3
        y = 1.0 + top_margin
        chip_text = self.chip.text()
        painter.setFont(text_font)
        chip_width = _text_size(text_font, chip_text).width() + 16
        chip = QRectF(x + content_width - chip_width, y, chip_width, chip_h)
        pill = QPainterPath()
        pill.addRoundedRect(chip, 9, 9)
        painter.fillPath(pill, _brush(_CHIP_FILL.get(status, _CHIP_FILL[""])))
        # Each font gets its own kept texts: 0 the text font, 1 bold, 2 + points the title.
        _draw_text(painter, chip, chip_text, "#ffffff", 0, centered=True)
        painter.setFont(title_font)
        row = top_h
        title_key = 2 + int(self._title_points * 10)
        _draw_text(
            painter, QRectF(x, y, content_width - chip_width - 6, row), self.title.text(), _INK, title_key
        )
        y += row + _SPACING
        row = line + extra
        left_color = {"overdue": "#c62828", "soon": "#b26a00"}.get(self._left_style, _MUTED)
        for text, font, color, key in (
            (self.due.text(), text_font, _SUBTITLE, 0),
            (
                self.left.text(),
                bold_font if self._left_style else text_font,
                left_color,
                1 if self._left_style else 0,
            ),
            (self.detail.text(), text_font, _HINT, 0),
        ):
            painter.setFont(font)
            _draw_text(painter, QRectF(x, y, content_width, row), text, color, key)
            y += row + _SPACING
        painter.end()

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802 - Qt override
        self._hovered = True
        self.update()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        self._hovered = False
        self.update()
        super().leaveEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        self.update()
        super().focusOutEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self._activate()
        super().mouseReleaseEvent(event)

    def _activate(self) -> None:
        if self.calendar is not None:
            self.calendar.activated.emit(self.summary)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._activate()
            return
        row = self.calendar.columns if self.calendar is not None else COLUMNS
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Up: -row, Qt.Key.Key_Down: row}
        if event.key() in steps and self.calendar is not None:
            self.calendar._navigate(self, steps[Qt.Key(event.key())])
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
        self.columns = COLUMNS
        """Month cards per row now: as many as fit the calendar's width, at most COLUMNS."""
        self._pending: list[FilingCard] = []
        self._scheduled = False
        self._generation = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        outer.setSpacing(10)

        # Every widget is made with its final parent (a widget moved under the application's
        # style sheet to another parent is styled again).
        head = self._head = QHBoxLayout()
        titles, self.title, self.subtitle = title_block(self)
        head.addLayout(titles, 1)
        # Which monthly form the cards show: a combo box made when the enterprise files more
        # than one (_form_box); the cold start's enterprise files one and builds none.
        self.form_combo: QComboBox | None = None
        self._form_id: str | None = None
        self.prev_year = QPushButton("◀ 上一年", self)
        self.prev_year.clicked.connect(lambda: self.set_year(self.year - 1))
        self.year_label = QLabel(self)
        self.year_label.setProperty("role", "title")
        self.next_year = QPushButton("下一年 ▶", self)
        self.next_year.clicked.connect(lambda: self.set_year(self.year + 1))
        head.addWidget(self.prev_year)
        head.addWidget(self.year_label)
        head.addWidget(self.next_year)
        outer.addLayout(head)

        self.legend = QLabel(
            "颜色：<span style='color:#8a96a3'>■ 未开始</span>　<span style='color:#5b9bd5'>■ 草稿</span>　"
            "<span style='color:#c62828'>■ 有错误</span>　<span style='color:#2e7d32'>■ 可导出</span>　"
            "<span style='color:#00796b'>■ 已导出</span>　红色边框 = 已逾期",
            self,
        )
        self.legend.setProperty("role", "hint")
        self.legend.setWordWrap(True)
        outer.addWidget(self.legend)

        scroll = self._scroll = QScrollArea(self)
        # Parentless: scroll.viewport() would build QDialog's Python type (its return type is
        # resolved); setWidget moves it once, before it is styled.
        body = self.body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(0, 0, 8, 0)
        self.grid = QGridLayout()
        self.grid.setSpacing(GRID_SPACING)
        self.body_layout.addLayout(self.grid)
        self.yearly_title = QLabel("本年度其他填报", body)
        self.yearly_title.setObjectName("yearly_title")  # bold, 8 px above: resources/styles/app.qss
        self.body_layout.addWidget(self.yearly_title)
        self.yearly_grid = QGridLayout()
        self.yearly_grid.setSpacing(GRID_SPACING)
        for column in range(COLUMNS):
            self.grid.setColumnStretch(column, 1)
            self.yearly_grid.setColumnStretch(column, 1)
        self.body_layout.addLayout(self.yearly_grid)
        self.body_layout.addStretch(1)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

    def show_enterprise(self, enterprise: Enterprise, year: int) -> None:
        self.enterprise = enterprise
        self.year = year
        forms = self.cache.forms_for(enterprise, "monthly")
        ids = [spec.id for spec in forms]
        # The form shown stays when the new enterprise files it too, else its first one.
        self._form_id = self._form_id if self._form_id in ids else (ids[0] if ids else None)
        if len(forms) > 1 or self.form_combo is not None:
            combo = self._form_box()
            combo.blockSignals(True)
            combo.clear()
            for spec in forms:
                combo.addItem(spec.title, spec.id)
            combo.setCurrentIndex(ids.index(self._form_id) if self._form_id in ids else 0)
            combo.setVisible(len(forms) > 1)
            combo.blockSignals(False)
        self.refresh()

    def _form_box(self) -> QComboBox:
        """The combo box choosing the monthly form, left of the year buttons (made on first use)."""
        if self.form_combo is None:
            from PySide6.QtWidgets import QComboBox

            combo = self.form_combo = QComboBox(self)
            combo.currentIndexChanged.connect(self._form_chosen)
            self._head.insertWidget(1, combo)  # after the titles, before 「◀ 上一年」
        return self.form_combo

    def _form_chosen(self, _index: int) -> None:
        combo = self.form_combo
        self._form_id = combo.currentData() if combo is not None else None
        self.refresh()

    @property
    def form_id(self) -> str | None:
        """The monthly form whose months the cards show."""
        return self._form_id

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
        form_id = self._form_id
        spec = next((s for s in monthly if s.id == form_id), None)
        if spec is not None:
            for i, summary in enumerate(self.cache.months(enterprise, spec, self.year, evaluate=False)):
                card = FilingCard(summary, self.today, f"{i + 1}月", self)
                self.grid.addWidget(card, i // self.columns, i % self.columns)
                self.cards.append(card)
        self.yearly_title.setText(
            ("本年度其他填报" if monthly else f"{self.year} 年应报送的年度填报")
            if yearly
            else "尚不知道该企业应报送哪些材料：请在“企业信息”中填写国民经济行业代码或勾选所属行业。"
        )
        self.yearly_title.setVisible(True)
        for i, summary in enumerate(yearly):
            card = FilingCard(summary, self.today, yearly_card_title(summary), self, title_points=11.0)
            card.setToolTip(f"{summary.spec.title}（{summary.spec.period_label(summary.period)}）")
            previous = self._previous_plan(enterprise, summary)
            if previous is not None:
                card.add_plan_choices(previous)
                card.planRequested.connect(self.planRequested)
            self._place_yearly(card, i)
            self.cards.append(card)
        self._pending = [c for c in self.cards if c.summary.pending]
        self._scheduled = False
        self._reflow()
        self.update()

    # ------------------------------------------------------------------ columns

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._reflow()

    def columns_for(self, width: int) -> int:
        """How many month cards fit side by side in a calendar ``width`` pixels wide: 4 on a wide
        window, fewer on a narrow one (1366×768 at 150 % leaves the calendar ≈ 600 px), so that
        the year scrolls down, never sideways. A card is never narrower than its texts."""
        months, yearly = self._placed()
        month_width = max((c.sizeHint().width() for c in months), default=0)
        yearly_width = max((c.sizeHint().width() for c in yearly), default=0)
        room = width - GRID_FRAME
        for columns in range(COLUMNS, 1, -1):
            # A yearly card spans two of the (equal) columns (_place_yearly).
            gaps = (columns - 1) * GRID_SPACING
            yearly_need = (yearly_width - GRID_SPACING) * columns / 2 + gaps if yearly else 0
            if max(columns * month_width + gaps, yearly_need) <= room:
                return columns
        return 1

    def _reflow(self) -> None:
        """Lay the cards out again when the width (or a card's texts) changes the column count."""
        columns = self.columns_for(self.width())
        if columns == self.columns:
            return
        self.columns = columns
        for column in range(COLUMNS):
            stretch = 1 if column < columns else 0
            self.grid.setColumnStretch(column, stretch)
            self.yearly_grid.setColumnStretch(column, stretch)
        months, yearly = self._placed()
        for i, card in enumerate(months):
            self.grid.removeWidget(card)
            self.grid.addWidget(card, i // columns, i % columns)
        for i, card in enumerate(yearly):
            self.yearly_grid.removeWidget(card)
            self._place_yearly(card, i)
        if self.isVisible():
            # The scroll area has already been laid out for this size with the old columns: lay
            # the body out now and let the scroll area measure it again (setWidgetResizable
            # does), so that the next frame has no sideways scroll bar for a moment. (Hidden, the
            # layout runs when the calendar is shown.)
            self.body_layout.activate()
            self._scroll.setWidgetResizable(True)

    def _placed(self) -> tuple[list[FilingCard], list[FilingCard]]:
        """The month cards and the yearly cards, each in the order they are laid out."""
        months = [c for c in self.cards if self.grid.indexOf(c) >= 0]
        return months, [c for c in self.cards if self.yearly_grid.indexOf(c) >= 0]

    def _place_yearly(self, card: FilingCard, index: int) -> None:
        """A yearly card: two month columns wide, two to a row, on a 4-column grid (a lone card is
        not a banner); one to a row, two columns wide (or the one), on a narrower one."""
        if self.columns >= COLUMNS:
            self.yearly_grid.addWidget(card, index // 2, (index % 2) * 2, 1, 2)
        else:
            self.yearly_grid.addWidget(card, index, 0, 1, min(self.columns, 2))

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
        for card in self.cards:
            card.set_pointing_cursor()
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
        self._reflow()  # its evaluated texts may be wider than the last known ones
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
