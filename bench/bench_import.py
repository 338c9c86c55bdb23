"""Benchmark: Excel import against bare openpyxl read-only iteration of the same files (not a test).

    .venv/bin/python bench/bench_import.py [--repeat 5] [--big-units 250]

Builds a year of 4-unit monthly power workbooks (one workbook per month: a workbook holds one
filing period) with the data writer, then times

- ``read_workbook`` over the 12 files (form from ``_meta``, every check on), against
- bare ``load_workbook(read_only=True, data_only=True)`` + ``iter_rows(values_only=True)`` over
  every sheet of the same files, and over just the sheets the importer reads.

A second case stresses the per-row work: one workbook with ``--big-units`` units × 4 fuels.
Target: read_workbook <= 1.3x the bare iteration. CPU time, best of ``--repeat`` interleaved runs.
"""

from __future__ import annotations

import argparse
import copy
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


def measure(label: str, files: list[Path], repeat: int) -> None:
    """CPU time (process_time: other load on the machine does not count), runs interleaved."""
    importer_skips = frozenset({README_SHEET, OPTIONS_SHEET})
    runs: dict[str, Callable[[], object]] = {
        "read_workbook": lambda: [read_workbook(p) for p in files],
        "bare openpyxl, every sheet": lambda: [bare(p) for p in files],
        "bare openpyxl, sheets we read": lambda: [bare(p, importer_skips) for p in files],
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.process_time()
            run()
            times[name].append(time.process_time() - start)
    size = sum(p.stat().st_size for p in files) / 1024
    print(f"\n{label}: {len(files)} file(s), {size:.0f} KiB; CPU ms, best / median of {repeat}")
    ours = min(times["read_workbook"])
    for name, values in times.items():
        ratio = "" if name == "read_workbook" else f"   read_workbook / this = {ours / min(values):.2f}x"
        print(f"  {name:32s} {min(values) * 1000:8.1f} / {statistics.median(values) * 1000:8.1f}{ratio}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--big-units", type=int, default=250)
    args = parser.parse_args()
    spec = default_registry().get("power-monthly")
    assert spec is not None
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        year = []
        for month in range(1, 13):
            path = folder / f"2026-{month:02d}.xlsx"
            write_workbook(spec, path, document=parse_document(month_document(month, 4)))
            year.append(path)
        problems = sum(len(read_workbook(p).problems) for p in year)
        assert problems == 0, f"{problems} import problems in the benchmark data"
        measure("12 months x 4 units (one workbook per month)", year, args.repeat)
        big = folder / "big.xlsx"
        write_workbook(spec, big, document=parse_document(month_document(10, args.big_units)))
        result = read_workbook(big)
        rows = sum(len(u.get("fuels", [])) for u in result.document.values["units"])
        assert not result.problems and rows == args.big_units * 4
        measure(f"one workbook, {args.big_units} units x 4 fuels ({rows} fuel rows)", [big], args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
