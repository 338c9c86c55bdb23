"""The canonical filing document: one filing as versioned JSON.

Workspace rows, Excel imports and packages all convert to and from it; the CLI reads and
writes it. Numbers travel as strings so no precision is lost; repeats are lists of objects.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .numbers import to_json_number

DOCUMENT_FORMAT = "cets-filing/1"
_PERIOD = re.compile(r"^(\d{4})(-(0[1-9]|1[0-2]))?$")


class DocumentError(Exception):
    """A document file cannot be read; the message names the file and the place."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Enterprise(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    uscc: str = ""
    industry_code: str | None = None
    province: str | None = None
    city: str | None = None
    address: str | None = None
    legal_representative: str | None = None
    contact_person: str | None = None
    contact_phone: str | None = None
    email: str | None = None


class EvidenceRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="支撑的字段实例路径，如 units[0].fuels[0].consumption")
    sha256: str
    name: str
    size: int = 0
    kind: str | None = None
    attached_at: str | None = None
    note: str | None = None


class Acknowledgement(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    path: str = ""
    reason: str
    at: str | None = None
    by: str | None = None


class FilingDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    format: str = DOCUMENT_FORMAT
    form: str
    form_version: str
    enterprise: Enterprise = Field(default_factory=Enterprise)
    period: str
    values: dict[str, Any] = Field(default_factory=dict)
    evidence: list[EvidenceRef] = Field(default_factory=list)
    acknowledgements: list[Acknowledgement] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)

    @property
    def year(self) -> int:
        return int(self.period[:4])

    def to_json_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="python", exclude_none=False)
        data["values"] = jsonable(self.values)
        data["enterprise"] = {k: v for k, v in data["enterprise"].items() if v is not None}
        return data

    def to_json_text(self) -> str:
        return json.dumps(self.to_json_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def jsonable(value: Any) -> Any:
    """Typed values → canonical JSON values (Decimals as strings, dates ISO)."""
    if isinstance(value, Decimal):
        return to_json_number(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def period_problem(period: str, kind: str) -> str | None:
    m = _PERIOD.match(period or "")
    if not m:
        return f"期间「{period}」格式不对：月度填报写作 2026-10，年度写作 2026"
    if kind == "month" and not m.group(2):
        return f"月度填报的期间应写到月份，如 {period[:4]}-10"
    if kind == "year" and m.group(2):
        return f"年度填报的期间只写年份，如 {period[:4]}"
    return None


def parse_document(data: Any, origin: str = "文档") -> FilingDocument:
    if not isinstance(data, dict):
        raise DocumentError(f"{origin}：顶层应为 JSON 对象（{{\"form\": …}}）")
    try:
        return FilingDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        if first["type"] == "extra_forbidden":
            reason = f"未知字段「{where}」；请删除或检查拼写"
        elif first["type"] == "missing":
            reason = f"缺少「{where}」"
        else:
            reason = f"「{where}」{first['msg']}"
        more = f"（另有 {len(exc.errors()) - 1} 处问题）" if len(exc.errors()) > 1 else ""
        raise DocumentError(f"{origin}：{reason}{more}") from None


def read_document(path: str | Path) -> FilingDocument:
    """Read a filing JSON file; every problem becomes one Chinese line naming the file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(f"找不到文件 {path}") from None
    except IsADirectoryError:
        raise DocumentError(f"{path} 是文件夹，不是填报文件") from None
    except OSError as exc:
        raise DocumentError(f"无法读取 {path}（{exc.strerror or exc}）") from None
    if not raw.strip():
        raise DocumentError(f"{path} 是空文件")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path} 不是 UTF-8 编码（第 {exc.start} 字节）；请用 UTF-8 另存") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{path} 第 {exc.lineno} 行第 {exc.colno} 列：JSON 格式错误（{exc.msg}）") from None
    return parse_document(data, str(path))


def write_document(doc: FilingDocument, path: str | Path) -> None:
    """Write atomically (temp file + rename): a failed write never destroys the previous file."""
    from ..atomic import atomic_write_bytes

    atomic_write_bytes(Path(path), doc.to_json_text().encode("utf-8"))
