#!/usr/bin/env bash
# The lints and the Rust tests (test.sh runs them beside the end-to-end tests).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

say "cargo clippy (native)"
cargo clippy --quiet --workspace --all-targets --exclude enrol-api -- -D warnings
say "cargo clippy (wasm32)"
cargo clippy --quiet --target wasm32-unknown-unknown -p enrol-core -p enrol-validator -p enrol-sheet -p enrol-api -p enrol-password -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown -p enrol-validator --features grid -- -D warnings
# The spreadsheet reader as the page builds it, one family of formats a module (scripts/build.sh).
for features in page,xls page,xlsx,xlsb page,ods; do
  cargo clippy --quiet --target wasm32-unknown-unknown -p enrol-sheet --no-default-features --features $features \
    -- -D warnings
done

say "Rust tests"
cargo test --quiet --workspace --exclude enrol-api
say "Rust tests of enrol-core as the browser builds it (without the breach-list feature the CLI turns on above)"
cargo test --quiet -p enrol-core
say "Rust tests of enrol-sheet with each family of formats alone (the page's modules), the others refused"
for features in xls xlsx,xlsb ods; do
  cargo test --quiet -p enrol-sheet --no-default-features --features $features
done
# The Worker's own unit tests (pure functions: the delivery reports' tables); the rest of it is tested end to end.
cargo test --quiet -p enrol-api --lib
say "the lints and the Rust tests passed"
