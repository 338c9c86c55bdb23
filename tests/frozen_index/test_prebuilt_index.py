"""The frozen bundle's prebuilt forms index (core/forms_index.py, written by the PyInstaller spec):
it equals a fresh build, it is used on a first start with an empty cache (whatever the files'
mtimes after installation), and it is never used when it could be wrong: a definition, part or
reference file edited, added or removed after the build, another app version, a corrupt or
tampered file, or a user's own definitions folder. ``scripts/build-frozen.sh`` checks the real
bundle's first start."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from cets_desktop.core import forms_index
from cets_desktop.core.forms_index import (
    FORMS_DIR_ENV,
    PREBUILT_NAME,
    index_file,
    load_index,
    prebuilt_file,
    write_prebuilt,
)
from cets_desktop.paths import CACHE_DIR_ENV, forms_dir


def _copy_forms(target: Path) -> Path:
    """The shipped definitions and parts (the reference tables stay the shipped ones, as the
    index reads them from there), dated an hour back like installed files."""
    shutil.copytree(forms_dir(), target, ignore=shutil.ignore_patterns("reference"))
    settle(target)
    return target


def settle(folder: Path, age_s: int = 3600) -> None:
    then = time.time() - age_s
    for path in folder.rglob("*"):
        os.utime(path, (then, then))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(FORMS_DIR_ENV, raising=False)
    monkeypatch.setattr(forms_index, "_MEMO", {})
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the shipped definitions and its prebuilt index, written once (loads them all)."""
    root = tmp_path_factory.mktemp("bundle")
    folder = _copy_forms(root / "forms")
    target = write_prebuilt(root / "build" / PREBUILT_NAME, folder)
    return folder, target


@pytest.fixture
def bundle(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private "installed" copy: every file with a new mtime (as NSIS/zip extraction may give),
    in another folder than the one it was built in, the prebuilt file beside the definitions."""
    folder, target = built
    installed = tmp_path / "Programs" / "cets-desktop" / "_internal" / "forms"
    shutil.copytree(folder, installed)
    shutil.copy2(target, installed / PREBUILT_NAME)
    settle(installed, age_s=600)
    return installed, installed / PREBUILT_NAME


def _fresh(folder: Path) -> forms_index.FormsIndex:
    """The index a rebuild from the definitions gives (no cache, no prebuilt)."""
    return load_index(folder, prebuilt=False)


def test_prebuilt_index_equals_a_fresh_build(bundle: tuple[Path, Path], cache: Path) -> None:
    folder, prebuilt = bundle
    from_bundle = load_index(folder, prebuilt=prebuilt)
    assert from_bundle.source == "prebuilt"
    shutil.rmtree(cache)
    truth = _fresh(folder)
    assert truth.source == "built"
    assert from_bundle.entries == truth.entries
    assert from_bundle.errors == truth.errors and from_bundle.reference_errors == truth.reference_errors
    # Every shipped definition is there, with its installed path (not the build machine's).
    names = sorted(p.name for p in folder.glob("*.yaml"))
    assert sorted(Path(e.path).name for e in from_bundle.entries) == names
    assert all(Path(e.path).parent == folder for e in from_bundle.entries)
    power = from_bundle.for_period("power-monthly", "2026-10")
    assert power is not None and power.title == truth.for_period("power-monthly", "2026-10").title


def test_first_start_uses_the_prebuilt_index_without_loading_a_definition(
    bundle: tuple[Path, Path], cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, prebuilt = bundle

    def no_rebuild(_folder: Path) -> None:
        raise AssertionError("the definitions were loaded although the prebuilt index matches")

    monkeypatch.setattr(forms_index, "_build", no_rebuild)
    first = load_index(folder, prebuilt=prebuilt)
    assert first.source == "prebuilt" and len(first.entries) == len(list(folder.glob("*.yaml")))
    # What it gave is now in the user cache under the size+mtime key: the next start reads that.
    assert index_file(folder).is_file()
    again = load_index(folder, prebuilt=prebuilt)
    assert again.source == "cache" and again.entries == first.entries


@pytest.mark.parametrize(
    "change",
    ["same-size edit", "longer edit", "new definition", "removed definition", "part edited"],
)
def test_a_definition_changed_after_the_build_is_detected(
    bundle: tuple[Path, Path], cache: Path, change: str
) -> None:
    folder, prebuilt = bundle
    power = folder / "power-monthly-2026.yaml"
    text = power.read_text(encoding="utf-8")
    if change == "same-size edit":
        # The title's 发电 → 火电: same byte count, the size key alone would miss it.
        edited = text.replace("\ntitle: 发电设施", "\ntitle: 火电设施", 1)
        assert edited != text and len(edited.encode()) == len(text.encode())
        power.write_text(edited, encoding="utf-8")
    elif change == "longer edit":
        power.write_text(text.replace("发电设施", "燃煤发电设施", 1), encoding="utf-8")
    elif change == "new definition":
        shutil.copy2(power, folder / "power-monthly-2027.yaml")
        new = folder / "power-monthly-2027.yaml"
        new.write_text(
            text.replace('version: "2026.1"', 'version: "2027.1"', 1)
            .replace("template_year: 2026", "template_year: 2027", 1)
            .replace('valid_from: "2023-01"', 'valid_from: "2027-01"', 1),
            encoding="utf-8",
        )
    elif change == "removed definition":
        (folder / "steel-plan-2027.yaml").unlink()
    else:
        part = folder / "parts" / "fuel-combustion.yaml"
        ptext = part.read_text(encoding="utf-8")
        part.write_text(ptext + "\n", encoding="utf-8")
    settle(folder)  # old enough to be trusted to the cache: only the contents tell
    index = load_index(folder, prebuilt=prebuilt)
    assert index.source == "built"
    assert index.entries == _fresh(folder).entries
    if change == "same-size edit":
        latest = index.latest("power-monthly")
        assert latest is not None and latest.title == "火电设施月度信息化存证"
    if change == "new definition":
        assert [e.version for e in index.by_id("power-monthly")] == ["2026.1", "2027.1"]
    if change == "removed definition":
        assert index.latest("steel-plan") is None


def _rewrite(prebuilt: Path, edit) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(prebuilt.read_text(encoding="utf-8"))
    edit(data)
    prebuilt.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("damage", ["truncated", "not json", "title changed", "empty file", "other version"])
def test_a_corrupt_or_foreign_prebuilt_file_is_ignored(
    bundle: tuple[Path, Path], cache: Path, damage: str
) -> None:
    folder, prebuilt = bundle
    truth_entries = _fresh(folder).entries
    shutil.rmtree(cache)
    if damage == "truncated":
        data = prebuilt.read_bytes()
        prebuilt.write_bytes(data[: len(data) // 2])
    elif damage == "not json":
        prebuilt.write_bytes(b"\x00\xff garbage")
    elif damage == "empty file":
        prebuilt.write_bytes(b"")
    elif damage == "title changed":
        # A stray edit without fixing the checksum.
        _rewrite(prebuilt, lambda d: d["content"]["entries"][0].update(title="伪造的标题"))
    else:
        # A whole, consistent file from another version of the app (checksum recomputed).
        def other(d):  # type: ignore[no-untyped-def]
            d["key"]["app_version"] = "0.0.1"
            d["checksum"] = forms_index._checksum(d["key"], d["content"])

        _rewrite(prebuilt, other)
    index = load_index(folder, prebuilt=prebuilt)
    assert index.source == "built"
    assert index.entries == truth_entries
    assert all(e.title != "伪造的标题" for e in index.entries)


def test_only_the_shipped_folder_consults_a_prebuilt_index(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = Path(os.path.abspath(forms_dir()))
    assert prebuilt_file(shipped) == shipped / PREBUILT_NAME
    # A user's own definitions folder keeps the cache path only, even with a prebuilt file in it.
    own = tmp_path / "own-forms"
    own.mkdir()
    assert prebuilt_file(own) is None
    monkeypatch.setenv(FORMS_DIR_ENV, str(own))
    assert prebuilt_file(own) is None
    assert prebuilt_file(shipped) is None


def test_the_prebuilt_file_names_no_build_machine_path(built: tuple[Path, Path]) -> None:
    folder, target = built
    text = target.read_text(encoding="utf-8")
    assert str(folder) not in text and str(folder.parent) not in text
    data = json.loads(text)
    assert data["key"]["forms"] and all(len(row[2]) == 64 for row in data["key"]["forms"])
