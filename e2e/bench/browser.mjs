// Browser benchmark (not a test): first render and frame times of the app in headless Chromium,
// for the README's performance section. Run after `./x build`:  node e2e/bench/browser.mjs
// It measures requestAnimationFrame intervals in the page while the simulation runs at 1x:
// everything the app does on the main thread (simulation, snapshots, DOM, charts) shows up as
// longer intervals. 60 fps is an interval of 16.7 ms. A phone run (390x844, touch, CPU slowed 4x)
// adds the renderer's resident memory. Then it times two "jump to" runs. Last, the engine at full
// stretch, once with the engine in its Web Worker and once in the page (`?debug=no-worker`, the
// fallback, which is how every run went before the worker): the largest bundled scenario at the
// top speed (frame intervals and simulated seconds per wall second) and a jump to one day of the
// default scenario (its wall time and the frame intervals while it runs).
// BENCH_HOSTS=worker (or page) measures one host only; BENCH_SECONDS sets the measuring window;
// BENCH_STRETCH_ONLY=1 runs only the full-stretch part.
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { startServer } from '../support/server.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { frameIntervals, frameSummary, percentile, startFrames, stopFrames, timedJump } from './frames.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

function linkFor(json) {
  return `#s=${deflateRawSync(Buffer.from(JSON.stringify(JSON.parse(json)))).toString('base64url')}`;
}

/** Resident memory of Chromium's renderer processes, in MB, the largest (one page is open). */
async function rendererMb() {
  const { readdir } = await import('node:fs/promises');
  let most = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer')) continue;
      const rss = (await readFile(`/proc/${pid}/status`, 'utf8')).match(/VmRSS:\s+(\d+) kB/);
      if (rss) most = Math.max(most, Number(rss[1]) / 1024);
    } catch {
      // The process ended while being read.
    }
  }
  return most;
}

const LAPTOP = { viewport: { width: 1440, height: 900 } };
/** A student's phone: 390x844 at 3x pixels, touch, and the CPU slowed 4x (DevTools throttling). */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3, cpuSlowdown: 4 };

/**
 * First render and frame intervals at 1x of the page at `url` on `device`; on a slowed CPU (a
 * phone) also the renderer's resident memory after the frames.
 */
async function measure(browser, url, label, { cpuSlowdown, ...device } = LAPTOP) {
  const context = await browser.newContext(device);
  // The first-run tour would cover the page: start as if it had been dismissed.
  await context.addInitScript(() => localStorage.setItem('shardplay.tour', 'skipped'));
  const page = await context.newPage();
  if (cpuSlowdown) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
  }
  const start = Date.now();
  await page.goto(url);
  await page.locator('[data-testid="app"][data-ready="true"]').waitFor({ timeout: 120_000 });
  const firstRender = Date.now() - start;
  await page.waitForTimeout(2_000); // warm up: caches, first charts
  const intervals = await frameIntervals(page, SECONDS);
  const simMs = Number(await page.locator('[data-testid="sim-clock"]').getAttribute('data-ms'));
  const memory = cpuSlowdown ? await rendererMb() : undefined;
  await context.close();
  return {
    label,
    firstRender,
    frames: intervals.length,
    p50: percentile(intervals, 0.5),
    p95: percentile(intervals, 0.95),
    max: Math.max(...intervals),
    simMs,
    memory,
  };
}

/** Wall time of a "jump to" `text` (headless, in 32 ms slices per frame) on the page at `url`. */
async function jump(browser, url, text, targetMs) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  await page.locator('[data-testid="app"][data-ready="true"]').waitFor({ timeout: 60_000 });
  const wall = await timedJump(page, text, targetMs);
  await page.close();
  return wall * 1000;
}

/**
 * The engine at full stretch on `host` ('worker' or 'page'): the largest bundled scenario at
 * 3,600x, and a jump to one day of the default scenario, with the frames the page drew meanwhile.
 */
async function stretch(browser, base, host, largestJson) {
  const query = host === 'page' ? '?debug=no-worker' : '';
  const context = await browser.newContext(LAPTOP);
  await context.addInitScript(() => localStorage.setItem('shardplay.tour', 'skipped'));
  const page = await context.newPage();
  await page.goto(base + query + linkFor(largestJson));
  await page.locator('[data-testid="app"][data-ready="true"]').waitFor({ timeout: 120_000 });
  await page.locator('[data-testid="speed"]').selectOption('3600');
  await page.waitForTimeout(2_000);
  const clock = async () => Number(await page.locator('[data-testid="sim-clock"]').getAttribute('data-ms'));
  const [sim0, wall0] = [await clock(), Date.now()];
  const intervals = await frameIntervals(page, SECONDS);
  const rate = (await clock() - sim0) / (Date.now() - wall0);
  const overlay = await perfOverlay(page);

  await page.goto(base + query);
  await page.locator('[data-testid="app"][data-ready="true"]').waitFor({ timeout: 120_000 });
  await startFrames(page);
  const jumpWall = (await timedJump(page, '1d', 86_400_000)) * 1000;
  const jumpFrames = await stopFrames(page);
  await context.close();
  return { host, intervals, rate, overlay, jumpWall, jumpFrames };
}

/** The debug overlay's line (D toggles it), read after it has measured for a second. */
async function perfOverlay(page) {
  await page.keyboard.press('d');
  await page.waitForTimeout(1_200);
  const text = (await page.locator('[data-testid="perf-overlay"]').textContent()).trim();
  await page.keyboard.press('d');
  return text;
}

const server = await startServer();
const browser = await launchBrowser();
try {
  if (!process.env.BENCH_STRETCH_ONLY) {
    const large = await readFile(new URL('../../sim-core/benches/large.json', import.meta.url), 'utf8');
    const results = [
      await measure(browser, server.url, 'default scenario, 1x'),
      await measure(browser, server.url + linkFor(large), 'large (1,000 shards, 800k rec/s), 1x'),
      await measure(browser, server.url, 'default scenario, phone (4x CPU), 1x', PHONE),
    ];
    console.log(`frame intervals over ${SECONDS} s (60 fps = 16.7 ms)`);
    for (const r of results) {
      console.log(
        `${r.label.padEnd(40)} first render ${String(r.firstRender).padStart(5)} ms  ` +
          `frames ${String(r.frames).padStart(4)}  p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms  ` +
          `max ${r.max.toFixed(1)} ms  simulated ${(r.simMs / 1000).toFixed(1)} s` +
          (r.memory ? `  renderer ${r.memory.toFixed(0)} MB` : ''),
      );
    }
    const day = await jump(browser, server.url, '1d', 86_400_000);
    console.log(`jump to 1d, default scenario: ${(day / 1000).toFixed(1)} s wall`);
    const hour = await jump(browser, server.url + linkFor(large), '10m', 600_000);
    console.log(`jump to 10m, large: ${(hour / 1000).toFixed(1)} s wall`);
  }
  const largest = await readFile(new URL('../../scenarios/shared-vs-fan-out.json', import.meta.url), 'utf8');
  const hosts = (process.env.BENCH_HOSTS ?? 'worker,page').split(',');
  console.log('\nthe engine at full stretch (largest bundled scenario, shared-vs-fan-out, 14 nodes)');
  for (const host of hosts) {
    const r = await stretch(browser, server.url, host, largest);
    console.log(
      `${`engine in the ${host}`.padEnd(21)} largest at 3600x: ${frameSummary(r.intervals)}, ` +
        `${r.rate.toFixed(0)} simulated s per wall s\n${''.padEnd(21)} jump to 1d, default: ` +
        `${(r.jumpWall / 1000).toFixed(2)} s wall, ${frameSummary(r.jumpFrames)}\n${''.padEnd(21)} overlay: ${r.overlay}`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}
