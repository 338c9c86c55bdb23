"""Benchmark: end-to-end `cets-desktop export --filing` against `sha256sum` of the same evidence.

    .venv/bin/python bench/bench_export.py [--mb 500] [--runs 9] [--quick]
    .venv/bin/python bench/bench_export.py --timeline [--mb 500]   # where one export's time goes

Issue #14 item 3: the whole export of a workspace filing with 500 MB of evidence — the real CLI in
a fresh process (interpreter start, imports, evaluation, data.xlsx, report.pdf, the signed ZIP,
fsync, the state 已导出 recorded) — takes at most 1.2× `sha256sum` over the same stored evidence
files, with a peak RSS of at most 150 MB.

Set-up (not timed): the demo workspace, then eight evidence files of realistic kinds and sizes
(a 160 MB scanned ledger PDF down to a 5 MB spreadsheet; random bytes, as incompressible as scans
and photos) attached to September's filing through the evidence store, as the evidence panel does.

Timing: baseline and candidate run as child processes, one unmeasured warm-up of each, then
interleaved (sha256sum, export, sha256sum, export …) so page cache and CPU frequency treat both
alike. Both read the evidence from the page cache (it was just written), so this measures the CPU
and write cost of the export, not the disk. Reported: min and median of each, the ratios min/min
and median/median, and the largest peak RSS of the export children (``ru_maxrss`` from wait4).
The package of every run is checked with ``verify`` afterwards (a fast wrong export is no win).
Reported beside it, no target: the export against writing the same evidence once (copied into one
file and fsynced, interleaved too), the floor of any export that writes the package. On a virtual
machine whose fresh page-cache pages are costly (seen here: the same 500 MB copy loop took
0.6–3.4 s from run to run, nearly all of it system time), that floor can exceed sha256sum's time.
The machine's load average before and after is part of the detail: on a shared machine the
ratios are only comparable between runs of similar load.

``--timeline`` runs one export (after a warm-up) with each stage timed on the thread that runs it
(wall seconds since the interpreter started, and that thread's CPU seconds): what is on the
critical path — the caller's imports, evaluation, workbook and report, or the evidence thread's
copy, read-back hash and fsync — and whether they overlap.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.2
COPY_FLOOR = """
import os, shutil, sys
with open(sys.argv[1], "wb") as out:
    for name in sys.argv[2:]:
        with open(name, "rb") as src:
            shutil.copyfileobj(src, out, 4 << 20)
    out.flush()
    os.fsync(out.fileno())
"""
"""What writing the package's evidence bytes costs on this machine at least: the files copied into
one file (4 MiB reads, as the export's) and fsynced, no hashing, no ZIP, nothing else."""
TARGET_MB = 500
"""The evidence size the 1.2× is set for (issue #14 item 3)."""
TARGET_RSS_MB = 150.0
FILING_ID = 9  # the demo's September: validated, no errors or open warnings

# What a month's evidence looks like when it is large: scans, photos, an archive, spreadsheets.
# Fractions of the total size (sum 1.0).
EVIDENCE_MIX = [
    ("2026年9月入炉煤皮带秤计量日报（扫描件）.pdf", 0.32, "units[0].fuels[0].consumption"),
    ("2026年9月煤场盘点现场照片.jpg", 0.24, "units[0].fuels[0].consumption"),
    ("2026年9月煤质化验原始记录（扫描件）.pdf", 0.16, "units[0].fuels[0].ncv"),
    ("2026年9月电费结算单及发票.zip", 0.12, "units[0].generation"),
    ("2026年9月生产月报（盖章）.png", 0.08, "units[0].generation"),
    ("2026年9月2号机组燃料台账.pdf", 0.05, "units[1].fuels[0].consumption"),
    ("2026年9月供热量统计.xlsx", 0.02, "units[0].heat_supply"),
    ("2026年9月燃料采购合同.pdf", 0.01, "units[1].fuels[0].consumption"),
]


def child_env(work: Path) -> dict[str, str]:
    """The export child's environment. One keyring shared by the runs, as one installation has
    (tests/support): signed packages. Compiled bytecode and the app's cache folder (forms index,
    parsed font) in private folders the warm-up fills, as an installed or frozen app has them from
    the second run on; a development shell's PYTHONDONTWRITEBYTECODE would otherwise make every
    run recompile the app's sources (≈ 0.4 s) while the baseline pays nothing alike."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return dict(
        env,
        PYTHONPYCACHEPREFIX=str(work / "pycache"),
        CETS_DESKTOP_CACHE_DIR=str(work / "app-cache"),
        PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "tests")]),
        PYTHON_KEYRING_BACKEND="support.process_keyring.ProcessMemoryKeyring",
        CETS_TEST_KEYRING_FILE=str(work / "keyring.json"),
        XDG_DATA_HOME=str(work / "data"),
        XDG_CONFIG_HOME=str(work / "config"),
        LOCALAPPDATA=str(work / "data"),
    )


def _write_random(path: Path, size: int) -> None:
    block = 4 << 20
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(block, left)
            f.write(os.urandom(n))
            left -= n


def setup_workspace(work: Path, total_bytes: int) -> tuple[Path, list[Path]]:
    """The demo workspace with ``total_bytes`` of evidence attached to September; returns the
    workspace path and the stored evidence files (what sha256sum reads)."""
    sys.path.insert(0, str(REPO))
    from cets_desktop.demo import build_demo_workspace
    from cets_desktop.store.workspace import Workspace

    db = build_demo_workspace(work / "demo.cetsdb")
    src = work / "incoming"
    src.mkdir()
    stored: list[Path] = []
    with Workspace.open(db, create=False) as ws:
        doc = ws.current_document(FILING_ID)
        for name, share, field_path in EVIDENCE_MIX:
            path = src / name
            _write_random(path, max(1, int(total_bytes * share)))
            rec = ws.evidence.add_file(path)
            path.unlink()
            stored.append(ws.evidence.path_for(rec.sha256))
            doc["evidence"].append(
                {"path": field_path, "sha256": rec.sha256, "name": rec.name, "kind": "支撑材料"}
            )
        ws.save_filing(FILING_ID, doc, "附上本月支撑材料")
    os.sync()  # evidence on disk, not dirty in the page cache, before anything is timed
    return db, stored


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]}… exited {proc.returncode}: {err.decode('utf-8', 'replace')[-800:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # ru_maxrss: KiB on Linux


def measure(quick: bool = False, mb: int | None = None, runs: int | None = None) -> list[dict[str, Any]]:
    """Rows per the bench conventions: the export ratio and its peak RSS."""
    mb = mb if mb is not None else (50 if quick else TARGET_MB)
    runs = runs if runs is not None else (3 if quick else 9)
    if not shutil.which("sha256sum"):
        raise RuntimeError("sha256sum not found (coreutils)")
    work = Path(tempfile.mkdtemp(prefix="cets-bench-export-"))
    try:
        db, stored = setup_workspace(work, mb << 20)
        env = child_env(work)
        out = work / "package.zip"
        baseline = ["sha256sum", *map(str, stored)]
        copied = work / "copied.bin"
        floor = [sys.executable, "-c", COPY_FLOOR, str(copied), *map(str, stored)]
        candidate = [sys.executable, "-m", "cets_desktop", "--workspace", str(db), "export"]
        candidate += ["--filing", str(FILING_ID), "-o", str(out), "-q"]

        sums: list[float] = []
        exports: list[float] = []
        rss: list[float] = []
        cpu_sums: list[float] = []
        cpu_exports: list[float] = []
        copies: list[float] = []
        load_before = os.getloadavg()[0]
        for i in range(runs + 1):  # run 0 is the warm-up of each
            s, _, s_cpu = _run(baseline, env)
            e, r, e_cpu = _run(candidate, env)
            _verify(out, env)
            out.unlink()
            c, _, _ = _run(floor, env)
            copied.unlink()
            if i:
                copies.append(c)
                sums.append(s)
                exports.append(e)
                rss.append(r)
                cpu_sums.append(s_cpu)
                cpu_exports.append(e_cpu)
        total_mb = sum(p.stat().st_size for p in stored) / (1 << 20)
        ratio_min = min(exports) / min(sums)
        ratio_median = statistics.median(exports) / statistics.median(sums)
        peak = max(rss)
        detail = (
            f"{len(stored)} files, {total_mb:.0f} MB; export min {min(exports):.2f} s, median "
            f"{statistics.median(exports):.2f} s; sha256sum min {min(sums):.2f} s, median "
            f"{statistics.median(sums):.2f} s; CPU median export {statistics.median(cpu_exports):.2f} s "
            f"(two threads), sha256sum {statistics.median(cpu_sums):.2f} s; {runs} interleaved runs; "
            f"load average {load_before:.1f} → {os.getloadavg()[0]:.1f}"
        )
        # The target is for 500 MB: a smaller export (--quick's 50 MB) is dominated by
        # the fixed second of interpreter start, evaluation, workbook and report, and is reported.
        judged = mb >= TARGET_MB
        return [
            {
                "name": f"export --filing, {total_mb:.0f} MB evidence / sha256sum",
                "target": f"≤ {TARGET_RATIO}×"
                if judged
                else f"reported (the ≤ {TARGET_RATIO}× is for {TARGET_MB} MB; fixed costs dominate {mb} MB)",
                "ratio_min": ratio_min,
                "ratio_median": ratio_median,
                "detail": detail,
                "met": ratio_median <= TARGET_RATIO or not judged,
            },
            {
                "name": "export --filing / writing the same evidence once (cp + fsync)",
                "target": "reported (no target): the floor of writing the package's bytes here",
                "ratio_min": min(exports) / min(copies),
                "ratio_median": statistics.median(exports) / statistics.median(copies),
                "detail": f"the evidence copied into one file and fsynced, in a fresh interpreter: min "
                f"{min(copies):.2f} s, median {statistics.median(copies):.2f} s (sha256sum median "
                f"{statistics.median(sums):.2f} s); same runs, interleaved",
                "met": True,
            },
            {
                "name": "export peak RSS / 150 MB",
                "target": "≤ 1.0× (150 MB)",
                "ratio_min": min(rss) / TARGET_RSS_MB,
                "ratio_median": statistics.median(rss) / TARGET_RSS_MB,
                "detail": f"peak RSS {peak:.0f} MB (median {statistics.median(rss):.0f} MB)",
                "met": peak <= TARGET_RSS_MB,
            },
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _verify(package: Path, env: dict[str, str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cets_desktop", "verify", str(package), "--require-signature"],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the exported package does not verify: {proc.stdout[-400:]} {proc.stderr[-400:]}")


# One export in a child process with the stages wrapped: (thread, stage, start, end, thread CPU).
_TIMELINE_CHILD = r"""
import functools, json, os, sys, threading, time
T0 = time.perf_counter()
EVENTS = []
def span(name, fn):
    @functools.wraps(fn)
    def timed(*a, **k):
        s, c = time.perf_counter(), time.thread_time()
        try:
            return fn(*a, **k)
        finally:
            EVENTS.append((threading.current_thread().name, name, s - T0, time.perf_counter() - T0,
                           time.thread_time() - c))
    return timed
def wrap(obj, attr, name):
    setattr(obj, attr, span(name, getattr(obj, attr)))
import cets_desktop.cli as cli
EVENTS.append(("MainThread", "interpreter and cli import", 0.0, time.perf_counter() - T0, time.thread_time()))
import importlib
real_import = importlib.import_module
stages = {
    "cets_desktop.workflow.desk": [("Desk", "open_existing", "open workspace"), ("Desk", "loaded", "load filing and definition")],
    "cets_desktop.workflow.export": [("", "evaluate_input", "evaluate"), ("", "explanations", "explanations")],
    "cets_desktop.io.xlsx_template": [("", "workbook_bytes", "data.xlsx")],
    "cets_desktop.io.pdf_report": [("", "pdf_bytes", "report.pdf")],
    "cets_desktop.io.package": [("", "_stream_entry", "copy+hash one file"), ("", "_copy_known", "copy+hash one file"),
                                ("", "_hash_region", "package hash read-back"),
                                ("PackageWriter", "_join", "wait for the evidence thread"),
                                ("PackageWriter", "_write_rest", "members, manifest, signature")],
}
done = set()
def patch_loaded():
    # A module is patched once it is fully imported (every stage's function defined).
    for mod, items in stages.items():
        m = sys.modules.get(mod)
        if m is None or mod in done:
            continue
        owners = [getattr(m, owner, None) if owner else m for owner, _attr, _name in items]
        if all(o is not None and hasattr(o, attr) for o, (_ow, attr, _n) in zip(owners, items)):
            done.add(mod)
            for o, (_ow, attr, name) in zip(owners, items):
                wrap(o, attr, name)
import builtins
real = builtins.__import__
def hooked(*a, **k):
    r = real(*a, **k)
    if len(done) < len(stages):
        patch_loaded()
    return r
builtins.__import__ = hooked
wrap(os, "fsync", "fsync")
code = cli.main(sys.argv[1:])
EVENTS.append(("MainThread", "end", time.perf_counter() - T0, time.perf_counter() - T0, time.thread_time()))
json.dump({"code": code, "events": EVENTS}, sys.stderr)
"""


def timeline(mb: int = 500) -> int:
    """Print where one export's time goes, per thread (see the module docstring)."""
    import json

    work = Path(tempfile.mkdtemp(prefix="cets-bench-export-"))
    try:
        db, _stored = setup_workspace(work, mb << 20)
        env = child_env(work)
        out = work / "package.zip"
        args = ["--workspace", str(db), "export", "--filing", str(FILING_ID), "-o", str(out), "-q"]
        subprocess.run(
            [sys.executable, "-m", "cets_desktop", *args], env=env, check=True, capture_output=True
        )
        out.unlink()
        load = os.getloadavg()[0]
        proc = subprocess.run(
            [sys.executable, "-c", _TIMELINE_CHILD, *args], env=env, capture_output=True, text=True
        )
        data = json.loads(proc.stderr[proc.stderr.index('{"code"') :])
        _verify(out, env)
        print(
            f"one export of {mb} MB evidence (load average {load:.1f}); wall seconds since the start, "
            "CPU seconds of the stage's thread (the end line: the main thread's total)"
        )
        events = []
        for thread in dict.fromkeys(e[0] for e in data["events"]):
            mine = [e for e in data["events"] if e[0] == thread]
            copies = [e for e in mine if e[1] == "copy+hash one file"]
            events += [e for e in mine if e[1] != "copy+hash one file"]
            if copies:
                cpu = sum(c[4] for c in copies)
                events.append((thread, f"copy+hash {len(copies)} files", copies[0][2], copies[-1][3], cpu))
        for thread, name, start, end, cpu in sorted(events, key=lambda e: (e[2], e[3])):
            print(
                f"  {thread[:22]:22} {start:6.2f} → {end:6.2f}  ({end - start:5.2f} s, CPU {cpu:5.2f})  {name}"
            )
        return int(data["code"])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 MB, 3 runs")
    parser.add_argument("--mb", type=int, help="evidence size in MB (default 500; 50 with --quick)")
    parser.add_argument("--runs", type=int, help="measured runs of each (default 9; 3 with --quick)")
    parser.add_argument("--timeline", action="store_true", help="one export, each stage timed per thread")
    args = parser.parse_args()
    if args.timeline:
        return timeline(args.mb or 500)
    for row in measure(args.quick, args.mb, args.runs):
        print(
            f"{row['name']}: min {row['ratio_min']:.2f}×, median {row['ratio_median']:.2f}× "
            f"(target {row['target']}: {'met' if row['met'] else 'NOT met'}) — {row['detail']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
