"""A validation finding: what the rules engine, the CLI, the GUI panel and the package all share."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class Finding:
    severity: Severity
    code: str
    path: str
    """Instance path of the field: ``units[0].fuels[1].consumption`` ("" for the whole filing)."""
    message: str
    source: str = ""
    location: str = ""
    """Human-readable place: 机组「1号机组」› 燃料「烟煤」› 消耗量."""
    acknowledged: str | None = None
    """The written reason, when a warning was acknowledged."""
    kind: str = "field"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if data["acknowledged"] is None:
            del data["acknowledged"]
        return data

    @property
    def blocks_export(self) -> bool:
        return self.severity == "error" or (self.severity == "warning" and not self.acknowledged)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.path, f.code))


def summarize(findings: list[Finding]) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "warning_acknowledged": 0, "info": 0}
    for f in findings:
        if f.severity == "warning" and f.acknowledged:
            out["warning_acknowledged"] += 1
        else:
            out[f.severity] += 1
    return out
