"""The workspace: an embedded SQLite database of enterprises, filings, revisions, autosave drafts,
audit trail and export history, with a content-addressed evidence folder beside it.

No Qt here: the CLI and the GUI drive the same ``Workspace``.
"""

from cets_desktop.store.diff import Change, diff_documents, diff_values
from cets_desktop.store.documents import canonical_json
from cets_desktop.store.errors import ErrorKind, WorkspaceError
from cets_desktop.store.evidence import EvidenceCancelled, EvidenceRecord, EvidenceStore
from cets_desktop.store.migrations import LATEST_VERSION
from cets_desktop.store.records import (
    AuditEntry,
    Draft,
    Enterprise,
    Facility,
    Filing,
    PackageRecord,
    Revision,
    RevisionInfo,
)
from cets_desktop.store.schema import FILING_STATES, STATE_DRAFT, STATE_EXPORTED, STATE_VALIDATED
from cets_desktop.store.workspace import Workspace, default_workspace_path

__all__ = [
    "LATEST_VERSION",
    "FILING_STATES",
    "STATE_DRAFT",
    "STATE_EXPORTED",
    "STATE_VALIDATED",
    "AuditEntry",
    "Change",
    "Draft",
    "Enterprise",
    "ErrorKind",
    "EvidenceCancelled",
    "EvidenceRecord",
    "EvidenceStore",
    "Facility",
    "Filing",
    "PackageRecord",
    "Revision",
    "RevisionInfo",
    "Workspace",
    "WorkspaceError",
    "canonical_json",
    "default_workspace_path",
    "diff_documents",
    "diff_values",
]
