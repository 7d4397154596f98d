// The phone journey, end to end and as one test: an administrator uploads three people on /admin; their welcome
// SMS reach a stand-in MSG91; on a 360 px page one person follows the link, logs in with the one-time password,
// chooses a password and is done (then another in Hindi); a third recovers a password with a code by SMS; a
// citizen registers. Every step is driven by the keyboard, passes axe-core, fits 360 px, and is kept as a
// screenshot in English and Hindi (tests/artifacts/phone-<step>-<locale>.png).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnApp, ARTIFACTS, ROOT } from '../helpers.mjs';
import { seedWorld, login, PASSWORD, USERS } from '../api/support.mjs';
import { providerServer, until } from '../api/provider_server.mjs';
import { openAdmin, signIn } from './admin-page.mjs';
import { launch } from './browser.mjs';

const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const PEOPLE = 'firstName,lastName,phone,language\nAsha,Devi,9876544401,\nRavi,Kumar,9876544402,Hindi\nGurpreet,Kaur,9876544403,Punjabi\n';

/** A 360 px page that keeps the real CSP and fails the test on a console error other than an expected 4xx. */
async function phone(t, browser) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (400|401|429)/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  t.after(() => assert.deepEqual(problems, [], 'no console errors (a CSP violation would be one)'));
  return page;
}

/**
 * axe-core finds nothing and nothing is wider than 360 px, in English and in Hindi; a screenshot of each. The
 * language is switched through the page's own menu and put back.
 */
async function check(page, step) {
  mkdirSync(ARTIFACTS, { recursive: true });
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
  const was = await page.inputValue('#lang');
  for (const lang of ['en_IN', 'hi_IN']) {
    await page.selectOption('#lang', lang);
    const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
      .map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })));
    assert.deepEqual(violations, [], `axe-core: step "${step}" in ${lang}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `step "${step}" in ${lang} is ${width} px wide`);
    await page.screenshot({ path: join(ARTIFACTS, `phone-${step}-${lang}.png`), fullPage: true });
  }
  await page.selectOption('#lang', was);
}

/** Types into a field and presses Enter, by the keyboard only (the field is reached with Tab from `from`). */
async function typeIn(page, selector, text) {
  await page.focus(selector);
  await page.keyboard.type(text);
}

const visible = (page, id) => page.locator(`#${id}`).waitFor({ state: 'visible', timeout: 15_000 });
const message = (page, id) => page.locator(`#${id}`).textContent();

test('the phone journey: upload, first login from the SMS link with a chosen password, forgot password, citizen registration', async (t) => {
  const provider = await providerServer(t);
  const app = await spawnApp(t, { vars: provider.vars('msg91', { PUBLIC_URL: 'http://enrol.test', OTP_IP_SENDS_PER_HOUR: '100' }) });
  await seedWorld(t, app, []);

  // 1. The administrator uploads three people.
  const { page: admin } = await openAdmin(t, app);
  await signIn(admin, USERS.gpDemo.userName, PASSWORD, USERS.gpDemo.tenantId);
  await admin.setInputFiles('#file', { name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from(PEOPLE) });
  await admin.waitForFunction(() => !document.getElementById('upload').disabled, null, { timeout: 15_000 });
  await admin.click('#upload');
  await admin.waitForFunction(() => document.getElementById('outcome-status').dataset.status
    && document.getElementById('uploading').hidden, null, { timeout: 30_000 });
  const welcome = await until(() => {
    const w = provider.received.filter((m) => m.fields.recipients[0].link);
    return w.length === 3 && w;
  }, 30_000, 'three welcome SMS');
  const sms = (mobile) => welcome.find((m) => m.to === `91${mobile}`).fields.recipients[0];

  const browser = await launch(t);
  const page = await phone(t, browser);

  // 2. Asha follows her link: the login id and the office are filled in; she types the one-time password.
  const asha = sms('9876544401');
  await page.goto(app.url + new URL(asha.link).pathname);
  assert.match(page.url(), /\/login\?user=9876544401&tenant=pb\.demo&lang=en_IN$/);
  assert.equal(await page.inputValue('#user'), '9876544401');
  assert.equal(await page.inputValue('#tenant'), 'pb.demo');
  await check(page, 'login');
  // The keyboard order: login id, password, office, Log in.
  await page.focus('#user');
  const order = [];
  for (let i = 0; i < 3; i++) { await page.keyboard.press('Tab'); order.push(await page.evaluate(() => document.activeElement.id)); }
  assert.deepEqual(order, ['password', 'tenant', 'b-login']);
  await typeIn(page, '#password', 'wrong-password-1');
  await page.keyboard.press('Enter');
  await page.locator('#m-login', { hasText: 'wrong' }).waitFor();
  await check(page, 'login-wrong');
  await page.fill('#password', '');
  await typeIn(page, '#password', asha.password);
  await page.keyboard.press('Enter');
  await visible(page, 's-choose');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'h-choose', 'the new step has the focus');
  await check(page, 'choose');
  await typeIn(page, '#new', 'my9876544401');
  assert.deepEqual(await page.locator('#r-new li').evaluateAll((ls) => ls.map((l) => l.className)), ['good', 'good', 'bad']);
  await page.keyboard.press('Enter');
  assert.match(await message(page, 'm-choose'), /meets every rule/);
  await check(page, 'choose-rules');
  await page.fill('#new', '');
  await typeIn(page, '#new', 'blue-kettle-morning');
  await page.keyboard.press('Enter');
  await visible(page, 's-done');
  assert.match(await message(page, 'done-text'), /Your password is saved, Asha Devi/);
  await check(page, 'done');
  assert.equal((await login(app, '9876544401', 'blue-kettle-morning')).status, 200, 'the chosen password logs in');
  assert.equal((await login(app, '9876544401', asha.password)).status, 400, 'the one-time password no longer does');

  // 3. Ravi's link carries Hindi: the page is in Hindi, and the choice is remembered.
  const ravi = sms('9876544402');
  const hindi = await phone(t, browser);
  await hindi.goto(app.url + new URL(ravi.link).pathname);
  assert.equal(await hindi.getAttribute('html', 'lang'), 'hi');
  assert.equal(await hindi.locator('#b-login').textContent(), 'लॉग इन करें');
  await typeIn(hindi, '#password', ravi.password);
  await hindi.keyboard.press('Enter');
  await visible(hindi, 's-choose');
  await typeIn(hindi, '#new', 'pani-ka-ghada-7');
  await hindi.keyboard.press('Enter');
  await visible(hindi, 's-done');
  assert.match(await message(hindi, 'done-text'), /पासवर्ड सहेज लिया गया/);
  await hindi.goto(`${app.url}/login`);
  assert.equal(await hindi.inputValue('#lang'), 'hi_IN', 'the language is remembered');
  assert.equal((await login(app, '9876544402', 'pani-ka-ghada-7')).status, 200);

  // 4. Gurpreet forgot her password (she never used the link): a code by SMS, a wrong try, then the right one.
  const forgot = await phone(t, browser);
  await forgot.goto(`${app.url}/login?tenant=pb.demo&lang=en_IN`);
  await forgot.focus('#b-forgot');
  await forgot.keyboard.press('Enter');
  await visible(forgot, 's-forgot');
  await typeIn(forgot, '#mobile', '98765 44403');
  await check(forgot, 'forgot');
  await forgot.keyboard.press('Enter');
  await visible(forgot, 'f-reset');
  assert.match(await message(forgot, 'sent'), /9876544403/);
  assert.ok(await forgot.locator('#b-resend').isDisabled(), 'a new code must wait');
  assert.match(await forgot.locator('#b-resend').textContent(), /wait \d+ s/);
  const code = (await until(() => provider.received.find((m) => m.to === '919876544403' && m.fields.recipients[0].otp),
    30_000, 'the code SMS')).fields.recipients[0].otp;
  assert.match(code, /^\d{6}$/);
  const wrongCode = String((Number(code) + 1) % 1e6).padStart(6, '0');
  await typeIn(forgot, '#code', wrongCode);
  await typeIn(forgot, '#new2', 'green-tractor-field');
  await forgot.keyboard.press('Enter');
  await forgot.locator('#m-reset', { hasText: 'The code is not right' }).waitFor();
  await check(forgot, 'forgot-wrong-code');
  await forgot.fill('#code', '');
  await typeIn(forgot, '#code', code);
  await forgot.keyboard.press('Enter');
  await visible(forgot, 's-done');
  assert.match(await message(forgot, 'done-text'), /password is changed/);
  await check(forgot, 'forgot-done');
  assert.equal((await login(app, '9876544403', 'green-tractor-field')).status, 200);
  // Asking again at once: the page says to wait.
  await forgot.focus('#b-again');
  await forgot.keyboard.press('Enter');
  await forgot.focus('#b-forgot');
  await forgot.keyboard.press('Enter');
  await forgot.fill('#mobile', '9876544403');
  await forgot.focus('#b-send');
  await forgot.keyboard.press('Enter');
  await forgot.locator('#m-send', { hasText: /Wait \d+ seconds/ }).waitFor();
  await check(forgot, 'forgot-wait');

  // 5. A citizen registers, in Hindi: name and number, the code, a password; then signed in.
  const reg = await phone(t, browser);
  // She knows no tenant id: she chooses her office by name, with the keyboard, from the deployment's list.
  await reg.goto(`${app.url}/register?lang=hi_IN`);
  await reg.locator('#tenant2 option[value="pb"]').waitFor({ state: 'attached' });
  const offices = await reg.$$eval('#tenant2 option', (os) => os.map((o) => [o.value, o.parentElement.label || '']));
  assert.deepEqual(offices[0], ['', ''], 'nothing is chosen for her');
  assert.ok(offices.some(([id, group]) => id === 'pb' && group === 'Punjab'), JSON.stringify(offices));
  await reg.focus('#tenant2');
  await reg.keyboard.type('Punjab'); // a select's type-ahead, as a keyboard user chooses
  assert.equal(await reg.inputValue('#tenant2'), 'pb', 'the state, chosen with the keyboard');
  await typeIn(reg, '#name', 'Simran Kaur');
  await typeIn(reg, '#mobile', '9876544499');
  await check(reg, 'register');
  await reg.keyboard.press('Enter');
  await visible(reg, 'f-reset');
  const regCode = (await until(() => provider.received.find((m) => m.to === '919876544499' && m.fields.recipients[0].otp),
    30_000, 'the registration code SMS')).fields.recipients[0].otp;
  await check(reg, 'register-code');
  await typeIn(reg, '#code', regCode);
  await typeIn(reg, '#new2', 'mustard-fields-2026');
  await reg.keyboard.press('Enter');
  await visible(reg, 's-done');
  assert.match(await message(reg, 'done-text'), /Simran Kaur/);
  assert.ok(await reg.evaluate(() => sessionStorage.getItem('enrol.token')), 'signed in');
  await check(reg, 'register-done');
  const citizen = await login(app, '9876544499', 'mustard-fields-2026', 'pb', { userType: 'CITIZEN' });
  assert.equal(citizen.status, 200);
  assert.equal(citizen.body.UserRequest.locale, 'hi_IN');
});
