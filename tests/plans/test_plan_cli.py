"""plan-diff, plan-copy and check-plan through the CLI contract (exit 0 / 1 / 2, one stderr line)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests run with --import-mode=importlib
import plan_helpers as h  # noqa: E402

from cets_desktop import cli  # noqa: E402
from cets_desktop.core.document import FilingDocument, read_document  # noqa: E402
from cets_desktop.core.plan_diff import change_statement, diff_plans  # noqa: E402
from cets_desktop.plan_commands import register  # noqa: E402

b = h.b
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``cli.main`` with the plan commands registered (as the lead's one-line wiring will do)."""
    original = cli.build_parser

    def build() -> argparse.ArgumentParser:
        parser = original()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "plan-diff" not in sub.choices:
            register(sub)
        return parser

    monkeypatch.setattr(cli, "build_parser", build)

    def call(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


def save(path: Path, doc: FilingDocument | dict[str, Any]) -> str:
    text = doc.to_json_text() if isinstance(doc, FilingDocument) else json.dumps(doc, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_register_adds_the_three_commands() -> None:
    parser = argparse.ArgumentParser(prog="cets-desktop")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["plan-copy", "old.json", "--year", "2028", "-o", "new.json", "--units", "1号机组,2号机组"]
    )
    assert (args.command, args.year, args.output, args.units) == (
        "plan-copy",
        2028,
        "new.json",
        "1号机组,2号机组",
    )
    args = parser.parse_args(["check-plan", "month.json", "--plan", "plan.json", "--json"])
    assert args.func.__name__ == "cmd_check_plan" and args.json
    assert parser.parse_args(["plan-diff", "a.json", "b.json"]).func.__name__ == "cmd_plan_diff"


# --------------------------------------------------------------------------------------------
# plan-diff


def test_plan_diff_prints_the_change_statement(tmp_path: Path, run: Run) -> None:
    old_values, new_values = h.revised_power_values()
    old, new = h.power_plan("2027", old_values), h.power_plan("2028", new_values)
    code, out, err = run("plan-diff", save(tmp_path / "old.json", old), save(tmp_path / "new.json", new))
    assert code == 0, err
    assert out == change_statement(diff_plans(b.spec_of("power-plan"), old, new)) + "\n"
    assert out.startswith("一、核算边界和主要排放设施描述：1. 新增机组「3号机组」")

    code, out, _ = run("plan-diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--json")
    data = json.loads(out)
    assert code == 0 and data["summary"] == {"added": 3, "removed": 1, "changed": 2}
    assert data["new"] == {"period": "2028", "version": "V4.0"}


def test_plan_diff_reads_workbooks_too(tmp_path: Path, run: Run) -> None:
    from cets_desktop.io.xlsx_template import write_workbook

    plan = h.power_plan("2027")
    workbook = tmp_path / "plan-2027.xlsx"
    write_workbook(b.spec_of("power-plan"), workbook, document=plan)
    code, out, err = run("plan-diff", save(tmp_path / "plan.json", plan), str(workbook))
    assert code == 0, err
    assert out == "两个版本的计划内容一致，未发现需要说明的修改。\n"


@pytest.mark.parametrize("other, expected", [("steel", "不是同一种计划"), ("month", "不是数据质量控制计划")])
def test_plan_diff_of_different_forms_is_unusable(
    tmp_path: Path, run: Run, other: str, expected: str
) -> None:
    doc = b.steel_plan() if other == "steel" else h.month_data(10)
    code, out, err = run(
        "plan-diff", save(tmp_path / "a.json", b.power_plan()), save(tmp_path / "b.json", doc)
    )
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err


# --------------------------------------------------------------------------------------------
# plan-copy


def test_plan_copy_writes_next_years_plan_and_reports_units(tmp_path: Path, run: Run) -> None:
    old_path = save(tmp_path / "plan-2027.json", h.power_plan("2027"))
    new_path = tmp_path / "plan-2028.json"
    code, out, err = run(
        "plan-copy", old_path, "--year", "2028", "-o", str(new_path), "--units", "1号机组，3号机组"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines == [  # sorted like validate: by severity, then path
        "[警告] PLAN-COPY-001 机组：复制的计划中机组与企业当前机组不一致：企业当前的机组「3号机组」不在计划中（计划中：1号机组、2号机组）；"
        "请在第（三）部分添加该机组及其主要设备，在数据的确定方式中逐项添加其参数，并在版本记录中选择修订情形“机组配置发生变化”",
        "[警告] PLAN-COPY-001 机组「2号机组」：复制的计划中机组与企业当前机组不一致：计划中的机组「2号机组」已不在企业当前的机组清单中"
        "（当前：1号机组、3号机组）；如已拆除、停运或改名，请删除或改正该机组及其在数据的确定方式中的参数行，"
        "并在版本记录中选择修订情形“机组配置发生变化”",
    ]
    assert "已生成 2028 年度计划" in err and "版本 V4.0" in err
    new = read_document(new_path)
    assert new.period == "2028" and new.values["revisions"][-1] == {
        "version": "V4.0",
        "revision_kind": "修订",
    }
    # The copy validates with findings until the revision row is filled in …
    code, out, _ = run("validate", str(new_path))
    assert code == 1 and "版本 V4.0 是修订版，但未选择修订情形" in out
    # … and the old plan is untouched.
    assert read_document(old_path).period == "2027"


def test_plan_copy_json(tmp_path: Path, run: Run) -> None:
    old_path = save(tmp_path / "plan.json", h.power_plan("2027"))
    code, out, _ = run(
        "plan-copy",
        old_path,
        "--year",
        "2028",
        "-o",
        str(tmp_path / "new.json"),
        "--json",
        "--units",
        "1号机组,2号机组",
    )
    data = json.loads(out)
    assert code == 0 and data["findings"] == [] and data["version"] == "V4.0"
    assert data["copied_from"]["period"] == "2027" and data["form_version"] == b.spec_of("power-plan").version


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--year", "2026"], "应晚于原计划年度 2027"),
        (["--year", "28"], "不是有效的计划年度"),
        (["--same-output"], "就是原计划"),
    ],
)
def test_plan_copy_refuses_unusable_requests(
    tmp_path: Path, run: Run, argv: list[str], expected: str
) -> None:
    old_path = save(tmp_path / "plan.json", h.power_plan("2027"))
    output = old_path if argv == ["--same-output"] else str(tmp_path / "new.json")
    extra = ["--year", "2028"] if argv == ["--same-output"] else argv
    code, out, err = run("plan-copy", old_path, *extra, "-o", output)
    assert code == 2 and len(err.strip().splitlines()) == 1 and expected in err
    assert read_document(old_path).period == "2027"


# --------------------------------------------------------------------------------------------
# check-plan


def test_check_plan_clean_month(tmp_path: Path, run: Run) -> None:
    code, out, err = run(
        "check-plan",
        save(tmp_path / "m.json", h.month_data(10)),
        "--plan",
        save(tmp_path / "p.json", h.power_plan()),
    )
    assert code == 0
    assert out == "未发现问题：本月存证与数据质量控制计划一致。\n"
    assert "错误 0 项，警告 0 项" in err


def test_check_plan_prints_warnings_like_validate_and_exits_0(tmp_path: Path, run: Run) -> None:
    data = h.month_data(10)
    data["values"]["units"][0]["fuels"][0]["ncv_route"] = "其他"
    data["evidence"] = [e for e in data["evidence"] if e["path"] != "units[0].fuels[0].carbon_content"]
    month, plan = save(tmp_path / "m.json", data), save(tmp_path / "p.json", h.power_plan())
    code, out, err = run("check-plan", month, "--plan", plan)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(
        "[警告] PLAN-LINK-002 机组「1号机组」 › 燃料「烟煤」 › 收到基元素碳含量：数据质量控制计划（2026年度 V3.0）"
    )
    assert lines[1].startswith(
        "[警告] PLAN-LINK-001 机组「1号机组」 › 燃料「烟煤」 › 低位发热量：本月机组「1号机组」 › 燃料「烟煤」"
        "的低位发热量获取方式为“其他”"
    )
    assert "警告 2 项" in err

    code, out, _ = run("check-plan", month, "--plan", plan, "--json")
    payload = json.loads(out)
    assert code == 0 and payload["summary"]["warning"] == 2
    assert {(f["code"], f["path"]) for f in payload["findings"]} == {
        ("PLAN-LINK-001", "units[0].fuels[0].ncv"),
        ("PLAN-LINK-002", "units[0].fuels[0].carbon_content"),
    }


def test_check_plan_with_validation_follows_error_findings(tmp_path: Path, run: Run) -> None:
    data = h.month_data(10)
    data["values"]["units"][1]["net_supply"] = (
        "169500.000"  # more than generated: an error in the month itself
    )
    code, out, _ = run(
        "check-plan",
        save(tmp_path / "m.json", data),
        "--plan",
        save(tmp_path / "p.json", h.power_plan()),
        "--with-validation",
    )
    assert code == 1 and "PWR-M-100" in out


@pytest.mark.parametrize(
    "plan, expected",
    [("steel", "没有与「发电设施月度信息化存证」对应的参数"), ("month", "不是数据质量控制计划")],
)
def test_check_plan_with_the_wrong_plan_is_unusable(
    tmp_path: Path, run: Run, plan: str, expected: str
) -> None:
    other = b.steel_plan() if plan == "steel" else h.month_data(9)
    code, out, err = run(
        "check-plan", save(tmp_path / "m.json", h.month_data(10)), "--plan", save(tmp_path / "p.json", other)
    )
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err
