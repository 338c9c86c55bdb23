"""A calendar card's first paint is the picture it keeps (ui/month_calendar.py): its texts are laid
out in the font they are drawn in before they are placed, so nothing moves on the next paint;
text in the painter's own colour is plain (no markup to lay out) and looks the same."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QImage

from cets_desktop.core.forms_index import FormEntry
from cets_desktop.ui import month_calendar
from cets_desktop.ui.month_calendar import FilingCard
from cets_desktop.workflow.status import FilingSummary

ENTRY = FormEntry(
    "power-monthly", "发电设施月度信息化存证", "monthly", "power", "2026.1", "2026-01", None, "/f.yaml"
)


def _card(qtbot, status: str = "草稿", errors: int = 0) -> FilingCard:  # type: ignore[no-untyped-def]
    summary = FilingSummary(ENTRY, "2026-10", None, status, date(2026, 12, 10), errors=errors)
    card = FilingCard(summary, date(2026, 12, 1), "2026年10月")
    qtbot.addWidget(card)
    card.resize(260, 130)
    return card


def _picture(card: FilingCard) -> QImage:
    return card.grab().toImage()


def test_the_first_paint_of_a_card_is_the_one_it_keeps(qtbot) -> None:  # type: ignore[no-untyped-def]
    """With no text laid out yet (a cold start), the first picture equals every later one: the
    15 pt title is not centred as if it were in the 9.5 pt application font."""
    month_calendar._texts.clear()
    card = _card(qtbot, errors=2)
    first = _picture(card)
    assert _picture(card) == first
    card.update()
    assert _picture(card) == first


def test_plain_and_rich_texts_draw_the_same_line(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The title (the painter's own colour, plain text) and a status line (another colour, rich
    text) are placed from sizes measured in their own fonts, as drawn."""
    card = _card(qtbot)
    _picture(card)
    title_key = 2 + int(card._title_points * 10)
    kept = {key: static for key, static in month_calendar._texts.items() if key[0] == "2026年10月"}
    assert kept, "the title was drawn from the kept texts"
    (key, static), *_ = kept.items()
    assert key[2] == title_key
    title_font = card._fonts()[0]
    from PySide6.QtGui import QFontMetrics

    # The kept size is the title font's line, not the application font's.
    assert round(static.size().height()) == QFontMetrics(title_font).height()


def test_a_blank_line_draws_nothing(qtbot) -> None:  # type: ignore[no-untyped-def]
    month_calendar._texts.clear()
    card = _card(qtbot)
    card.detail.setText(" ")  # what a filed card with nothing to say shows
    _picture(card)
    assert not [key for key in month_calendar._texts if not key[0].strip()]


def test_a_card_measures_again_in_a_new_font(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A larger font (setFont, or a style sheet's font-size) makes the card ask for more room and
    draw its title in the larger font; going back gives the first size again — without a Python
    changeEvent (the first paint does without the Python types of QEvent's subclasses)."""
    card = _card(qtbot, errors=2)
    before = card.sizeHint()
    first_title = card._fonts()[0].pointSizeF()
    bigger = card.font()
    bigger.setPointSizeF(bigger.pointSizeF() * 2)
    card.setFont(bigger)
    after = card.sizeHint()
    assert after.width() > before.width() and after.height() > before.height()
    assert card._fonts()[1].pointSizeF() == bigger.pointSizeF()
    assert card._fonts()[0].pointSizeF() == first_title  # the title keeps its own 15 pt
    card.setStyleSheet("* { font-size: 30pt; }")
    styled = card.sizeHint()
    assert styled.height() > before.height()
    card.setStyleSheet("")
    card.setFont(_card(qtbot).font())
    assert card.sizeHint() == before
    assert "changeEvent" not in FilingCard.__dict__
