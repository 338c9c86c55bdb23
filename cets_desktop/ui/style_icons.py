"""The style's standard icons (tool bar, menus, navigator) for the first frame, without QStyle.

Asking the style for an icon (``widget.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)``)
makes QStyle's Python type and its 11 enum classes: ≈ 18–22 ms of the window's cold start
(bench/bench_gui_start.py), for 14 small pictures. So after the first paint of a start that asked
the style, the same icons are written, pixmap by pixmap exactly as the style made them (at the
sizes the window shows, in every mode, on one picture sheet of raw pixels), to the user cache folder
(``paths.cache_dir``); the next start builds them from that sheet with ``QIcon.addPixmap`` and
never makes QStyle before its first paint (tests/speed_start/test_two_step_window.py compares
the pictures with the style's own).

The cache is keyed by everything that changes the pictures: the app and PySide6 versions, the
platform and its Qt platform plugin, the device pixel ratio (display scaling) and the style. A
missing, partial or unreadable cache means the style is asked, as before, and the cache is
written again; a cached icon that comes out empty is reported by :func:`after_first_paint`, which
removes the cache so that the next start asks the style again.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QIcon, QPixmap

from ..core.lean_stdlib import json_loads

NAMES = (
    # tool bar and menus (ui/main_window.py)
    "SP_DialogOpenButton",
    "SP_FileDialogNewFolder",
    "SP_FileIcon",
    "SP_DialogSaveButton",
    "SP_BrowserReload",
    "SP_ArrowDown",
    "SP_ArrowUp",
    "SP_DialogApplyButton",
    "SP_ArrowBack",
    "SP_ArrowForward",
    "SP_FileDialogDetailedView",
    "SP_FileDialogListView",
    # navigator (ui/navigator.py)
    "SP_DriveHDIcon",
    "SP_DirHomeIcon",
)
"""Every standard icon the first frame can show (``QStyle.StandardPixmap`` member names)."""
STYLE = "fusion"
"""The style the app runs (ui/app.py starts Qt with ``-style fusion``)."""
STYLE_PROPERTY = "cets_style"
"""The application property ui/app.py sets to :data:`STYLE` (a style sheet hides the style's own
name from ``QStyle.name()``); icons are only written under that name when it is set."""
MANIFEST = "icons.json"
SHEET = "icons.argb32"
"""The picture sheet: raw premultiplied ARGB32 rows, as QImage holds them. Not a PNG: the first
image a process decodes makes Qt look through its image-format plugins (≈ 5–12 ms of the cold
start here), while raw pixels go straight into a QImage, and exactly (no round trip through
unpremultiplied PNG pixels)."""
SHOWN_SIZES = (16, 24)
"""The sizes the window shows these icons at (device-independent): menus and the navigator 16 px
(PM_SmallIconSize), the tool bar 24 px (PM_ToolBarIconSize). At this display's scale each is also
written as the style draws it, in every mode (normal, disabled, active, selected) and state (off;
on where it differs, as the home folder of an expanded navigator row does): an icon that
the style draws at any size (the arrows) or scales down from a larger picture then gives the same
pixels, and a disabled tool bar button looks as before. Other sizes are scaled from these."""
MODES = ("Normal", "Disabled", "Active", "Selected")

_icons: dict[str, QIcon] = {}
_source = ""
""""cache" (built from the files), "style" (asked the style) or "" (nothing asked yet)."""
_after_paint_done = False


def icon(name: str) -> QIcon:
    """The style's standard icon ``name`` (a ``QStyle.StandardPixmap`` member name)."""
    if not _source:
        _load()
    found = _icons.get(name)
    if found is None:
        found = _icons[name] = _style_icon(name)
    return found


def source() -> str:
    """Where this process's icons came from: "cache", "style" or "" (none asked yet)."""
    return _source


def cache_folder() -> Path | None:
    """This configuration's icon folder in the user cache (None when there is no cache folder)."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtGui import QGuiApplication

    from .. import __version__
    from ..paths import cache_dir

    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return None
    ratio = f"{app.devicePixelRatio():g}".replace(".", "_")
    key = f"{__version__}-pyside{pyside_version}-{sys.platform}-{app.platformName()}-{STYLE}-x{ratio}"
    try:
        return cache_dir() / "style-icons" / key
    except (OSError, RuntimeError):
        return None


def _load() -> None:
    """Build every icon of :data:`NAMES` from the cache, or leave them to the style."""
    global _source
    folder = cache_folder()
    try:
        if folder is None:
            raise OSError("no cache folder")
        manifest = json_loads((folder / MANIFEST).read_text(encoding="utf-8"))
        sheet = _read_sheet(folder / SHEET, manifest["sheet"])
        built: dict[str, QIcon] = {}
        for name in NAMES:
            made = QIcon()
            for x, y, width, height, mode, state in manifest["icons"][name]:
                piece = sheet.copy(QRect(int(x), int(y), int(width), int(height)))
                made.addPixmap(piece, getattr(QIcon.Mode, str(mode)), getattr(QIcon.State, str(state)))
            built[name] = made
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        _source = "style"
        return
    _icons.update(built)
    _source = "cache"


def _read_sheet(path: Path, geometry: list[int]) -> QPixmap:
    """The picture sheet written by :func:`write` (width, height and bytes per line in the manifest)."""
    from PySide6.QtGui import QImage

    width, height, line = (int(n) for n in geometry)
    data = path.read_bytes()
    if width <= 0 or height <= 0 or line < 4 * width or len(data) != height * line:
        raise ValueError(f"{path} is not the {width}×{height} sheet its manifest describes")
    # QImage reads ``data`` in place; fromImage copies the pixels before ``data`` goes.
    sheet = QPixmap.fromImage(QImage(data, width, height, line, QImage.Format.Format_ARGB32_Premultiplied))
    if sheet.isNull():
        raise OSError(f"unreadable {path}")
    return sheet


def _style_icon(name: str) -> QIcon:
    from PySide6.QtWidgets import QApplication, QStyle

    return QApplication.style().standardIcon(getattr(QStyle.StandardPixmap, name))


def after_first_paint() -> None:
    """Write the cache when this start asked the style; check the icons a cached start built.

    Runs once the first frame is on screen (ui/main_window.finish_window); never raises: without
    a writable cache folder every start simply asks the style, as before."""
    global _after_paint_done
    if _after_paint_done or not _source:
        return
    _after_paint_done = True  # once per process
    folder = cache_folder()
    if folder is None:
        return
    if _source == "cache":
        if any(_icons[n].pixmap(QSize(16, 16)).isNull() for n in NAMES):
            import shutil

            shutil.rmtree(folder, ignore_errors=True)  # damaged: the next start asks the style
        return
    try:
        write(folder)
    except OSError:
        pass


def write(folder: Path) -> None:
    """Every icon of :data:`NAMES` as the style makes it at the shown sizes, in every mode, on
    one picture sheet (one file to read: building an icon from 140 files costs ≈ 14 ms, from one
    sheet ≈ 3 ms), and the manifest of where each picture is (written last, through a temporary
    name: a half-written cache has no manifest)."""
    from PySide6.QtGui import QGuiApplication, QImage, QPainter

    app = QGuiApplication.instance()
    if app is None or app.property(STYLE_PROPERTY) != STYLE:
        return  # not started as ui/app starts it: another style's icons must not pass for Fusion's
    folder.mkdir(parents=True, exist_ok=True)
    ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
    sides = [round(side * ratio) for side in SHOWN_SIZES]
    row = max(sides)
    sheet = QImage(sum(sides) * len(MODES) * 2, row * len(NAMES), QImage.Format.Format_ARGB32_Premultiplied)
    sheet.fill(0)
    painter = QPainter(sheet)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
    manifest: dict[str, list[tuple[int, int, int, int, str, str]]] = {}
    for index, name in enumerate(NAMES):
        made = _style_icon(name)
        pictures = [
            (side, mode, state, made.pixmap(QSize(side, side), 1.0, getattr(QIcon.Mode, mode), state))
            for side in sides
            for mode in MODES
            for state in (QIcon.State.Off, QIcon.State.On)
        ]
        # The "on" pictures (an expanded folder in the navigator) only for an icon that has its
        # own: an icon without them gives the "off" picture for "on", as before.
        own_on = any(
            a[3].toImage() != b[3].toImage() for a, b in zip(pictures[::2], pictures[1::2], strict=True)
        )
        entries = []
        x = 0
        for side, mode, state, pixmap in pictures:
            if state == QIcon.State.On and not own_on:
                continue
            if not pixmap.isNull():  # smaller than asked when the icon has no larger picture
                painter.drawPixmap(x, index * row, pixmap)
                entries.append((x, index * row, pixmap.width(), pixmap.height(), mode, state.name))
            x += side
        manifest[name] = entries
    painter.end()
    from ..paths import write_cache_file

    if not write_cache_file(folder / SHEET, bytes(sheet.constBits())):
        raise OSError(f"cannot write {folder / SHEET}")
    geometry = [sheet.width(), sheet.height(), sheet.bytesPerLine()]
    import json  # written once, after a start that asked the style

    text = json.dumps({"sheet": geometry, "icons": manifest}, ensure_ascii=False)
    if not write_cache_file(folder / MANIFEST, text):
        raise OSError(f"cannot write {folder / MANIFEST}")
