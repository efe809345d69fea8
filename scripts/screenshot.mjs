// A full-page PNG of an HTML file in headless Chromium (Debian's chromium, driven by
// playwright-core; no browser is downloaded), 1200 px wide.
// Usage: node scripts/screenshot.mjs PAGE.html OUT.png
// The flags keep Chromium off the network (see test/helpers/chromium.ts); a console
// error on the page fails the run, so a screenshot never shows a broken page.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [page, out] = process.argv.slice(2);
if (!page || !out) {
  console.error('usage: node scripts/screenshot.mjs PAGE.html OUT.png');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  tab.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  tab.on('pageerror', (e) => errors.push(e.message));
  await tab.goto(pathToFileURL(resolve(page)).href, { waitUntil: 'load' });
  if (errors.length > 0) throw new Error(`${page}: ${errors.join('; ')}`);
  await tab.screenshot({ path: out, fullPage: true });
} finally {
  await browser.close();
}
