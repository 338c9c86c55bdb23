"""New filing documents and blank rows: what a new filing, a new table row and a new workshop
start with (the definition's defaults and preset rows). One answer for the CLI and the window.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from .. import __version__
from ..core.document import DocumentError, FilingDocument, parse_document
from ..core.spec import FieldSpec, FormSpec
from .errors import InputError


def new_row(repeat: FieldSpec) -> dict[str, Any]:
    """A blank row for a repeat: defaults, and its nested repeats' preset rows (a new workshop
    gets its default inputs and outputs; a nested repeat without presets starts empty)."""
    row: dict[str, Any] = {}
    for f in repeat.data_fields():
        if f.type == "repeat":
            row[f.name] = [_with_nested_presets(f, preset) for preset in f.initial_rows]
        elif f.default is not None and not f.calculation:
            row[f.name] = f.default
    return row


def _with_nested_presets(repeat: FieldSpec, preset: dict[str, Any]) -> dict[str, Any]:
    row = new_row(repeat)
    row.update(copy.deepcopy(preset))
    return row


def initial_values(spec: FormSpec) -> dict[str, Any]:
    """Empty values with the definition's preset rows (``initial_rows``) and defaults."""
    out: dict[str, Any] = {}
    for f in spec.top_fields():
        if f.type == "repeat":
            out[f.name] = [_with_nested_presets(f, preset) for preset in f.initial_rows]
        elif f.default is not None and not f.calculation:
            out[f.name] = f.default
    return out


def now_text() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def new_document(spec: FormSpec, period: str, enterprise: dict[str, Any] | None = None) -> FilingDocument:
    try:
        return parse_document(
            {
                "form": spec.id,
                "form_version": spec.version,
                "period": period,
                "enterprise": enterprise or {},
                "values": initial_values(spec),
                "meta": {"created_by": f"cets-desktop {__version__}", "created_at": now_text()},
            },
            "新建填报",
        )
    except DocumentError as exc:
        raise InputError(exc.message) from None


def default_period(spec: FormSpec, today: Any = None) -> str:
    """The period a new filing of ``spec`` is for when none is given: last month for a monthly
    certification, the emission year (last year) for an annual report, next year for a plan."""
    from datetime import date

    today = today or date.today()
    if spec.period_kind == "month":
        year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
        return f"{year}-{month:02d}"
    if spec.filing_type == "plan":
        return str(today.year + 1)
    return str(today.year - 1)


def choice_summary(spec: FormSpec, period: str) -> str:
    """What `new` says about its choice of template: title, template year, version, period kind."""
    kind = (
        "排放年度"
        if spec.filing_type == "supplementary"
        else ("计划年度" if spec.filing_type == "plan" else "月份")
    )
    return f"{spec.title}：{spec.template_year} 年模板（版本 {spec.version}），{kind} {spec.period_label(period)}"
