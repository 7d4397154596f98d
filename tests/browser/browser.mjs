// Debian's Chromium, driven by playwright-core (a browser download is impossible on these machines).
import { chromium } from 'playwright-core';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A headless Chromium that closes when the test `t` ends. */
export async function launch(t) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  t.after(() => browser.close());
  return browser;
}
