"""The workspace's row types and states, as the window and the CLI see them.

The store defines them; screens take them from here so that ``ui/`` never imports ``store/``
(import-linter contract) and reaches the workspace only through :class:`workflow.desk.Desk`.
"""

from __future__ import annotations

from ..store import (
    STATE_DRAFT,
    STATE_EXPORTED,
    STATE_VALIDATED,
    AuditEntry,
    Change,
    Draft,
    Enterprise,
    EvidenceRecord,
    Facility,
    Filing,
    PackageRecord,
    Revision,
    RevisionInfo,
    WorkspaceError,
    default_workspace_path,
    diff_documents,
    diff_values,
)

__all__ = [
    "STATE_DRAFT",
    "STATE_EXPORTED",
    "STATE_VALIDATED",
    "AuditEntry",
    "Change",
    "Draft",
    "Enterprise",
    "EvidenceRecord",
    "Facility",
    "Filing",
    "PackageRecord",
    "Revision",
    "RevisionInfo",
    "WorkspaceError",
    "default_workspace_path",
    "diff_documents",
    "diff_values",
]
