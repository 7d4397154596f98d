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

# The background install of wasm-bindgen-cli that setup.sh starts on a fresh machine: its log, exit code and pid.
INSTALL="$ROOT/target/wasm-bindgen-install"
installing_wasm_bindgen() {
  [ -f "$INSTALL.pid" ] && [ ! -f "$INSTALL.rc" ] && kill -0 "$(cat "$INSTALL.pid")" 2>/dev/null
}
# Waits for that install, if one runs or ran; fails with its log if it failed.
wait_for_wasm_bindgen() {
  [ -f "$INSTALL.pid" ] || return 0
  if installing_wasm_bindgen; then
    say "waiting for the install of wasm-bindgen-cli to finish"
    while installing_wasm_bindgen; do sleep 2; done
  fi
  if [ "$(cat "$INSTALL.rc" 2>/dev/null)" != 0 ]; then
    echo "the install of wasm-bindgen-cli failed:" >&2
    cat "$INSTALL.log" >&2 2>/dev/null
    exit 1
  fi
  rm -f "$INSTALL.pid" "$INSTALL.rc" "$INSTALL.log"
}
