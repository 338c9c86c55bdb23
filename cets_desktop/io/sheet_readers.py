"""Workbooks that are not .xlsx — legacy Excel ``.xls`` and OpenDocument ``.ods`` — read with calamine.

One job: present such a file with the small part of openpyxl's read-only interface the importer
uses (``sheetnames``, ``wb[title].iter_rows(values_only=True)``, ``close()``), so the same mapping
to the document applies to every format. Cell values come as Python values (float, int, str,
bool, date/datetime); calamine reports ranges from their first used cell, so rows and columns
are padded back to A1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any


class GridSheet:
    def __init__(self, sheet: Any, max_rows: int):
        self._sheet = sheet
        self._max_rows = max_rows

    def reset_dimensions(self) -> None:
        """openpyxl compatibility: calamine always reads the real used range."""

    def iter_rows(self, values_only: bool = True, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
        start_row, start_col = self._sheet.start or (0, 0)
        limit = min(max_row or self._max_rows, self._max_rows)
        pad = (None,) * start_col
        emitted = 0
        for _ in range(start_row):
            if emitted >= limit:
                return
            emitted += 1
            yield ()
        for row in self._sheet.iter_rows():
            if emitted >= limit:
                return
            emitted += 1
            yield pad + tuple(_value(v) for v in row)


def _value(value: Any) -> Any:
    if isinstance(value, str):
        return value if value else None  # calamine gives "" for an empty cell; openpyxl gives None
    if isinstance(value, dt.timedelta):
        return (dt.datetime(1899, 12, 30) + value).time() if value < dt.timedelta(days=1) else str(value)
    return value


class GridWorkbook:
    """A .xls / .ods workbook through calamine (``python-calamine``)."""

    def __init__(self, data: bytes, max_rows: int):
        from io import BytesIO

        from python_calamine import CalamineWorkbook

        self._book = CalamineWorkbook.from_filelike(BytesIO(data))
        self._max_rows = max_rows
        self.sheetnames: list[str] = list(self._book.sheet_names)

    def __getitem__(self, title: str) -> GridSheet:
        return GridSheet(self._book.get_sheet_by_name(title), self._max_rows)

    def close(self) -> None:
        try:
            self._book.close()
        except Exception:  # noqa: BLE001 - closing an already failed reader must not mask the real problem
            pass


def calamine_available() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True
