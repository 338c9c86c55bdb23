"""What an official reads cites documents and says certainty in words: no research-note file names,
no bare [R]-style tags, no raw expressions or field paths, no helper fields — in the PDF text, the
Excel cells, comments and input prompts, and the window's tooltips."""

from __future__ import annotations

import re
from collections.abc import Iterator

import builders as b
from official_data import Printed, pdf_text
from openpyxl import load_workbook

from cets_desktop.core.display import expression_text, formula_text, named_in_words, plain_certainty

INTERNAL = re.compile(
    r"\.md\b|§|[\[［][VRTGPM][\]］]|\bsum\(|\bref\(|coalesce\(|\bunits\.|\bfuels\.|==|!=|"
    r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_])|[a-z_]+\[\d+\]|"
    r"(?<![A-Za-z0-9_.-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![A-Za-z0-9_])|定义文件"
)
"""A research-note reference, a bare tag, expression syntax, a snake_case identifier or a path,
a form's internal id (power-monthly) or the words for our definition files."""


def visible_workbook_texts(path: object) -> Iterator[tuple[str, str]]:
    wb = load_workbook(path)  # type: ignore[arg-type]
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue  # 选项 (list sources) and _meta are hidden machine sheets
        hidden_cols = {k for k, d in ws.column_dimensions.items() if d.hidden}
        for row in ws.iter_rows():
            for cell in row:
                if cell.column_letter in hidden_cols:
                    continue
                if isinstance(cell.value, str):
                    yield f"{ws.title}!{cell.coordinate}", cell.value
                if cell.comment is not None:
                    yield f"{ws.title}!{cell.coordinate} 批注", cell.comment.text
        for dv in ws.data_validations.dataValidation:
            for text in (dv.prompt, dv.promptTitle, dv.error, dv.errorTitle):
                if text:
                    yield f"{ws.title}!{dv.sqref} 输入提示", text


def _offences(texts: Iterator[tuple[str, str]], allowed: set[str]) -> list[str]:
    out = []
    for where, text in texts:
        # Attachments keep the names their owners gave them (the test data names them by item).
        text = re.sub(r"[\w.\[\]-]+\.(?:pdf|xlsx|jpg|png)\b", "", text)
        for m in INTERNAL.finditer(text):
            if m.group(0) not in allowed:
                out.append(f"{where}: {m.group(0)!r} in {text[:120]!r}")
    return out


ALLOWED: set[str] = {"cets-desktop"}  # the program's own name, printed as its maker


def test_pdf_and_workbook_speak_to_an_official(printed: dict[str, Printed]) -> None:
    problems: list[str] = []
    for name, p in printed.items():
        text = pdf_text(p.pdf)
        problems += _offences(((f"{name}.pdf", line) for line in text.splitlines()), ALLOWED)
        problems += _offences(((f"{name}.xlsx!{w}", t) for w, t in visible_workbook_texts(p.xlsx)), ALLOWED)
    assert problems == [], "\n".join(problems[:30])


def test_helper_fields_are_never_printed(printed: dict[str, Printed]) -> None:
    for name, p in printed.items():
        spec = p.evaluation.spec
        shown = {f.label for f in spec.all_fields() if not f.hidden}
        helpers = {f.label for f in spec.all_fields() if f.hidden} - shown
        assert helpers, name
        text = pdf_text(p.pdf)
        cells = [t for _, t in visible_workbook_texts(p.xlsx)]
        for label in helpers:
            # The label as an item of its own (a row, a column header, a formula input), not as
            # part of a longer visible label (主营产品 in 纳入碳交易主营产品（产品一）名称).
            alone = re.compile(r"(?:^|(?<=[\s；]))" + re.escape(label) + r"(?=$|[\s；]|（各| =)", re.M)
            assert not alone.search(text), f"{name}: PDF 印出了辅助字段「{label}」"
            assert not any(alone.search(c) for c in cells), f"{name}: Excel 显示了辅助字段「{label}」"
    # The plan's revision counter and row identity, the month's coal/low-heat helper masses.
    plan_text = pdf_text(printed["plan"].pdf)
    assert "首次编制计数" not in plan_text and "行标识" not in plan_text and "设备标识" not in plan_text
    assert "（辅助）" not in pdf_text(printed["month"].pdf)


def test_formulas_and_definition_texts_are_read_out_in_words() -> None:
    month = b.spec_of("power-monthly")
    total = month.find_field("total_generation")
    assert total is not None and not total.explain
    assert formula_text(month, total) == "各机组的「发电量」之和"
    phase = month.find_field("units[].fuels[].coal_mass")
    assert phase is not None
    assert formula_text(month, phase) == "「燃料消耗量」（当「燃料形态」为固体时），否则0"
    # Identifiers the authors wrote in texts name what they mean (loaded definitions already say so).
    refs = {"grid_emission_factor": "全国电网平均排放因子"}
    assert named_in_words("见参考值表 grid_emission_factor", refs) == "见参考值表「全国电网平均排放因子」"
    assert named_in_words("供电量 {net_supply} MWh", {"net_supply": "供电量"}) == "供电量 {net_supply} MWh"
    for f in month.all_fields():
        for text in (f.explain or "", f.hint or "", f.label):
            assert not re.search(r"参考值表 ?[a-z]+_", text), (f.path, text)
    # Certainty in words, never said twice: "据回忆 [R]" → "据回忆，待核对原文".
    assert plain_certainty("具体清单据回忆 [R]") == "具体清单据回忆，待核对原文"
    assert plain_certainty("缺省值 0.535 [T]") == "缺省值 0.535（第三方实现，非官方）"
    # A condition (条件必填) in words.
    assert expression_text(month, "carbon_route != '缺省值'") == "「元素碳含量获取方式」不为缺省值"


def test_the_window_tooltips_speak_to_an_official_too() -> None:
    from cets_desktop.core.loader import default_registry
    from cets_desktop.ui.field_info import field_tooltip

    checked = 0
    for spec in default_registry().all():
        for f in spec.all_fields():
            if f.hidden:
                continue
            text = re.sub(r"<[^>]+>", " ", field_tooltip(spec, f))
            found = INTERNAL.search(text)
            assert found is None, f"{spec.id} {f.path}: {found.group(0)!r} in {text[:160]!r}"
            checked += 1
    assert checked > 1000
