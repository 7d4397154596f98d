// The login page repeats enrol-core's list of common passwords for live feedback (www/phone.js); the server's
// check (crates/core/src/fields.rs) is the one that counts. The two lists must be the same, or the page would
// call a password fine that the server then refuses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.mjs';

test('www/phone.js lists exactly enrol-core\'s common passwords (compared case-insensitively, as both do)', () => {
  const rust = readFileSync(join(ROOT, 'crates', 'core', 'src', 'fields.rs'), 'utf8');
  const list = rust.match(/const COMMON_PASSWORDS: &\[&str\] = &\[([\s\S]*?)\];/)[1];
  const core = [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1].toLowerCase()).sort();
  const js = readFileSync(join(ROOT, 'www', 'phone.js'), 'utf8');
  const text = js.match(/const COMMON = new Set\(\(([\s\S]*?)\)\.split\(' '\)\);/)[1];
  const page = [...text.matchAll(/'([^']*)'/g)].map((m) => m[1]).join('').split(' ').filter(Boolean).sort();
  assert.ok(core.length > 50, 'the core list was found');
  assert.deepEqual(page, core);
});
