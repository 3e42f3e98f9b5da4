// Where the long frames of a jump go: a Chrome trace of the page's main thread while the app
// jumps one scenario to one hour, listing each task over 30 ms of wall time with its CPU time and
// what it did (the trace events inside it, by total wall time).
// Usage, after ./x build: node e2e/bench/jump-trace.mjs [scenario] [jump, e.g. 1h]
import { startServer } from '../support/server.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { openScenario } from './scenario_page.mjs';

const name = process.argv[2] ?? 'lesson-polling';
const jump = process.argv[3] ?? '1h';
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const jumpMs = Number(jump.slice(0, -1)) * UNIT_MS[jump.at(-1)];

const server = await startServer();
const browser = await launchBrowser();
try {
  const { context, page } = await openScenario(browser, server.url, name);
  await page.waitForTimeout(1_000);
  const cdp = await context.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing',
    transferMode: 'ReportEvents',
  });
  await page.locator('[data-testid="jump-input"]').fill(jump);
  await page.locator('[data-testid="jump-go"]').click();
  await page.locator(`[data-testid="sim-clock"][data-ms="${jumpMs}"]`).waitFor({ timeout: 600_000 });
  await page.waitForTimeout(500);
  await cdp.send('Tracing.end');
  await complete;

  const threadName = new Map();
  for (const e of events) if (e.name === 'thread_name') threadName.set(`${e.pid}:${e.tid}`, e.args.name);
  const main = events.filter((e) => threadName.get(`${e.pid}:${e.tid}`) === 'CrRendererMain' && e.ph === 'X');
  const tasks = main.filter((e) => e.name === 'RunTask' && e.dur > 30_000);
  const t0 = Math.min(...main.map((e) => e.ts));
  for (const t of tasks) {
    const inside = main.filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur);
    const by = new Map();
    for (const e of inside) by.set(e.name, (by.get(e.name) ?? 0) + e.dur);
    const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 8)
      .map(([n, d]) => `${n} ${(d / 1000).toFixed(1)}`).join(', ');
    console.log(`at ${((t.ts - t0) / 1000).toFixed(0)} ms: ${(t.dur / 1000).toFixed(1)} ms wall, ` +
      `${((t.tdur ?? 0) / 1000).toFixed(1)} ms CPU: ${top}`);
  }
  console.log(`${tasks.length} tasks over 30 ms`);
} finally {
  await browser.close();
  await server.close();
}
