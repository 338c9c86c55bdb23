"""bench/run_all.py: every benchmark's measure() in one table, and the README's marked block (and
nothing else) rewritten from it. Fake benchmarks stand in for the real, slow ones."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run_all() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run_all_under_test", ROOT / "bench" / "run_all.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


run_all = _run_all()

FAKE_EXPORT = """
CALLS = []

def measure(quick: bool = False) -> list[dict]:
    CALLS.append(quick)
    runs = 3 if quick else 7
    return [{
        "name": "export --filing, 500 MB evidence / sha256sum",
        "target": "≤ 1.2×",
        "ratio_min": 1.04,
        "ratio_median": 1.116,
        "detail": f"export median 3.40 s | sha256sum median 3.05 s; {runs} interleaved runs",
        "met": True,
    }, {
        "name": "export peak RSS / 150 MB",
        "target": "≤ 1.0× (150 MB)",
        "ratio_min": 0.6,
        "ratio_median": 0.7,
        "detail": "peak RSS 105 MB",
        "met": True,
    }]
"""

FAKE_SLOW_START = """
def measure(quick: bool = False) -> list[dict]:
    return [{"name": "gui start / bare window", "target": "≤ 1.5×", "ratio_min": 1.6,
             "ratio_median": 1.71, "detail": "median 480 ms", "met": False}]
"""

README = """# cets-desktop

Intro text that must stay exactly as it is, with trailing spaces{SPACES}
and a | pipe | table:

| a | b |
|---|---|
| 1 | 2 |

## Benchmarks

How to run: bench/run_all.py --readme

<!-- bench:start -->
| old | table |
|---|---|
| stale | 9.99× |
<!-- bench:end -->

## After

More text after the block.
""".replace("{SPACES}", "   ")


@pytest.fixture
def bench_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "bench"
    folder.mkdir()
    (folder / "bench_export.py").write_text(FAKE_EXPORT, encoding="utf-8")
    (folder / "bench_gui_start.py").write_text(FAKE_SLOW_START, encoding="utf-8")
    (folder / "bench_scale.py").write_text("VALUE = 1  # measure() not written yet\n", encoding="utf-8")
    (folder / "bench_cli_start.py").write_text("import not_a_real_module_for_cets\n", encoding="utf-8")
    (folder / "bench_validate.py").write_text(
        "def measure(quick=False):\n    raise RuntimeError('sha256sum not found')\n", encoding="utf-8"
    )
    (folder / "helper_not_a_bench.py").write_text(
        "raise SystemExit('must not be imported')\n", encoding="utf-8"
    )
    return folder


def test_collect_runs_each_measure_and_says_why_others_were_skipped(bench_dir: Path) -> None:
    results = {r.module: r for r in run_all.collect(quick=True, bench_dir=bench_dir)}

    assert sorted(results) == [
        "bench_cli_start",
        "bench_export",
        "bench_gui_start",
        "bench_scale",
        "bench_validate",
    ]
    assert [row["ratio_median"] for row in results["bench_export"].rows] == [1.116, 0.7]
    assert "3 interleaved runs" in results["bench_export"].rows[0]["detail"]  # quick was passed
    assert results["bench_scale"].skipped == "no measure() function"
    assert "ModuleNotFoundError" in (results["bench_cli_start"].skipped or "")
    assert results["bench_validate"].error == "RuntimeError: sha256sum not found"
    assert results["bench_gui_start"].rows[0]["met"] is False


def test_only_filters_by_name(bench_dir: Path) -> None:
    results = run_all.collect(bench_dir=bench_dir, only=["export"])
    assert [r.module for r in results] == ["bench_export"]
    assert "7 interleaved runs" in results[0].rows[0]["detail"]


def test_readme_rewrite_touches_only_the_marked_block(bench_dir: Path) -> None:
    results = run_all.collect(quick=False, bench_dir=bench_dir)
    block = run_all.readme_block(
        results, "AMD EPYC, 2 cores; Linux; Python 3.11.7; PySide6 6.11.3", quick=False
    )
    new = run_all.rewrite_readme(README, block)

    before, after = README.split("<!-- bench:start -->"), new.split("<!-- bench:start -->")
    assert after[0] == before[0]  # everything above, byte for byte (trailing spaces included)
    assert new.split("<!-- bench:end -->")[1] == README.split("<!-- bench:end -->")[1]
    inside = new.split("<!-- bench:start -->")[1].split("<!-- bench:end -->")[0]
    assert "stale" not in inside and "9.99" not in inside
    assert "AMD EPYC, 2 cores" in inside and "bench/run_all.py --readme" in inside
    lines = inside.strip().splitlines()
    rows = [line for line in lines if line.startswith("| ")]
    assert rows[0].startswith("| Benchmark | Target | Min | Median |")
    export_row = next(r for r in rows if r.startswith("| export --filing"))
    assert "| 1.04× | 1.12× | yes |" in export_row
    assert "3.40 s \\| sha256sum" in export_row  # a pipe in a detail cannot break the table
    assert "| gui start / bare window | ≤ 1.5× | 1.60× | 1.71× | **no** |" in inside
    assert "| `bench_scale.py` | | | | skipped | no measure() function |" in inside
    assert "| `bench_validate.py` | | | | **failed** | RuntimeError: sha256sum not found |" in inside
    # Rewriting again replaces the block, it does not stack a second one.
    again = run_all.rewrite_readme(new, block)
    assert again == new and again.count("<!-- bench:start -->") == 1


def test_readme_without_markers_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="bench:start"):
        run_all.rewrite_readme("# README\n\nno block here\n", "| x |")
    with pytest.raises(ValueError):
        run_all.rewrite_readme("<!-- bench:end -->\n<!-- bench:start -->\n", "| x |")


def test_main_writes_the_readme_file_and_the_machine_line(
    bench_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    code = run_all.main(["--quick", "--readme", "--readme-file", str(readme), "--bench-dir", str(bench_dir)])
    assert code == 1  # one benchmark failed: said so in the exit status as well
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(README.split("<!-- bench:start -->")[0])
    assert text.endswith(README.split("<!-- bench:end -->")[1])
    inside = text.split("<!-- bench:start -->")[1].split("<!-- bench:end -->")[0]
    assert "Measured on " in inside and " cores; " in inside and "Python 3." in inside and "UTC" in inside
    assert "quick pass" in inside
    out = capsys.readouterr().out
    assert "export --filing, 500 MB evidence / sha256sum" in out and "NOT MET" in out


def test_readme_needs_every_benchmark(bench_dir: Path, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    with pytest.raises(SystemExit):
        run_all.main(
            ["--readme", "--readme-file", str(readme), "--bench-dir", str(bench_dir), "--only", "export"]
        )
    assert readme.read_text(encoding="utf-8") == README


def test_the_real_readme_has_one_marked_block() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count(run_all.START_MARKER) == 1 and text.count(run_all.END_MARKER) == 1
    assert text.index(run_all.START_MARKER) < text.index(run_all.END_MARKER)


def test_a_command_leaves_its_objects_to_the_exit_not_to_the_collector(tmp_path: Path) -> None:
    """gui_start.prepare_process (every command, the window too) freezes what is alive at the
    interpreter's exit, so the shutdown's collections do not walk it (bench_export: 0.2-0.5 s after
    an export); atexit handlers still run, and a file written before the exit is complete."""
    import subprocess
    import sys

    target = tmp_path / "written.txt"
    code = (
        "import atexit, gc, sys\n"
        # Registered before prepare_process's, so it runs after it (atexit runs last in first).
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, flush=True))\n"
        "from cets_desktop.gui_start import prepare_process\n"
        "prepare_process(); prepare_process()\n"
        "atexit.register(lambda: print('before', gc.get_freeze_count() > 0, flush=True))\n"
        f"out = open({str(target)!r}, 'w', encoding='utf-8')\n"
        "out.write('完整')  # left open: closed and flushed as the module is cleared\n"
        "cycle = []; cycle.append(cycle)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # Frozen at the exit, between the handlers registered before and after prepare_process.
    assert done.stdout.split() == ["before", "False", "frozen", "True"]
    assert target.read_text(encoding="utf-8") == "完整"
