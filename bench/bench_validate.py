"""Benchmark: validate a full year (12 months) of a 4-unit power plant's monthly certification.

Target (Foundation issue): ≤ 20 ms for the year, so validation can run on every keystroke.
Reported as a ratio to pydantic validating the same documents alone with the model the engine
derives from the definition (structure and types only, no rules) — never asserted in tests.

    .venv/bin/python bench/bench_validate.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

from cets_desktop.core.document import parse_document
from cets_desktop.core.loader import default_registry
from cets_desktop.core.model_builder import values_model
from cets_desktop.core.rules import evaluate_series
from cets_desktop.demo import power_month_document


def four_unit_month(month: int) -> dict:
    doc = power_month_document(month)
    units = doc["values"]["units"]
    more = copy.deepcopy(units)
    more[0]["unit_name"], more[1]["unit_name"] = "3号机组", "4号机组"
    units.extend(more)
    return doc


def best_ms(fn, rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    spec = default_registry().get("power-monthly")
    assert spec is not None
    raw = [four_unit_month(m) for m in range(1, 13)]
    docs = [parse_document(d) for d in raw]
    model = values_model(spec)

    def engine() -> None:
        evaluate_series(spec, docs)

    def bare_pydantic() -> None:
        for d in raw:
            model.model_validate(d["values"])

    engine(), bare_pydantic()  # warm up (definition binding, pydantic core)
    findings = sum(len(e.findings) for e in evaluate_series(spec, docs))
    e_min, e_med = best_ms(engine, args.rounds)
    p_min, p_med = best_ms(bare_pydantic, args.rounds)
    print(f"year = 12 months × 4 units × (2 fuels + 1 fuel) ; findings produced: {findings}")
    print(
        f"rules engine (coerce + calculate + all rules + evidence): best {e_min:.1f} ms, median {e_med:.1f} ms"
        f"  (target ≤ 20 ms: {'met' if e_med <= 20 else 'NOT met'})"
    )
    print(
        f"bare pydantic model_validate of the same values:        best {p_min:.1f} ms, median {p_med:.1f} ms"
    )
    print(f"ratio engine / pydantic (median): {e_med / p_med:.1f}×")


if __name__ == "__main__":
    main()
