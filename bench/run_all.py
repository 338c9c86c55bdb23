"""Run every benchmark in bench/ and print one table; with --readme, write it into README.md.

    .venv/bin/python bench/run_all.py                # every bench/bench_*.py, full runs
    .venv/bin/python bench/run_all.py --quick        # fewer runs, smaller data: a fast pass
    .venv/bin/python bench/run_all.py --readme       # ... and rewrite README's benchmark table
    .venv/bin/python bench/run_all.py --only export --only import

Each ``bench/bench_*.py`` exposes ``measure(quick: bool = False) -> list[dict]`` whose rows are
``{"name", "target", "ratio_min", "ratio_median", "detail", "met"}`` (each benchmark runs its
candidate and baseline interleaved, after a warm-up, and reports min and median). A file without
``measure`` or one that fails to import or to run is skipped and said so, never silently.

``--readme`` replaces only what lies between ``<!-- bench:start -->`` and ``<!-- bench:end -->``
in README.md: the table, the machine it ran on (CPU model, cores, OS, Python, PySide6, load
average, date) and the command. Everything outside the markers is kept byte for byte.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.util
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
README = REPO / "README.md"
START_MARKER = "<!-- bench:start -->"
END_MARKER = "<!-- bench:end -->"
ROW_KEYS = ("name", "target", "ratio_min", "ratio_median", "detail", "met")


@dataclass
class BenchResult:
    module: str  # file stem, e.g. "bench_export"
    rows: list[dict[str, Any]] = field(default_factory=list)
    skipped: str | None = None  # why it did not run (no measure(), import error)
    error: str | None = None  # measure() raised
    seconds: float = 0.0


def discover(bench_dir: Path = BENCH_DIR, only: list[str] | None = None) -> list[Path]:
    """bench_*.py files in name order; ``only`` keeps files whose stem contains one of the words."""
    files = sorted(p for p in bench_dir.glob("bench_*.py") if p.is_file())
    if only:
        files = [p for p in files if any(word in p.stem for word in only)]
    return files


def _load(path: Path) -> Any:
    name = f"_cets_bench_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _check_rows(rows: Any) -> list[dict[str, Any]]:
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise TypeError("measure() must return a list of dicts")
    for row in rows:
        missing = [k for k in ROW_KEYS if k not in row]
        if missing:
            raise TypeError(f"row {row.get('name', '?')!r} lacks {missing}")
    return rows


def run_one(path: Path, quick: bool) -> BenchResult:
    result = BenchResult(path.stem)
    try:
        module = _load(path)
    except Exception as exc:  # noqa: BLE001 - a broken benchmark is reported, the others still run
        result.skipped = f"import failed: {type(exc).__name__}: {exc}"
        return result
    measure: Callable[..., Any] | None = getattr(module, "measure", None)
    if not callable(measure):
        result.skipped = "no measure() function"
        return result
    # Each benchmark in a process left as a fresh one would be for the collector: what earlier
    # benchmarks left (openpyxl's workbooks, the GUI runs' bookkeeping) is frozen out of its
    # collections, so a later benchmark's curve does not bend with the earlier ones' heap (the
    # overview's 10 → 50 enterprise step read 1.33× here and 1.00× run alone).
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    try:
        result.rows = _check_rows(measure(quick=quick))
    except Exception as exc:  # noqa: BLE001
        result.error = f"{type(exc).__name__}: {exc}"
        traceback.print_exc(file=sys.stderr)
    result.seconds = time.perf_counter() - start
    return result


def collect(
    quick: bool = False,
    bench_dir: Path = BENCH_DIR,
    only: list[str] | None = None,
    log: Callable[[str], None] | None = None,
) -> list[BenchResult]:
    results = []
    for path in discover(bench_dir, only):
        if log:
            log(f"running {path.name}{' (quick)' if quick else ''} …")
        result = run_one(path, quick)
        if log:
            if result.skipped:
                log(f"  skipped {path.name}: {result.skipped}")
            elif result.error:
                log(f"  FAILED {path.name}: {result.error}")
            else:
                log(f"  {len(result.rows)} row(s) in {result.seconds:.0f} s")
        results.append(result)
    return results


# ------------------------------------------------------------------------------------------------
# The machine


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _pyside_version() -> str:
    from importlib import metadata

    for dist in ("PySide6-Essentials", "PySide6"):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def _load_average() -> str:
    try:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except (AttributeError, OSError):
        return "n/a"


def machine_line(started_load: str | None = None, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    load = _load_average()
    load_text = f"load average {started_load} at start, {load} at end" if started_load else f"load {load}"
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; PySide6 {_pyside_version()}; {load_text}; "
        f"{now.strftime('%Y-%m-%d %H:%M')} UTC"
    )


# ------------------------------------------------------------------------------------------------
# Output


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _ratio(value: Any) -> str:
    return f"{value:.2f}×" if isinstance(value, int | float) else _cell(value)


def table_lines(results: list[BenchResult]) -> list[str]:
    lines = [
        "| Benchmark | Target | Min | Median | Met | Detail |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        for row in result.rows:
            met = "yes" if row["met"] else "**no**"
            lines.append(
                f"| {_cell(row['name'])} | {_cell(row['target'])} | {_ratio(row['ratio_min'])} | "
                f"{_ratio(row['ratio_median'])} | {met} | {_cell(row['detail'])} |"
            )
        if result.skipped:
            lines.append(f"| `{result.module}.py` | | | | skipped | {_cell(result.skipped)} |")
        elif result.error:
            lines.append(f"| `{result.module}.py` | | | | **failed** | {_cell(result.error)} |")
    return lines


def readme_block(results: list[BenchResult], machine: str, quick: bool) -> str:
    command = "bench/run_all.py" + (" --quick" if quick else "") + " --readme"
    lines = [
        f"Measured on {machine}, by `{command}`"
        + (" (quick pass: fewer runs, smaller data)" if quick else "")
        + ". Ratios are candidate / baseline; min and median of interleaved runs.",
        "",
        *table_lines(results),
    ]
    return "\n".join(lines)


def rewrite_readme(text: str, block: str) -> str:
    """``text`` with what lies between the markers replaced by ``block`` (and nothing else changed)."""
    start = text.find(START_MARKER)
    end = text.find(END_MARKER)
    if start < 0 or end < 0:
        raise ValueError(f"README has no {START_MARKER} … {END_MARKER} block")
    if end < start or text.count(START_MARKER) != 1 or text.count(END_MARKER) != 1:
        raise ValueError("README must have exactly one benchmark block, start marker first")
    head = text[: start + len(START_MARKER)]
    tail = text[end:]
    return f"{head}\n{block}\n{tail}"


def print_table(results: list[BenchResult], out: Callable[[str], None] = print) -> None:
    width = max((len(str(r["name"])) for res in results for r in res.rows), default=20)
    for res in results:
        for row in res.rows:
            met = "met" if row["met"] else "NOT MET"
            out(
                f"{str(row['name']):<{width}}  {str(row['target']):>16}  min {_ratio(row['ratio_min']):>7}  "
                f"median {_ratio(row['ratio_median']):>7}  {met:<7}  {row['detail']}"
            )
        if res.skipped:
            out(f"{res.module + '.py':<{width}}  skipped: {res.skipped}")
        elif res.error:
            out(f"{res.module + '.py':<{width}}  FAILED: {res.error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and smaller data")
    parser.add_argument("--readme", action="store_true", help="rewrite README.md's benchmark block")
    parser.add_argument("--readme-file", type=Path, default=README, help=argparse.SUPPRESS)
    parser.add_argument("--bench-dir", type=Path, default=BENCH_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--only", action="append", help="run only bench files whose name contains this")
    args = parser.parse_args(argv)
    if args.readme and args.only:
        parser.error("--readme writes the whole table: run every benchmark (no --only)")

    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    started_load = _load_average()
    results = collect(args.quick, args.bench_dir, args.only, log=lambda s: print(s, file=sys.stderr))
    machine = machine_line(started_load)
    print(f"\nMachine: {machine}\n")
    print_table(results)
    if args.readme:
        text = args.readme_file.read_text(encoding="utf-8")
        args.readme_file.write_text(
            rewrite_readme(text, readme_block(results, machine, args.quick)), encoding="utf-8"
        )
        print(f"\nrewrote the benchmark block of {args.readme_file}")
    failed = any(r.error for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
