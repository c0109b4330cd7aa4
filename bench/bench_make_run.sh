#!/usr/bin/env bash
# Time `make run` on a fresh clone of this repository until Streamlit serves the page.
# Usage: bench/bench_make_run.sh [--no-cache]   (--no-cache: pip downloads every package, as on a new machine)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
port=${PORT:-8599}
trap 'kill -- -"$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
[ "${1:-}" = "--no-cache" ] && export PIP_NO_CACHE_DIR=1
git clone -q "$repo" "$work/clone"
cd "$work/clone"
start=$(date +%s.%N)
setsid make run PORT="$port" >"$work/make-run.log" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$port/_stcore/health" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/make-run.log"; exit 1; }
    if [ "$(echo "$(date +%s.%N) - $start > 600" | bc)" = 1 ]; then echo "timeout"; exit 1; fi
    sleep 0.5
done
curl -fs "http://127.0.0.1:$port/" | grep -q "<title>" || { echo "page not served"; exit 1; }
served=$(date +%s.%N)
install_done=$(stat -c %Y .venv/.installed)
printf 'make run to served page: %.1f s (install finished after %.1f s)\n' \
    "$(echo "$served - $start" | bc)" "$(echo "$install_done - $start" | bc)"
