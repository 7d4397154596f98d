#!/usr/bin/env bash
# Checks that build.mjs makes what `worker-build --release` 0.8.7 makes: builds the Worker with both, from the
# same compiled wasm, and compares every file byte for byte.
#   compare.sh             compare with the worker-build on PATH or in target/tools (fails when there is none)
#   compare.sh --install   the same, first installing worker-build 0.8.7 into target/tools (about 7 minutes)
#   compare.sh --record    compare, then write verified.txt: the tools and scripts compared, and the hashes
#   compare.sh --evidence  no build: check that verified.txt names the tools and scripts in use now
#   compare.sh --test      what make test runs, after scripts/build.sh: when worker-build 0.8.7 is installed,
#                          compare its output with crates/api/build/ (once per change of that output);
#                          otherwise the --evidence check. So a change to build.mjs, shim.js or a tool's version
#                          fails the tests on a machine without worker-build until the comparison is run again.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"

WORKER_BUILD_VERSION=0.8.7
here=scripts/worker-build
verified=$here/verified.txt

# What the comparison depends on, besides the Rust code (which both builds share): one line each.
fingerprint() {
  echo "worker-build $WORKER_BUILD_VERSION"
  echo "build.mjs $(sha256sum $here/build.mjs | cut -d' ' -f1)"
  echo "shim.js $(sha256sum $here/shim.js | cut -d' ' -f1)"
  echo "$("$WASM_BINDGEN_BIN" --version)"
  echo "wasm-opt $("$WASM_OPT_BIN" --version | sed 's/^wasm-opt //')"
  echo "esbuild $("$ESBUILD_BIN" --version)"
  echo "worker crate $(grep -A1 '^name = "worker"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')"
}

evidence() {
  if ! diff <(fingerprint) <(sed -n '/^# compared$/,/^$/p' "$verified" | sed '1d;$d') >/dev/null; then
    echo "build.mjs, shim.js or a tool changed since the Worker's build was last compared with worker-build" >&2
    echo "(scripts/worker-build/verified.txt). Run scripts/worker-build/compare.sh --install --record." >&2
    diff <(sed -n '/^# compared$/,/^$/p' "$verified" | sed '1d;$d') <(fingerprint) >&2 || true
    return 1
  fi
  echo "the Worker's build is as last compared with worker-build $WORKER_BUILD_VERSION (verified.txt)" >&2
}
hashes() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }
[ "${1:-}" = "--evidence" ] && { evidence; exit; }

worker_build=""
for candidate in "$(command -v worker-build || true)" "$ROOT/target/tools/bin/worker-build"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$("$candidate" --version)" = "$WORKER_BUILD_VERSION" ]; then
    worker_build=$candidate
    break
  fi
done
out=$ROOT/target/worker-build-compare
if [ "${1:-}" = "--test" ]; then
  [ -n "$worker_build" ] || { evidence; exit; }
  stamp=$out/compared.txt # the fingerprint and the output of the last comparison that passed
  if [ -f "$stamp" ] && diff -q "$stamp" <(fingerprint; hashes crates/api/build) >/dev/null; then
    echo "crates/api/build/ is byte for byte worker-build $WORKER_BUILD_VERSION's (compared before)" >&2
    exit 0
  fi
fi
if [ -z "$worker_build" ]; then
  if [ "${1:-}" != "--install" ]; then
    echo "worker-build $WORKER_BUILD_VERSION is not installed; compare.sh --install puts it in target/tools" >&2
    exit 1
  fi
  say "installing worker-build $WORKER_BUILD_VERSION into target/tools (about 7 minutes, once)"
  cargo install --quiet --root "$ROOT/target/tools" worker-build --version "$WORKER_BUILD_VERSION"
  worker_build=$ROOT/target/tools/bin/worker-build
fi

rm -rf "$out"
mkdir -p "$out"
# worker-build first: its cargo build leaves the wasm that build.mjs's cargo build then finds up to date.
(cd crates/api && "$worker_build" --release --out-dir "$out/worker-build") >"$out/worker-build.log" 2>&1 || {
  cat "$out/worker-build.log" >&2
  exit 1
}
if [ "${1:-}" = "--test" ]; then
  ours=crates/api/build # scripts/build.sh has just made it from the same sources
else
  ours=$out/build.mjs
  node $here/build.mjs "$ours" >"$out/build.mjs.log" 2>&1 || { cat "$out/build.mjs.log" >&2; exit 1; }
fi

if ! diff -r "$out/worker-build" "$ours" >&2 || ! diff <(hashes "$out/worker-build") <(hashes "$ours"); then
  echo "scripts/worker-build/build.mjs does not make what worker-build $WORKER_BUILD_VERSION makes ($out)" >&2
  exit 1
fi
echo "the Worker built by build.mjs is byte for byte worker-build $WORKER_BUILD_VERSION's ($(hashes "$ours" | wc -l) files)" >&2
[ "${1:-}" = "--test" ] && { fingerprint; hashes "$ours"; } >"$out/compared.txt"

if [ "${1:-}" = "--record" ]; then
  {
    echo "# The last comparison of scripts/worker-build/build.mjs with worker-build (compare.sh --record)."
    echo "# compared"
    fingerprint
    echo
    echo "# the same files from both, at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' with changes')"
    hashes "$ours"
  } >"$verified"
  echo "wrote $verified" >&2
fi
