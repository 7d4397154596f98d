// The browser's wasm builds (with SIMD, and plain for browsers without it) and the native `enrol validate`
// must give the same report, byte for byte, on every fixture: one validator, three callers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrol, DATA, ROOT } from '../helpers.mjs';

const TODAY = [2026, 11, 24];
const GLUE = new URL('../../www/pkg/enrol_validator.js', import.meta.url);

/** One instance of the shared JS glue per build (a query string makes it a module of its own). */
async function load(build, wasm) {
  const glue = await import(`${GLUE}?${build}`);
  await glue.default({ module_or_path: readFileSync(join(ROOT, 'www', 'pkg', ...wasm)) });
  return glue.Validator;
}
const BUILDS = {
  simd: await load('simd', ['enrol_validator_bg.wasm']),
  plain: await load('plain', ['plain', 'enrol_validator_bg.wasm']),
};

function nativeReport(file, locale, maxRows) {
  const r = enrol(['validate', file, '--format', 'json', '--locale', locale, '--today', '24-11-2026',
    '--max-rows', String(maxRows)]);
  assert.ok(r.status === 0 || r.status === 1, `enrol validate exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function wasmReport(Validator, bytes, locale, maxRows, chunk) {
  const v = new Validator(...TODAY, maxRows, locale);
  for (let i = 0; i < bytes.length; i += chunk) v.push(bytes.subarray(i, i + chunk));
  return v.finish().reportJson() + '\n';
}

const fixtures = readdirSync(DATA).filter((f) => f.endsWith('.csv')).sort();

test('there are fixtures to compare', () => assert.ok(fixtures.length >= 3, fixtures.join(', ')));

for (const f of fixtures) {
  test(`native and wasm reports are identical: ${f}`, () => {
    const bytes = new Uint8Array(readFileSync(join(DATA, f)));
    const maxRows = /limit(\d+)/.exec(f)?.[1] ?? 1000;
    for (const locale of ['en_IN', 'hi_IN']) {
      const native = nativeReport(join(DATA, f), locale, maxRows);
      for (const [build, Validator] of Object.entries(BUILDS)) {
        for (const chunk of [bytes.length || 1, 7, 1 << 20]) {
          const wasm = wasmReport(Validator, bytes, locale, Number(maxRows), chunk);
          assert.equal(wasm, native, `${build} build, ${locale}, chunks of ${chunk}`);
        }
      }
    }
  });
}

test('a generated sheet gives the native report from both builds, in chunks of any size', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'enrol-parity-')), 'gen.csv');
  const gen = enrol(['gen', '--rows', '3000', '--error-rate', '0.2', '--seed', '7']);
  assert.equal(gen.status, 0, gen.stderr);
  writeFileSync(file, gen.stdout);
  const bytes = new Uint8Array(readFileSync(file));
  const native = nativeReport(file, 'en_IN', 5000);
  for (const [build, Validator] of Object.entries(BUILDS)) {
    for (const chunk of [1 << 20, 4096, 333, 17, 5]) {
      assert.equal(wasmReport(Validator, bytes, 'en_IN', 5000, chunk), native, `${build} build, chunks of ${chunk}`);
    }
  }
});

test('on random CSV-like bytes the SIMD build agrees with the plain one', () => {
  // Commas, quotes and line breaks among letters and a two-byte character, in rows long enough for the
  // sixteen-byte blocks: the SIMD scan against the eight-byte one (tested against the state machine natively).
  const pieces = ['a', 'bb', ',', ',', '"', '\n', '\r\n', ' ', 'é', 'abcdefghijklmnop', ',,,,'];
  let x = 0x9e3779b9;
  const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; };
  const encoder = new TextEncoder();
  for (let n = 0; n < 300; n++) {
    let text = 'firstName,phone,email\n';
    const len = next() % 400;
    for (let i = 0; i < len; i++) text += pieces[next() % pieces.length];
    const bytes = encoder.encode(text);
    const chunk = 1 + (next() % 64);
    const [simd, plain] = [BUILDS.simd, BUILDS.plain].map((V) => wasmReport(V, bytes, 'en_IN', 1000, chunk));
    assert.equal(simd, plain, `input ${JSON.stringify(text)}, chunks of ${chunk}`);
    assert.equal(wasmReport(BUILDS.simd, bytes, 'en_IN', 1000, bytes.length || 1), plain, `whole: ${JSON.stringify(text)}`);
  }
});
