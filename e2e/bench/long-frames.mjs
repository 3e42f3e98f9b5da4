// Which main-thread work makes a frame long during a jump: Chromium's Long Animation Frames API
// (frames over 50 ms, with the scripts that ran in them) while the app jumps one scenario ahead.
// The frame intervals of scenarios.mjs count every late frame, also one the page did not cause
// (the worker and the browser's own processes sharing the cores); this tells the two apart.
//
// Usage, after ./x build: node e2e/bench/long-frames.mjs [scenario name or `large`] [jump, e.g. 1h]
import { startServer } from '../support/server.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { openScenario } from './scenario_page.mjs';

const name = process.argv[2] ?? 'large';
const jump = process.argv[3] ?? '1h';
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const jumpMs = Number(jump.slice(0, -1)) * UNIT_MS[jump.at(-1)];

const server = await startServer();
const browser = await launchBrowser();
try {
  const { page } = await openScenario(browser, server.url, name);
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const f of list.getEntries()) {
        const scripts = f.scripts.map((s) => `${s.invoker} ${s.duration.toFixed(0)} ms`);
        window.__long.push({ ms: f.duration, scripts });
      }
    }).observe({ type: 'long-animation-frame' });
  });
  await page.locator('[data-testid="jump-input"]').fill(jump);
  const start = Date.now();
  await page.locator('[data-testid="jump-go"]').click();
  await page.locator(`[data-testid="sim-clock"][data-ms="${jumpMs}"]`).waitFor({ timeout: 900_000 });
  const wall = (Date.now() - start) / 1000;
  await page.waitForTimeout(1_000);
  const long = await page.evaluate(() => window.__long);
  console.log(`${name}: jump to ${jump} in ${wall.toFixed(2)} s; ${long.length} frames over 50 ms`);
  for (const f of long) console.log(`  ${f.ms.toFixed(0)} ms: ${f.scripts.join(', ') || 'no script (the browser)'}`);
} finally {
  await browser.close();
  await server.close();
}
