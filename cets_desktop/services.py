"""Former home of the file workflows, now in :mod:`cets_desktop.workflow`; kept so older scripts
and tests that import ``cets_desktop.services`` keep working. New code imports the workflow
modules directly.
"""

from __future__ import annotations

from .workflow.definitions import definition_for, definition_of
from .workflow.documents import initial_values, new_document, new_row
from .workflow.errors import ExportBlocked, InputError
from .workflow.evaluation import calc_output, evaluate_input, explanations, findings_json
from .workflow.export import (
    Cancel,
    EvidenceResolver,
    ExportOutcome,
    Progress,
    export_package,
    package_name,
    sha256_file,
)
from .workflow.inputs import LoadedInput, load_input, spec_for
from .workflow.status import (
    STATUS_DRAFT,
    STATUS_ERRORS,
    STATUS_EXPORTED,
    STATUS_NOT_STARTED,
    STATUS_READY,
    card_status,
    due_date,
)

__all__ = [
    "STATUS_DRAFT",
    "STATUS_ERRORS",
    "STATUS_EXPORTED",
    "STATUS_NOT_STARTED",
    "STATUS_READY",
    "Cancel",
    "EvidenceResolver",
    "ExportBlocked",
    "ExportOutcome",
    "InputError",
    "LoadedInput",
    "Progress",
    "calc_output",
    "card_status",
    "definition_for",
    "definition_of",
    "due_date",
    "evaluate_input",
    "explanations",
    "export_package",
    "findings_json",
    "initial_values",
    "load_input",
    "new_document",
    "new_row",
    "package_name",
    "sha256_file",
    "spec_for",
]
