#!/usr/bin/env bash
# The bench command (`make bench`): builds what it measures, makes the test files once, then runs
# bench/run.mjs, which times native `enrol validate` and, in headless Chromium, enrol's wasm against its
# baselines (Papa Parse, a bare csv-core parse), and writes target/bench/results.md. BENCHMARKS.md says why.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
OUT="$ROOT/target/bench"
mkdir -p "$OUT"

"$ROOT/scripts/setup.sh" --bench
"$ROOT/scripts/build.sh"
say "building the enrol command and the csv-core baseline (wasm)"
cargo build --quiet --release -p enrol-cli
cargo build --quiet --release --target wasm32-unknown-unknown -p enrol-baseline
wasm-bindgen --target web --no-typescript --out-dir "$OUT/pkg" \
  target/wasm32-unknown-unknown/release/enrol_baseline.wasm
# The same wasm-opt pass as the validator gets in scripts/build.sh, so the two are built alike.
wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$OUT/pkg/enrol_baseline_bg.wasm" -o "$OUT/pkg/enrol_baseline_bg.wasm"

# A fixed seed: every run measures the same bytes (made again only when the generator was rebuilt).
for rows in 100000 1000000; do
  if [ ! -s "$OUT/rows-$rows.csv" ] || [ target/release/enrol -nt "$OUT/rows-$rows.csv" ]; then
    say "generating $rows rows"
    target/release/enrol gen --rows "$rows" --error-rate 0.01 --seed 20261124 >"$OUT/rows-$rows.csv.tmp"
    mv "$OUT/rows-$rows.csv.tmp" "$OUT/rows-$rows.csv"
  fi
done

say "measuring (native, then headless Chromium)"
node bench/run.mjs "$OUT"
say "measuring the identity API (wrk against a local Worker)"
node bench/api.mjs "$OUT"
say "measuring the upload (1,000 / 10,000 / 100,000 rows beside the bare batch) and the SMS sender"
node bench/upload.mjs "$OUT"
say "measuring the login page on a throttled phone"
node bench/login.mjs 7
say "measuring how many people one D1 database holds (100,000 people, about 10 minutes)"
node bench/storage.mjs "$OUT"
say "measuring the day after at scale (100,000 people: People searches, the funnel, a bulk re-send)"
node bench/people.mjs "$OUT"
say "measuring the spreadsheet reader (a 100,000-row .xlsx, beside SheetJS's read)"
node bench/sheet.mjs "$OUT"
