"""Definitions are data; a broken one is reported with file, line and reason, never a crash."""

from pathlib import Path

import pytest

from cets_desktop.core.loader import DefinitionError, load_form, load_forms

GOOD = """\
id: tiny
version: "1"
title: 小表
filing_type: monthly
sector: power
sector_label: 发电
template_year: 2026
period_kind: month
certainty: G
code_prefix: TST
sections:
  - name: s
    label: 第一部分
    fields:
      - {name: amount, type: decimal, label: 数量, unit: t}
      - {name: doubled, type: decimal, label: 两倍, calculation: "amount * 2"}
"""


def write(tmp_path: Path, text: str, name: str = "form.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_definitions_all_load() -> None:
    registry = load_forms()
    assert registry.errors == []
    assert registry.get("power-monthly") is not None


def test_a_good_definition_loads(tmp_path: Path) -> None:
    spec = load_form(write(tmp_path, GOOD))
    assert spec.field("doubled").is_calculated


@pytest.mark.parametrize(
    "text, line, words",
    [
        (GOOD.replace("amount * 2", "amount *"), 16, "语法错误"),
        (GOOD.replace("amount * 2", "amout * 2"), 16, "未知字段 `amout`"),
        (GOOD.replace("amount * 2", "__import__('os')"), 16, "未知函数"),
        (GOOD.replace("type: decimal, label: 数量", "type: number, label: 数量"), 15, "取值不在允许范围内"),
        (GOOD.replace("filing_type: monthly\n", ""), 1, "缺少必填项"),
        (GOOD.replace("label: 两倍,", "label: 两倍, colour: red,"), 16, "不认识的项"),
        (
            GOOD + "  - {name: s2, label: 重复, fields: [{name: amount, type: text, label: 又一个}]}\n",
            17,
            "重复出现",
        ),
        (GOOD.replace("\n", "\n", 1).replace("sections:", "sections: [unclosed"), 12, "YAML"),
    ],
)
def test_broken_definitions_name_file_line_and_reason(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DefinitionError) as info:
        load_form(path)
    assert info.value.file == str(path)
    assert info.value.line == line, str(info.value)
    assert words in info.value.reason


def test_calculation_cycles_are_reported(tmp_path: Path) -> None:
    text = (
        GOOD.replace('calculation: "amount * 2"', 'calculation: "twice + 1"')
        + '      - {name: twice, type: decimal, label: 再算, calculation: "doubled * 2"}\n'
    )
    with pytest.raises(DefinitionError) as info:
        load_form(write(tmp_path, text))
    assert "循环" in info.value.reason


def test_empty_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="文件为空"):
        load_form(write(tmp_path, ""))
    path = tmp_path / "gbk.yaml"
    path.write_bytes(GOOD.encode("gbk"))
    with pytest.raises(DefinitionError, match="UTF-8"):
        load_form(path)


def test_a_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD.replace("id: tiny", "id: broken").replace("amount * 2", "amount +"), "b.yaml")
    registry = load_forms(tmp_path)
    assert [s.id for s in registry.all()] == ["tiny"]
    assert len(registry.errors) == 1 and registry.errors[0].file.endswith("b.yaml")
