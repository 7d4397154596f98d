// The bench page's code (make bench): times, on the same bytes in the same tab, enrol's full validation
// (wasm), a bare csv-core parse (wasm, the speed limit of a strict parser) and Papa Parse (JS, parse only).
// bench/run.mjs calls window.bench and window.memoryAfter and turns the numbers into the table.
import initEnrol, { Validator } from '/pkg/enrol_validator.js';
import initBaseline, { CsvCoreCounter } from '/baseline/enrol_baseline.js';

const CHUNK = 1 << 20; // 1 MiB: what every contender is fed at a time
const TODAY = [2026, 11, 24]; // fixed, and the same as the native run's --today
const MAX_ROWS = 2_000_000;

/** enrol, doing every check: push the chunks, finish, take the report JSON out of wasm. */
function enrol(chunks, V = Validator) {
  const v = new V(...TODAY, MAX_ROWS, 'en_IN');
  v.reserveFor(chunks.reduce((n, c) => n + c.length, 0)); // as the admin page does with file.size
  for (const c of chunks) v.push(c);
  const f = v.finish();
  const report = f.reportJson();
  const { rows } = JSON.parse(f.summaryJson());
  f.free();
  return { rows, report };
}

/** csv-core, counting records and nothing else. */
function csvcore(chunks, C = CsvCoreCounter) {
  const c = new C();
  for (const chunk of chunks) c.push(chunk);
  const rows = c.finish();
  c.free();
  return { rows };
}

/** Papa Parse on the same bytes: decoded to text (it parses strings) then parsed in 1 MiB chunks. */
function papa(bytes) {
  let rows = 0;
  Papa.parse(new TextDecoder().decode(bytes), { chunkSize: CHUNK, chunk: (r) => { rows += r.data.length; } });
  return { rows };
}

async function load(url) {
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const chunks = [];
  for (let i = 0; i < bytes.length; i += CHUNK) chunks.push(bytes.subarray(i, i + CHUNK));
  return { bytes, chunks };
}

/** Times each contender `reps` times, interleaved (enrol, csv-core, Papa, enrol, ...); milliseconds. */
window.bench = async (url, reps, warmup) => {
  const { bytes, chunks } = await load(url);
  const contenders = { enrol: () => enrol(chunks), csvcore: () => csvcore(chunks), papa: () => papa(bytes) };
  if (warmup) Object.values(contenders).forEach((run) => run());
  const ms = { enrol: [], csvcore: [], papa: [] };
  const last = {};
  for (let i = 0; i < reps; i++) {
    for (const [name, run] of Object.entries(contenders)) {
      globalThis.gc?.(); // run.mjs starts Chromium with --expose-gc: no contender pays for another's garbage
      const t = performance.now();
      last[name] = run();
      ms[name].push(performance.now() - t);
    }
  }
  const rows = Object.fromEntries(Object.entries(last).map(([k, v]) => [k, v.rows]));
  return { bytes: bytes.length, ms, rows, report: last.enrol.report };
};

/** wasm memory (bytes) of a fresh instance of `which` ('enrol' or 'csvcore') after one run over `url`. */
window.memoryAfter = async (url, which) => {
  const { chunks } = await load(url);
  // A new module URL is a new module, hence a new wasm instance with its own memory.
  const fresh = `?fresh=${Math.random()}`;
  if (which === 'enrol') {
    const m = await import(`/pkg/enrol_validator.js${fresh}`);
    const wasm = await m.default();
    enrol(chunks, m.Validator);
    return wasm.memory.buffer.byteLength;
  }
  const m = await import(`/baseline/enrol_baseline.js${fresh}`);
  const wasm = await m.default();
  csvcore(chunks, m.CsvCoreCounter);
  return wasm.memory.buffer.byteLength;
};

// The shipped worker on a chosen file, its messages ignored: how long the main thread blocks when the page
// itself does nothing (compare with /admin, which renders what the worker reports).
document.getElementById('file').addEventListener('change', ({ target }) => {
  new Worker('/validate-worker.js', { type: 'module' })
    .postMessage({ type: 'check', file: target.files[0], locale: 'en_IN', today: TODAY, maxRows: MAX_ROWS });
});

await Promise.all([initEnrol(), initBaseline()]);
document.getElementById('state').textContent = 'ready';
