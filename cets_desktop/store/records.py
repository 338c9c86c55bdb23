"""Plain, immutable views of workspace rows, as returned by ``Workspace``.

They are snapshots: changing the workspace never mutates one already handed out. JSON columns come
back decoded; timestamps are ISO 8601 strings in local time with offset (as in filing documents).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Enterprise:
    id: int
    name: str
    uscc: str  # 统一社会信用代码
    industry_code: str
    province: str
    city: str
    sectors: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # e.g. {"local_deadline_days": 20}
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class Facility:
    id: int
    enterprise_id: int
    kind: str  # e.g. "发电机组", "生产线"
    name: str
    attributes: dict[str, Any] = field(default_factory=dict)
    sort_order: int = 0


@dataclass(frozen=True)
class Filing:
    id: int
    enterprise_id: int
    form_id: str
    form_version: str
    period: str  # "YYYY-MM" or "YYYY"
    state: str  # one of schema.FILING_STATES
    current_revision: int
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class RevisionInfo:
    filing_id: int
    number: int
    saved_at: str
    reason: str
    author: str


@dataclass(frozen=True)
class Revision(RevisionInfo):
    document: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Draft:
    """An autosaved document not yet saved as a revision."""

    filing_id: int
    base_revision: int  # the revision that was current when the draft was typed
    saved_at: str
    document: dict[str, Any]


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    entity: str  # "filing" or "enterprise"
    entity_id: int
    field_path: str  # "" for the creation of the entity itself
    old_value: Any  # decoded JSON; None when the value was absent
    new_value: Any
    reason: str


@dataclass(frozen=True)
class PackageRecord:
    id: int
    filing_id: int
    enterprise_id: int
    form_id: str
    period: str
    path: str
    sha256: str
    created_at: str
