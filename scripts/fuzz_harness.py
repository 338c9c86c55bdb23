#!/usr/bin/env python3
"""Heavy robustness harness (not run by the test suite): hostile inputs through the real CLI.

Each case runs ``cets-desktop`` in a child process with a wall-clock limit and a memory limit
(RLIMIT_AS, POSIX only) and checks the contract: exit 0/1/2 as documented, stderr one line with
no traceback and no 内部错误. It also runs the hypothesis properties of tests/hardening/test_fuzz.py
with many more examples. Counts are printed at the end (and copied into README §健壮性测试).

    .venv/bin/python scripts/fuzz_harness.py [--scale 20] [--timeout 30] [--memory-mb 1024] [--skip-properties]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _limit(memory_mb: int) -> Callable[[], None] | None:
    try:
        import resource
    except ImportError:
        return None

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    return apply


def run(args: list[str], timeout: float, memory_mb: int, stdin: bytes = b"") -> tuple[int | None, str, float]:
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT / "tests"),
        PYTHON_KEYRING_BACKEND="support.process_keyring.ProcessMemoryKeyring",
        QT_QPA_PLATFORM="offscreen",
    )
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cets_desktop", *args],
            input=stdin,
            capture_output=True,
            timeout=timeout,
            env=env,
            preexec_fn=_limit(memory_mb),
        )
    except subprocess.TimeoutExpired:
        return None, "timeout", time.monotonic() - started
    return done.returncode, done.stderr.decode("utf-8", "replace"), time.monotonic() - started


def cases(folder: Path) -> list[tuple[str, list[str], bytes]]:
    from cets_desktop.core.document import parse_document
    from cets_desktop.core.loader import default_registry
    from cets_desktop.demo import power_month_document
    from cets_desktop.io.xlsx_template import write_workbook

    base = power_month_document(10)
    out: list[tuple[str, list[str], bytes]] = []

    def doc_case(name: str, data: dict[str, Any] | str) -> None:
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        path = folder / f"{name}.json"
        path.write_text(
            data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8"
        )
        for command in (
            ["validate"],
            ["calc", "--json"],
            ["pdf", "-o", str(folder / f"{name}.pdf"), "--draft"],
            ["export", "-o", str(folder / f"{name}.zip"), "--draft"],
        ):
            out.append((f"{name}:{command[0]}", [command[0], str(path), *command[1:]], b""))

    for text in [
        "1e5000",
        "1e-400",
        "1e309",
        "-1e309",
        "123456789012345678901234567890",
        "9" * 5000,
        "NaN",
        "1e15",
    ]:
        d = copy.deepcopy(base)
        d["values"]["units"][0]["fuels"][0]["consumption"] = text
        doc_case(f"number-{text[:12]}", d)
    fuel = base["values"]["units"][0]["fuels"][0]
    for rows in (4000, 100_000):
        d = copy.deepcopy(base)
        d["values"]["units"][0]["fuels"] = [copy.deepcopy(fuel) for _ in range(rows)]
        doc_case(f"rows-{rows}", d)
    d = copy.deepcopy(base)
    d["values"]["remarks"] = "备" * 2_000_000
    doc_case("remark-2M", d)
    doc_case("nested-1000", '{"form": "power-monthly", "values": ' + "[" * 1000 + "]" * 1000 + "}")
    doc_case("nested-100000", "[" * 100_000 + "]" * 100_000)
    doc_case("int-5000-digits", json.dumps(base, ensure_ascii=False).replace('"152340.50"', "1" * 5000))
    for key, value in (("form_version", "2099.1"), ("format", "cets-filing/9"), ("form_version", 3)):
        d = copy.deepcopy(base)
        d[key] = value
        doc_case(f"header-{key}-{value}", d)

    spec = default_registry().get("power-monthly")
    book = folder / "filled.xlsx"
    write_workbook(spec, book, document=parse_document(base))
    bomb = folder / "bomb.xlsx"
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet4.xml":
                zout.writestr(info, zin.read(info.filename))
        with zout.open("xl/worksheets/sheet4.xml", "w") as fh:
            for _ in range(1150):  # ~900 MB unpacked, ~1 MB packed
                fh.write(b"<row/>" * (1 << 17))
    out.append(("zip-bomb:import", ["import", str(bomb)], b""))
    if hasattr(os, "mkfifo"):
        fifo = folder / "fifo.xlsx"
        os.mkfifo(fifo)
        out.append(("fifo:validate", ["validate", str(fifo)], b""))
        zero = folder / "zero.json"
        zero.symlink_to("/dev/zero")
        out.append(("dev-zero:validate", ["validate", str(zero)], b""))
    out.append(("stdin-json:validate", ["validate", "-"], json.dumps(base, ensure_ascii=False).encode()))
    out.append(("stdin-xlsx:import", ["import", "-"], book.read_bytes()))
    out.append(("bad-argument", ["validate", "--no-such-option"], b""))
    return out


def run_properties(scale: int) -> tuple[int, int]:
    """The hypothesis properties of the test suite at ``scale`` times their examples: (passed, failed)."""
    env = dict(os.environ, CETS_FUZZ_SCALE=str(scale), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/hardening/test_fuzz.py", "-q", "-p", "no:randomly"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    dots = "".join(
        line for line in done.stdout.splitlines() if set(line.split("[")[0].strip()) <= set(".FEsx")
    )
    passed, failed = dots.count("."), dots.count("F") + dots.count("E") + (done.returncode not in (0, 1))
    print(f"  properties at scale {scale}: {passed} passed, {failed} failed (pytest exit {done.returncode})")
    return passed, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=int, default=20, help="fuzz examples × this (150/25 per property at 1)"
    )
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--skip-properties", action="store_true")
    args = parser.parse_args()
    ok = bad = 0
    slowest = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, argv, stdin in cases(Path(tmp)):
            status, stderr, seconds = run(argv, args.timeout, args.memory_mb, stdin)
            slowest = max(slowest, seconds)
            lines = [line for line in stderr.strip().splitlines() if line]
            # Exit 2 must be exactly one line; 0/1 may add progress and summary lines.
            good = (
                status in (0, 1, 2)
                and "Traceback" not in stderr
                and "内部错误" not in stderr
                and (status != 2 or len(lines) == 1)
            )
            ok, bad = ok + good, bad + (not good)
            print(
                f"{'ok ' if good else 'BAD'} {name:40} exit={status} {seconds:5.1f}s {lines[-1][:90] if lines else ''}"
            )
    passed = failed = 0
    if not args.skip_properties:
        passed, failed = run_properties(args.scale)
    print(
        f"\nCLI cases: {ok} ok, {bad} bad (slowest {slowest:.1f} s, limit {args.timeout:.0f} s / {args.memory_mb} MB); "
        f"properties: {passed} ok, {failed} failed at scale {args.scale}"
    )
    return 0 if not bad and not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
