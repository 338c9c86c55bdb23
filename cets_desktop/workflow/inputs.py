"""Reading a filing from a file: a filing JSON or a filled template workbook → document + definition.

Problems found while reading a workbook (sheet, row, cell) become findings, so they are listed
with every other finding in one pass; a file that cannot be used at all raises InputError.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.document import DocumentError, FilingDocument
from ..core.findings import Finding
from ..core.loader import FormRegistry
from ..core.spec import FormSpec
from .definitions import definition_of, registry
from .errors import InputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class LoadedInput:
    document: FilingDocument
    spec: FormSpec
    import_findings: list[Finding] = field(default_factory=list)
    """Problems found while reading a workbook (sheet/row/cell), and workspace checks, as findings."""
    source_path: Path | None = None
    cell_of: Callable[[str], str | None] | None = None
    """For workbooks: instance path → cell (``燃料!F7``), so findings can name the cell."""


def spec_for(doc: FilingDocument, reg: FormRegistry | None = None) -> FormSpec:
    """The definition of a document (see :func:`definitions.definition_of`)."""
    return definition_of(doc, reg)


def load_input(
    path: str | Path,
    reg: FormRegistry | None = None,
    *,
    expected_period: str | None = None,
    expected_form: str | None = None,
) -> LoadedInput:
    """A filing JSON or a filled template workbook → document + spec (+ import problems)."""
    from ..core.document import document_from_bytes
    from ..core.input_files import STDIN_NAME, UnreadableFile, read_input_file, read_stdin, sniff

    stdin = str(path) == "-"  # `-` is standard input (a filing JSON or a workbook, told by content)
    path = Path(STDIN_NAME if stdin else path)
    try:
        data = read_stdin() if stdin else read_input_file(path)
    except UnreadableFile as exc:
        raise InputError(exc.message) from None
    if sniff(data) != "json" or (
        path.suffix.lower() in WORKBOOK_SUFFIXES and not data.lstrip().startswith(b"{")
    ):
        # After reading: an unusable file is told without loading every definition.
        return _load_workbook(path, reg or registry(), expected_period, expected_form, data)
    try:
        doc = document_from_bytes(data, str(path))
    except DocumentError as exc:
        raise InputError(exc.message) from None
    # A filing JSON names its form: the forms index picks the file, only that one is loaded.
    return LoadedInput(doc, spec_for(doc, reg), [], None if stdin else path)


def _load_workbook(
    path: Path,
    reg: FormRegistry,
    expected_period: str | None,
    expected_form: str | None,
    data: bytes | None = None,
) -> LoadedInput:
    from ..io.xlsx_import import ImportFailure, read_workbook

    spec = reg.get(expected_form) if expected_form else None
    try:
        result = read_workbook(
            path,
            spec=spec,
            expected_period=expected_period,
            expected_form=expected_form,
            registry=reg,
            data=data,
        )
    except ImportFailure as exc:
        raise InputError(str(exc)) from None
    findings = [
        Finding(p.severity, p.code, p.path or "", p.message, "Excel 导入", p.cell or "", kind="import")
        for p in result.problems
    ]
    return LoadedInput(result.document, spec_for(result.document, reg), findings, path, result.cell_of)
