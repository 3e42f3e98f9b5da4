// Every bundled scenario and `large` in the browser, beside the native CLI (a benchmark, not a
// test; issue #23's figures). Run after `./x build` and `cargo build --release -p shardplay-cli`:
//   node e2e/bench/scenarios.mjs
// For each scenario:
//   native    wall seconds of `shardplay run --duration <BENCH_JUMP>` (release CLI, one core);
//   jump      seconds of the app's "jump to" the same time (the engine in its worker, as fast as
//             it goes), timed in the page from the click on Go to the clock showing the
//             destination; the ratio to native, and the page's frames meanwhile;
//   3600x     the page's frames over BENCH_SECONDS at the top speed, and simulated seconds per
//             wall second there (capped at 3,600 by the speed itself).
// Then Cancel's latency during a jump of `large` (five tries); and on the default scenario, the
// first frame with live figures and the clock's first tick after navigation, then ten "How
// sure?" seeds, "Compare with Amazon MSK", "Compare capacity modes" and an auto-size of the
// stream on the planning workers, each with its wall time and the page's frames meanwhile.
// BENCH_JUMP (default 1h), BENCH_SECONDS (default 3), BENCH_ONLY (a comma list of names; `none`
// for the default scenario's figures only), BENCH_PAGE=1 (everything in the page, no worker),
// SHARDPLAY_CLI (default target/release/shardplay).
import { execFileSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { startServer } from '../support/server.mjs';
import { launchBrowser } from '../support/browser.mjs';
import { frameIntervals, percentile, startFrames, stopFrames, timedJump } from './frames.mjs';

const JUMP = process.env.BENCH_JUMP ?? '1h';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ONLY = process.env.BENCH_ONLY?.split(',');
/** BENCH_PAGE=1: the engine and the planning in the page (`?debug=no-worker`), for comparison. */
const QUERY = process.env.BENCH_PAGE ? '?debug=no-worker' : '';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = process.env.SHARDPLAY_CLI ?? `${process.env.CARGO_TARGET_DIR ?? `${ROOT}target`}/release/shardplay`;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const jumpMs = Number(JUMP.slice(0, -1)) * UNIT_MS[JUMP.at(-1)];

const linkFor = (json) => `#s=${deflateRawSync(Buffer.from(JSON.stringify(JSON.parse(json)))).toString('base64url')}`;
const frames = (intervals) => `${percentile(intervals, 0.95).toFixed(1)} / ${Math.max(...intervals).toFixed(0)}`;

/** Wall seconds of the native CLI running `file` for the jump's simulated time. */
function native(file) {
  const start = process.hrtime.bigint();
  execFileSync(CLI, ['run', file, '--duration', JUMP, '--out', '/dev/null']);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function open(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('shardplay.tour', 'skipped'));
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('[data-testid="app"][data-ready="true"]').waitFor({ timeout: 120_000 });
  return { page, close: () => context.close() };
}

const clock = async (page) => Number(await page.locator('[data-testid="sim-clock"]').getAttribute('data-ms'));

/** The jump's wall seconds and frames, then the frames and rate at 3,600x, on the page at `url`. */
async function inBrowser(browser, url) {
  const { page, close } = await open(browser, url);
  await startFrames(page);
  const jumpS = await timedJump(page, JUMP, jumpMs);
  const jumpFrames = await stopFrames(page);
  await page.locator('[data-testid="speed"]').selectOption('3600');
  // A jump ends paused: play on from there.
  const play = page.locator('[data-testid="play-pause"]');
  if ((await play.getAttribute('aria-pressed')) !== 'true') await play.click();
  await page.waitForTimeout(1_000);
  const [sim0, wall0] = [await clock(page), Date.now()];
  const fast = await frameIntervals(page, SECONDS);
  const rate = (await clock(page) - sim0) / (Date.now() - wall0);
  await close();
  return { jumpS, jumpFrames, fast, rate };
}

/**
 * Milliseconds from a click on Cancel to the jump's progress bar gone, during a jump to `to` of
 * the page at `url` (started, then cancelled once it has run for `afterMs`).
 */
async function cancelJump(browser, url, to, afterMs) {
  const { page, close } = await open(browser, url);
  await page.locator('[data-testid="jump-input"]').fill(to);
  await page.locator('[data-testid="jump-go"]').click();
  await page.locator('[data-testid="jump-progress"]').waitFor();
  await page.waitForTimeout(afterMs);
  // Timed in the page: from the click's dispatch to the bar leaving the DOM.
  const ms = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const start = performance.now();
        new MutationObserver((_, observer) => {
          if (!document.querySelector('[data-testid="jump-progress"]')) {
            observer.disconnect();
            resolve(performance.now() - start);
          }
        }).observe(document.body, { subtree: true, childList: true });
        document.querySelector('[data-testid="jump-cancel"]').click();
      }),
  );
  await close();
  return ms;
}

/** Milliseconds from navigation to the first live frame and to the clock's first tick. */
async function firstFrame(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() => {
    localStorage.setItem('shardplay.tour', 'skipped');
    window.__first = {};
    new MutationObserver(() => {
      const f = window.__first;
      if (f.ready === undefined && document.querySelector('[data-testid="app"][data-ready="true"]')) f.ready = performance.now();
      const ms = Number(document.querySelector('[data-testid="sim-clock"]')?.dataset.ms ?? 0);
      if (f.clock === undefined && ms > 0) f.clock = performance.now();
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__first.clock !== undefined, null, { timeout: 60_000 });
  const first = await page.evaluate(() => window.__first);
  await context.close();
  return first;
}

/** Wall seconds of a planning action (click `start`, wait for `done`) and the page's frames. */
async function planning(browser, url, prepare, start, done) {
  const { page, close } = await open(browser, url);
  await prepare(page);
  await startFrames(page);
  const t0 = Date.now();
  await page.locator(`[data-testid="${start}"]`).click();
  await page.locator(`[data-testid="${done}"]`).waitFor({ timeout: 600_000 });
  const wall = (Date.now() - t0) / 1000;
  const intervals = await stopFrames(page);
  const runner = await page.locator('[data-testid="replications"]').getAttribute('data-runner');
  await close();
  return { wall, intervals, runner };
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const scenarios = [];
  for (const name of (await readdir(`${ROOT}scenarios`)).sort()) {
    if (name.endsWith('.json')) scenarios.push([name.slice(0, -5), `${ROOT}scenarios/${name}`]);
  }
  scenarios.push(['large', `${ROOT}sim-core/benches/large.json`]);
  console.log(`| scenario | native ${JUMP} | browser jump ${JUMP} | browser / native | frames p95 / max during the jump (ms) | frames p95 / max at 3600x (ms) | simulated s per wall s at 3600x |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, file] of scenarios) {
    if (ONLY && !ONLY.includes(name)) continue;
    const nativeS = native(file);
    const b = await inBrowser(browser, server.url + QUERY + linkFor(await readFile(file, 'utf8')));
    console.log(
      `| ${name} | ${nativeS.toFixed(2)} s | ${b.jumpS.toFixed(2)} s | ${(b.jumpS / nativeS).toFixed(2)}x | ` +
        `${frames(b.jumpFrames)} | ${frames(b.fast)} | ${b.rate.toFixed(0)} |`,
    );
  }
  const large = await readFile(`${ROOT}sim-core/benches/large.json`, 'utf8');
  const cancels = [];
  for (let i = 0; i < 5; i++) cancels.push(await cancelJump(browser, server.url + QUERY + linkFor(large), '1h', 1_000 + 300 * i));
  console.log(`\nCancel during a jump of large: ${cancels.map((ms) => ms.toFixed(0)).join(', ')} ms from the click to the jump gone`);
  const base = server.url + QUERY;
  const first = await firstFrame(browser, base);
  console.log(`\ndefault scenario: first live frame ${first.ready.toFixed(0)} ms, clock running ${first.clock.toFixed(0)} ms after navigation`);
  const seeds = await planning(
    browser,
    base,
    (page) => page.locator('[data-testid="replications-count"]').fill('10'),
    'replications-start',
    'replications-table',
  );
  console.log(`10 seeds (${seeds.runner}): ${seeds.wall.toFixed(2)} s wall, page frames p95 / max ${frames(seeds.intervals)} ms`);
  const compare = await planning(browser, base, async () => {}, 'compare-services', 'service-table');
  console.log(`Compare with Amazon MSK: ${compare.wall.toFixed(2)} s wall, page frames p95 / max ${frames(compare.intervals)} ms`);
  const modes = await planning(browser, base, async () => {}, 'compare-modes', 'compare-monthly-provisioned');
  console.log(`Compare capacity modes: ${modes.wall.toFixed(2)} s wall, page frames p95 / max ${frames(modes.intervals)} ms`);
  const sized = await planning(
    browser,
    base,
    (page) => page.locator('[data-testid="node-events"]').click({ position: { x: 60, y: 30 } }),
    'autosize-start',
    'autosize-result',
  );
  console.log(`Auto-size the stream: ${sized.wall.toFixed(2)} s wall, page frames p95 / max ${frames(sized.intervals)} ms`);
} finally {
  await browser.close();
  await server.close();
}
