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

say "wrangler deploy --dry-run (the production configuration bundles: D1, queues, cron, vars)"
wrangler deploy --dry-run --outdir target/dry-run >target/dry-run.log 2>&1 || { cat target/dry-run.log >&2; exit 1; }
grep -q "env.SMS_QUEUE (enrol-sms)" target/dry-run.log || { echo "the dry run shows no SMS queue" >&2; exit 1; }

# The lints and the Rust tests compile the workspace three more ways (about 4 minutes on 2 cores): they run beside
# the end-to-end tests, at the lowest priority, so that the Worker and the browser under test come first and the
# compiles take the time those leave. Their output is shown when both are done; if they hang, they fail at 40 minutes.
say "cargo clippy and the Rust tests, beside the end-to-end tests (scripts/rust-checks.sh)"
nice -n 19 timeout 2400 scripts/rust-checks.sh >target/rust-checks.log 2>&1 &
checks=$!

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
