"""The application style sheet (``resources/styles/app.qss``) and dynamic-property refresh."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..paths import resources_dir


def app_stylesheet() -> str:
    """The style sheet with ``@ICONS@`` pointing at the shipped icon folder (found at run time)."""
    try:
        text = (resources_dir() / "styles" / "app.qss").read_text(encoding="utf-8")
    except OSError:
        return ""  # an unstyled window beats no window
    return text.replace("@ICONS@", (resources_dir() / "icons").as_posix())


def set_style_property(widget: QWidget, name: str, value: object) -> None:
    """Set a property the style sheet selects on and make Qt re-apply the style."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
