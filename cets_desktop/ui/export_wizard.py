"""导出申报包 wizard: pre-flight → output → progress (cancellable) → result.

The package is built by ``Desk.export`` in the background (PDF and ZIP take a few
seconds); evidence comes from the workspace's evidence store, and the previous package's hash
of the same series chains the new one. A final export moves the filing to 已导出 and records
the package; a draft export (watermarked 草稿) changes nothing in the workspace.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ..workflow.errors import ExportBlocked, InputError
from ..workflow.evaluation import explanations
from ..workflow.export import ExportOutcome, package_name
from ..workflow.records import WorkspaceError
from .background import BackgroundJob, CancelledError, run_in_background, run_with_progress_dialog
from .findings_panel import MIN_REASON_CHARS
from .repeat_model import severity_icon
from .screen_fit import breakable_path, fit_to_screen
from .session import FilingSession
from .settings_dialog import apply_pdf_font

SETTING_EXPORT_FOLDER = "export_folder"


def default_export_folder(session: FilingSession) -> Path:
    saved = session.desk.get_setting(SETTING_EXPORT_FOLDER)
    if saved:
        return Path(saved)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home()) / "碳市场申报包"


def export_error_text(exc: BaseException) -> str:
    if isinstance(exc, CancelledError):
        return "已取消导出，未生成任何文件。"
    message = getattr(exc, "message", None)
    return str(message or exc)


class PreflightPage(QWizardPage):
    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("导出前检查")
        self.setSubTitle("正式申报包要求：没有错误，警告已修改或填写了确认理由，修改已保存。")
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.summary)
        self.items = QListWidget()
        self.items.setWordWrap(True)
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.items, 1)
        # Warnings left and nothing else in the way: confirm them here with one written reason
        # (kept in the filing and its package, and as the reason of the revision saved with it).
        self.ack_box = QWidget()
        ack = QVBoxLayout(self.ack_box)
        ack.setContentsMargins(0, 0, 0, 0)
        ack.addWidget(QLabel("确认上述警告（写明为什么数据无误；理由写入申报包和修订历史，供审核人查看）："))
        self.ack_reason = QPlainTextEdit()
        self.ack_reason.setPlaceholderText(
            f"至少 {MIN_REASON_CHARS} 个字，如“本月检修停机，已在情况说明中写明”"
        )
        self.ack_reason.setMaximumHeight(64)
        ack.addWidget(self.ack_reason)
        ack_row = QHBoxLayout()
        self.ack_button = QPushButton("确认警告并保存")
        self.ack_button.clicked.connect(self.acknowledge_remaining)
        ack_row.addWidget(self.ack_button)
        self.ack_message = QLabel()
        self.ack_message.setWordWrap(True)
        self.ack_message.setStyleSheet("color:#c62828")
        ack_row.addWidget(self.ack_message, 1)
        ack.addLayout(ack_row)
        layout.addWidget(self.ack_box)
        row = QHBoxLayout()
        self.save_button = QPushButton("现在保存…")
        self.save_button.clicked.connect(self._save)
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.final = QRadioButton("正式申报包")
        self.draft = QRadioButton("草稿（PDF 带“草稿”水印，用于内部审核，不能提交）")
        layout.addWidget(self.final)
        layout.addWidget(self.draft)
        self.final.toggled.connect(lambda _c: self.completeChanged.emit())
        self.draft.toggled.connect(lambda _c: self.completeChanged.emit())

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.refresh()

    def refresh(self) -> None:
        session = self.wiz.session
        session.end_edit()
        session.evaluate_now()
        ev = session.evaluation
        self.items.clear()
        errors = ev.errors if ev else []
        warnings = ev.unacknowledged_warnings if ev else []
        missing = [f for f in warnings if f.code == "GEN-006"]
        for f in [*errors, *warnings]:
            self.items.addItem(
                QListWidgetItem(severity_icon(f.severity), f"{f.code}　{f.location}：{f.message}")
            )
        lines = [
            f"错误 <b>{len(errors)}</b> 项；未处理警告 <b>{len(warnings)}</b> 项（其中缺少支撑材料 {len(missing)} 项）。"
        ]
        confirmed = [f for f in (ev.findings if ev else []) if f.severity == "warning" and f.acknowledged]
        if confirmed:
            lines.append(f"已确认并写明理由的警告 {len(confirmed)} 项：理由随申报包提交，供审核人查看。")
        if session.is_modified:
            lines.append(
                "<span style='color:#b26a00'>有未保存的修改：正式申报包只能从已保存的版本导出。</span>"
            )
        self.final_allowed = ev is not None and ev.exportable and not session.is_modified
        if self.final_allowed:
            lines.append("<span style='color:#2e7d32'>可以导出正式申报包。</span>")
        else:
            lines.append("处理上述问题后可导出正式申报包；现在可以先导出草稿供内部审核。")
        self.summary.setText("<br/>".join(lines))
        self.save_button.setVisible(session.is_modified)
        self.ack_box.setVisible(bool(warnings) and not errors)
        self.final.setEnabled(self.final_allowed)
        (self.final if self.final_allowed else self.draft).setChecked(True)
        self.completeChanged.emit()

    def acknowledge_remaining(self) -> bool:
        """Confirm every open warning with the reason written above and save the filing with it;
        an empty or too short reason is refused with a message (nothing changes)."""
        session = self.wiz.session
        reason = self.ack_reason.toPlainText().strip()
        if len(reason) < MIN_REASON_CHARS:
            self.ack_message.setText(
                f"请先写明确认理由（至少 {MIN_REASON_CHARS} 个字）：没有理由的警告不能确认，正式申报包也不能导出。"
            )
            return False
        ev = session.evaluation
        warnings = ev.unacknowledged_warnings if ev else []
        try:
            for f in warnings:
                session.acknowledge(f.code, f.path, reason)
            session.save(f"确认警告：{reason}")
        except (InputError, WorkspaceError) as exc:
            self.ack_message.setText(getattr(exc, "message", None) or str(exc))
            return False
        self.ack_message.setText("")
        self.ack_reason.clear()
        self.refresh()
        return True

    def _save(self) -> None:
        save = getattr(self.wiz.parent(), "save", None)
        if callable(save) and save():
            self.refresh()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.draft.isChecked() or (self.final.isChecked() and getattr(self, "final_allowed", False))


class OutputPage(QWizardPage):
    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("输出位置和内容")
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.folder = QLineEdit()
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        row.addWidget(QLabel("保存到文件夹"))
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.name = QLabel()
        self.name.setProperty("role", "hint")
        layout.addWidget(self.name)
        contents = QLabel(
            "申报包（ZIP）包含：manifest.json（含各文件 SHA-256 和上一期申报包的哈希）、data.json、data.xlsx、"
            "report.pdf 和全部支撑材料。"
        )
        contents.setWordWrap(True)
        layout.addWidget(contents)
        self.extract_pdf = QCheckBox("另存一份 PDF 报告到同一文件夹（便于打印和盖章）")
        self.extract_pdf.setChecked(True)
        self.extract_xlsx = QCheckBox("另存一份 Excel 数据表到同一文件夹")
        self.sign = QCheckBox("用本机密钥签名（manifest.sig，需要系统密钥库）")
        self.sign.setChecked(True)
        for box in (self.extract_pdf, self.extract_xlsx, self.sign):
            layout.addWidget(box)
        layout.addStretch(1)
        self.folder.textChanged.connect(lambda _t: self.completeChanged.emit())

    def initializePage(self) -> None:  # noqa: N802
        if not self.folder.text():
            self.folder.setText(str(default_export_folder(self.wiz.session)))
        self.name.setText(f"文件名：{self.wiz.package_name()}")

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择保存申报包的文件夹", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.folder.text().strip())


class ProgressPage(QWizardPage):
    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("正在导出")
        layout = QVBoxLayout(self)
        self.label = QLabel("正在生成 PDF、Excel 并打包支撑材料…")
        layout.addWidget(self.label)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        layout.addWidget(self.bar)
        self.cancel = QPushButton("取消导出")
        self.cancel.clicked.connect(self.wiz.cancel_export)
        layout.addWidget(self.cancel, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        self.bar.setRange(0, 0)
        self.cancel.setEnabled(True)
        self.wiz.start_export()

    def report(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(done * 1000 / total))

    def isComplete(self) -> bool:  # noqa: N802
        return self.wiz.job is not None and self.wiz.job.finished


class ResultPage(QWizardPage):
    def __init__(self, wizard: ExportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("导出结果")
        layout = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.open_folder = QPushButton("打开文件夹")
        self.open_folder.clicked.connect(self.wiz.open_folder)
        self.open_pdf = QPushButton("打开PDF")
        self.open_pdf.clicked.connect(self.wiz.open_pdf)
        row.addWidget(self.open_folder)
        row.addWidget(self.open_pdf)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        outcome = self.wiz.outcome
        if outcome is None:
            self.setTitle("导出失败")
            self.text.setText(f"<p style='color:#c62828'>{self.wiz.error_text}</p>")
            self.open_folder.setEnabled(False)
            self.open_pdf.setEnabled(False)
            return
        self.setTitle("导出完成")
        kind = "草稿申报包（不能提交）" if outcome.draft else "正式申报包"
        signed = "已签名" if outcome.signed else "未签名"
        glyphs = ""
        if outcome.missing_glyphs:
            glyphs = (
                f"<p style='color:#b26a00'>PDF 字体缺少以下字符，这些字在 PDF 中显示为空白："
                f"{''.join(sorted(outcome.missing_glyphs))}；请在设置中指定其他中文字体后重新导出。</p>"
            )
        self.text.setText(
            f"<p><b>{kind}</b>已保存（{signed}）：</p><p>{breakable_path(outcome.package_path)}</p>"
            f"<p style='color:#616e7c'>SHA-256：{outcome.sha256}</p>{glyphs}"
            + ("<p>填报状态已改为“已导出”。请登录全国碳市场管理平台上传。</p>" if not outcome.draft else "")
        )
        self.open_folder.setEnabled(True)
        self.open_pdf.setEnabled(self.wiz.pdf_path is not None)


class ExportWizard(QWizard):
    def __init__(self, parent: QWidget | None, session: FilingSession) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("导出申报包")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        fit_to_screen(self, 760, 560)
        self.job: BackgroundJob[Any] | None = None
        self.outcome: ExportOutcome | None = None
        self.error_text = ""
        self.pdf_path: Path | None = None
        self.preflight = PreflightPage(self)
        self.output = OutputPage(self)
        self.progress = ProgressPage(self)
        self.result_page = ResultPage(self)
        for page in (self.preflight, self.output, self.progress, self.result_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步")
        self.setButtonText(QWizard.WizardButton.BackButton, "上一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")

    @property
    def draft(self) -> bool:
        return self.preflight.draft.isChecked()

    def package_name(self) -> str:
        return package_name(self.session.filing_document(), self.session.spec, self.draft)

    def out_path(self) -> Path:
        return Path(self.output.folder.text().strip()) / self.package_name()

    # ------------------------------------------------------------------ the export

    def start_export(self) -> None:
        session = self.session
        desk = session.desk
        self.outcome, self.error_text, self.pdf_path = None, "", None
        draft = self.draft
        sign = self.output.sign.isChecked()
        out_path = self.out_path()
        document = session.filing_document()
        extract_pdf = self.output.extract_pdf.isChecked()
        extract_xlsx = self.output.extract_xlsx.isChecked()
        desk.set_setting(SETTING_EXPORT_FOLDER, str(out_path.parent))

        def op(progress: Any, cancelled: Any) -> ExportOutcome:
            apply_pdf_font(desk)
            out_path.parent.mkdir(parents=True, exist_ok=True)
            outcome = desk.export(
                session.filing_id,
                out_path,
                document=document,
                spec=session.spec,
                draft=draft,
                sign=sign,
                progress=progress,
                cancel=cancelled,
                record=False,
            )
            _extract(outcome.package_path, extract_pdf, extract_xlsx)
            return outcome

        self.job = run_in_background(op, self._done, self._failed, self.progress.report)
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)

    def cancel_export(self) -> None:
        if self.job is not None and not self.job.finished:
            self.job.cancel()
            self.progress.label.setText("正在取消…")
            self.progress.cancel.setEnabled(False)

    def _done(self, outcome: ExportOutcome) -> None:
        self.outcome = outcome
        pdf = outcome.package_path.with_suffix(".pdf")
        self.pdf_path = pdf if pdf.exists() else None
        if not outcome.draft:
            self._mark_exported(outcome)
        self.progress.completeChanged.emit()
        self.next()

    def _failed(self, exc: BaseException) -> None:
        self.error_text = export_error_text(exc)
        if isinstance(exc, ExportBlocked):
            self.error_text += "".join(f"<br/>· {f.code} {f.location}：{f.message}" for f in exc.findings[:8])
        self.progress.completeChanged.emit()
        self.next()

    def _mark_exported(self, outcome: ExportOutcome) -> None:
        session = self.session
        try:
            session.desk.record_export(session.filing_id, outcome)
        except WorkspaceError as exc:
            QMessageBox.warning(self, "状态未更新", f"申报包已生成，但工作区状态未能更新：{exc}")
        session.refresh_filing()

    def reject(self) -> None:
        if self.job is not None and not self.job.finished:
            self.cancel_export()
            return  # closes after the background job reports back
        super().reject()

    # ------------------------------------------------------------------ result actions

    def open_folder(self) -> None:
        if self.outcome is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.outcome.package_path.parent)))

    def open_pdf(self) -> None:
        if self.pdf_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf_path)))


def _extract(package: Path, pdf: bool, xlsx: bool) -> None:
    """Copies of the report and workbook beside the ZIP, named after it."""
    with zipfile.ZipFile(package) as zf:
        for wanted, member, suffix in ((pdf, "report.pdf", ".pdf"), (xlsx, "data.xlsx", ".xlsx")):
            if wanted and member in zf.namelist():
                package.with_suffix(suffix).write_bytes(zf.read(member))


def print_report(parent: QWidget, session: FilingSession) -> None:
    """Printing = render the PDF report (草稿 while errors remain) and open it in the system viewer."""
    from ..io.pdf_report import render_pdf

    session.evaluate_now()
    ev = session.evaluation
    if ev is None:
        return
    draft = not ev.exportable
    target = (
        Path(tempfile.mkdtemp(prefix="cets-print-"))
        / f"{session.filing_document().enterprise.uscc or 'report'}_{session.period}.pdf"
    )
    expl = explanations(ev)
    evidence = [dict(e) for e in session.document.get("evidence", [])]

    def op(_progress: Any, _cancelled: Any) -> Path:
        apply_pdf_font(session.desk)
        render_pdf(session.spec, ev, target, explanations=expl, evidence=evidence, draft=draft)
        return target

    def done(path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(parent, "无法生成 PDF", export_error_text(exc))

    run_with_progress_dialog(parent, "打印", "正在生成 PDF 报告…", op, done, failed)
