"""Findings that need the workspace, not just the filing: evidence reused across months, evidence
missing from the evidence store, and the previous month of the same series for cross-period rules.

Everything here works on plain data (evidence rows as dicts, periods as strings) so it can be
tested without a workspace; the two functions that read a workspace take it as an argument and
only call its public methods (``get_filing``, ``find_filing``, ``list_filings``,
``current_document``, ``evidence.exists``). No Qt, and no store import at module level: the
store imports core, not the other way round.

Codes (generic, shared by every form):

- ``GEN-008`` warning: the same file (same SHA-256) is attached as evidence in another period of
  the same series (same enterprise, same form). A ledger or test report belongs to one month;
  reusing last month's scan is the commonest evidence mistake reviewers reject. A document the
  user carried over on purpose, with a reason (``EvidenceRef.carried``: a yearly calibration
  certificate, a supply contract), is an info naming that reason instead, once per document.
- ``GEN-009`` warning: the document records an evidence file the workspace evidence store no
  longer has (deleted or moved outside the app); the final package cannot be built without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .findings import Finding

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .document import FilingDocument

GENERIC_SOURCE = "cets-desktop 通用校验"
EVIDENCE_SOURCE = "月度存证支撑材料要求（每个数值附本月盖章台账/检测报告）[V]"

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^\d{4}$")

EvidenceRow = Mapping[str, Any]


# --------------------------------------------------------------------------------------------
# Periods


def previous_period(period: str) -> str | None:
    """The period before ``period``: ``2026-01`` → ``2025-12``, ``2027`` → ``2026``; None if malformed."""
    text = (period or "").strip()
    m = _MONTH.match(text)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if month == 1:
            return f"{year - 1:04d}-12" if year > 1 else None
        return f"{year:04d}-{month - 1:02d}"
    if _YEAR.match(text):
        year = int(text)
        return f"{year - 1:04d}" if year > 1 else None
    return None


def period_label(period: str) -> str:
    """``2026-09`` → ``2026年9月``; ``2026`` → ``2026年度``; anything else unchanged."""
    m = _MONTH.match(period or "")
    if m:
        return f"{m.group(1)}年{int(m.group(2))}月"
    if _YEAR.match(period or ""):
        return f"{period}年度"
    return period


# --------------------------------------------------------------------------------------------
# Pure checks on evidence rows


def _rows(evidence: Iterable[Any] | None) -> list[dict[str, Any]]:
    """Evidence rows as dicts (accepts EvidenceRef models or dicts); rows without a hash are skipped."""
    out: list[dict[str, Any]] = []
    for e in evidence or []:
        row = e.model_dump() if hasattr(e, "model_dump") else dict(e) if isinstance(e, Mapping) else None
        if row and isinstance(row.get("sha256"), str) and row["sha256"]:
            out.append(row)
    return out


def _short(sha256: str) -> str:
    return sha256[:12] + "…"


def _carry_reason(row: Mapping[str, Any]) -> tuple[str, str] | None:
    """(period, reason) when the row declares a deliberate carry-over with a written reason."""
    carried = row.get("carried")
    if not isinstance(carried, Mapping):
        return None
    reason = str(carried.get("reason") or "").strip()
    return (str(carried.get("period") or ""), reason) if reason else None


def reused_evidence_findings(
    evidence: Iterable[Any],
    other_periods: Mapping[str, Iterable[Any]],
    current_period: str = "",
) -> list[Finding]:
    """GEN-008: files of this document also attached in another period of the same series.

    ``evidence`` are this document's rows (``path``, ``sha256``, ``name``, optional ``carried``);
    ``other_periods`` maps each other period of the series to its evidence rows. Reuse inside one
    month (one lab report backing both the heating value and the carbon content) is normal and
    not reported. A row carried over with a reason is an info (one per document, at its first
    field); an undeclared reuse stays a warning at every field it backs.
    """
    used_in: dict[str, set[str]] = {}
    for period, rows in other_periods.items():
        if period == current_period:
            continue
        for row in _rows(rows):
            used_in.setdefault(row["sha256"].lower(), set()).add(period)
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    declared: set[str] = set()
    for row in _rows(evidence):
        sha = row["sha256"].lower()
        periods = used_in.get(sha)
        path = str(row.get("path") or "")
        if not periods or (row["sha256"], path) in seen:
            continue
        seen.add((row["sha256"], path))
        months = "、".join(period_label(p) for p in sorted(periods))
        name = row.get("name") or _short(row["sha256"])
        carry = _carry_reason(row)
        if carry is not None:
            if sha in declared:
                continue
            declared.add(sha)
            came_from = period_label(carry[0]) if carry[0] else months
            out.append(
                Finding(
                    "info",
                    "GEN-008",
                    path,
                    f"支撑材料「{name}」（SHA-256 {_short(row['sha256'])}）沿用自{came_from}填报"
                    f"（{months} 亦附此文件），沿用理由：{carry[1]}",
                    EVIDENCE_SOURCE,
                    f"支撑材料「{name}」",
                    kind="cross_period",
                )
            )
            continue
        out.append(
            Finding(
                "warning",
                "GEN-008",
                path,
                f"支撑材料「{name}」（SHA-256 {_short(row['sha256'])}）与 {months} 填报中附的文件完全相同；"
                f"台账和检测报告应为本月（{period_label(current_period) or '本期'}）的文件，请换成本月的盖章扫描件，"
                "确属同一文件（如跨月有效的证书）请在支撑材料面板用「从上月沿用」写明沿用理由",
                EVIDENCE_SOURCE,
                f"支撑材料「{name}」",
                kind="cross_period",
            )
        )
    return out


def missing_store_findings(evidence: Iterable[Any], exists: Callable[[str], bool]) -> list[Finding]:
    """GEN-009: evidence the document records but ``exists(sha256)`` says the store no longer has."""
    status: dict[str, bool] = {}
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for row in _rows(evidence):
        sha = row["sha256"].lower()
        if sha not in status:
            try:
                status[sha] = bool(exists(sha))
            except Exception:  # noqa: BLE001 - a malformed hash or an unreadable folder: the file is not usable
                status[sha] = False
        path = str(row.get("path") or "")
        if status[sha] or (sha, path) in seen:
            continue
        seen.add((sha, path))
        name = row.get("name") or _short(sha)
        out.append(
            Finding(
                "warning",
                "GEN-009",
                path,
                f"支撑材料「{name}」（SHA-256 {_short(sha)}）在工作区证据库中找不到：文件已被删除或移动；"
                "请重新附上该文件（导出正式申报包时必须包含它）",
                GENERIC_SOURCE,
                f"支撑材料「{name}」",
                kind="completeness",
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Reading the workspace


def _document_dict(document: Any) -> dict[str, Any]:
    if document is None:
        return {}
    if hasattr(document, "to_json_dict"):
        return document.to_json_dict()  # type: ignore[no-any-return]
    return dict(document) if isinstance(document, Mapping) else {}


def find_previous_document(
    workspace: Any, enterprise_id: int, form_id: str, period: str
) -> FilingDocument | None:
    """The current revision of the previous period's filing of the same series, or None.

    None when there is no previous period, no such filing, or its stored document cannot be read
    as a filing (cross-period rules then simply do not apply).
    """
    from .document import DocumentError, parse_document

    before = previous_period(period)
    if before is None:
        return None
    filing = workspace.find_filing(enterprise_id, form_id, before)
    if filing is None:
        return None
    try:
        return parse_document(workspace.current_document(filing.id), f"{period_label(before)}填报")
    except DocumentError:
        return None


def previous_document_for_filing(workspace: Any, filing_id: int) -> FilingDocument | None:
    """Convenience for callers holding a filing id (validate, export): its previous period's document."""
    filing = workspace.get_filing(filing_id)
    if filing is None:
        return None
    return find_previous_document(workspace, filing.enterprise_id, filing.form_id, filing.period)


def workspace_findings(workspace: Any, filing_id: int, document: Any) -> list[Finding]:
    """GEN-008 and GEN-009 for ``document`` (the filing's document being edited or validated).

    ``document`` may be a FilingDocument or its JSON dict; the other periods are read from the
    workspace (their current revisions). Pass the result to ``evaluate(..., extra_findings=...)``.
    """
    filing = workspace.get_filing(filing_id)
    data = _document_dict(document)
    evidence = data.get("evidence") or []
    if filing is None:
        return []
    current_period = str(data.get("period") or filing.period)
    others: dict[str, list[dict[str, Any]]] = {}
    for other in workspace.list_filings(filing.enterprise_id, form_id=filing.form_id):
        if other.id == filing.id or other.period == current_period:
            continue
        try:
            other_doc = workspace.current_document(other.id)
        except Exception:  # noqa: BLE001 - a filing deleted meanwhile or a damaged revision: skip it
            continue
        others[other.period] = _rows(other_doc.get("evidence") if isinstance(other_doc, Mapping) else [])
    findings = reused_evidence_findings(evidence, others, current_period)
    findings.extend(missing_store_findings(evidence, workspace.evidence.exists))
    return findings
