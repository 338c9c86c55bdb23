"""workflow.evidence without a window: what needs evidence, the suggestions from kinds and file
names, changing which fields a document backs, carrying over, and GEN-008's severity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cets_desktop.core.document import parse_document
from cets_desktop.core.workspace_checks import reused_evidence_findings
from cets_desktop.demo import power_month_document
from cets_desktop.workflow import evidence as flow
from cets_desktop.workflow.desk import Desk
from cets_desktop.workflow.errors import InputError

SHA_A = "a" * 64
SHA_B = "b" * 64


@pytest.fixture
def targets(power_spec: Any) -> list[flow.EvidenceTarget]:
    return flow.evidence_targets(power_spec, power_month_document(10))


def test_targets_are_every_field_needing_evidence_in_form_order(targets: list[flow.EvidenceTarget]) -> None:
    assert len(targets) == 17
    assert [t.path for t in targets[:4]] == [
        "units[0].fuels[0].consumption",
        "units[0].fuels[0].ncv",
        "units[0].fuels[0].carbon_content",
        "units[0].fuels[1].consumption",
    ]
    assert {t.group_label for t in targets} == {"机组「1号机组」", "机组「2号机组」"}
    assert sum(t.group == "units[1]" for t in targets) == 7
    assert all(t.missing for t in targets)
    gen = next(t for t in targets if t.path == "units[0].generation")
    assert gen.kinds == ("盖章生产报表", "上网电量结算单") and gen.label == "发电量"


def test_a_ref_on_a_field_covers_it(power_spec: Any) -> None:
    doc = power_month_document(10)
    doc["evidence"] = [{"path": "units[0].generation", "sha256": SHA_A, "name": "月报.pdf"}]
    targets = flow.evidence_targets(power_spec, doc)
    covered = {t.path: t.covered_by for t in targets if not t.missing}
    assert covered == {"units[0].generation": (SHA_A,)}


@pytest.mark.parametrize(
    ("name", "kind", "paths"),
    [
        (
            "2026年10月电费结算单.pdf",
            "电费结算单",
            ["units[0].purchased_electricity", "units[1].purchased_electricity"],
        ),
        ("10月热量表读数.jpg", "热量表读数", ["units[0].heat_supplied"]),
        ("2号机组DCS运行记录.xlsx", "DCS运行记录", ["units[1].operating_hours"]),
        ("DCS运行记录.xlsx", "DCS运行记录", ["units[0].operating_hours", "units[1].operating_hours"]),
        ("入炉煤化验日报202610.pdf", "入炉煤化验日报", ["units[0].fuels[0].ncv", "units[1].fuels[0].ncv"]),
        ("扫描件001.pdf", None, []),
    ],
)
def test_file_names_point_at_fields(
    targets: list[flow.EvidenceTarget], name: str, kind: str | None, paths: list[str]
) -> None:
    assert flow.suggested_kind(name, targets) == kind
    assert flow.suggested_paths(name, targets) == paths


def test_hints_when_no_kind_is_named(targets: list[flow.EvidenceTarget]) -> None:
    # 检测 (not a kind's name) hints at the lab-report kinds: heating value and carbon content.
    assert flow.suggested_paths("第三方检测.pdf", targets) == [
        "units[0].fuels[0].ncv",
        "units[0].fuels[0].carbon_content",
        "units[1].fuels[0].ncv",
    ]
    # A kind picked by the user wins over the name.
    assert flow.suggested_paths("第三方检测.pdf", targets, "上网电量结算单") == [
        "units[0].generation",
        "units[1].generation",
    ]


def test_fields_already_backed_are_not_suggested(power_spec: Any) -> None:
    doc = power_month_document(10)
    doc["evidence"] = [{"path": "units[0].purchased_electricity", "sha256": SHA_A, "name": "x.pdf"}]
    targets = flow.evidence_targets(power_spec, doc)
    assert flow.suggested_paths("电费结算单.pdf", targets) == ["units[1].purchased_electricity"]
    assert len(flow.suggested_paths("电费结算单.pdf", targets, only_missing=False)) == 2


def test_adjusting_and_detaching_a_document(targets: list[flow.EvidenceTarget]) -> None:
    stored = flow.StoredFile(SHA_A, "2026年10月生产月报（盖章）.pdf", 2048)
    other = {"path": "units[0].heat_supplied", "sha256": SHA_B, "name": "热量表.pdf"}
    evidence = flow.with_refs(
        [other], flow.refs_for(stored, ["units[0].generation", "units[0].net_supply"], targets, at="t")
    )
    assert [r["path"] for r in evidence] == [
        "units[0].heat_supplied",
        "units[0].generation",
        "units[0].net_supply",
    ]
    changed = flow.with_document_paths(
        evidence, SHA_A, ["units[0].net_supply", "units[1].net_supply"], targets
    )
    assert [(r["path"], r["sha256"][:1]) for r in changed] == [
        ("units[0].heat_supplied", "b"),
        ("units[0].net_supply", "a"),
        ("units[1].net_supply", "a"),
    ]
    added = changed[-1]
    assert added["name"] == stored.name and added["size"] == 2048 and added["attached_at"] == "t"
    assert added["kind"] == "盖章生产报表"
    docs = flow.evidence_documents(changed)
    assert [(d.name, d.paths) for d in docs][1] == (
        stored.name,
        ("units[0].net_supply", "units[1].net_supply"),
    )
    assert flow.without_document(changed, SHA_A) == [other]
    with pytest.raises(InputError):
        flow.with_document_paths(changed, "c" * 64, [], targets)


def test_gen008_info_with_reason_warning_without() -> None:
    september = {"2026-09": [{"path": "units[0].fuels[0].consumption", "sha256": SHA_A, "name": "证书.pdf"}]}
    carried = {"period": "2026-09", "reason": "年度检定证书仍在有效期内"}
    rows = [
        {"path": "units[0].fuels[0].consumption", "sha256": SHA_A, "name": "证书.pdf", "carried": carried},
        {"path": "units[1].fuels[0].consumption", "sha256": SHA_A, "name": "证书.pdf", "carried": carried},
    ]
    found = reused_evidence_findings(rows, september, "2026-10")
    assert [(f.severity, f.path) for f in found] == [("info", "units[0].fuels[0].consumption")]
    assert "年度检定证书仍在有效期内" in found[0].message and "沿用自2026年9月" in found[0].message
    blank = [dict(r, carried={"period": "2026-09", "reason": "  "}) for r in rows]
    found = reused_evidence_findings(blank, september, "2026-10")
    assert [f.severity for f in found] == ["warning", "warning"]
    plain = [{k: v for k, v in r.items() if k != "carried"} for r in rows]
    assert [f.severity for f in reused_evidence_findings(plain, september, "2026-10")] == [
        "warning",
        "warning",
    ]


def test_carried_ref_round_trips_and_plain_refs_stay_as_they_were() -> None:
    doc = power_month_document(10)
    doc["evidence"] = [
        {"path": "units[0].generation", "sha256": SHA_A, "name": "a.pdf"},
        {
            "path": "units[0].net_supply",
            "sha256": SHA_B,
            "name": "b.pdf",
            "carried": {"period": "2026-09", "reason": "合同"},
        },
    ]
    back = parse_document(doc).to_json_dict()["evidence"]
    assert "carried" not in back[0]
    assert back[1]["carried"] == {"period": "2026-09", "reason": "合同", "at": None, "by": None}


def test_carry_over_from_the_workspace(tmp_path: Path) -> None:
    from cets_desktop.demo import build_demo_workspace

    desk = Desk.open(build_demo_workspace(tmp_path / "demo.cetsdb"))
    try:
        october = desk.find_filing(1, "power-monthly", "2026-10")
        assert october is not None
        document = desk.document(october.id)
        candidates = flow.previous_carry_candidates(desk, october.id, document)
        assert [c.document.name for c in candidates] == [
            "2026年9月燃料消耗台账（盖章）.pdf",
            "2026年9月煤质检测报告（CMA）.pdf",
            "2026年9月生产月报（盖章）.pdf",
        ]
        report = candidates[2]
        # September's report backed 12 fields; October's unit 2 supplied no heat, so 11 remain.
        assert len(report.locations) == 12 and len(report.paths) == 11
        assert "units[1].heat_supplied" not in report.paths and report.usable
        with pytest.raises(InputError, match="写明理由"):
            flow.carry_over(document["evidence"], [report], " ")
        targets = flow.evidence_targets(desk.definition(october), document)  # type: ignore[arg-type]
        document["evidence"] = flow.carry_over(document["evidence"], [report], "测试：沿用上月月报", targets)
        assert len(document["evidence"]) == 11
        assert all(r["carried"]["period"] == "2026-09" for r in document["evidence"])
        ev = desk.evaluate(october.id, document)
        gen008 = [(f.severity, f.code) for f in ev.findings if f.code == "GEN-008"]
        assert gen008 == [("info", "GEN-008")]
        assert sum(f.code == "GEN-006" for f in ev.findings) == 17 - 11
        # Carried once, the same document is "already here" and cannot be carried twice.
        again = flow.previous_carry_candidates(desk, october.id, document)
        assert again[2].already_here and not again[2].usable
    finally:
        desk.close()
