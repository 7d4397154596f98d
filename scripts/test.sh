#!/usr/bin/env bash
# The test command: every check and test of the project, in the order that fails fastest.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh" --test
"$ROOT/scripts/build.sh"

say "the Worker's build is worker-build 0.8.7's, byte for byte (scripts/worker-build/compare.sh)"
scripts/worker-build/compare.sh --test

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy (native)"
cargo clippy --quiet --workspace --all-targets --exclude enrol-api -- -D warnings
say "cargo clippy (wasm32)"
cargo clippy --quiet --target wasm32-unknown-unknown -p enrol-core -p enrol-validator -p enrol-sheet -p enrol-api -p enrol-password -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown -p enrol-validator --features grid -- -D warnings

say "wrangler deploy --dry-run (the production configuration bundles: D1, queues, cron, vars)"
wrangler deploy --dry-run --outdir target/dry-run >target/dry-run.log 2>&1 || { cat target/dry-run.log >&2; exit 1; }
grep -q "env.SMS_QUEUE (enrol-sms)" target/dry-run.log || { echo "the dry run shows no SMS queue" >&2; exit 1; }

say "Rust tests"
cargo test --quiet --workspace --exclude enrol-api
say "Rust tests of enrol-core as the browser builds it (without the breach-list feature the CLI turns on above)"
cargo test --quiet -p enrol-core
# The Worker's own unit tests (pure functions: the delivery reports' tables); the rest of it is tested end to end.
cargo test --quiet -p enrol-api --lib

say "end-to-end tests (Worker + D1 in workerd, pages in headless Chromium)"
rm -rf tests/artifacts
node --test --test-concurrency=2 --test-reporter=spec tests/
say "every test passed"
