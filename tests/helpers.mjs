// The end-to-end harness: spawnApp() starts the built Worker under `wrangler dev` on a free port, with its
// own fresh local D1 (migrations applied), and stops the whole process group when the test ends. Tests
// never share a database, so they run in parallel and in any order. A test may lower the queue's settings
// (`queues`), which `--var` cannot reach: that app runs from a copy of wrangler.toml of its own.
//
// The Worker must have been built first (scripts/build.sh; the test command does it).

import { spawn, spawnSync, execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA = join(ROOT, 'tests', 'data');
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler');
const ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' };
const run = promisify(execFile);

const running = new Set();
const configs = new Set(); // the wrangler.toml copies of running apps
process.on('exit', () => {
  for (const p of running) killGroup(p);
  for (const f of configs) rmSync(f, { force: true });
});

function killGroup(child) {
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
}

/** A migrated, empty local D1, made once per set of migrations and copied for each app. */
async function templateDb() {
  const dir = join(ROOT, 'migrations');
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  const base = join(ROOT, 'target', 'e2e');
  const template = join(base, `d1-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(template)) return template;
  mkdirSync(base, { recursive: true });
  const scratch = mkdtempSync(join(base, 'making-'));
  await wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', scratch]);
  try {
    renameSync(scratch, template);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another test process made it first
  }
  return template;
}

export async function wrangler(args) {
  const { stdout } = await run(WRANGLER, args, { cwd: ROOT, env: ENV, maxBuffer: 64 << 20 });
  return stdout;
}

/**
 * A copy of wrangler.toml in the repository's root, with the given queue consumers' settings changed:
 * `{ 'enrol-sms': { max_retries: 1 } }`. It sits beside the original because wrangler resolves `main`,
 * `[assets] directory`, `migrations_dir` and `.dev.vars` from the config file's folder. Git ignores the
 * name (wrangler.e2e-*.toml); whoever asks for it deletes it.
 */
function configWith(queues) {
  // One table per block: a block runs from a `[` header to the next.
  const blocks = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8').split(/^(?=\[)/m);
  for (const [queue, settings] of Object.entries(queues)) {
    const i = blocks.findIndex((b) => b.startsWith('[[queues.consumers]]\n') && b.includes(`\nqueue = "${queue}"\n`));
    if (i < 0) throw new Error(`wrangler.toml has no consumer of queue ${queue}`);
    for (const [key, value] of Object.entries(settings)) {
      if (!/^[a-z_]+$/.test(key)) throw new Error(`not a queue consumer setting: ${key}`);
      const line = `${key} = ${JSON.stringify(value)}`;
      const old = new RegExp(`^${key} = .*$`, 'm');
      blocks[i] = old.test(blocks[i]) ? blocks[i].replace(old, line)
        : blocks[i].replace(`\nqueue = "${queue}"\n`, `\nqueue = "${queue}"\n${line}\n`);
    }
  }
  const file = join(ROOT, `wrangler.e2e-${process.pid}-${randomBytes(4).toString('hex')}.toml`);
  writeFileSync(file, blocks.join(''));
  return file;
}

/**
 * Starts a Worker with a fresh D1. `vars` override wrangler.toml [vars]; `queues` override queue consumers'
 * settings (see configWith), e.g. `{ 'enrol-sms': { max_retries: 1 } }`. Pass the test context `t` so the
 * app stops when the test ends.
 */
export async function spawnApp(t, { vars = {}, queues } = {}) {
  const persist = mkdtempSync(join(tmpdir(), 'enrol-d1-'));
  cpSync(await templateDb(), persist, { recursive: true });
  const args = ['dev', '--ip', '127.0.0.1', '--port', '0', '--inspector-port', '0', '--persist-to', persist,
    '--show-interactive-dev-session=false', '--test-scheduled'];
  const config = queues ? configWith(queues) : null;
  if (config) {
    configs.add(config);
    args.push('--config', config);
  }
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  const child = spawn(WRANGLER, args, { cwd: ROOT, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let log = '';
  let ready = false;
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler dev did not start in 60 s:\n${log}`)), 60_000);
    const onData = (chunk) => {
      log += chunk;
      // The log is kept for failures' messages, its last 2 MiB; once started it is no longer searched (a long
      // run's log searched on every chunk took a core).
      if (log.length > 4 << 20) log = log.slice(-(2 << 20));
      if (ready) return;
      const m = log.match(/Ready on (http:\/\/[^\s]+)/);
      if (m) { ready = true; clearTimeout(timer); resolve(m[1].replace('localhost', '127.0.0.1')); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`wrangler dev exited (${code}):\n${log}`)); });
  });
  const app = {
    url,
    persist,
    log: () => log,
    /** fetch relative to the app */
    fetch: (path, init) => fetch(url + path, init),
    /** Runs SQL on the app's D1 (outside the Worker) and returns the rows. */
    async sql(command) {
      const out = await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persist, '--json', '--command', command]);
      return JSON.parse(out)[0].results;
    },
    /** Applies a SQL file to the app's D1. */
    async sqlFile(file) {
      await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persist, '--file', file]);
    },
    /** True once the test has ended and the Worker is stopped: a page still polling it may meet a closed port. */
    stopped: false,
    stop() {
      app.stopped = true;
      killGroup(child);
      running.delete(child);
      rmSync(persist, { recursive: true, force: true });
      if (config) {
        rmSync(config, { force: true });
        configs.delete(config);
      }
    },
  };
  t?.after(() => app.stop());
  return app;
}

/** Runs the native `enrol` command; returns its exit status and output (exit 1 means "issues found"). */
export function enrol(args) {
  const r = spawnSync(join(ROOT, 'target', 'release', 'enrol'), args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
