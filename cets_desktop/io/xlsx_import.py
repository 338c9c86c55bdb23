"""Reading a filled workbook back into a :class:`FilingDocument`, every problem located by cell.

The layout comes from the same plan the writer used (:mod:`xlsx_layout`); the hidden ``_meta``
sheet says which form, version and period the workbook was made for and where each field path
sat, so renamed or moved columns are still found. Without ``_meta`` (sheets copied into a new
workbook) the form comes from ``spec``/``expected_form`` or the sheet names, and columns are
mapped by header text.

Nothing typed is lost: the document keeps each value as entered (a number that is not a number
stays as its text, with a problem naming the cell), so the rules engine reports it again and the
user sees it in the form. Choices typed as their label are stored as their value, numbers as
canonical decimal strings (Excel floats go through ``repr``, so 0.1 stays 0.1).

Speed: one ``load_workbook(read_only=True, data_only=True)`` pass with ``values_only`` rows.
read-only mode hides merged cells and formulas, so the sheet XML is also scanned (zipfile +
regular expressions over the raw bytes; defusedxml for the small workbook parts) for
``<mergeCell>`` and for formula cells without a cached value.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeET
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

from ..core.coerce import MAX_REPEAT_ROWS
from ..core.document import Enterprise, FilingDocument
from ..core.findings import Severity
from ..core.loader import FormRegistry
from ..core.numbers import to_json_number
from ..core.spec import FieldSpec, FormSpec
from .workbook_cells import EXCEL_ERRORS, Converter, converter, is_blank, ordinal_text, period_text, text_of
from .workbook_open import MAX_SHEET_ROWS, ImportFailure, open_workbook, read_workbook_bytes
from .workbook_xml import SheetXml
from .xlsx_layout import (
    ENTERPRISE_NAME,
    ENTERPRISE_USCC,
    EXPLAIN_SHEET,
    FIRST_DATA_ROW,
    INFO_SHEET,
    LABEL_COL,
    META_SHEET,
    OPTIONS_SHEET,
    PERIOD,
    README_SHEET,
    VALUE_COL,
    Column,
    RepeatSheet,
    ScalarEntry,
    ScalarSheet,
    WorkbookLayout,
    identity_field,
    normalize_header,
    plan_workbook,
)
from .xlsx_official import OFFICIAL_SHEET

__all__ = ["EXCEL_ERRORS", "ImportFailure", "ImportProblem", "ImportResult", "converter", "read_workbook"]


@dataclass
class ImportProblem:
    """Something wrong in the workbook, named by sheet, row and cell (``燃料!F7``)."""

    severity: Severity
    code: str
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    path: str = ""
    """Instance path of the field: ``units[0].fuels[1].ncv`` ("" when not about one field)."""

    @property
    def cell(self) -> str:
        if self.sheet and self.column and self.row:
            return f"{self.sheet}!{self.column}{self.row}"
        if self.sheet and self.row:
            return f"{self.sheet}!{self.row}:{self.row}"
        return self.sheet

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "cell": self.cell}


@dataclass
class ImportResult:
    document: FilingDocument
    problems: list[ImportProblem]
    spec: FormSpec
    cells: dict[str, str] = field(default_factory=dict)
    """Scalar field path → ``基本信息!D6``."""
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Repeat row instance path (``units[0].fuels[1]``) → (sheet, row number)."""
    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    """(sheet, field name) → column letter."""

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == "error"]

    def cell_of(self, path: str) -> str | None:
        """Where an instance path (e.g. from a rules-engine finding) sits: ``燃料!F7``."""
        if path in self.cells:
            return self.cells[path]
        prefix, _, name = path.rpartition(".")
        place = self.rows.get(prefix)
        if place is None:
            place = self.rows.get(path)
            return f"{place[0]}!{place[1]}:{place[1]}" if place else None
        letter = self.columns.get((place[0], name))
        return f"{place[0]}!{letter}{place[1]}" if letter else f"{place[0]}!{place[1]}:{place[1]}"


def read_workbook(
    path: str | Path,
    spec: FormSpec | None = None,
    expected_period: str | None = None,
    expected_form: str | None = None,
    *,
    registry: FormRegistry | None = None,
    data: bytes | None = None,
) -> ImportResult:
    """Read a filled template (.xlsx, .xlsm, .xls or .ods, told by content). Raise
    :class:`ImportFailure` for a file that cannot be used.

    ``expected_form`` is a form id (``power-monthly`` or ``power-monthly@2026.1``);
    ``registry`` (default: the shipped definitions) resolves the form named in ``_meta``.
    ``data``: the file's bytes when they do not come from ``path`` (standard input).
    """
    path = Path(path)
    if data is None:
        data = read_workbook_bytes(path)
    if path.name.startswith("~$") and data[:2] != b"PK":
        # Excel's owner file beside an open workbook (~$名称.xlsx, 165 bytes holding who opened it)
        raise ImportFailure(
            f"{path.name} 是 Excel 打开工作簿时生成的临时占用文件，不是工作簿；"
            f"请选择同一文件夹中不带“~$”的原文件（{path.name[2:]}），必要时先在 Excel 中关闭它"
        )
    opened = open_workbook(path, data)
    try:
        return _Importer(path, opened.wb, opened.xml, spec, expected_period, expected_form, registry).run()
    finally:
        opened.close()


# --------------------------------------------------------------------------------------------
# _meta


@dataclass
class _Meta:
    values: dict[str, str] = field(default_factory=dict)
    repeat_sheets: dict[str, str] = field(default_factory=dict)
    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    """(sheet, path) → column letter (repeat sheets) or cell (label/value sheets)."""
    sheet_of: dict[str, str] = field(default_factory=dict)
    """Scalar path → sheet."""


def _read_meta(rows: Iterator[tuple[Any, ...]]) -> _Meta:
    meta = _Meta()
    table = False
    for row in rows:
        cells = [("" if v is None else str(v)) for v in row[:5]] + [""] * (5 - min(len(row), 5))
        if not table:
            if cells[0] == "sheet" and cells[1] == "ref":
                table = True
            elif cells[0]:
                meta.values[cells[0]] = cells[1]
            continue
        sheet, ref, path, role = cells[0], cells[1], cells[2], cells[3]
        if not sheet or not path:
            continue
        if role == "repeat":
            meta.repeat_sheets[path] = sheet
            continue
        meta.columns[(sheet, path)] = ref
        if ref and ref[-1].isdigit():
            meta.sheet_of[path] = sheet
    return meta


# --------------------------------------------------------------------------------------------
# The importer


@dataclass
class _ParentRow:
    row: dict[str, Any]
    prefix: str
    sheet: str
    number: int


class _Importer:
    def __init__(
        self,
        path: Path,
        wb: Any,
        xml: SheetXml,
        spec: FormSpec | None,
        expected_period: str | None,
        expected_form: str | None,
        registry: FormRegistry | None,
    ):
        self.path = path
        self.wb = wb
        self.xml = xml
        self.given_spec = spec
        self.expected_period = expected_period
        self.expected_form = expected_form
        self._registry = registry
        self.problems: list[ImportProblem] = []
        self.names: list[str] = list(wb.sheetnames)
        self.claimed: set[str] = set()
        self.meta: _Meta | None = None
        self.values: dict[str, Any] = {}
        self.document_fields: dict[str, Any] = {}
        self.index: dict[str, dict[tuple[str, ...], _ParentRow]] = {}
        self.result_cells: dict[str, str] = {}
        self.result_rows: dict[str, tuple[str, int]] = {}
        self.result_columns: dict[tuple[str, str], str] = {}
        self._percent: dict[str, set[tuple[int, int]]] = {}
        self._percent_styles: set[int] | None = None

    @property
    def registry(self) -> FormRegistry:
        if self._registry is None:
            from ..core.loader import default_registry

            self._registry = default_registry()
        return self._registry

    def problem(
        self,
        severity: Severity,
        code: str,
        message: str,
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        path: str = "",
    ) -> None:
        self.problems.append(ImportProblem(severity, code, message, sheet, row, column, path))

    def rows(self, title: str, **kwargs: Any) -> Iterator[tuple[Any, ...]]:
        """Rows of a sheet as values; a parser failure midway becomes :class:`ImportFailure`."""
        kwargs.setdefault("max_row", MAX_SHEET_ROWS + 1)
        try:
            ws = self.wb[title]
            ws.reset_dimensions()  # a wrong <dimension> from another program must not cut rows off
            for number, row in enumerate(ws.iter_rows(values_only=True, **kwargs), start=1):
                if number > MAX_SHEET_ROWS:
                    self.problem(
                        "error",
                        "XLS-021",
                        f"「{title}」表超过 {MAX_SHEET_ROWS:,} 行（含空行），第 {MAX_SHEET_ROWS + 1:,} 行起未读取；"
                        "正常的填报不会有这么多行，请删除多余的行后重新导入",
                        title,
                        MAX_SHEET_ROWS + 1,
                    )
                    return
                yield row
        except ImportFailure:
            raise
        except Exception as exc:  # noqa: BLE001 - untrusted XML: any parser error means "corrupt"
            raise ImportFailure(
                f"{self.path.name} 的工作表「{title}」无法读取（文件可能已损坏，{type(exc).__name__}）；"
                "请在 Excel 中打开并另存为 .xlsx 后重试"
            ) from None

    # ---- the whole run ---------------------------------------------------------------------

    def run(self) -> ImportResult:
        if META_SHEET in self.names:
            self.meta = _read_meta(self.rows(META_SHEET))
            self.claimed.add(META_SHEET)
        spec = self.resolve_spec()
        layout = plan_workbook(spec)
        found = self.locate_sheets(layout)
        if not any(found.values()):
            raise ImportFailure(
                f"{self.path.name} 中找不到「{spec.title}」模板的任何工作表"
                f"（{'、'.join(layout.data_sheet_names())}）；请使用本程序生成的模板"
            )
        for sheet in layout.scalar_sheets:
            title = found.get(sheet.name)
            if title:
                self.read_scalars(spec, sheet, title)
        for rsheet in layout.repeat_sheets:
            title = found.get(rsheet.name)
            if title:
                self.read_repeat(spec, layout, rsheet, title)
        for title in self.names:
            if title not in self.claimed and title not in (
                README_SHEET,
                OPTIONS_SHEET,
                EXPLAIN_SHEET,
                OFFICIAL_SHEET,
            ):
                self.problem(
                    "info",
                    "XLS-004",
                    f"工作表「{title}」不是「{spec.title}」模板的一部分，其内容未导入",
                    title,
                )
        period = self.check_period(spec, layout)
        document = FilingDocument(
            form=spec.id,
            form_version=spec.version,
            period=period,
            enterprise=Enterprise(
                name=self.document_fields.get(ENTERPRISE_NAME) or "",
                uscc=self.document_fields.get(ENTERPRISE_USCC) or "",
            ),
            values=self.values,
            meta={
                "imported_from": self.path.name,
                "workbook": (self.meta.values.get("kind") if self.meta else "") or "unknown",
            },
        )
        return ImportResult(
            document, self.problems, spec, self.result_cells, self.result_rows, self.result_columns
        )

    # ---- which form -------------------------------------------------------------------------

    def resolve_spec(self) -> FormSpec:
        wanted_id, wanted_version = None, None
        if self.expected_form:
            wanted_id, _, wanted_version = self.expected_form.partition("@")
        elif self.given_spec is not None:
            wanted_id = self.given_spec.id
        meta_form = self.meta.values.get("form", "") if self.meta else ""
        meta_version = self.meta.values.get("version", "") if self.meta else ""
        if meta_form:
            if wanted_id and meta_form != wanted_id:
                actual = self.registry.get(meta_form, meta_version or None) or self.registry.latest(meta_form)
                wanted = self.given_spec or self.registry.get(wanted_id, wanted_version or None)
                title = (
                    actual.title
                    if actual
                    else (self.meta.values.get("title") if self.meta else "") or meta_form
                )
                wanted_title = wanted.title if wanted else wanted_id
                if actual is None:
                    raise ImportFailure(
                        f"{self.path.name} 是「{title}」（{meta_form}）的工作簿，不是「{wanted_title}」，"
                        "本程序也没有该表单的定义；请选择正确的文件"
                    )
                self.problem(
                    "error",
                    "XLS-001",
                    f"这个工作簿是「{title}」（{meta_form}）的模板，不是本次要导入的「{wanted_title}」；"
                    "请选择正确的文件（已按工作簿自己的表单读取，供核对）",
                    META_SHEET,
                )
                return actual
            if self.given_spec is not None and self.given_spec.id == meta_form:
                chosen = self.given_spec
            else:
                found = self.registry.get(meta_form, meta_version or None) or self.registry.latest(meta_form)
                if found is None:
                    title = self.meta.values.get("title", "") if self.meta else ""
                    raise ImportFailure(
                        f"{self.path.name} 是表单「{title or meta_form}」（{meta_form}）的工作簿，"
                        "本程序没有该表单的定义；请升级程序或选择正确的文件"
                    )
                chosen = found
            if meta_version and _version_key(meta_version) > _version_key(chosen.version):
                self.problem(
                    "warning",
                    "XLS-026",
                    f"这个工作簿来自较新的模板（表单版本 {meta_version}），本程序只有 {chosen.version} 版；"
                    "已按列标题对应读取，新模板增加或改动的项目可能没有导入。请升级本程序后重新导入，"
                    "或改用本程序生成的模板填写",
                    META_SHEET,
                )
            elif meta_version and meta_version != chosen.version:
                self.problem(
                    "info",
                    "XLS-017",
                    f"工作簿由表单版本 {meta_version} 生成，当前表单版本为 {chosen.version}；"
                    "已按列标题对应，请核对导入结果",
                    META_SHEET,
                )
            return chosen
        if self.given_spec is not None:
            chosen = self.given_spec
        elif wanted_id:
            got = self.registry.get(self.expected_form or wanted_id)
            if got is None:
                raise ImportFailure(f"不认识的表单「{self.expected_form}」；请用 forms 命令查看可用表单")
            chosen = got
        else:
            chosen = self.guess_spec()
        self.problem(
            "info",
            "XLS-018",
            f"工作簿中没有隐藏的「{META_SHEET}」工作表（可能复制到了新的工作簿）；"
            f"已按「{chosen.title}」的工作表名称和列标题读取，请核对导入结果",
        )
        return chosen

    def guess_spec(self) -> FormSpec:
        present = {n.lower() for n in self.names}
        best: tuple[int, int, str] | None = None
        chosen: FormSpec | None = None
        for candidate in self.registry.all():
            names = [s.name for s in plan_workbook(candidate).repeat_sheets]
            score = sum(1 for n in names if n.lower() in present)
            key = (score, candidate.template_year, candidate.version)
            if score and (best is None or key > best):
                best, chosen = key, candidate
        if chosen is None:
            raise ImportFailure(
                f"无法判断 {self.path.name} 属于哪个表单：没有「{META_SHEET}」工作表，工作表名称也对不上任何表单；"
                "请使用本程序生成的模板，或指定表单（如 --form power-monthly）"
            )
        return chosen

    # ---- which sheet -------------------------------------------------------------------------

    def locate_sheets(self, layout: WorkbookLayout) -> dict[str, str | None]:
        """Planned sheet name → sheet in the workbook (or None, with a problem)."""
        lower = {n.lower(): n for n in self.names}
        found: dict[str, str | None] = {}
        pending: list[ScalarSheet | RepeatSheet] = []
        planned: list[ScalarSheet | RepeatSheet] = [*layout.scalar_sheets, *layout.repeat_sheets]
        for sheet in planned:
            title = lower.get(sheet.name.lower())
            if title is None and self.meta is not None:
                old = (
                    self.meta.repeat_sheets.get(sheet.path)
                    if isinstance(sheet, RepeatSheet)
                    else next(
                        (
                            self.meta.sheet_of[e.path]
                            for e in sheet.value_entries()
                            if e.path in self.meta.sheet_of
                        ),
                        None,
                    )
                )
                title = lower.get(old.lower()) if old else None
            if title is not None and title not in self.claimed:
                found[sheet.name] = title
                self.claimed.add(title)
            else:
                pending.append(sheet)
        for sheet in pending:
            title = self.find_renamed(sheet)
            found[sheet.name] = title
            if title is not None:
                self.claimed.add(title)
                self.problem(
                    "warning",
                    "XLS-005",
                    f"找不到工作表「{sheet.name}」，但工作表「{title}」的列标题与它一致，"
                    f"已按「{sheet.name}」读取；请把工作表名称改回「{sheet.name}」",
                    title,
                )
                continue
            required = isinstance(sheet, ScalarSheet) or sheet.repeat.min_rows > 0
            self.problem(
                "error" if required else "warning",
                "XLS-003",
                f"找不到工作表「{sheet.name}」；是否被重命名或删除？请恢复原名称"
                f"（{'该表的数据未导入' if required else '该表为选填，未导入任何行'}）",
                sheet.name,
            )
        return found

    def find_renamed(self, sheet: ScalarSheet | RepeatSheet) -> str | None:
        if isinstance(sheet, ScalarSheet):
            wanted = {normalize_header(e.label) for e in sheet.value_entries()}
            column = LABEL_COL - 1
        else:
            wanted = {normalize_header(c.header) for c in sheet.columns}
            column = -1
        for title in self.names:
            if title in self.claimed or title in (README_SHEET, OPTIONS_SHEET, EXPLAIN_SHEET, OFFICIAL_SHEET):
                continue
            if column >= 0:
                seen = {normalize_header(r[column]) for r in self.rows(title, max_row=60) if len(r) > column}
            else:
                seen = {normalize_header(v) for r in self.rows(title, max_row=1) for v in r}
            if wanted and len(wanted & seen) * 2 >= len(wanted):
                return title
        return None

    # ---- 基本信息 ---------------------------------------------------------------------------

    def read_scalars(self, spec: FormSpec, sheet: ScalarSheet, title: str) -> None:
        grid = list(self.rows(title))
        scan = self.xml.scan(title)
        merges, formulas = scan.merges, scan.formulas

        def at(row: int, col: int) -> Any:
            return grid[row - 1][col - 1] if 0 < row <= len(grid) and 0 < col <= len(grid[row - 1]) else None

        labels: dict[str, int] = {}
        for number, line in enumerate(grid, start=1):
            if len(line) >= LABEL_COL and not is_blank(line[LABEL_COL - 1]):
                labels.setdefault(normalize_header(line[LABEL_COL - 1]), number)
        read_cols = {LABEL_COL, VALUE_COL} | {e.column for e in sheet.entries if e.pinned}
        for c1, r1, c2, r2 in merges:
            if any(c1 <= c <= c2 for c in read_cols) and (r2 > r1 or c2 > c1):
                ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
                self.problem(
                    "error",
                    "XLS-013",
                    f"「{title}」表 {ref} 是合并单元格；导入时只读左上角 {get_column_letter(c1)}{r1}，"
                    "其余单元格当作空白。请取消合并（开始 → 合并后居中），每项填在自己的单元格",
                    title,
                    r1,
                    get_column_letter(c1),
                )
        for entry in sheet.value_entries():
            if entry.role == "calculated":
                continue
            place = self.scalar_place(entry, title, at, labels)
            if place is None:
                self.problem(
                    "warning",
                    "XLS-009",
                    f"「{title}」表中找不到「{entry.label}」这一行（B 列「项目」）；该项未导入。"
                    "请勿删除行或修改「项目」列",
                    title,
                    path=entry.path,
                )
                continue
            row, col = place
            letter = get_column_letter(col)
            path = entry.path
            self.result_cells[path] = f"{title}!{letter}{row}"
            value = at(row, col)
            if value is None and (row, col) in formulas:
                self.formula_problem(title, row, letter, entry.label, path)
                continue
            if (row, col) in scan.cached_zero:
                self.cached_zero_problem(title, row, letter, entry.label, path)
                continue
            if is_blank(value):
                continue
            if entry.field is None:
                self.document_fields[path] = (
                    period_text(value, spec.period_kind) if path == PERIOD else text_of(value)
                )
                continue
            raw, message = converter(spec, entry.field)(value)
            code = "XLS-010"
            if value.__class__ is str and entry.field.type in _NUMBER_TYPES:
                raw, message, code = self.text_number(spec, entry.field, value, raw, message)
            elif message is None and entry.field.unit == "%" and (row, col) in self.percent_cells(title):
                raw, message, code = _from_percent(value, raw)
            self.values[entry.field.name] = raw
            if message:
                self.problem(
                    "info" if code in _INFO_CODES else "error",
                    code,
                    f"「{title}」表 {letter}{row}（{entry.label}）：{message}",
                    title,
                    row,
                    letter,
                    path,
                )

    def scalar_place(
        self, entry: ScalarEntry, title: str, at: Callable[[int, int], Any], labels: dict[str, int]
    ) -> tuple[int, int] | None:
        ref = (
            self.meta.columns.get((self.meta.sheet_of.get(entry.path, title), entry.path))
            if self.meta
            else None
        )
        if ref:
            letter, row = coordinate_from_string(ref)
            meta_row, meta_col = row, column_index_from_string(letter)
        else:
            meta_row, meta_col = entry.row, entry.column
        if entry.pinned:
            return meta_row, meta_col
        wanted = normalize_header(entry.label)
        if normalize_header(at(meta_row, LABEL_COL)) == wanted:
            return meta_row, VALUE_COL
        row = labels.get(wanted)
        return (row, VALUE_COL) if row else None

    def formula_problem(self, title: str, row: int, letter: str, label: str, path: str) -> None:
        self.problem(
            "error",
            "XLS-012",
            f"「{title}」表 {letter}{row}（{label}）是公式，但文件里没有保存计算结果"
            "（多半由其他程序生成）；请在 Excel 中打开该文件、保存后再导入，或直接填写数值",
            title,
            row,
            letter,
            path,
        )

    def cached_zero_problem(self, title: str, row: int, letter: str, label: str, path: str) -> None:
        self.problem(
            "error",
            "XLS-020",
            f"「{title}」表 {letter}{row}（{label}）是公式，文件里保存的结果 0 不是计算出来的"
            "（文件由不能计算公式的程序生成，要求打开时重新计算）；该值未导入。请在 Excel 或 WPS 中打开该文件、"
            "保存后再导入，或直接填写数值",
            title,
            row,
            letter,
            path,
        )

    # ---- repeat sheets -----------------------------------------------------------------------

    def map_columns(self, sheet: RepeatSheet, title: str, header: tuple[Any, ...]) -> dict[int, Column]:
        meta_title = self.meta.repeat_sheets.get(sheet.path, sheet.name) if self.meta else sheet.name
        actual = {i: normalize_header(v) for i, v in enumerate(header) if not is_blank(v)}
        mapped: dict[int, Column] = {}
        unmatched: list[Column] = []
        for col in sheet.columns:
            variants = col.header_variants()
            hit = next((i for i, text in actual.items() if text in variants and i not in mapped), None)
            if hit is None:
                unmatched.append(col)
            else:
                mapped[hit] = col
        for col in unmatched:
            ref = self.meta.columns.get((meta_title, col.path)) if self.meta else None
            i = column_index_from_string(ref) - 1 if ref and ref.isalpha() else col.index - 1
            if col.role == "calculated":
                if i in actual and i not in mapped:
                    mapped[i] = col  # a renamed result column is still ours; results are never read
                continue
            letter = get_column_letter(i + 1)
            if i in actual and i not in mapped:
                mapped[i] = col
                self.problem(
                    "warning",
                    "XLS-008",
                    f"「{title}」表 {letter}1 的列标题是「{header[i]}」，模板中这一列是「{col.header}」；"
                    f"已按位置读取为「{col.header}」，请核对，并把列标题改回「{col.header}」",
                    title,
                    1,
                    letter,
                )
                continue
            severity: Severity = (
                "error" if col.role in ("parent_key", "ordinal") and sheet.parent is not None else "warning"
            )
            self.problem(
                severity,
                "XLS-006",
                f"「{title}」表缺少列「{col.header}」（模板中在 {col.letter} 列）；该列的数据未导入。"
                "请从新导出的模板中复制这一列的标题，或恢复被删除的列",
                title,
                1,
                col.letter,
            )
        for i in actual:
            if i not in mapped:
                letter = get_column_letter(i + 1)
                self.problem(
                    "warning",
                    "XLS-007",
                    f"「{title}」表 {letter}1 的列「{header[i]}」不是模板中的列，该列的数据未导入；"
                    "如果是模板的列被改了名，请改回原标题",
                    title,
                    1,
                    letter,
                )
        return mapped

    def read_repeat(self, spec: FormSpec, layout: WorkbookLayout, sheet: RepeatSheet, title: str) -> None:
        rows, header, header_row = self.find_header(sheet, title)
        if all(is_blank(v) for v in header):
            required = sheet.repeat.min_rows > 0
            self.problem(
                "error" if required else "warning",
                "XLS-006",
                f"「{title}」表第 1 行没有列标题（可能被删除或整表被清空），"
                "该表未导入；请从新导出的模板中复制列标题",
                title,
                1,
            )
            return
        mapped = self.map_columns(sheet, title, header)
        scan = self.xml.scan(title)
        merges, formulas, cached_zero = scan.merges, scan.formulas, scan.cached_zero
        inputs = [
            (i, col, converter(spec, col.field))
            for i, col in sorted(mapped.items())
            if col.role == "input" and col.field is not None
        ]
        keys = sorted(
            ((i, col) for i, col in mapped.items() if col.role == "parent_key"), key=lambda p: p[1].level
        )
        key_fns = [(i, col, self.key_function(spec, col.field)) for i, col in keys]
        ordinal = next((i for i, col in mapped.items() if col.role == "ordinal"), None)
        for i, col in mapped.items():
            if col.field is not None and col.role != "parent_key":
                self.result_columns[(title, col.field.name)] = get_column_letter(i + 1)
        fill = self.merge_fill(title, merges, mapped, keys)
        ident = identity_field(sheet.repeat)
        ident_fn = self.key_function(spec, ident) if ident is not None else None
        has_children = bool(sheet.children)
        own_index: dict[tuple[str, ...], _ParentRow] | None = {} if has_children else None
        if has_children:
            self.index[sheet.path] = own_index  # type: ignore[assignment]
        parent_index = self.index.get(sheet.parent.path) if sheet.parent is not None else None
        position = 0
        carried: dict[int, Any] = {}
        name = sheet.repeat.name
        hidden = scan.hidden_rows
        presets = _preset_rows(sheet) if sheet.parent is not None else []
        for number, line in enumerate(rows, start=header_row + 1):
            if fill:
                line = _fill_down(fill, carried, number, line)
            width = len(line)
            found: list[tuple[int, Column, Converter, Any]] = []
            no_value: list[tuple[int, Column]] = []
            zeros: list[tuple[int, Column]] = []
            for i, col, conv in inputs:
                value = line[i] if i < width else None
                if value is None:
                    if formulas and (number, i + 1) in formulas:
                        no_value.append((i, col))
                    continue
                if value.__class__ is str and not value.strip():
                    continue
                if cached_zero and (number, i + 1) in cached_zero:
                    zeros.append((i, col))
                    continue
                found.append((i, col, conv, value))
            if not found:
                for i, col in no_value:
                    self.formula_problem(title, number, get_column_letter(i + 1), col.header, "")
                for i, col in zeros:
                    self.cached_zero_problem(title, number, get_column_letter(i + 1), col.header, "")
                continue  # empty rows (the unlocked block, spacer rows) are not records
            if position >= MAX_REPEAT_ROWS:
                self.problem(
                    "error",
                    "XLS-021",
                    f"「{title}」表超过 {MAX_REPEAT_ROWS:,} 行数据，第 {number} 行起未导入；"
                    f"一份填报的「{sheet.repeat.label}」不会有这么多行，请检查是否粘贴了无关数据",
                    title,
                    number,
                )
                break
            key_values: list[str] = []
            if sheet.parent is not None and presets and _untouched_preset(found, presets, key_fns, line):
                self.problem(
                    "info",
                    "XLS-028",
                    f"「{title}」表第 {number} 行是模板预置的行（"
                    f"{'、'.join(text_of(v) for _, _, _, v in found)}），没有填写数据和所属的"
                    f"{sheet.chain[-2].label}，未导入；不需要的预置行可以删除",
                    title,
                    number,
                )
                continue
            if sheet.parent is not None:
                placed = self.attach(sheet, title, number, line, key_fns, parent_index, key_values)
                if placed is None:
                    continue
                container, prefix = placed
            else:
                container = self.values.setdefault(name, [])
                prefix = f"{name}[{len(container)}]"
            record: dict[str, Any] = {}
            for i, col, conv, value in found:
                raw, message = conv(value)
                assert col.field is not None
                code = "XLS-010"
                if value.__class__ is str and col.field.type in _NUMBER_TYPES:
                    raw, message, code = self.text_number(spec, col.field, value, raw, message)
                elif (
                    message is None and col.field.unit == "%" and (number, i + 1) in self.percent_cells(title)
                ):
                    raw, message, code = _from_percent(value, raw)
                record[col.field.name] = raw
                if message:
                    letter = get_column_letter(i + 1)
                    self.problem(
                        "info" if code in _INFO_CODES else "error",
                        code,
                        f"「{title}」表 {letter}{number}（第 {number} 行，{col.header}）：{message}",
                        title,
                        number,
                        letter,
                        f"{prefix}.{col.field.name}",
                    )
            for i, col in no_value:
                assert col.field is not None
                self.formula_problem(
                    title, number, get_column_letter(i + 1), col.header, f"{prefix}.{col.field.name}"
                )
            for i, col in zeros:
                assert col.field is not None
                self.cached_zero_problem(
                    title, number, get_column_letter(i + 1), col.header, f"{prefix}.{col.field.name}"
                )
            container.append(record)
            position += 1
            self.result_rows[prefix] = (title, number)
            if number in hidden:
                self.problem(
                    "warning",
                    "XLS-025",
                    f"「{title}」表第 {number} 行是隐藏行，其中的数据已导入；隐藏的行同样会报送。"
                    "如果该行不应报送，请取消隐藏后删除整行",
                    title,
                    number,
                )
            if own_index is not None:
                own = self.own_identity(record, ident, ident_fn, line, ordinal, position)
                full = (*key_values, own)
                if own and full in own_index:
                    first = own_index[full]
                    self.problem(
                        "error",
                        "XLS-015",
                        f"「{title}」表第 {number} 行与第 {first.number} 行的"
                        f"{ident.label if ident else '序号'}「{own}」重复；下级表的行只会对应到第 {first.number} 行，"
                        "请改成不同的名称",
                        title,
                        number,
                    )
                elif own:
                    own_index[full] = _ParentRow(record, prefix, title, number)

    def find_header(
        self, sheet: RepeatSheet, title: str
    ) -> tuple[Iterator[tuple[Any, ...]], tuple[Any, ...], int]:
        """(the data rows, the header row's values, its number): row 1, or the first of the top
        rows that carries most of the template's headers (rows inserted above it: a title, a blank)."""
        rows = self.rows(title)
        wanted = set().union(*(c.header_variants() for c in sheet.columns))
        need = max(1, min(len(sheet.columns), 4) // 2)
        lead: list[tuple[Any, ...]] = []
        for line in rows:
            lead.append(tuple(line))
            hits = sum(1 for v in line if not is_blank(v) and normalize_header(v) in wanted)
            if hits >= need and len(lead) > 1:
                extra = len(lead) - 1
                self.problem(
                    "warning",
                    "XLS-022",
                    f"「{title}」表的列标题在第 {len(lead)} 行，不在第 1 行（上方插入了 {extra} 行）；"
                    f"已按第 {len(lead)} 行的列标题读取其下的数据。"
                    f"请删除第 {'1' if extra == 1 else f'1–{extra}'} 行，使列标题回到第 1 行",
                    title,
                    len(lead),
                )
                return rows, lead[-1], len(lead)
            if hits >= need or len(lead) >= _HEADER_SEARCH_ROWS:
                break
        header = lead[0] if lead else ()
        return itertools.chain(lead[1:], rows), header, 1

    def percent_cells(self, title: str) -> set[tuple[int, int]]:
        """(row, column) of the sheet's number cells shown as a percentage (Excel stores 60.12% as 0.6012).

        Typing 60.12% into a number cell makes Excel store 0.6012 and switch the cell to a percent
        format; read-only openpyxl gives the 0.6012 only, so the styles and the sheet XML say which."""
        if title in self._percent:
            return self._percent[title]
        found: set[tuple[int, int]] = set()
        archive, part = getattr(self.xml, "archive", None), getattr(self.xml, "parts", {}).get(title)
        if self._percent_styles is None:
            self._percent_styles = _percent_styles(archive) if archive is not None else set()
        if self._percent_styles and part:
            try:
                xml = archive.read(part)  # type: ignore[union-attr]
            except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
                xml = b""
            for m in _CELL_OPEN.finditer(xml):
                style, ref = _STYLE_ATTR.search(m.group(1)), _REF_ATTR.search(m.group(1))
                if style and ref and int(style.group(1)) in self._percent_styles:
                    found.add((int(ref.group(2)), column_index_from_string(ref.group(1).decode())))
        self._percent[title] = found
        return found

    def text_number(
        self, spec: FormSpec, f: FieldSpec, value: str, raw: Any, message: str | None
    ) -> tuple[Any, str | None, str]:
        """A number typed as text, as users type it: (raw, message, code).

        Thousands separators, full-width digits and a unit that is the field's own
        (「1,234.5 吨」 in a t field, 「12%」 in a % field) are accepted and said (info XLS-023);
        another unit (千吨 in a t field) stays an error (XLS-010) that names the field's unit."""
        typed = value.strip()
        if message is None:
            plain = unicodedata.normalize("NFKC", typed)
            done = [
                *(["去掉了千分位逗号"] if "," in plain else []),
                *(["全角字符按半角读取"] if plain != typed else []),
                *([f"去掉了“%”（本项单位为 {f.unit}）"] if "%" in plain else []),
            ]
            if done:
                return raw, f"「{typed}」已按数字 {raw} 读取（{'，'.join(done)}）", "XLS-023"
            return raw, None, "XLS-010"
        m = _NUMBER_WITH_UNIT.match(unicodedata.normalize("NFKC", typed))
        if m is None:
            return raw, message, "XLS-010"
        number, unit = m.group(1), m.group(2)
        accepted = _unit_names(f.unit)
        if _unit_key(unit) in accepted:
            got, problem = converter(spec, f)(number)
            if problem is None:
                return got, f"「{typed}」已按 {got}（单位 {f.unit}）读取：单位与本项一致，已去掉", "XLS-023"
            return raw, message, "XLS-010"
        if not accepted:
            return raw, f"{message}。本项只填数字，不带单位，请删去「{unit}」", "XLS-010"
        return (
            raw,
            f"{message}。填的单位「{unit}」与本项单位 {f.unit} 不同，请换算成 {f.unit} 后只填写数字",
            "XLS-010",
        )

    def attach(
        self,
        sheet: RepeatSheet,
        title: str,
        number: int,
        line: tuple[Any, ...],
        key_fns: list[tuple[int, Column, Callable[[Any], str | None]]],
        parent_index: dict[tuple[str, ...], _ParentRow] | None,
        key_values: list[str],
    ) -> tuple[list[dict[str, Any]], str] | None:
        """The parent row's list this child row joins (and its instance path), by the key columns."""
        assert sheet.parent is not None
        for i, col, fn in key_fns:
            key = fn(line[i] if i < len(line) else None)
            if key is None:
                self.problem(
                    "error",
                    "XLS-016",
                    f"「{title}」表第 {number} 行没有填写「{col.header}」，无法确定属于哪个"
                    f"{sheet.chain[col.level].label}；请在 {get_column_letter(i + 1)}{number} 填写（该行未导入）",
                    title,
                    number,
                    get_column_letter(i + 1),
                )
                return None
            key_values.append(key)
        if len(key_values) != len(sheet.parent_key_columns()):
            present = {id(c) for _, c, _ in key_fns}
            col = next(c for c in sheet.parent_key_columns() if id(c) not in present)
            self.problem(
                "error",
                "XLS-016",
                f"「{title}」表缺少「{col.header}」列，第 {number} 行无法确定属于哪个"
                f"{sheet.chain[col.level].label}（该行未导入）；请恢复该列",
                title,
                number,
            )
            return None
        parent = (parent_index or {}).get(tuple(key_values))
        if parent is None:
            parent_sheet = sheet.parent.name
            shown = "、".join(f"{c.header}「{k}」" for (_, c, _), k in zip(key_fns, key_values, strict=True))
            letter = get_column_letter(key_fns[-1][0] + 1)
            self.problem(
                "error",
                "XLS-014",
                f"「{title}」表第 {number} 行的{shown}在「{parent_sheet}」表中找不到；"
                f"请检查名称是否与「{parent_sheet}」表完全一致，或先在「{parent_sheet}」表添加该行（该行未导入）",
                title,
                number,
                letter,
            )
            return None
        container = parent.row.setdefault(sheet.repeat.name, [])
        return container, f"{parent.prefix}.{sheet.repeat.name}[{len(container)}]"

    def own_identity(
        self,
        record: dict[str, Any],
        ident: FieldSpec | None,
        ident_fn: Callable[[Any], str | None] | None,
        line: tuple[Any, ...],
        ordinal: int | None,
        position: int,
    ) -> str:
        if ident is not None and ident_fn is not None:
            return ident_fn(record.get(ident.name)) or ""
        if ordinal is not None and ordinal < len(line) and not is_blank(line[ordinal]):
            return ordinal_text(line[ordinal])
        return str(position)

    def key_function(self, spec: FormSpec, f: FieldSpec | None) -> Callable[[Any], str | None]:
        """Normalise a key cell so 1号机组, ' 1号机组 ' and a choice's label/value compare equal."""
        if f is None:  # 序号
            return lambda value: None if is_blank(value) else ordinal_text(value)
        conv = converter(spec, f)

        def key(value: Any) -> str | None:
            if is_blank(value):
                return None
            raw, _ = conv(value)
            return str(raw).strip() if raw is not None else None

        return key

    def merge_fill(
        self,
        title: str,
        merges: list[tuple[int, int, int, int]],
        mapped: dict[int, Column],
        keys: list[tuple[int, Column]],
    ) -> dict[int, list[tuple[int, int]]]:
        """Report merged ranges; vertical merges over parent-key columns are filled down.

        Ledgers often merge 机组名称 over that unit's fuel rows: the meaning is clear, so the
        value applies to each row. Merged numbers are not guessed (copying one would double it).
        """
        fill: dict[int, list[tuple[int, int]]] = {}
        key_cols = {i + 1 for i, _ in keys}
        for c1, r1, c2, r2 in merges:
            if r2 == r1 and c2 == c1:
                continue
            ref = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
            top = f"{get_column_letter(c1)}{r1}"
            if c1 == c2 and c1 in key_cols and r1 >= FIRST_DATA_ROW:
                fill.setdefault(c1 - 1, []).append((r1, r2))
                self.problem(
                    "warning",
                    "XLS-013",
                    f"「{title}」表 {ref}（{mapped[c1 - 1].header}）是合并单元格；已把 {top} 的值"
                    "用于这几行。建议取消合并，并在每一行填写",
                    title,
                    r1,
                    get_column_letter(c1),
                )
                continue
            if not any(c1 <= i + 1 <= c2 for i in mapped) and r1 > 1:
                continue
            self.problem(
                "error",
                "XLS-013",
                f"「{title}」表 {ref} 是合并单元格；导入时只读左上角 {top}，其余单元格当作空白。"
                "请取消合并（开始 → 合并后居中），在每一行填写各自的数值",
                title,
                r1,
                get_column_letter(c1),
            )
        return fill

    # ---- period ------------------------------------------------------------------------------

    def check_period(self, spec: FormSpec, layout: WorkbookLayout) -> str:
        period = self.document_fields.get(PERIOD) or (self.meta.values.get("period", "") if self.meta else "")
        cell = self.result_cells.get(
            PERIOD, f"{INFO_SHEET}!{next(e.cell for e in layout.info.entries if e.path == PERIOD)}"
        )
        sheet, _, ref = cell.partition("!")
        letter, row = coordinate_from_string(ref)
        if not period:
            if self.expected_period:
                self.problem(
                    "info",
                    "XLS-019",
                    f"「{sheet}」表 {ref} 的填报期间未填写，按本次导入的 "
                    f"{spec.period_label(self.expected_period)} 处理",
                    sheet,
                    row,
                    letter,
                    PERIOD,
                )
                return self.expected_period
            self.problem(
                "error",
                "XLS-019",
                f"「{sheet}」表 {ref} 的填报期间未填写；请填写，如 "
                f"{'2026-10' if spec.period_kind == 'month' else '2026'}",
                sheet,
                row,
                letter,
                PERIOD,
            )
            return ""
        if self.expected_period and period != self.expected_period:
            self.problem(
                "error",
                "XLS-002",
                f"工作簿的填报期间是 {_label(spec, period)}，不是本次导入的 "
                f"{_label(spec, self.expected_period)}；请确认选择了正确的文件，或修改「{sheet}」表 {ref} 的期间",
                sheet,
                row,
                letter,
                PERIOD,
            )
        return period


def _fill_down(
    fill: dict[int, list[tuple[int, int]]], carried: dict[int, Any], number: int, line: tuple[Any, ...]
) -> tuple[Any, ...]:
    """Give the rows under a merged key cell the value of its top-left cell."""
    patched: list[Any] | None = None
    for i, spans in fill.items():
        for r1, r2 in spans:
            if number == r1:
                carried[i] = line[i] if i < len(line) else None
            elif r1 < number <= r2 and (i >= len(line) or line[i] is None):
                if patched is None:
                    patched = list(line)
                patched.extend([None] * (i + 1 - len(patched)))
                patched[i] = carried.get(i)
    return tuple(patched) if patched is not None else line


_NUMBER_TYPES = ("decimal", "integer")
_HEADER_SEARCH_ROWS = 10
"""How far down a repeat sheet the header row is looked for when row 1 does not hold it."""
_NUMBER_WITH_UNIT = re.compile(r"^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*([^\d\s.,+\-][^\d]*?)$")
"""A number followed by a unit, after NFKC (full-width digits and ％ are plain): 1,234.5 吨, 12%."""
_UNIT_WORDS = {
    "t": ("t", "吨", "噸"),
    "万nm3": ("万nm3", "万标立方米", "万立方米", "万方"),
    "nm3": ("nm3", "标立方米", "立方米", "方"),
    "mwh": ("mwh", "兆瓦时"),
    "kwh": ("kwh", "千瓦时", "度"),
    "gj": ("gj", "吉焦"),
    "%": ("%",),
    "h": ("h", "小时"),
    "d": ("d", "天"),
    "tco2": ("tco2", "吨二氧化碳", "吨co2"),
    "mw": ("mw", "兆瓦"),
    "km": ("km", "公里", "千米"),
}


_INFO_CODES = frozenset({"XLS-023", "XLS-027"})
_CELL_OPEN = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")
_STYLE_ATTR = re.compile(rb'\bs="(\d+)"')
_REF_ATTR = re.compile(rb'\br="([A-Z]+)(\d+)"')
_BUILTIN_PERCENT = frozenset({9, 10})
"""Excel's built-in number formats 0% and 0.00%."""


def _preset_rows(sheet: RepeatSheet) -> list[dict[str, str]]:
    """The rows the template pre-fills on a child sheet (the repeat's and its parent's ``initial_rows``)."""
    rows = list(sheet.repeat.initial_rows)
    parent = sheet.chain[-2] if len(sheet.chain) > 1 else None
    for row in parent.initial_rows if parent is not None else []:
        rows.extend(row.get(sheet.repeat.name) or [])
    return [{k: str(v) for k, v in r.items() if not isinstance(v, list | dict)} for r in rows]


def _untouched_preset(
    found: list[tuple[int, Column, Converter, Any]],
    presets: list[dict[str, str]],
    key_fns: list[tuple[int, Column, Callable[[Any], str | None]]],
    line: tuple[Any, ...],
) -> bool:
    """A child row without its parent's key holding exactly a pre-filled row's texts (no number typed)."""
    if any(fn(line[i] if i < len(line) else None) is not None for i, _, fn in key_fns):
        return False
    typed: dict[str, str] = {}
    for _, col, conv, value in found:
        assert col.field is not None
        if col.field.type in _NUMBER_TYPES:
            return False
        typed[col.field.name] = str(conv(value)[0])
    return any(
        typed == {k: v for k, v in preset.items() if k in typed} and typed.keys() <= preset.keys()
        for preset in presets
    )


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell styles (cellXfs) whose number format shows a percentage."""
    try:
        root = SafeET.fromstring(archive.read("xl/styles.xml"))
    except Exception:  # noqa: BLE001 - no or odd styles part: no percent cells, not a failure
        return set()
    percent = set(_BUILTIN_PERCENT)
    for el in root.iter():
        if el.tag.endswith("}numFmt"):
            code = re.sub(r'"[^"]*"|\\.', "", el.get("formatCode", ""))
            if "%" in code and el.get("numFmtId", "").isdigit():
                percent.add(int(el.get("numFmtId", "")))
    xfs = next((el for el in root.iter() if el.tag.endswith("}cellXfs")), None)
    if xfs is None:
        return set()
    return {
        i
        for i, xf in enumerate(x for x in xfs if x.tag.endswith("}xf"))
        if xf.get("numFmtId", "0").isdigit() and int(xf.get("numFmtId", "0")) in percent
    }


def _from_percent(value: Any, raw: Any) -> tuple[Any, str | None, str]:
    """0.6012 shown as 60.12% in a % field → 60.12, said as an info (XLS-027)."""
    number = Decimal(str(raw)) * 100
    shown = to_json_number(number)
    return (
        shown,
        f"单元格为百分比格式，显示为 {shown}%，Excel 保存的是 {raw}；已按 {shown}（单位 %）读取",
        "XLS-027",
    )


def _unit_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _unit_names(unit: str | None) -> set[str]:
    """What a user may type after a number for a field of this unit (「t 或 万Nm³」: either)."""
    if not unit or unit.strip() in ("-", ""):
        return set()
    out: set[str] = set()
    for part in re.split(r"\s*或\s*", unit):
        key = _unit_key(part)
        out.add(key)
        out.update(_UNIT_WORDS.get(key, ()))
    return out


def _version_key(version: str) -> tuple[int, ...]:
    """2026.1 → (2026, 1); text that is not dotted numbers sorts first."""
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return ()


def _label(spec: FormSpec, period: str) -> str:
    try:
        return spec.period_label(period)
    except ValueError:
        return period
