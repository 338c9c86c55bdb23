"""Benchmark: Excel import against bare openpyxl read-only iteration of the same files (not a test).

    .venv/bin/python bench/bench_import.py [--quick] [--repeat 7] [--big-units 250]

Builds a year of 4-unit monthly power workbooks (one workbook per month: a workbook holds one
filing period) with the data writer, then times

- ``read_workbook`` over the 12 files (form from ``_meta``, every check on), against
- bare ``load_workbook(read_only=True, data_only=True)`` + ``iter_rows(values_only=True)`` over
  every sheet of the same files, and over just the sheets the importer reads.

A second case stresses the per-row work: one workbook with ``--big-units`` units × 4 fuels.
Target: read_workbook <= 1.3x the bare iteration of the sheets it reads. CPU time, min and median
of ``--repeat`` interleaved runs after a warm-up; the one-workbook case, half the 12 months' cost a
run, gets ``BIG_CASE_RUNS`` times as many (its median moved by 0.1x between 7-run results on a
2-core machine shared with other work). ``measure(quick)`` for bench/run_all.py.
"""

from __future__ import annotations

import argparse
import copy
import gc
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from openpyxl import load_workbook  # noqa: E402

from cets_desktop.core.document import parse_document  # noqa: E402
from cets_desktop.core.loader import default_registry  # noqa: E402
from cets_desktop.demo import power_month_document  # noqa: E402
from cets_desktop.io.xlsx_import import read_workbook  # noqa: E402
from cets_desktop.io.xlsx_layout import OPTIONS_SHEET, README_SHEET  # noqa: E402
from cets_desktop.io.xlsx_template import write_workbook  # noqa: E402


def month_document(month: int, units: int) -> dict[str, Any]:
    """The demo month with ``units`` units (copies of the two demo units, renamed)."""
    doc = power_month_document(month)
    demo_units = doc["values"]["units"]
    rows = []
    for i in range(units):
        unit = copy.deepcopy(demo_units[i % 2])
        unit["unit_name"] = f"{i + 1}号机组"
        fuels = unit["fuels"]
        while len(fuels) < 4 and units > 4:
            extra = copy.deepcopy(fuels[-1])
            extra["fuel_name"] = ("柴油", "天然气", "燃料油", "焦炉煤气")[len(fuels) % 4]
            fuels.append(extra)
        rows.append(unit)
    doc["values"]["units"] = rows
    return doc


def bare(path: Path, skip: frozenset[str] = frozenset()) -> int:
    data = path.read_bytes()  # the importer reads the file once into memory too
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = 0
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
    wb.close()
    return cells


TARGET_RATIO = 1.3
BIG_CASE_RUNS = 2


def _time_case(label: str, files: list[Path], repeat: int) -> dict[str, Any]:
    """CPU time (process_time: other load on the machine does not count), runs interleaved after
    one unmeasured warm-up of each, each from a collected heap: a full collection (~90 ms here,
    seen with gc.callbacks) comes due when earlier runs' survivors add up, and without this fell
    on whichever case was running then."""
    importer_skips = frozenset({README_SHEET, OPTIONS_SHEET})
    runs: dict[str, Callable[[], object]] = {
        "read_workbook": lambda: [read_workbook(p) for p in files],
        "bare openpyxl, every sheet": lambda: [bare(p) for p in files],
        "bare openpyxl, sheets we read": lambda: [bare(p, importer_skips) for p in files],
    }
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            gc.collect()
            start = time.process_time()
            run()
            times[name].append(time.process_time() - start)
    ours, base = times["read_workbook"], times["bare openpyxl, sheets we read"]
    size = sum(p.stat().st_size for p in files) / 1024
    ms = ", ".join(
        f"{name} {min(v) * 1000:.0f}/{statistics.median(v) * 1000:.0f} ms" for name, v in times.items()
    )
    ratio_median = statistics.median(ours) / statistics.median(base)
    return {
        "name": f"import: {label} / bare openpyxl (CPU)",
        "target": f"≤ {TARGET_RATIO}×",
        "ratio_min": min(ours) / min(base),
        "ratio_median": ratio_median,
        "detail": f"{len(files)} file(s), {size:.0f} KiB; min/median {ms}; {repeat} interleaved runs",
        "met": ratio_median <= TARGET_RATIO,
    }


def measure(
    quick: bool = False, repeat: int | None = None, big_units: int | None = None
) -> list[dict[str, Any]]:
    """Rows per the bench conventions (bench/run_all.py)."""
    repeat = repeat if repeat is not None else (3 if quick else 7)
    big_units = big_units if big_units is not None else (60 if quick else 250)
    spec = default_registry().get("power-monthly")
    assert spec is not None
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        year = []
        months = 4 if quick else 12
        for month in range(1, months + 1):
            path = folder / f"2026-{month:02d}.xlsx"
            write_workbook(spec, path, document=parse_document(month_document(month, 4)))
            year.append(path)
        problems = sum(len(read_workbook(p).problems) for p in year)
        assert problems == 0, f"{problems} import problems in the benchmark data"
        rows.append(_time_case(f"{months} months × 4 units", year, repeat))
        big = folder / "big.xlsx"
        write_workbook(spec, big, document=parse_document(month_document(10, big_units)))
        result = read_workbook(big)
        fuel_rows = sum(len(u.get("fuels", [])) for u in result.document.values["units"])
        assert not result.problems and fuel_rows == big_units * 4
        label = f"one workbook, {big_units} units × 4 fuels"
        rows.append(_time_case(label, [big], repeat * BIG_CASE_RUNS))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs, 4 months, a 60-unit big workbook")
    parser.add_argument("--repeat", type=int)
    parser.add_argument("--big-units", type=int)
    args = parser.parse_args()
    for row in measure(args.quick, args.repeat, args.big_units):
        print(
            f"{row['name']}: min {row['ratio_min']:.2f}×, median {row['ratio_median']:.2f}× "
            f"(target {row['target']}: {'met' if row['met'] else 'NOT met'}) — {row['detail']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
