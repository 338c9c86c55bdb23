"""Plan subcommands of `cets-desktop`: plan-diff, plan-copy, check-plan.

``register(subparsers)`` adds them to the main parser (``cli.build_parser``). They follow the CLI
contract: exit 0 clean (warnings only), 1 error-level findings, 2 unusable input — raised as
``workflow.errors.InputError`` so ``cli.main`` prints one Chinese line. Only argparse is imported at
module level, so the CLI starts as fast as before.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FINDINGS = 0, 1


def register(subparsers: Any) -> None:
    """Add plan-diff, plan-copy and check-plan to ``subparsers`` (from ``add_subparsers``)."""
    s = subparsers.add_parser("plan-diff", help="比较数据质量控制计划的两个版本，起草修订说明")
    s.add_argument("old", help="原计划（JSON 或填好的 Excel 模板）")
    s.add_argument("new", help="新计划")
    s.add_argument("--json", action="store_true", help="输出结构化的修改清单、建议的修订情形和修订说明")
    s.set_defaults(func=cmd_plan_diff)

    s = subparsers.add_parser("plan-copy", help="以上一年度计划为底稿，生成新年度的数据质量控制计划")
    s.add_argument("old", help="上一年度计划（JSON 或填好的 Excel 模板）")
    s.add_argument("--year", required=True, type=int, help="新计划年度，如 2028")
    s.add_argument("-o", "--output", required=True, help="新计划文件（JSON）")
    s.add_argument(
        "--units", help="企业当前的机组/工序/生产线/电解系列，逗号分隔，如 1号机组,2号机组；与计划核对"
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_plan_copy)

    s = subparsers.add_parser(
        "check-plan", help="核对月度存证是否符合数据质量控制计划（获取方式、支撑材料、机组和燃料）"
    )
    s.add_argument("file", help="月度存证（JSON 或填好的 Excel 模板）")
    s.add_argument("--plan", required=True, help="本年度数据质量控制计划（JSON 或填好的 Excel 模板）")
    s.add_argument("--with-validation", action="store_true", help="同时列出月度存证本身的校验结果")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_check_plan)


# --------------------------------------------------------------------------------------------


def _load(path: str) -> Any:
    from .core.loader import default_registry
    from .workflow.inputs import load_input

    return load_input(path, default_registry())


def _require_plan(loaded: Any, what: str) -> None:
    from .workflow.errors import InputError

    if loaded.spec.filing_type != "plan":
        raise InputError(
            f"{loaded.source_path} 是「{loaded.spec.title}」，不是数据质量控制计划；{what}请选择计划文件"
        )


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _print_findings(findings: list[Any], stream: Any = None) -> None:
    from .core.findings import SEVERITY_LABELS

    stream = stream or sys.stdout
    for f in findings:
        ack = f"（已确认：{f.acknowledged}）" if f.acknowledged else ""
        print(
            f"[{SEVERITY_LABELS.get(f.severity, f.severity)}] {f.code} {f.location or f.path}：{f.message}{ack}",
            file=stream,
        )


def _import_problems(*loaded: Any) -> None:
    for item in loaded:
        for f in item.import_findings:
            print(
                f"[导入] {item.source_path.name if item.source_path else ''} {f.location} {f.message}",
                file=sys.stderr,
            )


def cmd_plan_diff(args: argparse.Namespace) -> int:
    from .core.plan_diff import change_statement, diff_plans
    from .workflow.errors import InputError

    old, new = _load(args.old), _load(args.new)
    _require_plan(old, "")
    _require_plan(new, "")
    if old.document.form != new.document.form:
        raise InputError(
            f"两个文件不是同一种计划（「{old.spec.title}」和「{new.spec.title}」）；只能比较同一计划的两个版本"
        )
    _import_problems(old, new)
    diff = diff_plans(new.spec, old.document, new.document)
    if args.json:
        _print_json(diff.to_json())
    else:
        print(change_statement(diff))
    return EXIT_OK


_SPLIT = re.compile(r"[,，、;；]")


def cmd_plan_copy(args: argparse.Namespace) -> int:
    from .core.document import write_document
    from .core.findings import sort_findings, summarize
    from .core.loader import default_registry
    from .core.plan_copy import copy_findings, copy_plan_for_year
    from .core.plan_diff import latest_version
    from .workflow.errors import InputError

    old = _load(args.old)
    _require_plan(old, "")
    _import_problems(old)
    old_year = old.document.year
    if not 2000 <= args.year <= 2100:
        raise InputError(f"--year {args.year} 不是有效的计划年度；请写四位年份，如 {old_year + 1}")
    if args.year <= old_year:
        raise InputError(f"新计划年度 {args.year} 应晚于原计划年度 {old_year}；如 --year {old_year + 1}")
    out = Path(args.output)
    if old.source_path is not None and out.resolve() == Path(old.source_path).resolve():
        raise InputError(f"输出文件 {out} 就是原计划；请另存为新文件，原计划保持不变")
    spec = default_registry().for_period(old.document.form, str(args.year)) or old.spec
    units = [u.strip() for u in _SPLIT.split(args.units) if u.strip()] if args.units is not None else None
    doc = copy_plan_for_year(spec, old.document, args.year, units)
    findings = sort_findings(copy_findings(spec, doc))
    write_document(doc, out)
    version = latest_version(doc.values)
    if spec.template_year < args.year:
        print(
            f"注意：尚无 {args.year} 年的「{spec.title}」模板，暂按 {spec.template_year} 年模板（{spec.version}）复制；"
            "新模板发布后请在程序中打开本计划核对",
            file=sys.stderr,
        )
    if args.json:
        _print_json(
            {
                "output": str(out),
                "form": spec.id,
                "form_version": spec.version,
                "period": doc.period,
                "version": version,
                "copied_from": doc.meta.get("copied_from"),
                "summary": summarize(findings),
                "findings": [f.to_json() for f in findings],
            }
        )
    else:
        _print_findings(findings)
        print(
            f"已生成 {args.year} 年度计划 {out}（版本 {version}，由 {old_year} 年度计划复制）；"
            "请填写修订日期、修订内容、修订情形和原因（可用 plan-diff 起草修订说明）",
            file=sys.stderr,
        )
    return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else EXIT_OK


def cmd_check_plan(args: argparse.Namespace) -> int:
    from .core.findings import sort_findings, summarize
    from .workflow.evaluation import coherence_for, evaluate_input

    month, plan = _load(args.file), _load(args.plan)
    _require_plan(plan, "--plan ")
    _import_problems(plan)
    findings = coherence_for(month, plan)
    if args.with_validation:
        findings = evaluate_input(month, extra=findings).findings
    else:
        findings = sort_findings(findings)
    summary = summarize(findings)
    if args.json:
        _print_json(
            {
                "form": month.spec.id,
                "period": month.document.period,
                "plan": {"form": plan.spec.id, "period": plan.document.period},
                "summary": summary,
                "findings": [f.to_json() for f in findings],
            }
        )
    else:
        if not findings:
            print("未发现问题：本月存证与数据质量控制计划一致。")
        _print_findings(findings)
        print(
            f"错误 {summary['error']} 项，警告 {summary['warning']} 项（已确认 {summary['warning_acknowledged']} 项），"
            f"提示 {summary['info']} 项",
            file=sys.stderr,
        )
    return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else EXIT_OK
