"""Benchmark: live validation — the year's cards re-evaluated through the window's path, and the
keystroke-to-findings latency of an open filing (issue #14 item 4).

Target: the year view (12 cards of the demo's power plant) re-evaluates in ≤ 20 ms through the
window's path, as issue #14 item 4 says (it measured 31–33 ms there): CPU time, so that waiting for
a core on a loaded machine does not decide it; the Min and Median columns are the times over
20 ms. Beside it, in the detail, the ratio to the bare rules engine on the same documents
(``evaluate_series``: no parsing, no session copy, no previous-month lookup, no workspace checks),
interleaved, after one unmeasured warm-up of each. That ratio was the target until 2026-12-02
(≤ 1.25×: 20 ms over the 16 ms the engine took when the issue was written), but the engine has
since become three times faster while parsing a month did not, so the ratio asked the window's
path for ~1.5 ms of its own instead of the issue's 4 ms; it is reported, not judged.

Work is timed as CPU time (``time.process_time``): on a machine shared by many, waiting for a core
is not the program's work. The keystroke latency is wall-clock time (it waits for a timer).

Rows (each with min and median over the runs, ≥ 7 by default):

* **after a save** — what the calendar does when a month is saved: the save (not timed) forgets
  the series' card statuses, then ``StatusCache.months`` evaluates the 12 cards through
  ``Desk.evaluate`` (the same call the CLI's ``validate --filing`` makes: previous month, GEN-008/009
  workspace checks, the plan). Months whose inputs did not change are not evaluated again.
* **nothing kept** — the same with every kept read dropped first (a workspace just opened): every
  month parsed, typed, checked.
* **keystroke → findings** — a real ``FilingSession`` (offscreen Qt): one keystroke in 供电量, until
  the findings are out (the ~300 ms debounce + the work), against the debounce alone.
* **engine alone, the demo year** — the bare engine's samples of the two rows above (taken
  interleaved with them), against the issue's 20 ms for the year: the rules alone on the months
  of the 12 cards, nothing of the window's path.
* **engine, 4-unit year** — the earlier benchmark: a 4-unit plant's 12 months (48 unit-months,
  2.4× the demo year's 20) through the bare engine, against pydantic validating the same values
  (types only). Reported, no target of its own: the issue's 20 ms is for the year view's 12 cards.

Why this row once read 18.6 ms (README at dc5ccc3) and later ~100 ms: not a regression. The
commit that added it (d07e7c3), checked out and run on this machine with its own script, gives
66 ms best / 137 ms median (wall clock) and 69–86 ms CPU for the same 4-unit year; the 18.6 ms
was not measured here. Since then the definition grew from 50 to 65 rules (84 fields); the
engine then took ~100 ms for that year (HEAD before issue #14's engine work) and ~60 ms after it.

    .venv/bin/python bench/bench_validate.py [--quick]
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_MS = 20.0
"""The year view through the window's path (issue #14 item 4)."""
ENGINE_MS_WHEN_SET = 16.0
"""The bare engine's year when the 20 ms target was set (issue #14), for the detail's ratio."""


def four_unit_month(month: int) -> dict[str, Any]:
    from cets_desktop.demo import power_month_document

    doc = power_month_document(month)
    units = doc["values"]["units"]
    more = copy.deepcopy(units)
    more[0]["unit_name"], more[1]["unit_name"] = "3号机组", "4号机组"
    units.extend(more)
    return doc


def _ms(fn: Callable[[], Any]) -> float:
    """CPU time of ``fn`` in ms: the work, not the wait for a core on a machine shared by many."""
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


def _interleaved(
    candidate: Callable[[], float], baseline: Callable[[], float], runs: int
) -> tuple[list[float], list[float]]:
    candidate(), baseline()  # one unmeasured warm-up of each
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        a.append(candidate())
        b.append(baseline())
    return a, b


def _row(
    name: str, target: str, cand: list[float], base: list[float], limit: float, detail: str
) -> dict[str, Any]:
    ratio_min = min(cand) / min(base)
    ratio_median = statistics.median(cand) / statistics.median(base)
    return {
        "name": name,
        "target": target,
        "ratio_min": ratio_min,
        "ratio_median": ratio_median,
        "detail": detail,
        "met": ratio_median <= limit,
    }


class DemoYear:
    """The demo workspace (a private copy), open as the window opens it."""

    def __init__(self, folder: Path) -> None:
        from cets_desktop.core.document import parse_document
        from cets_desktop.demo import build_demo_workspace
        from cets_desktop.workflow.desk import Desk

        path = Path(build_demo_workspace(folder / "demo.cetsdb"))
        self.desk = Desk.open(path)
        self.enterprise = self.desk.list_enterprises()[0]
        self.filings = {
            f.period: f for f in self.desk.list_filings(self.enterprise.id, 2026, "power-monthly")
        }
        first = next(iter(self.filings.values()))
        spec = self.desk.definition(first)
        assert spec is not None
        self.spec = spec
        self.documents = [parse_document(self.desk.document(f.id)) for f in self.filings.values()]
        self.saves = 0

    def save_september(self) -> None:
        """A real save of September (its October then reads a changed previous month)."""
        filing = self.filings["2026-09"]
        doc = self.desk.document(filing.id)
        self.saves += 1
        doc["values"]["units"][0]["operating_hours"] = f"{700 + self.saves % 20}.0"
        self.desk.save(filing.id, doc, "基准：修改运行小时数")

    def cards(self) -> float:
        """The calendar's 12 cards through the window's path (status cache → Desk.evaluate)."""
        start = time.process_time()
        summaries = self.desk.status.months(self.enterprise, self.spec, 2026)
        took = (time.process_time() - start) * 1000
        assert len(summaries) == 12 and not any(s.pending for s in summaries)
        return took

    def after_save(self) -> float:
        self.save_september()  # not timed; forgets the series' statuses as the window's save does
        return self.cards()

    def nothing_kept(self) -> float:
        """Every kept read dropped first, as on a desk just opened: a new WorkspaceReads (parsed
        revisions, evidence rows, filing rows, definitions picked, results) and a new status cache
        (card statuses, definitions picked). What lives as long as the process (the loaded
        definitions, the engine's per-definition plans) stays, as it does when a second workspace
        is opened."""
        from cets_desktop.workflow.evaluation import WorkspaceReads
        from cets_desktop.workflow.status import StatusCache

        self.desk.__dict__["_workspace_reads"] = WorkspaceReads(self.desk.workspace)
        self.desk.status = StatusCache(self.desk)
        return self.cards()

    def bare_engine(self) -> float:
        from cets_desktop.core.rules import evaluate_series

        return _ms(lambda: evaluate_series(self.spec, self.documents))

    def findings_shown(self) -> int:
        return sum(len(self.desk.evaluate(f.id).findings) for f in self.filings.values())

    def close(self) -> None:
        self.desk.close()


def keystroke_rows(year: DemoYear, runs: int) -> list[dict[str, Any]]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from cets_desktop.ui.session import EVALUATE_DELAY_MS, FilingSession

    app = QApplication.instance() or QApplication(sys.argv[:1])
    opened = year.desk.open_filing(year.filings["2026-10"].id)
    session = FilingSession(year.desk, opened.filing, opened.spec, opened.document)
    loop = QEventLoop()
    session.evaluated.connect(loop.quit)
    typed = [0]

    cpu: list[float] = []

    def keystroke() -> float:
        typed[0] += 1
        start, start_cpu = time.perf_counter(), time.process_time()
        session.set_value("units[1].net_supply", f"1605{typed[0] % 100:02d}.000", typing=True)
        loop.exec()
        cpu.append((time.process_time() - start_cpu) * 1000)
        return (time.perf_counter() - start) * 1000

    def debounce_alone() -> float:
        start = time.perf_counter()
        QTimer.singleShot(EVALUATE_DELAY_MS, loop.quit)
        loop.exec()
        return (time.perf_counter() - start) * 1000

    def work() -> float:
        return _ms(session.evaluate_now)

    latency, debounce = _interleaved(keystroke, debounce_alone, runs)
    work_ms = [work() for _ in range(runs)]
    session.flush()
    app.processEvents()
    limit = (EVALUATE_DELAY_MS + TARGET_MS) / EVALUATE_DELAY_MS
    return [
        _row(
            "live validation: keystroke → findings (debounce + work)",
            f"≤ {limit:.3f}× the {EVALUATE_DELAY_MS} ms debounce alone (work ≤ {TARGET_MS:.0f} ms)",
            latency,
            debounce,
            limit,
            f"latency median {statistics.median(latency):.1f} ms (min {min(latency):.1f}); "
            f"debounce alone {statistics.median(debounce):.1f} ms (wall clock); CPU time of the "
            f"keystroke until its findings {statistics.median(cpu[1:]):.1f} ms, of one evaluation "
            f"(copy, parse, Desk.evaluate, form state) median {statistics.median(work_ms):.1f} ms "
            f"(min {min(work_ms):.1f})",
        )
    ]


def window_path_row(
    name: str, cand: list[float], base: list[float], year: DemoYear, shown: int
) -> dict[str, Any]:
    """The 12 cards through the window's path against the issue's 20 ms; the bare engine's
    samples, interleaved with them, give the ratio in the detail."""
    median = statistics.median(cand)
    engine = statistics.median(base)
    return {
        "name": name,
        "target": f"≤ {TARGET_MS:.0f} ms through the window's path (issue #14 item 4)",
        "ratio_min": min(cand) / TARGET_MS,
        "ratio_median": median / TARGET_MS,
        "detail": f"12 cards ({len(year.filings)} filed months, {shown} findings): median "
        f"{median:.1f} ms (min {min(cand):.1f}); {median / engine:.2f}× (min "
        f"{min(cand) / min(base):.2f}×) the bare engine on the same months, {engine:.1f} ms "
        f"(min {min(base):.1f}; it took {ENGINE_MS_WHEN_SET:.0f} ms when the target was set)",
        "met": median <= TARGET_MS,
    }


def demo_engine_row(samples: list[float], year: DemoYear) -> dict[str, Any]:
    """The bare engine on the demo year (the rows' baseline samples) against the issue's 20 ms."""
    months = len(year.documents)
    units = sum(len(d.values.get("units") or []) for d in year.documents)
    median = statistics.median(samples)
    return {
        "name": "engine alone: the demo year (the 12 cards' months), CPU",
        "target": f"≤ {TARGET_MS:.0f} ms (the year view, issue #14 item 4)",
        "ratio_min": min(samples) / TARGET_MS,
        "ratio_median": median / TARGET_MS,
        "detail": f"{months} filed months, {units} unit-months: median {median:.1f} ms (min "
        f"{min(samples):.1f}) for coerce, calculate, every rule and evidence; "
        f"{len(samples)} runs interleaved with the window-path rows",
        "met": median <= TARGET_MS,
    }


def engine_row(runs: int) -> dict[str, Any]:
    from cets_desktop.core.document import parse_document
    from cets_desktop.core.loader import default_registry
    from cets_desktop.core.model_builder import values_model
    from cets_desktop.core.rules import evaluate_series

    spec = default_registry().get("power-monthly")
    assert spec is not None
    raw = [four_unit_month(m) for m in range(1, 13)]
    docs = [parse_document(d) for d in raw]
    model = values_model(spec)

    def engine() -> float:
        return _ms(lambda: evaluate_series(spec, docs))

    def bare_pydantic() -> float:
        return _ms(lambda: [model.model_validate(d["values"]) for d in raw])

    cand, base = _interleaved(engine, bare_pydantic, runs)
    per_unit_month = statistics.median(cand) / sum(len(d.values.get("units") or []) for d in docs)
    return _row(
        "engine alone: 4-unit year (48 unit-months) vs bare pydantic",
        "reported (no target: 2.4× the demo year's work; the 20 ms is for the 12 cards)",
        cand,
        base,
        float("inf"),
        f"engine median {statistics.median(cand):.1f} ms (min {min(cand):.1f}), "
        f"{per_unit_month:.2f} ms per unit-month; pydantic model_validate of the same values "
        f"{statistics.median(base):.2f} ms (types only, no rules)",
    )


def measure(quick: bool = False) -> list[dict[str, Any]]:
    runs = 3 if quick else 9
    folder = Path(tempfile.mkdtemp(prefix="cets-bench-validate-"))
    year = DemoYear(folder)
    try:
        shown = year.findings_shown()
        rows = []
        engine_samples: list[float] = []
        for name, candidate in (
            ("live validation: year view after a save (window path)", year.after_save),
            ("live validation: year view, nothing kept (first open)", year.nothing_kept),
        ):
            cand, base = _interleaved(candidate, year.bare_engine, runs)
            engine_samples.extend(base)
            rows.append(window_path_row(name, cand, base, year, shown))
        rows.append(demo_engine_row(engine_samples, year))
        rows.extend(keystroke_rows(year, runs))
        rows.append(engine_row(runs))
        return rows
    finally:
        year.close()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 9")
    args = parser.parse_args()
    for row in measure(quick=args.quick):
        mark = "met" if row["met"] else "NOT met"
        print(
            f"{row['name']}: {row['ratio_median']:.2f}× median, {row['ratio_min']:.2f}× min "
            f"(target {row['target']}: {mark})\n    {row['detail']}"
        )


if __name__ == "__main__":
    main()
