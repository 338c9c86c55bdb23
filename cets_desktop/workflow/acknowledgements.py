"""Acknowledging warnings with a written reason (kept in the filing, travels in the package).

One rule for the CLI (``ack``) and the window (确认警告): only warnings can be acknowledged, a
reason is required, and acknowledging again replaces the earlier reason for the same warning.
"""

from __future__ import annotations

from typing import Any

from ..core.findings import Finding
from ..core.rules import Evaluation
from .documents import now_text
from .errors import InputError


def warning_targets(ev: Evaluation, code: str, path: str | None = None) -> list[Finding]:
    """The warnings ``code`` (at ``path``, or everywhere when None) that an acknowledgement covers."""
    targets = [
        f
        for f in ev.findings
        if f.severity == "warning" and f.code == code and (path is None or f.path == path)
    ]
    if not targets:
        where = f"（路径 {path}）" if path else ""
        raise InputError(
            f"没有找到可确认的警告 {code}{where}；只有警告可以确认，错误必须修改（用 validate 查看当前问题）"
        )
    return targets


def with_acknowledgements(
    current: list[dict[str, Any]], targets: list[tuple[str, str]], reason: str, by: str | None = None
) -> list[dict[str, Any]]:
    """``current`` acknowledgement rows with ``targets`` (code, path) acknowledged for ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError("确认警告必须写明理由（例如“本月改烧进口煤，热值偏低属实”）")
    wanted = set(targets)
    rows = [a for a in current if (a.get("code"), a.get("path")) not in wanted]
    at = now_text()
    for code, path in targets:
        row: dict[str, Any] = {"code": code, "path": path, "reason": reason, "at": at}
        if by:
            row["by"] = by
        rows.append(row)
    return rows


def without_acknowledgement(current: list[dict[str, Any]], code: str, path: str) -> list[dict[str, Any]]:
    return [a for a in current if not (a.get("code") == code and a.get("path") == path)]
