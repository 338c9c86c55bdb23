"""Words for the history viewer: an audit row or a difference between two revisions as
项目 / 修改 / 原值 / 新值, with the field's label and place instead of the raw path.

No Qt. Paths come from ``store.diff``: value paths are unprefixed (``units[0].fuels[1].ncv``);
every other part of the document is prefixed with its top-level key (``enterprise.name``,
``evidence[2].name``, ``acknowledgements[0].reason``), and ``state`` is the filing's state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..core.document import parse_document
from ..core.plan_diff import typed_plan_values
from ..core.spec import FormSpec
from ..workflow.records import diff_documents
from . import instance_paths
from .form_state import display_value, field_for_path, location_label

KIND_WORDS = {"added": "新增", "removed": "删除", "changed": "修改"}

DOCUMENT_PARTS = {
    "state": "填报状态",
    "period": "填报期间",
    "form": "表单",
    "form_version": "表单版本",
    "format": "文件格式",
}
ENTERPRISE_FIELDS = {
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "industry_code": "行业代码",
    "province": "省份",
    "city": "城市",
    "address": "地址",
    "legal_representative": "法定代表人",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
}
EVIDENCE_FIELDS = {
    "name": "文件名",
    "sha256": "SHA-256",
    "size": "大小",
    "kind": "类型",
    "path": "对应字段",
    "attached_at": "附上时间",
    "note": "备注",
    # A document carried over from the previous period (EvidenceRef.carried: period, reason, at, by).
    "carried": "沿用自上期",
    "period": "沿用自",
    "reason": "沿用理由",
    "at": "沿用时间",
    "by": "沿用人",
}
ACK_FIELDS = {"code": "规则编号", "path": "对应字段", "reason": "确认理由", "at": "确认时间", "by": "确认人"}
META_FIELDS = {
    "copied_from": "复制来源",
    "enterprise_units": "企业当前机组/设施",
    "dropped_on_copy": "复制时未带入的内容",
    "created_by": "创建程序",
    "created_at": "创建时间",
}


@dataclass(frozen=True)
class ChangeRow:
    """One line of a difference or of the audit log, ready to show."""

    place: str
    """机组「1号机组」› 燃料「烟煤」› 燃料消耗量 — or 企业名称, 支撑材料「台账.pdf」› 文件名 …"""
    path: str
    kind: str
    """新增 / 删除 / 修改"""
    old: str
    new: str


def short_time(iso: str) -> str:
    """``2026-11-20T09:30:05+08:00`` → ``2026-11-20 09:30:05``."""
    return iso[:19].replace("T", " ") if iso else ""


def _raw_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | dict):
        if not value:
            return "（空）"
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def value_text(spec: FormSpec | None, path: str, value: Any) -> str:
    """A stored value as the form shows it: choices by their label, 是/否, lists joined with 、."""
    if value is None:
        return ""
    if spec is not None and not _document_part(path):
        f = field_for_path(spec, path)
        if f is not None and not isinstance(value, dict) and f.type not in ("repeat", "group"):
            if isinstance(value, list) and not value:
                return "（空）"
            return display_value(spec, f, value)
    return _raw_text(value)


def _document_part(path: str) -> str | None:
    head = str(instance_paths.parse(path)[0]) if path else ""
    if head in DOCUMENT_PARTS or head in ("enterprise", "evidence", "acknowledgements", "meta"):
        return head
    return None


class Describer:
    """Describes paths and changes of one filing's revisions with the form's labels.

    Places are looked up in the revision's values *with calculated helpers filled*, so a row
    named by a calculated label (the plan's parameter rows: 1号机组·混煤·燃煤消耗量) reads as
    such rather than as 第 n 行.
    """

    def __init__(self, spec: FormSpec | None) -> None:
        self.spec = spec
        self._values: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}

    def values(self, doc: dict[str, Any]) -> dict[str, Any]:
        cached = self._values.get(id(doc))
        if cached is not None and cached[0] is doc:
            return cached[1]
        found = doc.get("values")
        raw: dict[str, Any] = found if isinstance(found, dict) else {}
        values = raw
        if self.spec is not None:
            try:
                values, _ = typed_plan_values(self.spec, parse_document(doc))
            except Exception:  # noqa: BLE001 - a revision that no longer parses still gets raw-path places
                values = raw
        self._values[id(doc)] = (doc, values)
        return values

    def place(self, path: str, documents: list[dict[str, Any]]) -> str:
        """Where ``path`` is, in words. ``documents``: the revisions the path may point into, most
        relevant first (the new one, then the old one for a removed row)."""
        if path == "":
            return "新建填报"
        part = _document_part(path)
        parts = instance_paths.parse(path)
        if part is None:
            if self.spec is None:
                return path
            best = ""
            for doc in documents:
                text = location_label(self.spec, self.values(doc), path)
                if not best or "第 " not in text:
                    best = text  # prefer a row named by its key (机组「1号机组」) over 第 n 行
                if "第 " not in text:
                    break
            return best or path
        if part in DOCUMENT_PARTS:
            return DOCUMENT_PARTS[part]
        leaf = str(parts[-1]) if len(parts) > 1 and not isinstance(parts[-1], int) else ""
        if part == "enterprise":
            return ENTERPRISE_FIELDS.get(leaf, f"企业信息 › {leaf}")
        if part == "meta":
            key = str(parts[1]) if len(parts) > 1 else ""
            return f"附加信息 › {META_FIELDS.get(key, key)}"
        index = parts[1] if len(parts) > 1 and isinstance(parts[1], int) else None
        item = _item(documents, part, index)
        owner_path = item.get("path")
        owner = self.place(owner_path, documents) if isinstance(owner_path, str) and owner_path else ""
        if part == "evidence":
            head = (
                f"支撑材料「{item.get('name')}」" if item.get("name") else f"支撑材料第 {(index or 0) + 1} 项"
            )
            names = EVIDENCE_FIELDS
        else:
            head = f"警告确认 {item.get('code')}" if item.get("code") else f"警告确认第 {(index or 0) + 1} 项"
            names = ACK_FIELDS
        head += f"（{owner}）" if owner else ""
        return f"{head} › {names.get(leaf, leaf)}" if leaf else head

    def change_rows(self, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> list[ChangeRow]:
        """Every leaf that differs from ``old_doc`` to ``new_doc`` (``store.diff.diff_documents``)."""
        rows = []
        for change in diff_documents(old_doc, new_doc):
            docs = [old_doc, new_doc] if change.kind == "removed" else [new_doc, old_doc]
            rows.append(
                ChangeRow(
                    self.place(change.path, docs),
                    change.path,
                    KIND_WORDS[change.kind],
                    value_text(self.spec, change.path, change.old),
                    value_text(self.spec, change.path, change.new),
                )
            )
        return rows

    def audit_change(self, path: str, old: Any, new: Any, documents: list[dict[str, Any]]) -> ChangeRow:
        """One audit-log row in words (``documents``: the revision it was saved in, then the one before)."""
        if path == "" and isinstance(new, dict):
            revision = new.get("revision")
            return ChangeRow(
                "新建填报", path, "新增", "", f"第 {revision} 版" if revision else _raw_text(new)
            )
        kind = "新增" if old is None else "删除" if new is None else "修改"
        if kind == "删除":
            documents = list(reversed(documents))
        return ChangeRow(
            self.place(path, documents),
            path,
            kind,
            value_text(self.spec, path, old),
            value_text(self.spec, path, new),
        )


def _item(documents: list[dict[str, Any]], part: str, index: int | None) -> dict[str, Any]:
    if index is None:
        return {}
    for doc in documents:
        items = doc.get(part)
        if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
            return items[index]
    return {}
