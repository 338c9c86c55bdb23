#!/usr/bin/env bash
# Command 1 of the README: set up, then open the app on a fresh demo workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/cets-desktop gui --demo
fi
# No screen (a server, CI): render the window into a picture instead of failing.
echo "没有图形显示（DISPLAY 未设置）：在虚拟屏幕上启动并保存截图 demo-screenshot.png" >&2
xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/cets-desktop gui --demo --screenshot demo-screenshot.png
echo "截图：$(pwd)/demo-screenshot.png"
