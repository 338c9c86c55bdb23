"""The printed 支撑材料清单 lists each document once, with every data item it backs (issue 13 item 6)."""

from __future__ import annotations

from pathlib import Path

from official_data import month_document, pdf_text, print_filing

from cets_desktop.core.document import EvidenceRef


def _chapter(text: str) -> str:
    return text[text.index("支撑材料清单") :]


def test_one_document_for_many_items_is_listed_once_with_all_its_items(tmp_path: Path) -> None:
    doc = month_document()
    fuels = [len(unit["fuels"]) for unit in doc.values["units"]]
    paths = [
        f"units[{u}].{name}"
        for u in range(len(fuels))
        for name in (
            "generation",
            "net_supply",
            "station_service",
            "heat_supplied",
            "operating_hours",
            "load_factor",
        )
    ]
    paths += [f"units[{u}].fuels[{i}].consumption" for u, n in enumerate(fuels) for i in range(n)]
    paths += [f"units[{u}].fuels[{i}].ncv" for u, n in enumerate(fuels) for i in range(n)]
    assert len(paths) > 15  # more items than one row holds
    report = EvidenceRef(path="", sha256="ab" * 32, name="x", size=1).model_dump()
    doc.evidence = [
        EvidenceRef(**dict(report, path=path, name="盖章生产月报.pdf", kind="盖章台账扫描件", size=123_456))
        for path in paths
    ]
    printed = print_filing("month", tmp_path, doc)
    listing = _chapter(pdf_text(printed.pdf))
    # Every printed name of this file comes from the one row (pdftotext may break it, so count the hash).
    assert listing.count("ab" * 32) == 1
    assert listing.count("（续上）") == (len(paths) - 1) // 15
    # Each item it backs is still named: e.g. both units' 发电量.
    assert listing.count("发电量") >= 2


def test_different_documents_stay_separate_rows(tmp_path: Path) -> None:
    doc = month_document()
    doc.evidence = [
        EvidenceRef(
            path=f"units[{u}].generation", sha256=f"{u}c" * 32, name=f"{u + 1}号机组发电报表.pdf", size=10
        )
        for u in range(2)
    ] + [EvidenceRef(path="units[0].operating_hours", sha256="0c" * 32, name="1号机组发电报表.pdf", size=10)]
    shas = {ref.sha256 for ref in doc.evidence}
    printed = print_filing("month", tmp_path, doc)
    listing = _chapter(pdf_text(printed.pdf))
    assert sum(listing.count(sha.lower()) for sha in shas) == len(shas)
