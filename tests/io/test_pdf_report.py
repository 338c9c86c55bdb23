"""The printed report: embedded Chinese fonts, page numbering, the demo month's numbers, the 草稿
watermark, the glyph check, a second definition rendered with no form-specific code, and safe
writes. Text is checked with poppler's pdftotext/pdffonts, as a reviewer's viewer would see it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cets_desktop.atomic import OutputError
from cets_desktop.core.calc import rounded_values
from cets_desktop.core.document import parse_document
from cets_desktop.core.loader import load_form
from cets_desktop.core.numbers import format_decimal
from cets_desktop.core.rules import Evaluation, evaluate
from cets_desktop.core.spec import FieldSpec, FormSpec
from cets_desktop.demo import DEMO_ENTERPRISE, power_month_document
from cets_desktop.io.fonts import FontNotFound, register_pdf_font
from cets_desktop.io.pdf_body import Level, choose_layout, render_repeat
from cets_desktop.io.pdf_context import RenderContext
from cets_desktop.io.pdf_report import RenderedPdf, render_pdf
from cets_desktop.io.pdf_styles import make_styles
from cets_desktop.paths import forms_dir

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GENERATED_AT = dt.datetime(2026, 11, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="poppler-utils (pdftotext, pdffonts) not installed",
)


@pytest.fixture(scope="module", autouse=True)
def cjk_font() -> str:
    try:
        return register_pdf_font()
    except FontNotFound as exc:
        pytest.skip(f"no Chinese TrueType font installed: {exc}")


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdffonts(path: Path) -> list[dict[str, str]]:
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        # name, type (may contain spaces: "CID TrueType"), encoding, emb, sub, uni, object, generation
        m = re.match(r"^(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        assert m, f"unexpected pdffonts line: {line!r}"
        rows.append({"name": m.group(1), "type": m.group(2), "emb": m.group(4)})
    return rows


def power_evaluation(month: int = 10, **changes: Any) -> tuple[FormSpec, Evaluation]:
    spec = load_form(forms_dir() / "power-monthly-2026.yaml")
    data = power_month_document(month)
    data.update(changes)
    previous = parse_document(power_month_document(month - 1))
    return spec, evaluate(spec, parse_document(data), previous=previous)


@pytest.fixture(scope="module")
def demo_month(tmp_path_factory: pytest.TempPathFactory) -> tuple[FormSpec, Evaluation, RenderedPdf, str]:
    spec, evaluation = power_evaluation()
    out = render_pdf(
        spec, evaluation, tmp_path_factory.mktemp("pdf") / "power-2026-10.pdf", generated_at=GENERATED_AT
    )
    return spec, evaluation, out, pdftotext(out)


def test_every_font_in_the_demo_month_is_an_embedded_truetype_cjk_subset(
    demo_month: tuple[FormSpec, Evaluation, RenderedPdf, str], cjk_font: str
) -> None:
    from reportlab.pdfbase import pdfmetrics

    _, _, pdf, _ = demo_month
    fonts = pdffonts(pdf)
    face_name = pdfmetrics.getFont(cjk_font).face.name
    face_name = face_name.decode() if isinstance(face_name, bytes) else face_name
    assert fonts, "the PDF uses no font at all"
    for font in fonts:
        assert font["emb"] == "yes", f"{font['name']} is not embedded"
        assert "TrueType" in font["type"], f"{font['name']} is {font['type']}, not TrueType"
        # Subset fonts are named ABCDEF+PostScriptName: the one CJK face, nothing else (no Helvetica).
        assert font["name"].split("+", 1)[-1].startswith(face_name), font["name"]
    assert pdfmetrics.getFont(cjk_font).face.charToGlyph.get(ord("碳")), (
        "the embedded font has no Chinese glyphs"
    )


def test_demo_month_numbers_every_page_and_names_the_enterprise_and_units(
    demo_month: tuple[FormSpec, Evaluation, RenderedPdf, str],
) -> None:
    _, _, pdf, text = demo_month
    pages = text.split("\f")[: pdf.pages]
    assert pdf.pages >= 5
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {pdf.pages} 页" in page
        assert DEMO_ENTERPRISE["name"] in page, f"page {number} has no running header"
    assert DEMO_ENTERPRISE["uscc"] in text
    assert "机组「1号机组」" in text and "机组「2号机组」" in text
    assert "2026年10月" in text
    assert "据回忆，待核对原文" in text and "[R]" not in text  # the form's certainty, in words on the cover
    assert "本文件由 cets-desktop 离线生成" in text
    assert "草稿" not in text


def test_demo_month_prints_computed_emissions_as_rounded_values_reports_them(
    demo_month: tuple[FormSpec, Evaluation, RenderedPdf, str],
) -> None:
    spec, evaluation, _, text = demo_month
    rounded = rounded_values(spec, evaluation.values)
    total = format_decimal(rounded["total_emissions"], 2)
    assert total == "469,997.90"
    assert total in text
    for unit in rounded["units"]:
        assert format_decimal(unit["unit_emissions"], 2) in text
        for fuel in unit["fuels"]:
            assert format_decimal(fuel["emissions"], 2) in text


def test_demo_month_explains_formulas_factors_and_lists_findings(
    demo_month: tuple[FormSpec, Evaluation, RenderedPdf, str],
) -> None:
    _, evaluation, _, text = demo_month
    flat = re.sub(r"\s+", "", text)
    assert "计算过程" in text and "E=FC×C_ar×OF×44/12" in flat
    # The grid factor behind 购入使用电力排放量, with its value, source and certainty label.
    assert "全国电网平均排放因子=0.5703tCO2/MWh" in flat
    assert "已核实" in flat and "[V]" not in flat
    assert "校验结果" in text
    for finding in evaluation.findings:
        assert finding.code in text
    # Body order is the definition's section order.
    assert (
        text.index("一、填报信息")
        < text.index("二、机组与燃料")
        < text.index("三、汇总")
        < text.index("四、计算过程")
    )


def test_draft_prints_the_watermark_on_every_page(tmp_path: Path) -> None:
    spec, evaluation = power_evaluation()
    pdf = render_pdf(spec, evaluation, tmp_path / "draft.pdf", draft=True, generated_at=GENERATED_AT)
    assert pdf.draft
    pages = pdftotext(pdf).split("\f")[: pdf.pages]
    assert len(pages) == pdf.pages
    assert all("草稿" in page for page in pages)


def test_evidence_hashes_and_signature_are_printed_unbroken(tmp_path: Path) -> None:
    sha = "3f9a1c0e77b2d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccdd"
    evidence = [
        {
            "path": "units[0].fuels[0].consumption",
            "sha256": sha,
            "size": 1834221,
            "name": "2026年10月1号机组入炉煤日计量台账（盖章）.pdf",
            "kind": "盖章燃料消耗台账扫描件",
        }
    ]
    spec, evaluation = power_evaluation(evidence=evidence)
    signature = {"fingerprint": "9c0e77b2d4e5f60718293a4b5c6d7e8f", "package_sha256": "b" * 64}
    pdf = render_pdf(
        spec, evaluation, tmp_path / "signed.pdf", signature=signature, generated_at=GENERATED_AT
    )
    text = pdftotext(pdf)
    assert "支撑材料清单" in text
    assert "2026年10月1号机组入炉煤日计量台账（盖章）.pdf" in text
    assert f"SHA-256：{sha}" in text  # fixed-pitch drawing still extracts as one string
    assert "1,834,221 字节" in text
    assert "公钥指纹" in text and signature["fingerprint"] in text and "b" * 64 in text
    for role in ("填报人（签字）", "审核人（签字）", "企业负责人（签字）", "企业盖章"):
        assert role in text


def test_characters_the_font_lacks_are_reported_not_fatal(tmp_path: Path) -> None:
    # A supplementary private-use character: no CJK font has a glyph for it.
    odd = "\U000f0041"
    enterprise = dict(DEMO_ENTERPRISE, name=f"华东{odd}示范热电有限公司")
    spec, evaluation = power_evaluation(enterprise=enterprise)
    pdf = render_pdf(spec, evaluation, tmp_path / "glyphs.pdf", generated_at=GENERATED_AT)
    assert pdf.missing_glyphs == frozenset({odd})
    text = pdftotext(pdf)
    assert "字形检查" in text and "U+F0041" in text


def test_clean_demo_month_reports_no_missing_glyphs(
    demo_month: tuple[FormSpec, Evaluation, RenderedPdf, str],
) -> None:
    assert demo_month[2].missing_glyphs == frozenset()


def plan_document() -> dict[str, Any]:
    boundary = (
        "本企业核算边界为厂区内两条新型干法水泥熟料生产线及其配套的原料粉磨、煤粉制备、熟料煅烧和余热发电系统，"
        "不包括矿山开采和厂外运输。排放源包括原料碳酸盐分解、生料中非燃料碳煅烧、窑头窑尾及烘干用化石燃料燃烧。"
    )
    return {
        "form": "cement-plan-mini",
        "form_version": "2027.0",
        "enterprise": {"name": "皖江示范水泥有限公司", "uscc": "91340500MA2N4Q8X15"},
        "period": "2027",
        "values": {
            "plan_version": "V2.1",
            "boundary": boundary * 4 + "\n计量器具按 GB 17167 配备，关键参数每月比对一次。",
            "process_flow": "石灰石破碎 → 生料粉磨 → 预热器分解炉 → 回转窑煅烧 → 篦冷机冷却 → 熟料库",
            "revisions": [
                {
                    "rev_version": "V1.0",
                    "rev_date": "2025-11-30",
                    "rev_content": "首次编制",
                    "rev_by": "赵立新",
                },
                {
                    "rev_version": "V2.1",
                    "rev_date": "2026-12-15",
                    "rev_content": "2号线新增旁路放风系统，增补监测参数",
                    "rev_by": "钱秀兰",
                },
            ],
            "lines": [
                {
                    "line_name": "1号熟料线",
                    "clinker_capacity": "5000",
                    "has_bypass": False,
                    "line_clinker": "1550000.00",
                    "params": [
                        {
                            "param_name": "入窑生料量",
                            "param_unit": "t",
                            "route": "实测值",
                            "instrument": "转子秤 RS-01",
                            "accuracy": "0.5级",
                            "frequency": "每日",
                            "recorder": "生产部",
                            "param_note": "日累计，月度盘库校核",
                        },
                        {
                            "param_name": "熟料CaO含量",
                            "param_unit": "%",
                            "route": "实测值",
                            "instrument": "X荧光分析仪 XRF-2",
                            "frequency": "每批次",
                            "recorder": "质控处",
                        },
                    ],
                },
                {
                    "line_name": "2号熟料线",
                    "clinker_capacity": "4500",
                    "has_bypass": True,
                    "bypass_ratio": "3.5",
                    "line_clinker": "1320000.00",
                    "params": [],
                },
            ],
            "process_emissions": "1502345.68",
            "fuel_emissions": "820456.32",
        },
    }


def test_another_definition_renders_long_texts_nested_repeats_and_row_numbers(tmp_path: Path) -> None:
    spec = load_form(FIXTURES / "pdf_plan-mini.yaml")
    evaluation = evaluate(spec, parse_document(plan_document()))
    pdf = render_pdf(spec, evaluation, tmp_path / "plan.pdf", generated_at=GENERATED_AT)
    text = pdftotext(pdf)
    flat = re.sub(r"\s+", "", text)
    assert "数据质量控制计划" in text and "2027年度" in text
    assert "推测，待确认" in text and "[G]" not in text
    assert "本企业核算边界为厂区内两条新型干法水泥熟料生产线" in flat  # long_text as paragraphs
    assert "计量器具按GB17167配备" in flat
    assert "2号线新增旁路放风系统" in flat and "2026年12月15日" in flat  # the revision table
    assert "生产线「1号熟料线」" in text and "生产线「2号熟料线」" in text
    assert "转子秤RS-01" in flat and "X荧光分析仪XRF-2" in flat  # the nested parameter table
    assert "（未填写）" in text  # 2号熟料线 has no parameters yet
    # relevant: the bypass ratio is asked only where there is a bypass.
    assert flat.count("旁路放风比例") == 1
    # Appendix-5 style hierarchical 序号 and a calculated total rounded to its decimals.
    assert re.search(r"1\.3\s+排放总量", text)
    total = Decimal("1502345.68") + Decimal("820456.32")
    assert format_decimal(total, 2) in text
    assert "E = E过程 + E燃烧" in text
    assert pdf.missing_glyphs == frozenset()


def test_same_filing_renders_to_identical_bytes(tmp_path: Path) -> None:
    spec, evaluation = power_evaluation()
    a = render_pdf(spec, evaluation, tmp_path / "a.pdf", generated_at=GENERATED_AT)
    b = render_pdf(spec, evaluation, tmp_path / "b.pdf", generated_at=GENERATED_AT)
    assert a.read_bytes() == b.read_bytes()


def test_progress_runs_to_completion(tmp_path: Path) -> None:
    spec, evaluation = power_evaluation()
    calls: list[tuple[int, int]] = []
    render_pdf(spec, evaluation, tmp_path / "p.pdf", progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_unwritable_destination_raises_chinese_output_error_and_keeps_old_file(tmp_path: Path) -> None:
    spec, evaluation = power_evaluation()
    with pytest.raises(OutputError, match="输出文件夹不存在"):
        render_pdf(spec, evaluation, tmp_path / "missing-folder" / "x.pdf")
    target = tmp_path / "report.pdf"
    target.write_bytes(b"previous report")
    with pytest.raises(OutputError):
        render_pdf(spec, evaluation, target / "inside-a-file.pdf")
    assert target.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def test_repeat_layout_follows_the_definition_shape_and_its_pdf_layout_override() -> None:
    spec = load_form(FIXTURES / "pdf_plan-mini.yaml")
    evaluation = evaluate(spec, parse_document(plan_document()))
    ctx = RenderContext.create(spec, evaluation, make_styles(register_pdf_font()))
    revisions, lines, params = (spec.field(p) for p in ("revisions[]", "lines[]", "lines[].params[]"))

    def layout(repeat: FieldSpec, nested: bool = False) -> str:
        return choose_layout(ctx, repeat, [f for f in repeat.data_fields() if f.is_scalar], nested)

    assert layout(revisions) == "table"  # four columns fit the page
    assert layout(lines) == "blocks"  # holds a nested repeat
    assert layout(params, nested=True) == "transposed"  # eight columns do not fit
    spec.pdf["layout"] = {"revisions": "blocks", "lines": "table"}
    assert layout(revisions) == "blocks"
    assert layout(lines) == "blocks"  # only blocks can hold the nested parameter table
    flowables = render_repeat(ctx, revisions, Level((evaluation.values,)), "3")
    assert (
        sum(
            1
            for f in flowables
            if "修订记录「" in getattr(f, "text", "") or "修订记录第" in getattr(f, "text", "")
        )
        == 2
    )
