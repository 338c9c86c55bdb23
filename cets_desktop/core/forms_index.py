"""A small cached index of the definitions' meta data: what the first screens and ``forms`` need
without parsing YAML, building the meta-model or importing pydantic.

Loading every definition costs about a second (YAML, parts, the pydantic meta-model); listing the
forms, picking the template that governs a period or drawing the calendar cards needs a few fields
of each. The index holds those fields (id, title, filing type, sector, version, template year,
validity, certainty, the file) and the definition errors, in one JSON file in the user cache folder
(:func:`cets_desktop.paths.cache_dir`), one file per definitions folder.

The cache never gives a wrong answer: it is keyed by the definitions folder in use (the shipped one
or ``CETS_DESKTOP_FORMS_DIR``), every definition, part and reference file in it (relative name,
size, mtime_ns), the code that reads them and the app version, and it carries a checksum of its own
content. Anything that does not match — a changed file, a new or deleted file, a corrupt or foreign
cache — means a silent rebuild from the definitions themselves (:func:`.loader.load_forms`, the
same code that loads them for use). A file changed in the last two seconds is not trusted to a
cache (its mtime may not have ticked yet: the "racy git" problem): the index is then built but not
stored. An unwritable cache folder means working uncached, never an error.

The first start after an install has no cache yet. The frozen bundle therefore ships a
**prebuilt index** beside its definitions (:data:`PREBUILT_NAME`, written at build time by
:func:`write_prebuilt`, the same code as a rebuild). Installation may change every file's mtime
(NSIS, zip extraction) and the folder, so the prebuilt index is keyed by what survives it: the
index format, the app version, and every definition, part and reference file's relative name,
size and SHA-256. It is used only for the shipped folder (never for ``CETS_DESKTOP_FORMS_DIR``),
only when every one of those matches (a definition edited after the build → rebuilt), and only
when its own checksum holds (a corrupt file → ignored); what it gives is then stored in the user
cache under the usual size+mtime key, so later starts need not hash the files again.

This module imports only the standard library; the loader is imported on a rebuild only.
"""

from __future__ import annotations

import os
import time
import zlib
from pathlib import Path
from typing import Any

from .frozen_record import FrozenRecord, set_field
from .lean_stdlib import json_dumps_canonical, json_loads

FORMS_DIR_ENV = "CETS_DESKTOP_FORMS_DIR"
"""Environment variable: load definitions from this folder instead of the shipped ``forms/``
(the same as ``loader.FORMS_DIR_ENV``; this module imports the loader only to rebuild)."""

INDEX_FORMAT = 2
"""Bump when the stored layout or the meaning of a field changes."""

RACY_NS = 2_000_000_000
"""Files modified this recently (ns) are not trusted to a stored index (coarse mtime clocks; FAT: 2 s)."""

PREBUILT_NAME = "forms-index.prebuilt.json"
"""The prebuilt index's file name, in the shipped definitions folder of a frozen bundle."""

PREBUILT_FORMAT = 1
"""Bump when the prebuilt file's own layout changes (the content follows :data:`INDEX_FORMAT`)."""

MAX_CACHE_FILES = 32
"""Index files kept in the cache folder (one per definitions folder used; tests use many)."""

# The modules whose code decides what a definition's meta data is; a change to them (a developer's
# edit, an upgrade without a version bump) rebuilds the index.
_CODE_FILES = (
    "forms_index.py",
    "loader.py",
    "spec.py",
    "parts.py",
    "display.py",
    "reference.py",
    "definition_error.py",
)


def period_governed(valid_from: str | None, valid_to: str | None, period: str) -> bool:
    """True when ``valid_from ≤ period ≤ valid_to`` (open ends unbounded; ``2027`` and ``2027-03``
    compare on the shorter form): the rule of :func:`.loader.governs`, for index entries."""
    period = str(period)
    if valid_from and period[: len(valid_from)] < valid_from:
        return False
    if valid_to and period[: len(valid_to)] > valid_to:
        return False
    return True


class FormEntry(FrozenRecord):
    """One definition file's meta data (one form, one template year); equal and hashed by
    value, immutable."""

    __slots__ = (
        "form_id",
        "title",
        "kind",
        "sector",
        "version",
        "valid_from",
        "valid_to",
        "path",
        "sector_label",
        "template_year",
        "period_kind",
        "certainty",
        "certainty_text",
        "weakest_certainty",
        "code_prefix",
        "parts",
    )
    form_id: str
    title: str
    kind: str
    """Filing type: ``monthly`` / ``plan`` / ``supplementary``."""
    sector: str
    version: str
    valid_from: str | None
    valid_to: str | None
    path: str
    """The definition file (absolute)."""
    sector_label: str
    template_year: int
    period_kind: str
    certainty: str
    certainty_text: str
    """The form's certainty in the words an official reads (已核实, 据回忆，待核对原文 …)."""
    weakest_certainty: str
    code_prefix: str
    parts: tuple[str, ...]

    def __init__(
        self,
        form_id: str,
        title: str,
        kind: str,
        sector: str,
        version: str,
        valid_from: str | None,
        valid_to: str | None,
        path: str,
        sector_label: str = "",
        template_year: int = 0,
        period_kind: str = "month",
        certainty: str = "",
        certainty_text: str = "",
        weakest_certainty: str = "",
        code_prefix: str = "",
        parts: tuple[str, ...] = (),
    ) -> None:
        set_field(self, "form_id", form_id)
        set_field(self, "title", title)
        set_field(self, "kind", kind)
        set_field(self, "sector", sector)
        set_field(self, "version", version)
        set_field(self, "valid_from", valid_from)
        set_field(self, "valid_to", valid_to)
        set_field(self, "path", path)
        set_field(self, "sector_label", sector_label)
        set_field(self, "template_year", template_year)
        set_field(self, "period_kind", period_kind)
        set_field(self, "certainty", certainty)
        set_field(self, "certainty_text", certainty_text)
        set_field(self, "weakest_certainty", weakest_certainty)
        set_field(self, "code_prefix", code_prefix)
        set_field(self, "parts", parts)

    # The names a FormSpec reader uses, so cards and lists can take an entry where they took a spec.
    @property
    def id(self) -> str:
        return self.form_id

    @property
    def filing_type(self) -> str:
        return self.kind

    @property
    def file(self) -> str:
        return self.path

    def governs(self, period: str) -> bool:
        return period_governed(self.valid_from, self.valid_to, period)

    def period_label(self, period: str) -> str:
        """Same text as :meth:`.spec.FormSpec.period_label`."""
        if self.period_kind == "month" and len(period) == 7:
            return f"{period[:4]}年{int(period[5:]):d}月"
        return f"{period}年度"


class IndexedError(FrozenRecord):
    """A definition (or reference) file that could not be used: file, 1-based line (0 unknown), reason."""

    __slots__ = ("file", "line", "reason")
    file: str
    line: int
    reason: str

    def __init__(self, file: str, line: int, reason: str) -> None:
        set_field(self, "file", file)
        set_field(self, "line", line)
        set_field(self, "reason", reason)

    def __str__(self) -> str:
        # Same text as str(DefinitionError(file, line, reason)).
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}：{self.reason}"


class FormsIndex(FrozenRecord):
    """Every usable definition of a folder (in :meth:`.loader.FormRegistry.all` order) and the
    errors of the broken ones; the same answers as :class:`.loader.FormRegistry`. Equal by value,
    its fields not reassignable (``errors`` and ``reference_errors`` default to a new list each)."""

    __slots__ = ("folder", "entries", "errors", "reference_errors", "source")
    folder: str
    entries: list[FormEntry]
    errors: list[IndexedError]
    reference_errors: list[IndexedError]
    source: str
    """``cache`` (read from the stored index), ``prebuilt`` (the frozen bundle's index, its files
    checked by content), ``built`` (rebuilt and stored) or ``uncached`` (rebuilt, not stored:
    unwritable folder or files changed a moment ago)."""

    def __init__(
        self,
        folder: str,
        entries: list[FormEntry],
        errors: list[IndexedError] | None = None,
        reference_errors: list[IndexedError] | None = None,
        source: str = "built",
    ) -> None:
        set_field(self, "folder", folder)
        set_field(self, "entries", entries)
        set_field(self, "errors", [] if errors is None else errors)
        set_field(self, "reference_errors", [] if reference_errors is None else reference_errors)
        set_field(self, "source", source)

    def by_id(self, form_id: str) -> list[FormEntry]:
        """Every template of a form, oldest first (``FormRegistry.versions``)."""
        return sorted(
            (e for e in self.entries if e.form_id == form_id),
            key=lambda e: (e.valid_from or "", e.template_year, e.version),
        )

    versions = by_id

    def for_period(self, form_id: str, period: str) -> FormEntry | None:
        """The template in force for ``period`` (``FormRegistry.for_period``): among those that
        govern it, the one that starts latest; None before every template of the form."""
        matches = [e for e in self.entries if e.form_id == form_id and e.governs(period)]
        return max(matches, key=lambda e: (e.valid_from or "", e.template_year, e.version), default=None)

    def latest(self, form_id: str) -> FormEntry | None:
        """The newest template of a form (``FormRegistry.latest``)."""
        candidates = [e for e in self.entries if e.form_id == form_id]
        return max(candidates, key=lambda e: (e.template_year, e.version), default=None)

    def get(self, form_id: str, version: str | None = None) -> FormEntry | None:
        """``power-monthly``, ``power-monthly@2026.1`` or (id, version); a template year as the
        version picks that year's newest (``FormRegistry.get``)."""
        if version is None and "@" in form_id:
            form_id, version = form_id.split("@", 1)
        if not version:
            return self.latest(form_id)
        for e in self.entries:
            if e.form_id == form_id and e.version == version:
                return e
        by_year = [e for e in self.entries if e.form_id == form_id and str(e.template_year) == version]
        return max(by_year, key=lambda e: e.version, default=None)

    def all(self) -> list[FormEntry]:
        return list(self.entries)

    def ids(self) -> list[str]:
        return sorted({e.form_id for e in self.entries})

    def error_texts(self) -> list[str]:
        """Definition errors then reference-table errors, as ``forms`` prints them."""
        return [str(e) for e in self.errors + self.reference_errors]


# --------------------------------------------------------------------------------------------
# Where the definitions are, and what they are made of


def forms_folder() -> Path:
    """The definitions folder in use: ``CETS_DESKTOP_FORMS_DIR`` or the shipped ``forms/``."""
    override = os.environ.get(FORMS_DIR_ENV)
    if override:
        return Path(os.path.abspath(override))
    from ..paths import forms_dir

    return Path(os.path.abspath(forms_dir()))


def _reference_folder() -> Path:
    from ..paths import forms_dir

    return Path(os.path.abspath(forms_dir() / "reference"))


def _yaml_stats(folder: Path) -> list[list[Any]]:
    """(name, size, mtime_ns) of every ``*.yaml`` in ``folder`` (case-insensitive: a superset of
    what the loader's glob finds on any platform, so nothing it reads goes unnoticed)."""
    rows: list[list[Any]] = []
    try:
        with os.scandir(folder) as it:
            for item in it:
                if item.name.lower().endswith(".yaml"):
                    try:
                        st = item.stat()
                    except OSError:
                        rows.append([item.name, -1, -1])
                        continue
                    rows.append([item.name, st.st_size, st.st_mtime_ns])
    except OSError:
        return [["<unreadable>", -1, -1]]
    rows.sort()
    return rows


def _code_stats() -> list[list[Any]]:
    here = Path(__file__).resolve().parent
    rows: list[list[Any]] = []
    for name in _CODE_FILES:
        try:
            st = os.stat(here / name)
            rows.append([name, st.st_size, st.st_mtime_ns])
        except OSError:  # a frozen build keeps no sources: the app version is the key there
            rows.append([name, -1, -1])
    return rows


def _fingerprint(folder: Path) -> dict[str, Any]:
    from .. import __version__

    return {
        "format": INDEX_FORMAT,
        "app_version": __version__,
        "folder": str(folder),
        "forms": _yaml_stats(folder),
        "parts": _yaml_stats(folder / "parts"),
        "reference_folder": str(_reference_folder()),
        "reference": _yaml_stats(_reference_folder()),
        "code": _code_stats(),
    }


def _newest_mtime(fp: dict[str, Any]) -> int:
    # The data files only: a same-size edit within a tick matters there; the code's stamps only
    # say "the reader changed", and a developer editing it must not keep the index uncached.
    return max((row[2] for key in ("forms", "parts", "reference") for row in fp[key]), default=-1)


# --------------------------------------------------------------------------------------------
# Building (the slow path: the loader itself)


def _build(folder: Path) -> tuple[dict[str, Any], list[Any]]:
    """The index content from the definitions themselves (same code the app loads them with),
    and the loaded specs (so that the process that rebuilt the index need not load them again)."""
    from .loader import load_forms
    from .reference import load_references
    from .spec import CERTAINTY_LABELS

    registry = load_forms(folder, bind=False)
    entries = []
    for spec in registry.all():
        entries.append(
            {
                "form_id": spec.id,
                "title": spec.title,
                "kind": spec.filing_type,
                "sector": spec.sector,
                "version": spec.version,
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
                "path": os.path.relpath(os.path.abspath(spec.file), folder),
                "sector_label": spec.sector_label,
                "template_year": spec.template_year,
                "period_kind": spec.period_kind,
                "certainty": spec.certainty,
                "certainty_text": CERTAINTY_LABELS.get(spec.certainty, "把握程度未注明"),
                "weakest_certainty": spec.weakest_certainty(),
                "code_prefix": spec.code_prefix,
                "parts": list(spec.parts),
            }
        )
    references = load_references(_reference_folder())
    content = {
        "entries": entries,
        "errors": [[e.file, e.line, e.reason] for e in registry.errors],
        "reference_errors": [[e.file, e.line, e.reason] for e in references.errors],
    }
    return content, registry.all()


def _checksum(fingerprint: dict[str, Any], content: dict[str, Any]) -> str:
    # Against a torn write or a stray edit, not an attacker (who could rewrite the definitions
    # themselves); CRC-32 and the length keep hashlib (OpenSSL) out of the start-up.
    text = json_dumps_canonical([fingerprint, content])
    data = text.encode("utf-8")
    return f"crc32:{zlib.crc32(data):08x}:{len(data)}"


def _materialize(folder: Path, content: dict[str, Any], source: str) -> FormsIndex:
    """Typed index from stored content; TypeError/ValueError/KeyError on anything malformed."""
    entries = []
    for row in content["entries"]:
        if not isinstance(row, dict):
            raise TypeError("entry is not a mapping")
        values = dict(row)
        values["path"] = str(folder / values["path"])
        values["parts"] = tuple(values.get("parts") or ())
        entry = FormEntry(**values)
        for name in ("form_id", "title", "kind", "sector", "version", "path"):
            if not isinstance(getattr(entry, name), str):
                raise TypeError(f"{name} is not text")
        if not isinstance(entry.template_year, int):
            raise TypeError("template_year is not a number")
        entries.append(entry)

    def errors(rows: list[Any]) -> list[IndexedError]:
        return [IndexedError(str(f), int(line), str(reason)) for f, line, reason in rows]

    return FormsIndex(
        folder=str(folder),
        entries=entries,
        errors=errors(content["errors"]),
        reference_errors=errors(content["reference_errors"]),
        source=source,
    )


def index_file(folder: Path) -> Path:
    """Where the index of ``folder`` is stored (one file per definitions folder)."""
    from ..paths import cache_dir

    # A clash of two folders' names only makes them evict each other: the file says its folder.
    name = str(folder).encode("utf-8")
    return cache_dir() / "forms-index" / f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}.json"


def _read_stored(path: Path, fingerprint: dict[str, Any]) -> dict[str, Any] | None:
    """The stored content when it is whole and made from exactly these files; else None."""
    try:
        stored = json_loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("fingerprint") != fingerprint:
        return None
    content = stored.get("content")
    if not isinstance(content, dict) or stored.get("checksum") != _checksum(fingerprint, content):
        return None
    return content


def _store(path: Path, fingerprint: dict[str, Any], content: dict[str, Any]) -> bool:
    """Write the index atomically (temp file + rename); False when the folder is unwritable."""
    from ..paths import write_cache_file

    data = {"fingerprint": fingerprint, "content": content, "checksum": _checksum(fingerprint, content)}
    import json  # writing happens on a cache miss only

    if not write_cache_file(path, json.dumps(data, ensure_ascii=False)):
        return False
    _prune(path.parent, keep=path)
    return True


def _prune(folder: Path, keep: Path) -> None:
    """Keep the cache folder small: drop the least recently written index files beyond the limit."""
    try:
        files = [p for p in folder.glob("*.json") if p != keep]
        if len(files) < MAX_CACHE_FILES:
            return
        files.sort(key=lambda p: p.stat().st_mtime_ns)
        for old in files[: len(files) - MAX_CACHE_FILES + 1]:
            old.unlink()
    except OSError:
        pass


# --------------------------------------------------------------------------------------------
# The prebuilt index of a frozen bundle (first start after an install)


def _content_rows(folder: Path, stats: list[list[Any]]) -> list[list[Any]] | None:
    """(name, size, sha256) of the files ``stats`` lists; None when one cannot be read."""
    import hashlib

    rows: list[list[Any]] = []
    for name, _size, _mtime in stats:
        try:
            data = (folder / name).read_bytes()
        except OSError:
            return None
        # The size read now, not the stat's: a file changed in between cannot pass for the old one.
        rows.append([name, len(data), hashlib.sha256(data).hexdigest()])
    return rows


def _prebuilt_key(folder: Path, fp: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """What the prebuilt index of ``folder`` is keyed by (nothing installation changes); None
    when a file cannot be read. ``fp``: the folder's :func:`_fingerprint`, to list the files."""
    from .. import __version__

    fp = fp if fp is not None else _fingerprint(folder)
    reference = _reference_folder()
    key: dict[str, Any] = {"format": INDEX_FORMAT, "app_version": __version__}
    for name, where in (("forms", folder), ("parts", folder / "parts"), ("reference", reference)):
        rows = _content_rows(where, fp[name])
        if rows is None:
            return None
        key[name] = rows
    return key


def _relative_errors(rows: list[list[Any]], folder: Path) -> list[list[Any]]:
    """Error rows with files inside ``folder`` named relative to it (the build machine's path
    means nothing after installation); :func:`_rooted_errors` puts them back."""
    out = []
    for file, line, reason in rows:
        absolute = os.path.abspath(file)
        try:
            inside = os.path.commonpath([absolute, str(folder)]) == str(folder)
        except ValueError:  # another drive (Windows)
            inside = False
        out.append([os.path.relpath(absolute, folder) if inside else file, line, reason])
    return out


def _rooted_errors(rows: Any, folder: Path) -> list[list[Any]]:
    return [[str(folder / f) if not os.path.isabs(f) else f, line, r] for f, line, r in rows]


def write_prebuilt(target: str | Path, folder: str | Path | None = None) -> Path:
    """Write the prebuilt index of ``folder`` (default: the shipped definitions) to ``target``,
    from the definitions themselves (the rebuild's code). Build-time use (the PyInstaller spec)."""
    folder = Path(os.path.abspath(folder)) if folder is not None else forms_folder()
    before = _fingerprint(folder)
    key = _prebuilt_key(folder, before)
    content, _specs = _build(folder)
    if key is None or _fingerprint(folder) != before or _prebuilt_key(folder) != key:
        raise RuntimeError(f"definitions in {folder} changed or unreadable while indexing them")
    content = dict(content)
    content["errors"] = _relative_errors(content["errors"], folder)
    content["reference_errors"] = _relative_errors(content["reference_errors"], folder)
    data = {
        "prebuilt": PREBUILT_FORMAT,
        "key": key,
        "content": content,
        "checksum": _checksum(key, content),
    }
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    import json

    tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, target)
    return target


def prebuilt_file(folder: Path) -> Path | None:
    """The prebuilt index to consult for ``folder``: the bundle's, for the shipped folder only
    (a user's own ``CETS_DESKTOP_FORMS_DIR`` uses the cache alone); None elsewhere."""
    if os.environ.get(FORMS_DIR_ENV):
        return None
    from ..paths import forms_dir

    shipped = Path(os.path.abspath(forms_dir()))
    return shipped / PREBUILT_NAME if folder == shipped else None


def _read_prebuilt(path: Path, folder: Path, fp: dict[str, Any]) -> dict[str, Any] | None:
    """The prebuilt content when the file is whole and the folder's files are exactly the ones it
    was built from (same names and sizes, then same SHA-256); else None."""
    try:
        stored = json_loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("prebuilt") != PREBUILT_FORMAT:
        return None
    key, content = stored.get("key"), stored.get("content")
    if not isinstance(key, dict) or not isinstance(content, dict):
        return None
    if stored.get("checksum") != _checksum(key, content):
        return None
    from .. import __version__

    if key.get("format") != INDEX_FORMAT or key.get("app_version") != __version__:
        return None
    # Cheap refusal first (a file added, removed or resized), then the contents themselves.
    for name in ("forms", "parts", "reference"):
        rows = key.get(name)
        if not isinstance(rows, list) or [r[:2] for r in rows if isinstance(r, list)] != [
            [n, size] for n, size, _m in fp[name]
        ]:
            return None
    if _prebuilt_key(folder, fp) != key:
        return None
    out = dict(content)
    try:
        out["errors"] = _rooted_errors(content["errors"], folder)
        out["reference_errors"] = _rooted_errors(content["reference_errors"], folder)
    except (TypeError, ValueError, KeyError):
        return None
    return out


def load_index(folder: str | Path | None = None, *, prebuilt: Path | None | bool = True) -> FormsIndex:
    """The index of ``folder`` (default :func:`forms_folder`): from the cache when it matches the
    files exactly, else from the bundle's prebuilt index when that matches them (and then stored
    in the cache), else rebuilt (and stored when possible). Never raises for the cache's sake.

    ``prebuilt``: True looks for the bundle's (:func:`prebuilt_file`), False never, a path uses
    that file (tests)."""
    folder = Path(os.path.abspath(folder)) if folder is not None else forms_folder()
    before = _fingerprint(folder)
    try:
        path: Path | None = index_file(folder)
    except Exception:  # noqa: BLE001 - no cache folder at all (no home directory): work uncached
        path = None
    if path is not None:
        content = _read_stored(path, before)
        if content is not None:
            try:
                return _materialize(folder, content, "cache")
            except (TypeError, ValueError, KeyError, AttributeError):
                pass  # a stored index from a bug or a foreign writer: rebuild
    shipped = prebuilt_file(folder) if prebuilt is True else (prebuilt or None)
    if shipped is not None:
        started_ns = time.time_ns()
        content = _read_prebuilt(Path(shipped), folder, before)
        if content is not None:
            try:
                index = _materialize(folder, content, "prebuilt")
            except (TypeError, ValueError, KeyError, AttributeError):
                index = None  # a prebuilt file from a bug: rebuild
            if index is not None:
                if path is not None and _fingerprint(folder) == before:
                    if _newest_mtime(before) < started_ns - RACY_NS:
                        _store(path, before, content)
                return index
    started_ns = time.time_ns()
    content, specs = _build(folder)
    after = _fingerprint(folder)
    source = "uncached"
    # Store only what was built from files that stood still during the build and are not so
    # fresh that a same-size edit within the clock's tick could go unseen.
    if after == before:
        _share_loaded(folder, before, specs, started_ns)
        if path is not None and _newest_mtime(before) < started_ns - RACY_NS:
            if _store(path, before, content):
                source = "built"
    return _materialize(folder, content, source)


def _share_loaded(folder: Path, fingerprint: dict[str, Any], specs: list[Any], started_ns: int) -> None:
    """Hand the specs the rebuild loaded to the loader's per-file cache (files that stood still)."""
    from .loader import remember_loaded

    stamps = {name: (size, mtime) for name, size, mtime in fingerprint["forms"]}
    for spec in specs:
        stamp = stamps.get(Path(spec.file).name)
        if stamp is not None and stamp[1] < started_ns - RACY_NS:
            remember_loaded(spec, stamp)


_MEMO: dict[str, FormsIndex] = {}
_DEFAULT_KEY: tuple[str | None, str] | None = None
"""(``CETS_DESKTOP_FORMS_DIR`` as it was, the folder it gave): the default folder's memo key,
made once rather than on every question (a year of cards asks for definitions many times)."""


def _default_key() -> str:
    global _DEFAULT_KEY
    override = os.environ.get(FORMS_DIR_ENV)
    kept = _DEFAULT_KEY
    # A relative override is relative to the working folder, which may change: made each time.
    if kept is not None and kept[0] == override and (not override or os.path.isabs(override)):
        return kept[1]
    key = str(forms_folder())
    _DEFAULT_KEY = (override, key)
    return key


def forms_index(folder: str | Path | None = None, *, refresh: bool = False) -> FormsIndex:
    """The index of the definitions in use, once per process per folder (like the registry);
    ``refresh=True`` checks the files again."""
    key = str(Path(os.path.abspath(folder))) if folder is not None else _default_key()
    found = _MEMO.get(key)
    if found is None or refresh:
        found = _MEMO[key] = load_index(key)
    return found


def forget() -> None:
    """Drop the per-process memo (tests that change the definitions in the same process)."""
    _MEMO.clear()
