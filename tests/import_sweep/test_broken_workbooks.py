"""The official cement workbook, filled like a user, then broken the ways users break it.

Each case runs ``cets-desktop import`` on the broken file and checks, as the user sees it: the exit
status (2 when nothing could be read, 1 when errors remain, 0 when the import is usable), the one
Chinese line that names the sheet and cell (or row) and says what to do, the value that reached
the filing where the import accepted it, and that neither the workspace nor an earlier import's
output file changed.
"""

from __future__ import annotations

import errno
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import workbooks as w
from workbooks import run

FORM = "cement-monthly"
CLINKERS = "熟料产量（按熟料类别）"
FUELS = "化石燃料（窑炉及非窑炉）"
INFO = "基本信息"
CLOSING = "期末熟料库存（t）"  # lines[0].clinkers[0].closing_stock, H2, typed 32669.50 t
CARBON = "收到基元素碳含量（%）"  # lines[0].fuels[0].carbon_content, R2, typed 60.12 %
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return w.filled_workbook(run, FORM, tmp_path_factory.mktemp("cement"))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ws") / "工作区.cetsdb"
    assert run("--workspace", str(path), "workspace", "demo").returncode == 0
    return path


def workspace_reads(path: Path) -> tuple[str, str]:
    listed = run("--workspace", str(path), "workspace", "list", "--json")
    first = run("--workspace", str(path), "workspace", "get", "1")
    assert listed.returncode == 0 and first.returncode == 0
    return listed.stdout, first.stdout


def at(doc: dict[str, Any], dotted: str) -> Any:
    target: Any = doc
    for part in dotted.split("."):
        target = target[int(part)] if part.isdigit() else target.get(part)
    return target


# --------------------------------------------------------------------------------------------
# The cases: how the file is broken, what the user must be told, what reaches the filing


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]
    exit: int
    line: tuple[str, ...] = ()
    """Words that one stderr line must hold together (severity, sheet!cell, what to do)."""
    value: tuple[str, Any] | None = None
    """(path in the imported document, expected value) where the import accepted the cell."""
    quiet: bool = False
    """The import says nothing at all about the change (nothing to tell the user)."""
    extra: dict[str, Any] = field(default_factory=dict)


def _sheet(change: Callable[[Any], None], name: str) -> Callable[[Path], Path]:
    return lambda filled: w.changed(filled, name, change)


def _cell(sheet: str, header: str, value: Any, name: str) -> Callable[[Path], Path]:
    return lambda filled: w.set_in_column(filled, name, sheet, header, value)


def _scalar(ref: str, value: Any, name: str) -> Callable[[Path], Path]:
    return lambda filled: w.set_cell(filled, name, INFO, ref, value)


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(filled: Path) -> Path:
        out = filled.with_name(name)
        out.write_bytes(data)
        return out

    return make


def _rename(wb: Any) -> None:
    wb[CLINKERS].title = "熟料产量"


def _delete(wb: Any) -> None:
    del wb[CLINKERS]


def _insert_blank(wb: Any) -> None:
    wb[CLINKERS].insert_rows(1)


def _insert_title(wb: Any) -> None:
    ws = wb[CLINKERS]
    ws.insert_rows(1, 2)
    ws["A1"] = "2026年10月熟料产量及盘库"


def _insert_info_row(wb: Any) -> None:
    wb[INFO].insert_rows(1)


def _merge_numbers(wb: Any) -> None:
    wb[CLINKERS].merge_cells("H2:H3")


def _hide_row(wb: Any) -> None:
    wb[CLINKERS].row_dimensions[3].hidden = True


def _newer_template(wb: Any) -> None:
    w.meta_rows(wb)["version"].value = "2027.1"


def _percent_format(wb: Any) -> None:
    ws = wb[FUELS]
    cell = ws.cell(w.FIRST_DATA_ROW, w.column_of(ws, CARBON))
    cell.value = 0.6012  # what Excel stores when 60.12% is typed into the cell
    cell.number_format = "0.00%"


def _formula(filled: Path) -> Path:
    return w.set_in_column(filled, "公式.xlsx", CLINKERS, CLOSING, "=D2+E2-F2-G2")


def _formula_cached(filled: Path) -> Path:
    return w.with_cached_values(_formula(filled), {"D2+E2-F2-G2": "32669.5"})


def _encrypted(filled: Path) -> Path:
    # An encrypted .xlsx is an OLE compound file holding the streams EncryptionInfo and
    # EncryptedPackage (no library here writes one; the container's head is what tells it).
    body = OLE_MAGIC + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 2048
    return _bytes("加密.xlsx", body)(filled)


def _excel_owner_file(filled: Path) -> Path:
    # Excel writes ~$名称.xlsx beside a workbook it has open: 165 bytes, the user's name inside
    body = bytes([6]) + "张晓明".encode("utf-16-le").ljust(53, b" ") + b"\0" * 111
    return _bytes("~$已填.xlsx", body)(filled)


CASES = [
    Case(
        "重命名工作表",
        _sheet(_rename, "改名.xlsx"),
        0,
        ("[警告]", "熟料产量", "改回「熟料产量（按熟料类别）」"),
        ("values.lines.0.clinkers.0.closing_stock", "32669.5"),
    ),
    Case("删除工作表", _sheet(_delete, "删表.xlsx"), 1, ("[错误]", CLINKERS, "恢复原名称", "未导入")),
    Case(
        "表头上方插入空行",
        _sheet(_insert_blank, "插入空行.xlsx"),
        0,
        ("[警告]", f"{CLINKERS}!2:2", "删除第 1 行"),
        ("values.lines.0.clinkers.0.closing_stock", "32669.5"),
    ),
    Case(
        "表头上方插入标题行",
        _sheet(_insert_title, "插入标题.xlsx"),
        0,
        ("[警告]", f"{CLINKERS}!3:3", "列标题在第 3 行", "删除第 1–2 行"),
        ("values.lines.1.clinkers.0.clinker_type", "硫（铁）铝酸盐水泥熟料"),
    ),
    Case(
        "基本信息上方插入行",
        _sheet(_insert_info_row, "基本信息插入行.xlsx"),
        0,
        (),
        ("values.cement_output", "260000"),
        quiet=True,
    ),
    Case(
        "合并数值单元格",
        _sheet(_merge_numbers, "合并.xlsx"),
        1,
        ("[错误]", f"{CLINKERS}!H2", "H2:H3", "取消合并"),
    ),
    Case(
        "千分位和单位吨",
        _cell(CLINKERS, CLOSING, "32,669.50 吨", "吨.xlsx"),
        0,
        ("[提示]", f"{CLINKERS}!H2", "已按 32669.5（单位 t）读取"),
        ("values.lines.0.clinkers.0.closing_stock", "32669.5"),
    ),
    Case(
        "紧贴的单位 t",
        _cell(CLINKERS, CLOSING, "32,669.5t", "t.xlsx"),
        0,
        ("[提示]", f"{CLINKERS}!H2", "单位与本项一致"),
        ("values.lines.0.clinkers.0.closing_stock", "32669.5"),
    ),
    Case(
        "单位千吨",
        _cell(CLINKERS, CLOSING, "32.6695 千吨", "千吨.xlsx"),
        1,
        ("[错误]", f"{CLINKERS}!H2", "「千吨」与本项单位 t 不同", "换算成 t"),
    ),
    Case(
        "单位万吨",
        _cell(CLINKERS, CLOSING, "3.26695万吨", "万吨.xlsx"),
        1,
        ("[错误]", f"{CLINKERS}!H2", "「万吨」与本项单位 t 不同"),
    ),
    Case(
        "百分数填在吨",
        _cell(CLINKERS, CLOSING, "12%", "百分数.xlsx"),
        1,
        ("[错误]", f"{CLINKERS}!H2", "「%」与本项单位 t 不同"),
    ),
    Case(
        "全角数字",
        _cell(CLINKERS, CLOSING, "３２６６９.５", "全角.xlsx"),
        0,
        ("[提示]", f"{CLINKERS}!H2", "全角字符按半角读取"),
        ("values.lines.0.clinkers.0.closing_stock", "32669.5"),
    ),
    Case(
        "中文数字",
        _cell(CLINKERS, CLOSING, "三万二千", "中文.xlsx"),
        1,
        ("[错误]", f"{CLINKERS}!H2", "不是数字", "阿拉伯数字"),
    ),
    Case(
        "百分数 61.28% 填在 % 项",
        _cell(FUELS, CARBON, "61.28%", "碳含量.xlsx"),
        0,
        ("[提示]", f"{FUELS}!R2", "已按数字 61.28 读取"),
        ("values.lines.0.fuels.0.carbon_content", "61.28"),
    ),
    Case(
        "百分比格式的单元格",
        _sheet(_percent_format, "百分比格式.xlsx"),
        0,
        ("[提示]", f"{FUELS}!R2", "百分比格式", "已按 60.12（单位 %）读取"),
        ("values.lines.0.fuels.0.carbon_content", "60.12"),
    ),
    Case(
        "基本信息里带单位",
        _scalar("D14", "1,234,567.5 吨", "水泥产量.xlsx"),
        0,
        ("[提示]", f"{INFO}!D14", "已按 1234567.5（单位 t）读取"),
        ("values.cement_output", "1234567.5"),
    ),
    Case(
        "基本信息里千吨",
        _scalar("D14", "1234.5千吨", "水泥产量千吨.xlsx"),
        1,
        ("[错误]", f"{INFO}!D14", "水泥产量", "换算成 t"),
    ),
    Case(
        "日期写成文字",
        _scalar("D8", "2026年11月5日", "日期.xlsx"),
        0,
        (),
        ("values.fill_date", "2026-11-05"),
        quiet=True,
    ),
    Case(
        "日期写成 2026/11/05",
        _scalar("D8", "2026/11/05", "日期2.xlsx"),
        0,
        (),
        ("values.fill_date", "2026-11-05"),
        quiet=True,
    ),
    Case(
        "表格里的日期写成 2026.10.15",
        _cell(FUELS, "检测报告日期", "2026.10.15", "报告日期.xlsx"),
        0,
        (),
        ("values.lines.0.fuels.0.report_date", "2026-10-15"),
        quiet=True,
    ),
    Case(
        "期间写成 2026年10月",
        _scalar("D4", "2026年10月", "期间.xlsx"),
        0,
        (),
        ("period", "2026-10"),
        quiet=True,
    ),
    Case(
        "公式没有保存结果",
        _formula,
        1,
        ("[错误]", f"{CLINKERS}!H2", "是公式", "在 Excel 中打开该文件、保存后再导入"),
    ),
    Case(
        "公式有 Excel 保存的结果",
        _formula_cached,
        0,
        (),
        ("values.lines.0.clinkers.0.closing_stock", "32669.5"),
        quiet=True,
    ),
    Case(
        "#DIV/0!",
        _cell(CLINKERS, CLOSING, "#DIV/0!", "除零.xlsx"),
        1,
        ("[错误]", f"{CLINKERS}!H2", "#DIV/0!", "修正公式"),
    ),
    Case(
        "#REF!",
        _cell(CLINKERS, CLOSING, "#REF!", "引用.xlsx"),
        1,
        ("[错误]", f"{CLINKERS}!H2", "#REF!", "修正公式"),
    ),
    Case(
        "隐藏行",
        _sheet(_hide_row, "隐藏行.xlsx"),
        0,
        ("[警告]", f"{CLINKERS}!3:3", "隐藏行", "已导入"),
        ("values.lines.1.clinkers.0.closing_stock", "13500"),
    ),
    Case(
        "较新模板版本",
        _sheet(_newer_template, "新模板.xlsx"),
        0,
        ("[警告]", "较新的模板", "2027.1", "升级本程序"),
    ),
    Case(
        ".xls 改名 .xlsx",
        lambda filled: w.copy_as(w.XLS_FIXTURE, filled.parent, "旧版.xlsx"),
        0,
        (),
        ("form", "power-monthly"),
    ),
    Case(
        ".csv 改名 .xlsx",
        _bytes("表格.xlsx", "企业名称,期间\n皖江示范水泥有限公司,2026-10\n".encode()),
        2,
        ("表格.xlsx", "CSV", "另存为“Excel 工作簿(*.xlsx)”"),
    ),
    Case(
        "GBK 的 .csv 改名 .xlsx",
        _bytes("表格gbk.xlsx", "企业名称,期间\n皖江示范水泥有限公司,2026-10\n".encode("gbk")),
        2,
        ("表格gbk.xlsx", "另存为"),
    ),
    Case("设置了打开密码", _encrypted, 2, ("加密.xlsx", "打开密码", "清除密码后另存")),
    Case("0 字节", _bytes("空.xlsx", b""), 2, ("空.xlsx", "空文件（0 字节）")),
    Case(
        "选中了 Excel 的 ~$ 占用文件",
        _excel_owner_file,
        2,
        ("~$已填.xlsx", "临时占用文件", "不带“~$”的原文件"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_import_says_what_is_wrong_where_and_keeps_the_workspace(
    case: Case, filled: Path, workspace: Path, tmp_path: Path
) -> None:
    before = workspace_reads(workspace)
    earlier = tmp_path / "上次导入.json"
    earlier.write_text('{"format": "cets-filing/1"}', encoding="utf-8")
    broken = case.make(filled)
    out = tmp_path / "导入.json"
    result = run("--workspace", str(workspace), "import", str(broken), "-o", str(out))

    assert result.returncode == case.exit, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("已导入并保存")]
    if case.line:
        assert any(all(words in line for words in case.line) for line in lines), lines
    if case.quiet:
        assert lines == [], lines
    for line in lines:  # one plain Chinese line each: no traceback, no internal names or bare tags
        assert "Traceback" not in line and ".yaml" not in line and "[R]" not in line and "[T]" not in line
    if case.exit == 2:
        assert len(lines) == 1 and not out.exists()
    else:
        doc = json.loads(out.read_text(encoding="utf-8"))
        if case.value is not None:
            assert at(doc, case.value[0]) == case.value[1]
    assert earlier.read_text(encoding="utf-8") == '{"format": "cets-filing/1"}'
    assert workspace_reads(workspace) == before


def test_a_file_held_by_another_program_is_named_and_nothing_changes(
    filled: Path, workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On Windows a workbook open in Excel cannot be opened for reading: the open call fails with a
    # sharing violation (EACCES). Running as root here, chmod would not block, so the call fails.
    import cets_desktop.core.input_files as input_files

    real_open = input_files.os.open

    def held(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path) == str(filled):
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        return int(real_open(path, *args, **kwargs))

    before = workspace_reads(workspace)
    monkeypatch.setattr(input_files.os, "open", held)
    out = tmp_path / "导入.json"
    result = run("--workspace", str(workspace), "import", str(filled), "-o", str(out))
    monkeypatch.undo()
    assert result.returncode == 2
    assert (
        filled.name in result.stderr
        and "被其他程序（如 Excel）占用" in result.stderr
        and "关闭该文件" in result.stderr
    )
    assert not out.exists()
    assert workspace_reads(workspace) == before


def test_the_cached_formula_file_really_holds_a_formula_and_its_result(filled: Path) -> None:
    # the fixture behind 公式有 Excel 保存的结果: the cell is a formula with the stored result
    with zipfile.ZipFile(_formula_cached(filled)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert any("<f>D2+E2-F2-G2</f><v>32669.5</v>" in xml for xml in sheets)


def test_preset_rows_left_untouched_do_not_block_an_appendix_5_import(tmp_path: Path) -> None:
    # a5-ammonia's template pre-fills five 投入物 rows (无烟煤 … 焦炉煤气) without a 分厂;
    # the user fills the rows they have and leaves the others as they were
    filled = w.filled_workbook(run, "a5-ammonia", tmp_path)
    result = run("import", str(filled), "-o", str(tmp_path / "a5.json"))
    assert result.returncode == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if "模板预置的行" in line]
    assert len(skipped) == 2 and all(line.startswith("[提示] 能源作为原材料的投入!") for line in skipped)
    assert "焦炉煤气" in skipped[1] and "不需要的预置行可以删除" in skipped[1]
    doc = json.loads((tmp_path / "a5.json").read_text(encoding="utf-8"))
    assert [len(ws["inputs"]) for ws in doc["values"]["workshops"]] == [2, 1]
