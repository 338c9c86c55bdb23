"""Cold-start tests (issue #14 item 1): a private copy of the demo workspace per test and a private
app cache folder (forms index), so no test sees another's statuses or index."""

from __future__ import annotations

import pytest


@pytest.fixture
def isolated_qsettings(qapp, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Window tests keep their settings (recent workspaces, geometry) in a private folder."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("qsettings"))
    )
    return qapp
