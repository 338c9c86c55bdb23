"""Evidence subcommand of `cets-desktop`: the window's 批量附上… and 从上月沿用… from the command line.

    cets-desktop --workspace W evidence list  --filing 10 [--json]
    cets-desktop --workspace W evidence attach --filing 10 月报.pdf 台账.pdf [--fields P,P] [--kind K]
    cets-desktop --workspace W evidence carry  --filing 10 --file 检定证书.pdf --reason 理由

``attach`` without ``--fields`` maps each file to the fields its kind and name point at (the
prefilled mapping the window shows); every change is saved as one revision with a reason. Logic
lives in ``workflow.evidence``; this module only reads arguments and prints. Exit 0 done, 2
unusable input (``InputError``, one Chinese line from ``cli.main``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

EXIT_OK = 0


def register(subparsers: Any) -> None:
    """Add ``evidence list|attach|carry`` to ``subparsers`` (from ``add_subparsers``)."""
    s = subparsers.add_parser(
        "evidence", help="工作区填报的支撑材料：list 列出 / attach 一份文件对应多项 / carry 从上期沿用"
    )
    actions = s.add_subparsers(dest="action", required=True, metavar="list|attach|carry")
    for name, helptext in (
        ("list", "列出已附的文件（每份文件对应的数据项）和缺少支撑材料的项"),
        ("attach", "附上文件：一份文件可对应多个数据项、多台机组"),
        ("carry", "把上期跨月有效的文件（如年度检定证书）沿用到本期，写明理由"),
    ):
        a = actions.add_parser(name, help=helptext)
        a.add_argument("--filing", type=int, required=True, help="工作区填报编号（见 workspace list）")
        if name == "attach":
            a.add_argument("files", nargs="+", help="要附上的文件")
            a.add_argument("--fields", help="对应的字段路径，逗号分隔；省略则按材料类型和文件名推荐")
            a.add_argument("--kind", help="材料类型（如 盖章生产报表）：勾选定义中列出该类型的项")
            a.add_argument("--reason", help="保存原因（记入审计日志）")
        if name == "carry":
            a.add_argument("--file", action="append", default=[], help="上期的文件名（可重复）")
            a.add_argument("--reason", required=True, help="沿用理由（记入本期填报，随申报包提交）")
        if name == "list":
            a.add_argument("--json", action="store_true")
        a.set_defaults(func=cmd_evidence)


def cmd_evidence(args: argparse.Namespace) -> int:
    from .workflow import evidence as flow
    from .workflow.desk import Desk
    from .workflow.errors import InputError

    with Desk.open_existing(args.workspace, read_only=args.action == "list") as desk:
        filing = desk.require_filing(args.filing)
        spec = desk.definition(filing)
        if spec is None:
            raise InputError(f"找不到填报 #{filing.id} 适用的表单定义")
        document = desk.document(filing.id)
        targets = flow.evidence_targets(spec, document)
        if args.action == "list":
            return _list(flow, document, targets, args.json)
        if args.action == "attach":
            files = [Path(f) for f in args.files]
            missing = [str(f) for f in files if not f.is_file()]
            if not files or missing:
                raise InputError(f"找不到要附上的文件：{'、'.join(missing) or '（未给出）'}")
            plans = flow.plan_files(files, targets)
            if args.fields:
                paths = [p.strip() for p in args.fields.split(",") if p.strip()]
                known = {t.path for t in targets}
                unknown = [p for p in paths if p not in known]
                if unknown:
                    raise InputError(
                        f"这些字段本填报不需要支撑材料或不存在：{'、'.join(unknown)}（见 evidence list）"
                    )
                plans = [flow.FilePlan(p.source, list(paths), args.kind or p.kind) for p in plans]
            elif args.kind:
                plans = [
                    flow.FilePlan(
                        p.source, flow.suggested_paths(p.source.name, targets, args.kind), args.kind
                    )
                    for p in plans
                ]
            empty = [p.source.name for p in plans if not p.paths]
            if empty:
                raise InputError(
                    f"无法判断「{'」「'.join(empty)}」对应哪些数据项；请用 --fields 或 --kind 指定"
                )
            stored = flow.store_files(desk, [p.source for p in plans])
            document["evidence"] = flow.attach_plans(document.get("evidence") or [], plans, stored, targets)
            text = flow.attach_summary(plans, targets)
        else:
            candidates = flow.previous_carry_candidates(desk, filing.id, document)
            if not args.file:
                names = "、".join(c.document.name for c in candidates) or "（上期没有支撑材料）"
                raise InputError(f"请用 --file 指定要沿用的上期文件：{names}")
            picked = [c for c in candidates if c.document.name in args.file]
            unknown = [n for n in args.file if n not in {c.document.name for c in candidates}]
            if unknown:
                raise InputError(f"上期没有这些文件：{'、'.join(unknown)}")
            document["evidence"] = flow.carry_over(
                document.get("evidence") or [], picked, args.reason or "", targets, by=desk.actor
            )
            text = flow.carry_summary(picked)
        result = desk.save(
            filing.id, document, args.reason if args.action == "attach" and args.reason else text
        )
        print(f"已{text}（第 {result.number} 版）")
        return EXIT_OK


def _list(flow: Any, document: dict[str, Any], targets: list[Any], as_json: bool) -> int:
    from .core.workspace_checks import period_label

    docs = flow.evidence_documents(document.get("evidence") or [])
    lacking = [t for t in targets if t.missing]
    if as_json:
        print(
            json.dumps(
                {
                    "documents": [
                        {
                            "name": d.name,
                            "sha256": d.sha256,
                            "kind": d.kind,
                            "paths": list(d.paths),
                            **({"carried": dict(d.carried)} if d.carried else {}),
                        }
                        for d in docs
                    ],
                    "missing": [
                        {"path": t.path, "location": t.location, "kinds": list(t.kinds)} for t in lacking
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    for d in docs:
        carried = f"，沿用自{period_label(d.carried_period)}：{d.carried_reason}" if d.carried else ""
        print(f"{d.name}（对应 {len(d.paths)} 项{carried}）")
        for path in d.paths:
            print(f"  {path}")
    print(f"缺少支撑材料的项：{len(lacking)}")
    for t in lacking:
        print(f"  {t.path}  {t.location}（{'、'.join(t.kinds) or '支撑材料'}）")
    return EXIT_OK
