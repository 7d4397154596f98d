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

// The spreadsheet reader (crates/sheet: calamine, zip, quick-xml, the code pages of .xls) is fetched only when
// a workbook is chosen. The goal is 300 KB gzipped; measured 401 KB (calamine alone, minimal wrapper,
// 367 KB per TOOLCHAIN.md). This bound keeps it from growing while that is worked on.
test('www/pkg/sheet/enrol_sheet_bg.wasm stays under 410 KB gzipped', () => {
  const gz = gzipSync(readFileSync(join(ROOT, 'www', 'pkg', 'sheet', 'enrol_sheet_bg.wasm')), { level: 9 }).length;
  assert.ok(gz <= 410_000, `${gz} bytes gzipped`);
});

// The editable table (enrol-validator with its `grid` feature) is fetched only for a file with problems: 102 KB
// gzipped when it was made. This bound keeps it from growing unnoticed.
test('www/pkg/grid/enrol_validator_bg.wasm stays under 110 KB gzipped', () => {
  const gz = gzipSync(readFileSync(join(ROOT, 'www', 'pkg', 'grid', 'enrol_validator_bg.wasm')), { level: 9 }).length;
  assert.ok(gz <= 110_000, `${gz} bytes gzipped`);
});
