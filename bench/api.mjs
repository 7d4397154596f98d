// The identity API's benchmark (make bench): logins per second and their p50/p99 under wrk, beside one
// Argon2id verification timed the same way in the same Worker (POST /__bench/argon2, present only with
// ENROL_BENCH=1), so the login's cost beyond the hash shows as a ratio; and the median latency of a bulk
// create of 100 users. Everything runs against a local Worker on 127.0.0.1, bounded in time.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApp, enrol } from '../tests/helpers.mjs';

const OUT = process.argv[2];
// Rounds alternate the hash and the login, so both see the same machine; medians and the per-round ratio
// make the figure stable on a noisy machine.
const ROUNDS = 5;
const SECONDS = 4;
const PASSWORD = 'bench-Password-1';
const dir = mkdtempSync(join(tmpdir(), 'enrol-bench-'));

function wrk(url, body, contentType) {
  const script = join(dir, `post-${Math.random().toString(36).slice(2)}.lua`);
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "${contentType}"\n`);
  const out = execFileSync('wrk', ['-t1', '-c2', `-d${SECONDS}s`, '--timeout', '10s', '--latency', '-s', script, url], { encoding: 'utf8' });
  const ms = (label) => {
    const m = out.match(new RegExp(`^\\s*${label}\\s+([\\d.]+)(us|ms|s)`, 'm'));
    return m ? Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]] : NaN;
  };
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  return { rps: Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]), p50: ms('50%'), p99: ms('99%'), non2xx };
}

const app = await spawnApp(null, { vars: { ENROL_BENCH: '1' } });
try {
  const seed = join(dir, 'seed.sql');
  writeFileSync(seed, enrol(['seed-sql', '--password', PASSWORD]).stdout);
  await app.sqlFile(seed);
  const form = `username=admin&password=${PASSWORD}&grant_type=password&scope=read&tenantId=pb.demo&userType=EMPLOYEE`;
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const argon = wrk(`${app.url}/__bench/argon2`, '', 'text/plain');
    const login = wrk(`${app.url}/user/oauth/token`, form, 'application/x-www-form-urlencoded');
    if (login.non2xx || argon.non2xx) throw new Error(`failed requests: login ${login.non2xx}, argon2 ${argon.non2xx}`);
    rounds.push({ argon, login, overhead: argon.rps / login.rps - 1 });
  }
  const med = (f) => rounds.map(f).sort((a, b) => a - b)[rounds.length >> 1];
  const argon = { rps: med((r) => r.argon.rps), p50: med((r) => r.argon.p50), p99: med((r) => r.argon.p99) };
  const login = { rps: med((r) => r.login.rps), p50: med((r) => r.login.p50), p99: med((r) => r.login.p99) };
  const overhead = med((r) => r.overhead);
  const spread = rounds.map((r) => `${(r.overhead * 100).toFixed(0)}%`).join(', ');

  const token = (await (await app.fetch('/user/oauth/token', {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form,
  })).json()).access_token;
  const bulk = [];
  for (let round = 0; round < 15; round++) {
    const Users = Array.from({ length: 100 }, (_, i) => ({
      tenantId: 'pb.demo', type: 'EMPLOYEE', name: 'Bench User', userName: `bench.${round}.${i}`,
      mobileNumber: String(6000000000 + round * 100 + i), roles: [{ code: 'COLLECTION_OPERATOR' }],
    }));
    const t = performance.now();
    const r = await app.fetch('/user/users/v110/_create', {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ RequestInfo: {}, Users }),
    });
    bulk.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`bulk create answered ${r.status}: ${await r.text()}`);
  }
  bulk.sort((a, b) => a - b);
  const median = bulk[bulk.length >> 1];
  const f = (n, d = 1) => n.toFixed(d);
  const text = [
    `wrk -t1 -c2 -d${SECONDS}s against the local Worker (wrangler dev, workerd, local D1) on 127.0.0.1, ${ROUNDS} rounds`,
    `alternating the Argon2id verify and the login; medians of the rounds (overhead per round: ${spread}).`,
    '',
    '| figure | value | baseline | ratio | goal | met? |',
    '|---|---|---|---|---|---|',
    `| logins/s (POST /user/oauth/token) vs one Argon2id verify/s in the same Worker | ${f(login.rps)} | ${f(argon.rps)} | overhead ${f(overhead * 100)}% | < 20% | ${overhead < 0.2 ? 'yes' : '**no**'} |`,
    `| login latency p50 / p99, ms | ${f(login.p50)} / ${f(login.p99)} | ${f(argon.p50)} / ${f(argon.p99)} | — | — | — |`,
    `| bulk create of 100 users (POST /user/users/v110/_create), median of ${bulk.length}, ms | ${f(median, 0)} | — | — | — | — |`,
    '',
  ].join('\n');
  process.stdout.write(text);
  if (OUT) writeFileSync(join(OUT, 'api.md'), text);
} finally {
  app.stop();
}
