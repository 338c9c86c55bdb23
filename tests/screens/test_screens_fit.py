"""The window fits the screens people have (issue #13 item 4), proven page by page.

Each screen is a child pytest of ``walk_pages.py`` (and, at 1366×768, ``walk_new_user.py``) on an
offscreen screen of that size, because Qt fixes the screen and the scale factor when the
QApplication starts:

- 1366×768 (the most common office laptop),
- 1280×800,
- 1920×1080 at 150 % scaling (``QT_SCALE_FACTOR=1.5``: 1280×720 logical pixels).

Screenshots of every page: build/screens/<size>/<page>.png.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
SHOTS = ROOT / "build" / "screens"

SCREENS = {
    "1366x768": (1366, 768, "1"),
    "1280x800": (1280, 800, "1"),
    "150pct-1920x1080": (1920, 1080, "1.5"),
}
PAGES = [
    "01-calendar",
    "02-overview",
    "03-power-month-step2",
    "04-power-fuels",
    "05-power-fuels-focus",
    "07-cement-month-step1",
    "08-a5-carbide-table",
    "09-a5-airline-table",
    "10-power-plan-step1",
    "11-power-plan-parameters",
    "12-export-1-preflight",
    "12-export-3-result",
    "13-history",
    "14-enterprise",
]

NEW_USER_PAGES = [
    "20-new-user-1-welcome",
    "20-new-user-3-enterprise",
    "20-new-user-4-calendar",
    "20-new-user-6-error-in-findings",
    "20-new-user-7-jumped-to-field",
    "20-new-user-8-evidence-attached",
    "20-new-user-11-exported",
    "20-new-user-12-reopened",
]


def run_on_screen(
    name: str, tmp_path: Path, *modules: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, int]]:
    """Run ``modules`` in a child pytest on screen ``name``; its output and its JUnit counts."""
    width, height, scale = SCREENS[name]
    config = tmp_path / f"screen-{name}.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": name,
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": height,
                        "logicalDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    env = dict(os.environ)
    env.update(
        {
            "CETS_SCREEN": name,
            "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
            "QT_SCALE_FACTOR": scale,
        }
    )
    report = tmp_path / f"junit-{name}.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *[str(HERE / m) for m in modules], "-s", f"--junitxml={report}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    counts: dict[str, int] = {}
    if report.is_file():
        suite = ElementTree.parse(report).getroot()
        suite = suite if suite.tag == "testsuite" else suite[0]
        counts = {key: int(suite.get(key, "0")) for key in ("tests", "failures", "errors", "skipped")}
    return result, counts


@pytest.mark.parametrize("name", list(SCREENS))
def test_every_page_fits_the_screen(name: str, tmp_path: Path) -> None:
    modules = ["walk_pages.py"]
    if name == "1366x768" and (HERE / "walk_new_user.py").is_file():
        modules.append("walk_new_user.py")
    shutil.rmtree(SHOTS / name, ignore_errors=True)  # every screenshot from this run
    result, counts = run_on_screen(name, tmp_path, *modules)
    print(result.stdout[-6000:])
    assert result.returncode == 0, f"{name}:\n{result.stdout[-12000:]}\n{result.stderr[-3000:]}"
    # Every page walked, none skipped (a skip would mean the child never saw its screen).
    assert counts.get("tests", 0) >= 7 and counts.get("skipped") == 0, counts
    pages = PAGES + (NEW_USER_PAGES if "walk_new_user.py" in modules else [])
    missing = [p for p in pages if not (SHOTS / name / f"{p}.png").is_file()]
    assert not missing, f"{name}: 缺少截图 {missing}"
