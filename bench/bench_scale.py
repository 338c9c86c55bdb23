"""Benchmark: a consultant's workspace at 1 → 10 → 50 enterprises × 3 years of monthly filings.

Issue #14 item 5: at 50 enterprises × 3 years (1,800 filings) every save rebuilt the whole
navigator (1.3 → 47 ms); the changed row is now updated alone. Nothing may grow worse than
linearly with the workspace. For each size this measures, in one process, interleaved across the
sizes (1, 10, 50, 1, 10, 50 …) after one unmeasured warm-up of each:

* **save → navigator**: ``Navigator.update_filing`` after a save (what the window does), next to a
  full rebuild of the tree (what it did before) for comparison;
* **year evaluation**: one enterprise's 12 cards evaluated through the window's path
  (``StatusCache.months``: the desk's evaluation with workspace checks and the previous month),
  with nothing kept from before (a workspace just opened);
* **overview page**: the consultant's 工作区总览 built for the whole workspace;
* **open**: ``Desk.open`` and the navigator built for the whole workspace.

Times are CPU time (``time.process_time``). Each row's ratio is the growth of the median (and of the minimum) from one size to the other:
per-save and per-year work should not grow at all with more enterprises (target ≤ 2× from 1 to
50); whole-workspace work at most in proportion: the cost of one more filing from 10 to 50
enterprises over its cost from 1 to 10 (1.0 = linear; target ≤ 1.25×, noise allowed).

Each timed run starts from a collected heap (outside the timer), as in bench_import.

    .venv/bin/python bench/bench_scale.py [--runs 9] [--quick]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES = (1, 10, 50)
YEARS = (2024, 2025, 2026)


def uscc_for(n: int) -> str:
    """A valid unified social credit code (GB 32100-2015 check digit) for enterprise ``n``."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    body = f"9132010{n:010d}"[:17]
    total = sum(alphabet.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + alphabet[(31 - total % 31) % 31]


def build_workspace(path: Path, enterprises: int) -> Path:
    """``enterprises`` power plants, each with 36 monthly filings (2024-01 … 2026-12), their
    states spread as a consultant's workspace has them (most exported, this year's last months open)."""
    from cets_desktop.demo import power_month_document
    from cets_desktop.store.workspace import Workspace

    with Workspace.open(path, create=True, actor="基准测试") as ws:
        # Throw-away data: no fsync per commit while building it (the measured workspace is
        # reopened by Desk.open with the store's own settings).
        ws._connection().execute("PRAGMA synchronous = OFF")
        for n in range(1, enterprises + 1):
            ent = ws.add_enterprise(
                f"示范热电{n:02d}有限公司",
                uscc_for(n),
                industry_code="4411",
                province="江苏省",
                city="南通市",
                sectors=["power"],
                settings={"local_deadline_days": 20, "tracked_since": "2024-01"},
            )
            for year in YEARS:
                for month in range(1, 13):
                    doc = power_month_document(month, year)
                    doc["enterprise"] = {"name": ent.name, "uscc": ent.uscc}
                    filing = ws.create_filing(
                        ent.id, "power-monthly", "2026.1", doc["period"], doc, reason="基准数据"
                    )
                    if year < 2026 or month <= 8:
                        ws.set_state(filing.id, "已校验", "基准")
                        ws.set_state(filing.id, "已导出", "基准")
    return path


class Size:
    """One workspace size, open in the window's parts (desk, navigator, overview)."""

    def __init__(self, folder: Path, enterprises: int) -> None:
        from cets_desktop.ui.navigator import Navigator
        from cets_desktop.workflow.desk import Desk

        self.enterprises = enterprises
        self.path = build_workspace(folder / f"ws-{enterprises}.cetsdb", enterprises)
        self.desk = Desk.open(self.path)
        self.nav = Navigator()
        self.nav.populate(self.desk)
        # The filing saved: the middle enterprise's October 2026 (a draft).
        target = self.desk.list_enterprises()[(enterprises - 1) // 2]
        self.enterprise = target
        found = self.desk.find_filing(target.id, "power-monthly", "2026-10")
        assert found is not None
        self.filing_id = found.id
        self.spec = self.desk.definition(found)
        self.saves = 0

    def save(self) -> None:
        """A real save (a new revision with a changed value): not timed."""
        doc = self.desk.document(self.filing_id)
        self.saves += 1
        doc["values"]["units"][0]["operating_hours"] = f"{700 + self.saves % 40}.0"
        self.desk.save(self.filing_id, doc, "基准：修改运行小时数")

    def navigator_update(self) -> None:
        assert self.nav.update_filing(self.filing_id)

    def navigator_rebuild(self) -> None:
        self.nav._build(self.desk)

    def year_evaluation(self) -> None:
        from cets_desktop.workflow.evaluation import WorkspaceReads

        self.desk.__dict__["_workspace_reads"] = WorkspaceReads(self.desk.workspace)  # nothing kept
        self.desk.status.invalidate()
        summaries = self.desk.status.months(self.enterprise, self.spec, 2026)
        assert len(summaries) == 12 and not any(s.pending for s in summaries if s.filing)

    def overview(self) -> None:
        from cets_desktop.ui.overview import OverviewPage

        page = OverviewPage()
        page.show_desk(self.desk)
        page.deleteLater()

    def open(self) -> None:
        from cets_desktop.ui.navigator import Navigator
        from cets_desktop.workflow.desk import Desk

        with Desk.open(self.path) as desk:
            nav = Navigator()
            nav.populate(desk)
            nav.deleteLater()

    def close(self) -> None:
        self.desk.close()


OPS: dict[str, tuple[str, Callable[[Size], None], Callable[[Size], None] | None]] = {
    # name: (description, timed op, untimed preparation)
    "save_navigator": ("save → navigator row", Size.navigator_update, Size.save),
    "rebuild_navigator": ("full navigator rebuild (before)", Size.navigator_rebuild, None),
    "year": ("year evaluation, 12 cards", Size.year_evaluation, None),
    "overview": ("overview page (whole workspace)", Size.overview, None),
    "open": ("open workspace + navigator", Size.open, None),
}


def _timed(size: Size, op: Callable[[Size], None], prepare: Callable[[Size], None] | None) -> float:
    if prepare is not None:
        prepare(size)
    # From a collected heap: a full collection (tens of ms once the workspaces' objects add up)
    # otherwise falls on whichever size is being timed and decides a ratio by itself.
    gc.collect()
    start = time.process_time()  # the work, not the wait for a core on a shared machine
    op(size)
    return (time.process_time() - start) * 1000


def measure(quick: bool = False) -> list[dict[str, Any]]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    runs = 3 if quick else 9
    sizes = SIZES
    with tempfile.TemporaryDirectory(prefix="cets-bench-scale-") as tmp:
        opened = [Size(Path(tmp), n) for n in sizes]
        times: dict[tuple[str, int], list[float]] = {(op, n): [] for op in OPS for n in sizes}
        try:
            for size in opened:  # one unmeasured warm-up of each
                for _name, (_text, op, prepare) in OPS.items():
                    _timed(size, op, prepare)
            for _ in range(runs):
                for name, (_text, op, prepare) in OPS.items():
                    for size in opened:  # interleaved across the sizes
                        times[(name, size.enterprises)].append(_timed(size, op, prepare))
                        app.processEvents()
        finally:
            for size in opened:
                size.close()

    def curve(name: str) -> str:
        return " → ".join(
            f"{n}: {statistics.median(times[(name, n)]):.1f} ms (min {min(times[(name, n)]):.1f})"
            for n in sizes
        )

    def growth(name: str, small: int, large: int) -> tuple[float, float]:
        a, b = times[(name, small)], times[(name, large)]
        return min(b) / min(a), statistics.median(b) / statistics.median(a)

    filings = {n: n * 12 * len(YEARS) for n in sizes}
    rows = []
    g_min, g_med = growth("save_navigator", 1, 50)
    rebuild_50 = statistics.median(times[("rebuild_navigator", 50)])
    update_50 = statistics.median(times[("save_navigator", 50)])
    rows.append(
        {
            "name": "scale: save → navigator, 1 → 50 enterprises",
            "target": "≤ 2× (the changed row only, whatever the workspace size)",
            "ratio_min": g_min,
            "ratio_median": g_med,
            "detail": f"enterprises {curve('save_navigator')}; a full rebuild was "
            f"{curve('rebuild_navigator')}; at {filings[50]} filings the update is "
            f"{update_50 / rebuild_50:.3f}× a rebuild",
            "met": g_med <= 2.0,
        }
    )
    g_min, g_med = growth("year", 1, 50)
    rows.append(
        {
            "name": "scale: year evaluation (12 cards), 1 → 50 enterprises",
            "target": "≤ 2× (one enterprise's series only)",
            "ratio_min": g_min,
            "ratio_median": g_med,
            "detail": f"enterprises {curve('year')}; nothing kept from before each run",
            "met": g_med <= 2.0,
        }
    )

    def marginal(name: str, pick: Callable[[list[float]], float]) -> float:
        """Cost of one more filing from 10 to 50 enterprises over that from 1 to 10: 1 = linear."""
        t = {n: pick(times[(name, n)]) for n in sizes}
        late = (t[50] - t[10]) / (filings[50] - filings[10])
        early = (t[10] - t[1]) / (filings[10] - filings[1])
        return late / early if early > 0 else float("inf")

    for name, label in (("overview", "overview page"), ("open", "open workspace + navigator")):
        m_min, m_med = marginal(name, min), marginal(name, statistics.median)
        g_min, g_med = growth(name, 10, 50)
        rows.append(
            {
                "name": f"scale: {label}, cost per added filing 1→10 vs 10→50 enterprises",
                "target": "≤ 1.25× (linear: each filing costs the same; 25 % for noise)",
                "ratio_min": m_min,
                "ratio_median": m_med,
                "detail": f"enterprises {curve(name)} ({', '.join(f'{filings[n]}' for n in sizes)} "
                f"filings); 10 → 50 enterprises took {g_med:.2f}× (min {g_min:.2f}×) for 5× the filings",
                "met": m_med <= 1.25,
            }
        )
    return rows


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
