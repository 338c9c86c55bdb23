"""The two ways a workflow step refuses: unusable input, and findings that block a final package."""

from __future__ import annotations

from ..core.findings import Finding


class InputError(Exception):
    """The input cannot be used at all; ``message`` is one Chinese line saying why and what to do.

    The CLI prints it and exits with status 2; the window shows it in a message box.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ExportBlocked(Exception):
    """Errors, or warnings without a written acknowledgement, stop the final package."""

    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message)
        self.message = message
        self.findings = findings
