// The upload route takes the administrator's own file (issue 16 §2): an .xlsx sent straight to the API is read
// as the page reads it, the office's own headings are placed by the mapping sent with it, else by the tenant's
// remembered one, else by the automatic one where it is sure; a file it cannot place is a 422 naming the
// headings, and nothing changes. The upload record keeps the mapping, and the tenant remembers a sent one.
// Hostile workbooks (a zip bomb, a sheet spanning seventeen billion cells, an .xls or protected workbook) get
// a clear 4xx and change nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA, spawnApp } from '../helpers.mjs';
import { assertError, rows, seedWorld } from './support.mjs';
import { HELD, created, get, upload } from './upload_support.mjs';

const fixture = (name) => readFileSync(join(DATA, name));

/** What the route answered, without what differs between two uploads of the same data. */
function verdict(r) {
  return { status: r.body.status, rows: r.body.counts.rows, issues: r.body.failureResult };
}

async function uploads(app) {
  return (await rows(app, 'SELECT count(*) AS n FROM uploads'))[0].n;
}

test('an .xlsx sent to the API gets the verdict of its data as CSV, under the headings placed with certainty', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const book = await upload(app, tokens.gpDemo, fixture('office_staff_list.xlsx'), { fileName: 'staff.xlsx' });
  assert.equal(book.status, 422, book.raw.slice(0, 400));
  // The sheet's own data, as the page makes it from the "Staff" sheet (crates/sheet/tests: the same twin).
  const twin = 'firstName,lastName,phone,DOB,gender,position,,\n'
    + 'आशा,देवी,9876543210,05-03-1990,Female,Anganwadi worker,Rampur,Kheri\n'
    + 'Ravi,Kumar,9876543211,31-12-1985,male,Teacher,Rampur,Bhira\n'
    + 'सीता,शर्मा,98765,12-10-1992,female,TEACHER,Rampur,Kheri\n'
    + 'Mira,Singh,#N/A,01-01-1979,female,Clerk,Rampur,Palia\n';
  const csv = await upload(app, tokens.gpDemo, twin, { fileName: 'staff.csv' });
  assert.deepEqual(verdict(book), verdict(csv));
  assert.deepEqual(book.body.failureResult.filter((i) => i.severity === 'error').map((i) => [i.row, i.column, i.code]),
    [[3, 'phone', 'invalid_phone'], [4, 'phone', 'invalid_phone']]);
  assert.equal(book.body.fileName, 'staff.xlsx');
  assert.deepEqual(book.body.mapping.map((m) => [m.heading, m.field, m.basis]), [
    ['Name of Employee', 'firstName', 'synonym'], ['उपनाम', 'lastName', 'synonym'], ['Mobile No.', 'phone', 'synonym'],
    ['DOB (dd/mm/yyyy)', 'DOB', 'name'], ['Gender', 'gender', 'exact'], ['Designation', 'position', 'synonym'],
    ['Posting', null, 'none'], ['Posting', null, 'none'],
  ]);
  assert.equal(csv.body.mapping, null, 'the template needs no mapping');
  // The same workbook as a raw body of its media type, and a sheet chosen by name.
  const raw = await app.fetch('/v1/user/upload?tenantId=pb.demo&sheet=Staff', {
    method: 'POST', body: fixture('office_staff_list.xlsx'),
    headers: { authorization: `Bearer ${tokens.gpDemo}`, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  });
  assert.equal(raw.status, 422);
  assert.deepEqual(verdict({ body: await raw.json() }), verdict(csv));
  assertError(await upload(app, tokens.gpDemo, fixture('office_staff_list.xlsx'), { extra: [['sheet', 'Nope']] }), 400, 'NoSuchSheet');
});

test('headings it cannot place are a 422 naming them; a sent mapping places them and is remembered for the tenant', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo', 'gpOther']);
  const own = 'Staff of Rampur\nS.No.,Naam,Mob,Remarks\n1,Asha,9876543210,new\n';
  const before = await created(app);
  const n = await uploads(app);
  const unsure = await upload(app, tokens.gpDemo, own);
  assertError(unsure, 422, 'MappingNeeded');
  assert.match(unsure.body.Errors[0].message, /do not give firstName with certainty; headings not placed: “S\.No\.”, “Naam”, “Remarks”/);
  for (const [mapping, says] of [
    ['not json', /a JSON object/],
    ['["Naam"]', /a JSON object/],
    ['{"Naam":"name"}', /no column name/],
    ['{"Naam":7}', /a column name or null/],
    ['{"Nom":"firstName"}', /the file has no heading “Nom”/],
    [JSON.stringify({ [' '.repeat(3)]: 'firstName' }), /each heading 1 to 200 characters/],
  ]) {
    const r = await upload(app, tokens.gpDemo, own, { extra: [['mapping', mapping]] });
    assertError(r, 400, 'InvalidMapping', mapping);
    assert.match(r.body.Errors[0].message, says, mapping);
  }
  assert.deepEqual(await created(app), before, 'nothing created');
  assert.equal(await uploads(app), n, 'nothing recorded');

  const placed = await upload(app, tokens.gpDemo, own, { extra: [['mapping', JSON.stringify({ Naam: 'firstName', 'S.No.': null })]] });
  assert.equal(placed.status, 200, placed.raw.slice(0, 400));
  assert.equal(placed.body.status, 'COMPLETED');
  assert.deepEqual(placed.body.mapping.map((m) => [m.heading, m.field, m.basis]), [
    ['S.No.', null, 'given'], ['Naam', 'firstName', 'given'], ['Mob', 'phone', 'synonym'], ['Remarks', null, 'none'],
  ]);
  assert.deepEqual(await rows(app, "SELECT name, mobile_number FROM users WHERE mobile_number = '9876543210'"), [{ name: 'Asha', mobile_number: '9876543210' }]);
  assert.deepEqual((await get(app, `/v1/upload/status/${placed.body.processId}`, tokens.gpDemo)).body.mapping, placed.body.mapping, 'the record keeps it');

  // Remembered for every administrator of the tenant, served with its configuration, and used next time.
  const config = await get(app, '/v1/tenant/pb.demo/upload-config', tokens.gpDemo);
  assert.deepEqual(config.body.mapping, { sno: null, naam: 'firstName' });
  assert.deepEqual((await get(app, '/v1/tenant/pb.other/upload-config', tokens.gpOther)).body.mapping, {}, 'not another tenant\'s');
  const next = await upload(app, tokens.gpDemo, 'Naam,Mob\nRavi,9876543211\n');
  assert.equal(next.status, 200, next.raw.slice(0, 400));
  assert.deepEqual(next.body.mapping.map((m) => [m.heading, m.field, m.basis]), [['Naam', 'firstName', 'remembered'], ['Mob', 'phone', 'synonym']]);
  // Elsewhere nobody confirmed "Naam": a header on the first line is checked as it is, and the FAILED upload
  // names the heading it does not know and the column missing.
  const elsewhere = await upload(app, tokens.gpOther, 'Naam,Mob\nMira,9876543212\n', { tenantId: 'pb.other' });
  assert.equal(elsewhere.status, 422, elsewhere.raw.slice(0, 300));
  assert.equal(elsewhere.body.status, 'FAILED');
  assert.deepEqual(elsewhere.body.failureResult.map((i) => [i.code, i.value ?? null]).filter(([c]) => /column/.test(c)),
    [['unknown_column', 'Naam'], ['unknown_column', 'Mob'], ['missing_column', null], ['missing_column', null]]);
  assert.equal(elsewhere.body.mapping, null);

  // The page sends the CSV it remapped with the mapping confirmed: kept as given, and remembered.
  const page = await upload(app, tokens.gpDemo, 'firstName,phone\nSita,9876543213\n',
    { extra: [['mapping', JSON.stringify({ 'Name of Staff Member': 'firstName', Mob: 'phone' })]] });
  assert.equal(page.status, 200, page.raw.slice(0, 400));
  const byHeading = (a, b) => a.heading.localeCompare(b.heading);
  assert.deepEqual(page.body.mapping.sort(byHeading), [
    { heading: 'Mob', field: 'phone', basis: 'given' }, { heading: 'Name of Staff Member', field: 'firstName', basis: 'given' },
  ]);
  assert.equal((await get(app, '/v1/tenant/pb.demo/upload-config', tokens.gpDemo)).body.mapping.nameofstaffmember, 'firstName');
});

test('hostile workbooks get a clear 4xx and change nothing', async (t) => {
  const app = await spawnApp(t, { vars: HELD });
  const { tokens } = await seedWorld(t, app, ['gpDemo']);
  const before = await created(app);
  const n = await uploads(app);
  const ole = new Uint8Array(4096);
  ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  for (const [what, bytes, status, code, says] of [
    ['a zip bomb (300 MB of zeros in 300 KB)', fixture('hostile_zip_bomb.xlsx'), 413, 'WorkbookTooLarge', /unpacks to 314589890 bytes/],
    ['cells at A1 and XFD1048576', fixture('hostile_sparse_corners.xlsx'), 413, 'WorkbookTooLarge', /spans 1048576 rows and 16384 columns/],
    ['an .xls or password-protected workbook', ole, 415, 'UnsupportedWorkbook', /save it as \.xlsx without a password/],
  ]) {
    const r = await upload(app, tokens.gpDemo, bytes, { fileName: 'staff.xlsx' });
    assertError(r, status, code, what);
    assert.match(r.body.Errors[0].message, says, what);
  }
  assert.deepEqual(await created(app), before, 'nothing created');
  assert.equal(await uploads(app), n, 'nothing recorded');
});
