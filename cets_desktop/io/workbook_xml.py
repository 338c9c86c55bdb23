"""What read-only openpyxl does not show: merged cells and formulas, from the raw sheet XML.

One job: scan a sheet part (zipfile + regular expressions over the raw bytes; defusedxml for the
small workbook parts) for ``<mergeCell>``, for formula cells without a cached value, and for
formula cells whose cached value is a placeholder 0 written by a library that cannot calculate.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET
from openpyxl.utils.cell import column_index_from_string

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_FORMULA_NO_VALUE = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_FORMULA_ZERO = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"<(?:\w+:)?v>\s*0(?:\.0*)?\s*</(?:\w+:)?v>\s*</(?:\w+:)?c>"
)
_REF_ATTR = re.compile(rb'\br="([A-Z]+)(\d+)"')
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b(?=[^>]*\bhidden="(?:1|true)")[^>]*?\br="(\d+)"')
_FULL_CALC = re.compile(rb'<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad="(?:1|true)"')


@dataclass
class SheetScan:
    merges: list[tuple[int, int, int, int]]
    """Merged ranges as (min_col, min_row, max_col, max_row)."""
    formulas: set[tuple[int, int]]
    """(row, column) of formula cells without a cached value."""
    cached_zero: set[tuple[int, int]]
    """(row, column) of formula cells whose cached 0 was written by a program that cannot calculate."""
    hidden_rows: set[int] = field(default_factory=set)
    """Numbers of the rows hidden in Excel (their data is read like any other row's)."""


class SheetXml:
    """Merged ranges and formula cells without a trustworthy cached value, from the raw sheet XML."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.parts = self._parts()
        self.cache: dict[str, SheetScan] = {}
        self.untrusted_cache = self._cache_untrusted()

    def _parts(self) -> dict[str, str]:
        # Best effort: if the package is odd, detection of merges/formulas is skipped, not fatal.
        try:
            root = SafeET.fromstring(self.archive.read("_rels/.rels"))
            wb_part = next(
                (r.get("Target", "") for r in root if r.get("Type", "").endswith("/officeDocument")),
                "xl/workbook.xml",
            ).lstrip("/")
            base = posixpath.dirname(wb_part)
            rels = SafeET.fromstring(
                self.archive.read(posixpath.join(base, "_rels", posixpath.basename(wb_part) + ".rels"))
            )
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            out: dict[str, str] = {}
            for el in SafeET.fromstring(self.archive.read(wb_part)).iter():
                if el.tag.endswith("}sheet"):
                    rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                    target = targets.get(rid, "")
                    if target:
                        out[el.get("name", "")] = (
                            target.lstrip("/")
                            if target.startswith("/")
                            else posixpath.normpath(posixpath.join(base, target))
                        )
            return out
        except Exception:  # noqa: BLE001 - a missing or odd part only disables the extra checks
            return {}

    def _cache_untrusted(self) -> bool:
        """True when the cached formula results were not computed by a spreadsheet program.

        Libraries that write formulas (xlsxwriter, openpyxl, many exporters) cannot calculate them:
        they store 0 (or nothing) and set ``fullCalcOnLoad`` so that Excel recalculates on opening.
        Excel, WPS and LibreOffice save the real results.
        """
        try:
            wb_part = next(
                (p for p in self.archive.namelist() if p.endswith("workbook.xml")), "xl/workbook.xml"
            )
            with self.archive.open(wb_part) as fh:
                head = fh.read(1 << 20)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError):
            return False
        return _FULL_CALC.search(head) is not None

    def scan(self, title: str) -> SheetScan:
        """Merged ranges, formula cells without a value, formula cells whose cached 0 is no result."""
        if title in self.cache:
            return self.cache[title]
        result = SheetScan([], set(), set())
        part = self.parts.get(title)
        try:
            xml = self.archive.read(part) if part else b""
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            xml = b""
        for m in _MERGE.finditer(xml):
            c1, r1 = column_index_from_string(m.group(1).decode()), int(m.group(2))
            c2 = column_index_from_string(m.group(3).decode()) if m.group(3) else c1
            r2 = int(m.group(4)) if m.group(4) else r1
            result.merges.append((c1, r1, c2, r2))
        result.hidden_rows.update(int(m.group(1)) for m in _HIDDEN_ROW.finditer(xml))
        for m in _FORMULA_NO_VALUE.finditer(xml):
            ref = _REF_ATTR.search(m.group(1))
            if ref:
                result.formulas.add((int(ref.group(2)), column_index_from_string(ref.group(1).decode())))
        if self.untrusted_cache:
            for m in _FORMULA_ZERO.finditer(xml):
                ref = _REF_ATTR.search(m.group(1))
                if ref:
                    result.cached_zero.add(
                        (int(ref.group(2)), column_index_from_string(ref.group(1).decode()))
                    )
        self.cache[title] = result
        return result
