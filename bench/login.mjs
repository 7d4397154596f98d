// The login page as a person on a cheap phone gets it (BENCHMARKS.md, "The login page on a slow phone"):
// Chromium through the DevTools protocol with Network.emulateNetworkConditions (400 kbit/s down and up, 400 ms
// latency) and Emulation.setCPUThrottlingRate 4, a cold cache each run, against the real Worker under wrangler
// dev (its assets binding and _headers, as deployed). Per run: the bytes that came over the wire for each part of
// the page (encodedDataLength: headers and body) and the time from navigation until the password field can be
// typed into and the form is wired (phone.js sets data-ready when it has run). Prints each run and the medians.
//
//   node bench/login.mjs [runs=7]
import { chromium } from 'playwright-core';
import { spawnApp } from '../tests/helpers.mjs';

const RUNS = Number(process.argv[2] ?? 7);
const PATH = '/login?user=9876543210&tenant=pb.demo&lang=hi_IN';
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const app = await spawnApp(null);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'] });
const runs = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const urls = new Map();
    const parts = {};
    cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, new URL(e.response.url).pathname));
    cdp.on('Network.loadingFinished', (e) => {
      const name = urls.get(e.requestId) ?? '?';
      parts[name] = (parts[name] ?? 0) + e.encodedDataLength;
    });
    await page.goto(app.url + PATH, { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 60_000 });
    const ready = Number(await page.evaluate(() => document.body.dataset.ready));
    const typable = await page.evaluate(() => {
      const p = document.getElementById('password');
      return p.offsetParent !== null && !p.disabled;
    });
    await page.waitForTimeout(300); // any late request would count
    const total = Object.values(parts).reduce((a, b) => a + b, 0);
    runs.push({ ready, total, parts, typable });
    console.log(`run ${i + 1}: ready ${ready} ms, ${total} bytes`, JSON.stringify(parts));
    await context.close();
  }
} finally {
  await browser.close();
  app.stop();
}
const names = Object.keys(runs[0].parts);
console.log('\n| part | bytes transferred (median) |\n|---|---|');
for (const n of names) console.log(`| ${n} | ${median(runs.map((r) => r.parts[n] ?? 0))} |`);
console.log(`| **total** | **${median(runs.map((r) => r.total))}** (goal ≤ 50,000) |`);
console.log(`\ntime until the password field can be typed into, median of ${RUNS}: ${median(runs.map((r) => r.ready))} ms (goal < 3,000);` +
  ` runs: ${runs.map((r) => r.ready).join(', ')}; field visible and enabled in every run: ${runs.every((r) => r.typable)}`);
