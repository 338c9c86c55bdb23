"""A stored document read as its UTF-8 bytes (as SQLite holds it, not decoded into a str that
pydantic's JSON reader would encode back) reads as its text does: the same document, or None
for the same texts; bytes that are not UTF-8 are left to the two-step read. A year of cards whose
texts come as bytes shows the cards and findings of texts that come as str, damaged months too.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from afresh_reads import months
from test_stored_parse import _damaged, _demo_month, _demo_texts, _nested

from cets_desktop.core.document import MAX_JSON_DEPTH, FilingDocument, read_stored_document, stored_rows
from cets_desktop.store.documents import canonical_json
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.evaluation import WorkspaceReads
from cets_desktop.workflow.status import StatusCache


def _read(text: str | bytes) -> Any:
    doc = read_stored_document(text)
    if doc is None:
        return None
    return (doc, doc.model_fields_set, repr(doc.values), repr(doc.meta), stored_rows(doc))


def _same_either_way(text: str) -> FilingDocument | None:
    as_text, as_bytes = _read(text), _read(text.encode("utf-8"))
    assert as_text == as_bytes, text[:80]
    return None if as_text is None else as_text[0]


def test_every_demo_document_reads_the_same_from_its_bytes(desk: Desk) -> None:
    for text in _demo_texts(desk):
        assert _same_either_way(text) is not None


def test_edge_values_damaged_texts_and_deep_nesting_read_the_same_from_bytes(desk: Desk) -> None:
    doc = _demo_month(desk)
    doc["values"]["extra"] = {"big": 10**40, "tiny": 5e-324, "text": "１２３ \u0000 😀 {[", "n": [[1]]}
    for text in (canonical_json(doc), json.dumps(doc, ensure_ascii=True, indent=1)):
        assert _same_either_way(text) is not None
    for text in _damaged(doc):
        assert _same_either_way(text) is None
    assert _same_either_way("\ufeff" + canonical_json(doc)) is None  # a byte-order mark
    for depth in (MAX_JSON_DEPTH - 2, MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, 300):
        for where in ("values", "meta"):
            _same_either_way(json.dumps({**doc, where: {"deep": _nested(depth)}}, ensure_ascii=False))
    # Brackets inside strings count as in the text: a short text full of them is still walked.
    shallow = {**doc, "meta": {"note": "[" * 100 + "{" * 100}}
    assert _same_either_way(canonical_json(shallow)) is not None


@pytest.mark.parametrize("cut", [1, 2])
def test_bytes_that_are_not_utf8_read_as_nothing(desk: Desk, cut: int) -> None:
    text = canonical_json(_demo_month(desk)).encode("utf-8")
    name = text.index("华东".encode())
    broken = text[:name] + "华".encode()[:cut] + text[name + 3 :]  # a character cut short
    assert read_stored_document(broken) is None
    assert read_stored_document(text.replace("华东".encode(), b"\xff\xfe", 1)) is None


def _cards(desk: Desk) -> list[Any]:
    desk.__dict__["_workspace_reads"] = WorkspaceReads(desk.workspace)
    desk.status = StatusCache(desk)
    enterprise = desk.list_enterprises()[0]
    spec = desk.definition(next(iter(months(desk).values())))
    out = []
    for s in desk.status.months(enterprise, spec, 2026):
        ev = desk.evaluate(s.filing.id) if s.filing is not None and s.status != "有错误" else None
        findings = [(f.to_json(), f.acknowledged) for f in ev.findings] if ev is not None else None
        out.append((s.period, s.status, s.errors, s.warnings, findings))
    return out


def test_a_year_read_as_bytes_shows_the_cards_of_a_year_read_as_text(
    desk: Desk, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_period = months(desk)
    september = canonical_json(desk.document(by_period["2026-09"].id))
    size = json.loads(september)["evidence"][0]["size"]
    with sqlite3.connect(demo_path) as conn:
        for period, text in (
            ("2026-03", '{"form": "power-monthly", "surprise": 1}'),  # damaged
            ("2026-09", september.replace(f'"size":{size}', f'"size":{size}.0', 1)),  # read in two steps
        ):
            filing = by_period[period]
            conn.execute(
                "UPDATE revisions SET document = ? WHERE filing_id = ? AND number = ?",
                (text, filing.id, filing.current_revision),
            )
    as_bytes = _cards(desk)  # the year view reads the stored texts as their bytes
    monkeypatch.setattr(desk.workspace, "current_utf8", desk.workspace.current_texts)
    as_text = _cards(desk)
    assert as_bytes == as_text
    assert [c[1] for c in as_text].count("有错误") >= 1  # March says what is wrong, either way


def test_the_stored_bytes_are_the_stored_texts_utf8(desk: Desk) -> None:
    ids = [f.id for f in months(desk).values()] + [987654]  # and a filing that does not exist
    texts = desk.workspace.current_texts(ids)
    utf8 = desk.workspace.current_utf8(ids)
    assert len(texts) >= 10 and 987654 not in utf8
    assert utf8 == {k: (n, t.encode("utf-8")) for k, (n, t) in texts.items()}
    assert any("华东".encode() in data for _n, data in utf8.values())  # Chinese text, as bytes
