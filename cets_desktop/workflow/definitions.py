"""Which definition applies: the one place that decides it, for the CLI, the window, the status
cards, imports and exports alike.

A filing names its form and the version it was made with. That version is used while it governs
the filing's period; otherwise the template in force for the period is (``FormRegistry.for_period``).
A period before every template of a form is refused, never computed with another year's factors
under this year's labels.

The choice is made on the forms index (``core.forms_index``: meta data only, no YAML, no pydantic)
and only the chosen file is loaded; once the whole registry is loaded, it answers instead. Both
give the same answers (tests/speed_index). The ``entry_*`` / ``entries_*`` functions answer with
index entries alone, for screens that show forms before any is opened (cards, lists).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import InputError

if TYPE_CHECKING:
    from ..core.document import FilingDocument
    from ..core.forms_index import FormsIndex
    from ..core.loader import FormRegistry
    from ..core.spec import FormSpec

T = TypeVar("T")


class _StaleIndex(Exception):
    """A file changed since the index was made: ask the full registry instead."""


def registry() -> FormRegistry:
    """The shipped definitions (loaded once per process; expressions compiled on first use)."""
    from ..core.loader import default_registry

    return default_registry(bind=False)


def index() -> FormsIndex:
    """The forms index of the definitions in use (once per process)."""
    from ..core.forms_index import forms_index

    return forms_index()


def _catalog() -> Any:
    """The loaded registry when there is one (same objects, no file checks), else the index."""
    # Looked up without importing the loader (pydantic, YAML): never imported, never loaded.
    loader = sys.modules.get("cets_desktop.core.loader")
    loaded = getattr(loader, "_DEFAULT_REGISTRY", None)
    return loaded if loaded is not None else index()


def _spec(meta: Any) -> FormSpec:
    """The definition behind a catalogue item: a FormSpec itself, an index entry's file loaded."""
    from ..core.forms_index import FormEntry

    if not isinstance(meta, FormEntry):
        return meta  # type: ignore[no-any-return]
    from ..core.loader import indexed_form

    spec = indexed_form(meta)
    if spec is None:
        raise _StaleIndex(meta.path)
    return spec


def _answer(question: Callable[[Any], T], reg: FormRegistry | None) -> T:
    """``question`` asked of ``reg``, else of the index (the full registry if a file changed)."""
    if reg is not None:
        return question(reg)
    try:
        return question(_catalog())
    except _StaleIndex:
        return question(registry())


def known_forms(reg: FormRegistry | None = None) -> str:
    return _answer(lambda cat: _known(cat), reg)


def _known(cat: Any) -> str:
    return "、".join(sorted({s.id for s in cat.all()}))


def _no_such_form(cat: Any, form_id: str) -> InputError:
    return InputError(f"没有表单「{form_id}」；可用：{_known(cat)}（用 cets-desktop forms 查看）")


def latest_definition(form_id: str, reg: FormRegistry | None = None) -> FormSpec:
    """The newest template of a form (``schema``, ``template`` without a period)."""

    def question(cat: Any) -> FormSpec:
        meta = cat.latest(form_id)
        if meta is None:
            raise _no_such_form(cat, form_id)
        return _spec(meta)

    return _answer(question, reg)


def governs(spec: Any, period: str) -> bool:
    """True when ``spec``'s validity covers ``period`` (open ends are unbounded)."""
    return (not spec.valid_from or spec.valid_from <= period) and (
        not spec.valid_to or period <= spec.valid_to
    )


def entry_for(form_id: str, period: str, reg: FormRegistry | None = None) -> Any:
    """The template in force for ``period`` (an index entry or a spec: id, title, version …);
    InputError when there is none. :func:`definition_for` without loading the definition."""
    return _answer(lambda cat: _meta_for(cat, form_id, period), reg)


def _meta_for(cat: Any, form_id: str, period: str) -> Any:
    meta = cat.for_period(form_id, period)
    if meta is not None and not governs(meta, period):
        meta = None
    if meta is None:
        versions = cat.versions(form_id)
        if not versions:
            raise _no_such_form(cat, form_id)
        first = min(versions, key=lambda s: s.valid_from or "")
        spans = "；".join(
            f"{s.template_year} 年模板适用于 {_span(s)}"
            for s in sorted(versions, key=lambda s: s.valid_from or "")
        )
        raise InputError(
            f"「{first.title}」没有适用于 {first.period_label(period)} 的模板（{spans}）；"
            "不能用其他年度的模板和参数计算，请检查期间"
        )
    return meta


def definition_for(form_id: str, period: str, reg: FormRegistry | None = None) -> FormSpec:
    """The template in force for ``period`` of ``form_id``; InputError when there is none."""
    return _answer(lambda cat: _spec(_meta_for(cat, form_id, period)), reg)


def _span(spec: Any) -> str:
    start = spec.valid_from or "最早"
    return f"{start} 起" if not spec.valid_to else f"{start} 至 {spec.valid_to}"


def definition_of(document: FilingDocument, reg: FormRegistry | None = None) -> FormSpec:
    """The definition for a filing document: its own version while that governs its period."""

    def question(cat: Any) -> FormSpec:
        own = cat.get(document.form, document.form_version) if document.form_version else None
        if own is not None and governs(own, document.period):
            return _spec(own)
        latest = cat.latest(document.form)
        if latest is None:
            raise InputError(
                f"不认识的表单「{document.form}」（版本 {document.form_version}）；可用表单：{_known(cat)}"
            )
        if document.form_version and own is None:
            # An unknown version (a newer program, a typo) is not silently computed with another template.
            versions = "、".join(sorted({s.version for s in cat.versions(document.form)}))
            raise InputError(
                f"「{latest.title}」没有版本「{document.form_version[:40]}」；本程序支持的版本：{versions}。"
                "如文件来自更新版本的程序，请升级程序；否则请把 form_version 改为所用模板的版本"
            )
        return _spec(_meta_for(cat, document.form, document.period))

    return _answer(question, reg)


def _meta_of_record(cat: Any, form_id: str, form_version: str | None, period: str) -> Any:
    own = cat.get(form_id, form_version) if form_version else None
    if own is not None and governs(own, period):
        return own
    meta = cat.for_period(form_id, period)
    return meta if meta is not None and governs(meta, period) else None


def entry_of_record(
    form_id: str, form_version: str | None, period: str, reg: FormRegistry | None = None
) -> Any:
    """:func:`definition_of_record` as an index entry (or spec), without loading the definition."""
    return _answer(lambda cat: _meta_of_record(cat, form_id, form_version, period), reg)


def definition_of_record(
    form_id: str, form_version: str | None, period: str, reg: FormRegistry | None = None
) -> FormSpec | None:
    """Same rule for a workspace filing row; None instead of an error (cards, navigator)."""

    def question(cat: Any) -> FormSpec | None:
        meta = _meta_of_record(cat, form_id, form_version, period)
        return _spec(meta) if meta is not None else None

    return _answer(question, reg)


def _latest_for_sectors(cat: Any, sectors: set[str] | list[str], filing_type: str | None) -> list[Any]:
    wanted = set(sectors)
    latest: dict[str, Any] = {}
    for spec in cat.all():
        if filing_type and spec.filing_type != filing_type:
            continue
        if wanted and spec.sector not in wanted:
            continue
        current = latest.get(spec.id)
        if current is None or spec.template_year > current.template_year:
            latest[spec.id] = spec
    return sorted(latest.values(), key=lambda s: (s.filing_type != "monthly", s.title))


def entries_for_sectors(
    sectors: set[str] | list[str], filing_type: str | None = None, reg: FormRegistry | None = None
) -> list[Any]:
    """:func:`forms_for_sectors` as index entries (or specs), without loading the definitions."""
    return _answer(lambda cat: _latest_for_sectors(cat, sectors, filing_type), reg)


def forms_for_sectors(
    sectors: set[str] | list[str], filing_type: str | None = None, reg: FormRegistry | None = None
) -> list[FormSpec]:
    """The latest definition of each form for the given sectors (every form when none are set)."""
    return _answer(lambda cat: [_spec(m) for m in _latest_for_sectors(cat, sectors, filing_type)], reg)


ETS_SECTORS = ("power", "steel", "cement", "aluminium")
"""Sectors in the national ETS: monthly certification and a data quality control plan."""


def _for_enterprise(cat: Any, sectors: list[str], industry_code: str, filing_type: str | None) -> list[Any]:
    from ..core.applicability import assess

    found = assess(industry_code, None) if industry_code else None
    # Sectors the user ticked win; otherwise those the industry code implies (4411 → 发电).
    chosen = set(sectors) or set(found.sectors if found else [])
    tables = {t["form"] for t in found.tables} if found else set()
    table_sectors = {s.sector for s in cat.all() if s.id in tables}
    wanted: list[Any] = []
    for spec in _latest_for_sectors(cat, set(), filing_type):
        if spec.sector in ETS_SECTORS:
            if spec.sector in chosen:
                wanted.append(spec)
        elif spec.id in tables or (spec.sector in chosen and spec.sector not in table_sectors):
            wanted.append(spec)
    return wanted


def entries_for_enterprise(
    sectors: list[str],
    industry_code: str = "",
    filing_type: str | None = None,
    reg: FormRegistry | None = None,
) -> list[Any]:
    """:func:`forms_for_enterprise` as index entries (or specs), without loading the definitions."""
    return _answer(lambda cat: _for_enterprise(cat, sectors, industry_code, filing_type), reg)


def forms_for_enterprise(
    sectors: list[str],
    industry_code: str = "",
    filing_type: str | None = None,
    reg: FormRegistry | None = None,
) -> list[FormSpec]:
    """The forms an enterprise files: its ETS sectors' months and plans, and the Appendix 5 tables
    its industry code calls for (Appendix 4 lineage, ``core.applicability``); a chosen non-ETS
    sector without a code that names a table gets every table of that sector. Nothing when
    neither sector nor code is known: never another sector's forms."""
    return _answer(
        lambda cat: [_spec(m) for m in _for_enterprise(cat, sectors, industry_code, filing_type)], reg
    )
