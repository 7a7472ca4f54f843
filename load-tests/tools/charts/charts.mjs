// Saves the charts of a Gatling HTML report as PNG images, using Debian's Chromium.
// Usage: node charts.mjs REPORT_DIR OUT_DIR NAME_PREFIX [CHROMIUM]
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

// Container ids in Gatling 3.15's index.html, and the file name each chart is saved under.
const CHARTS = [
  ['UserStartRateContainerId', 'user-start-rate'],
  ['RequestsContainerId', 'requests-per-second'],
  ['ResponsesContainerId', 'responses-per-second'],
  ['ResponseTimeDistributionContainerId', 'response-time-distribution'],
  ['ResponseTimeContainerId', 'response-time-percentiles'],
];

const [reportDir, outDir, prefix, executable = '/usr/bin/chromium'] = process.argv.slice(2);
if (!reportDir || !outDir || !prefix) {
  console.error('usage: node charts.mjs REPORT_DIR OUT_DIR NAME_PREFIX [CHROMIUM]');
  process.exit(2);
}
const index = path.resolve(reportDir, 'index.html');
if (!existsSync(index)) {
  console.error(`charts: no Gatling report at ${index}`);
  process.exit(2);
}
await mkdir(outDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: executable,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  timeout: 30_000,
});
try {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  await page.goto('file://' + index, { timeout: 30_000 });
  let saved = 0;
  for (const [id, name] of CHARTS) {
    const chart = page.locator(`#${id}`);
    if ((await chart.count()) === 0) {
      console.error(`charts: ${id} not in this report; skipped`);
      continue;
    }
    // Highcharts draws into an SVG once the page's scripts ran; animations are short.
    await chart.locator('svg').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1_500);
    const file = path.join(outDir, `${prefix}-${name}.png`);
    await chart.scrollIntoViewIfNeeded();
    await chart.screenshot({ path: file, timeout: 15_000 });
    console.log(`charts: ${file}`);
    saved++;
  }
  if (saved === 0) {
    console.error('charts: no chart found');
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}
