#!/usr/bin/env bash
# Builds the browser validator (www/pkg/) and the Worker (crates/api/build/). Incremental: cargo reuses
# target/, and each step is skipped when its output is newer than its inputs.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# newer_than OUTPUT INPUT...: true when OUTPUT exists and no file under INPUT... is newer.
up_to_date() {
  local out=$1; shift
  [ -e "$out" ] && [ -z "$(find "$@" -newer "$out" -type f -print -quit 2>/dev/null)" ]
}

if ! up_to_date www/pkg/enrol_validator_bg.wasm crates/core crates/validator Cargo.toml Cargo.lock; then
  say "building the browser validator (wasm)"
  cargo build --quiet --release --target wasm32-unknown-unknown -p enrol-validator
  wasm-bindgen --target web --no-typescript --out-dir www/pkg \
    target/wasm32-unknown-unknown/release/enrol_validator.wasm
  wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    www/pkg/enrol_validator_bg.wasm -o www/pkg/enrol_validator_bg.wasm
fi

if ! up_to_date crates/api/build/worker/shim.mjs crates/core crates/password crates/api/src crates/api/Cargo.toml Cargo.toml Cargo.lock; then
  say "building the Worker"
  (cd crates/api && worker-build --release >"$ROOT/target/worker-build.log" 2>&1) || {
    cat "$ROOT/target/worker-build.log" >&2
    exit 1
  }
fi

if ! up_to_date target/release/enrol crates/core crates/password crates/cli Cargo.toml Cargo.lock; then
  say "building the enrol command"
  cargo build --quiet --release -p enrol-cli
fi
