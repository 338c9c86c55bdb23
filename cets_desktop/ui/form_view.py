"""The guided form of one filing, generated from its definition: one step per section.

A new definition file needs no screen code: steps, fields, tables and master-detail editors
are all built from the spec. The step buttons show each step's open errors and warnings; the
progress bar counts required fields (that currently apply) that are filled.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from . import instance_paths
from .field_panel import FieldPanel
from .form_state import section_index_of
from .repeat_model import severity_icon
from .session import FilingSession

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮"
_OFFICIAL_NUMBER = re.compile(r"^[（(][一二三四五六七八九十]+[)）]\s*")


def step_title(index: int, label: str, chars: int | None = None) -> str:
    """ "① 数据的确定方式": our step number replaces the official "（四）" prefix in the tab.
    ``chars``: keep only that many characters of the title (0: the number alone)."""
    number = CIRCLED[index] if index < len(CIRCLED) else f"{index + 1}."
    text = _OFFICIAL_NUMBER.sub("", label)
    if chars is not None and len(text) > chars:
        text = text[:chars] + "…" if chars else ""
    return f"{number} {text}".rstrip()


class ElidedLabel(QLabel):
    """One line that ends in "…" when it does not fit; the whole text is the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setMinimumWidth(1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(self.width(), 1))
        super().setText(shown)


class FormView(QWidget):
    currentPathChanged = Signal(str)
    explainRequested = Signal(str)
    stepChanged = Signal(int)
    historyRequested = Signal()

    def __init__(self, session: FilingSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        spec = session.spec
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 8, 4)
        layout.setSpacing(6)

        # Three short lines above the form: the title with the required-field progress; the
        # enterprise with the step buttons; the step tabs. No bar of buttons under the form: on a
        # 768 px screen (or 720 at 150 %) every line of height goes to the fields and tables.
        self.title = QLabel()
        self.title.setProperty("role", "title")
        # Official filing names run to 40+ characters (Appendix 5 tables): the title wraps rather
        # than setting the window's minimum width above the screen.
        self.title.setWordWrap(True)
        self.title.setMinimumWidth(1)
        self.subtitle = ElidedLabel()
        self.subtitle.setProperty("role", "subtitle")
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        self.progress_label = QLabel()
        self.progress_label.setProperty("role", "subtitle")
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFixedSize(140, 10)
        self.progress.setTextVisible(False)
        top.addWidget(self.progress_label)
        top.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(top)
        nav = QHBoxLayout()
        nav.setSpacing(6)
        nav.addWidget(self.subtitle, 1)
        layout.addLayout(nav)

        # A tab bar as the step indicator: it elides long section titles and scrolls when a
        # definition has many steps, so the window never grows wider than the screen.
        self.steps = QTabBar()
        self.steps.setProperty("steps", True)
        self.steps.setExpanding(False)
        self.steps.setDrawBase(False)
        # Our own shortening (_fit_steps) ends in one "…"; past that the bar scrolls.
        self.steps.setElideMode(Qt.TextElideMode.ElideNone)
        self.steps.setUsesScrollButtons(True)
        for i, section in enumerate(spec.sections):
            self.steps.addTab(step_title(i, section.label))
            self.steps.setTabToolTip(i, section.description or section.label)
        self.steps.currentChanged.connect(self.set_step)
        layout.addWidget(self.steps)

        self.stack = QStackedWidget()
        self.panels: list[FieldPanel] = []
        self.scrolls: list[QScrollArea] = []
        for section in spec.sections:
            page = QWidget()
            page_layout = QVBoxLayout(page)
            page_layout.setContentsMargins(0, 2, 6, 8)
            page_layout.setSpacing(8)
            heading = QLabel(section.label)
            heading.setProperty("role", "sectionTitle")
            heading.setWordWrap(True)
            page_layout.addWidget(heading)
            if section.description:
                description = QLabel(section.description)
                description.setProperty("role", "sectionDescription")
                description.setWordWrap(True)
                page_layout.addWidget(description)
            panel = FieldPanel(session, section.fields, "", page)
            panel.currentPathChanged.connect(self.currentPathChanged)
            panel.explainRequested.connect(self.explainRequested)
            page_layout.addWidget(panel)
            page_layout.addStretch(1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(page)
            self.stack.addWidget(scroll)
            self.panels.append(panel)
            self.scrolls.append(scroll)
        layout.addWidget(self.stack, 1)

        self.position = QLabel()
        self.position.setProperty("role", "subtitle")
        nav.addWidget(self.position)
        self.history_button = QPushButton("修订历史…")
        self.history_button.setToolTip("各版本、审计日志、版本比较和恢复旧版本（Ctrl+H）")
        self.history_button.clicked.connect(self.historyRequested)
        nav.addWidget(self.history_button)
        self.back = QPushButton("上一步")
        self.back.setToolTip("上一步（Alt+←）")
        self.back.clicked.connect(lambda: self.set_step(self.stack.currentIndex() - 1))
        self.next = QPushButton("下一步")
        self.next.setToolTip("下一步（Alt+→）")
        self.next.setProperty("primary", True)
        self.next.clicked.connect(lambda: self.set_step(self.stack.currentIndex() + 1))
        nav.addWidget(self.back)
        nav.addWidget(self.next)
        QShortcut(QKeySequence("Alt+Left"), self, lambda: self.set_step(self.stack.currentIndex() - 1))
        QShortcut(QKeySequence("Alt+Right"), self, lambda: self.set_step(self.stack.currentIndex() + 1))

        session.evaluated.connect(self.refresh)
        session.saved.connect(lambda _n: self.refresh())
        self.set_step(0)
        self.refresh()

    # ------------------------------------------------------------------ steps

    def current_step(self) -> int:
        return self.stack.currentIndex()

    def set_step(self, index: int) -> None:
        if not 0 <= index < self.stack.count():
            return
        self.stack.setCurrentIndex(index)
        if self.steps.currentIndex() != index:
            self.steps.setCurrentIndex(index)
        self.back.setEnabled(index > 0)
        self.next.setEnabled(index < self.stack.count() - 1)
        self.position.setText(f"第 {index + 1}/{self.stack.count()} 步")
        self.position.setToolTip(f"第 {index + 1} 步，共 {self.stack.count()} 步")
        self._fit_steps()
        self.stepChanged.emit(index)

    def refresh(self) -> None:
        session = self.session
        spec = session.spec
        enterprise = session.document.get("enterprise", {})
        self.title.setText(session.title())
        modified = "（有未保存的修改）" if session.is_modified else ""
        self.subtitle.setText(
            f"{enterprise.get('name', '')}　信用代码 {enterprise.get('uscc', '')}　"
            f"状态：{session.filing.state}　第 {session.base_revision} 版{modified}"
        )
        state = session.state
        self.progress.setValue(round(state.progress * 100))
        self.progress_label.setText(f"必填项已填 {state.required_filled} / {state.required_total}")
        counts = [[0, 0] for _ in spec.sections]
        ev = session.evaluation
        for finding in ev.findings if ev else []:
            index = section_index_of(spec, finding.path)
            if index is None:
                continue
            if finding.severity == "error":
                counts[index][0] += 1
            elif finding.severity == "warning" and not finding.acknowledged:
                counts[index][1] += 1
        self._step_marks = []
        for i, section in enumerate(spec.sections):
            errors, warnings = counts[i]
            self._step_marks.append("" if errors or warnings else " ✓")
            severity = "error" if errors else "warning" if warnings else None
            self.steps.setTabIcon(i, severity_icon(severity) if severity else QIcon())
            detail = f"错误 {errors} 项，待处理警告 {warnings} 项" if severity else "本步没有待处理的问题"
            self.steps.setTabToolTip(i, f"{section.label}\n{section.description or ''}\n{detail}".strip())
        self._fit_steps()

    def _fit_steps(self) -> None:
        """The current step's full title; the others shortened (then to their number) when the
        titles do not fit, instead of Qt eliding every tab to a character or two."""
        marks = getattr(self, "_step_marks", None)
        sections = self.session.spec.sections
        if not marks or len(marks) != len(sections):
            return
        bar = self.steps
        available = bar.width() - 8
        current = self.stack.currentIndex()
        # Never shorter than four characters ("② 重点排放…" stays readable); when even that does
        # not fit, the bar scrolls and every tooltip holds the full title.
        for chars in (None, 10, 8, 6, 4):
            for i, section in enumerate(sections):
                short = None if i == current else chars
                bar.setTabText(i, step_title(i, section.label, short) + marks[i])
            if sum(bar.tabSizeHint(i).width() for i in range(bar.count())) <= available:
                break

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_steps()

    # ------------------------------------------------------------------ navigation from findings

    def editor_at(self, path: str) -> Any:
        """The widget that edits ``path``: a FieldEditor for a field of a form, or the
        RepeatTableEditor holding it (rows of enclosing master-detail repeats get selected)."""
        from .master_detail import MasterDetailEditor

        index = section_index_of(self.session.spec, path)
        if index is None:
            return None
        self.set_step(index)
        panel: FieldPanel = self.panels[index]
        parts = instance_paths.parse(path)
        while parts:
            name = str(parts.pop(0))
            if name in panel.rows and not parts:
                return panel.rows[name].editor
            editor = panel.repeats.get(name)
            if editor is None:
                return None
            if (
                isinstance(editor, MasterDetailEditor)
                and parts
                and isinstance(parts[0], int)
                and len(parts) > 1
            ):
                editor.select_row(int(parts.pop(0)))
                if not isinstance(editor.detail, FieldPanel):
                    return None
                panel = editor.detail
                continue
            return editor
        return None

    def focus_path(self, path: str) -> QWidget | None:
        """Show the step holding ``path``, select its rows, focus and flash the field."""
        index = section_index_of(self.session.spec, path)
        if index is None:
            return None
        self.set_step(index)
        found = self.panels[index].focus(instance_paths.parse(path))
        if found is not None:
            self.scrolls[index].ensureWidgetVisible(found, 40, 80)
        return found
