"""The one-pass read of a stored document (``core.document.parse_stored_document``, used when a
year of cards reads its months ahead) gives exactly what the two-step read gives
(``json.loads`` then ``parse_document``, and the parsed JSON's evidence rows): the same document
and the same rows for every document of the demo workspace and for edge-case values; for
anything it does not read whole (malformed, damaged, converted, too deep) it answers None, and
the two-step read then gives the same Chinese error as before. The year's cards read through it
equal the cards read document by document."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cets_desktop.core.document import (
    MAX_JSON_DEPTH,
    DocumentError,
    FilingDocument,
    parse_document,
    parse_stored_document,
)
from cets_desktop.store.documents import canonical_json
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.evaluation import WorkspaceReads


def _two_step(text: str) -> tuple[FilingDocument, list[dict[str, Any]]] | str:
    """The read before: ``json.loads`` (as the store) then ``parse_document``; the error text otherwise."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return f"json: {type(exc).__name__}"
    try:
        doc = parse_document(data, "文档")
    except DocumentError as exc:
        return exc.message
    return doc, list(data.get("evidence") or [])


def _same(text: str) -> tuple[FilingDocument, list[dict[str, Any]]] | None:
    """The one-pass read, checked against the two-step read: equal when it answers, and the
    two-step read's outcome is kept otherwise (asserted by the callers where it matters)."""
    fast = parse_stored_document(text)
    slow = _two_step(text)
    if fast is not None:
        assert not isinstance(slow, str), slow
        assert fast[0] == slow[0]
        assert fast[0].model_fields_set == slow[0].model_fields_set
        assert fast[0].to_json_text() == slow[0].to_json_text()
        assert repr(fast[0].values) == repr(slow[0].values)  # types too (int / float / str)
        assert fast[1] == slow[1]
        assert [list(r) for r in fast[1]] == [sorted(r) for r in slow[1]]  # sorted keys, as stored
    return fast


def _demo_texts(desk: Desk) -> list[str]:
    out = []
    for enterprise in desk.list_enterprises():
        for filing in desk.workspace.list_filings(enterprise.id):
            out.append(desk.workspace.current_texts([filing.id])[filing.id][1])
    return out


def test_every_demo_document_reads_the_same_in_one_pass(desk: Desk) -> None:
    texts = _demo_texts(desk)
    assert len(texts) >= 10
    for text in texts:
        assert _same(text) is not None  # the demo's documents are all read in one pass


def _demo_month(desk: Desk) -> dict[str, Any]:
    enterprise = desk.list_enterprises()[0]
    filing = desk.list_filings(enterprise.id, 2026, "power-monthly")[0]
    return desk.document(filing.id)


def test_values_of_every_json_kind_read_the_same(desk: Desk) -> None:
    doc = _demo_month(desk)
    doc["values"]["extra_numbers"] = {
        "big": 123456789012345678901234567890123,
        "neg_zero": -0.0,
        "tiny": 5e-324,
        "huge": 1.7976931348623157e308,
        "tenth": 0.1,
        "exp": 1e5,
        "int": -7,
        "text": "１２３ \u0000 😀",
        "nested": [[1, [2.5, {"a": None, "b": True}]]],
    }
    doc["meta"] = {"note": "导入", "list": [1, "2", 3.0]}
    doc["evidence"][0]["carried"] = {"period": "2026-01", "reason": "跨月有效的证书"}
    doc["evidence"][1]["note"] = None
    for text in (canonical_json(doc), json.dumps(doc, ensure_ascii=True, indent=1)):
        got = _same(text)
        assert got is not None
        assert got[1][0]["carried"] == {"period": "2026-01", "reason": "跨月有效的证书"}
        assert "note" in got[1][1] and got[1][1]["note"] is None
    # JSON only these readers accept (1e400 is infinity to both), repeated keys (the last wins).
    text = canonical_json(doc)
    assert _same(text.replace('"tenth":0.1', '"tenth":1e400')) is not None
    repeated = text.replace('"form":"power-monthly"', '"form":"cement-monthly","form":"power-monthly"')
    assert repeated != text and _same(repeated) is not None
    # NaN (not JSON, read by both as a float that equals nothing): the same value either way.
    with_nan = text.replace('"values":{', '"values":{"n":NaN,')
    fast, slow = parse_stored_document(with_nan), _two_step(with_nan)
    assert fast is not None and not isinstance(slow, str)
    assert repr(fast[0].values) == repr(slow[0].values) and fast[1] == slow[1]


def _damaged(doc: dict[str, Any]) -> list[str]:
    """Texts the one-pass read must leave to the two-step read."""
    text = canonical_json(doc)
    out = [
        "",
        "not json",
        text[:-1],
        '["not", "a", "filing"]',
        "0",
        text.replace('"format":"cets-filing/1"', '"format":"cets-filing/2"'),
        text.replace('"format":"cets-filing/1"', '"format":"something"'),
        text.replace('"format":"cets-filing/1"', '"format":null'),
        text.replace(f'"form_version":"{doc["form_version"]}"', '"form_version":"v1"'),
        text.replace(f'"form_version":"{doc["form_version"]}"', '"form_version":2026'),
        text.replace('"period":"', '"period":1,"x":"'),
        text.replace('"enterprise":{', '"enterprise":{"unknown":1,'),
        text.replace('"enterprise":{', '"surprise":1,"enterprise":{'),
        text.replace('"size":', '"size":"12', 1).replace('"size":"12', '"size":"12"', 1),
        text.replace('"values":{', '"values":{"s\\ud800":1,'),  # a lone surrogate
    ]
    size_text = text.split('"size":', 1)[1].split("}", 1)[0].split(",", 1)[0]
    out.append(text.replace(f'"size":{size_text}', f'"size":{size_text}.0', 1))  # 5.0 for an int
    out.append(text.replace(f'"size":{size_text}', '"size":true', 1))
    out.append(text.replace('"evidence":[{', '"evidence":[{"carried":{"period":"2026-01"},', 1))
    without_form = dict(doc)
    del without_form["form"]
    out.append(canonical_json(without_form))
    return out


def test_damaged_documents_are_left_to_the_two_step_read(desk: Desk) -> None:
    doc = _demo_month(desk)
    messages = []
    for text in _damaged(doc):
        assert parse_stored_document(text) is None, text[:80]
        slow = _two_step(text)
        if isinstance(slow, str):
            messages.append(slow)
    # The two-step read still says what is wrong, in Chinese, as before.
    assert any("格式版本「cets-filing/2」" in m for m in messages)
    assert any("未知字段「enterprise.unknown」" in m for m in messages)
    assert any("缺少「form」" in m for m in messages)
    assert any("顶层应为 JSON 对象" in m for m in messages)


def _nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@pytest.mark.parametrize(
    "depth", [MAX_JSON_DEPTH - 3, MAX_JSON_DEPTH - 2, MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, 300]
)
@pytest.mark.parametrize("where", ["values", "meta"])
def test_nesting_is_judged_as_parse_document_judges_it(desk: Desk, depth: int, where: str) -> None:
    doc = _demo_month(desk)
    doc[where] = {**doc[where], "deep": _nested(depth)}
    text = json.dumps(doc, ensure_ascii=False)
    slow = _two_step(text)
    fast = _same(text)
    if isinstance(slow, str):
        assert fast is None and "嵌套层数过多" in slow
    else:
        assert fast is not None
    assert isinstance(_two_step(json.dumps({**doc, where: {"deep": _nested(300)}})), str)


def test_a_year_read_ahead_keeps_the_documents_parsed_as_before(desk: Desk) -> None:
    """The months read ahead (one pass) are the documents, and rows, that reading each month
    on its own keeps."""
    enterprise = desk.list_enterprises()[0]
    filings = desk.workspace.list_filings(enterprise.id)
    ahead = WorkspaceReads(desk.workspace)
    ahead.read_ahead(filings)
    alone = WorkspaceReads(desk.workspace)
    alone.read_ahead = lambda _filings: None  # type: ignore[method-assign]
    for filing in filings:
        assert ahead._documents[filing.id][0] == ahead._key(filing)  # parsed already
        a, b = ahead.document(filing, "x"), alone.document(filing, "x")
        assert a is not None and b is not None and a == b
        # The rows of a month read ahead are made when asked for, and are the rows read alone.
        assert ahead._own_rows[id(a)] == (a, None)
        assert ahead._own(a) == alone._own(b) == alone._own_rows[id(b)][1]
        assert [list(r) for r in ahead._own(a)] == [list(r) for r in alone._own(b)]  # key order
