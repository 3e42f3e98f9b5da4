// The live view of a hot shard, and runtime interventions from the panel of the selected node:
// the Zipf scenario shows one red shard and a rising WriteProvisionedThroughputExceeded count;
// splitting the busiest shard from the panel lowers it (twice ends it); MergeShards refuses
// shards that are not adjacent and the Events list says why; prefers-reduced-motion removes
// the particles and keeps every number.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

const STREAM = 1; // node index of the Zipf scenario's stream
let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

/** Throttled writes per simulated second over the next `spanMs` of simulated time. */
async function throttledPerSecond(spanMs) {
  const t0 = await app.simMs();
  const c0 = await app.counter('throttled', STREAM);
  // The clock and the counter come from the same published snapshot.
  const t1 = await app.waitForSimMsAbove(t0 + spanMs, 60_000);
  const c1 = await app.counter('throttled', STREAM);
  return ((c1 - c0) / (t1 - t0)) * 1000;
}

async function splitBusiestShard() {
  const select = app.testId('split-shard-select');
  const shard = await select.inputValue();
  const label = await select.locator(`option[value="${shard}"]`).textContent();
  assert.match(label, /throttling/, `the busiest shard is preselected: ${label}`);
  await app.testId('split-shard').click();
  await app.waitForEvent(`SplitShard: shard ${shard} closed`);
  // Let the children take the traffic before measuring.
  await app.waitForSimMsAbove((await app.simMs()) + 10_000, 60_000);
}

test('one red shard, a rising throttle count; splitting it from the panel lowers it', { timeout: 180_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('A hot shard from skewed keys (Zipf)');
  await app.setSpeed(10);
  await app.waitForSimMsAbove(30_000, 60_000);

  const card = app.testId('node-orders-stream');
  assert.equal(await card.locator('.shard-cell').count(), 6, 'a cell per shard');
  assert.equal(await card.locator('.shard-cell.health-failing').count(), 1, 'exactly one shard is red');
  const first = await app.counter('throttled', STREAM);
  assert.ok(first > 0, 'the stream card counts throttled writes');
  await app.waitForSimMsAbove((await app.simMs()) + 3_000);
  assert.ok((await app.counter('throttled', STREAM)) > first, 'and the count rises');
  assert.ok(Number(await app.testId('backlog').first().getAttribute('data-fill')) > 0, 'retries wait on the wire');

  const before = await throttledPerSecond(30_000);
  await app.selectNode('orders-stream');
  await app.testId('interventions').waitFor();
  await splitBusiestShard();
  const afterOne = await throttledPerSecond(30_000);
  assert.ok(afterOne < before, `one split lowers throttling: ${afterOne.toFixed(0)}/s < ${before.toFixed(0)}/s`);

  // The hot key's child is now the busiest shard: split it too.
  await splitBusiestShard();
  assert.equal(await throttledPerSecond(20_000), 0, 'two splits end the throttling');
  assert.equal(await card.locator('.shard-cell.health-failing').count(), 0, 'no red shard left');
  assert.equal(await card.locator('.shard-cell').count(), 8);
  assert.deepEqual(app.errors, []);
});

test('MergeShards refuses shards that are not adjacent, and says why', { timeout: 90_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('A hot shard from skewed keys (Zipf)');
  await app.pause();
  await app.selectNode('orders-stream');
  await app.testId('merge-shard-a').selectOption('0');
  await app.testId('merge-shard-b').selectOption('2');
  await app.testId('merge-shards').click();
  const events = await app.waitForEvent('refused');
  assert.match(events, /shards 0 and 2 are not adjacent/);
  await app.testId('merge-shard-b').selectOption('1');
  await app.testId('merge-shards').click();
  await app.waitForEvent('MergeShards: shards 0 and 1 closed; shard 6 opened');
  assert.equal(await app.testId('node-orders-stream').locator('.shard-cell').count(), 5);

  // UpdateShardCount is the inspector's shard count, live.
  const shards = app.testId('param-capacity-shards');
  await shards.fill('10');
  await shards.press('Enter');
  await app.waitForEvent('UpdateShardCount: 5 → 10 open shards');
});

test('a producer\'s rate changes from the inspector while it runs', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  // The editor restores the last document on reload: open the default scenario again.
  await app.openScenario('Clickstream with a hot partition key');
  await app.selectNode('clicks');
  const field = app.testId('param-records_per_s');
  await field.fill('500');
  await field.press('Enter');
  await app.waitForSimMsAbove((await app.simMs()) + 2_500);
  await app.page.waitForFunction(
    () => Math.abs(Number(document.querySelector('[data-testid="stat-incoming"]')?.dataset.value) - 500) < 150,
    null,
    { timeout: 20_000 },
  );
});

test('particles follow the flow, and reduced motion removes them but keeps the numbers', { timeout: 90_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('Clickstream with a hot partition key');
  await app.waitForStatAbove('total-produced', 0);
  const wire = app.page.locator('[data-testid="wire-decor"]').first();
  await app.page.waitForFunction(
    () => Number(document.querySelector('[data-testid="wire-decor"]')?.dataset.particles) > 0,
    null,
    { timeout: 20_000 },
  );
  assert.ok((await wire.locator('circle.particle').count()) > 0);

  const still = await openApp({ reducedMotion: 'reduce' });
  try {
    await still.app.goto();
    await still.app.waitReady();
    await still.app.waitForStatAbove('total-produced', 1_000);
    await still.app.waitForStatAbove('total-throttled', 0);
    assert.equal(await still.app.page.locator('circle.particle').count(), 0, 'no particles');
    assert.ok((await still.app.counter('throttled', 1)) > 0, 'the badges still count');
    assert.ok((await still.app.testId('backlog').count()) > 0, 'the backlog bars stay');
  } finally {
    await still.close();
  }
});

test('crash a KCL worker, take a destination down, make a Lambda function fail, from the panel', { timeout: 90_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('KCL worker crash: failover and reprocessing');
  await app.waitForSimMsAbove(3_000);
  await app.selectNode('enricher');
  await app.testId('kcl-worker').selectOption('0');
  await app.testId('crash-worker').click();
  await app.waitForEvent('worker 0 crashed holding');
  await app.testId('crash-worker').click();
  await app.waitForEvent('worker 0 is already down');

  await app.selectNode('lake');
  await app.testId('outage-seconds').fill('120');
  await app.testId('destination-down').click();
  await app.waitForEvent('destination down for 120 s');
  await app.page.locator('[data-testid="destination-state"]', { hasText: 'down now' }).waitFor({ timeout: 20_000 });

  await app.openScenario('Poison messages end in the dead-letter queue');
  await app.selectNode('settle');
  await app.testId('error-rate').fill('100');
  await app.testId('set-error-rate').click();
  await app.waitForEvent('function error rate set to 1');
  await app.testId('error-rate').fill('150');
  await app.testId('set-error-rate').click();
  assert.equal(await app.testId('error-rate').evaluate((e) => e.validity.valid), false, 'over 100% is refused by the field');
  assert.deepEqual(app.errors, [], 'opening a smaller scenario with a node selected does not panic');
});
