// The browser's wasm build and the native `enrol validate` must give the same report, byte for byte, on
// every fixture: one validator, two callers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { enrol, DATA, ROOT } from '../helpers.mjs';
import init, { Validator } from '../../www/pkg/enrol_validator.js';

const TODAY = [2026, 11, 24];
await init({ module_or_path: readFileSync(join(ROOT, 'www', 'pkg', 'enrol_validator_bg.wasm')) });

function nativeReport(file, locale, maxRows) {
  const r = enrol(['validate', file, '--format', 'json', '--locale', locale, '--today', '24-11-2026',
    '--max-rows', String(maxRows)]);
  assert.ok(r.status === 0 || r.status === 1, `enrol validate exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function wasmReport(bytes, locale, maxRows, chunk) {
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
      for (const chunk of [bytes.length || 1, 7, 1 << 20]) {
        assert.equal(wasmReport(bytes, locale, Number(maxRows), chunk), native, `${locale}, chunks of ${chunk}`);
      }
    }
  });
}
