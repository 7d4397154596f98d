#!/usr/bin/env bash
# The test command: every check and test of the project, in the order that fails fastest.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh" --test

# The lints and the Rust tests compile the workspace three more ways (clippy natively and for wasm32, the test
# builds): they start now, in a target directory of their own (the builds hold target/'s lock), at the lowest
# priority, so that the builds, then the Worker and the browser under test, come first and the compiles take
# the time those leave (the builds' single-threaded links and wasm-opt leave a core idle for minutes). Their
# output is shown when the end-to-end tests are done; if they hang, they fail at 40 minutes.
mkdir -p target
say "cargo clippy and the Rust tests, beside the builds and the end-to-end tests (scripts/rust-checks.sh)"
CARGO_TARGET_DIR="$ROOT/target/checks" nice -n 19 timeout 2400 scripts/rust-checks.sh >target/rust-checks.log 2>&1 &
checks=$!
trap 'kill "$checks" 2>/dev/null || true' EXIT

"$ROOT/scripts/build.sh"

say "the Worker's build is worker-build 0.8.7's, byte for byte (scripts/worker-build/compare.sh)"
scripts/worker-build/compare.sh --test

say "cargo fmt --check"
cargo fmt --all --check

say "wrangler deploy --dry-run (the production configuration bundles: D1, queues, cron, vars)"
wrangler deploy --dry-run --outdir target/dry-run >target/dry-run.log 2>&1 || { cat target/dry-run.log >&2; exit 1; }
grep -q "env.SMS_QUEUE (enrol-sms)" target/dry-run.log || { echo "the dry run shows no SMS queue" >&2; exit 1; }

say "end-to-end tests (Worker + D1 in workerd, pages in headless Chromium)"
rm -rf tests/artifacts
e2e=0
# A test that hangs fails by name after 5 minutes (the longest takes about one), and a file whose tests are done
# exits even if something of it is still open: a hang never holds CI until its own limit.
node --test --test-concurrency=2 --test-timeout=300000 --test-force-exit --test-reporter=spec tests/ || e2e=$?
rust=0
wait "$checks" || rust=$?
cat target/rust-checks.log >&2
[ "$rust" = 0 ] || { echo "the lints or the Rust tests failed (above)" >&2; exit "$rust"; }
[ "$e2e" = 0 ] || { echo "end-to-end tests failed" >&2; exit "$e2e"; }
say "every test passed"
