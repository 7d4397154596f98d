#!/usr/bin/env bash
# The run command: install what is missing, build, migrate and seed the local D1, then serve on
# http://127.0.0.1:8787 until Ctrl-C. Local data persists in .enrol/d1 between runs.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"

mkdir -p "$STATE"
D1="$STATE/d1"
wrangler d1 migrations apply DB --local --persist-to "$D1" >"$STATE/migrate.log" 2>&1 || {
  cat "$STATE/migrate.log" >&2
  exit 1
}

# The administrator's password: the environment's, else the one generated on an earlier run, else a new one.
password_file="$STATE/demo-admin-password"
if [ -n "${ENROL_DEMO_ADMIN_PASSWORD:-}" ]; then
  password=$ENROL_DEMO_ADMIN_PASSWORD
elif [ -s "$password_file" ]; then
  password=$(cat "$password_file")
else
  password=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
  (umask 077 && printf '%s' "$password" >"$password_file")
fi
(umask 077 && target/release/enrol seed-sql --password "$password" >"$STATE/seed.sql")
wrangler d1 execute DB --local --persist-to "$D1" --file "$STATE/seed.sql" >"$STATE/seed.log" 2>&1 || {
  cat "$STATE/seed.log" >&2
  exit 1
}
rm -f "$STATE/seed.sql"

cat <<MSG

  enrol is running on http://127.0.0.1:8787
    admin page:  http://127.0.0.1:8787/admin
    health:      http://127.0.0.1:8787/healthz
  demo tenant pb.demo (under the state tenant pb); SYSTEM administrator:
    user name:   admin
    password:    $password
  SMS and emails are not sent: the 'log' provider prints each one here (and keeps it in D1).
  Stop with Ctrl-C. Local data is kept in .enrol/d1.

MSG
# wrangler dev does not fire cron triggers by itself: a loop calls the minute's sweep (outbox rows that never
# reached the queue), as Cloudflare does when deployed.
(
  while sleep 60; do curl -fsS -o /dev/null "http://127.0.0.1:8787/__scheduled?cron=*+*+*+*+*" 2>/dev/null || true; done
) &
sweeper=$!
trap 'kill $sweeper 2>/dev/null' EXIT
# ENROL_LOCAL=1 is what lets the `log` provider work: it is never set when deployed. The terminal is filtered by
# scripts/redact.sed: wrangler prints each request's path, and a delivery report's holds SMS_DLR_SECRET.
wrangler dev --ip 127.0.0.1 --port 8787 --persist-to "$D1" --show-interactive-dev-session=false \
  --log-level log --test-scheduled --var ENROL_LOCAL:1 2>&1 | sed -u -E -f "$ROOT/scripts/redact.sed"
