"""The one error of an unusable definition (or reference) file: file, line and a Chinese reason.

Its own module so that everything that reports definition problems (loading, binding the
expressions, reference tables) can raise it without importing the loader.
"""

from __future__ import annotations

from pathlib import Path


class DefinitionError(Exception):
    """A definition file cannot be used. ``line`` is 1-based, 0 when unknown."""

    def __init__(self, file: str | Path, line: int, reason: str):
        # A line found in a part's node carries the part's file (see :func:`.loader.line_of`).
        part_file = getattr(line, "file", None)
        self.file = str(part_file or file)
        self.line = int(line)
        self.reason = reason
        where = f"{self.file}:{line}" if line else self.file
        super().__init__(f"{where}：{reason}")
