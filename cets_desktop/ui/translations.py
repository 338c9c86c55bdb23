"""Qt's own Chinese catalogue, so standard buttons and dialogs say 确定 / 取消 / 保存."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

_installed: list[QTranslator] = []  # translators must outlive installation


def install_qt_chinese(app: QCoreApplication) -> bool:
    """Load ``qtbase_zh_CN.qm`` from Qt's translations folder; True when it was loaded."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return True


def qt_chinese_installed() -> bool:
    return bool(_installed)
