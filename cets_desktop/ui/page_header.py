"""The title + subtitle block at the top of a page (filing form, month calendar)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


def title_block(parent: QWidget | None = None) -> tuple[QVBoxLayout, QLabel, QLabel]:
    """A vertical layout holding a title label and a word-wrapped subtitle (styled by role);
    ``parent``: the page the layout goes into (labels made there are not moved and styled again)."""
    titles = QVBoxLayout()
    title = QLabel(parent)
    title.setProperty("role", "title")
    # Official filing names run to 40+ characters (Appendix 5 tables): a title that cannot wrap
    # would set the window's minimum width above a 1366 px screen.
    title.setWordWrap(True)
    title.setMinimumWidth(1)
    subtitle = QLabel(parent)
    subtitle.setProperty("role", "subtitle")
    subtitle.setWordWrap(True)
    titles.addWidget(title)
    titles.addWidget(subtitle)
    return titles, title, subtitle
