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

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
)

from .numbers import to_json_number

DOCUMENT_FORMAT = "cets-filing/1"
_PERIOD = re.compile(r"^(\d{4})(-(0[1-9]|1[0-2]))?$")
MAX_JSON_DEPTH = 64
"""A filing nests four or five levels (values → units → fuels → field); 64 is never reached by
real data and keeps every recursive step (validation, copies, rendering) far from Python's limit."""
_NUMBER_KEEP = 30
"""JSON numbers longer than this stay text, so the range check reports them at their field
(a 5,000-digit integer would otherwise stop the JSON reader itself)."""


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


class CarriedEvidence(BaseModel):
    """A document deliberately carried over from an earlier period of the same series (a yearly
    calibration certificate, a supply contract), with the reason the user gave."""

    model_config = ConfigDict(extra="forbid")

    period: str = Field(description="沿用自哪一期，如 2026-09")
    reason: str
    at: str | None = None
    by: str | None = None


class EvidenceRef(BaseModel):
    """One file backing one field instance. A document that backs several fields (a stamped
    生产月报 for generation, supply and hours of two units) is several refs with the same hash."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="支撑的字段实例路径，如 units[0].fuels[0].consumption")
    sha256: str
    name: str
    size: int = 0
    kind: str | None = None
    attached_at: str | None = None
    note: str | None = None
    carried: CarriedEvidence | None = None

    @model_serializer(mode="wrap")
    def _drop_absent_carry(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Refs attached this period stay byte-for-byte what they were before carrying existed.
        data: dict[str, Any] = handler(self)
        if data.get("carried") is None:
            data.pop("carried", None)
        return data


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


def _json_int(text: str) -> int | str:
    return int(text) if len(text.lstrip("-")) <= _NUMBER_KEEP else text


def _json_float(text: str) -> float | str:
    """A JSON float, unless it overflows (1e309), underflows (1e-400) or is long: then the text."""
    if len(text) > _NUMBER_KEEP:
        return text
    value = float(text)
    mantissa = text.lower().split("e")[0]
    if value in (float("inf"), float("-inf")) or (value == 0 and any(c in "123456789" for c in mantissa)):
        return text
    return value


def _json_constant(text: str) -> str:
    return text  # NaN / Infinity are not JSON; kept as text, reported as "not a number" at the field


def json_depth_problem(data: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``data`` nests deeper than ``limit``. Recursive, but never deeper than ``limit``
    calls whatever the input (a container found below the limit answers True at once), so
    hostile input cannot exhaust Python's stack; a bare scalar document ("0", "true") has no depth."""
    if type(data) is not dict and type(data) is not list:
        return False
    return _nests_deeper(data, 1, limit)


def _nests_deeper(item: Any, depth: int, limit: int) -> bool:
    """``item`` (a dict or a list) holds a container at ``depth`` ≥ ``limit`` below it."""
    child: Any
    for child in item.values() if type(item) is dict else item:
        kind = type(child)
        if kind is dict or kind is list:
            if depth >= limit or _nests_deeper(child, depth + 1, limit):
                return True
    return False


def load_json_text(text: str, origin: str) -> Any:
    """Parse untrusted JSON: one Chinese :class:`DocumentError` for every way it can fail.

    Nesting is limited to :data:`MAX_JSON_DEPTH`; numbers that do not fit a float are kept as
    their text (checked later, at their field).
    """
    try:
        data = json.loads(text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{origin} 第 {exc.lineno} 行第 {exc.colno} 列：JSON 格式错误（{exc.msg}）"
        ) from None
    except RecursionError:
        raise DocumentError(
            f"{origin}：JSON 嵌套层数过多（超过 {MAX_JSON_DEPTH} 层），不是有效的填报文件"
        ) from None
    except (ValueError, MemoryError) as exc:
        raise DocumentError(f"{origin}：JSON 内容无法读取（{type(exc).__name__}）") from None
    # Deeper than ~1,000 the JSON reader itself stops (RecursionError above); below, walk the result.
    if json_depth_problem(data):
        raise DocumentError(f"{origin}：JSON 嵌套层数过多（超过 {MAX_JSON_DEPTH} 层），不是有效的填报文件")
    return data


def period_problem(period: str, kind: str) -> str | None:
    m = _PERIOD.match(period or "")
    if not m:
        return f"期间「{period}」格式不对：月度填报写作 2026-10，年度写作 2026"
    if kind == "month" and not m.group(2):
        return f"月度填报的期间应写到月份，如 {period[:4]}-10"
    if kind == "year" and m.group(2):
        return f"年度填报的期间只写年份，如 {period[:4]}"
    return None


_VERSION = re.compile(r"^\d{4}(\.\d{1,4}){0,3}$")


def _header_problem(data: dict[str, Any]) -> str | None:
    """``format`` and ``form_version`` checked before the model, with messages that say what to do."""
    fmt = data.get("format", DOCUMENT_FORMAT)
    if fmt != DOCUMENT_FORMAT:
        if isinstance(fmt, str) and fmt.startswith("cets-filing/"):
            return (
                f"文件格式版本「{fmt[:40]}」不是本程序能读的「{DOCUMENT_FORMAT}」；"
                "可能由更新版本的程序导出，请升级程序后再打开"
            )
        return f"「format」应为「{DOCUMENT_FORMAT}」，现为「{str(fmt)[:40]}」：这不是本程序的填报文件"
    version = data.get("form_version")
    if "form_version" in data and not (isinstance(version, str) and _VERSION.match(version)):
        return (
            f"「form_version」应为表单版本号（如 2026.1），现为「{str(version)[:40]}」；"
            "请用本程序重新生成填报文件，或改为所用模板的版本号"
        )
    return None


def parse_document(data: Any, origin: str = "文档", *, depth_checked: bool = False) -> FilingDocument:
    if not isinstance(data, dict):
        raise DocumentError(f'{origin}：顶层应为 JSON 对象（{{"form": …}}）')
    if not depth_checked and json_depth_problem(data):
        raise DocumentError(f"{origin}：JSON 嵌套层数过多（超过 {MAX_JSON_DEPTH} 层），不是有效的填报文件")
    problem = _header_problem(data)
    if problem:
        raise DocumentError(f"{origin}：{problem}")
    try:
        return FilingDocument.model_validate(data)
    except RecursionError:
        raise DocumentError(f"{origin}：JSON 嵌套层数过多，不是有效的填报文件") from None
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


def stored_row(ref: EvidenceRef) -> dict[str, Any]:
    """One evidence row as the JSON held it, for a document read in strict mode: only the keys
    the JSON gave (in sorted order, as the workspace stores them), each value as the JSON gave
    it (strict mode converts none)."""
    fields = ref.__dict__  # the model's field values (what getattr reads for a field)
    row = {name: fields[name] for name in sorted(ref.model_fields_set)}
    carried = row.get("carried")
    if carried is not None:
        row["carried"] = {k: getattr(carried, k) for k in sorted(carried.model_fields_set)}
    return row


def stored_rows(doc: FilingDocument) -> list[dict[str, Any]]:
    """The evidence rows of a document read by :func:`read_stored_document`, exactly as its
    stored JSON holds them (what :func:`parse_stored_document` gives with the document)."""
    return [stored_row(ref) for ref in doc.evidence]


def read_stored_document(text: str | bytes) -> FilingDocument | None:
    """:func:`parse_stored_document` without the evidence rows (:func:`stored_rows` gives them
    when they are needed): the document, or None when the one pass cannot say so.

    ``text`` may also be the text's UTF-8 bytes, as SQLite holds it (read as a BLOB: neither
    decoded into a str by SQLite nor encoded back by pydantic's JSON reader), with the same
    answer; bytes that are not UTF-8 give None."""
    try:
        doc = FilingDocument.model_validate_json(text, strict=True)
    except (ValidationError, ValueError, RecursionError):
        return None
    # As parse_document: nesting first (only values and meta can nest; they sit one level below
    # the top, so their children are at depth 2), then the header. Nesting too deep needs a chain
    # of more than MAX_JSON_DEPTH containers, each opened by its own bracket in the text: a text
    # with fewer brackets (any real filing) cannot hold one, and is not walked.
    if _brackets(text) > MAX_JSON_DEPTH and (
        _nests_deeper(doc.values, 2, MAX_JSON_DEPTH) or _nests_deeper(doc.meta, 2, MAX_JSON_DEPTH)
    ):
        return None
    header = {"format": doc.format, "form_version": doc.form_version}
    if "format" not in doc.model_fields_set:
        del header["format"]
    if _header_problem(header) is not None:
        return None
    return doc


def _brackets(text: str | bytes) -> int:
    """How many ``{`` and ``[`` the text holds (in UTF-8 neither byte occurs inside another
    character, so its bytes hold as many as the text)."""
    if isinstance(text, bytes):
        return text.count(b"{") + text.count(b"[")
    return text.count("{") + text.count("[")


def parse_stored_document(text: str) -> tuple[FilingDocument, list[dict[str, Any]]] | None:
    """A stored document's JSON text (the workspace's canonical JSON) in one pass: the document
    and its evidence rows exactly as ``parse_document(json.loads(text))`` and the parsed JSON's
    ``evidence`` give them, or None when the one pass cannot say so (the text is not a document
    read without any conversion: malformed, a header :func:`parse_document` objects to, nested
    too deep, a value of another JSON type than its field's, a lone surrogate escape). The caller
    then reads the text as before (``json.loads`` and :func:`parse_document`), with its errors.

    Strict mode: every value is already of its field's type, so the lax conversions of
    :func:`parse_document` change nothing and the rows are the JSON's own values; the JSON
    reader gives the same values as ``json.loads`` (numbers, strings, the last of repeated
    keys) for everything it accepts."""
    doc = read_stored_document(text)
    return None if doc is None else (doc, stored_rows(doc))


def read_document(path: str | Path) -> FilingDocument:
    """Read a filing JSON file; every problem becomes one Chinese line naming the file."""
    from .input_files import UnreadableFile, read_input_file

    path = Path(path)
    try:
        raw = read_input_file(path)
    except UnreadableFile as exc:
        raise DocumentError(exc.message) from None
    return document_from_bytes(raw, str(path))


def document_from_bytes(raw: bytes, origin: str) -> FilingDocument:
    """A filing JSON's bytes (a file, standard input) → document; :class:`DocumentError` otherwise."""
    if not raw.strip():
        raise DocumentError(f"{origin} 是空文件")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{origin} 不是 UTF-8 编码的填报文件（第 {exc.start} 字节）；"
            "如果是 Excel 工作簿，请保存为 .xlsx 后导入；如果是填报 JSON，请用 UTF-8 编码另存"
        ) from None
    return parse_document(load_json_text(text, origin), origin, depth_checked=True)


def write_document(doc: FilingDocument, path: str | Path) -> None:
    """Write atomically (temp file + rename): a failed write never destroys the previous file."""
    from ..atomic import atomic_write_bytes

    atomic_write_bytes(Path(path), doc.to_json_text().encode("utf-8"))
