"""mypy with a ratchet: no file may gain errors of a kind it did not have before.

The committed baseline (``scripts/mypy_baseline.json``) counts today's errors per file and error
code, so moving code around (line shifts) never trips it. The run fails when any (file, code)
count grows, printing that file's errors of that code; when counts only went down it passes and
says so, so the baseline can be lowered with ``--update`` in the same change.

Usage: ``python scripts/mypy_ratchet.py [--update | --reset] [--baseline FILE] [--output FILE]``

- ``--update`` lowers the baseline to today's counts where they went down; it never raises one
  and never adds a (file, code), so it cannot hide a new error.
- ``--reset`` writes today's counts as they are: only for a deliberate change such as a new mypy
  version (pinned in pyproject.toml), reviewed like any other change.
- ``--output`` reads a saved mypy output instead of running mypy (tests).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scripts" / "mypy_baseline.json"
ERROR_LINE = re.compile(
    r"^(?P<file>[^:\s][^:]*):(?P<line>\d+)(?::\d+)?: error: (?P<message>.*?)(?:\s+\[(?P<code>[a-z0-9-]+)\])?$"
)

Key = tuple[str, str]


def run_mypy() -> str:
    """mypy's output for the configured files (pyproject.toml [tool.mypy])."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-pretty", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1):  # 2: mypy itself failed (bad config, crash)
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"mypy could not run (exit status {done.returncode})")
    return done.stdout


def parse_errors(output: str) -> dict[Key, list[str]]:
    """(file, error code) → the error lines, from mypy's plain output."""
    found: dict[Key, list[str]] = {}
    for line in output.splitlines():
        m = ERROR_LINE.match(line.strip())
        if m is None:
            continue
        key = (m["file"].replace("\\", "/"), m["code"] or "misc")
        found.setdefault(key, []).append(line.strip())
    return found


def load_baseline(path: Path) -> Counter[Key]:
    if not path.exists():
        return Counter()
    data = json.loads(path.read_text(encoding="utf-8"))
    return Counter({(file, code): n for file, codes in data["errors"].items() for code, n in codes.items()})


def write_baseline(path: Path, counts: Counter[Key]) -> None:
    by_file: dict[str, dict[str, int]] = {}
    for (file, code), n in sorted(counts.items()):
        if n:
            by_file.setdefault(file, {})[code] = n
    text = json.dumps(
        {
            "comment": "mypy errors per file and code allowed today; lower it, never raise it "
            "(python scripts/mypy_ratchet.py --update)",
            "total": sum(counts.values()),
            "errors": by_file,
        },
        indent=2,
        ensure_ascii=False,
    )
    path.write_text(text + "\n", encoding="utf-8")


def compare(errors: dict[Key, list[str]], baseline: Counter[Key]) -> tuple[list[str], list[str]]:
    """(grown: lines describing each (file, code) above its baseline, shrunk: ones below it)."""
    grown, shrunk = [], []
    for key in sorted(set(errors) | set(baseline)):
        now, allowed = len(errors.get(key, [])), baseline.get(key, 0)
        file, code = key
        if now > allowed:
            grown.append(f"{file} [{code}]: {now} errors, baseline allows {allowed}")
            grown.extend(f"    {line}" for line in errors[key])
        elif now < allowed:
            shrunk.append(f"{file} [{code}]: {now} (baseline {allowed})")
    return grown, shrunk


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--update", action="store_true", help="lower the baseline where errors were fixed")
    mode.add_argument(
        "--reset", action="store_true", help="write today's counts as the baseline (mypy upgrade)"
    )
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--output", type=Path, help="a saved mypy output to check instead of running mypy")
    args = parser.parse_args(argv)

    output = args.output.read_text(encoding="utf-8") if args.output else run_mypy()
    errors = parse_errors(output)
    counts = Counter({key: len(lines) for key, lines in errors.items()})
    baseline = load_baseline(args.baseline)
    if args.update or args.reset:
        if args.update:
            counts = Counter({key: min(n, counts.get(key, 0)) for key, n in baseline.items()})
        write_baseline(args.baseline, counts)
        print(
            f"mypy baseline written: {sum(counts.values())} errors in {len({file for (file, _code), n in counts.items() if n})} files"
        )
        return 0
    grown, shrunk = compare(errors, baseline)
    total, allowed = sum(counts.values()), sum(baseline.values())
    if grown:
        print("mypy: new errors (the file has more errors of this code than the baseline allows):")
        print("\n".join(grown))
        print(
            f"mypy ratchet FAILED: {total} errors, baseline {allowed}; fix the new ones "
            "(the baseline is only ever lowered)"
        )
        return 1
    if shrunk:
        print(
            "mypy: fewer errors than the baseline — lower it with `python scripts/mypy_ratchet.py --update`:"
        )
        print("\n".join(f"    {line}" for line in shrunk))
    print(f"mypy ratchet ok: {total} errors, baseline {allowed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
