#!/usr/bin/env bash
# Guards CI holds on every change (scripts/test.sh runs them before the tests):
#   ruff check · ruff format --check · lint-imports (layer contracts) · mypy ratchet (no new errors).
# Every guard runs even when an earlier one fails; the last line names each failed guard.
# Usage: scripts/guards.sh            (expects .venv from scripts/setup.sh --test)
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PATHS=(cets_desktop tests bench)
failed=()

run_guard() {
  local name="$1"
  shift
  echo "== $name: $*"
  if "$@"; then
    echo "== $name: ok"
  else
    echo "== $name: FAILED"
    failed+=("$name")
  fi
}

run_guard "ruff check" "$PY" -m ruff check "${PATHS[@]}"
run_guard "ruff format" "$PY" -m ruff format --check "${PATHS[@]}"
# lint-imports, remembering which contracts broke for the summary line.
import_contracts() {
  local out status
  out=$(.venv/bin/lint-imports --no-cache 2>&1)
  status=$?
  printf '%s\n' "$out"
  broken_contracts=$(printf '%s\n' "$out" | sed -n 's/ BROKEN$//p' | paste -sd ';' - | sed 's/;/; /g')
  return $status
}
broken_contracts=""
run_guard "import contracts" import_contracts
run_guard "mypy ratchet" "$PY" scripts/mypy_ratchet.py

if [ ${#failed[@]} -gt 0 ]; then
  joined=$(printf '%s, ' "${failed[@]}")
  [ -n "$broken_contracts" ] && joined="${joined/import contracts, /import contracts (broken: $broken_contracts), }"
  echo "guards FAILED: ${joined%, } (see the sections above)"
  exit 1
fi
echo "guards passed: ruff check, ruff format, import contracts, mypy ratchet"
