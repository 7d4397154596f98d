// The browser validator is downloaded by every administrator, on slow connections too: each build stays under
// 100 KB gzipped. It is what keeps the breach list of common passwords (enrol-core's `breach-list` feature,
// 224 KiB) in the Worker and out of the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from '../helpers.mjs';

for (const build of [['enrol_validator_bg.wasm'], ['plain', 'enrol_validator_bg.wasm']]) {
  test(`www/pkg/${build.join('/')} is under 100 KB gzipped`, () => {
    const gz = gzipSync(readFileSync(join(ROOT, 'www', 'pkg', ...build)), { level: 9 }).length;
    assert.ok(gz <= 100_000, `${gz} bytes gzipped`);
  });
}
