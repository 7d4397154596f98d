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

WORKER_INPUTS=(crates/core crates/common-passwords crates/password crates/sheet crates/api/src crates/api/Cargo.toml
  Cargo.toml Cargo.lock .cargo scripts/worker-build)

# On a fresh machine wasm-bindgen-cli is still compiling (setup.sh): the Worker's own compile, the longest, runs
# beside it (the very command of scripts/worker-build/build.mjs, which then finds it done).
if installing_wasm_bindgen && ! up_to_date crates/api/build/worker/shim.mjs "${WORKER_INPUTS[@]}"; then
  say "compiling the Worker beside the install of wasm-bindgen-cli"
  (cd crates/api && WASM_BINDGEN_USE_JS_SYS=1 cargo build --quiet --lib --release --target wasm32-unknown-unknown)
fi

# Two builds of the validator: with WebAssembly SIMD (.cargo/config.toml), and plain for browsers without it
# (www/validator-wasm.js picks). They share one JS glue, so the two glues must be the same.
WASM_OPT_FLAGS=(-O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals)
if ! up_to_date www/pkg/plain/enrol_validator_bg.wasm crates/core crates/validator Cargo.toml Cargo.lock .cargo; then
  say "building the browser validator (wasm, with SIMD and plain)"
  # RUSTFLAGS set in the environment replaces the config's; a target directory of its own keeps both cached,
  # and lets the plain build run beside the other: each one's link-time optimisation is a single thread.
  RUSTFLAGS="-C target-feature=-simd128" cargo build --quiet --release --target wasm32-unknown-unknown \
    -p enrol-validator --target-dir target/plain &
  plain=$!
  cargo build --quiet --release --target wasm32-unknown-unknown -p enrol-validator
  wait_for_wasm_bindgen
  wasm-bindgen --target web --no-typescript --out-dir www/pkg \
    target/wasm32-unknown-unknown/release/enrol_validator.wasm
  wasm-opt "${WASM_OPT_FLAGS[@]}" --enable-simd www/pkg/enrol_validator_bg.wasm -o www/pkg/enrol_validator_bg.wasm
  wait "$plain"
  wasm-bindgen --target web --no-typescript --out-dir www/pkg/plain \
    target/plain/wasm32-unknown-unknown/release/enrol_validator.wasm
  wasm-opt "${WASM_OPT_FLAGS[@]}" www/pkg/plain/enrol_validator_bg.wasm -o www/pkg/plain/enrol_validator_bg.wasm
  cmp -s www/pkg/enrol_validator.js www/pkg/plain/enrol_validator.js || {
    echo "the SIMD and plain builds of the validator have different JS glue" >&2
    exit 1
  }
  if wasm-dis www/pkg/plain/enrol_validator_bg.wasm | grep -q 'v128'; then
    echo "the plain build of the validator uses SIMD" >&2
    exit 1
  fi
  rm www/pkg/plain/enrol_validator.js
fi

# The spreadsheet reader (crates/sheet): the page loads it only when a spreadsheet is chosen. One build without
# SIMD (it runs in every browser; its time goes to unzipping and XML), optimised for size with wasm-opt -Oz.
if ! up_to_date www/pkg/sheet/enrol_sheet_bg.wasm crates/core crates/sheet Cargo.toml Cargo.lock; then
  say "building the spreadsheet reader (wasm)"
  RUSTFLAGS="-C target-feature=-simd128" cargo build --quiet --release --target wasm32-unknown-unknown \
    -p enrol-sheet --target-dir target/plain
  wait_for_wasm_bindgen
  wasm-bindgen --target web --no-typescript --out-dir www/pkg/sheet \
    target/plain/wasm32-unknown-unknown/release/enrol_sheet.wasm
  wasm-opt -Oz "${WASM_OPT_FLAGS[@]:1}" www/pkg/sheet/enrol_sheet_bg.wasm -o www/pkg/sheet/enrol_sheet_bg.wasm
fi

# The editable table (enrol-validator with its `grid` feature): fetched only when a checked file has problems
# to fix, so the validator every administrator downloads stays small. Plain (it runs in every browser), in a
# target directory of its own (the feature would otherwise rebuild the plain validator's artifacts).
if ! up_to_date www/pkg/grid/enrol_validator_bg.wasm crates/core crates/validator Cargo.toml Cargo.lock; then
  say "building the editable table (wasm)"
  RUSTFLAGS="-C target-feature=-simd128" cargo build --quiet --release --target wasm32-unknown-unknown \
    -p enrol-validator --features grid --target-dir target/grid
  wait_for_wasm_bindgen
  wasm-bindgen --target web --no-typescript --out-dir www/pkg/grid \
    target/grid/wasm32-unknown-unknown/release/enrol_validator.wasm
  wasm-opt "${WASM_OPT_FLAGS[@]}" www/pkg/grid/enrol_validator_bg.wasm -o www/pkg/grid/enrol_validator_bg.wasm
fi

# The enrol command builds beside the Worker: cargo lets one of them wait for the other's compile, and the
# native compile then runs while the Worker's wasm goes through wasm-bindgen, wasm-opt and esbuild.
cli=
if ! up_to_date target/release/enrol crates/core crates/common-passwords crates/password crates/sheet crates/cli Cargo.toml Cargo.lock; then
  say "building the enrol command"
  cargo build --quiet --release -p enrol-cli &
  cli=$!
fi

if ! up_to_date crates/api/build/worker/shim.mjs "${WORKER_INPUTS[@]}"; then
  # What `worker-build --release` 0.8.7 does, byte for byte, without compiling worker-build (scripts/worker-build/).
  say "building the Worker"
  wait_for_wasm_bindgen
  node scripts/worker-build/build.mjs >"$ROOT/target/worker-build.log" 2>&1 || {
    cat "$ROOT/target/worker-build.log" >&2
    exit 1
  }
fi
[ -z "$cli" ] || wait "$cli"
wait_for_wasm_bindgen
