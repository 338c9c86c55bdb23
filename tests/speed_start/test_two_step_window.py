"""The window in two steps (issue #14 item 1): the first frame is painted without the Python types
of ``Qt`` (93 enum classes), ``QStyle``, ``QKeySequence`` or ``QDialog`` (ui/lazy_qt.py), and the
window finished right after it has everything a window opened on a desk has: every shortcut, the
docks in their places, the navigator pane, the same icons. Behaviour only; the time it saves is
measured by bench/bench_gui_start.py."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_first_paint import cards, expected_cards, start  # noqa: E402

from cets_desktop.workflow.desk import Desk  # noqa: E402
from cets_desktop.workflow.glance import glance  # noqa: E402


def _types(line: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in line.split())


def test_first_frame_builds_neither_qt_nor_qstyle(demo_path: Path, tmp_path: Path) -> None:
    cache = tmp_path / "app-cache"
    expected = expected_cards(demo_path)

    # First start: no icon cache yet, so the style is asked for the icons (QStyle made); Qt,
    # QKeySequence and the dialogs are not made before the first frame even then.
    first = _types(start(demo_path, tmp_path / "home1", cache)["TYPES_AT_READY"])
    assert (first["Qt"], first["QKeySequence"], first["QDialog"], first["QLibraryInfo"]) == ("no",) * 4
    assert first["QStyle"] == "yes"
    manifest = list((cache / "style-icons").glob("*/icons.json"))
    assert len(manifest) == 1, "the first start wrote the icon cache after its first paint"

    # Second start: none of them, far fewer enum classes, and the same cards as once settled.
    second = start(demo_path, tmp_path / "home2", cache)
    types = _types(second["TYPES_AT_READY"])
    from cets_desktop.ui.app import WATCHED_TYPES

    watched = {name for _module, name in WATCHED_TYPES}
    assert {"Qt", "QStyle", "QKeySequence", "QDialog", "QLibraryInfo"} <= watched
    assert {k: v for k, v in types.items() if k in watched} == dict.fromkeys(sorted(watched), "no")
    assert int(types["enums"]) < int(first["enums"])
    assert cards(second["CARDS_AT_READY"]) == expected
    assert cards(second["CARDS"]) == expected


def _shortcuts(window: Any) -> dict[str, list[str]]:
    return {
        name: [k.toString() for k in action.shortcuts()] for name, action in window.actions_by_name.items()
    }


def test_the_glanced_window_is_finished_like_a_desk_window(
    qtbot: Any, isolated_qsettings: Any, demo_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from cets_desktop.ui.main_window import MainWindow

    reference = MainWindow(Desk.open(demo_path))
    qtbot.addWidget(reference)
    wanted = _shortcuts(reference)
    areas = [reference.dockWidgetArea(d) for d in (reference.findings_dock, reference.evidence_dock)]
    reference.close()
    assert wanted["save"] == ["Ctrl+S"] and wanted["toggle_navigator"] == ["Ctrl+Shift+1"]
    assert wanted["redo"] == ["Ctrl+Y", "Ctrl+Shift+Z"] and wanted["focus_mode"] == ["F11", "Ctrl+Shift+F"]
    assert areas == [Qt.DockWidgetArea.BottomDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea]

    seen = glance(demo_path)
    assert seen is not None
    window = MainWindow(glance=seen)
    qtbot.addWidget(window)
    # Before the first paint: no shortcut yet (they need QKeySequence), the docks not placed.
    assert not window.finished and all(not keys for keys in _shortcuts(window).values())
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: window.cards_settled, timeout=120_000)
    assert window.finished
    assert _shortcuts(window) == wanted
    assert [window.dockWidgetArea(d) for d in (window.findings_dock, window.evidence_dock)] == areas
    assert not window.findings_dock.isVisible() and not window.evidence_dock.isVisible()  # calendar
    assert window.navigator.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    from PySide6.QtWidgets import QToolBar

    toolbar = window.findChild(QToolBar, "toolbar")
    assert toolbar is not None
    assert toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    # The actions run what they say (connected once the first frame was on screen).
    from cets_desktop.ui.main_window import PAGE_CALENDAR, PAGE_OVERVIEW

    window.actions_by_name["overview"].trigger()
    assert window.current_page == PAGE_OVERVIEW
    window.actions_by_name["calendar"].trigger()
    assert window.current_page == PAGE_CALENDAR
    # The cards got their keyboard focus and hand cursor.
    card = window.calendar.cards[0]
    assert card.focusPolicy() == Qt.FocusPolicy.StrongFocus
    assert card.cursor().shape() == Qt.CursorShape.PointingHandCursor
    window.close()


def test_navigator_pane_toggles_hides_in_focus_mode_and_keeps_its_width(
    qtbot: Any, isolated_qsettings: Any, demo_path: Path
) -> None:
    from cets_desktop.ui.main_window import NAVIGATOR_MIN_WIDTH, NAVIGATOR_WIDTH, MainWindow

    def opened() -> Any:
        window = MainWindow(Desk.open(demo_path))
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        window.settle(30)
        return window

    window = opened()
    toggle = window.actions_by_name["toggle_navigator"]
    assert window.splitter.widget(0) is window.navigator  # a fixed pane, not a dock
    assert window.navigator.minimumWidth() == NAVIGATOR_MIN_WIDTH == 220
    assert window.splitter.sizes()[0] == NAVIGATOR_WIDTH == 250
    assert toggle.text() == "显示导航面板" and toggle.isChecked()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "视图(&V)")
    assert toggle in view_menu.actions()

    toggle.trigger()
    window.settle(20)
    assert not window.navigator.isVisible() and not toggle.isChecked()
    toggle.trigger()
    window.settle(20)
    assert window.navigator.isVisible() and window.splitter.sizes()[0] == 250

    # Focus mode hides it and gives it back (the docks are hidden on the calendar anyway).
    window.toggle_focus_mode()
    window.settle(20)
    assert not window.navigator.isVisible() and not toggle.isChecked()
    window.toggle_focus_mode()
    window.settle(20)
    assert window.navigator.isVisible() and toggle.isChecked()

    # The width the user dragged it to comes back in the next session, and so does hidden.
    window.splitter.setSizes([310, sum(window.splitter.sizes()) - 310])
    window.settle(20)
    window.close()
    again = opened()
    assert again.splitter.sizes()[0] == 310
    again.actions_by_name["toggle_navigator"].trigger()
    again.close()
    third = opened()
    assert not third.navigator.isVisible() and not third.actions_by_name["toggle_navigator"].isChecked()
    third.actions_by_name["toggle_navigator"].trigger()
    third.settle(20)
    assert third.navigator.isVisible() and third.splitter.sizes()[0] == 310
    third.close()


@pytest.fixture
def icons_fresh(qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """ui.style_icons with a private cache folder and nothing asked yet in this process."""
    from cets_desktop.paths import CACHE_DIR_ENV
    from cets_desktop.ui import style_icons

    qapp.setStyle("Fusion")
    qapp.setProperty(style_icons.STYLE_PROPERTY, style_icons.STYLE)  # as ui/app.create_application
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(style_icons, "_icons", {})
    monkeypatch.setattr(style_icons, "_source", "")
    monkeypatch.setattr(style_icons, "_after_paint_done", False)
    yield style_icons
    qapp.setProperty(style_icons.STYLE_PROPERTY, None)  # other tests' windows write no icons


def _pictures(icon: Any) -> list[tuple[int, int, bytes]]:
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    out = []
    for side in (16, 24):  # menus and navigator, tool bar (style_icons.SHOWN_SIZES)
        for mode in (QIcon.Mode.Normal, QIcon.Mode.Disabled, QIcon.Mode.Active, QIcon.Mode.Selected):
            for state in (QIcon.State.Off, QIcon.State.On):  # On: an expanded navigator row
                out.append(_pixels(icon.pixmap(QSize(side, side), 1.0, mode, state)))
    return out


def _pixels(pixmap: Any) -> tuple[int, int, bytes]:
    """The pixels (a picture read back from a file also carries a colour space, which QImage's
    == compares)."""
    from PySide6.QtGui import QImage

    image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    return (image.width(), image.height(), bytes(image.constBits()))


def test_cached_icons_are_the_styles_icons(icons_fresh: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication, QStyle

    style_icons = icons_fresh
    first = style_icons.icon("SP_FileIcon")
    assert style_icons.source() == "style"  # nothing cached yet: asked the style
    assert not first.isNull()
    style_icons.after_first_paint()
    folder = style_icons.cache_folder()
    assert folder is not None and (folder / style_icons.MANIFEST).is_file()

    monkeypatch.setattr(style_icons, "_icons", {})
    monkeypatch.setattr(style_icons, "_source", "")
    style = QApplication.style()
    for name in style_icons.NAMES:
        cached = style_icons.icon(name)
        own = style.standardIcon(getattr(QStyle.StandardPixmap, name))
        assert _pictures(cached) == _pictures(own), name
    assert style_icons.source() == "cache"


def test_a_damaged_icon_cache_falls_back_to_the_style(
    icons_fresh: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    style_icons = icons_fresh
    style_icons.icon("SP_FileIcon")
    style_icons.after_first_paint()
    folder = style_icons.cache_folder()
    assert folder is not None
    (folder / style_icons.SHEET).write_bytes(b"not a picture")  # the picture sheet damaged

    monkeypatch.setattr(style_icons, "_icons", {})
    monkeypatch.setattr(style_icons, "_source", "")
    monkeypatch.setattr(style_icons, "_after_paint_done", False)
    assert not style_icons.icon("SP_DirHomeIcon").isNull()
    assert style_icons.source() == "style"
    style_icons.after_first_paint()  # written again, whole
    monkeypatch.setattr(style_icons, "_icons", {})
    monkeypatch.setattr(style_icons, "_source", "")
    assert not style_icons.icon("SP_DirHomeIcon").isNull() and style_icons.source() == "cache"

    (folder / style_icons.MANIFEST).write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(style_icons, "_icons", {})
    monkeypatch.setattr(style_icons, "_source", "")
    assert not style_icons.icon("SP_DriveHDIcon").isNull()
    assert style_icons.source() == "style"


def test_industry_answers_kept_in_the_cache_are_applicabilitys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cets_desktop.core.applicability import assess
    from cets_desktop.paths import CACHE_DIR_ENV
    from cets_desktop.workflow import glance as glance_module

    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    for code in ("4411", "2511", "3011", "2611 2614", "9999", "3216"):
        monkeypatch.setattr(glance_module, "_industry_memo", {})
        computed = glance_module.industry_forms(code)  # asked applicability, written
        found = assess(code, None)
        assert computed == (list(found.sectors), {t["form"] for t in found.tables}), code
        monkeypatch.setattr(glance_module, "_industry_memo", {})
        import cets_desktop.core.applicability as applicability

        monkeypatch.setattr(applicability, "assess", _refuse)  # the answer must come from the file
        assert glance_module.industry_forms(code) == computed, code
        monkeypatch.setattr(applicability, "assess", assess)
    # A changed applicability module (another key) is asked again.
    path = tmp_path / "cache" / glance_module.INDUSTRY_CACHE
    path.write_text(path.read_text(encoding="utf-8").replace('"key": "', '"key": "old-'), encoding="utf-8")
    monkeypatch.setattr(glance_module, "_industry_memo", {})
    asked: list[str] = []

    def counting(code: str, emissions: Any) -> Any:
        asked.append(code)
        return assess(code, emissions)

    import cets_desktop.core.applicability as applicability

    monkeypatch.setattr(applicability, "assess", counting)
    glance_module.industry_forms("4411")
    assert asked == ["4411"]


def _refuse(*_args: Any) -> Any:
    raise AssertionError("applicability asked although the answer is cached")
