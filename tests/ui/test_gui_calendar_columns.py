"""The year's cards reflow to the calendar's width: four months to a row on a wide window, three,
two or one on a narrow one (a 1366×768 laptop at 150 % leaves the calendar ≈ 600 px), so that the
year scrolls down and never sideways, and the arrow keys follow the rows as they are shown."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cets_desktop.ui.main_window import MainWindow
from cets_desktop.ui.month_calendar import COLUMNS, GRID_FRAME, GRID_SPACING, CalendarView


def _calendar(window: MainWindow, width: int) -> CalendarView:
    window.resize(width, 700)
    window.settle(80)
    calendar = window.calendar
    assert calendar is not None and calendar.isVisible()
    return calendar


def _months(calendar: CalendarView) -> list:  # type: ignore[type-arg]
    return [c for c in calendar.cards if calendar.grid.indexOf(c) >= 0]


def _positions(calendar: CalendarView) -> list[tuple[int, int]]:
    out = []
    for card in _months(calendar):
        row, column, _rows, _columns = calendar.grid.getItemPosition(calendar.grid.indexOf(card))
        out.append((row, column))
    return out


def _check_layout(calendar: CalendarView) -> None:
    columns = calendar.columns
    assert columns == calendar.columns_for(calendar.width())
    # Month i sits in row i // columns, column i % columns: January to December, row by row.
    assert _positions(calendar) == [(i // columns, i % columns) for i in range(len(_months(calendar)))]
    # Every card at least as wide as its texts, and the body no wider than what is shown.
    body = calendar.body
    assert body.minimumSizeHint().width() <= body.width() + 1, (calendar.width(), columns)
    for card in calendar.cards:
        assert card.width() >= card.sizeHint().width(), (calendar.width(), card.card_title)


def test_a_narrow_calendar_shows_fewer_columns_and_never_scrolls_sideways(window: MainWindow) -> None:
    window.actions_by_name["toggle_navigator"].setChecked(False)  # the widest calendar here
    try:
        wide = _calendar(window, 800)
        _check_layout(wide)
        wide_columns, wide_width = wide.columns, wide.width()
        card = max(c.sizeHint().width() for c in _months(wide))
        # Narrow the window until two month cards (and no more) fit, then further.
        two = GRID_FRAME + 2 * card + GRID_SPACING + 4
        seen = []
        for calendar_width in (two, two - card // 2):
            narrow = _calendar(window, 800 - (wide_width - calendar_width))
            _check_layout(narrow)
            seen.append(narrow.columns)
        assert seen[0] <= 2 and seen[1] <= seen[0]
        if wide.columns_for(wide_width) > 2:
            assert wide_columns > seen[0]
    finally:
        window.actions_by_name["toggle_navigator"].setChecked(True)


def test_the_column_count_is_the_most_that_fit(window: MainWindow) -> None:
    calendar = _calendar(window, 800)
    card = max(c.sizeHint().width() for c in _months(calendar))
    for columns in range(1, COLUMNS + 1):
        exact = GRID_FRAME + columns * card + (columns - 1) * GRID_SPACING
        yearly = [c for c in calendar.cards if calendar.yearly_grid.indexOf(c) >= 0]
        wide = max((c.sizeHint().width() for c in yearly), default=0)
        exact = max(
            exact, GRID_FRAME + round((wide - GRID_SPACING) * columns / 2) + (columns - 1) * GRID_SPACING
        )
        if columns > 1:
            assert calendar.columns_for(exact + 1) >= columns
        assert calendar.columns_for(exact - 2) <= max(columns - 1, 1)
    assert calendar.columns_for(10_000) == COLUMNS


def test_up_and_down_keys_move_a_whole_shown_row(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    for width in (800, 480):
        calendar = _calendar(window, width)
        months = _months(calendar)
        first = months[0]
        first.setFocus()
        qtbot.keyClick(first, Qt.Key.Key_Down)
        assert months[calendar.columns].hasFocus(), (width, calendar.columns)
        qtbot.keyClick(months[calendar.columns], Qt.Key.Key_Up)
        assert first.hasFocus()
