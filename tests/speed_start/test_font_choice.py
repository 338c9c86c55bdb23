"""The CJK font is found by asking for each preferred family (ui/fonts.py): the same family as
listing every installed one, without making the font database's Python type on a usual start."""

from __future__ import annotations

from pathlib import Path

from cets_desktop.ui import fonts

from .test_first_paint import start


def test_the_chosen_family_is_the_first_preferred_one_installed_with_chinese_glyphs(qapp) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFontDatabase

    listed = set(QFontDatabase.families())
    by_listing = next(
        (f for f in fonts.PREFERRED_FAMILIES if f in listed and fonts.has_glyphs(f)),
        None,
    )
    if by_listing is None:  # none preferred here: the writing-system search decides, as before
        chinese = sorted(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
        by_listing = next((f for f in chinese if fonts.has_glyphs(f)), None)
    assert fonts.cjk_family() == by_listing
    assert fonts.cjk_family() is not None  # CI installs a CJK font (scripts/setup.sh): labels are not boxes


def test_a_family_that_is_not_installed_is_not_taken_for_its_substitute(qapp) -> None:  # type: ignore[no-untyped-def]
    assert not fonts.installed("No Such Family 碳排放 9f3c")
    family = fonts.cjk_family()
    assert family is not None and fonts.installed(family)


def test_the_first_paint_makes_no_font_database_type(demo_path: Path, tmp_path: Path) -> None:
    lines = start(demo_path, tmp_path / "home", tmp_path / "cache")
    made = dict(item.split("=", 1) for item in lines["TYPES_AT_READY"].split())
    assert made["QFontDatabase"] == "no"


def test_each_platform_asks_for_its_own_ui_font_first_and_for_every_family_once() -> None:
    windows = fonts.preferred_families("win32")
    mac = fonts.preferred_families("darwin")
    linux = fonts.preferred_families("linux")
    assert windows[0] == "Microsoft YaHei UI"
    assert mac[0] == "PingFang SC"
    assert linux[0] in fonts.OPEN_FAMILIES
    # The same families everywhere, each once: only the order differs (a YaHei installed on a
    # Linux desktop is still found, after the free fonts that desktop usually has).
    assert sorted(windows) == sorted(mac) == sorted(linux)
    assert len(set(windows)) == len(windows)
    assert fonts.preferred_families() == fonts.PREFERRED_FAMILIES
