"""支撑材料 dock: the evidence files behind the current field, and what is still missing.

Files dropped on the panel (or chosen with 添加…) are copied into the workspace's
content-addressed evidence store in the background (they may be large scans); the filing
document then gets an evidence reference whose path is the field instance path. Dropped with no
field selected, they open the mapping dialog (file → fields, pre-ticked) instead.

One document can back many fields (批量附上…: one stored file, one reference per ticked field,
several files at once with a mapping), the 全部文件 tab shows each document once with the fields it
covers, and 从上月沿用… carries a recurring document into this period with a reason. The choices
are collected by the dialogs of ``evidence_attach_dialog``; ``workflow.evidence`` computes the new
evidence list and the session applies it as one undo step.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.workspace_checks import period_label
from ..workflow import evidence as evidence_flow
from ..workflow.errors import InputError
from ..workflow.records import WorkspaceError
from .background import BackgroundJob, run_in_background
from .evidence_attach_dialog import CarryOverDialog, EvidenceMappingDialog
from .form_state import field_for_path, location_label
from .session import FilingSession
from .stylesheet import set_style_property

ROLE_KEY = Qt.ItemDataRole.UserRole + 1
ROLE_DOC = Qt.ItemDataRole.UserRole + 2
EVIDENCE_FILTER = (
    "支撑材料 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.xlsx *.xls *.docx *.doc *.zip);;所有文件 (*)"
)


DROP_HINT_FIELD = "把文件拖到这里即可附上（盖章台账扫描件、检测报告、结算单等）"
DROP_HINT_MAPPING = "把文件拖到这里（可多个）：未选字段时，会逐个文件列出它对应的数据项，勾选确认后附上"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


class _WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text at the view's width (QTreeView alone never wraps
    Chinese text in a size hint)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802 - Qt override
        view = self.parent()
        depth, up = 0, index.parent()
        while up.isValid():
            depth, up = depth + 1, up.parent()
        assert isinstance(view, QTreeWidget)
        width = max(60, view.viewport().width() - view.indentation() * (depth + 1) - 8)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect = opt.fontMetrics.boundingRect(QRect(0, 0, width, 100000), Qt.TextFlag.TextWordWrap, opt.text)
        return QSize(width, rect.height() + 6)


COMPACT_HEIGHT = 96
"""What the lists ask for: in the dock's scroll area the panel is as tall as its parts ask, so
asking little keeps the to-do list on a 768-pixel screen; extra height goes by stretch."""


class _CompactTree(QTreeWidget):
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().sizeHint().width(), COMPACT_HEIGHT)


class _CompactList(QListWidget):
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().sizeHint().width(), COMPACT_HEIGHT)


class _WrappingTree(_CompactTree):
    def __init__(self) -> None:
        super().__init__()
        self.setItemDelegate(_WrapDelegate(self))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()


class _WindowDrops(QObject):
    """The window's drag and drop, handed to the evidence panel (an event filter on the window)."""

    def __init__(self, panel: EvidencePanel) -> None:
        super().__init__(panel)
        self.panel = panel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(event, QDragMoveEvent):
            if self.panel.accepts_drop(event.mimeData()):
                event.acceptProposedAction()
                return True
            return False
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
            if self.panel.drop_files(paths):
                event.acceptProposedAction()
                return True
        return False


class EvidencePanel(QWidget):
    jumpRequested = Signal(str)
    attached = Signal(int)
    """Number of files attached by the last add (after the background copy finished)."""
    attachFailed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session: FilingSession | None = None
        self.path = ""
        self.job: BackgroundJob[Any] | None = None
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)

        self.place = QLabel("未选择字段")
        self.place.setWordWrap(True)
        self.place.setStyleSheet("font-weight:bold")
        layout.addWidget(self.place)
        self.requirement = QLabel()
        self.requirement.setWordWrap(True)
        layout.addWidget(self.requirement)

        many = QHBoxLayout()
        self.attach_many_button = QPushButton("批量附上…")
        self.attach_many_button.setToolTip(
            "选择一个或多个文件，为每个文件勾选它支撑的数据项（可跨机组）：一份盖章生产月报即可支撑多项"
        )
        self.attach_many_button.clicked.connect(self.choose_many)
        self.carry_button = QPushButton("从上月沿用…")
        self.carry_button.setToolTip(
            "把上期附上、跨月有效的文件（如年度检定证书、合同）沿用到本期，并写明理由"
        )
        self.carry_button.clicked.connect(self.carry_from_previous)
        many.addWidget(self.attach_many_button)
        many.addWidget(self.carry_button)
        many.addStretch(1)
        layout.addLayout(many)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        here = QWidget()
        here_layout = QVBoxLayout(here)
        here_layout.setContentsMargins(0, 4, 0, 0)
        self.files = _CompactTree()
        self.files.setHeaderLabels(["文件", "大小", "SHA-256"])
        self.files.setRootIsDecorated(False)
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.files.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.files.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.files.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.files.itemDoubleClicked.connect(lambda *_: self.open_selected())
        self.files.currentItemChanged.connect(lambda *_: self._update_buttons())
        here_layout.addWidget(self.files, 1)

        self.drop_hint = drop = QLabel(DROP_HINT_FIELD)
        drop.setProperty("role", "hint")
        drop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        drop.setWordWrap(True)
        drop.setStyleSheet("border:1px dashed #c3cad3; border-radius:4px; padding:8px")
        here_layout.addWidget(drop)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加…")
        self.add_button.clicked.connect(self.choose_files)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton("移除")
        self.remove_button.clicked.connect(self.remove_selected)
        self.more_button = QPushButton("对应项…")
        self.more_button.setToolTip("这份文件还支撑哪些数据项（可跨机组勾选）")
        self.more_button.clicked.connect(lambda: self.edit_document(self.selected_sha()))
        for b in (self.add_button, self.open_button, self.remove_button, self.more_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        here_layout.addLayout(buttons)
        self.tabs.addTab(here, "本项")

        every = QWidget()
        every_layout = QVBoxLayout(every)
        every_layout.setContentsMargins(0, 4, 0, 0)
        # One column that wraps: the dock is narrow, and a clerk must read whole file names and
        # whole places (机组「2号机组」› 燃料「烟煤」› 燃料消耗量), not "2026年10月…".
        self.documents = _WrappingTree()
        self.documents.setColumnCount(1)
        self.documents.setHeaderHidden(True)
        self.documents.setWordWrap(True)
        self.documents.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.documents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.documents.setIndentation(12)
        self.documents.header().setStretchLastSection(True)
        self.documents.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.documents.itemDoubleClicked.connect(self._document_item_activated)
        self.documents.currentItemChanged.connect(lambda *_: self._update_buttons())
        every_layout.addWidget(self.documents, 1)
        doc_buttons = QHBoxLayout()
        self.edit_document_button = QPushButton("调整对应项…")
        self.edit_document_button.setToolTip("勾选或取消这份文件支撑的数据项")
        self.edit_document_button.clicked.connect(self.edit_selected_document)
        self.detach_button = QPushButton("移除文件")
        self.detach_button.setToolTip("把这份文件从它对应的全部数据项上移除（可撤销）")
        self.detach_button.clicked.connect(self.detach_selected_document)
        for b in (self.edit_document_button, self.detach_button):
            doc_buttons.addWidget(b)
        doc_buttons.addStretch(1)
        every_layout.addLayout(doc_buttons)
        self.tabs.addTab(every, "全部文件")

        # The to-do list is a tab of its own: on a 768-pixel screen it gets the panel's whole
        # height when chosen, instead of a few rows under the other lists.
        todo = QWidget()
        todo_layout = QVBoxLayout(todo)
        todo_layout.setContentsMargins(0, 4, 0, 0)
        self.missing_title = QLabel()
        self.missing_title.setWordWrap(True)
        todo_layout.addWidget(self.missing_title)
        self.missing = _CompactList()
        self.missing.setTextElideMode(Qt.TextElideMode.ElideLeft)
        # Whole locations ("机组「1号机组」› 燃料「烟煤」› 燃料消耗量") on two lines, not "…号机组」›".
        self.missing.setWordWrap(True)
        self.missing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.missing.itemClicked.connect(lambda item: self.jumpRequested.emit(str(item.data(ROLE_KEY))))
        self.missing.itemActivated.connect(lambda item: self.jumpRequested.emit(str(item.data(ROLE_KEY))))
        todo_layout.addWidget(self.missing, 1)
        self.tabs.addTab(todo, "缺少")
        layout.addWidget(self.tabs, 1)

        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.refresh()

    # ------------------------------------------------------------------ binding

    def set_session(self, session: FilingSession | None) -> None:
        if self.session is not None:
            for signal in (self.session.evaluated, self.session.evidenceChanged):
                try:
                    signal.disconnect(self.refresh)
                except (RuntimeError, TypeError):
                    pass
        self.session = session
        self.path = ""
        if session is not None:
            session.evaluated.connect(self.refresh)
            session.evidenceChanged.connect(self.refresh)
        self.refresh()
        if session is not None and self.missing.count():
            self.tabs.setCurrentIndex(2)  # a filing just opened: what is still missing comes first

    def set_path(self, path: str) -> None:
        """Follow the field the user is on (form focus or table cell)."""
        if path != self.path:
            self.path = path
            self.refresh()

    def refresh(self) -> None:
        session = self.session
        self.files.clear()
        self.missing.clear()
        enabled = session is not None and bool(self.path)
        self.add_button.setEnabled(enabled and not self.busy)
        self.attach_many_button.setEnabled(session is not None and not self.busy)
        self.carry_button.setEnabled(session is not None and not self.busy)
        self.missing.setVisible(session is not None)
        self._refresh_documents()
        if session is None:
            self.place.setText("未打开填报")
            self.requirement.setText("")
            self.missing_title.setText("")
            self._update_buttons()
            return
        self.drop_hint.setText(DROP_HINT_FIELD if self.path else DROP_HINT_MAPPING)
        if not self.path:
            self.place.setText("请在表单中选择一个字段")
            self.requirement.setText("")
        else:
            self.place.setText(location_label(session.spec, session.values, self.path) or self.path)
            f = field_for_path(session.spec, self.path)
            missing_here = any(x.code == "GEN-006" for x in session.state.findings_at(self.path))
            if f is not None and f.evidence is not None:
                kinds = "、".join(f.evidence.kinds) or "支撑材料"
                text = f"需要：{kinds}。{f.evidence.description}"
                self.requirement.setText(("缺少支撑材料 — " if missing_here else "") + text)
                set_style_property(
                    self.requirement, "role", "banner-warning" if missing_here else "banner-ok"
                )
            else:
                self.requirement.setText("本项没有支撑材料要求；如有需要仍可附上文件。")
                set_style_property(self.requirement, "role", "hint")
            covers = self._covers()
            for ref in session.evidence_for(self.path):
                sha = str(ref.get("sha256", ""))
                carried = ref.get("carried") if isinstance(ref.get("carried"), dict) else None
                name = str(ref.get("name", ""))
                item = QTreeWidgetItem(
                    [
                        name + ("（沿用）" if carried else ""),
                        human_size(int(ref.get("size") or 0)),
                        sha[:12] + "…",
                    ]
                )
                item.setData(0, ROLE_KEY, ref.get("sha256"))
                extra = f"\n同一文件共支撑本填报 {covers.get(sha, 1)} 项" if covers.get(sha, 1) > 1 else ""
                if carried:
                    extra += (
                        f"\n沿用自{period_label(str(carried.get('period') or ''))}："
                        f"{carried.get('reason') or ''}"
                    )
                item.setToolTip(
                    0,
                    f"{name}\n类型：{ref.get('kind') or '支撑材料'}\n"
                    f"附上时间：{ref.get('attached_at') or ''}\nSHA-256：{ref.get('sha256')}{extra}",
                )
                item.setToolTip(2, str(ref.get("sha256")))
                self.files.addTopLevelItem(item)
        ev = session.evaluation
        gaps = [f for f in ev.findings if f.code == "GEN-006"] if ev else []
        open_gaps = [f for f in gaps if not f.acknowledged]
        self.tabs.setTabText(2, f"缺少（{len(open_gaps)}）" if open_gaps else "缺少")
        if gaps:
            self.missing_title.setText(f"本填报缺少支撑材料的项（{len(open_gaps)}）")
        elif session.state.numbers_typed == 0:
            # Nothing typed yet: "complete" would be a false comfort.
            self.missing_title.setText("尚未填写数值：填写后，这里列出每项需要的支撑材料")
        else:
            self.missing_title.setText("本填报的支撑材料已齐全")
        for finding in gaps:
            gap = QListWidgetItem(finding.location or finding.path)
            gap.setData(ROLE_KEY, finding.path)
            gap.setToolTip(finding.message)
            if finding.path == self.path:
                gap.setBackground(Qt.GlobalColor.yellow)
            self.missing.addItem(gap)
        self._update_buttons()

    def _covers(self) -> dict[str, int]:
        if self.session is None:
            return {}
        return {
            d.sha256: len(d.paths)
            for d in evidence_flow.evidence_documents(self.session.document["evidence"])
        }

    def _refresh_documents(self) -> None:
        """全部文件: each attached document once, with every field it backs."""
        session = self.session
        selected = self.selected_document()
        self.documents.clear()
        docs = evidence_flow.evidence_documents(session.document["evidence"]) if session is not None else []
        self.tabs.setTabText(1, f"全部文件（{len(docs)}）" if docs else "全部文件")
        for doc in docs:
            carried = f"，沿用自{period_label(doc.carried_period)}" if doc.carried else ""
            top = QTreeWidgetItem([f"{doc.name}（对应 {len(doc.paths)} 项{carried}）"])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setData(0, ROLE_DOC, doc.sha256)
            tip = f"{doc.name}\n类型：{doc.kind or '支撑材料'}\n大小：{human_size(doc.size)}\nSHA-256：{doc.sha256}"
            if doc.carried:
                tip += f"\n沿用自{period_label(doc.carried_period)}，理由：{doc.carried_reason}"
            top.setToolTip(0, tip)
            for path in doc.paths:
                assert session is not None
                child = QTreeWidgetItem([location_label(session.spec, session.values, path) or path])
                child.setData(0, ROLE_KEY, path)
                child.setData(0, ROLE_DOC, doc.sha256)
                child.setToolTip(0, child.text(0) + "\n双击跳到该字段")
                top.addChild(child)
            self.documents.addTopLevelItem(top)
            if doc.sha256 == selected:
                self.documents.setCurrentItem(top)

    def selected_document(self) -> str | None:
        item = self.documents.currentItem()
        return str(item.data(0, ROLE_DOC)) if item is not None and item.data(0, ROLE_DOC) else None

    def _document_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        path = item.data(0, ROLE_KEY)
        if path:
            self.jumpRequested.emit(str(path))
        else:
            self.edit_selected_document()

    @property
    def busy(self) -> bool:
        return self.job is not None and not self.job.finished

    def _update_buttons(self) -> None:
        has = self.files.currentItem() is not None
        self.open_button.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.more_button.setEnabled(has and not self.busy)
        doc = self.selected_document() is not None and not self.busy
        self.edit_document_button.setEnabled(doc)
        self.detach_button.setEnabled(doc)

    # ------------------------------------------------------------------ attaching

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "选择支撑材料", "", EVIDENCE_FILTER)
        if names:
            self.attach_files([Path(n) for n in names])

    def attach_files(self, paths: list[Path], path: str | None = None) -> BackgroundJob[Any] | None:
        """Copy ``paths`` into the evidence store off the GUI thread, then reference them."""
        session = self.session
        target = path or self.path
        if session is None or not target or self.busy:
            return None
        desk = session.desk
        files = [Path(p) for p in paths if Path(p).is_file()]
        if not files:
            self.status.setText("没有可附上的文件：只能附上文件，文件夹和已不存在的文件会被忽略。")
            return None
        kinds = field_for_path(session.spec, target)
        kind = (
            kinds.evidence.kinds[0] if kinds is not None and kinds.evidence and kinds.evidence.kinds else None
        )

        def op(progress: Any, cancelled: Any) -> list[dict[str, Any]]:
            refs = []
            for number, file in enumerate(files):
                if cancelled():
                    break
                progress(number, len(files))
                record = desk.add_evidence_file(file)
                refs.append(
                    {
                        "path": target,
                        "sha256": record.sha256,
                        "name": record.name,
                        "size": record.size,
                        "kind": kind,
                        "attached_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                    }
                )
            return refs

        def done(refs: list[dict[str, Any]]) -> None:
            if self.session is session:
                session.add_evidence(refs)
            self.status.setText(f"已附上 {len(refs)} 个文件")
            self.add_button.setEnabled(True)
            self.attached.emit(len(refs))

        def failed(exc: BaseException) -> None:
            message = str(exc) if isinstance(exc, WorkspaceError) else f"无法附上文件：{exc}"
            self.status.setText(message)
            self.add_button.setEnabled(True)
            self.attachFailed.emit(message)

        self.status.setText(f"正在复制 {len(files)} 个文件到工作区证据库…")
        self.add_button.setEnabled(False)
        self.job = run_in_background(op, done, failed)
        return self.job

    # ------------------------------------------------------------------ one document, many fields

    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a dialog modally (tests replace this to fill the dialog in and accept it)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def pick_files(self) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(self, "选择支撑材料（可多选）", "", EVIDENCE_FILTER)
        return [Path(n) for n in names]

    def targets(self) -> list[evidence_flow.EvidenceTarget] | None:
        """The filing's fields that need evidence, as it stands now (None: not readable now)."""
        if self.session is None:
            return None
        try:
            return evidence_flow.evidence_targets(self.session.spec, self.session.document)
        except InputError as exc:
            self.status.setText(f"填报内容暂时无法读取，请先改正后再附上：{exc}")
            return None

    def choose_many(self) -> None:
        files = self.pick_files()
        if files:
            self.attach_many(files)

    def attach_many(self, paths: list[Path]) -> BackgroundJob[Any] | None:
        """Several files (or one) with a mapping to the fields each backs: the dialog collects the
        ticks, the files are copied off the GUI thread, then one undo step adds every reference."""
        session = self.session
        if session is None or self.busy:
            return None
        files = [Path(p) for p in paths if Path(p).is_file()]
        if not files:
            self.status.setText("没有可附上的文件：只能附上文件，文件夹和已不存在的文件会被忽略。")
            return None
        targets = self.targets()
        if targets is None:
            return None
        if not targets:
            self.status.setText("本填报目前没有需要支撑材料的数据项：填写数值后再附上。")
            return None
        dialog = EvidenceMappingDialog(targets, files, parent=self)
        if not self.run_dialog(dialog):
            self.status.setText("已取消：没有附上文件。")
            return None
        plans = [p for p in dialog.plans() if p.paths]
        if not plans:
            return None
        desk = session.desk

        def op(progress: Any, cancelled: Any) -> list[evidence_flow.StoredFile]:
            return evidence_flow.store_files(desk, [p.source for p in plans], progress, cancelled)

        def done(stored: list[evidence_flow.StoredFile]) -> None:
            attached = plans[: len(stored)]
            text = evidence_flow.attach_summary(attached, targets)
            if self.session is not session:
                self.status.setText("文件已存入工作区证据库；填报已切换，未附上，请在原填报中重新附上。")
            elif attached:
                evidence = evidence_flow.attach_plans(session.document["evidence"], attached, stored, targets)
                session.replace_evidence(evidence, text)
                self.status.setText("已" + text)
            else:
                self.status.setText("已取消：没有附上文件。")
            self._job_ended()
            self.attached.emit(len(stored))

        self.status.setText(f"正在复制 {len(plans)} 个文件到工作区证据库…")
        self._job_started()
        self.job = run_in_background(op, done, self._job_failed)
        return self.job

    def _job_started(self) -> None:
        for b in (self.add_button, self.attach_many_button, self.carry_button):
            b.setEnabled(False)

    def _job_ended(self) -> None:
        self.job = None
        self.refresh()

    def _job_failed(self, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, WorkspaceError) else f"无法附上文件：{exc}"
        self.status.setText(message)
        self._job_ended()
        self.attachFailed.emit(message)

    def _document(self, sha256: str | None) -> evidence_flow.EvidenceDocument | None:
        if self.session is None or not sha256:
            return None
        docs = evidence_flow.evidence_documents(self.session.document["evidence"])
        return next((d for d in docs if d.sha256 == sha256), None)

    def edit_selected_document(self) -> None:
        self.edit_document(self.selected_document())

    def edit_document(self, sha256: str | None) -> bool:
        """Tick or untick the fields an attached document backs (unticking all detaches it)."""
        session = self.session
        doc = self._document(sha256)
        targets = self.targets()
        if session is None or doc is None or targets is None:
            return False
        dialog = EvidenceMappingDialog(targets, document=doc, parent=self)
        if not self.run_dialog(dialog):
            return False
        paths = dialog.paths()
        if paths:
            evidence = evidence_flow.with_document_paths(
                session.document["evidence"], doc.sha256, paths, targets
            )
            text = f"调整「{doc.name}」对应的数据项（{len(paths)} 项）"
        else:
            evidence = evidence_flow.without_document(session.document["evidence"], doc.sha256)
            text = f"移除支撑材料「{doc.name}」"
        session.replace_evidence(evidence, text)
        self.status.setText(f"已{text}")
        return True

    def detach_selected_document(self) -> None:
        session = self.session
        doc = self._document(self.selected_document())
        if session is None or doc is None:
            return
        session.replace_evidence(
            evidence_flow.without_document(session.document["evidence"], doc.sha256),
            f"移除支撑材料「{doc.name}」（{len(doc.paths)} 项）",
        )
        self.status.setText(f"已从 {len(doc.paths)} 项移除「{doc.name}」；可用撤销恢复。")

    def carry_from_previous(self) -> bool:
        """从上月沿用: last period's documents, the user picks and writes a reason."""
        session = self.session
        if session is None:
            return False
        try:
            candidates = evidence_flow.previous_carry_candidates(
                session.desk, session.filing_id, session.document
            )
        except (InputError, WorkspaceError) as exc:
            self.status.setText(getattr(exc, "message", None) or str(exc))
            return False
        if not candidates:
            self.status.setText("没有上期填报，或上期没有附支撑材料：没有可沿用的文件。")
            return False
        dialog = CarryOverDialog(candidates, parent=self)
        if not self.run_dialog(dialog):
            self.status.setText("已取消：没有沿用文件。")
            return False
        picked = dialog.picked()
        try:
            evidence = evidence_flow.carry_over(
                session.document["evidence"],
                picked,
                dialog.reason_text(),
                self.targets() or [],
                by=session.desk.actor,
            )
        except InputError as exc:
            self.status.setText(exc.message)
            return False
        text = evidence_flow.carry_summary(picked)
        session.replace_evidence(evidence, text)
        self.status.setText(f"已{text}，理由已记入本期填报。")
        return True

    # ------------------------------------------------------------------ drag and drop

    def accepts_drop(self, mime: QMimeData) -> bool:
        """Local files over an open filing, with or without a field selected."""
        return (
            self.session is not None
            and not self.busy
            and mime.hasUrls()
            and any(url.isLocalFile() for url in mime.urls())
        )

    def drop_files(self, paths: list[Path]) -> bool:
        """Files dropped on the panel (or the window): with a field selected they back that field,
        as 添加… does; with none, the mapping dialog opens (file → fields, pre-ticked by the kinds
        the definition names and the file names), so no dropped file is silently ignored.

        The dialog opens once the drop has returned (a modal loop inside a drop would hold the
        dragging program, e.g. Explorer, until the dialog closes)."""
        if self.session is None or not paths:
            return False
        if self.path:
            self.attach_files(paths)
        else:
            QTimer.singleShot(0, lambda: self.attach_many(paths))
        return True

    def watch_window_drops(self, window: QWidget) -> None:
        """Files dropped anywhere on ``window`` that no widget there takes come to this panel."""
        window.setAcceptDrops(True)
        window.installEventFilter(_WindowDrops(self))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if self.accepts_drop(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if self.drop_files(paths):
            event.acceptProposedAction()

    # ------------------------------------------------------------------ open / remove

    def selected_sha(self) -> str | None:
        item = self.files.currentItem()
        return str(item.data(0, ROLE_KEY)) if item is not None else None

    def open_selected(self) -> None:
        sha = self.selected_sha()
        if sha is None or self.session is None:
            return
        ref = next((r for r in self.session.evidence_for(self.path) if r.get("sha256") == sha), None)
        name = (ref or {}).get("name") or sha
        try:
            target = self._viewable_copy(sha, name)
        except (WorkspaceError, OSError) as exc:
            QMessageBox.warning(self, "无法打开", str(exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def _viewable_copy(self, sha: str, name: str) -> Path:
        # The store names files by hash without extension; the viewer needs the original name.
        assert self.session is not None
        folder = Path(tempfile.gettempdir()) / "cets-desktop-evidence" / sha[:16]
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(name).name
        if not target.exists():
            with self.session.desk.open_evidence(sha) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
        return target

    def remove_selected(self) -> None:
        if self.session is None:
            return
        current = self.files.currentItem()
        for item in self.files.selectedItems() or ([current] if current is not None else []):
            self.session.remove_evidence(self.path, str(item.data(0, ROLE_KEY)))
