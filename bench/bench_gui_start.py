"""Benchmark: cold start to a usable main window, against a bare PySide6 window.

Target (issue): the app's main window is usable within 1.3× the time a bare PySide6 window takes
on the same machine in the same run. Both are measured the same way, in fresh interpreters:

* bare — ``QApplication`` + ``QMainWindow`` with a label, shown, events processed until exposed;
* app  — ``python -m cets_desktop --workspace DEMO gui`` on a demo workspace built beforehand (so
  building the demo is not counted), with ``CETS_EXIT_WHEN_READY=1``: ui/app.py prints the moment
  the main window is shown, exposed and painted (navigator and year calendar drawn; a month whose
  findings are not cached yet shows 检查中… until it is evaluated right after), then — reported
  separately as "app+" — the moment every card shows its evaluated status.

Time = from just before the child is spawned to the ``READY`` timestamp the child prints
(``time.perf_counter`` is the system-wide monotonic clock on Linux and Windows), so interpreter
start, imports and window construction all count. Runs are interleaved (bare, app, bare, app …)
after one unmeasured warm-up of each, so disk cache and CPU frequency treat both alike. Each run
gets its own empty settings folders (no remembered geometry or recent workspaces).

    .venv/bin/python bench/bench_gui_start.py [--runs 15] [--platform offscreen]
    .venv/bin/python bench/bench_gui_start.py --importtime     # slowest imports of the app variant
    .venv/bin/python bench/bench_gui_start.py --profile        # cProfile of one app start
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 1.3

BARE_SCRIPT = """
import sys, time
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("全国碳市场填报助手"))
window.resize(1280, 800)
window.show()
deadline = time.perf_counter() + 30
while (window.windowHandle() is None or not window.windowHandle().isExposed()) and time.perf_counter() < deadline:
    app.processEvents()
app.processEvents()
print(f"READY {time.perf_counter():.6f}", flush=True)
window.close()
"""


def child_env(platform: str, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    if platform:
        env["QT_QPA_PLATFORM"] = platform
    # Settings, recent workspaces and logs go to a private folder: every run is a first run.
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "APPDATA", "LOCALAPPDATA"):
        env[key] = str(home / key.lower())
    env["CETS_EXIT_WHEN_READY"] = "1"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Milliseconds from spawning ``command`` to the READY (and SETTLED) timestamps it prints."""
    start = time.perf_counter()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)
    stamps = dict(
        line.split()[:2] for line in proc.stdout.splitlines() if line.startswith(("READY ", "SETTLED "))
    )
    if proc.returncode != 0 or "READY" not in stamps:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    ready = (float(stamps["READY"]) - start) * 1000
    settled = (float(stamps.get("SETTLED", stamps["READY"])) - start) * 1000
    return ready, settled


def build_demo(folder: Path) -> Path:
    from cets_desktop.demo import build_demo_workspace

    return Path(build_demo_workspace(folder / "演示工作区.cetsdb"))


def default_platform() -> str:
    if os.environ.get("QT_QPA_PLATFORM"):
        return os.environ["QT_QPA_PLATFORM"]
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return "offscreen"
    return ""  # the platform's own window system


def describe(name: str, times: list[float]) -> str:
    return (
        f"{name:<5} median {statistics.median(times):7.1f} ms   min {min(times):7.1f} ms   "
        f"max {max(times):7.1f} ms   (n={len(times)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="measured runs of each variant")
    parser.add_argument("--platform", default=default_platform(), help="QT_QPA_PLATFORM for both variants")
    parser.add_argument(
        "--importtime", action="store_true", help="print the slowest imports of the app variant"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one app start (cumulative, top 40)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cets-bench-start-") as tmp:
        root = Path(tmp)
        demo = build_demo(root)
        bare_script = root / "bare_window.py"
        bare_script.write_text(BARE_SCRIPT, encoding="utf-8")
        bare = [sys.executable, str(bare_script)]
        app = [sys.executable, "-m", "cets_desktop", "--workspace", str(demo), "gui"]

        if args.importtime or args.profile:
            return diagnose(app, child_env(args.platform, root / "diag"), args.importtime)

        print(f"Python {sys.version.split()[0]}  platform={args.platform or '(native)'}  runs={args.runs}")
        for warm in range(1):  # unmeasured: fills the disk cache for both
            run_once(bare, child_env(args.platform, root / f"warm-bare-{warm}"))
            run_once(app, child_env(args.platform, root / f"warm-app-{warm}"))
        bare_times: list[float] = []
        app_times: list[float] = []
        settled_times: list[float] = []
        for i in range(args.runs):
            bare_times.append(run_once(bare, child_env(args.platform, root / f"bare-{i}"))[0])
            ready, settled = run_once(app, child_env(args.platform, root / f"app-{i}"))
            app_times.append(ready)
            settled_times.append(settled)
        print(describe("bare", bare_times))
        print(describe("app", app_times) + "   window usable (calendar cards drawn, statuses may be 检查中…)")
        print(describe("app+", settled_times) + "   every card's status evaluated")
        ratio_median = statistics.median(app_times) / statistics.median(bare_times)
        ratio_min = min(app_times) / min(bare_times)
        settled_ratio = statistics.median(settled_times) / statistics.median(bare_times)
        verdict = "OK" if ratio_median <= TARGET_RATIO else "OVER TARGET"
        print(
            f"ratio app/bare: median {ratio_median:.2f}×, min {ratio_min:.2f}×  "
            f"(target ≤ {TARGET_RATIO}×: {verdict}); calendar complete: median {settled_ratio:.2f}×"
        )
    return 0


def diagnose(app: list[str], env: dict[str, str], importtime: bool) -> int:
    if importtime:
        proc = subprocess.run(
            [app[0], "-X", "importtime", *app[1:]],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )
        rows = []
        for line in proc.stderr.splitlines():
            # "import time:      1234 |       5678 |   package.module"
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cumulative, name = (
                part.strip() for part in line.removeprefix("import time:").split("|")
            )
            rows.append((int(cumulative), int(self_us), name))
        print("cumulative ms   self ms   module")
        for cumulative, self_us, name in sorted(rows, reverse=True)[:45]:
            print(f"{cumulative / 1000:12.1f} {self_us / 1000:9.1f}   {name}")
        return 0
    out = Path(env["XDG_CACHE_HOME"]) / "start.prof"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [app[0], "-m", "cProfile", "-o", str(out), *app[1:]],
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    import pstats

    pstats.Stats(str(out)).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
