// The engine runs in a dedicated Web Worker (app/src/worker.rs), the page only sends commands and
// renders what comes back; where no worker starts, the page runs the same engine itself. Both give
// the same numbers for the same scenario and seed, and a jump in the worker leaves the page free.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close, server;
before(async () => ({ app, close, server } = await openApp()));
after(() => close?.());

const WORKER_SCRIPT = /public\/engine-worker\.js\?/;

async function figuresAfterJump(url, text, ms) {
  await app.page.goto(url);
  await app.waitReady();
  await app.jumpTo(text);
  await app.page.locator(`[data-testid="sim-clock"][data-ms="${ms}"]`).waitFor({ timeout: 60_000 });
  return app.figures();
}

test('the engine runs in a worker, and the page host gives the very same numbers', { timeout: 120_000 }, async () => {
  const inWorker = await figuresAfterJump(server.url, '10m', 600_000);
  const workers = app.page.workers().map((w) => w.url());
  assert.ok(workers.some((u) => WORKER_SCRIPT.test(u)), `an engine worker runs: ${workers}`);
  assert.ok(inWorker['total-produced'] > 1_000_000, 'ten minutes of 2,000 records/s');

  const inPage = await figuresAfterJump(`${server.url}?debug=no-worker`, '10m', 600_000);
  assert.deepEqual(app.page.workers().map((w) => w.url()).filter((u) => WORKER_SCRIPT.test(u)), []);
  assert.deepEqual(inWorker, inPage, 'same scenario and seed, same numbers in the worker and in the page');
  assert.deepEqual(app.errors, []);
});

test('when the worker cannot load, the page runs the engine itself', { timeout: 60_000 }, async () => {
  await app.page.route(WORKER_SCRIPT, (route) => route.fulfill({ status: 404, body: 'not here' }));
  try {
    await app.page.goto(server.url);
    await app.waitReady();
    const first = await app.waitForSimMsAbove(0);
    await app.waitForSimMsAbove(first);
    assert.ok((await app.stat('total-produced')) > 0, 'the run goes on in the page');
  } finally {
    await app.page.unroute(WORKER_SCRIPT);
  }
});

test('during a long jump in the worker the page keeps drawing and Cancel stops it', { timeout: 120_000 }, async () => {
  await app.page.goto(server.url);
  await app.waitReady();
  // Frame intervals on the page while the worker jumps.
  await app.page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const frame = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (!window.__framesStop) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  await app.jumpTo('60d');
  await app.testId('jump-progress').waitFor();
  // Two simulated days: a few seconds of the worker's time (one hour went by in under 0.1 s
  // once throttled retries stopped costing what they did, too short to count frames in).
  await app.waitForSimMsAbove(2 * 86_400_000, 60_000);
  const frames = await app.page.evaluate(() => {
    window.__framesStop = true;
    return window.__frames;
  });
  // Not a timing test: only that the page was not starved (it drew many frames meanwhile).
  assert.ok(frames.length > 10, `the page drew ${frames.length} frames during the jump`);
  await app.testId('jump-cancel').click();
  await app.testId('jump-progress').waitFor({ state: 'detached' });
  assert.match(await app.noticeText(), /Jump cancelled at/);
});
