"""支撑材料 dock: the evidence files behind the current field, and what is still missing.

Files dropped on the panel (or chosen with 添加…) are copied into the workspace's
content-addressed evidence store in the background (they may be large scans); the filing
document then gets an evidence reference whose path is the field instance path.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..workflow.records import WorkspaceError
from .background import BackgroundJob, run_in_background
from .form_state import field_for_path, location_label
from .session import FilingSession
from .stylesheet import set_style_property

ROLE_KEY = Qt.ItemDataRole.UserRole + 1


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


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

        self.files = QTreeWidget()
        self.files.setHeaderLabels(["文件", "大小", "SHA-256"])
        self.files.setRootIsDecorated(False)
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.files.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.files.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.files.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.files.itemDoubleClicked.connect(lambda *_: self.open_selected())
        self.files.currentItemChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.files, 1)

        drop = QLabel("把文件拖到这里即可附上（盖章台账扫描件、检测报告、结算单等）")
        drop.setProperty("role", "hint")
        drop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        drop.setWordWrap(True)
        drop.setStyleSheet("border:1px dashed #c3cad3; border-radius:4px; padding:8px")
        layout.addWidget(drop)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加…")
        self.add_button.clicked.connect(self.choose_files)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton("移除")
        self.remove_button.clicked.connect(self.remove_selected)
        for b in (self.add_button, self.open_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        layout.addWidget(self.status)

        self.missing_title = QLabel()
        layout.addWidget(self.missing_title)
        self.missing = QListWidget()
        self.missing.setTextElideMode(Qt.TextElideMode.ElideLeft)
        # Whole locations ("机组「1号机组」› 燃料「烟煤」› 燃料消耗量") on two lines, not "…号机组」›".
        self.missing.setWordWrap(True)
        self.missing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.missing.itemClicked.connect(lambda item: self.jumpRequested.emit(str(item.data(ROLE_KEY))))
        self.missing.itemActivated.connect(lambda item: self.jumpRequested.emit(str(item.data(ROLE_KEY))))
        layout.addWidget(self.missing, 2)  # the to-do list gets the room on a short screen
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
        self.missing.setVisible(session is not None)
        if session is None:
            self.place.setText("未打开填报")
            self.requirement.setText("")
            self.missing_title.setText("")
            self._update_buttons()
            return
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
            for ref in session.evidence_for(self.path):
                item = QTreeWidgetItem(
                    [
                        ref.get("name", ""),
                        human_size(int(ref.get("size") or 0)),
                        str(ref.get("sha256", ""))[:12] + "…",
                    ]
                )
                item.setData(0, ROLE_KEY, ref.get("sha256"))
                item.setToolTip(
                    0,
                    f"{ref.get('name', '')}\n类型：{ref.get('kind') or '支撑材料'}\n"
                    f"附上时间：{ref.get('attached_at') or ''}\nSHA-256：{ref.get('sha256')}",
                )
                item.setToolTip(2, str(ref.get("sha256")))
                self.files.addTopLevelItem(item)
        ev = session.evaluation
        gaps = [f for f in ev.findings if f.code == "GEN-006"] if ev else []
        open_gaps = [f for f in gaps if not f.acknowledged]
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

    @property
    def busy(self) -> bool:
        return self.job is not None and not self.job.finished

    def _update_buttons(self) -> None:
        has = self.files.currentItem() is not None
        self.open_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    # ------------------------------------------------------------------ attaching

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            "选择支撑材料",
            "",
            "支撑材料 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.xlsx *.xls *.docx *.doc *.zip);;所有文件 (*)",
        )
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

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and self.session is not None and self.path:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self.attach_files(paths)
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
