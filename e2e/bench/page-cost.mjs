// What the page's main thread spends on the views the engine's worker posts, while one scenario
// plays at the top speed: a Chrome trace over a few seconds, summed by kind of work in the page's
// main thread, in *thread CPU time* (`tdur`). Wall durations of the same tasks grow with whatever
// else runs on the machine (the worker, another build); CPU time hardly does, so two builds can be
// compared on a busy 2-core machine. The figure to bring down for big pipelines is the page's
// milliseconds per message (a view, chart series, slice timings) and how they split between
// script (handling the message, then the Leptos effects it sets off) and rendering.
//
// Usage, after ./x build: node e2e/bench/page-cost.mjs [scenario name or `large`] [seconds]
//   SHARDPLAY_DIST=<dir> measures another build.
import { startServer } from '../support/server.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { openScenario } from './scenario_page.mjs';
import { traceMainThread } from './trace.mjs';

const name = process.argv[2] ?? 'large';
const seconds = Number(process.argv[3] ?? 5);

// Trace events (Chromium's names) by what they are for the page.
const KINDS = {
  script: ['HandlePostMessage', 'RunMicrotasks', 'FireAnimationFrame', 'TimerFire', 'EventDispatch'],
  style: ['UpdateLayoutTree'],
  layout: ['Layout'],
  paint: ['PrePaint', 'Paint', 'Layerize', 'Commit'],
  gc: ['MinorGC', 'MajorGC'],
};

const server = await startServer();
const browser = await launchBrowser();
try {
  const { context, page } = await openScenario(browser, server.url, name);
  await page.locator('[data-testid="speed"]').selectOption('3600');
  await page.waitForTimeout(2_000);

  const { main, messages } = await traceMainThread(context, page, () => page.waitForTimeout(seconds * 1_000));
  const cpu = (names) => main
    .filter((e) => names.includes(e.name))
    .reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1_000;
  const all = cpu(['RunTask']);
  const parts = Object.entries(KINDS).map(([kind, names]) => `${kind} ${(cpu(names) / messages).toFixed(1)}`);
  console.log(
    `${name} at 3600x, ${seconds} s: ${messages} messages; the page's main thread ` +
      `${(all / seconds / 10).toFixed(0)}% busy (CPU time), ${(all / messages).toFixed(1)} ms per message ` +
      `(${parts.join(', ')})`,
  );
} finally {
  await browser.close();
  await server.close();
}
