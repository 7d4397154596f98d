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

// The spreadsheet reader (crates/sheet: calamine) is fetched only when a workbook is chosen, and only the module of
// its family (www/sheet-worker.js by the file's first bytes; scripts/build.sh builds each with crates/sheet's
// features). The goal is 300 KB gzipped each (issue 16); measured here (zlib level 9; gzip -9 is about 0.5% less,
// BENCHMARKS.md): .xls 208.3 KB, .ods 192.6 KB, .xlsx/.xlsb 365.7 KB. calamine's .xlsx and .xlsb readers both look for a password-protected OLE
// file first, whose directory names go through encoding_rs's generic decoder: every decoder and its CJK tables
// (about 125 KB gzipped) are linked, and calamine 0.38 has no switch for it. That module's bound is its size
// and a little, to keep it from growing; the 300 KB goal stays a todo below until it is met.
const sheetModules = [['xls', 300_000], ['ods', 300_000], ['xlsx', 370_000]];
function sheetGz(family) {
  return gzipSync(readFileSync(join(ROOT, 'www', 'pkg', 'sheet', family, 'enrol_sheet_bg.wasm')), { level: 9 }).length;
}
for (const [family, limit] of sheetModules) {
  test(`www/pkg/sheet/${family}/enrol_sheet_bg.wasm stays under ${limit / 1000} KB gzipped`, () => {
    const gz = sheetGz(family);
    assert.ok(gz <= limit, `${gz} bytes gzipped`);
  });
}
for (const [family] of sheetModules.filter(([, limit]) => limit > 300_000)) {
  test(`www/pkg/sheet/${family}/enrol_sheet_bg.wasm is under 300 KB gzipped (issue 16's goal)`,
    { todo: 'calamine 0.38 links every encoding_rs decoder into its .xlsx/.xlsb readers' }, () => {
      const gz = sheetGz(family);
      assert.ok(gz <= 300_000, `${gz} bytes gzipped`);
    });
}

// The editable table (enrol-validator with its `grid` feature) is fetched only for a file with problems: 102 KB
// gzipped when it was made. This bound keeps it from growing unnoticed.
test('www/pkg/grid/enrol_validator_bg.wasm stays under 110 KB gzipped', () => {
  const gz = gzipSync(readFileSync(join(ROOT, 'www', 'pkg', 'grid', 'enrol_validator_bg.wasm')), { level: 9 }).length;
  assert.ok(gz <= 110_000, `${gz} bytes gzipped`);
});
