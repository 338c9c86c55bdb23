"""Filing documents as stored text: canonical JSON and the period format.

The workspace stores every document as canonical JSON (sorted keys, UTF-8 as is, no whitespace) so
that two saves of the same content are byte-identical, which makes "did anything change?" a string
comparison and keeps revisions diffable.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

# "YYYY-MM" for monthly filings, "YYYY" for yearly ones.
_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2]))?$")


def _encode_extra(value: Any) -> Any:
    # Quantities computed by core are Decimal; the document format carries them as decimal strings,
    # written out in full ("0.0000001", never "1E-7") so nothing downstream has to parse exponents.
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"non-finite quantity {value!r} cannot be stored in a filing document")
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not allowed in a filing document")


def canonical_json(document: Any) -> str:
    """The stored form of ``document`` (also used for workspace JSON columns)."""
    return json.dumps(
        document,
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,  # NaN/Infinity are not JSON; SQLite's json_valid would reject them too
        default=_encode_extra,
    )


def load_json(text: str | None, default: Any = None) -> Any:
    return default if text is None else json.loads(text)


def is_valid_period(period: str) -> bool:
    return isinstance(period, str) and _PERIOD.match(period) is not None


def period_label(period: str) -> str:
    """Chinese label for messages: "2026-10" → "2026年10月", "2026" → "2026年度"."""
    match = _PERIOD.match(period)
    if match is None:
        return period
    if match["month"]:
        return f"{match['year']}年{int(match['month'])}月"
    return f"{match['year']}年度"
