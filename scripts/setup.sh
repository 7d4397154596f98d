#!/usr/bin/env bash
# Installs what is missing, and nothing that is there already (quiet when all is in place).
#   setup.sh          Rust targets and tools, npm packages
#   setup.sh --test   the same, plus Chromium for the browser tests
#   setup.sh --bench  the same, plus Chromium and wrk for the benchmarks
source "$(dirname "$0")/lib.sh"

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding $component"
    rustup component add "$component"
  fi
done

# cargo install: `--locked` fails to resolve for wasm-bindgen-cli here (TOOLCHAIN.md), so it is not used. It
# compiles for about 3 minutes, in the background: the builds' own compiles run beside it, and build.sh waits
# for it (wait_for_wasm_bindgen, lib.sh) only where it first needs the tool.
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] && ! installing_wasm_bindgen; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once; the builds start beside it)"
  mkdir -p "$ROOT/target"
  rm -f "$INSTALL.rc"
  (cargo install --quiet --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" >"$INSTALL.log" 2>&1
   echo $? >"$INSTALL.rc") &
  echo $! >"$INSTALL.pid"
fi
# worker-build is not installed: scripts/worker-build/build.mjs does its work with these tools (README).

# npm ci only when package-lock.json changed since the last install.
lock_sum=$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)
stamp="$ROOT/node_modules/.enrol-lock-sha256"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  say "installing npm packages"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$stamp"
fi

# Chromium for the browser tests, and a Devanagari font so that screenshots of Hindi pages are legible.
packages=()
if [ "${1:-}" = "--test" ] || [ "${1:-}" = "--bench" ]; then
  [ -x /usr/bin/chromium ] || packages+=(chromium)
  [ -d /usr/share/fonts/truetype/lohit-devanagari ] || packages+=(fonts-lohit-deva)
fi
if [ "${1:-}" = "--bench" ] && ! command -v wrk >/dev/null; then
  packages+=(wrk)
fi
if [ ${#packages[@]} -gt 0 ]; then
  say "installing ${packages[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

# Local secrets (wrangler reads .dev.vars beside wrangler.toml): made once, random, never committed. In
# production they are `wrangler secret put` (README). A line missing from an older file is added.
dev_vars="$ROOT/.dev.vars"
add_secret() { # NAME VALUE
  grep -q "^$1=" "$dev_vars" 2>/dev/null || { (umask 077 && printf '%s=%s\n' "$1" "$2" >>"$dev_vars"); }
}
[ -f "$dev_vars" ] || { say "making local secrets in .dev.vars"; (umask 077 && : >"$dev_vars"); }
add_secret OTP_PEPPER "$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
add_secret OUTBOX_KEY "$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
add_secret SMS_DLR_SECRET "$(head -c 24 /dev/urandom | base64 | tr '+/' 'xy' | tr -d '=\n')"
