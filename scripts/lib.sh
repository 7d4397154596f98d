# Shared by the scripts: where things are, and the environment that keeps every tool offline.
# Sourced, not run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# cargo installs into $CARGO_HOME/bin (~/.cargo/bin unless CARGO_HOME says otherwise).
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$ROOT/node_modules/.bin:$PATH"
# The Worker's build (scripts/worker-build/build.mjs) runs these. worker-build, when compare.sh runs it, takes
# them from here too: it would download them otherwise, and it does not look on PATH (../shared/TOOLCHAIN.md).
export WASM_BINDGEN_BIN="$CARGO_BIN/wasm-bindgen"
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
# Local state (the run command's D1, the demo password) lives here, out of git.
STATE="$ROOT/.enrol"

# Each step is stamped with the time since the first script of this command started (where CI's minutes go).
export ENROL_T0=${ENROL_T0:-$(date +%s)}
say() {
  local t=$(($(date +%s) - ENROL_T0))
  printf '\033[1m==> [%d:%02d] %s\033[0m\n' $((t / 60)) $((t % 60)) "$*" >&2
}
