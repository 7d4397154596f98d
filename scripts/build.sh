#!/usr/bin/env bash
# Builds the browser validator (www/pkg/) and the Worker (crates/api/build/). Incremental: cargo reuses
# target/, and each step is skipped when its output is newer than its inputs.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# A step that fails ends the build: the steps running beside it end with it (a Worker's glue left running would
# write into crates/api/build/ under the next build's feet).
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

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

# The browser's modules: the validator with WebAssembly SIMD (.cargo/config.toml) and plain for browsers without
# it (www/validator-wasm.js picks; they share one JS glue, so the two glues must be the same), the spreadsheet
# reader (crates/sheet, loaded only when a spreadsheet is chosen) and the editable table (enrol-validator's `grid`
# feature, fetched only when a checked file has problems). Each compiles in a target directory of its own (an
# environment's RUSTFLAGS replaces the config's, and a feature would rebuild the others' artifacts), all at
# once: each release build ends in a single-threaded link-time optimisation, so together they fill both cores.
WASM_OPT_FLAGS=(-O3 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals)
PLAIN=(env RUSTFLAGS="-C target-feature=-simd128" cargo build --quiet --release --target wasm32-unknown-unknown)
validator= sheet= grid=
up_to_date www/pkg/plain/enrol_validator_bg.wasm crates/core crates/validator Cargo.toml Cargo.lock .cargo || validator=1
# The spreadsheet reader's families (crates/sheet's features), each its own module: .xls; .xlsx and .xlsb (both
# also look for a password-protected OLE file, which links encoding_rs's every decoder); .ods.
declare -A SHEET_FEATURES=([xls]=page,xls [xlsx]=page,xlsx,xlsb [ods]=page,ods)
for family in "${!SHEET_FEATURES[@]}"; do
  up_to_date www/pkg/sheet/$family/enrol_sheet_bg.wasm crates/core crates/sheet Cargo.toml Cargo.lock || sheet=1
done
up_to_date www/pkg/grid/enrol_validator_bg.wasm crates/core crates/validator Cargo.toml Cargo.lock || grid=1
# The enrol command too, natively, in a target directory of its own (in target/ it would hold the Worker's build
# waiting for its lock), copied to target/release/enrol where the tests and scripts run it.
cli=
if ! up_to_date target/release/enrol crates/core crates/common-passwords crates/password crates/sheet crates/cli \
    Cargo.toml Cargo.lock; then
  say "building the enrol command (beside the rest)"
  (cargo build --quiet --release -p enrol-cli --target-dir target/cli && mkdir -p target/release \
    && cp target/cli/release/enrol target/release/enrol.new && mv target/release/enrol.new target/release/enrol) &
  cli=$!
fi
[ -z "$validator" ] || { "${PLAIN[@]}" -p enrol-validator --target-dir target/plain & plain_pid=$!; }
# The spreadsheet reader, once for each family of formats (crates/sheet's features), one after the other in one
# target directory: they share every dependency's compile, and each one's wasm is copied out before the next
# build writes the same file name.
SHEET_WASM=target/sheet/wasm32-unknown-unknown/sheet/enrol_sheet.wasm
[ -z "$sheet" ] || {
  for family in "${!SHEET_FEATURES[@]}"; do
    env RUSTFLAGS="-C target-feature=-simd128" cargo build --quiet --profile sheet --target wasm32-unknown-unknown \
      -p enrol-sheet --no-default-features --features "${SHEET_FEATURES[$family]}" --target-dir target/sheet || exit 1
    mkdir -p target/sheet/$family && cp "$SHEET_WASM" target/sheet/$family/enrol_sheet.wasm
  done &
  sheet_pid=$!
}
[ -z "$grid" ] || { "${PLAIN[@]}" -p enrol-validator --features grid --target-dir target/grid & grid_pid=$!; }

if [ -n "$validator" ]; then
  say "building the browser validator (wasm, with SIMD and plain; the other modules compile beside it)"
  cargo build --quiet --release --target wasm32-unknown-unknown -p enrol-validator
  wait_for_wasm_bindgen
  wasm-bindgen --target web --no-typescript --out-dir www/pkg \
    target/wasm32-unknown-unknown/release/enrol_validator.wasm
  wasm-opt "${WASM_OPT_FLAGS[@]}" --enable-simd www/pkg/enrol_validator_bg.wasm -o www/pkg/enrol_validator_bg.wasm
  wait "$plain_pid"
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

# The Worker: what `worker-build --release` 0.8.7 does, byte for byte, without compiling worker-build
# (scripts/worker-build/). It starts here, once target/ is free (its cargo step finds the Worker compiled when it
# was compiled above; else compiles it now), beside the other modules' compiles: its wasm-bindgen and wasm-opt run
# on one core for about 2 minutes, which at the end of the build left the other core idle.
worker=
if ! up_to_date crates/api/build/worker/shim.mjs "${WORKER_INPUTS[@]}"; then
  say "building the Worker (beside the rest)"
  wait_for_wasm_bindgen
  node scripts/worker-build/build.mjs >"$ROOT/target/worker-build.log" 2>&1 &
  worker=$!
fi

# The spreadsheet reader: without SIMD (its time goes to unzipping and XML), optimised for size (the `sheet`
# profile, then wasm-opt -Oz); www/sheet-worker.js fetches www/pkg/sheet/xls/, xlsx/ or ods/.
if [ -n "$sheet" ]; then
  say "building the spreadsheet reader (wasm: .xls, .xlsx/.xlsb, .ods)"
  wait "$sheet_pid"
  wait_for_wasm_bindgen
  rm -rf www/pkg/sheet/enrol_sheet* www/pkg/sheet/zipped # the modules of before this split
  for family in "${!SHEET_FEATURES[@]}"; do
    wasm-bindgen --target web --no-typescript --out-dir www/pkg/sheet/$family target/sheet/$family/enrol_sheet.wasm
    wasm-opt -Oz "${WASM_OPT_FLAGS[@]:1}" www/pkg/sheet/$family/enrol_sheet_bg.wasm \
      -o www/pkg/sheet/$family/enrol_sheet_bg.wasm
  done
fi

# The editable table: plain, it runs in every browser.
if [ -n "$grid" ]; then
  say "building the editable table (wasm)"
  wait "$grid_pid"
  wait_for_wasm_bindgen
  wasm-bindgen --target web --no-typescript --out-dir www/pkg/grid \
    target/grid/wasm32-unknown-unknown/release/enrol_validator.wasm
  wasm-opt "${WASM_OPT_FLAGS[@]}" www/pkg/grid/enrol_validator_bg.wasm -o www/pkg/grid/enrol_validator_bg.wasm
fi

if [ -n "$worker" ]; then
  wait "$worker" || {
    cat "$ROOT/target/worker-build.log" >&2
    exit 1
  }
fi
[ -z "$cli" ] || wait "$cli"
wait_for_wasm_bindgen
