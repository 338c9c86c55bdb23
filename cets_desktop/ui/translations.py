"""Qt's own Chinese catalogue, so standard buttons and dialogs say 确定 / 取消 / 保存."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

_installed: list[QTranslator] = []  # translators must outlive installation
CATALOGUE = "qtbase_zh_CN"


def _translations_folders() -> list[str]:
    """Where Qt's catalogues are: next to PySide6's Qt (wheel and frozen bundle alike), then
    wherever Qt itself says (``QLibraryInfo``, whose Python type and enums cost the cold start
    ≈ 5 ms, so it is only asked when the first place has no catalogue)."""
    import PySide6

    return [str(Path(PySide6.__file__).parent / "Qt" / "translations")]


def install_qt_chinese(app: QCoreApplication) -> bool:
    """Load ``qtbase_zh_CN.qm`` from Qt's translations folder; True when it was loaded."""
    translator = QTranslator(app)
    loaded = any(translator.load(CATALOGUE, folder) for folder in _translations_folders())
    if not loaded:
        from PySide6.QtCore import QLibraryInfo

        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        loaded = translator.load(
            QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder
        )
    if not loaded:
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return True


def qt_chinese_installed() -> bool:
    return bool(_installed)
