"""Dialogs of the evidence panel: which fields a document backs (one file or several files at once,
with a mapping), and which of last period's documents to carry into this one, with a reason.

The dialogs only collect choices; what they mean for the filing is computed by
``workflow.evidence`` and applied by the panel as one undo step. Cancel changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.workspace_checks import period_label
from ..workflow.evidence import (
    CarryCandidate,
    EvidenceDocument,
    EvidenceTarget,
    FilePlan,
    all_kinds,
    plan_files,
    suggested_paths,
)

ROLE_PATH = Qt.ItemDataRole.UserRole + 1
ROLE_GROUP = Qt.ItemDataRole.UserRole + 2
AUTO_KIND = "按文件名推荐"


def fit_to_screen(dialog: QDialog, width: int, height: int) -> None:
    """A comfortable size that never exceeds the screen (1366×768, 150 % of 1920×1080)."""
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        avail = screen.availableGeometry()
        width = min(width, int(avail.width() * 0.92))
        height = min(height, int(avail.height() * 0.88))
    dialog.setMinimumSize(min(360, width), min(300, height))
    dialog.resize(width, height)


def top_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    return [item for i in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(i)) is not None]


def children_of(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [child for j in range(item.childCount()) if (child := item.child(j)) is not None]


def field_text(target: EvidenceTarget) -> str:
    """The place inside its unit: 燃料「烟煤」 › 燃料消耗量 (the unit is the group above)."""
    parts = [p.strip() for p in target.location.split("›")]
    inner = parts[1:] if target.group and len(parts) > 1 else parts
    return " › ".join(inner) or target.label


class EvidenceMappingDialog(QDialog):
    """Tick the fields each file backs. One file: a checklist; several: a file list beside it.

    ``document`` given: edit which fields an attached document backs (no new file)."""

    def __init__(
        self,
        targets: Sequence[EvidenceTarget],
        files: Sequence[Path] = (),
        *,
        document: EvidenceDocument | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.targets = list(targets)
        self.document = document
        self._building = False
        if document is not None:
            known = {t.path for t in self.targets}
            # A field it backs that no longer needs evidence still shows, so it can be unticked.
            for path in document.paths:
                if path not in known:
                    self.targets.append(
                        EvidenceTarget(path, path, path, "", "其他（本期不再需要支撑材料的项）", (), "")
                    )
            self._plans = [FilePlan(Path(document.name), list(document.paths), document.kind)]
            self.setWindowTitle(f"「{document.name}」对应的数据项")
        else:
            self._plans = plan_files(files, self.targets)
            self.setWindowTitle("附上支撑材料：一份文件可对应多个数据项")
        self._current = 0

        layout = QVBoxLayout(self)
        self.intro = QLabel(self._intro_text())
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        self.file_table = QTableWidget(len(self._plans), 3)
        self.file_table.setHorizontalHeaderLabels(["文件", "材料类型", "对应项"])
        self.file_table.verticalHeader().setVisible(False)
        self.file_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.file_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.file_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.file_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keep 「…（盖章）.pdf」 visible
        header = self.file_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, plan in enumerate(self._plans):
            item = QTableWidgetItem(plan.source.name)
            item.setToolTip(str(plan.source))
            self.file_table.setItem(row, 0, item)
            self.file_table.setItem(row, 1, QTableWidgetItem(plan.kind or "—"))
            self.file_table.setItem(row, 2, QTableWidgetItem(""))
        self.file_table.currentCellChanged.connect(lambda row, *_: self.select_file(row))

        right = QWidget()
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 0, 0, 0)
        self.file_title = QLabel()
        self.file_title.setWordWrap(True)
        self.file_title.setStyleSheet("font-weight:bold")
        rlay.addWidget(self.file_title)
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel("材料类型："))
        self.kind = QComboBox()
        self.kind.addItem(AUTO_KIND)
        for k in all_kinds(self.targets):
            self.kind.addItem(k)
        self.kind.setToolTip("选定类型后，勾选定义中列出该类型的缺少支撑材料的项")
        self.kind.activated.connect(lambda _i: self._kind_picked())
        kind_row.addWidget(self.kind, 1)
        rlay.addLayout(kind_row)
        self.only_missing = QCheckBox("只列出缺少支撑材料的项")
        self.only_missing.setChecked(document is None)
        self.only_missing.toggled.connect(lambda _on: self._apply_filter())
        rlay.addWidget(self.only_missing)
        self.checklist = QTreeWidget()
        self.checklist.setHeaderLabels(["数据项", "现有支撑材料"])
        self.checklist.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.checklist.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.checklist.setUniformRowHeights(True)
        self.checklist.itemChanged.connect(self._item_changed)
        rlay.addWidget(self.checklist, 1)
        buttons = QHBoxLayout()
        self.suggest_button = QPushButton("按类型推荐")
        self.suggest_button.setToolTip("按材料类型和文件名勾选缺少支撑材料的项")
        self.suggest_button.clicked.connect(self.suggest)
        self.all_missing_button = QPushButton("全选缺少的")
        self.all_missing_button.clicked.connect(self.tick_all_missing)
        self.none_button = QPushButton("全部取消")
        self.none_button.clicked.connect(lambda: self.set_paths([]))
        for b in (self.suggest_button, self.all_missing_button, self.none_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        rlay.addLayout(buttons)

        if len(self._plans) > 1:
            splitter = QSplitter(Qt.Orientation.Horizontal)
            splitter.addWidget(self.file_table)
            splitter.addWidget(right)
            splitter.setStretchFactor(0, 2)
            splitter.setStretchFactor(1, 3)
            splitter.setChildrenCollapsible(False)
            layout.addWidget(splitter, 1)
        else:
            self.file_table.hide()
            layout.addWidget(right, 1)
        if document is not None:
            self.kind.setEnabled(False)
            self.suggest_button.hide()

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("保存对应项" if document is not None else "附上")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._build_checklist()
        self.file_table.setCurrentCell(0, 0)
        self.select_file(0)
        fit_to_screen(self, 1000 if len(self._plans) > 1 else 720, 640)

    # ------------------------------------------------------------------ reading the choices

    def plans(self) -> list[FilePlan]:
        """Each file with the fields ticked for it (files with none are not attached)."""
        return [FilePlan(p.source, list(p.paths), p.kind) for p in self._plans]

    def paths(self, index: int = 0) -> list[str]:
        order = {t.path: i for i, t in enumerate(self.targets)}
        return sorted(self._plans[index].paths, key=lambda p: order.get(p, len(order)))

    # ------------------------------------------------------------------ changing them

    def select_file(self, row: int) -> None:
        if not 0 <= row < len(self._plans):
            return
        self._current = row
        plan = self._plans[row]
        if self.document is not None:
            self.file_title.setText(f"「{plan.source.name}」支撑的数据项（勾选或取消）：")
        else:
            self.file_title.setText(f"「{plan.source.name}」支撑的数据项：")
        index = self.kind.findText(plan.kind) if plan.kind else 0
        self.kind.setCurrentIndex(max(0, index))
        self._show_ticks()

    def set_kind(self, kind: str | None) -> None:
        """Pick the current file's kind (None: by its name) and tick the fields listing it."""
        self.kind.setCurrentIndex(max(0, self.kind.findText(kind)) if kind else 0)
        self._kind_picked()

    def _kind_picked(self) -> None:
        text = self.kind.currentText()
        plan = self._plans[self._current]
        plan.kind = None if text == AUTO_KIND else text
        self.suggest()

    def suggest(self) -> None:
        plan = self._plans[self._current]
        self.set_paths(suggested_paths(plan.source.name, self.targets, plan.kind))

    def tick_all_missing(self) -> None:
        self.set_paths([t.path for t in self.targets if t.missing])

    def set_paths(self, paths: Sequence[str]) -> None:
        self._plans[self._current].paths = list(dict.fromkeys(paths))
        self._show_ticks()

    def tick_group(self, group_label: str, on: bool = True) -> None:
        """“Select all of this unit”: what checking the unit's box does."""
        for item in top_items(self.checklist):
            if item.data(0, ROLE_GROUP) == group_label:
                item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def group_items(self) -> list[QTreeWidgetItem]:
        return top_items(self.checklist)

    # ------------------------------------------------------------------ the checklist

    def _build_checklist(self) -> None:
        self._building = True
        self.checklist.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for t in self.targets:
            parent = groups.get(t.group_label)
            if parent is None:
                parent = QTreeWidgetItem([t.group_label, ""])
                parent.setData(0, ROLE_GROUP, t.group_label)
                parent.setFlags(
                    parent.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate
                )
                parent.setToolTip(0, "勾选本组即选中其下全部数据项")
                self.checklist.addTopLevelItem(parent)
                groups[t.group_label] = parent
            child = QTreeWidgetItem([field_text(t), self._covered_text(t)])
            child.setData(0, ROLE_PATH, t.path)
            child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            child.setCheckState(0, Qt.CheckState.Unchecked)
            kinds = "、".join(t.kinds) or "支撑材料"
            child.setToolTip(0, f"{t.location}\n需要：{kinds}\n{t.description}".strip())
            parent.addChild(child)
        self.checklist.expandAll()
        self._building = False

    def _covered_text(self, t: EvidenceTarget) -> str:
        if t.missing:
            return "缺少"
        others = [s for s in t.covered_by if self.document is None or s != self.document.sha256]
        return f"已有 {len(others)} 份" if others else "仅本文件"

    def _children(self) -> list[QTreeWidgetItem]:
        return [child for group in self.group_items() for child in children_of(group)]

    def _show_ticks(self) -> None:
        ticked = set(self._plans[self._current].paths)
        self._building = True
        for child in self._children():
            on = child.data(0, ROLE_PATH) in ticked
            child.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self._building = False
        self._apply_filter()
        self._update_counts()

    def _apply_filter(self) -> None:
        only = self.only_missing.isChecked()
        by_path = {t.path: t for t in self.targets}
        for group in self.group_items():
            shown = 0
            for child in children_of(group):
                t = by_path.get(str(child.data(0, ROLE_PATH)))
                hide = (
                    only and t is not None and not t.missing and child.checkState(0) != Qt.CheckState.Checked
                )
                child.setHidden(bool(hide))
                shown += not hide
            group.setHidden(shown == 0)

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._building or column != 0:
            return
        if item.data(0, ROLE_PATH) is None:
            # A unit's box ticks what the list shows: fields hidden by 只列出缺少… stay as they were.
            self._building = True
            for child in children_of(item):
                if child.isHidden() and child.checkState(0) == Qt.CheckState.Checked:
                    child.setCheckState(0, Qt.CheckState.Unchecked)
            self._building = False
        ticked = [
            str(c.data(0, ROLE_PATH)) for c in self._children() if c.checkState(0) == Qt.CheckState.Checked
        ]
        self._plans[self._current].paths = ticked
        self._update_counts()

    def _update_counts(self) -> None:
        by_path = {t.path: t for t in self.targets}
        for row, plan in enumerate(self._plans):
            cell = self.file_table.item(row, 2)
            if cell is not None:
                cell.setText(f"{len(plan.paths)} 项")
            kind = self.file_table.item(row, 1)
            if kind is not None:
                kind.setText(plan.kind or "按文件名")
        if len(self._plans) > 1:
            # Which other file of this batch already backs each field: what is still left is plain.
            for child in self._children():
                path = str(child.data(0, ROLE_PATH))
                others = [
                    plan.source.name
                    for i, plan in enumerate(self._plans)
                    if i != self._current and path in plan.paths
                ]
                base = self._covered_text(by_path[path]) if path in by_path else ""
                child.setText(1, f"本次：{'、'.join(others)}" if others else base)
        for group in self.group_items():
            label = str(group.data(0, ROLE_GROUP))
            lacking = sum(1 for t in self.targets if t.group_label == label and t.missing)
            group.setText(0, f"{label}（缺少 {lacking} 项）" if lacking else label)
        paths = {p for plan in self._plans for p in plan.paths}
        fills = sum(1 for p in paths if p in by_path and by_path[p].missing)
        files = sum(1 for plan in self._plans if plan.paths)
        lacking_all = sum(1 for t in self.targets if t.missing)
        if self.document is not None:
            self.summary.setText(f"该文件将对应 {len(paths)} 项；取消全部勾选即从本填报移除该文件。")
        else:
            self.summary.setText(
                f"将附上 {files} 个文件，对应 {len(paths)} 项，其中 {fills} 项原来缺少支撑材料"
                f"（本填报共缺 {lacking_all} 项）。每个文件只存一份，按对应项分别记录。"
            )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.document is not None or files > 0)

    def _intro_text(self) -> str:
        if self.document is not None:
            return "勾选这份文件支撑的全部数据项（可跨机组）；文件本身只保存一份。"
        return (
            "为每个文件勾选它支撑的数据项：一份盖章生产月报可同时支撑两台机组的发电量、供电量和运行小时数。"
            "已按定义列出的材料类型和文件名预先勾选了缺少支撑材料的项，请核对后再附上。"
        )


class CarryOverDialog(QDialog):
    """Pick last period's documents that stay valid (a yearly 检定证书, a contract) and say why."""

    def __init__(self, candidates: Sequence[CarryCandidate], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.candidates = list(candidates)
        period = period_label(self.candidates[0].period) if self.candidates else "上期"
        self.setWindowTitle(f"从{period}沿用支撑材料")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"以下是{period}填报附上的支撑材料。跨月有效的文件（如年度检定证书、长期供货合同）可沿用到本期，"
            "并写明理由；每月的台账、检测报告和结算单应附本月的文件。沿用的文件在本期对应与上期相同位置的数据项。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["文件", "类型", "本期对应", "上期对应"])
        self.tree.setRootIsDecorated(False)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        for number, c in enumerate(self.candidates):
            now = f"{len(c.paths)} 项" if c.usable else c.why_not
            item = QTreeWidgetItem(
                [c.document.name, c.document.kind or "支撑材料", now, f"{len(c.locations)} 项"]
            )
            item.setData(0, ROLE_PATH, number)
            item.setToolTip(0, "上期对应：\n" + "\n".join(c.locations))
            item.setToolTip(2, c.why_not or "本期对应与上期相同位置的数据项")
            if c.usable:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Unchecked)
            else:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(item)
        self.tree.itemChanged.connect(lambda *_: self._update())
        layout.addWidget(self.tree, 1)
        layout.addWidget(QLabel("沿用理由（记入本期填报，随申报包提交）："))
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("例如：皮带秤年度检定证书，有效期至 2027 年 3 月，本月仍在有效期内")
        self.reason.setMaximumHeight(90)
        self.reason.textChanged.connect(self._update)
        layout.addWidget(self.reason)
        self.note = QLabel()
        self.note.setProperty("role", "hint")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("沿用到本期")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()
        fit_to_screen(self, 760, 520)

    def pick(self, name: str, on: bool = True) -> None:
        for item in top_items(self.tree):
            if item.text(0) == name and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def picked(self) -> list[CarryCandidate]:
        out = []
        for item in top_items(self.tree):
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable and item.checkState(0) == Qt.CheckState.Checked:
                out.append(self.candidates[int(item.data(0, ROLE_PATH))])
        return out

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def _update(self) -> None:
        picked = self.picked()
        reason = self.reason_text()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(picked) and bool(reason))
        if not picked:
            self.note.setText("请勾选要沿用的文件。")
        elif not reason:
            self.note.setText("请写明沿用理由：没有理由的跨月同一文件会被列为警告。")
        else:
            fields = sum(len(c.paths) for c in picked)
            self.note.setText(f"将沿用 {len(picked)} 个文件，对应本期 {fields} 项。")
