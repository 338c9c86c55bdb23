"""Reference values (grid factor by year, default heating values, carbon contents, oxidation rates …).

They are data, like the forms: ``forms/reference/*.yaml``, each entry with the years it applies
to, its value and its source with a certainty tag, so a computed number can say which factor it
used and how sure we are of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .definition_error import DefinitionError
from .display import plain_certainty_in
from .loader import _explain_validation, read_yaml_with_lines
from .reference_reading import MissingRefs, RefUse
from .spec import SourceRef


class ReferenceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str | None = Field(default=None, description="按燃料/物料等区分时的键")
    years: str = Field(description="适用年份：2023、2019-2020、2023-（此后一直适用）")
    value: Decimal
    source: SourceRef
    note: str | None = None

    @field_validator("years")
    @classmethod
    def _years_shape(cls, v: str) -> str:
        v = str(v)
        first, _, last = v.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(f"years {v!r} 应形如 2023、2019-2020 或 2023-")
        return v

    def applies_to(self, year: int) -> bool:
        first, dash, last = self.years.partition("-")
        start = int(first)
        end = int(last) if last else (9999 if dash else start)
        return start <= year <= end


class ReferenceTable(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    unit: str | None = None
    description: str | None = None
    entries: list[ReferenceEntry]


class ReferenceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tables: dict[str, ReferenceTable]


@dataclass
class ReferenceSet:
    tables: dict[str, ReferenceTable] = field(default_factory=dict)
    errors: list[DefinitionError] = field(default_factory=list)
    _found: dict[tuple[str, int, str | None], tuple[Any, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """Entries looked up, by (table, year, key): every ``ref()`` of every row of every month asks
    again, and the answer changes only with the table (kept with it, compared by identity)."""

    def lookup(self, table: str, year: int, key: str | None = None) -> ReferenceEntry | None:
        t = self.tables.get(table)
        if t is None:
            return None
        kept = self._found.get((table, year, key))
        if kept is not None and kept[0] is t and kept[1] is t.entries and kept[2] == len(t.entries):
            found: ReferenceEntry | None = kept[3]
            return found
        matches = [e for e in t.entries if e.key == key and e.applies_to(year)]
        # A later-starting entry wins over an open-ended older one (a published update).
        found = max(matches, key=lambda e: int(e.years.partition("-")[0]), default=None)
        if len(self._found) >= 4096:  # keys can be typed text (a fuel's name): bounded
            self._found.clear()
        self._found[(table, year, key)] = (t, t.entries, len(t.entries), found)
        return found

    def read(
        self,
        table: str,
        year: int,
        key: str | None,
        *,
        log: list[RefUse] | None = None,
        missing: MissingRefs | None = None,
    ) -> Decimal | None:
        """What ``ref(table[, key])`` gives for ``year`` (:class:`.reference_reading.ReferenceReader`)."""
        entry = self.lookup(table, year, key)
        if (
            entry is None
            and missing is not None
            and (
                key is None
                or self.tables.get(table) is None
                or key in self.keys(table)
                or not self.keys(table)
            )
        ):
            # A keyed lookup with an unknown key (a fuel without a default) is the rules' business;
            # a table or year with no value at all is a broken installation and must be said.
            missing.add((table, key))
        if log is not None:
            log.append(self.describe_use(table, year, key, entry))
        return entry.value if entry else None

    def describe_use(self, table: str, year: int, key: str | None, entry: ReferenceEntry | None) -> RefUse:
        t = self.tables.get(table)
        return RefUse(
            table=table,
            key=key,
            value=entry.value if entry else None,
            label=(t.label if t else table) + (f"（{key}）" if key else ""),
            unit=t.unit if t else None,
            source=entry.source.cite() if entry else "无适用于该年份的取值",
            certainty=entry.source.certainty if entry else "G",
            years=entry.years if entry else "",
        )

    def keys(self, table: str) -> list[str]:
        t = self.tables.get(table)
        return sorted({e.key for e in t.entries if e.key}) if t else []


def load_references(folder: str | Path | None = None) -> ReferenceSet:
    if folder is None:
        from ..paths import forms_dir

        folder = forms_dir() / "reference"
    refs = ReferenceSet()
    for file in sorted(Path(folder).glob("*.yaml")):
        try:
            data, node = read_yaml_with_lines(file)
            parsed = ReferenceFile.model_validate(plain_certainty_in(data))
        except DefinitionError as exc:
            refs.errors.append(exc)
            continue
        except ValidationError as exc:
            refs.errors.append(_explain_validation(file, node, exc))
            continue
        for name, table in parsed.tables.items():
            if name in refs.tables:
                refs.errors.append(DefinitionError(file, 0, f"参考值表 {name} 重复定义"))
                continue
            refs.tables[name] = table
    return refs


_DEFAULT: ReferenceSet | None = None


def default_references() -> ReferenceSet:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_references()
    return _DEFAULT


def as_table_rows(refs: ReferenceSet) -> list[dict[str, Any]]:
    """Flat listing for the CLI / docs."""
    rows = []
    for name, t in sorted(refs.tables.items()):
        for e in t.entries:
            rows.append(
                {
                    "table": name,
                    "label": t.label,
                    "unit": t.unit,
                    "key": e.key,
                    "years": e.years,
                    "value": str(e.value),
                    "source": e.source.cite(),
                    "certainty": e.source.certainty,
                }
            )
    return rows
