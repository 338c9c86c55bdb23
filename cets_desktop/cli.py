"""`cets-desktop`: no arguments opens the window; subcommands run headless.

The command line is a contract that batch users, tests and benchmarks rely on (README §CLI):
exit status 0 = clean, 1 = error-level findings (or a failed verification), 2 = unusable input,
with one Chinese line on stderr saying why and what to do, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import APP_NAME, __version__

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


class UsageError(Exception):
    """Bad command-line input; the message is one Chinese line."""


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _registry() -> Any:
    from .workflow.definitions import registry

    return registry()


def _load(path: str | None, args: argparse.Namespace) -> Any:
    """A file (filing JSON or workbook), or with ``--filing`` a workspace filing with the checks
    only the workspace can make (evidence reused across months or missing from the store)."""
    if getattr(args, "filing", None) is not None:
        with _desk(args) as desk:
            return desk.loaded(args.filing)
    if not path:
        raise UsageError("请给出填报文件，或用 --workspace 工作区 --filing 编号 指定工作区中的填报")
    from .workflow.inputs import load_input

    return load_input(
        path, expected_period=getattr(args, "period", None), expected_form=getattr(args, "form", None)
    )


def _desk(args: argparse.Namespace, read_only: bool = True) -> Any:
    from .workflow.desk import Desk

    return Desk.open_existing(args.workspace, read_only=read_only)


def _previous(args: argparse.Namespace) -> Any:
    prev = getattr(args, "previous_filing", None)
    if not prev:
        return None
    from .workflow.inputs import load_input

    return load_input(prev).document


def _plan(args: argparse.Namespace) -> Any:
    plan = getattr(args, "plan", None)
    if not plan:
        return None
    from .workflow.inputs import load_input

    return load_input(plan)


def _evaluate(args: argparse.Namespace) -> Any:
    """Every finding, in one pass: a workspace filing exactly as the window evaluates it
    (Desk.evaluate), or a file with the previous period and plan the user named."""
    if getattr(args, "filing", None) is not None:
        with _desk(args) as desk:
            return desk.evaluate(args.filing, plan=_plan(args), previous=_previous(args))
    from .workflow.evaluation import coherence_for, evaluate_input

    loaded = _load(args.file, args)
    plan = _plan(args)
    return evaluate_input(loaded, previous=_previous(args), extra=coherence_for(loaded, plan) if plan else [])


# --------------------------------------------------------------------------------------------
# Commands


_FILING_TYPE_WORDS = {"monthly": "月度存证", "plan": "质量控制计划", "supplementary": "补充数据表"}


def cmd_forms(args: argparse.Namespace) -> int:
    # The forms index (core.forms_index): meta data cached from the definitions, so listing them
    # parses no YAML and imports no pydantic; the same answers as loading every definition.
    from .core.forms_index import forms_index

    index = forms_index()
    rows = [
        {
            "id": e.form_id,
            "version": e.version,
            "title": e.title,
            "filing_type": e.kind,
            "sector": e.sector,
            "sector_label": e.sector_label,
            "template_year": e.template_year,
            "period_kind": e.period_kind,
            "certainty": e.certainty,
            "weakest_certainty": e.weakest_certainty,
        }
        for e in index.entries
    ]
    problems = index.error_texts()
    if args.json:
        _print_json({"forms": rows, "definition_errors": problems})
    else:
        for e in index.entries:
            kind = _FILING_TYPE_WORDS.get(e.kind, e.kind)
            print(
                f"{e.form_id:<22} {e.template_year}  {kind:<7} {e.sector_label:<6} {e.title}（{e.certainty_text}）"
            )
        for p in problems:
            print(f"定义文件有误，已跳过：{p}", file=sys.stderr)
    return EXIT_OK


def _get_spec(form: str, period: str | None = None) -> Any:
    """The template for ``period`` (the one rule: workflow.definitions), else the newest."""
    from .workflow.definitions import definition_for, latest_definition

    return definition_for(form, period) if period else latest_definition(form)


def schema_rows(spec: Any) -> list[dict[str, Any]]:
    out = []
    for f in spec.all_fields():
        src = spec.resolve_source(f.source)
        out.append(
            {
                "path": f.path,
                "name": f.name,
                "label": f.label,
                "row": f.row,
                "unit": f.unit,
                "type": f.type,
                "decimals": f.decimals,
                "choices": [{"value": c.value, "label": c.text} for c in spec.choice_list(f)]
                if f.choices
                else [],
                "required": f.required is True,
                "required_when": f.required if isinstance(f.required, str) else None,
                "relevant": f.relevant,
                "calculated": f.calculation is not None,
                "calculation": f.calculation,
                "hint": f.hint,
                "evidence": f.evidence.model_dump(exclude_none=True) if f.evidence else None,
                "source": (
                    {
                        "doc": src.doc,
                        "section": src.section,
                        "year": src.year,
                        "certainty": src.certainty,
                        "text": src.cite(),
                    }
                    if src
                    else None
                ),
            }
        )
    return out


def cmd_schema(args: argparse.Namespace) -> int:
    spec = _get_spec(args.form)
    rows = schema_rows(spec)
    if args.json:
        _print_json(
            {
                "form": spec.id,
                "version": spec.version,
                "title": spec.title,
                "template_year": spec.template_year,
                "certainty": spec.certainty,
                "fields": rows,
            }
        )
    else:
        for r in rows:
            flag = "计算" if r["calculated"] else ("必填" if r["required"] else "")
            unit = f"（{r['unit']}）" if r["unit"] else ""
            cert = f"[{r['source']['certainty']}]" if r["source"] else ""
            print(f"{r['path']:<48} {r['type']:<11} {r['label']}{unit} {flag} {cert}")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .workflow.documents import choice_summary, default_period, new_document

    spec = _get_spec(args.form, args.period)
    period = args.period or default_period(spec)
    spec = _get_spec(args.form, period)
    enterprise = {k: v for k, v in {"name": args.enterprise_name, "uscc": args.uscc}.items() if v}
    doc = new_document(spec, period, enterprise)
    print(f"采用{choice_summary(spec, period)}", file=sys.stderr)
    if args.output:
        from .core.document import write_document

        write_document(doc, args.output)
        print(f"已创建 {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(doc.to_json_text())
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from .io.xlsx_template import write_workbook

    spec = _get_spec(args.form, args.period)
    document = None
    if args.period or args.enterprise_name or args.uscc:
        from .workflow.documents import default_period, new_document

        period = args.period or default_period(spec)
        spec = _get_spec(args.form, period)
        document = new_document(
            spec, period, {k: v for k, v in {"name": args.enterprise_name, "uscc": args.uscc}.items() if v}
        )
    write_workbook(spec, Path(args.output), document=document)
    print(f"已生成模板 {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    loaded = _load(args.file, args)
    for f in loaded.import_findings:
        print(f"[{_sev(f.severity)}] {f.location} {f.message}", file=sys.stderr)
    if args.output:
        from .core.document import write_document

        write_document(loaded.document, args.output)
        print(f"已导入并保存到 {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(loaded.document.to_json_text())
    return EXIT_FINDINGS if any(f.severity == "error" for f in loaded.import_findings) else EXIT_OK


def _sev(severity: str) -> str:
    from .core.findings import SEVERITY_LABELS

    return SEVERITY_LABELS.get(severity, severity)


def cmd_validate(args: argparse.Namespace) -> int:
    from .workflow.evaluation import findings_json

    ev = _evaluate(args)
    if args.json:
        _print_json(findings_json(ev))
    else:
        if not ev.findings:
            print("未发现问题。")
        for f in ev.findings:
            ack = f"（已确认：{f.acknowledged}）" if f.acknowledged else ""
            print(f"[{_sev(f.severity)}] {f.code} {f.location or f.path}：{f.message}{ack}")
            if args.verbose and f.source:
                print(f"        依据：{f.source}")
        s = findings_json(ev)["summary"]
        print(
            f"错误 {s['error']} 项，警告 {s['warning']} 项（已确认 {s['warning_acknowledged']} 项），提示 {s['info']} 项",
            file=sys.stderr,
        )
    return EXIT_FINDINGS if ev.errors else EXIT_OK


def cmd_ack(args: argparse.Namespace) -> int:
    """Acknowledge warnings with a written reason, stored in the filing (travels in the package)."""
    from .core.document import Acknowledgement, write_document
    from .workflow.acknowledgements import warning_targets, with_acknowledgements

    if not args.file.lower().endswith(".json"):
        raise UsageError("只能在填报 JSON 文件中记录确认理由；Excel 请先用 import 转换")
    ev = _evaluate(args)
    targets = warning_targets(ev, args.code, args.path)
    doc = ev.document
    rows = with_acknowledgements(
        [a.model_dump(exclude_none=True) for a in doc.acknowledgements],
        [(f.code, f.path) for f in targets],
        args.reason,
    )
    doc.acknowledgements = [Acknowledgement.model_validate(r) for r in rows]
    write_document(doc, args.file)
    print(f"已确认 {len(targets)} 项警告 {args.code}，理由已记入 {args.file}")
    return EXIT_OK


def cmd_calc(args: argparse.Namespace) -> int:
    from .workflow.evaluation import calc_output

    ev = _evaluate(args)
    out = calc_output(ev)
    if args.json:
        _print_json(out)
    else:
        for f in ev.spec.all_fields():
            if f.calculation and not f.scope:
                from .core.numbers import format_decimal

                value = ev.values.get(f.name)
                print(
                    f"{f.label}：{format_decimal(value, f.decimals) if value is not None and not isinstance(value, str) else value or '—'} {f.unit or ''}"
                )
        print("（完整结果请加 --json）", file=sys.stderr)
    return EXIT_FINDINGS if ev.errors else EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    from .workflow.evaluation import explanations

    ev = _evaluate(args)
    expl = explanations(ev)
    items = {
        k: v for k, v in expl.items() if not args.path or k == args.path or k.startswith(args.path + ".")
    }
    if args.json:
        _print_json({k: v.to_json() for k, v in items.items()})
        return EXIT_OK
    from .core.calc import explanation_lines

    for e in items.values():
        print("\n".join(explanation_lines(ev.spec, e)))
    return EXIT_OK


def cmd_pdf(args: argparse.Namespace) -> int:
    from .io.pdf_report import render_pdf
    from .workflow.evaluation import explanations

    ev = _evaluate(args)
    draft = args.draft or bool(ev.errors)
    result = render_pdf(
        ev.spec,
        ev,
        Path(args.output),
        explanations=explanations(ev),
        evidence=[e.model_dump() for e in ev.document.evidence],
        draft=draft,
    )
    missing = getattr(result, "missing_glyphs", None)
    if missing:
        print(
            f"注意：字体缺少这些字符，打印时将显示为空白：{''.join(sorted(missing))}；请在设置中换用字库更全的中文字体",
            file=sys.stderr,
        )
    print(
        f"已生成 {args.output}" + ("（含错误，标注“草稿”）" if draft and not args.draft else ""),
        file=sys.stderr,
    )
    return EXIT_FINDINGS if ev.errors else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    last = [-1]

    def progress(done: int, total: int) -> None:
        if args.quiet or total <= 0:
            return
        pct = done * 100 // total
        if pct >= last[0] + 10:
            last[0] = pct
            print(f"\r导出中… {pct}%", end="", file=sys.stderr, flush=True)

    from .workflow import export_start

    if args.filing is not None and args.workspace:
        # The evidence starts streaming into the package before the engine, the workbook and
        # the report are imported (workflow/export_start.py); the export takes it over.
        export_start.start_for_filing(args.workspace, args.filing, args.output, progress)
    try:
        return _export(args, progress, last)
    finally:
        export_start.discard()  # a copy the export did not take (it stopped before) goes


def _export(args: argparse.Namespace, progress: Any, last: list[int]) -> int:
    from .workflow.errors import ExportBlocked
    from .workflow.export import export_package, sha256_file

    try:
        if args.filing is not None:
            # From the workspace: evidence from its store, the chain from its last package, and
            # the state 已导出 recorded — the same call the window's export wizard makes.
            with _desk(args, read_only=False) as desk:
                outcome = desk.export(
                    args.filing,
                    args.output,
                    draft=args.draft,
                    sign=not args.no_sign,
                    require_signature=args.require_signature,
                    previous_package=args.previous,
                    progress=progress,
                )
        else:
            loaded = _load(args.file, args)
            sizes = {ref.sha256: ref.size for ref in loaded.document.evidence if ref.size > 0}
            resolver = _dir_resolver(Path(args.evidence_dir), sizes) if args.evidence_dir else None
            outcome = export_package(
                loaded,
                args.output,
                draft=args.draft,
                previous=_previous(args),
                previous_package_sha256=sha256_file(Path(args.previous)) if args.previous else None,
                evidence_resolver=resolver,
                sign=not args.no_sign,
                require_signature=args.require_signature,
                progress=progress,
            )
    except ExportBlocked as exc:
        if last[0] >= 0:
            print(file=sys.stderr)
        for f in exc.findings[:50]:
            print(f"[{_sev(f.severity)}] {f.code} {f.location or f.path}：{f.message}", file=sys.stderr)
        print(exc.message, file=sys.stderr)
        return EXIT_FINDINGS
    if last[0] >= 0:
        print(file=sys.stderr)
    if outcome.unsigned_reason and not args.no_sign:
        print(f"注意：申报包未签名。{outcome.unsigned_reason}", file=sys.stderr)
    info = {
        "package": str(outcome.package_path),
        "sha256": outcome.sha256,
        "signed": outcome.signed,
        "draft": outcome.draft,
        "summary": outcome.summary,
    }
    if args.json:
        _print_json(info)
    else:
        print(
            f"已导出 {outcome.package_path}{'（草稿）' if outcome.draft else ''}，SHA-256 {outcome.sha256}"
            + ("" if outcome.signed else "，未签名")
        )
    return EXIT_OK


def _dir_resolver(folder: Path, sizes: dict[str, int]) -> Callable[[str, str], Path | None]:
    """Evidence from ``--evidence-dir``, chosen by name and size without reading it: the package
    hashes each file once, while copying it, and stops naming it if it is not the attached
    content. Only a file that is not there under its name (renamed, in a subfolder) is searched
    for, and then only files of the attached size are hashed to tell them apart."""
    from .workflow.export import sha256_file

    def resolve(sha256: str, name: str) -> Path | None:
        size = sizes.get(sha256)
        candidate = folder / name
        try:
            if candidate.is_file() and (size is None or candidate.stat().st_size == size):
                return candidate
        except OSError:
            pass
        for p in sorted(folder.rglob("*")):
            try:
                if not p.is_file():
                    continue
                found = p.stat().st_size
            except OSError:
                continue
            if (found == size if size is not None else found > 0) and sha256_file(p) == sha256:
                return p
        return None

    return resolve


def cmd_verify(args: argparse.Namespace) -> int:
    from .io.package import normalize_fingerprint, verify_package

    path = Path(args.package)
    if not path.exists():
        raise UsageError(f"找不到申报包 {path}")
    if args.previous and not Path(args.previous).exists():
        raise UsageError(f"找不到上一期申报包 {args.previous}")
    expected = None
    if args.expect_fingerprint:
        expected = normalize_fingerprint(args.expect_fingerprint)
        if expected is None:
            raise UsageError(
                f"密钥指纹应为 16 位十六进制数字（如 1a2b 3c4d 5e6f 7a8b），现为「{args.expect_fingerprint}」"
            )
    accept = None
    if args.accept_key_change is not None:
        accept = " ".join(args.accept_key_change.split())
        if not accept:
            raise UsageError("--accept-key-change 需要写明原因，例如“企业更换电脑，已电话核实新指纹”")
    workspace = _trust_workspace(args)
    note = None
    try:
        report = verify_package(
            path,
            Path(args.previous) if args.previous else None,
            require_signature=args.require_signature,
            expected_fingerprint=expected,
            trust=workspace,
            accept_key_change=accept,
        )
        if workspace is not None:
            note = _remember_key(workspace, report, accept, path)
    finally:
        if workspace is not None:
            workspace.close()
    errors = [p for p in report.problems if p.severity == "error"]
    if args.json:
        _print_json(
            {
                "ok": report.ok,
                "signed": report.signed,
                "fingerprint": report.fingerprint,
                "sha256": report.sha256,
                "enterprise_uscc": report.enterprise_uscc,
                "previous_fingerprint": report.previous_fingerprint,
                "key_change_accepted": report.key_change_accepted,
                "workspace_note": note,
                "problems": [vars(p) for p in report.problems],
            }
        )
    else:
        for p in report.problems:
            print(f"[{_sev(p.severity)}] {p.code} {p.path or ''}：{p.message}")
        if report.ok:
            signed = f"签名有效（公钥指纹 {report.fingerprint}）" if report.signed else "未签名"
            print(f"校验通过：{path.name}，{signed}，SHA-256 {report.sha256}")
        else:
            print(f"校验未通过：{path.name} 有 {len(errors)} 个问题")
        if note:
            print(note)
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _trust_workspace(args: argparse.Namespace) -> Any:
    """With --workspace, the workspace remembers each enterprise's signing key (read-only media:
    it is still consulted, nothing is remembered)."""
    if not args.workspace:
        return None
    from .store.errors import ErrorKind, WorkspaceError
    from .store.workspace import Workspace

    try:
        return Workspace.open(Path(args.workspace), create=False)
    except WorkspaceError as exc:
        if exc.kind != ErrorKind.READ_ONLY:
            raise
        return Workspace.open(Path(args.workspace), create=False, read_only=True)


def _remember_key(workspace: Any, report: Any, accept: str | None, path: Path) -> str | None:
    uscc, fp = report.enterprise_uscc, report.fingerprint
    if not (report.ok and report.signed and uscc and fp) or workspace.read_only:
        return None
    public_key = str(((report.manifest or {}).get("signing") or {}).get("public_key", ""))
    if report.key_change_accepted and accept:
        old = workspace.record_key_change(
            uscc, fp, accept, public_key=public_key, source=path.name, previous=report.previous_fingerprint
        )
        return f"已在工作区记录企业 {uscc} 的密钥更换：{old or '（无记录）'} → {fp}（{accept}）"
    if workspace.remember_signing_key(uscc, fp, public_key, source=path.name):
        return f"已在工作区记住企业 {uscc} 的签名密钥指纹 {fp}；以后该企业的提交包必须使用同一密钥，换密钥须记录原因"
    return None


def cmd_calendar(args: argparse.Namespace) -> int:
    from datetime import date

    from .core.deadlines import calendar_for

    today = date.fromisoformat(args.today) if args.today else date.today()
    year = args.year or today.year
    local = args.local_days
    if local is None and args.enterprise:
        local = _enterprise_local_days(args)
    if local is not None and not 1 <= local <= 40:
        raise UsageError("--local-days 应在 1–40 之间（本地要求的月度上传天数，如 20）")
    tables: tuple[str, ...] = ()
    if args.industry:
        from .core.applicability import assess

        # One Appendix 5 card per sub-table the industry code files (the 附件4 list).
        tables = tuple(t["table"] for t in assess(args.industry, None).tables)
    items = [d.to_json(today) for d in calendar_for(year, local, tables=tables)]
    if args.json:
        _print_json(
            {"year": year, "today": today.isoformat(), "local_monthly_days": local, "deadlines": items}
        )
    else:
        for d in items:
            left = d["days_left"]
            status = f"已逾期 {-left} 天" if left < 0 else f"剩余 {left} 天"
            print(f"{d['due']}  {d['title']:<28} {status}")
    return EXIT_OK


def _enterprise_local_days(args: argparse.Namespace) -> int | None:
    from .workflow.status import local_days

    with _desk(args) as desk:
        return local_days(_pick_enterprise(desk, args.enterprise))


def _pick_enterprise(desk: Any, text: str) -> Any:
    """``--enterprise``: a workspace id, unified social credit code or name (Desk.find_enterprise),
    else the one enterprise whose name contains the text; a clear line naming the choices when
    none or several match."""
    found = desk.find_enterprise(text)
    if found is not None:
        return found
    wanted = "".join(str(text).split()).casefold()
    everyone = list(desk.list_enterprises())

    def choices(items: list[Any]) -> str:
        shown = "；".join(f"{e.name}（编号 {e.id}，{e.uscc}）" for e in items[:10])
        return shown + (f" 等 {len(items)} 家" if len(items) > 10 else "")

    matches = [e for e in everyone if wanted and wanted in "".join(e.name.split()).casefold()]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UsageError(
            f"「{text}」与工作区中 {len(matches)} 家企业的名称相符：{choices(matches)}；请写全称、统一社会信用代码或编号"
        )
    if not everyone:
        raise UsageError(f"工作区中没有企业「{text}」：工作区里还没有企业（用窗口或 workspace put 添加）")
    raise UsageError(
        f"工作区中没有企业「{text}」；可选：{choices(everyone)}（按名称、统一社会信用代码或编号查找）"
    )


def cmd_applicability(args: argparse.Namespace) -> int:
    from dataclasses import asdict
    from decimal import Decimal, InvalidOperation

    from .core.applicability import assess, describe

    try:
        emissions = Decimal(args.emissions) if args.emissions is not None else None
    except InvalidOperation:
        raise UsageError(f"--emissions 应为数字（年度排放量，tCO2e），现为「{args.emissions}」") from None
    try:
        energy = Decimal(args.energy_tce) if args.energy_tce is not None else None
    except InvalidOperation:
        raise UsageError(
            f"--energy-tce 应为数字（综合能源消费量，吨标准煤），现为「{args.energy_tce}」"
        ) from None
    result = assess(args.industry, emissions, captive_power=args.captive_power, energy_tce=energy)
    if args.json:
        _print_json(asdict(result))
    else:
        import re

        text = re.sub(r"<li>", "\n  · ", describe(result))
        text = re.sub(r"</p>|<br\s*/?>", "\n", text)
        print(re.sub(r"<[^>]+>", "", text).strip())
    return EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    from .core.binding import bound

    rows = []
    for spec in _registry().all():
        if args.form and spec.id != args.form:
            continue
        for bc in bound(spec).checks:
            c = bc.check
            src = spec.resolve_source(c.source) or (
                spec.resolve_source(bc.field_spec.source) if bc.field_spec else None
            )
            rows.append(
                {
                    "form": spec.id,
                    "version": spec.version,
                    "code": c.code,
                    "severity": c.severity,
                    "kind": c.kind,
                    "scope": ".".join(f.name for f in bc.scope_fields),
                    "field": bc.target,
                    "assert": c.assert_,
                    "when": c.when,
                    "message": c.message,
                    "source": src.cite() if src else "",
                }
            )
    if args.json:
        _print_json({"rules": rows})
    else:
        for r in rows:
            print(
                f"{r['code']:<12} {_sev(r['severity'])}  {r['form'] + '@' + r['version']:<26} {r['message'][:70]}"
            )
    return EXIT_OK


def cmd_workspace(args: argparse.Namespace) -> int:
    from .workflow.desk import Desk
    from .workflow.records import default_workspace_path

    path = Path(args.workspace) if args.workspace else default_workspace_path()
    if args.action == "demo":
        from .demo import build_demo_workspace

        built = build_demo_workspace(path)
        print(f"已创建演示工作区 {built}")
        return EXIT_OK
    if args.action in ("backup", "restore"):
        return _workspace_backup_restore(args, path)
    if args.action == "init":
        path.parent.mkdir(parents=True, exist_ok=True)
        with Desk.open(path, create=True):
            pass
        print(f"工作区：{path}")
        return EXIT_OK
    if args.action == "get":
        if not args.target:
            raise UsageError("用法：workspace get 填报编号 [-o 文件]（编号见 workspace list）")
        try:
            filing_id = int(args.target)
        except ValueError:
            raise UsageError(f"填报编号应为数字（见 workspace list），现为「{args.target}」") from None
        with Desk.open_existing(path) as desk:
            doc = desk.filing_document(desk.require_filing(filing_id).id)
        if args.output:
            from .core.document import write_document

            write_document(doc, args.output)
            print(f"已导出填报 #{filing_id} 到 {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(doc.to_json_text())
        return EXIT_OK
    if args.action == "put":
        if not args.target:
            raise UsageError("用法：workspace put 填报文件.json [--reason 原因]")
        from .workflow.inputs import load_input

        loaded = load_input(args.target)
        with Desk.open(path, create=True) as desk:
            filing, number = desk.put_document(loaded.document, args.reason or "命令行导入")
        print(f"已保存到工作区：填报 #{filing.id}，第 {number} 版")
        return EXIT_OK
    with Desk.open_existing(path) as desk:
        data = []
        for ent in desk.list_enterprises():
            filings = desk.list_filings(ent.id)
            data.append(
                {
                    "enterprise": ent.name,
                    "uscc": ent.uscc,
                    "filings": [
                        {
                            "id": f.id,
                            "form": f.form_id,
                            "period": f.period,
                            "state": f.state,
                            "revision": f.current_revision,
                        }
                        for f in filings
                    ],
                }
            )
        if args.json:
            _print_json({"workspace": str(path), "enterprises": data})
        else:
            for e in data:
                print(f"{e['enterprise']}（{e['uscc']}）")
                for f in e["filings"]:
                    print(f"    #{f['id']} {f['form']} {f['period']} {f['state']} 第{f['revision']}版")
    return EXIT_OK


def _workspace_backup_restore(args: argparse.Namespace, path: Path) -> int:
    """`workspace backup FILE` / `workspace restore FILE`: the database and every evidence file as
    one file (copying only the .cetsdb silently loses the evidence)."""
    from datetime import date

    from .store.workspace import Workspace, restore_workspace

    if not args.target:
        raise UsageError(
            f"用法：workspace {args.action} 备份文件（如 工作区备份-{date.today().isoformat()}.cetsbak）"
        )
    archive = Path(args.target)
    if args.action == "backup":
        if not path.exists():
            raise UsageError(f"找不到工作区 {path}（用 --workspace 指定）")
        with Workspace.open(path, create=False, read_only=True) as ws:
            result = ws.backup_archive(archive)
        print(
            f"已备份工作区 {path.name}：数据库和 {result.evidence_count} 个支撑材料文件"
            f"（{result.evidence_bytes / 1048576:.1f} MB），备份文件 {result.path}（{result.size / 1048576:.1f} MB）"
        )
        if result.damaged:
            print(
                f"注意：有 {result.damaged} 个支撑材料文件的内容与登记的校验值不符（已损坏），已原样备份并在恢复时剔除。",
                file=sys.stderr,
            )
        return EXIT_OK
    restored = restore_workspace(archive, path)
    print(
        f"已从 {archive.name} 恢复工作区到 {restored.path}（支撑材料 {restored.evidence_count} 个，"
        f"在 {restored.evidence_root.name} 文件夹）"
    )
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from .gui_start import pause_collector, resume_collector

    pause_collector()  # until the first paint (ui/app.py run_gui resumes it, whatever happens)
    try:
        from .ui.app import run_gui
    except ImportError as exc:
        resume_collector()
        raise UsageError(f"无法启动图形界面（{exc}）；请确认已安装 PySide6-Essentials 及 Qt 运行库") from None
    return run_gui(
        Path(args.workspace) if args.workspace else None,
        demo=args.demo,
        screenshot=Path(args.screenshot) if args.screenshot else None,
    )


def cmd_dev(args: argparse.Namespace) -> int:
    if args.action == "schema-json":
        from .core.spec import FormSpec
        from .paths import forms_dir

        target = Path(args.output) if args.output else forms_dir() / "formspec.schema.json"
        schema = FormSpec.model_json_schema(by_alias=True)
        schema["title"] = "cets-desktop form definition (forms/*.yaml)"
        target.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"已写入 {target}")
    return EXIT_OK


def self_test() -> int:
    from .selftest import run_self_test

    result = run_self_test()
    _print_json(result)
    return EXIT_OK if result["ok"] else EXIT_FINDINGS


# --------------------------------------------------------------------------------------------
# Parser


_ARGPARSE_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (?P<a>.*)", "缺少必需的参数：{a}"),
    (r"unrecognized arguments: (?P<a>.*)", "不认识的参数：{a}"),
    (
        r"argument (?P<a>\S+): invalid choice: '?(?P<v>.*?)'? \(choose from (?P<c>.*)\)",
        "参数 {a} 的取值「{v}」无效；可选：{c}",
    ),
    (r"argument (?P<a>\S+): invalid int value: '?(?P<v>.*?)'?$", "参数 {a} 的取值「{v}」不是整数"),
    (r"argument (?P<a>\S+): invalid float value: '?(?P<v>.*?)'?$", "参数 {a} 的取值「{v}」不是数字"),
    (r"argument (?P<a>\S+): invalid (?P<t>\S+) value: '?(?P<v>.*?)'?$", "参数 {a} 的取值「{v}」无效"),
    (r"argument (?P<a>\S+): expected one argument", "参数 {a} 后面缺少取值"),
    (r"argument (?P<a>\S+): expected (?P<n>.*) arguments?", "参数 {a} 后面的取值个数不对"),
    (r"argument (?P<a>\S+): not allowed with argument (?P<b>\S+)", "参数 {a} 不能与 {b} 同时使用"),
    (r"argument (?P<a>\S+): ignored explicit argument '?(?P<v>.*?)'?$", "参数 {a} 不接受取值「{v}」"),
    (r"ambiguous option: (?P<a>\S+) could match (?P<c>.*)", "参数 {a} 不明确，可能是：{c}"),
)


def _argument_error_text(message: str) -> str:
    """argparse's English error → one Chinese line (argparse itself is not translated)."""
    import re

    for pattern, template in _ARGPARSE_MESSAGES:
        m = re.match(pattern, message.strip())
        if m:
            return template.format(**{k: (v or "").strip()[:300] for k, v in m.groupdict().items()})
    return f"命令行参数有误：{' '.join(message.split())[:300]}"


class _Parser(argparse.ArgumentParser):
    """Argument errors are one Chinese line (exit 2), never argparse's English usage block."""

    def error(self, message: str) -> Any:
        raise UsageError(f"{_argument_error_text(message)}（用 {self.prog} -h 查看用法）")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog=APP_NAME,
        description="全国碳市场填报助手：离线准备月度存证、数据质量控制计划和补充数据报告。"
        " 不带参数运行时打开图形界面。",
    )
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    p.add_argument(
        "--self-test",
        action="store_true",
        help="检查安装（Qt、中文字体、PDF 字体嵌入、密钥环、表单定义），输出 JSON",
    )
    p.add_argument("--workspace", help="工作区文件（默认在用户数据目录）")
    sub = p.add_subparsers(dest="command", metavar="命令")

    s = sub.add_parser("forms", help="列出可用表单")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_forms)

    s = sub.add_parser("schema", help="表单字段清单")
    s.add_argument("form")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_schema)

    s = sub.add_parser("new", help="新建空白填报文件（JSON）")
    s.add_argument("form")
    s.add_argument("--period", help="期间：2026-10 或 2027")
    s.add_argument("--enterprise-name")
    s.add_argument("--uscc")
    s.add_argument("-o", "--output")
    s.set_defaults(func=cmd_new)

    s = sub.add_parser("template", help="生成可填写的 Excel 模板")
    s.add_argument("form")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--period")
    s.add_argument("--enterprise-name")
    s.add_argument("--uscc")
    s.set_defaults(func=cmd_template)

    s = sub.add_parser("import", help="读取填好的 Excel 模板，转为填报文件")
    s.add_argument("file")
    s.add_argument("-o", "--output")
    s.add_argument("--period", help="期望的期间；工作簿期间不同则报错")
    s.add_argument("--form", help="期望的表单")
    s.set_defaults(func=cmd_import)

    for name, func, helptext in (
        ("validate", cmd_validate, "校验（一次列出全部问题）"),
        ("calc", cmd_calc, "计算并输出结果"),
        ("explain", cmd_explain, "说明每个计算值的公式、输入和参数来源"),
    ):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("file", nargs="?", help="填报 JSON 或填好的 Excel 模板")
        s.add_argument(
            "--filing", type=int, help="改用工作区中的填报（编号见 workspace list；上一期取自工作区）"
        )
        s.add_argument("--json", action="store_true")
        s.add_argument("--previous-filing", help="上一期的填报文件（用于环比、库存衔接检查）")
        s.add_argument("--period", help=argparse.SUPPRESS)
        s.add_argument("--form", help=argparse.SUPPRESS)
        if name == "validate":
            s.add_argument("-v", "--verbose", action="store_true", help="显示每条规则的依据")
            s.add_argument("--plan", help="本年度数据质量控制计划（核对获取方式与支撑材料是否与计划一致）")
        if name == "explain":
            s.add_argument("--path", help="只看某个字段，如 units[0].fuels[0].emissions")
        s.set_defaults(func=func)

    s = sub.add_parser("ack", help="确认警告并写明理由（记入填报文件，随申报包提交）")
    s.add_argument("file", help="填报 JSON 文件")
    s.add_argument("--code", required=True, help="警告编号，如 PWR-M-130 或 GEN-006")
    s.add_argument("--path", help="只确认该字段的警告，如 units[0].fuels[0].ncv；省略则确认该编号的全部警告")
    s.add_argument("--reason", required=True)
    s.add_argument("--previous-filing")
    s.set_defaults(func=cmd_ack)

    s = sub.add_parser("pdf", help="生成可打印的 PDF 报告")
    s.add_argument("file", nargs="?")
    s.add_argument("--filing", type=int, help="工作区中的填报编号")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--draft", action="store_true")
    s.add_argument("--previous-filing")
    s.set_defaults(func=cmd_pdf)

    s = sub.add_parser("export", help="导出申报包（ZIP：清单、签名、数据、PDF、支撑材料）")
    s.add_argument("file", nargs="?")
    s.add_argument(
        "--filing", type=int, help="工作区中的填报编号（支撑材料取自工作区，导出后记录状态和包哈希）"
    )
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--draft", action="store_true", help="有错误时仍导出，PDF 标注“草稿”")
    s.add_argument("--previous", help="同一系列上一期的申报包（写入其哈希，形成链）")
    s.add_argument("--previous-filing", help="上一期的填报文件（用于环比检查）")
    s.add_argument("--evidence-dir", help="支撑材料所在文件夹（按文件名或哈希查找）")
    s.add_argument("--no-sign", action="store_true", help="不签名")
    s.add_argument(
        "--require-signature", action="store_true", help="没有可用的系统密钥库时报错，而不是导出未签名的包"
    )
    s.add_argument("--json", action="store_true")
    s.add_argument("-q", "--quiet", action="store_true")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser(
        "verify", help="校验申报包（不需要工作区；给出 --workspace 时记住并核对各企业的签名密钥）"
    )
    s.add_argument("package")
    s.add_argument("--previous", help="上一期申报包，检查哈希链和签名密钥是否相同")
    s.add_argument("--require-signature", action="store_true", help="未签名即不通过")
    s.add_argument(
        "--expect-fingerprint", metavar="指纹", help="企业告知的签名密钥指纹（16 位十六进制）；不同即不通过"
    )
    s.add_argument(
        "--accept-key-change",
        metavar="原因",
        help="企业确实更换了密钥（如换电脑）：写明原因后接受新密钥，并记入工作区",
    )
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_verify)

    s = sub.add_parser("calendar", help="填报日历：各期截止日期和剩余天数")
    s.add_argument("--year", type=int)
    s.add_argument("--json", action="store_true")
    s.add_argument("--local-days", type=int, help="本地更早的月度上传要求（天），如 20")
    s.add_argument("--enterprise", help="从工作区读取该企业（名称或信用代码）的本地期限")
    s.add_argument("--industry", help="行业代码（GB/T 4754-2017）：按附件4列出应报送的补充数据表，如 3041")
    s.add_argument("--today", help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_calendar)

    s = sub.add_parser("applicability", help="按行业代码和年度排放量判断应报送哪些材料")
    s.add_argument(
        "--industry", required=True, help="国民经济行业代码（GB/T 4754-2017），如 4411；多个用顿号分隔"
    )
    s.add_argument("--emissions", help="任一年度温室气体排放量（tCO2e）")
    s.add_argument("--energy-tce", help="任一年度综合能源消费量（吨标准煤；门槛约 1 万吨标准煤）")
    s.add_argument("--captive-power", action="store_true", help="企业有自备电厂")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_applicability)

    s = sub.add_parser("rules", help="规则目录（编号、级别、依据）")
    s.add_argument("--form")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_rules)

    s = sub.add_parser(
        "workspace", help="工作区：init / demo / list / get 编号 / put 文件 / backup 文件 / restore 文件"
    )
    s.add_argument("action", choices=["init", "demo", "list", "get", "put", "backup", "restore"])
    s.add_argument(
        "target",
        nargs="?",
        help="get：填报编号；put：填报文件；backup/restore：备份文件（数据库和全部支撑材料）",
    )
    s.add_argument("-o", "--output")
    s.add_argument("--reason", help="保存原因（记入审计日志）")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_workspace)

    s = sub.add_parser("gui", help="打开图形界面")
    s.add_argument("--demo", action="store_true", help="打开演示工作区")
    s.add_argument("--screenshot", help="把主窗口渲染为 PNG 后退出")
    s.set_defaults(func=cmd_gui)

    from .evidence_commands import register as register_evidence_commands
    from .plan_commands import register as register_plan_commands

    register_plan_commands(sub)
    register_evidence_commands(sub)

    s = sub.add_parser("dev", help="开发者工具：dev schema-json 重新生成定义文件的 JSON Schema")
    s.add_argument("action", choices=["schema-json"])
    s.add_argument("-o", "--output")
    s.set_defaults(func=cmd_dev)
    return p


_EXPECTED_ERRORS = (
    ("atomic", "OutputError"),
    ("core.document", "DocumentError"),
    ("core.loader", "DefinitionError"),
    ("core.input_files", "UnreadableFile"),
    ("io.workbook_open", "ImportFailure"),
    ("services", "InputError"),
    ("workflow.errors", "InputError"),
    ("store.errors", "WorkspaceError"),
    ("io.package", "PackageError"),
    ("security.keys", "SigningKeyError"),
    ("io.fonts", "FontNotFound"),
    ("io.xlsx_import", "ImportFailure"),
    ("io.xlsx_layout", "LayoutError"),
)


def _known_errors() -> tuple[type[BaseException], ...]:
    """Error classes that mean "unusable input" (exit 2, one line). Looked up only after a
    failure, and only in modules already imported: one never imported cannot have raised, and
    importing openpyxl/reportlab just to name their errors cost every command 300 ms."""
    errors: list[type[BaseException]] = [UsageError]
    for mod, name in _EXPECTED_ERRORS:
        module = sys.modules.get(f"{__package__}.{mod}")
        cls = getattr(module, name, None) if module is not None else None
        if isinstance(cls, type) and issubclass(cls, BaseException):
            errors.append(cls)
    return tuple(errors)


def _one_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    from .gui_start import prepare_process

    prepare_process()
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _plain_gui_start(argv)
        if args is None:
            parser = build_parser()
            args = parser.parse_args(argv)
            if args.self_test:
                return self_test()
            if args.command is None:
                args = parser.parse_args(["gui", *argv])
    except UsageError as exc:
        print(f"{APP_NAME}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_UNUSABLE
    except SystemExit as exc:  # -h / --version print and exit 0
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_UNUSABLE
    try:
        return int(args.func(args))
    except BrokenPipeError:
        _silence_stdout()  # the reader (e.g. `| head`) has gone: nothing more to say to it
        return EXIT_UNUSABLE
    except (KeyboardInterrupt, Exception) as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        return report_failure(exc)


def report_failure(exc: BaseException) -> int:
    """One Chinese line on stderr for a command or window start that failed (an expected error's
    own message, else 内部错误 with the crash log's path), and the exit status."""
    if isinstance(exc, KeyboardInterrupt):
        print(f"{APP_NAME}: 已中断", file=sys.stderr)
        return EXIT_UNUSABLE
    message = _expected_message(exc)
    if message is None:
        message = f"内部错误：{_one_line(exc)[:300]}（{_write_crash_log()}，请反馈给开发者）"
    print(f"{APP_NAME}: {message}", file=sys.stderr)
    return EXIT_UNUSABLE


def _plain_gui_start(argv: list[str]) -> argparse.Namespace | None:
    """The window started as users start it (no arguments, ``gui``, ``--workspace W gui``):
    its arguments without building the whole command parser, which the window's cold start
    would otherwise pay for (bench/bench_gui_start.py). None for anything else."""
    from .gui_start import plain_gui_start

    plain, workspace = plain_gui_start(argv)
    if not plain:
        return None
    return argparse.Namespace(
        command="gui", func=cmd_gui, workspace=workspace, demo=False, screenshot=None, self_test=False
    )


def _expected_message(exc: BaseException) -> str | None:
    """One Chinese line for a failure that is the input's or the machine's, not a bug; else None."""
    if isinstance(exc, _known_errors()):
        return _one_line(exc)
    if isinstance(exc, OSError):
        from .atomic import describe_os_error

        target = Path(exc.filename) if isinstance(exc.filename, str) else Path("文件")
        return describe_os_error(exc, target)
    if isinstance(exc, RecursionError):
        return "输入内容嵌套过深，无法处理；请检查文件是否为本程序生成的填报文件"
    if isinstance(exc, MemoryError):
        return "内存不足，无法处理该文件；请检查文件是否过大或不是正常的填报文件"
    return None


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _write_crash_log() -> str:
    """Append the traceback to the crash log; say where. Never prints the traceback itself."""
    try:
        import traceback

        import platformdirs

        folder = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "crash.log"
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(traceback.format_exc() + "\n")
        return f"详情已写入 {path}"
    except Exception:  # noqa: BLE001 - a log that cannot be written must not become a second failure
        return "详情未能写入日志"


if __name__ == "__main__":
    raise SystemExit(main())
