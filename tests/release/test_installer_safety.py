"""The Windows installer can only remove what it installed, into a fixed per-user folder (issue 12).

The NSIS script is checked statically, its generated file lists exactly, and a real makensis compile
of a small bundle is inspected: with compression off, the installer's strings (UTF-16) are readable,
so every file the installer writes can be found once in the install list and once in the
uninstaller's delete list.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NSI = ROOT / "installers" / "cets-desktop.nsi"
sys.path.insert(0, str(ROOT / "installers"))

import nsis_file_list  # noqa: E402


def _bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "bundle"
    (bundle / "_internal" / "PySide6" / "translations").mkdir(parents=True)
    (bundle / "_internal" / "forms").mkdir()
    (bundle / "cets-desktop.exe").write_bytes(b"MZ gui")
    (bundle / "cets-desktop-cli.exe").write_bytes(b"MZ cli")
    (bundle / "_internal" / "base_library.zip").write_bytes(b"zip")
    (bundle / "_internal" / "PySide6" / "translations" / "qtbase_zh_CN.qm").write_bytes(b"qm")
    (bundle / "_internal" / "forms" / "power-monthly-2026.yaml").write_text("id: power-monthly\n", "utf-8")
    (bundle / "_internal" / "forms" / "price $5 list.txt").write_text("x", "utf-8")
    return bundle


def _sections(text: str) -> dict[str, str]:
    """Body of every Section/Function, keyed by its header line."""
    out: dict[str, str] = {}
    for m in re.finditer(r"^(Section|Function)\b(.*?)$(.*?)^(SectionEnd|FunctionEnd)", text, re.M | re.S):
        out[(m.group(1) + m.group(2)).strip()] = m.group(3)
    return out


def test_file_lists_delete_exactly_the_installed_files(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path)
    install, uninstall = nsis_file_list.render(bundle)
    files = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    assert len(files) == 6
    deleted = re.findall(r'^Delete "\$INSTDIR\\(.+)"$', uninstall, re.M)
    assert sorted(d.replace("$$", "$").replace("\\", "/") for d in deleted) == files
    installed = re.findall(r'^File (?:"/oname=(.+?)" )?"(.+)"$', install, re.M)
    assert len(installed) == len(files)
    assert 'File "/oname=price $$5 list.txt"' in install  # run-time name escaped, source path literal
    # Folders: plain RMDir (never /r), deepest first, each one a folder of the bundle.
    rmdirs = re.findall(r"^RMDir (.*)$", uninstall, re.M)
    assert rmdirs == [
        '"$INSTDIR\\_internal\\PySide6\\translations"',
        '"$INSTDIR\\_internal\\PySide6"',
        '"$INSTDIR\\_internal\\forms"',
        '"$INSTDIR\\_internal"',
    ]
    # Nothing else: every line is a comment, a Delete or an RMDir under $INSTDIR.
    for line in uninstall.splitlines():
        assert line.startswith(";") or re.fullmatch(r'(Delete|RMDir) "\$INSTDIR\\[^"*?]+"', line), line


@pytest.mark.parametrize("bad_name", ['say "hi".txt', "star*.dll", "line\nbreak.txt"])
def test_file_names_nsis_cannot_quote_are_refused(tmp_path: Path, bad_name: str) -> None:
    bundle = _bundle(tmp_path)
    (bundle / bad_name).write_text("x", "utf-8")
    with pytest.raises(nsis_file_list.BundleError):
        nsis_file_list.render(bundle)


def test_script_never_removes_the_install_folder_recursively() -> None:
    text = NSI.read_text("utf-8")
    code = "\n".join(line.split(";", 1)[0] for line in text.splitlines())  # comments dropped
    recursive = re.findall(r"RMDir\s+/r\s+(\S+)", code)
    # Only the app's own data folder (asked for explicitly) and the pre-release _internal folder
    # inside the fixed program folder may be removed recursively.
    assert sorted(recursive) == ['"$LOCALAPPDATA\\Programs\\${APPNAME}\\_internal"', '"${DATA_DIR}"']
    assert "$INSTDIR" not in " ".join(recursive)
    sections = _sections(code)
    data_section = next(body for head, body in sections.items() if "同时删除工作区" in head)
    assert 'RMDir /r "${DATA_DIR}"' in data_section
    assert re.search(r'^Section /o "un\.同时删除工作区', code, re.M), "removing workspaces must be opt-in"
    assert '!define DATA_DIR "$LOCALAPPDATA\\${APPNAME}"' in code
    # The uninstall section deletes listed files only: its own Delete lines are literal names.
    main_un = next(body for head, body in sections.items() if head.startswith('Section "un.程序文件"'))
    for m in re.finditer(r"^\s*Delete\s+(.*)$", main_un, re.M):
        assert "*" not in m.group(1) and "?" not in m.group(1)
    assert '!include "${LISTS}/uninstall-files.nsh"' in main_un


def test_script_installs_per_user_into_a_fixed_folder_and_guards_the_uninstaller() -> None:
    text = NSI.read_text("utf-8")
    sections = _sections(text)
    assert "RequestExecutionLevel user" in text
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APPNAME}"' in text
    assert "MUI_PAGE_DIRECTORY" not in text
    assert 'StrCpy $INSTDIR "$LOCALAPPDATA\\Programs\\${APPNAME}"' in sections["Function .onInit"]
    un_init = sections["Function un.onInit"]
    assert '${If} $INSTDIR != "$LOCALAPPDATA\\Programs\\${APPNAME}"' in un_init
    assert '${OrIfNot} ${FileExists} "$INSTDIR\\${MARKER}"' in un_init
    assert "Abort" in un_init
    # Upgrade: close the running app first, run the old list-based uninstaller only.
    assert "Call CloseRunningApp" in sections["Function .onInit"]
    remove_old = sections["Function RemovePreviousVersion"]
    assert '${If} $0 == "${LAYOUT}"' in remove_old and "/UPGRADE _?=$INSTDIR" in remove_old
    assert 'MUI_LANGUAGE "SimpChinese"' in text
    assert re.search(r"^VIProductVersion ", text, re.M) and "MUI_ICON" in text
    assert 'WriteRegStr HKCU "Software\\Classes\\${WORKSPACE_EXT}"' in text
    assert '--workspace "%1" gui' in text


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (Debian package nsis) not installed")
def test_installer_compiles_and_carries_each_file_once_to_install_and_once_to_delete(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path)
    lists = tmp_path / "lists"
    assert nsis_file_list.main([str(bundle), str(lists)]) == 0
    setup = tmp_path / "cets-desktop-9.8.7-Setup.exe"
    proc = subprocess.run(
        [
            "makensis",
            "-V2",
            "-INPUTCHARSET",
            "UTF8",
            "-DNO_COMPRESSION",
            "-DVERSION=9.8.7",
            f"-DBUNDLE={bundle}",
            f"-DLISTS={lists}",
            f"-DOUTFILE={setup}",
            str(NSI),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = setup.read_bytes()
    assert data[:2] == b"MZ"

    def count(text: str) -> int:
        return data.count(text.encode("utf-16-le"))

    for name in ("base_library.zip", "qtbase_zh_CN.qm", "power-monthly-2026.yaml", "price $5 list.txt"):
        assert count(name) == 2, name  # written once, deleted once
    assert count("${APPTITLE}") == 0 and count("${APPNAME}") == 0  # every define expanded
    assert count("卸载程序不在 全国碳市场填报助手 的安装文件夹") == 1  # the uninstaller's Chinese guard
    assert count("9.8.7") >= 2  # version resource and uninstall key
    assert count("Programs\\cets-desktop") >= 2
