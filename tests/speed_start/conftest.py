"""Cold-start tests (issue #14 item 1): a private copy of the demo workspace per test and a private
app cache folder (forms index), so no test sees another's statuses or index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cets_desktop.demo import build_demo_workspace

    folder = tmp_path_factory.mktemp("demo-template")
    return Path(build_demo_workspace(folder / "demo.cetsdb"))


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workspace (database and evidence folder)."""
    target = tmp_path / "demo.cetsdb"
    shutil.copy2(demo_template, target)
    evidence = demo_template.with_name(demo_template.stem + ".evidence")
    if evidence.is_dir():
        shutil.copytree(evidence, target.with_name(target.stem + ".evidence"))
    return target


@pytest.fixture
def isolated_qsettings(qapp, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Window tests keep their settings (recent workspaces, geometry) in a private folder."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("qsettings"))
    )
    return qapp
