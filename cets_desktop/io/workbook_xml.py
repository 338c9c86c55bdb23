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
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f\b")
"""The ``<f>`` element both formula patterns contain: most sheets have none."""
_WORD_END_F = re.compile(rb"f\b")
_WORD_END_F_LIMIT = 2000


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
        part = self.parts.get(title)
        try:
            xml = self.archive.read(part) if part else b""
        except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            xml = b""
        # Each pattern runs only where the text it needs occurs: the same matches, while a sheet
        # without merges, hidden rows or formulas (most are) skips the slow passes over every "<".
        formulas = _has_formula_tag(xml)
        result = SheetScan(
            _merges(xml) if b"mergeCell" in xml else [],
            _cells_matching(_FORMULA_NO_VALUE, xml) if formulas else set(),
            _cells_matching(_FORMULA_ZERO, xml) if formulas and self.untrusted_cache else set(),
            {int(m.group(1)) for m in _HIDDEN_ROW.finditer(xml)} if b'hidden="' in xml else set(),
        )
        self.cache[title] = result
        return result


def _merges(xml: bytes) -> list[tuple[int, int, int, int]]:
    out = []
    for m in _MERGE.finditer(xml):
        c1, r1 = column_index_from_string(m.group(1).decode()), int(m.group(2))
        c2 = column_index_from_string(m.group(3).decode()) if m.group(3) else c1
        r2 = int(m.group(4)) if m.group(4) else r1
        out.append((c1, r1, c2, r2))
    return out


def _cells_matching(pattern: re.Pattern[bytes], xml: bytes) -> set[tuple[int, int]]:
    """(row, column) of the ``<c>`` elements ``pattern`` matches (its group 1: the attributes)."""
    out = set()
    for m in pattern.finditer(xml):
        ref = _REF_ATTR.search(m.group(1))
        if ref:
            out.add((int(ref.group(2)), column_index_from_string(ref.group(1).decode())))
    return out


def _has_formula_tag(xml: bytes) -> bool:
    """``_FORMULA_TAG.search(xml) is not None``, from the few ``f`` that end a word (about a
    hundred in a big sheet) instead of trying the pattern at every ``<``: a tenth of the time."""
    searched = 0
    for count, m in enumerate(_WORD_END_F.finditer(xml)):
        if count == _WORD_END_F_LIMIT:  # text full of "f" (a crafted part): the pattern is faster
            return _FORMULA_TAG.search(xml) is not None
        at = m.start()
        before = xml[at - 1 : at]
        if before == b"<":
            return True
        if before != b":":
            continue
        # ``<prefix:f``: the tag can only start at the nearest "<". Looking back only as far as the
        # previous candidate keeps this linear; with no "<" in between, that "<" was tried already.
        found = xml.rfind(b"<", searched, at)
        searched = at
        if found != -1 and _FORMULA_TAG.match(xml, found):
            return True
    return False
