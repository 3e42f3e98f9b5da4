// Auto-size from the inspector: the default scenario's stream throttles (a hot key on 2 shards);
// Auto-size searches its shard count in slices while the page keeps running, lists every
// candidate with its monthly cost and why it fails, and applying the winner is one undoable
// edit after which the throttling stops.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

const STREAM = 1; // node index of the default scenario's stream
let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

/** Throttled writes over the next `spanMs` of simulated time. */
async function throttledOver(spanMs) {
  const t0 = await app.simMs();
  const c0 = await app.counter('throttled', STREAM);
  await app.waitForSimMsAbove(t0 + spanMs, 60_000);
  return (await app.counter('throttled', STREAM)) - c0;
}

test('auto-sizing a throttling stream lists its candidates and applying the winner stops the throttling', { timeout: 180_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.setSpeed(10);
  await app.waitForSimMsAbove(5_000);
  assert.ok((await throttledOver(5_000)) > 0, 'the stream throttles as given');

  await app.testId('node-events').click({ position: { x: 60, y: 30 } });
  await app.testId('autosize-start').click();
  const result = app.testId('autosize-result');
  await result.waitFor({ timeout: 120_000 });
  assert.match(await result.textContent(), /events\.capacity 5 shards at \$\d+\.\d\d a month/);
  const rows = app.testId('autosize-candidates').locator('tbody tr');
  assert.ok((await rows.count()) >= 3, 'every candidate tried is listed');
  const table = await app.testId('autosize-candidates').textContent();
  assert.match(table, /4 shards.*write attempts refused/s, 'the next cheaper candidate says why it fails');
  assert.match(await app.testId('autosize-formula').textContent(), /classic formula's \d shards would see [\d,]+ write attempts refused/);
  await app.screenshot('autosize');

  await app.testId('autosize-apply').click();
  await app.page.waitForFunction(() => document.querySelector('[data-testid="shards-1"]')?.textContent.trim() === '5');
  await app.waitForSimMsAbove((await app.simMs()) + 5_000, 60_000);
  assert.equal(await throttledOver(10_000), 0, 'no write is throttled at the planner\'s size');

  await app.undo();
  await app.page.waitForFunction(() => document.querySelector('[data-testid="shards-1"]')?.textContent.trim() === '2');
});

test('the search on a planning worker lists the page\'s own candidates, and Cancel stops it', { timeout: 240_000 }, async () => {
  const { onWorkers, inPage } = await app.onWorkersAndInPage(async () => {
    await app.testId('node-events').click({ position: { x: 60, y: 30 } });
    await app.testId('autosize-start').click();
    await app.testId('autosize-result').waitFor({ timeout: 120_000 });
    return app.testId('autosize').locator('.autosize-headline, .autosize-formula, table').allTextContents();
  });
  assert.match(onWorkers[0], /^Cheapest that meets every objective: events\.capacity/);
  assert.deepEqual(onWorkers, inPage, 'the same search, wherever it ran');

  await app.page.goto(app.url);
  await app.waitReady();
  await app.testId('node-events').click({ position: { x: 60, y: 30 } });
  await app.testId('autosize-start').click();
  await app.testId('autosize-status').waitFor();
  assert.match(await app.testId('autosize-status').textContent(), /^(starting on a worker beside the live run|run \d+: events\.capacity .+) Cancel$/);
  await app.testId('autosize-cancel').click();
  await app.testId('autosize-status').waitFor({ state: 'detached' });
  assert.equal(await app.testId('autosize-result').count(), 0);
  assert.equal(await app.workersSettleAt(1), 1, 'the planner ended on Cancel');
});
