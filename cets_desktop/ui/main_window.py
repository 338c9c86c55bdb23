"""The main window: the navigator pane on the left, calendar or form beside it, findings and
evidence docks.

The window owns the open workspace and at most one open filing (a :class:`FilingSession`).
Questions that need the user (restore a draft, why save, leave unsaved work) go through small
``ask_*`` methods so tests can answer them without dialogs.

It is built in two steps (bench/bench_gui_start.py). The first frame builds only what it shows —
the menu bar's titles, tool bar with its icons, navigator, calendar, status bar — and without the
Python types of ``Qt`` or ``QKeySequence`` (ui/lazy_qt.py: their enums cost the cold start
≈ 50–65 ms). :meth:`MainWindow.finish_window` then adds what is not seen or needs them: the
menus under the titles, keyboard shortcuts, the findings and evidence docks (made there, hidden
on the calendar) and their saved layout, the navigator's context menu, the actions'
connections. The stack's other pages (welcome, form, overview) and the calendar's form combo
box are made when first shown. A window opened on a desk does both steps at once; the cold start
(a glance) does the second right after the first paint, before the workspace is opened
(tests/speed_start/test_built_on_first_use.py).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QAction, QUndoGroup
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core.lean_stdlib import date
from . import recent_workspaces, style_icons
from .lazy_qt import on_first_use
from .month_calendar import CalendarView
from .navigator import Navigator, Node

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QCloseEvent, QKeySequence
    from PySide6.QtWidgets import QDialog, QDockWidget, QFileDialog, QMenu, QMessageBox

    # The workspace (store), the definitions (pydantic, YAML), the rules engine, the panels, the
    # dialogs and the form view are imported where they are first used: the cold start paints the
    # window, the navigator and the calendar from a glance at the workspace (workflow.glance)
    # before any of them is loaded (bench/bench_gui_start.py, tests/speed_start).
    from ..core.loader import FormRegistry
    from ..core.spec import FormSpec
    from ..workflow.desk import Desk
    from ..workflow.glance import WorkspaceGlance
    from ..workflow.plans import CopiedPlan
    from ..workflow.records import Draft
    from ..workflow.status import FilingSummary
    from .enterprise_dialog import EnterpriseData
    from .evidence_panel import EvidencePanel
    from .findings_panel import FindingsPanel
    from .form_view import FormView
    from .history_dialog import HistoryDialog
    from .session import FilingSession

PAGE_WELCOME, PAGE_CALENDAR, PAGE_FORM, PAGE_OVERVIEW = range(4)

if not TYPE_CHECKING:
    # Made when first used (ui/lazy_qt.py): none of them is needed for the first paint.
    Qt = on_first_use("PySide6.QtCore", "Qt")
    QKeySequence = on_first_use("PySide6.QtGui", "QKeySequence")
    QDialog = on_first_use("PySide6.QtWidgets", "QDialog")
    QFileDialog = on_first_use("PySide6.QtWidgets", "QFileDialog")
    QMessageBox = on_first_use("PySide6.QtWidgets", "QMessageBox")

TOOL_BUTTON_TEXT_BESIDE_ICON = 2
"""Qt.ToolButtonStyle.ToolButtonTextBesideIcon's value (qnamespace.h): set as the tool bar's
``toolButtonStyle`` property by name, which takes the int, before ``Qt`` is built."""
NAVIGATOR_WIDTH, NAVIGATOR_MIN_WIDTH = 250, 220
NAVIGATOR_WIDTH_KEY, NAVIGATOR_SHOWN_KEY = "window/navigator_width", "window/navigator_shown"
STANDARD_KEY = "standard:"
"""A shortcut written ``"standard:Save"`` is ``QKeySequence.StandardKey.Save`` (the platform's
own keys); any other text is a portable key sequence such as ``"Ctrl+Shift+E"``."""


def _key_sequence(key: str) -> QKeySequence:
    """``"standard:Save"`` → ``QKeySequence(QKeySequence.StandardKey.Save)``; ``"F5"`` → ``QKeySequence("F5")``."""
    if key.startswith(STANDARD_KEY):
        return QKeySequence(getattr(QKeySequence.StandardKey, key.removeprefix(STANDARD_KEY)))
    return QKeySequence(key)


def _workflow_errors() -> tuple[type[Exception], ...]:
    """``(InputError, WorkspaceError)``, imported when an ``except`` clause needs them."""
    from ..workflow.errors import InputError
    from ..workflow.records import WorkspaceError

    return (InputError, WorkspaceError)


def _workspace_error() -> type[Exception]:
    from ..workflow.records import WorkspaceError

    return WorkspaceError


class WelcomePage(QWidget):
    def __init__(self, parent: QWidget, window: MainWindow) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 60, 60, 60)
        title = QLabel("全国碳市场填报助手", self)
        title.setProperty("role", "title")
        layout.addWidget(title)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setProperty("role", "subtitle")
        layout.addWidget(self.text)
        for label, slot in (
            ("新建我的工作区…", window.choose_new_workspace),
            ("打开工作区…", window.choose_workspace),
            ("从备份恢复工作区…", window.restore_workspace_backup),
            ("先看看演示工作区（沙盒）", window.open_demo),
        ):
            button = QPushButton(label, self)
            button.setProperty("primary", label == "新建我的工作区…")
            button.setMinimumWidth(220)
            button.clicked.connect(slot)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.set_workspace(None)

    def set_workspace(self, desk: Desk | WorkspaceGlance | None) -> None:
        if desk is None:
            self.text.setText(
                "离线准备月度信息化存证、数据质量控制计划和补充数据核算报告。\n"
                "第一次使用：请新建自己的工作区（保存在本机，不联网），或打开已有的工作区、从备份恢复。"
                "演示工作区只供练习，其中的数据不能用于申报。"
            )
        else:
            self.text.setText(
                f"工作区 {desk.path} 中还没有企业。请先新建企业：填写名称、统一社会信用代码、行业和机组。"
            )


class MainWindow(QMainWindow):
    def __init__(self, desk: Desk | None = None, *, glance: WorkspaceGlance | None = None) -> None:
        """The window on ``desk``; or, for the cold start, painted first from ``glance`` (the
        same workspace read straight from SQLite) and opened on the desk right after that first
        paint (:meth:`_open_glanced`)."""
        super().__init__()
        self.setWindowTitle("全国碳市场填报助手")
        self.desk: Desk | None = None
        self.glance: WorkspaceGlance | None = None
        self._findings: FindingsPanel | None = None
        self._evidence: EvidencePanel | None = None
        self.session: FilingSession | None = None
        self.form_view: FormView | None = None
        self.enterprise_id: int | None = None
        self.undo_group = QUndoGroup(self)
        self._filing_docks = [True, True]
        self.actions_by_name: dict[str, QAction] = {}

        # Every widget is made with its final parent: moving a widget under the application's
        # style sheet to another parent styles it again.
        # By keyword: QSplitter(self) is matched against QSplitter(Qt.Orientation, …) first,
        # which builds the Qt namespace.
        self.splitter = QSplitter(parent=self)
        self.splitter.setObjectName("main_splitter")
        # The navigator is the app's main navigation: a fixed pane left of the page (it does not
        # float away), hidden and shown with 「显示导航面板」 (Ctrl+Shift+1) and by focus mode,
        # its width remembered between sessions.
        self.navigator = Navigator(self.splitter)
        self.navigator.nodeActivated.connect(self.show_node)
        self.navigator.newFilingRequested.connect(self.new_filing)
        self.navigator.editEnterpriseRequested.connect(self.edit_enterprise)
        self.navigator.setMinimumWidth(NAVIGATOR_MIN_WIDTH)
        self.stack = QStackedWidget(self.splitter)
        # The stack's pages (welcome, calendar, form, overview) are made when first shown
        # (_page_layout): the cold start builds and styles only the calendar's.
        self._pages: dict[int, tuple[QWidget, QVBoxLayout]] = {}
        self._welcome: WelcomePage | None = None
        self._welcome_source: Desk | WorkspaceGlance | None = None
        self.calendar: CalendarView | None = None
        self.overview: Any = None  # ui.overview.OverviewPage, built on first use
        self.splitter.addWidget(self.navigator)
        self.splitter.addWidget(self.stack)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 0)  # a wider window widens the page, not the navigator
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        # The findings and evidence panels belong to an open filing: their docks (and the View
        # menu's toggles) are made by finish_window, before the saved layout is restored, or on
        # first use (findings_dock); their contents when first shown or used.
        self._findings_dock: QDockWidget | None = None
        self._evidence_dock: QDockWidget | None = None
        self.finished = False
        """finish_window has run (shortcuts, docks placed, saved layout restored)."""
        self._shortcuts: list[tuple[QAction, str | list[str]]] = []
        self._slots: list[tuple[QAction, Any]] = []
        """Actions and what they run, connected by finish_window (each connection costs the
        first frame ≈ 0.1–0.2 ms; nothing can be clicked before that frame is on screen)."""
        self.start_maximized = False
        """The first start on a small screen: shown maximized (show_as_started)."""

        status = self.statusBar()
        self.autosave_label = QLabel("", status)
        self.state_label = QLabel("", status)
        self.summary_label = QLabel("", status)
        status.addWidget(self.state_label)
        status.addWidget(self.summary_label)
        status.addPermanentWidget(self.autosave_label)

        self._build_actions()
        self._build_menus()
        self._restore_geometry()
        if glance is not None and desk is None:
            self._show_glance(glance)
        else:
            self.finish_window()
            self.set_workspace(desk)

    def finish_window(self) -> None:
        """What the first frame does not show and needs ``Qt`` or ``QKeySequence`` (or only
        costs it time): the menus, the actions' connections and keyboard shortcuts, the docks
        and their place in the window, the saved dock layout, the navigator's context menu, the maximized state of
        a first start on a small screen, the icon cache. Runs once."""
        if self.finished:
            return
        self.finished = True
        # Definitions are loaded after the first paint and compiled on first use; all of them
        # are still checked shortly after start-up (_check_definitions), broken ones reported.
        # Not asked for before the first paint: the first singleShot with a receiver makes
        # PySide6 build QMetaMethod's Python type (≈ 1.5 ms of the cold start).
        QTimer.singleShot(2000, self, self._check_definitions)
        self._make_menus()
        self._make_docks()
        for action, slot in self._slots:
            action.triggered.connect(lambda _checked=False, run=slot: run())
        self._slots = []
        for action, keys in self._shortcuts:
            if isinstance(keys, list):
                action.setShortcuts([_key_sequence(k) for k in keys])
            else:
                action.setShortcut(_key_sequence(keys))
        self._shortcuts = []
        area = Qt.DockWidgetArea
        self.addDockWidget(area.BottomDockWidgetArea, self.findings_dock)
        self.addDockWidget(area.RightDockWidgetArea, self.evidence_dock)
        # The evidence panel (lists, tall) takes the right edge down to the status bar; the
        # findings (long lines, wide) the width beside it: both fit a 768 px or 720 px screen.
        self.setCorner(Qt.Corner.BottomRightCorner, area.RightDockWidgetArea)
        state = recent_workspaces.settings().value("window/state")
        if not (isinstance(state, QByteArray) and self.restoreState(state)):
            self.resizeDocks([self.evidence_dock], [270], Qt.Orientation.Horizontal)
            self.resizeDocks([self.findings_dock], [180], Qt.Orientation.Vertical)
        if self.current_page != PAGE_FORM:
            for dock in (self.findings_dock, self.evidence_dock):
                dock.hide()  # a restored layout shows them; they belong to an open filing
        if self.start_maximized and not self.isVisible():
            self.setWindowState(Qt.WindowState.WindowMaximized)
        self.navigator.enable_context_menu()
        style_icons.after_first_paint()  # the next start's first frame needs no QStyle

    # ------------------------------------------------------------------ lazily made parts

    def _page_layout(self, page: int) -> QVBoxLayout:
        """The layout of stack page ``page`` (``PAGE_*``), its host made on first use."""
        made = self._pages.get(page)
        if made is None:
            host = QWidget(self.stack)
            layout = QVBoxLayout(host)
            layout.setContentsMargins(0, 0, 0, 0)
            self.stack.addWidget(host)
            made = self._pages[page] = (host, layout)
        return made[1]

    def _page_host(self, page: int) -> QWidget:
        self._page_layout(page)
        return self._pages[page][0]

    @property
    def current_page(self) -> int:
        """The ``PAGE_*`` the stack shows (PAGE_CALENDAR before any page is shown)."""
        current = self.stack.currentWidget()
        return next((page for page, (host, _l) in self._pages.items() if host is current), PAGE_CALENDAR)

    @property
    def welcome_host(self) -> QWidget:
        return self._page_host(PAGE_WELCOME)

    @property
    def calendar_host(self) -> QWidget:
        return self._page_host(PAGE_CALENDAR)

    @property
    def form_host(self) -> QWidget:
        return self._page_host(PAGE_FORM)

    @property
    def overview_host(self) -> QWidget:
        return self._page_host(PAGE_OVERVIEW)

    @property
    def welcome(self) -> WelcomePage:
        if self._welcome is None:
            layout = self._page_layout(PAGE_WELCOME)
            self._welcome = WelcomePage(self._pages[PAGE_WELCOME][0], self)
            layout.addWidget(self._welcome)
            self._welcome.set_workspace(self._welcome_source)
        return self._welcome

    @property
    def findings_dock(self) -> QDockWidget:
        """The findings dock (made by finish_window, or here when asked for earlier)."""
        if self._findings_dock is None:
            self._make_docks()
        assert self._findings_dock is not None
        return self._findings_dock

    @property
    def evidence_dock(self) -> QDockWidget:
        if self._evidence_dock is None:
            self._make_docks()
        assert self._evidence_dock is not None
        return self._evidence_dock

    def _docks_made(self) -> list[QDockWidget]:
        """The docks made so far (none before finish_window on a cold start)."""
        return [d for d in (self._findings_dock, self._evidence_dock) if d is not None]

    def _make_docks(self) -> None:
        """The findings and evidence docks, hidden, and their toggles in the View menu (before
        专注模式, as 「显示导航面板」's neighbours); their shortcuts are set with the others."""
        if self._findings_dock is not None:
            return
        self._make_menus()
        self._findings_dock = findings = self._dock("校验结果", "findings")
        self._evidence_dock = evidence = self._dock("支撑材料", "evidence")
        evidence.setMinimumWidth(240)
        focus = self.actions_by_name["focus_mode"]
        for dock, shortcut in ((findings, "Ctrl+Shift+2"), (evidence, "Ctrl+Shift+3")):
            dock.visibilityChanged.connect(partial(self._dock_shown, dock))
            toggle = dock.toggleViewAction()
            toggle.setText(f"显示{dock.windowTitle()}面板")
            if self.finished and not self._shortcuts:
                toggle.setShortcut(_key_sequence(shortcut))
            else:
                self._shortcuts.append((toggle, shortcut))
            toggle.setToolTip(f"显示或隐藏「{dock.windowTitle()}」面板（{shortcut}）")
            self.actions_by_name[f"toggle_{dock.objectName()}"] = toggle
            self.view_menu.insertAction(focus, toggle)

    @property
    def registry(self) -> FormRegistry:
        """Every shipped definition (loaded on first use, once per process)."""
        from ..workflow.definitions import registry

        return registry()

    @property
    def findings(self) -> FindingsPanel:
        """The findings panel (made on first use)."""
        if self._findings is None:
            from .findings_panel import FindingsPanel

            panel = FindingsPanel(self.findings_dock)
            panel.jumpRequested.connect(self.jump_to)
            self.findings_dock.setWidget(panel)
            self._findings = panel
        return self._findings

    @property
    def evidence(self) -> EvidencePanel:
        """The evidence panel (made on first use)."""
        if self._evidence is None:
            from .evidence_panel import EvidencePanel

            panel = EvidencePanel()
            panel.jumpRequested.connect(self.jump_to)
            panel.watch_window_drops(self)  # files dropped anywhere on the window come here
            panel.setMinimumWidth(240)
            from .screen_fit import scrolling

            # Scrolls rather than setting the window's minimum height (720 px at 150 %).
            self.evidence_dock.setWidget(scrolling(panel))
            self._evidence = panel
        return self._evidence

    def _dock_shown(self, dock: QDockWidget, visible: bool) -> None:
        if visible and dock.widget() is None:
            _ = self.findings if dock is self.findings_dock else self.evidence

    # ------------------------------------------------------------------ construction

    def _check_definitions(self) -> None:
        """Compile the definitions not yet used; a broken one is dropped and reported, never a crash.

        Not before the workspace is open and the calendar's cards are evaluated: those come first."""
        calendar = self.calendar
        if self.glance is not None or (
            calendar is not None and calendar.isVisible() and not calendar.settled
        ):
            QTimer.singleShot(1000, self, self._check_definitions)
            return
        from ..core.loader import bind_pending

        broken = bind_pending(self.registry)
        if broken:
            names = "；".join(str(e) for e in broken[:3])
            self.statusBar().showMessage(f"有 {len(broken)} 个表单定义文件有误，已停用：{names}", 0)

    def _dock(self, title: str, name: str) -> QDockWidget:
        """A dock, hidden, placed in the window by :meth:`finish_window`."""
        from PySide6.QtWidgets import QDockWidget

        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        dock.hide()
        return dock

    def _action(
        self,
        name: str,
        text: str,
        slot: Any,
        shortcut: str | list[str] | None = None,
        icon: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        """An action; its ``shortcut`` (see :data:`STANDARD_KEY`) is set by finish_window, its
        ``icon`` is the style's standard icon of that name (ui/style_icons.py)."""
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(style_icons.icon(icon))
        if shortcut is not None:
            self._shortcuts.append((action, shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        self._slots.append((action, slot))  # connected by finish_window
        self.actions_by_name[name] = action
        return action

    def _build_actions(self) -> None:
        key = STANDARD_KEY
        self._action("new_workspace", "新建工作区…", self.choose_new_workspace)
        self._action(
            "open_workspace", "打开工作区…", self.choose_workspace, key + "Open", "SP_DialogOpenButton"
        )
        self._action("open_demo", "打开演示工作区（沙盒）", self.open_demo)
        self._action(
            "backup_workspace",
            "备份工作区…",
            self.backup_workspace,
            None,
            None,
            "把数据库和全部支撑材料备份为一个文件（只复制 .cetsdb 会丢失支撑材料）",
        )
        self._action("restore_backup", "从备份恢复工作区…", self.restore_workspace_backup)
        self._action(
            "new_enterprise",
            "新建企业…",
            self.new_enterprise,
            None,
            "SP_FileDialogNewFolder",
            "新建企业：名称、统一社会信用代码、行业、机组，并判断需要哪些填报",
        )
        self._action(
            "new_filing",
            "新建填报…",
            lambda: self.new_filing(self.enterprise_id),
            key + "New",
            "SP_FileIcon",
        )
        self._action(
            "save",
            "保存",
            self.save,
            key + "Save",
            "SP_DialogSaveButton",
            "保存为新版本（需填写原因）（Ctrl+S）",
        )
        self._action(
            "validate",
            "校验",
            self.validate,
            "F5",
            "SP_BrowserReload",
            "重新校验当前填报（F5）",
        )
        self._action(
            "import_excel",
            "从 Excel 导入…",
            self.import_excel,
            "Ctrl+I",
            "SP_ArrowDown",
            "从填好的 Excel 模板导入本期数据",
        )
        self._action(
            "export_template",
            "导出 Excel 模板…",
            self.export_template,
            "Ctrl+Shift+E",
            "SP_ArrowUp",
            "把本期填报导出为 Excel 模板（空白，或含当前数据），在 Excel 中填写后再导入",
        )
        self._action(
            "export",
            "导出申报包…",
            self.export_package,
            "Ctrl+E",
            "SP_DialogApplyButton",
            "检查后导出签名的申报包（ZIP：数据、Excel、PDF、支撑材料）",
        )
        self._action(
            "print", "打印…", self.print_report, key + "Print", None, "生成 PDF 报告并用系统阅读器打开打印"
        )
        self._action(
            "history",
            "修订历史…",
            self.show_history,
            "Ctrl+H",
            None,
            "当前填报的各版本、审计日志、版本比较和恢复旧版本（Ctrl+H）",
        )
        self._action("settings", "设置…", self.open_settings, key + "Preferences")
        self._action("quit", "退出", self.close, key + "Quit")
        undo = self.undo_group.createUndoAction(self, "撤销")
        self._shortcuts.append((undo, [key + "Undo"]))
        undo.setIcon(style_icons.icon("SP_ArrowBack"))
        redo = self.undo_group.createRedoAction(self, "重做")
        self._shortcuts.append((redo, ["Ctrl+Y", "Ctrl+Shift+Z"]))
        redo.setIcon(style_icons.icon("SP_ArrowForward"))
        self.actions_by_name["undo"], self.actions_by_name["redo"] = undo, redo
        self._action("edit_enterprise", "企业信息…", lambda: self.edit_enterprise(self.enterprise_id))
        self._action("acknowledge", "确认选中警告…", lambda: self.findings.acknowledge_selected())
        self._action(
            "calendar",
            "年度日历",
            self.show_calendar,
            "Ctrl+L",
            "SP_FileDialogDetailedView",
            "回到本企业的年度填报日历（Ctrl+L）",
        )
        self._action(
            "overview",
            "工作区总览",
            self.show_overview,
            "Ctrl+Shift+O",
            "SP_FileDialogListView",
            "所有企业的全部填报：状态、截止日期、剩余天数，可按逾期、7 天内到期筛选（Ctrl+Shift+O）",
        )
        self._action("about", "关于", self.about)
        self._action("selftest", "运行环境自检", self.show_selftest)
        # Small screens (1366×768, 150 % scaling): each side panel hides with one key, and focus
        # mode gives the whole window to the form (wide tables such as the fuels' 34 columns).
        navigator = self._action(
            "toggle_navigator",
            "显示导航面板",
            lambda: None,
            "Ctrl+Shift+1",
            None,
            "显示或隐藏「导航」面板（Ctrl+Shift+1）",
        )
        navigator.setCheckable(True)
        navigator.setChecked(True)
        navigator.toggled.connect(self._navigator_toggled)
        focus = self._action(
            "focus_mode",
            "专注模式",
            self.toggle_focus_mode,
            ["F11", "Ctrl+Shift+F"],
            None,
            "隐藏导航、校验结果和支撑材料面板，让表单占满窗口；再按一次恢复（F11）",
        )
        focus.setCheckable(True)
        self._focus_panes: list[QWidget] | None = None

        toolbar = QToolBar("工具栏", self)
        toolbar.setObjectName("toolbar")
        toolbar.setMovable(False)
        # toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon), by name.
        toolbar.setProperty("toolButtonStyle", TOOL_BUTTON_TEXT_BESIDE_ICON)
        for name in (
            "calendar",
            "overview",
            "new_filing",
            "save",
            "undo",
            "redo",
            "validate",
            "export_template",
            "import_excel",
            "export",
        ):
            toolbar.addAction(self.actions_by_name[name])
        self.addToolBar(toolbar)

    def _build_menus(self) -> None:
        """The menu bar's titles; their menus are made by :meth:`_make_menus` (finish_window):
        the first frame shows the titles only, and a menu of the bar is not seen until opened."""
        bar = self.menuBar()
        self._menu_titles = [
            bar.addAction(title) for title in ("文件(&F)", "编辑(&E)", "视图(&V)", "帮助(&H)")
        ]
        self._menus_made = False

    def _make_menus(self) -> None:
        """The menus under the bar's titles (once; before the docks' toggles go into 视图)."""
        if self._menus_made:
            return
        self._menus_made = True
        from PySide6.QtWidgets import QMenu

        a = self.actions_by_name
        bar = self.menuBar()
        menus = []
        for title in self._menu_titles:
            menu = QMenu(title.text(), bar)
            title.setMenu(menu)  # the same title, now opening its menu (as bar.addMenu makes)
            menus.append(menu)
        file_menu, edit, view, help_menu = menus
        for name in ("new_workspace", "open_workspace"):
            file_menu.addAction(a[name])
        self.recent_menu = file_menu.addMenu("最近的工作区")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addAction(a["open_demo"])
        file_menu.addAction(a["backup_workspace"])
        file_menu.addAction(a["restore_backup"])
        file_menu.addSeparator()
        for name in ("new_enterprise", "new_filing"):
            file_menu.addAction(a[name])
        file_menu.addSeparator()
        for name in ("save", "history", "export_template", "import_excel", "export", "print"):
            file_menu.addAction(a[name])
        file_menu.addSeparator()
        file_menu.addAction(a["settings"])
        file_menu.addAction(a["quit"])
        for name in ("undo", "redo"):
            edit.addAction(a[name])
        edit.addSeparator()
        edit.addAction(a["edit_enterprise"])
        edit.addAction(a["acknowledge"])
        view.addAction(a["calendar"])
        view.addAction(a["overview"])
        view.addAction(a["validate"])
        view.addSeparator()
        for name in ("toggle_navigator", "focus_mode"):  # the docks' toggles between: _make_docks
            view.addAction(a[name])
        self.view_menu: QMenu = view
        help_menu.addAction(a["selftest"])
        help_menu.addAction(a["about"])

    def toggle_focus_mode(self) -> None:
        """Hide the navigator and every visible dock (remembering which); again: show exactly
        those again."""
        action = self.actions_by_name["focus_mode"]
        if self._focus_panes is None:
            self._focus_panes = [p for p in (self.navigator, *self._docks_made()) if p.isVisible()]
            for pane in self._focus_panes:
                self._show_pane(pane, False)
            action.setChecked(True)
            self.statusBar().showMessage("专注模式：按 F11 恢复导航和面板", 4000)
        else:
            for pane in self._focus_panes:
                self._show_pane(pane, True)
            self._focus_panes = None
            action.setChecked(False)

    def _show_pane(self, pane: QWidget, visible: bool) -> None:
        if pane is self.navigator:
            self.actions_by_name["toggle_navigator"].setChecked(visible)  # shows or hides it
        else:
            pane.setVisible(visible)

    def _navigator_toggled(self, shown: bool) -> None:
        if not shown and self.navigator.isVisible():
            self._navigator_width = self.splitter.sizes()[0]
        self.navigator.setVisible(shown)
        if shown:
            sizes = self.splitter.sizes()
            total = sum(sizes)
            if total > self._navigator_width:
                self.splitter.setSizes([self._navigator_width, total - self._navigator_width])

    @property
    def navigator_width(self) -> int:
        """The navigator's width now, or (hidden) the width it comes back at."""
        return self.splitter.sizes()[0] if self.navigator.isVisible() else self._navigator_width

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        items = recent_workspaces.recent()
        if not items:
            self.recent_menu.addAction("（无）").setEnabled(False)
        for path in items:
            self.recent_menu.addAction(str(path), partial(self._open_recent, path))

    def _open_recent(self, path: Path) -> None:
        if self.leave_current():
            self.open_workspace(path)

    def _restore_geometry(self) -> None:
        """The window's place and size and the navigator's width and visibility, as the last
        session left them (the docks' layout: finish_window)."""
        settings = recent_workspaces.settings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            # First start: 1280×800, or maximized where that (with its title bar) does not fit
            # (1366×768, 1920×1080 at 150 % = 1280×720).
            screen = self.screen().availableGeometry()
            self.resize(min(1280, screen.width()), min(800, screen.height()))
            self.start_maximized = screen.width() < 1280 + 16 or screen.height() < 800 + 40
        try:
            width = int(str(settings.value(NAVIGATOR_WIDTH_KEY, NAVIGATOR_WIDTH)))
        except ValueError:
            width = NAVIGATOR_WIDTH
        self._navigator_width = max(width, NAVIGATOR_MIN_WIDTH)
        self.splitter.setSizes([self._navigator_width, max(self.width() - self._navigator_width, 1)])
        if str(settings.value(NAVIGATOR_SHOWN_KEY, "true")).lower() == "false":
            self.actions_by_name["toggle_navigator"].setChecked(False)

    def show_as_started(self) -> None:
        """Show the window as the app starts it: maximized on a small screen's first start."""
        if self.start_maximized:
            self.showMaximized()
        else:
            self.show()

    # ------------------------------------------------------------------ workspace

    @property
    def workspace(self) -> Any:
        """The open workspace's store, for tests and diagnostics only; screens go through ``desk``."""
        return self.desk.workspace if self.desk is not None else None

    def set_workspace(self, desk: Desk | None) -> None:
        self.glance = None
        self._present(desk, desk)

    def _show_glance(self, glance: WorkspaceGlance) -> None:
        """The first paint: navigator and calendar from ``glance``, the desk opened right after."""
        self.glance = glance
        self._present(glance, None)

        def after_first_paint() -> None:
            QTimer.singleShot(0, self, self.finish_window)
            QTimer.singleShot(0, self, self._open_glanced)

        if self.calendar is not None:
            self.calendar.framePainted.connect(after_first_paint)
        else:
            after_first_paint()

    def _open_glanced(self) -> None:
        """Open the glanced workspace for real (store, definitions) and show the same view from
        the desk: the cards keep their last known status and are evaluated one by one."""
        glance = self.glance
        if glance is None:
            return
        self.glance = None
        self.finish_window()
        from ..workflow.desk import Desk

        keep = (self.enterprise_id, self.calendar.year if self.calendar is not None else None)
        try:
            desk = Desk.open(glance.path)
        except _workspace_error() as exc:
            QMessageBox.warning(self, "无法打开工作区", str(exc))
            self._present(None, None)
            return
        self._present(desk, desk, keep)

    @property
    def cards_settled(self) -> bool:
        """The workspace is open (not only glanced at) and every calendar card is evaluated."""
        return self.glance is None and (self.calendar is None or self.calendar.settled)

    def _source(self) -> Any:
        """What the screens read: the desk, or before it is open the glance."""
        return self.desk if self.desk is not None else self.glance

    def _present(
        self,
        source: Desk | WorkspaceGlance | None,
        desk: Desk | None,
        keep: tuple[int | None, int | None] | None = None,
    ) -> None:
        self.close_session()
        if self.desk is not None and self.desk is not desk:
            from .background import wait_for_all  # not needed by the first paint

            wait_for_all()
            self.desk.close()
        self.desk = desk
        if self.calendar is not None:
            self.calendar.stop()
            self.calendar.deleteLater()
            self.calendar = None
        read_only = desk.read_only if desk is not None else False
        if source is not None:
            layout = self._page_layout(PAGE_CALENDAR)
            self.calendar = CalendarView(source.status, self.calendar_host, evaluate=desk is not None)
            self.calendar.activated.connect(self.open_summary)
            self.calendar.planRequested.connect(self._start_plan)
            layout.addWidget(self.calendar)
            if desk is not None:
                recent_workspaces.remember(desk.path)
            self.setWindowTitle(f"全国碳市场填报助手 — {source.path.name}{'（只读）' if read_only else ''}")
        notes = list(desk.location_notes) if desk is not None else []
        if source is not None and source.is_sandbox:
            from ..workflow.sandbox import SANDBOX_NOTE

            notes = [SANDBOX_NOTE, *notes]
            self.setWindowTitle(
                f"全国碳市场填报助手 — 演示工作区（沙盒，仅供练习）{'（只读）' if read_only else ''}"
            )
        self._show_location_banner(notes)
        self._welcome_source = source
        if self._welcome is not None:
            self._welcome.set_workspace(source)
        self.navigator.populate(source)  # type: ignore[arg-type]  # a glance reads like a Desk
        enterprises = source.list_enterprises() if source is not None else []
        kept_id, kept_year = keep if keep is not None else (None, None)
        if kept_id is not None and any(e.id == kept_id for e in enterprises):
            self.enterprise_id = kept_id
        else:
            self.enterprise_id = enterprises[0].id if enterprises else None
            kept_year = None
        if self.enterprise_id is not None:
            self.show_calendar(self.enterprise_id, kept_year or self._default_year(self.enterprise_id))
        else:
            self._show_page(PAGE_WELCOME)
        self._update_actions()

    def _show_location_banner(self, notes: list[str]) -> None:
        """A yellow bar under the toolbar while the workspace is read-only or on a network share."""
        banner = getattr(self, "location_banner", None)
        if banner is None and not notes:
            return
        if banner is None:
            self.addToolBarBreak()
            banner = self.location_banner = QToolBar("工作区位置提示", self)
            banner.setObjectName("location_banner")
            banner.setMovable(False)
            from PySide6.QtWidgets import QSizePolicy

            label = QLabel()
            # One line per note, never wrapped: a wrapped label in a tool bar reserves two or
            # three lines (70 px of a 768 px screen); a note too long for the window is cut, and
            # the tooltip holds it whole.
            label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            label.setMinimumWidth(1)
            label.setObjectName("location_banner_label")  # its look: resources/styles/app.qss
            banner.addWidget(label)
            self.location_banner_label = label
            self.addToolBar(banner)  # the top area, as addToolBarBreak() above (no Qt enum needed)
        self.location_banner_label.setText("\n".join(notes))
        self.location_banner_label.setToolTip("\n".join(notes))
        banner.setVisible(bool(notes))

    def open_workspace(self, path: Path) -> bool:
        from ..workflow.desk import Desk

        try:
            desk = Desk.open(path)
        except _workspace_error() as exc:
            QMessageBox.warning(self, "无法打开工作区", str(exc))
            recent_workspaces.forget(path)
            return False
        self.set_workspace(desk)
        return True

    def choose_workspace(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "打开工作区", "", "工作区 (*.cetsdb);;所有文件 (*)")
        if name and self.leave_current():
            self.open_workspace(Path(name))

    def choose_new_workspace(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "新建工作区", "我的工作区.cetsdb", "工作区 (*.cetsdb)")
        if name and self.leave_current():
            path = Path(name)
            if path.suffix != ".cetsdb":
                path = path.with_suffix(".cetsdb")
            self.open_workspace(path)

    def ask_backup_target(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "备份工作区", f"工作区备份-{date.today().isoformat()}.cetsbak", "工作区备份 (*.cetsbak)"
        )
        return Path(name) if name else None

    def ask_restore_paths(self) -> tuple[Path, Path] | None:
        archive, _ = QFileDialog.getOpenFileName(
            self, "选择备份文件", "", "工作区备份 (*.cetsbak);;所有文件 (*)"
        )
        if not archive:
            return None
        target, _ = QFileDialog.getSaveFileName(
            self, "恢复为新的工作区", Path(archive).stem + ".cetsdb", "工作区 (*.cetsdb)"
        )
        return (Path(archive), Path(target)) if target else None

    def backup_workspace(self) -> None:
        from .background import run_with_progress_dialog

        desk = self.desk
        if desk is None:
            return
        target = self.ask_backup_target()
        if target is None:
            return

        def done(result: Any) -> None:
            self.statusBar().showMessage(
                f"已备份到 {result.path}（数据库和 {result.evidence_count} 个支撑材料文件）", 10000
            )

        def failed(exc: BaseException) -> None:
            QMessageBox.warning(self, "备份失败", getattr(exc, "message", None) or str(exc))

        self.backup_job = run_with_progress_dialog(
            self, "备份工作区", "正在备份数据库和支撑材料…", lambda _p, _c: desk.backup(target), done, failed
        )

    def restore_workspace_backup(self) -> None:
        paths = self.ask_restore_paths()
        if paths is None or not self.leave_current():
            return
        archive, target = paths
        from ..workflow.desk import Desk

        try:
            restored = Desk.restore_backup(archive, target)
        except _workflow_errors() as exc:
            QMessageBox.warning(self, "无法恢复", getattr(exc, "message", None) or str(exc))
            return
        self.open_workspace(restored.path)
        self.statusBar().showMessage(
            f"已从 {archive.name} 恢复工作区（支撑材料 {restored.evidence_count} 个）", 10000
        )

    def ask_reset_demo(self) -> bool | None:
        from .demo_workspace import ask_reset_demo

        return ask_reset_demo(self)

    def open_demo(self) -> None:
        """The demo sandbox: rebuilt fresh, unless it holds the user's work (then asked)."""
        from .demo_workspace import demo_path, fresh_demo_workspace

        if not self.leave_current():
            return
        if self.desk is not None and self.desk.path == demo_path().absolute():
            self.set_workspace(None)  # rebuilding replaces the open file
        path = fresh_demo_workspace(ask_reset=self.ask_reset_demo)
        if path is not None:
            self.open_workspace(path)

    def _default_year(self, enterprise_id: int) -> int:
        source = self._source()
        assert source is not None
        years = sorted({int(f.period[:4]) for f in source.list_filings(enterprise_id)})
        this_year = date.today().year
        return this_year if not years or this_year in years else years[-1]

    # ------------------------------------------------------------------ navigation

    def show_node(self, node: Node) -> None:
        if node.kind == "filing" and node.filing_id is not None:
            self.open_filing(node.filing_id)
        elif node.kind == "year" and node.enterprise_id is not None and node.year is not None:
            self.show_calendar(node.enterprise_id, node.year)
        elif node.kind == "enterprise" and node.enterprise_id is not None:
            self.show_calendar(node.enterprise_id, self._default_year(node.enterprise_id))
        elif node.kind == "workspace":
            self.show_overview()

    def show_overview(self) -> None:
        """工作区总览 of every enterprise (a consultant's start page)."""
        if self.desk is None:
            return
        if self.overview is None:
            from .overview import OverviewPage

            self.overview = OverviewPage(self.overview_host)
            self.overview.activated.connect(self._open_overview_row)
            self._page_layout(PAGE_OVERVIEW).addWidget(self.overview)
        self.overview.show_desk(self.desk)
        self._show_page(PAGE_OVERVIEW)

    def _open_overview_row(self, row: Any) -> None:
        self.enterprise_id = row.enterprise.id
        self.open_summary(row.summary)

    def show_calendar(self, enterprise_id: int | None = None, year: int | None = None) -> None:
        source = self._source()
        if source is None or self.calendar is None:
            return
        enterprise_id = enterprise_id or self.enterprise_id
        if enterprise_id is None:
            self._show_page(PAGE_WELCOME)
            return
        enterprise = source.get_enterprise(enterprise_id)
        if enterprise is None:
            return
        self.enterprise_id = enterprise_id
        if self.session is not None:
            self.session.flush()
        self.calendar.show_enterprise(enterprise, year or self.calendar.year)
        self._show_page(PAGE_CALENDAR)
        self.navigator.select_node(Node("year", enterprise_id, self.calendar.year))
        self._update_actions()

    def _show_page(self, page: int) -> None:
        """The findings and evidence docks belong to a filing: out of the way on the calendar
        and the welcome page, back (as the user left them) with the form."""
        current = self.current_page
        if current == PAGE_FORM and page != PAGE_FORM:
            self._filing_docks = [d.isVisible() for d in (self.findings_dock, self.evidence_dock)]
        if page == PAGE_FORM:
            if current != PAGE_FORM:  # a jump within the form keeps focus mode as it is
                docks = (self.findings_dock, self.evidence_dock)
                for dock, visible in zip(docks, self._filing_docks, strict=True):
                    dock.setVisible(visible)
        else:
            for dock in self._docks_made():  # none yet on a cold start's first frame
                dock.hide()
        if page == PAGE_WELCOME:
            self.welcome  # noqa: B018 - made on first use
        self.stack.setCurrentWidget(self._page_host(page))

    def open_summary(self, summary: FilingSummary) -> None:
        if summary.filing is not None:
            self.open_filing(summary.filing.id)
        elif self.enterprise_id is not None:
            self.create_filing(self.enterprise_id, summary.spec, summary.period)

    # ------------------------------------------------------------------ filings

    def ask_restore(self, draft: Draft, current_revision: int) -> bool:
        older = (
            (
                f"\n\n注意：草稿基于第 {draft.base_revision} 版，而该填报已保存到第 {current_revision} 版；"
                "恢复后保存会以草稿内容为准。"
            )
            if draft.base_revision != current_revision
            else ""
        )
        answer = QMessageBox.question(
            self,
            "恢复未保存的修改",
            f"该填报有 {draft.saved_at[:19].replace('T', ' ')} 自动保存的、尚未保存为版本的修改。是否恢复？{older}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_leave(self) -> str:
        """'save', 'keep' (leave the autosaved draft) or 'cancel'."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "有未保存的修改",
            "当前填报有未保存为版本的修改（已自动保存为草稿）。",
            parent=self,
        )
        save = box.addButton("保存为新版本…", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("暂不保存（保留草稿）", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        return "save" if clicked is save else "keep" if clicked is keep else "cancel"

    def ask_save_reason(self) -> str | None:
        from .reason_dialog import ask_reason

        return ask_reason(self, "保存", "请填写本次保存的原因：")

    def leave_current(self) -> bool:
        session = self.session
        if session is None or not session.is_modified:
            return True
        choice = self.ask_leave()
        if choice == "cancel":
            return False
        if choice == "save":
            return self.save()
        session.flush()
        return True

    def close_session(self) -> None:
        """Drop the open filing (its pending autosave is written first; no questions asked)."""
        session = self.session
        if session is None:
            return
        session.flush()
        self.undo_group.removeStack(session.undo_stack)
        if self._findings is not None:
            self._findings.set_session(None)
        if self._evidence is not None:
            self._evidence.set_session(None)
        if self.form_view is not None:
            self.form_view.deleteLater()
            self.form_view = None
        session.deleteLater()
        self.session = None
        self._update_status()

    def open_filing(self, filing_id: int) -> FilingSession | None:
        if self.desk is None:
            return None
        if self.session is not None and self.session.filing_id == filing_id:
            self._show_page(PAGE_FORM)
            return self.session
        if not self.leave_current():
            return None
        try:
            opened = self.desk.open_filing(filing_id)
        except _workflow_errors() as exc:
            QMessageBox.warning(self, "无法打开", getattr(exc, "message", None) or str(exc))
            return None
        document, restored = opened.document, False
        if opened.draft is not None:
            if self.ask_restore(opened.draft, opened.filing.current_revision):
                document, restored = opened.draft.document, True
            else:
                self.desk.discard_draft(filing_id)
        self.close_session()
        from .session import FilingSession

        session = FilingSession(
            self.desk, opened.filing, opened.spec, document, restored_draft=restored, parent=self
        )
        self._attach_session(session)
        return session

    def _attach_session(self, session: FilingSession) -> None:
        self.session = session
        self.enterprise_id = session.filing.enterprise_id
        self.undo_group.addStack(session.undo_stack)
        self.undo_group.setActiveStack(session.undo_stack)
        from .form_view import FormView

        view = FormView(session, self.form_host)
        view.currentPathChanged.connect(self.evidence.set_path)
        view.explainRequested.connect(self.explain)
        view.historyRequested.connect(self.show_history)
        self._page_layout(PAGE_FORM).addWidget(view)
        self.form_view = view
        self.findings.set_session(session)
        self.evidence.set_session(session)
        session.autosaved.connect(self._on_autosaved)
        session.autosaveFailed.connect(
            lambda message: self._set_autosave_text(f"自动保存失败：{message}", error=True)
        )
        session.evaluated.connect(self._update_status)
        session.modifiedChanged.connect(lambda _m: self._update_status())
        session.saved.connect(lambda _n: self._after_save())
        self._show_page(PAGE_FORM)
        self.navigator.select_node(
            Node("filing", session.filing.enterprise_id, int(session.period[:4]), session.filing_id)
        )
        self._set_autosave_text("已恢复自动保存的草稿" if session.is_modified else "")
        self._update_status()
        self._update_actions()
        first = view.panels[0].rows
        if first:
            next(iter(first.values())).editor.widget.setFocus()

    def ask_plan_start(self, spec: FormSpec, period: str, previous_period_: str) -> str | None:
        """ "copy", "blank" or None (cancel): how to start a plan whose predecessor exists."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"新建 {period} 年度计划",
            f"已有 {previous_period_} 年度的{spec.title}。新计划可以在它的基础上修订（推荐），"
            "也可以从空白表单开始。",
            parent=self,
        )
        copy = box.addButton("从上一年度复制", QMessageBox.ButtonRole.AcceptRole)
        blank = box.addButton("新建空白计划", QMessageBox.ButtonRole.ActionRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(copy)
        box.exec()
        clicked = box.clickedButton()
        return "copy" if clicked is copy else "blank" if clicked is blank else None

    def _start_plan(self, summary: FilingSummary, start: str) -> None:
        if self.enterprise_id is not None:
            self.create_filing(self.enterprise_id, summary.spec, summary.period, start)

    def create_filing(
        self, enterprise_id: int, spec: FormSpec, period: str, start: str | None = None
    ) -> FilingSession | None:
        """Create and open a filing. A plan whose previous year exists starts as its copy or blank
        (``start`` "copy" / "blank"; asked when None)."""
        desk = self.desk
        assert desk is not None
        if desk.get_enterprise(enterprise_id) is None:
            return None
        existing = desk.find_filing(enterprise_id, spec.id, period)
        if existing is not None:
            return self.open_filing(existing.id)
        earlier_plan = desk.earlier_plan(enterprise_id, spec, period)
        if earlier_plan is not None and start is None:
            start = self.ask_plan_start(spec, period, earlier_plan.period)
            if start is None:
                return None
        if not self.leave_current():
            return None
        try:
            filing, copied = desk.create_filing(enterprise_id, spec.id, period, start=start or "blank")
        except _workflow_errors() as exc:
            QMessageBox.warning(self, "无法新建填报", getattr(exc, "message", None) or str(exc))
            return None
        self.navigator.populate(desk)
        session = self.open_filing(filing.id)
        if session is not None and copied is not None:
            self.report_plan_copy(copied)
        return session

    def report_plan_copy(self, copied: CopiedPlan) -> None:
        """Say what the copy did and what it asks for (non-blocking; the findings panel keeps the list)."""
        self.findings_dock.show()
        self.findings_dock.raise_()
        lines = [
            f"已由 {copied.source_period} 年度计划复制（新版本 {copied.version}）。",
            "请在“版本及修订”中填写修订日期、修订内容、修订情形和原因；修改后可在 文件 → 修订历史 中比较版本并起草修订说明。",
        ]
        if copied.findings:
            lines.append(f"\n复制时发现 {len(copied.findings)} 项需要核对（也列在校验结果中）：")
            lines += [f"• {f.location or f.path}：{f.message}" for f in copied.findings[:6]]
        self.statusBar().showMessage(lines[0], 10000)
        box = QMessageBox(QMessageBox.Icon.Information, "已复制上一年度计划", "\n".join(lines), parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.plan_copy_box = box
        box.open()

    def new_filing(self, enterprise_id: int | None) -> None:
        if self.desk is None or enterprise_id is None:
            QMessageBox.information(self, "新建填报", "请先打开工作区并选择（或新建）企业。")
            return
        enterprise = self.desk.get_enterprise(enterprise_id)
        if enterprise is None:
            return
        forms = self.desk.forms_for(enterprise) or self.registry.all()
        from .new_filing_dialog import NewFilingDialog

        dialog = NewFilingDialog(forms, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.create_filing(enterprise_id, dialog.spec(), dialog.period())

    # ------------------------------------------------------------------ enterprise

    def new_enterprise(self) -> None:
        if self.desk is None:
            from .demo_workspace import default_user_workspace

            if not self.open_workspace(default_user_workspace()):
                return
        from .enterprise_dialog import EnterpriseDialog

        dialog = EnterpriseDialog(None, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save_enterprise(None, dialog.data())

    def edit_enterprise(self, enterprise_id: int | None) -> None:
        if self.desk is None or enterprise_id is None:
            return
        enterprise = self.desk.get_enterprise(enterprise_id)
        if enterprise is None:
            return
        from .enterprise_dialog import EnterpriseDialog

        dialog = EnterpriseDialog(enterprise, self.desk.list_facilities(enterprise_id), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save_enterprise(enterprise_id, dialog.data())

    def save_enterprise(self, enterprise_id: int | None, data: EnterpriseData) -> int | None:
        assert self.desk is not None
        try:
            enterprise = self.desk.save_enterprise(
                enterprise_id,
                name=data.name,
                uscc=data.uscc,
                industry_code=data.industry_code,
                province=data.province,
                city=data.city,
                sectors=data.sectors,
                settings=data.settings,
                new_facilities=data.new_facilities,
            )
        except _workspace_error() as exc:
            QMessageBox.warning(self, "无法保存企业信息", str(exc))
            return None
        self.enterprise_id = enterprise.id
        self.navigator.populate(self.desk)
        if self.session is not None and self.session.filing.enterprise_id == enterprise.id:
            self.session.document["enterprise"]["name"] = enterprise.name
            self.session.document["enterprise"]["uscc"] = enterprise.uscc
            self.session.evaluate_now()
            self.session.autosave_now()
        else:
            self.show_calendar(enterprise.id, self._default_year(enterprise.id))
        return enterprise.id

    # ------------------------------------------------------------------ editing actions

    def save(self) -> bool:
        session = self.session
        if session is None:
            return False
        session.end_edit()
        if not session.is_modified:
            self.statusBar().showMessage("没有需要保存的修改", 4000)
            return True
        reason = self.ask_save_reason()
        if not reason:
            return False
        try:
            number = session.save(reason)
        except _workflow_errors() as exc:
            QMessageBox.warning(self, "保存失败", getattr(exc, "message", None) or str(exc))
            return False
        if session.last_save_changed:
            self.statusBar().showMessage(f"已保存为第 {number} 版（{reason}）", 6000)
        else:
            self.statusBar().showMessage(f"内容与第 {number} 版相同，未生成新版本", 6000)
        return True

    def _after_save(self) -> None:
        session = self.session
        if session is None:
            return
        self._set_autosave_text(f"已保存 第 {session.base_revision} 版")
        self.navigator.update_filing(session.filing_id)  # that row only (bench/bench_scale.py)
        self._update_status()

    def validate(self) -> None:
        session = self.session
        if session is None:
            return
        session.end_edit()
        session.evaluate_now()
        self.findings_dock.show()
        self.findings_dock.raise_()
        ev = session.evaluation
        if ev is None:
            self.statusBar().showMessage(f"无法校验：{session.document_problem}", 8000)
            return
        if ev.errors:
            self.statusBar().showMessage(f"校验完成：{len(ev.errors)} 项错误需要修改", 8000)
        elif ev.unacknowledged_warnings:
            self.statusBar().showMessage(
                f"校验完成：{len(ev.unacknowledged_warnings)} 项警告需要修改或填写确认理由", 8000
            )
        elif session.is_modified:
            self.statusBar().showMessage("校验通过；保存（Ctrl+S）后即可导出正式申报包", 8000)
        else:
            from ..workflow.records import STATE_DRAFT

            if session.filing.state == STATE_DRAFT and self.desk is not None:
                try:
                    self.desk.mark_validated(session.filing_id)
                except _workspace_error() as exc:
                    QMessageBox.warning(self, "无法更改状态", str(exc))
                session.refresh_filing()
                self.navigator.populate(self.desk)
            self.statusBar().showMessage("校验通过，状态：已校验；可以导出正式申报包", 8000)
        self._update_status()

    def jump_to(self, path: str) -> None:
        if path.startswith("enterprise"):
            self.edit_enterprise(self.enterprise_id)
            return
        if self.form_view is None or not path or path in ("form", "period"):
            return
        self._show_page(PAGE_FORM)
        self.form_view.focus_path(path)
        self.evidence.set_path(path)

    def explain(self, path: str) -> None:
        if self.session is not None:
            from .explain_dialog import ExplainDialog

            ExplainDialog(self.session, path, self).exec()

    def ask_template_target(self, suggested: str) -> tuple[Path, bool] | None:
        """Where to write the template and whether it carries the current data (None: cancel)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "导出 Excel 模板",
            "导出的工作簿可在 Excel 中填写，再用“从 Excel 导入”读回本期填报。\n"
            "含当前数据：已填写的数值一并写入；空白模板：只带企业、期间和预设行。",
            parent=self,
        )
        filled = box.addButton("含当前数据", QMessageBox.ButtonRole.AcceptRole)
        blank = box.addButton("空白模板", QMessageBox.ButtonRole.ActionRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(filled)
        box.exec()
        if box.clickedButton() not in (filled, blank):
            return None
        name, _ = QFileDialog.getSaveFileName(self, "导出 Excel 模板", suggested, "Excel 工作簿 (*.xlsx)")
        if not name:
            return None
        path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        return path, box.clickedButton() is filled

    def export_template(self) -> None:
        """导出 Excel 模板 of the open filing (in the background; the window stays usable)."""
        from .background import run_with_progress_dialog

        session, desk = self.session, self.desk
        if session is None or desk is None:
            QMessageBox.information(self, "导出 Excel 模板", "请先打开（或新建）要导出模板的那一期填报。")
            return
        session.end_edit()
        header = session.document.get("enterprise") or {}
        suggested = f"{header.get('name') or '企业'}_{session.spec.title}_{session.period}.xlsx"
        target = self.ask_template_target(suggested)
        if target is None:
            return
        path, prefilled = target
        document = session.filing_document()

        def op(_progress: Any, _cancelled: Any) -> Path:
            return desk.write_template(session.filing_id, path, document=document, prefilled=prefilled)

        def done(written: Path) -> None:
            self.statusBar().showMessage(
                f"已导出 Excel 模板 {written}（{'含当前数据' if prefilled else '空白'}）", 8000
            )

        def failed(exc: BaseException) -> None:
            QMessageBox.warning(self, "无法导出 Excel 模板", getattr(exc, "message", None) or str(exc))

        self.template_job = run_with_progress_dialog(
            self, "导出 Excel 模板", f"正在写入 {path.name}…", op, done, failed
        )

    def import_excel(self) -> None:
        from .excel_import import import_into_session

        if self.session is None:
            QMessageBox.information(self, "从 Excel 导入", "请先打开（或新建）要导入的那一期填报。")
            return
        name, _ = QFileDialog.getOpenFileName(self, "从 Excel 导入", "", "Excel 工作簿 (*.xlsx *.xlsm)")
        if name:
            import_into_session(self, self.session, Path(name))

    def export_package(self) -> None:
        from .export_wizard import ExportWizard

        if self.session is None or self.desk is None:
            QMessageBox.information(self, "导出申报包", "请先打开要导出的填报。")
            return
        wizard = ExportWizard(self, self.session)
        wizard.exec()
        self.session.refresh_filing()
        self.navigator.populate(self.desk)
        self._update_status()

    # ------------------------------------------------------------------ history

    def history_dialog(self) -> HistoryDialog | None:
        """The history viewer of the open filing (not shown yet), wired to :meth:`restore_revision`."""
        from .history_dialog import HistoryDialog

        session = self.session
        if session is None or self.desk is None:
            return None
        session.end_edit()

        from ..workflow.definitions import definition_of_record

        def spec_for(doc: dict[str, Any]) -> FormSpec | None:
            return (
                definition_of_record(
                    str(doc.get("form")), str(doc.get("form_version")), str(doc.get("period"))
                )
                or session.spec
            )

        dialog = HistoryDialog(self.desk, session.filing, session.spec, spec_for, self)
        filing_id = session.filing_id
        dialog.restoreRequested.connect(
            lambda number: dialog.after_restore(self.restore_revision(filing_id, number))
        )
        return dialog

    def show_history(self) -> None:
        dialog = self.history_dialog()
        if dialog is None:
            QMessageBox.information(self, "修订历史", "请先打开要查看的填报。")
            return
        dialog.exec()
        dialog.deleteLater()

    def ask_confirm_restore(self, number: int, current: int) -> bool:
        answer = QMessageBox.question(
            self,
            "恢复旧版本",
            f"把第 {number} 版的内容另存为新的第 {current + 1} 版（原因“恢复第 {number} 版”）？\n\n"
            f"第 1–{current} 版都会保留，审计日志会记下每处变化；以后仍可再恢复任一版本。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_save_before_restore(self) -> bool:
        answer = QMessageBox.question(
            self,
            "恢复旧版本",
            "当前填报有未保存为版本的修改。恢复旧版本前，需要先把这些修改保存为一个版本（之后仍可在修订历史中找回）。"
            "现在保存吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def restore_revision(self, filing_id: int, number: int) -> int | None:
        """Save revision ``number``'s document as the filing's next revision; its number, or None."""
        desk = self.desk
        if desk is None:
            return None
        session = self.session if self.session is not None and self.session.filing_id == filing_id else None
        if session is not None and session.is_modified:
            if not self.ask_save_before_restore() or not self.save():
                return None
        elif session is None and desk.has_draft(filing_id):
            QMessageBox.information(
                self,
                "恢复旧版本",
                "该填报有自动保存的、尚未保存为版本的修改。请先打开该填报，"
                "保存或放弃这些修改，再恢复旧版本。",
            )
            return None
        filing = desk.get_filing(filing_id)
        if filing is None or desk.get_revision(filing_id, number) is None:
            return None
        if not self.ask_confirm_restore(number, filing.current_revision):
            return None
        try:
            result = desk.restore(filing_id, number)
        except _workflow_errors() as exc:
            QMessageBox.warning(self, "无法恢复", getattr(exc, "message", None) or str(exc))
            return None
        if not result.changed:
            self.statusBar().showMessage(f"第 {number} 版与当前版本内容相同，无需恢复", 6000)
            return None
        if session is not None:
            self.close_session()
            self.open_filing(filing_id)
        self.navigator.populate(desk)
        self.statusBar().showMessage(f"已把第 {number} 版恢复为第 {result.number} 版", 8000)
        return result.number

    def print_report(self) -> None:
        from .export_wizard import print_report

        if self.session is not None:
            print_report(self, self.session)

    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        if self.desk is None:
            return
        dialog = SettingsDialog(self.desk, self.enterprise_id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            dialog.apply()
            self.desk.status.invalidate()
            if self.current_page == PAGE_CALENDAR:
                self.show_calendar()

    def about(self) -> None:
        QMessageBox.about(
            self,
            "关于",
            f"全国碳市场填报助手 cets-desktop {__version__}\n\n"
            "离线准备月度信息化存证、数据质量控制计划和补充数据核算报告。",
        )

    def show_selftest(self) -> None:
        from .selftest import qt_checks

        checks = qt_checks()
        lines = [f"{k}：{v}" for k, v in checks.items()]
        QMessageBox.information(self, "运行环境自检", "\n".join(lines))

    # ------------------------------------------------------------------ status

    def _on_autosaved(self, at: str) -> None:
        self._set_autosave_text(f"已自动保存 {at}")

    def _set_autosave_text(self, text: str, error: bool = False) -> None:
        self.autosave_label.setText(text)
        self.autosave_label.setStyleSheet("color:#c62828" if error else "")

    def _update_status(self) -> None:
        session = self.session
        if session is None:
            self.state_label.setText("")
            self.summary_label.setText("")
            return
        modified = " · 有未保存的修改" if session.is_modified else ""
        self.state_label.setText(
            f"{session.title()} · {session.filing.state} · 第 {session.base_revision} 版{modified}"
        )
        ev = session.evaluation
        if ev is not None:
            self.summary_label.setText(f"错误 {len(ev.errors)}　待处理警告 {len(ev.unacknowledged_warnings)}")

    def _update_actions(self) -> None:
        has_workspace = self._source() is not None
        has_session = self.session is not None
        for name in ("save", "validate", "export_template", "import_excel", "export", "print", "history"):
            self.actions_by_name[name].setEnabled(has_session)
        self.actions_by_name["overview"].setEnabled(has_workspace)
        for name in ("new_enterprise", "settings", "backup_workspace"):
            self.actions_by_name[name].setEnabled(True if name == "new_enterprise" else has_workspace)
        for name in ("new_filing", "edit_enterprise", "calendar"):
            self.actions_by_name[name].setEnabled(has_workspace and self.enterprise_id is not None)

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.leave_current():
            event.ignore()
            return
        self.close_session()
        self.glance = None  # closed before the workspace was opened for real: never open it now
        if self.calendar is not None:
            self.calendar.stop()
        from .background import wait_for_all

        wait_for_all()
        self.finish_window()  # the docks in their place, so the saved layout holds them
        settings = recent_workspaces.settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue(NAVIGATOR_WIDTH_KEY, self.navigator_width)
        settings.setValue(NAVIGATOR_SHOWN_KEY, self.actions_by_name["toggle_navigator"].isChecked())
        if self.desk is not None:
            self.desk.close()
            self.desk = None
        event.accept()

    def settle(self, msecs: int = 50) -> None:
        """Let pending layout and timers run (screenshots)."""
        from PySide6.QtCore import QCoreApplication, QEventLoop

        end = QTimer()
        end.setSingleShot(True)
        loop = QEventLoop()
        end.timeout.connect(loop.quit)
        end.start(msecs)
        loop.exec()
        QCoreApplication.processEvents()
