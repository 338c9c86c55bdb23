"""The evidence dialogs and the panel's new buttons fit the screens people have: 1366×768, and
1920×1080 at 150 % (QT_SCALE_FACTOR=1.5, 1280×720 logical pixels). Each size runs in its own
process on an offscreen screen of that size; screenshots go to tests/evidence_many/_screens/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SCREENS = {
    "1366x768": ({"width": 1366, "height": 768}, None),
    "150pct-1920x1080": ({"width": 1920, "height": 1080}, "1.5"),
}


@pytest.mark.parametrize("size", list(SCREENS))
def test_dialogs_fit_the_screen(size: str, tmp_path: Path) -> None:
    geometry, scale = SCREENS[size]
    config = tmp_path / "screen.json"
    screen = {"name": "s1", "x": 0, "y": 0, "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1, **geometry}
    config.write_text(json.dumps({"windowFrameMargins": False, "screens": [screen]}))
    env = {k: v for k, v in os.environ.items() if k not in ("QT_SCALE_FACTOR", "QT_QPA_PLATFORM")}
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    if scale:
        env["QT_SCALE_FACTOR"] = scale
    shots = HERE / "_screens"
    shots.mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, str(HERE / "fit_screen_probe.py"), str(shots), size],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    logical = [geometry["width"], geometry["height"]] if not scale else [1280, 720]
    assert out["screen"] == logical
    assert out["window"][0] <= logical[0] and out["window"][1] <= logical[1]
    assert out["panel_buttons_inside"]
    for key in ("mapping", "single", "carry"):
        dialog = out[key]
        assert dialog["on_screen"], (key, dialog)
        assert dialog["size"][0] <= logical[0] and dialog["size"][1] <= logical[1], (key, dialog)
        assert dialog["min_hint"][0] <= logical[0] and dialog["min_hint"][1] <= logical[1], (key, dialog)
        assert dialog["buttons_inside"], key
