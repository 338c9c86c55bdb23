#!/usr/bin/env bash
# Build the frozen bundle from installers/cets-desktop.spec (PyInstaller, one folder, a windowed
# and a console executable), run the frozen `--self-test` and `gui --demo --screenshot`, and compile
# the NSIS installer script against that bundle with makensis. scripts/test.sh (and so CI) runs it.
#
# On Linux this is a Linux bundle (PyInstaller cannot cross-build): it proves the spec, the data
# lookup, hidden imports, translations, the two entry points and the installer script; the Windows
# build itself is made by installers/windows-release.yml.
#
# Cached: the bundle is rebuilt only when its inputs change (the spec, the package, forms/,
# resources/, the installed packages, the Python version); the installer only when the bundle or
# the NSIS files change. Everything lives in build/frozen/ (git-ignored; CI may cache it).
# Without changes a run takes ~15 s; a rebuild ~70 s more. The frozen checks always run.
#
# Usage: scripts/build-frozen.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
OUT=$ROOT/build/frozen
DIST=$OUT/dist
BUNDLE=$DIST/cets-desktop
FORCE=${1:-}
start=$(date +%s)

say() { echo "build-frozen: $*"; }
fail() { echo "build-frozen: 失败：$*" >&2; exit 1; }

[ -x "$PY" ] || fail "没有 .venv（先运行 scripts/setup.sh）"

# --- setup: PyInstaller (pinned in pyproject's `freeze` extra) and NSIS ----------------------
FREEZE_REQ=$("$PY" -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["freeze"]))')
if ! "$PY" - "$FREEZE_REQ" 2>/dev/null <<'EOF'
import sys
from importlib.metadata import version
want = dict(r.split("==") for r in sys.argv[1].split())
sys.exit(0 if all(version(n) == v for n, v in want.items()) else 1)
EOF
then
  say "安装 $FREEZE_REQ"
  "$PY" -m pip install -q $FREEZE_REQ 2>&1 | grep -v "^WARNING: Location" || true
fi
if ! command -v makensis >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || fail "需要 makensis（Debian/Ubuntu 软件包 nsis）"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  say "安装 nsis"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nsis >/dev/null
fi
mkdir -p "$OUT"

# --- the bundle, rebuilt only when an input changed -----------------------------------------
bundle_key=$(
  {
    "$PY" --version
    "$PY" -m pip freeze --exclude-editable 2>/dev/null | sort
    find installers/cets-desktop.spec installers/cets-desktop.ico cets_desktop forms resources pyproject.toml \
      -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -d' ' -f1
)
if [ "$FORCE" != "--force" ] && [ -x "$BUNDLE/cets-desktop-cli" ] && [ "$(cat "$OUT/bundle.key" 2>/dev/null)" = "$bundle_key" ]; then
  say "程序包未变，跳过重新打包（build/frozen/bundle.key）"
else
  say "PyInstaller 打包……"
  t0=$(date +%s)
  rm -f "$OUT/bundle.key"
  "$PY" -m PyInstaller installers/cets-desktop.spec --noconfirm --log-level WARN \
    --distpath "$DIST" --workpath "$OUT/work" >"$OUT/pyinstaller.log" 2>&1 \
    || { tail -30 "$OUT/pyinstaller.log" >&2; fail "PyInstaller 打包失败（build/frozen/pyinstaller.log）"; }
  echo "$bundle_key" >"$OUT/bundle.key"
  say "打包完成，用时 $(( $(date +%s) - t0 )) 秒，$(du -sh "$BUNDLE" | cut -f1)"
fi
for exe in cets-desktop cets-desktop-cli; do
  [ -x "$BUNDLE/$exe" ] || fail "程序包中缺少 $exe"
done

# --- the frozen program: self-test and demo screenshot, in a throw-away user folder ----------
RUNHOME=$(mktemp -d)
trap 'rm -rf "$RUNHOME"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_DATA_HOME=$RUNHOME/data XDG_CONFIG_HOME=$RUNHOME/config \
  XDG_STATE_HOME=$RUNHOME/state XDG_CACHE_HOME=$RUNHOME/cache
t0=$(date +%s)
set +e
"$BUNDLE/cets-desktop-cli" --self-test >"$OUT/self-test.json" 2>"$OUT/self-test.err"
st=$?
set -e
"$PY" - "$OUT/self-test.json" "$st" <<'EOF' || { cat "$OUT/self-test.err" >&2; fail "冻结程序自检未通过（build/frozen/self-test.json）"; }
import json, sys
result = json.load(open(sys.argv[1], encoding="utf-8"))
status = int(sys.argv[2])
checks = result["checks"]
print("build-frozen: 自检 " + "，".join(f"{k}={'通过' if v.get('ok') else '未通过'}" for k, v in checks.items())
      + f"；密钥库后端 {checks['keyring'].get('backend')}")
assert result["frozen"] is True, "not running frozen"
assert status == 0 and result["ok"] is True, f"self-test failed: {result.get('failed')}"
assert checks["definitions"]["forms"], "no definitions found in the bundle"
assert checks["qt"]["qtbase_zh_CN_loaded"], "Qt's Chinese catalogue missing from the bundle"
EOF
rm -f "$OUT/demo-screenshot.png"
"$BUNDLE/cets-desktop" gui --demo --screenshot "$OUT/demo-screenshot.png" >"$OUT/screenshot.log" 2>&1 \
  || { cat "$OUT/screenshot.log" >&2; fail "冻结程序截图失败"; }
"$PY" - "$OUT/demo-screenshot.png" <<'EOF' || fail "截图不是 1280×800 的 PNG"
import struct, sys
data = open(sys.argv[1], "rb").read(32)
assert data[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1280, 800), (w, h)
print(f"build-frozen: 截图 build/frozen/demo-screenshot.png {w}×{h}")
EOF
# First start after an install: an empty cache folder, a demo workspace. The window must paint
# from the bundle's prebuilt forms index (FORMS_INDEX prebuilt), with no YAML parsed and no
# definition loaded before the first paint (MODULES at READY), and leave the index in the cache
# for the next start (FORMS_INDEX cache).
"$BUNDLE/cets-desktop-cli" --workspace "$RUNHOME/first.cetsdb" workspace demo >"$OUT/first-start.log" 2>&1 \
  || { cat "$OUT/first-start.log" >&2; fail "冻结程序无法建立示例工作区"; }
FIRSTCACHE=$RUNHOME/first-cache
first_start() {
  local t1
  t1=$(date +%s%N)
  CETS_DESKTOP_CACHE_DIR=$FIRSTCACHE CETS_EXIT_WHEN_READY=1 CETS_MODULES_AT_READY=1 \
    "$BUNDLE/cets-desktop" --workspace "$RUNHOME/first.cetsdb" gui >"$1" 2>>"$OUT/first-start.log" \
    || { cat "$OUT/first-start.log" >&2; fail "冻结程序启动失败"; }
  echo "WALL_MS $(( ($(date +%s%N) - t1) / 1000000 ))" >>"$1"
}
first_start "$OUT/first-start.txt"
first_start "$OUT/second-start.txt"
"$PY" - "$OUT/first-start.txt" "$OUT/second-start.txt" "$FIRSTCACHE" <<'PYEOF' \
  || fail "冻结程序首次启动重新建立了表单索引，或在首屏之前读取了表单定义（build/frozen/first-start.txt）"
import pathlib, sys
def report(path):
    lines = {}
    for line in open(path, encoding="utf-8"):
        key, _, rest = line.rstrip("\n").partition(" ")
        lines[key] = rest
    return lines
first, second = report(sys.argv[1]), report(sys.argv[2])
modules = set(first["MODULES"].split())
early = sorted(m for m in ("yaml", "pydantic", "cets_desktop.core.loader", "cets_desktop.core.spec") if m in modules)
assert first["FORMS_INDEX"] == "prebuilt", f"first start: forms index {first['FORMS_INDEX']}"
assert not early, f"loaded before the first paint: {early}"
assert second["FORMS_INDEX"] == "cache", f"second start: forms index {second['FORMS_INDEX']}"
assert list(pathlib.Path(sys.argv[3], "forms-index").glob("*.json")), "no index left in the cache"
cards = first.get("CARDS_AT_READY", "").split()
assert len(cards) >= 12, f"calendar cards at first paint: {cards}"
cpu = lambda r: f"首屏时 CPU {float(r['CPU_AT_READY']) * 1000:.0f} 毫秒"
print(f"build-frozen: 首次启动（空缓存）用预建表单索引，首屏前未读取表单定义，{len(cards)} 张卡片，"
      f"{cpu(first)}，进程共 {first['WALL_MS']} 毫秒；第二次启动用缓存，{cpu(second)}，进程共 {second['WALL_MS']} 毫秒")
PYEOF
say "冻结程序检查用时 $(( $(date +%s) - t0 )) 秒"

# --- the installer script, compiled against this bundle --------------------------------------
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' cets_desktop/__init__.py)
SETUP=$OUT/cets-desktop-$VERSION-Setup.exe
setup_key=$( { echo "$bundle_key"; sha256sum installers/cets-desktop.nsi installers/nsis_file_list.py installers/cets-desktop.ico; } | sha256sum | cut -d' ' -f1)
if [ "$FORCE" != "--force" ] && [ -s "$SETUP" ] && [ "$(cat "$OUT/setup.key" 2>/dev/null)" = "$setup_key" ]; then
  say "安装程序未变，跳过 makensis"
else
  t0=$(date +%s)
  rm -f "$OUT/setup.key" "$SETUP"
  "$PY" installers/nsis_file_list.py "$BUNDLE" "$OUT/nsis" >/dev/null
  # Uncompressed: CI checks the script and the file list; the release build compresses (LZMA).
  makensis -V2 -INPUTCHARSET UTF8 -DNO_COMPRESSION -DVERSION="$VERSION" -DBUNDLE="$BUNDLE" \
    -DLISTS="$OUT/nsis" -DOUTFILE="$SETUP" installers/cets-desktop.nsi >"$OUT/makensis.log" 2>&1 \
    || { cat "$OUT/makensis.log" >&2; fail "makensis 编译安装脚本失败"; }
  echo "$setup_key" >"$OUT/setup.key"
  say "安装程序 $(basename "$SETUP")（未压缩，仅作编译检查），用时 $(( $(date +%s) - t0 )) 秒"
fi
say "全部通过，共用时 $(( $(date +%s) - start )) 秒"
