// The end-to-end harness: spawnApp() starts the built Worker in workerd (Miniflare, configured by wrangler's own
// reading of wrangler.toml) on a free port, with its own fresh local D1 (migrations applied), and stops it when
// the test ends. Tests never share a database, so they run in parallel and in any order. A test may lower the
// queue's settings (`queues`), which are not vars.
//
// The Worker must have been built first (scripts/build.sh; the test command does it).

import { spawnSync, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify, stripVTControlCharacters } from 'node:util';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DATA = join(ROOT, 'tests', 'data');
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler');
const ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' };
const run = promisify(execFile);

const running = new Set(); // the Miniflares of apps not yet stopped (Miniflare ends its workerd when node exits)

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

/** The Worker's options as `wrangler dev` reads them from wrangler.toml and .dev.vars: read once per test process. */
let readOptions;
function workerOptions() {
  readOptions ??= (async () => {
    const { unstable_getMiniflareWorkerOptions } = await import('wrangler');
    const say = console.log; // "Using secrets defined in .dev.vars", once per test file
    console.log = () => {};
    try {
      return unstable_getMiniflareWorkerOptions(join(ROOT, 'wrangler.toml'));
    } finally {
      console.log = say;
    }
  })();
  return readOptions;
}

/**
 * The queue consumers of wrangler.toml with the given settings changed, written as in wrangler.toml:
 * `{ 'enrol-sms': { max_retries: 1 } }`.
 */
function consumersWith(consumers, queues = {}) {
  const out = structuredClone(consumers);
  for (const [queue, settings] of Object.entries(queues)) {
    if (!out[queue]) throw new Error(`wrangler.toml has no consumer of queue ${queue}`);
    for (const [key, value] of Object.entries(settings)) {
      const name = { max_batch_size: 'maxBatchSize', max_batch_timeout: 'maxBatchTimeout', max_retries: 'maxRetries',
        retry_delay: 'retryDelay', dead_letter_queue: 'deadLetterQueue' }[key];
      if (!name) throw new Error(`not a queue consumer setting: ${key}`);
      out[queue][name] = value;
    }
  }
  return out;
}

/**
 * Starts the built Worker with a fresh D1: in workerd, through Miniflare in this process, with the bindings,
 * assets, queues and cron that `wrangler dev` gives it (wrangler's own reading of wrangler.toml), without a
 * wrangler process per test. `vars` override wrangler.toml [vars]; `queues` override queue consumers'
 * settings, e.g. `{ 'enrol-sms': { max_retries: 1 } }`. Pass the test context `t` so the app stops when the
 * test ends. `app.log()` is what the run command's terminal would show: requests, queue batches and the
 * Worker's own lines. `worker` is another build of the Worker (a copy of crates/api/build/), for benchmarks
 * that measure two builds side by side.
 */
export async function spawnApp(t, { vars = {}, queues, worker } = {}) {
  const persist = mkdtempSync(join(tmpdir(), 'enrol-d1-'));
  cpSync(await templateDb(), persist, { recursive: true });
  const [{ Miniflare, Log, LogLevel }, { workerOptions: options, main }] = await Promise.all([import('miniflare'), workerOptions()]);
  let log = '';
  const append = (text) => {
    log += text;
    if (log.length > 4 << 20) log = log.slice(-(2 << 20)); // the last 2 MiB, for failures' messages
  };
  class Terminal extends Log {
    log(message) { append(`${stripVTControlCharacters(message)}\n`); }
  }
  const mf = new Miniflare({
    ...options,
    name: 'enrol',
    modules: true,
    scriptPath: worker ? join(worker, 'worker', 'shim.mjs') : main,
    modulesRoot: worker ?? join(ROOT, 'crates', 'api', 'build'),
    // worker-build's glue is ES modules named .js (wrangler bundles them; here they are loaded as they are).
    modulesRules: [{ type: 'ESModule', include: ['**/*.js', '**/*.mjs'] }, ...options.modulesRules],
    bindings: { ...options.bindings, ...vars },
    queueConsumers: consumersWith(options.queueConsumers, queues),
    host: '127.0.0.1',
    port: 0,
    d1Persist: join(persist, 'v3', 'd1'), // where `wrangler d1 ... --persist-to` keeps it (templateDb)
    cf: false, // no fetch of Request.cf from Cloudflare: its placeholder, as wrangler dev offline
    log: new Terminal(LogLevel.INFO),
    handleRuntimeStdio(stdout, stderr) {
      stdout.on('data', (chunk) => append(String(chunk)));
      stderr.on('data', (chunk) => append(String(chunk)));
    },
  });
  running.add(mf);
  let url;
  try {
    url = (await mf.ready).href.replace(/\/$/, '');
  } catch (e) {
    running.delete(mf);
    rmSync(persist, { recursive: true, force: true });
    throw new Error(`the Worker did not start: ${e.stack}\n${log}`);
  }
  let db;
  const app = {
    url,
    persist,
    log: () => log,
    /**
     * fetch relative to the app; a request not answered in 2 minutes fails (a hang never holds the suite).
     * workerd, unlike Cloudflare's edge or wrangler dev's proxy, closes the connection when the Worker answers
     * without reading the request's body (a 401 before the body, say): a next request on that kept-alive
     * connection fails with ECONNRESET, and a body still being written with EPIPE (Node's fetch writes a
     * FormData part by part). A browser sends such a request again; Node's fetch does not. So each request has
     * a connection of its own, and a form goes out in one piece. (Measured: 300 uploads answered 401 lost 54 to
     * EPIPE when streamed, 9 to ECONNRESET when kept alive, none with both.)
     */
    fetch: async (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('connection')) headers.set('connection', 'close');
      let body = init.body;
      if (body instanceof FormData) {
        // Sent whole, as the browser sends a form, rather than streamed part by part (see below).
        const form = new Response(body);
        if (!headers.has('content-type')) headers.set('content-type', form.headers.get('content-type'));
        body = new Uint8Array(await form.arrayBuffer());
      }
      return fetch(url + path, { signal: AbortSignal.timeout(120_000), ...init, headers, body });
    },
    /** Runs the Worker's cron trigger once, as the schedule would; its outcome ('ok' when it ran without error). */
    scheduled: async (cron = '* * * * *') => (await (await mf.getWorker('enrol')).scheduled({ cron })).outcome,
    /** The Worker's own D1 binding (the same database the Worker uses, not a second handle on its files). */
    d1: async () => (db ??= await mf.getD1Database('DB')),
    /** Runs one SQL statement on the app's D1 and returns the rows. */
    async sql(command) {
      return (await (await app.d1()).prepare(command).all()).results;
    },
    /** Applies a SQL file to the app's D1 the way the run command does (`wrangler d1 execute --file`). */
    async sqlFile(file) {
      await wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', persist, '--file', file]);
    },
    /** True once the test has ended and the Worker is stopped: a page still polling it may meet a closed port. */
    stopped: false,
    async stop() {
      if (app.stopped) return;
      app.stopped = true;
      running.delete(mf);
      await mf.dispose().catch(() => {});
      rmSync(persist, { recursive: true, force: true });
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
