#!/usr/bin/env bash
# Command 2 of the README (and what CI runs): set up, run the guards, then the whole test suite
# headless. A failed guard never hides the test results: pytest runs anyway, and the script then
# exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export QT_QPA_PLATFORM=offscreen
set +e
bash scripts/guards.sh
guards=$?
.venv/bin/python -m pytest "$@"
status=$?
bash scripts/build-frozen.sh || { echo "frozen build checks failed (scripts/build-frozen.sh)" >&2; [ $status -ne 0 ] || status=1; }
set -e
# pytest exits 5 when it collected nothing: that is a failure here, not a pass.
if [ $guards -ne 0 ]; then
  echo "guards failed (see above); pytest exit status $status" >&2
  [ $status -eq 0 ] && status=1
fi
exit $status
