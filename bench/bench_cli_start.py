"""Benchmark: command-line start against the bare libraries' import (not a test; issue #14 item 2).

    .venv/bin/python bench/bench_cli_start.py [--quick] [--runs 9]

Each case is a fresh interpreter, timed from spawn to exit (what a batch user waits for):

- ``cets-desktop forms``, ``forms --json`` and ``--help`` (the installed console script), against
- ``python -c "import pydantic, openpyxl"`` — the libraries every filing command needs.

Target: each ≤ 1.5× the baseline. Candidate and baseline run interleaved (the order rotates each
round), after one unmeasured warm-up of each; we report the ratio of the minima and of the medians,
wall clock (CPU time in the detail). Bytecode is allowed, as in an installed app, but kept in a
private folder (``PYTHONPYCACHEPREFIX``) so nothing is written into the tree; the forms index lives
in a private cache folder too, built by the warm-up. The first run after an install or an upgrade
(index rebuilt) is measured once and reported in the detail: it loads every definition.
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
TARGET = 1.5
BASELINE = ("import pydantic, openpyxl", [sys.executable, "-c", "import pydantic, openpyxl"])


def _console_script() -> list[str]:
    """The installed ``cets-desktop`` entry point beside this interpreter, else ``-m``."""
    script = Path(sys.executable).with_name("cets-desktop")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "cets_desktop"]


def _env(cache: Path, pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("CETS_DESKTOP_FORMS_DIR", None)  # the shipped definitions
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["CETS_DESKTOP_CACHE_DIR"] = str(cache)
    return env


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one fresh process; fails loudly on exit ≠ 0."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, cwd=REPO)
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode != 0 or (argv is not BASELINE[1] and not done.stdout.strip()):
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[:500]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def measure(quick: bool = False, runs: int | None = None) -> list[dict[str, Any]]:
    runs = runs or (3 if quick else 9)
    cli = _console_script()
    cases = {
        "forms": [*cli, "forms"],
        "forms --json": [*cli, "forms", "--json"],
        "--help": [*cli, "--help"],
    }
    work = Path(tempfile.mkdtemp(prefix="bench-cli-start-"))
    try:
        env = _env(work / "cache", work / "pycache")
        # First run after an install or upgrade: no bytecode of ours, no index (rebuilt, stored).
        first_wall, _ = _run(cases["forms"], env)
        for argv in [BASELINE[1], *cases.values()]:  # warm-up, unmeasured
            _run(argv, env)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in [BASELINE[0], *cases]}
        order = [(BASELINE[0], BASELINE[1]), *cases.items()]
        for i in range(runs):
            shift = i % len(order)
            for name, argv in order[shift:] + order[:shift]:
                times[name].append(_run(argv, env))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    base_wall = [w for w, _ in times[BASELINE[0]]]
    base_cpu = [c for _, c in times[BASELINE[0]]]
    rows = []
    for name in cases:
        wall = [w for w, _ in times[name]]
        cpu = [c for _, c in times[name]]
        ratio_min = min(wall) / min(base_wall)
        ratio_median = statistics.median(wall) / statistics.median(base_wall)
        detail = (
            f"{name}: min {min(wall) * 1000:.0f} ms, median {statistics.median(wall) * 1000:.0f} ms; "
            f"baseline: min {min(base_wall) * 1000:.0f} ms, median {statistics.median(base_wall) * 1000:.0f} ms; "
            f"CPU ratio (medians) {statistics.median(cpu) / statistics.median(base_cpu):.2f}; "
            f"{runs} interleaved runs each"
        )
        if name == "forms":
            detail += f"; first run after install (index rebuilt): {first_wall * 1000:.0f} ms"
        rows.append(
            {
                "name": f"CLI start: {name}",
                "target": f"≤ {TARGET}× python -c 'import pydantic, openpyxl'",
                "ratio_min": round(ratio_min, 3),
                "ratio_median": round(ratio_median, 3),
                "detail": detail,
                "met": ratio_median <= TARGET,
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 9")
    parser.add_argument("--runs", type=int, help="interleaved runs of each case")
    args = parser.parse_args()
    import platform

    print(f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    for row in measure(args.quick, args.runs):
        mark = "met" if row["met"] else "NOT MET"
        print(
            f"{row['name']:<24} {row['ratio_min']:.2f}× (min)  {row['ratio_median']:.2f}× (median)"
            f"  target {row['target']}  [{mark}]"
        )
        print(f"    {row['detail']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
