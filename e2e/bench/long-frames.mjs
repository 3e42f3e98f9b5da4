// Which main-thread work makes a frame long during a jump: Chromium's Long Animation Frames API
// (frames over 50 ms, with the scripts that ran in them) while the app jumps one scenario ahead.
// The frame intervals of scenarios.mjs count every late frame, also one the page did not cause
// (the worker and the browser's own processes sharing the cores); this tells the two apart. Then
// each main-thread task over 30 ms of wall time, from a trace, with its CPU time and the work
// inside it: a task long in wall time but short in CPU time is the page waiting for a core.
//
// Usage, after ./x build: node e2e/bench/long-frames.mjs [scenario name or `large`] [jump, e.g. 1h]
import { startServer } from '../support/server.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { openScenario } from './scenario_page.mjs';
import { traceMainThread } from './trace.mjs';
import { timedJump } from './frames.mjs';

const name = process.argv[2] ?? 'large';
const jump = process.argv[3] ?? '1h';
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const jumpMs = Number(jump.slice(0, -1)) * UNIT_MS[jump.at(-1)];

const server = await startServer();
const browser = await launchBrowser();
try {
  const { context, page } = await openScenario(browser, server.url, name);
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const f of list.getEntries()) {
        const scripts = f.scripts.map((s) => `${s.invoker} ${s.duration.toFixed(0)} ms`);
        window.__long.push({ ms: f.duration, scripts });
      }
    }).observe({ type: 'long-animation-frame' });
  });
  let wall = 0;
  const { main } = await traceMainThread(context, page, async () => {
    wall = await timedJump(page, jump, jumpMs);
    await page.waitForTimeout(1_000);
  });
  const long = await page.evaluate(() => window.__long);
  console.log(`${name}: jump to ${jump} in ${wall.toFixed(2)} s; ${long.length} frames over 50 ms`);
  for (const f of long) console.log(`  ${f.ms.toFixed(0)} ms: ${f.scripts.join(', ') || 'no script (the browser)'}`);
  const tasks = main.filter((e) => e.name === 'RunTask' && e.dur > 30_000);
  console.log(`${tasks.length} main-thread tasks over 30 ms of wall time:`);
  for (const t of tasks) {
    const inside = new Map();
    for (const e of main) {
      if (e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur) inside.set(e.name, (inside.get(e.name) ?? 0) + e.dur);
    }
    const top = [...inside].sort((a, b) => b[1] - a[1]).slice(0, 6)
      .map(([n, d]) => `${n} ${(d / 1000).toFixed(1)}`).join(', ');
    console.log(`  ${(t.dur / 1000).toFixed(1)} ms wall, ${((t.tdur ?? 0) / 1000).toFixed(1)} ms CPU: ${top}`);
  }
} finally {
  await browser.close();
  await server.close();
}
