"""A first look at a workspace, for the window's cold start: what the first screen shows
(navigator, the year's cards with their last known status), read straight from SQLite.

Opening the workspace properly (:class:`.desk.Desk`) loads the store, the definitions, pydantic
and, on the first evaluation, the rules engine: about a second. The first screen needs none of
that: enterprises, filings, which forms an enterprise files (the forms index,
``core.forms_index``), due dates and the status each filing revision had when it was last
evaluated (``status.KNOWN_STATUS_SETTING``). :func:`glance` reads those in one read-only query
pass and closes the file again; the window paints from it and opens the desk right after the first
paint, then evaluates the cards (bench/bench_gui_start.py).

A glance never writes and never decides anything the desk decides differently: the forms an
enterprise files follow :func:`.definitions.forms_for_enterprise` (tests/speed_start check that
both agree), and every card is evaluated again through the desk once it is open. When anything
cannot be read this quickly (no such file, not a workspace, locked, an older schema) it returns
None and the window opens the desk before painting, exactly as before.

Imports: the standard library, ``core.forms_index`` and ``core.deadlines``; ``core.applicability``
only when an industry code's answer is not in the user cache yet (:func:`industry_forms`);
neither the store, nor pydantic, nor YAML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.lean_stdlib import SqliteError, connect, json_loads
from .status import KNOWN_STATUS_SETTING, StatusCache

APPLICATION_ID = 0x43455453
"""``store.schema.APPLICATION_ID`` ("CETS"): anything else is not a workspace."""

ETS_SECTORS = ("power", "steel", "cement", "aluminium")
"""``definitions.ETS_SECTORS``: sectors with monthly certification and a data quality control plan."""


class GlanceEnterprise:
    """The fields of ``store.records.Enterprise`` the first screen reads (same names)."""

    __slots__ = (
        "id",
        "name",
        "uscc",
        "industry_code",
        "province",
        "city",
        "sectors",
        "settings",
        "created_at",
        "updated_at",
    )

    def __init__(self, row: tuple[Any, ...]) -> None:
        (self.id, self.name, self.uscc, self.industry_code, self.province, self.city) = row[:6]
        self.sectors: list[str] = json_loads(row[6]) if row[6] else []
        self.settings: dict[str, Any] = json_loads(row[7]) if row[7] else {}
        self.created_at, self.updated_at = row[8], row[9]


class GlanceFiling:
    """The fields of ``store.records.Filing`` (same names)."""

    __slots__ = (
        "id",
        "enterprise_id",
        "form_id",
        "form_version",
        "period",
        "state",
        "current_revision",
        "created_at",
        "updated_at",
    )

    def __init__(self, row: tuple[Any, ...]) -> None:
        (
            self.id,
            self.enterprise_id,
            self.form_id,
            self.form_version,
            self.period,
            self.state,
            self.current_revision,
            self.created_at,
            self.updated_at,
        ) = row


class GlanceStatus(StatusCache):
    """Cards from the glance: definitions from the forms index; never evaluated here."""

    desk: WorkspaceGlance

    def spec_for(self, filing: Any) -> Any:
        """``definitions.definition_of_record`` on the index: the filing's own version while it
        governs the period, else the template in force."""
        index = self.desk.index
        own = index.get(filing.form_id, filing.form_version) if filing.form_version else None
        if own is not None and own.governs(filing.period):
            return own
        found = index.for_period(filing.form_id, filing.period)
        return found if found is not None and found.governs(filing.period) else None

    def _period_spec(self, spec: Any, period: str) -> Any:
        found = self.desk.index.for_period(spec.id, period)
        return found if found is not None and found.governs(period) else None

    def remember(self) -> bool:
        return False

    def _record_spec(self, filing: Any, own: dict[tuple[str, str], Any]) -> Any:
        """``StatusCache._record_spec`` with the index entry's own ``governs`` (the same test as
        ``definitions.governs``), so the first paint does not import the definitions module."""
        key = (filing.form_id, filing.form_version)
        spec = own.get(key)
        if spec is not None and spec.governs(filing.period):
            return spec
        spec = self.spec_for(filing)
        if spec is not None and (spec.id, spec.version) == key:
            own[key] = spec
        return spec


class WorkspaceGlance:
    """What the first screen reads of a workspace, the names :class:`.desk.Desk` gives them."""

    read_only = True
    location_notes: list[str] = []

    def __init__(
        self,
        path: Path,
        enterprises: list[GlanceEnterprise],
        filings: list[GlanceFiling],
        drafts: set[int],
        settings: dict[str, Any],
    ) -> None:
        from ..core.forms_index import forms_index

        self.path = path
        self._enterprises = enterprises
        self._filings = filings
        self._drafts = drafts
        self._settings = settings
        self.index = forms_index()
        self.status = GlanceStatus(self)

    @property
    def is_sandbox(self) -> bool:
        return bool(self._settings.get("sandbox"))

    def get_setting(self, key: str, default: Any = None) -> Any:
        return self._settings.get(key, default)

    def list_enterprises(self) -> list[Any]:
        return list(self._enterprises)

    def get_enterprise(self, key: int | str) -> Any:
        if isinstance(key, str):
            return next((e for e in self._enterprises if e.uscc == key.strip().upper()), None)
        return next((e for e in self._enterprises if e.id == key), None)

    def list_filings(
        self, enterprise_id: int | None = None, year: int | str | None = None, form_id: str | None = None
    ) -> list[Any]:
        prefix = f"{int(year):04d}" if year is not None else None
        return [
            f
            for f in self._filings
            if (enterprise_id is None or f.enterprise_id == enterprise_id)
            and (prefix is None or f.period[:4] == prefix)
            and (form_id is None or f.form_id == form_id)
        ]

    def get_filing(self, filing_id: int) -> Any:
        return next((f for f in self._filings if f.id == filing_id), None)

    def find_filing(self, enterprise_id: int, form_id: str, period: str) -> Any:
        return next(
            (
                f
                for f in self._filings
                if f.enterprise_id == enterprise_id and f.form_id == form_id and f.period == period
            ),
            None,
        )

    def has_draft(self, filing_id: int) -> bool:
        return filing_id in self._drafts

    def definition(self, filing: Any) -> Any:
        return self.status.spec_for(filing)

    def evaluate(self, filing_id: int) -> Any:
        raise RuntimeError("a glance does not evaluate: open the workspace (Desk) first")

    def forms_for(self, enterprise: Any, filing_type: str | None = None) -> list[Any]:
        """``definitions.forms_for_enterprise`` on the forms index (same rule, same order)."""
        return forms_for_enterprise(
            self.index.all(), list(enterprise.sectors), enterprise.industry_code, filing_type
        )


def forms_for_enterprise(
    entries: list[Any], sectors: list[str], industry_code: str = "", filing_type: str | None = None
) -> list[Any]:
    """The forms an enterprise files, from index entries: its ETS sectors' months and plans, and
    the Appendix 5 tables its industry code calls for (see ``definitions.forms_for_enterprise``)."""
    found_sectors, tables = industry_forms(industry_code) if industry_code else ([], set())
    chosen = set(sectors) or set(found_sectors)
    table_sectors = {e.sector for e in entries if e.form_id in tables}
    latest: dict[str, Any] = {}
    for entry in entries:
        if filing_type and entry.filing_type != filing_type:
            continue
        current = latest.get(entry.form_id)
        if current is None or entry.template_year > current.template_year:
            latest[entry.form_id] = entry
    wanted = []
    for entry in sorted(latest.values(), key=lambda e: (e.filing_type != "monthly", e.title)):
        if entry.sector in ETS_SECTORS:
            if entry.sector in chosen:
                wanted.append(entry)
        elif entry.form_id in tables or (entry.sector in chosen and entry.sector not in table_sectors):
            wanted.append(entry)
    return wanted


_industry_memo: dict[str, tuple[list[str], set[str]]] = {}
INDUSTRY_CACHE = "industry-forms.json"


def industry_forms(industry_code: str) -> tuple[list[str], set[str]]:
    """``core.applicability.assess(industry_code, None)``'s sectors and Appendix 5 forms.

    Kept in the user cache folder (``paths.cache_dir``), keyed by the app version and the size and
    modification time of ``core/applicability.py``: the first paint then needs neither that
    module nor ``decimal`` (≈ 6–10 ms of the cold start, bench/bench_gui_start.py). A missing,
    stale or unreadable cache means asking ``assess`` and writing the answer back."""
    known = _industry_memo.get(industry_code)
    if known is not None:
        return known
    key, path = _industry_cache()
    stored: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = json_loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and loaded.get("key") == key:
                stored = loaded
        except (OSError, ValueError):
            pass
    found_codes = stored.get("codes")
    codes: dict[str, Any] = found_codes if isinstance(found_codes, dict) else {}
    entry = codes.get(industry_code)
    if (
        isinstance(entry, dict)
        and isinstance(entry.get("sectors"), list)
        and isinstance(entry.get("tables"), list)
    ):
        answer = ([str(x) for x in entry["sectors"]], {str(x) for x in entry["tables"]})
    else:
        from ..core.applicability import assess

        found = assess(industry_code, None)
        answer = (list(found.sectors), {t["form"] for t in found.tables})
        codes = {**codes, industry_code: {"sectors": answer[0], "tables": sorted(answer[1])}}
        if path is not None:
            import json

            from ..paths import write_cache_file

            write_cache_file(path, json.dumps({"key": key, "codes": codes}, ensure_ascii=False))
    _industry_memo[industry_code] = answer
    return answer


def _industry_cache() -> tuple[str, Path | None]:
    """The cache's key (what the answers depend on) and file (None without a cache folder)."""
    from .. import __version__
    from ..paths import cache_dir

    source = Path(__file__).resolve().parent.parent / "core" / "applicability.py"
    try:
        stat = source.stat()
        key = f"{__version__}:{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        key = __version__  # a frozen bundle: the code changes only with the version
    try:
        return key, cache_dir() / INDUSTRY_CACHE
    except (OSError, RuntimeError):
        return key, None


_ENTERPRISES = "SELECT id, name, uscc, industry_code, province, city, sectors, settings, created_at, updated_at FROM enterprises ORDER BY id"
_FILINGS = (
    "SELECT id, enterprise_id, form_id, form_version, period, state, current_revision, created_at,"
    " updated_at FROM filings ORDER BY enterprise_id, period, form_id, id"
)
# A draft counts when it differs from the current revision (``Workspace.recover_draft``).
_DRAFTS = (
    "SELECT d.filing_id FROM drafts d JOIN filings f ON f.id = d.filing_id"
    " JOIN revisions r ON r.filing_id = f.id AND r.number = f.current_revision"
    " WHERE d.document != r.document"
)
_SETTINGS = "SELECT key, value FROM settings WHERE key IN (?, ?)"


def default_workspace_path() -> Path:
    """``store.default_workspace_path()`` without importing the store (tests/speed_start check
    that both agree): %LOCALAPPDATA%\\cets-desktop\\workspace.cetsdb on Windows."""
    import platformdirs

    from .. import APP_NAME

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "workspace.cetsdb"


def glance(path: Path | str | None) -> WorkspaceGlance | None:
    """The first screen's view of the workspace at ``path``; None when it cannot be read quickly
    (the caller then opens the desk as usual, which says what is wrong)."""
    if path is None:
        return None
    target = Path(path)
    if not target.is_file():
        return None
    try:
        # file:///C:/… on Windows, file:///home/… elsewhere; non-ASCII names percent-encoded.
        conn = connect(f"{target.absolute().as_uri()}?mode=ro", uri=True, timeout=0.2)
    except SqliteError:
        return None
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return None
        enterprises = [GlanceEnterprise(row) for row in conn.execute(_ENTERPRISES)]
        filings = [GlanceFiling(row) for row in conn.execute(_FILINGS)]
        drafts = {int(row[0]) for row in conn.execute(_DRAFTS)}
        settings = {
            str(key): json_loads(value)
            for key, value in conn.execute(_SETTINGS, ("sandbox", KNOWN_STATUS_SETTING))
        }
        from ..core.forms_index import forms_index

        forms_index()  # a broken definitions folder: the desk reports it
    except (SqliteError, ValueError, TypeError, OSError):
        return None
    finally:
        conn.close()
    return WorkspaceGlance(target, enterprises, filings, drafts, settings)
