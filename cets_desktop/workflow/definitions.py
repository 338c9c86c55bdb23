"""Which definition applies: the one place that decides it, for the CLI, the window, the status
cards, imports and exports alike.

A filing names its form and the version it was made with. That version is used while it governs
the filing's period; otherwise the template in force for the period is (``FormRegistry.for_period``).
A period before every template of a form is refused, never computed with another year's factors
under this year's labels.
"""

from __future__ import annotations

from ..core.document import FilingDocument
from ..core.loader import FormRegistry, default_registry
from ..core.spec import FormSpec
from .errors import InputError


def registry() -> FormRegistry:
    """The shipped definitions (loaded once per process; expressions compiled on first use)."""
    return default_registry(bind=False)


def known_forms(reg: FormRegistry | None = None) -> str:
    reg = reg or registry()
    return "、".join(sorted({s.id for s in reg.all()}))


def latest_definition(form_id: str, reg: FormRegistry | None = None) -> FormSpec:
    """The newest template of a form (``schema``, ``template`` without a period)."""
    reg = reg or registry()
    spec = reg.latest(form_id)
    if spec is None:
        raise InputError(f"没有表单「{form_id}」；可用：{known_forms(reg)}（用 cets-desktop forms 查看）")
    return spec


def governs(spec: FormSpec, period: str) -> bool:
    """True when ``spec``'s validity covers ``period`` (open ends are unbounded)."""
    return (not spec.valid_from or spec.valid_from <= period) and (
        not spec.valid_to or period <= spec.valid_to
    )


def definition_for(form_id: str, period: str, reg: FormRegistry | None = None) -> FormSpec:
    """The template in force for ``period`` of ``form_id``; InputError when there is none."""
    reg = reg or registry()
    spec = reg.for_period(form_id, period)
    if spec is not None and not governs(spec, period):
        spec = None
    if spec is None:
        versions = [s for s in reg.all() if s.id == form_id]
        if not versions:
            raise InputError(f"没有表单「{form_id}」；可用：{known_forms(reg)}（用 cets-desktop forms 查看）")
        first = min(versions, key=lambda s: s.valid_from or "")
        spans = "；".join(
            f"{s.template_year} 年模板适用于 {_span(s)}"
            for s in sorted(versions, key=lambda s: s.valid_from or "")
        )
        raise InputError(
            f"「{first.title}」没有适用于 {first.period_label(period)} 的模板（{spans}）；"
            "不能用其他年度的模板和参数计算，请检查期间"
        )
    return spec


def _span(spec: FormSpec) -> str:
    start = spec.valid_from or "最早"
    return f"{start} 起" if not spec.valid_to else f"{start} 至 {spec.valid_to}"


def definition_of(document: FilingDocument, reg: FormRegistry | None = None) -> FormSpec:
    """The definition for a filing document: its own version while that governs its period."""
    reg = reg or registry()
    own = reg.get(document.form, document.form_version) if document.form_version else None
    if own is not None and governs(own, document.period):
        return own
    latest = reg.latest(document.form)
    if latest is None:
        raise InputError(
            f"不认识的表单「{document.form}」（版本 {document.form_version}）；可用表单：{known_forms(reg)}"
        )
    if document.form_version and own is None:
        # An unknown version (a newer program, a typo) is not silently computed with another template.
        versions = "、".join(sorted({s.version for s in reg.all() if s.id == document.form}))
        raise InputError(
            f"「{latest.title}」没有版本「{document.form_version[:40]}」；本程序支持的版本：{versions}。"
            "如文件来自更新版本的程序，请升级程序；否则请把 form_version 改为所用模板的版本"
        )
    return definition_for(document.form, document.period, reg)


def definition_of_record(
    form_id: str, form_version: str | None, period: str, reg: FormRegistry | None = None
) -> FormSpec | None:
    """Same rule for a workspace filing row; None instead of an error (cards, navigator)."""
    reg = reg or registry()
    own = reg.get(form_id, form_version) if form_version else None
    if own is not None and governs(own, period):
        return own
    spec = reg.for_period(form_id, period)
    return spec if spec is not None and governs(spec, period) else None


def forms_for_sectors(
    sectors: set[str] | list[str], filing_type: str | None = None, reg: FormRegistry | None = None
) -> list[FormSpec]:
    """The latest definition of each form for the given sectors (every form when none are set)."""
    reg = reg or registry()
    wanted = set(sectors)
    latest: dict[str, FormSpec] = {}
    for spec in reg.all():
        if filing_type and spec.filing_type != filing_type:
            continue
        if wanted and spec.sector not in wanted:
            continue
        current = latest.get(spec.id)
        if current is None or spec.template_year > current.template_year:
            latest[spec.id] = spec
    return sorted(latest.values(), key=lambda s: (s.filing_type != "monthly", s.title))


ETS_SECTORS = ("power", "steel", "cement", "aluminium")
"""Sectors in the national ETS: monthly certification and a data quality control plan."""


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
    from ..core.applicability import assess

    reg = reg or registry()
    found = assess(industry_code, None) if industry_code else None
    # Sectors the user ticked win; otherwise those the industry code implies (4411 → 发电).
    chosen = set(sectors) or set(found.sectors if found else [])
    tables = {t["form"] for t in found.tables} if found else set()
    table_sectors = {s.sector for s in reg.all() if s.id in tables}
    wanted: list[FormSpec] = []
    for spec in forms_for_sectors(set(), filing_type, reg):
        if spec.sector in ETS_SECTORS:
            if spec.sector in chosen:
                wanted.append(spec)
        elif spec.id in tables or (spec.sector in chosen and spec.sector not in table_sectors):
            wanted.append(spec)
    return wanted
