"""The frozen program's shape: two executables in one bundle, data found under sys._MEIPASS, the
Windows workflow's promises, and the test command running the frozen build (issue 12)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import yaml

from cets_desktop import paths

ROOT = Path(__file__).resolve().parents[2]


def _spec_assignments() -> dict[str, ast.expr]:
    tree = ast.parse((ROOT / "installers" / "cets-desktop.spec").read_text("utf-8"))
    return {
        t.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }


def test_spec_builds_a_windowed_gui_exe_and_a_console_cli_exe_in_one_bundle() -> None:
    executables = ast.literal_eval(_spec_assignments()["EXECUTABLES"])
    assert executables["cets-desktop"][0] is False  # windowed: no console window behind the GUI
    assert executables["cets-desktop-cli"][0] is True
    source = (ROOT / "installers" / "cets-desktop.spec").read_text("utf-8")
    assert "COLLECT(*exes, a.binaries, a.datas" in source  # one folder for both
    assert '(str(ROOT / "forms"), "forms")' in source and '(str(ROOT / "resources"), "resources")' in source


def test_entry_script_runs_without_a_parent_package() -> None:
    tree = ast.parse((ROOT / "cets_desktop" / "__main__.py").read_text("utf-8"))
    relative = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
    assert relative == []


def test_windowed_streams_are_replaced_so_output_is_not_a_crash(monkeypatch, tmp_path) -> None:
    import cets_desktop.__main__ as entry

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    entry._streams_for_windowed()
    print("已导出")  # would raise AttributeError on a None stream in a windowed exe
    sys.stdout.write("ok\n")
    sys.stdout.flush()
    log = next(tmp_path.rglob("last-run.log"))
    assert log.read_text("utf-8") == "已导出\nok\n"


def test_frozen_data_lookup_prefers_the_bundle(monkeypatch, tmp_path) -> None:
    (tmp_path / "forms").mkdir()
    (tmp_path / "resources").mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    paths.data_dir.cache_clear()
    try:
        assert paths.forms_dir() == tmp_path / "forms"
        assert paths.resources_dir() == tmp_path / "resources"
    finally:
        paths.data_dir.cache_clear()


def test_windows_workflow_keeps_its_promises() -> None:
    wf = yaml.safe_load((ROOT / "installers" / "windows-release.yml").read_text("utf-8"))
    assert wf["permissions"] == {"contents": "read"}
    job = wf["jobs"]["windows"]
    assert job["runs-on"] == "windows-latest"
    steps = job["steps"]
    text = "\n".join(f"{s.get('uses', '')}\n{s.get('run', '')}\n{s.get('with', '')}" for s in steps)
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11"
    assert any(s.get("name") == "Tag matches the app version" for s in steps)
    assert ".[test,freeze]" in text  # PySide6 and PyInstaller pinned where the app pins them
    assert "keyring.backends.Windows.WinVaultKeyring" in text
    assert "cets-desktop-cli.exe --self-test" in text
    assert "demo-screenshot.png" in text and "upload-artifact" in text
    smoke = next(s for s in steps if s.get("name", "").startswith("Smoke test"))["run"]
    for promise in (
        "'/S'",
        "Uninstall.exe",
        "the upgrade did not close the running app",
        "the upgrade left a file of the old version",
        "the uninstaller deleted a file it did not install",
        "the uninstaller deleted the workspace",
        "/D= redirected the install",
    ):
        assert promise in smoke, promise
    signing = [s for s in steps if s.get("name", "").startswith("Sign")]
    assert signing and all(s["if"] == "vars.TRUSTED_SIGNING_ACCOUNT != ''" for s in signing)


def test_the_test_command_builds_and_checks_the_frozen_program() -> None:
    test_sh = (ROOT / "scripts" / "test.sh").read_text("utf-8")
    assert "scripts/build-frozen.sh" in test_sh
    build = (ROOT / "scripts" / "build-frozen.sh").read_text("utf-8")
    for step in (
        "PyInstaller installers/cets-desktop.spec",
        'cets-desktop-cli" --self-test',
        "gui --demo --screenshot",
        "makensis",
        "bundle.key",
    ):
        assert step in build, step
