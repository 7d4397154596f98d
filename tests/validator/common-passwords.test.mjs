// The phone pages repeat enrol-core's common-password rules and short list for live feedback (www/phone.js); the
// server's check (crates/core/src/common_passwords.rs) is the one that counts. The page must call common every
// password that the browser validator (enrol-core without the breach list) calls common, and no other: so the
// lists are compared, and the page's function is run against the browser validator on a table of passwords.
// The Worker and the CLI add the breach list on top: they may refuse what both of these accept, as the last
// test shows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { ROOT, enrol } from '../helpers.mjs';

const rust = readFileSync(join(ROOT, 'crates', 'core', 'src', 'common_passwords.rs'), 'utf8');
const js = readFileSync(join(ROOT, 'www', 'phone.js'), 'utf8');

/** The page's `isCommonPassword`, from its own section of phone.js, run outside a page. */
const section = js.match(/\/\/ --- common passwords: a hint -+\n([\s\S]*?)\/\/ --- end of common passwords/)[1];
const isCommonPassword = vm.runInNewContext(`${section}; isCommonPassword`);

/** Passwords of 8 to 64 characters (shorter or longer ones get a length issue instead), with why each is here. */
const CASES = [
  ['Password1!', 'a listed word, a digit and a symbol'],
  ['Qwerty@123', 'a keyboard run with affixes'],
  ['Welcome@2026', 'a listed word and a year'],
  ['PASSWORD123', 'case ignored'],
  ['!!password!!', 'symbols both sides'],
  ['2026welcome', 'digits before'],
  ['aaaaaaaa', 'one character repeated'],
  ['!!!!!!!!!', 'one symbol repeated'],
  ['ÄÄÄÄÄÄÄÄ', 'a non-ASCII character repeated'],
  ['abababab', 'a unit of two repeated'],
  ['passpass', 'a unit of four repeated'],
  ['abcdefgh', 'the alphabet'],
  ['hgfedcba', 'the alphabet backwards'],
  ['87654321', 'the digits backwards'],
  ['12345678!', 'the digits and a symbol'],
  ['Asdfgh@12', 'a keyboard row with affixes'],
  ['abcd1234', 'a run, then digits'],
  ['enrol2026', 'the service\'s name'],
  ['Mgramseva@1', 'the platform\'s name'],
  ['  digit  !!', 'a name between spaces'],
  ['jaimatadi@786', 'a local word of the short list'],
  ['trustno1', 'a whole listed password'],
  ['\uFEFFpassword', 'a byte-order mark is not white space to Rust: not stripped'],
  ['\u00A0password\u2003', 'Unicode spaces are stripped'],
  ['vX7#qL9!mR2@wK', 'a strong random password'],
  ['a long passphrase', 'a passphrase'],
  ['Citizen-pass-29', 'two words and digits'],
  ['digital india 2026', 'a name inside a phrase'],
  ['Tr0ub4dor&3', 'a unit repeated only in part'],
  ['पासवर्ड-कठिन-2026', 'non-ASCII text'],
  ['Chocolate@99', 'on the breach list only: the page and the browser validator let it pass'],
];

test('www/phone.js lists exactly enrol-core\'s short list of common passwords', () => {
  const list = rust.match(/pub const COMMON_PASSWORDS: &\[&str\] = &\[([\s\S]*?)\];/)[1];
  const core = [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1]).sort();
  const text = js.match(/const COMMON = new Set\(\(([\s\S]*?)\)\.split\(' '\)\);/)[1];
  const page = [...text.matchAll(/'([^']*)'/g)].map((m) => m[1]).join('').split(' ').filter(Boolean).sort();
  assert.ok(core.length > 50, 'the core list was found');
  assert.deepEqual(page, core);
  for (const name of ['SERVICE_NAMES', 'RUNS']) {
    const inRust = rust.match(new RegExp(`const ${name}: &\\[&str\\] = &\\[([^\\]]*)\\]`))[1].match(/"[^"]*"/g);
    const inJs = js.match(new RegExp(`const ${name} = \\[([^\\]]*)\\]`))[1].match(/'[^']*'/g).map((s) => `"${s.slice(1, -1)}"`);
    assert.deepEqual(inJs, inRust, name);
  }
});

/** Row numbers (1-based data rows) with a common_password issue, from a report's JSON. */
const commonRows = (report) => new Set(JSON.parse(report).issues.filter((i) => i.code === 'common_password').map((i) => i.row));

function csvOf(passwords) {
  const quote = (s) => `"${s.replaceAll('"', '""')}"`;
  return `firstName,phone,password\n${passwords.map((p, i) => `Asha,${9876500000 + i},${quote(p)}`).join('\n')}\n`;
}

test('the page\'s check gives the browser validator\'s verdict on every case', async () => {
  const glue = await import(new URL('../../www/pkg/enrol_validator.js', import.meta.url));
  await glue.default({ module_or_path: readFileSync(join(ROOT, 'www', 'pkg', 'enrol_validator_bg.wasm')) });
  const v = new glue.Validator(2026, 11, 24, 1000, 'en_IN');
  v.push(new TextEncoder().encode(csvOf(CASES.map(([p]) => p))));
  const refused = commonRows(v.finish().reportJson());
  for (const [i, [p, why]] of CASES.entries()) {
    assert.equal(isCommonPassword(p), refused.has(i + 1), `${JSON.stringify(p)} (${why}): page and validator differ`);
  }
  assert.ok(refused.size > 20 && refused.size < CASES.length - 5, `${refused.size} refused`);
});

test('the CLI (with the breach list, as the Worker) refuses all the validator does, and breach-list passwords too', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'enrol-common-')), 'passwords.csv');
  const passwords = [...CASES.map(([p]) => p), 'Cateye2026!', 'chocolate1'];
  writeFileSync(file, csvOf(passwords));
  const r = enrol(['validate', file, '--format', 'json']);
  assert.equal(r.status, 1, r.stderr);
  const refused = commonRows(r.stdout);
  for (const [i, p] of passwords.entries()) {
    if (isCommonPassword(p)) assert.ok(refused.has(i + 1), `${JSON.stringify(p)}: the page refuses it, the CLI does not`);
  }
  for (const p of ['Chocolate@99', 'Cateye2026!', 'chocolate1']) {
    assert.ok(refused.has(passwords.indexOf(p) + 1), `${p}: on the breach list, yet the CLI lets it pass`);
    assert.equal(isCommonPassword(p), false, `${p}: the page is not meant to know it`);
  }
});
