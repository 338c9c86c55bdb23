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
    more: int = 0
    """A summary line (及其他 N 项) stands for ``more`` findings of its code not listed one by one."""

    def __post_init__(self) -> None:
        # What a user or an official reads says certainty in words, never a bare [V]/[R] tag.
        self.message = _plain(self.message)
        self.source = _plain(self.source)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if data["acknowledged"] is None:
            del data["acknowledged"]
        if not data["more"]:
            del data["more"]
        return data

    @property
    def blocks_export(self) -> bool:
        return self.severity == "error" or (self.severity == "warning" and not self.acknowledged)


_PLAIN: dict[str, str] = {}
_PLAIN_LIMIT = 4096


def _plain(text: str) -> str:
    """:func:`.display.plain_certainty` of a finding's text, worked out once per distinct text: a
    year of cards makes the same messages and citations hundreds of times. A text without a
    bracket has no tag to replace and is its own answer."""
    if "[" not in text and "［" not in text:
        return text
    found = _PLAIN.get(text)
    if found is None:
        from .display import plain_certainty

        if len(_PLAIN) >= _PLAIN_LIMIT:
            _PLAIN.clear()
        found = _PLAIN[text] = plain_certainty(text)
    return found


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """In reading order (errors first, then by field) and capped per code (see :func:`cap_repeated`)."""
    return cap_repeated(sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.path, f.code)))


MAX_PER_CODE = 100
"""Findings of one code listed one by one; the rest become one summary line (及其他 N 项)."""


def cap_repeated(findings: list[Finding], limit: int = MAX_PER_CODE) -> list[Finding]:
    """At most ``limit`` findings per (code, severity, acknowledged or not), then one summary line.

    A pasted ledger of 100,000 rows must not print 600,000 lines: the first ``limit`` of each kind
    say where to look, the summary says how many more there are. Order is kept.
    """
    counts: dict[tuple[str, str, bool], int] = {}
    for f in findings:
        key = (f.code, f.severity, bool(f.acknowledged))
        counts[key] = counts.get(key, 0) + 1
    if all(n <= limit for n in counts.values()):
        return findings
    out: list[Finding] = []
    seen: dict[tuple[str, str, bool], int] = {}
    for f in findings:
        key = (f.code, f.severity, bool(f.acknowledged))
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= limit:
            out.append(f)
        elif seen[key] == limit + 1:
            hidden = counts[key] - limit
            where = f"（如 {f.location}）" if f.location else ""
            out.append(
                Finding(
                    f.severity,
                    f.code,
                    "",
                    f"{f.code} 同类问题及其他 {hidden:,} 项未逐条列出{where}；"
                    "请先处理上面列出的问题，或检查是否导入了重复或无关的数据",
                    f.source,
                    "同类问题汇总",
                    f.acknowledged,
                    f.kind,
                    more=hidden,
                )
            )
    return out


def summarize(findings: list[Finding]) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "warning_acknowledged": 0, "info": 0}
    for f in findings:
        n = f.more or 1
        if f.severity == "warning" and f.acknowledged:
            out["warning_acknowledged"] += n
        else:
            out[f.severity] += n
    return out
