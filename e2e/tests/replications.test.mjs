// "How sure? Run seeds": the scenario replicated with N seeds while it keeps playing, each
// headline figure as a mean with its 95% interval; Cancel stops it; a bad count is refused. The
// seeds run on a pool of planning workers (app/src/pool.rs) when the engine runs in a worker, and
// in the page otherwise: the same figures either way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

/** Every figure's mean and interval in the table, by key. */
async function table() {
  return app.page.locator('[data-testid^="replication-"][data-value], [data-testid^="replication-interval-"]').evaluateAll(
    (cells) => cells.map((c) => [c.dataset.testid, c.dataset.value ?? `${c.dataset.low}..${c.dataset.high}`]),
  );
}

/** A figure's mean and interval, as the table's data attributes carry them. */
async function figure(key) {
  const mean = Number(await app.testId(`replication-mean-${key}`).getAttribute('data-value'));
  const interval = app.testId(`replication-interval-${key}`);
  return { mean, low: Number(await interval.getAttribute('data-low')), high: Number(await interval.getAttribute('data-high')) };
}

test('three seeds give each figure a mean inside its interval, while the run plays on', { timeout: 120_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.testId('replications-count').fill('3');
  const before = await app.simMs();
  await app.testId('replications-start').click();
  await app.testId('replications-table').waitFor({ timeout: 90_000 });
  // The live run was not frozen by the replications.
  assert.ok((await app.simMs()) > before, 'the clock moved while the seeds ran');
  assert.match(await app.testId('replications-caption').textContent(), /^3 seeds/);
  for (const key of ['throttled', 'lost', 'monthly']) {
    const f = await figure(key);
    assert.ok(f.low <= f.mean && f.mean <= f.high, `${key}: ${f.low} <= ${f.mean} <= ${f.high}`);
  }
  // The clickstream's shard-hours and PUT units: a positive monthly cost on every seed.
  assert.ok((await figure('monthly')).low > 0);
  // The hot key throttles on every seed, by a different amount on each.
  const throttled = await figure('throttled');
  assert.ok(throttled.mean > 0 && throttled.high > throttled.low, JSON.stringify(throttled));
  // A latency line per measuring node, one hop and end to end, named as its card is.
  assert.match(await app.testId('replications-table').textContent(), /p99 latency, Analytics reader/);
  assert.match(await app.testId('replications-table').textContent(), /p99 end to end, Analytics reader/);
  assert.equal(await app.page.locator('.dot-plot').first().locator('circle').count(), 3);
});

test('Cancel stops the seeds; a count out of range is refused in words', { timeout: 90_000 }, async () => {
  await app.goto();
  await app.waitReady();
  // Two simulated hours a seed, so a hundred of them are still running when Cancel is pressed
  // (the default scenario's ten minutes take a few milliseconds each).
  await app.openScenario('On-demand when traffic triples');
  await app.testId('replications-count').fill('100');
  await app.testId('replications-start').click();
  await app.testId('replications-progress').waitFor();
  assert.match(
    await app.testId('replications-progress').textContent(),
    /^\d+ of 100 seeds done \(\d+%\), on (a worker|\d workers) beside the live run$/,
  );
  assert.ok(app.page.workers().length > 1, 'planning workers beside the engine\'s');
  await app.testId('replications-cancel').click();
  await app.testId('replications-progress').waitFor({ state: 'detached' });
  assert.equal(await app.testId('replications-table').count(), 0);
  // Cancel ends the planners mid-task: only the engine's worker is left.
  assert.equal(await app.workersSettleAt(1), 1, 'the planners end on Cancel');

  await app.testId('replications-count').fill('1');
  await app.testId('replications-start').click();
  const error = app.page.locator('[data-testid="replications"] [role="alert"]');
  await error.waitFor();
  assert.equal(await error.textContent(), 'Seeds: 1 is out of range; allowed 2 to 100');
});

test('seeds on the planning workers give the very figures the page computes itself', { timeout: 180_000 }, async () => {
  const { onWorkers, inPage } = await app.onWorkersAndInPage(async () => {
    await app.testId('replications-count').fill('4');
    await app.testId('replications-start').click();
    await app.testId('replications-table').waitFor({ timeout: 120_000 });
    return { runner: await app.testId('replications').getAttribute('data-runner'), figures: await table() };
  });
  assert.deepEqual([onWorkers.runner, inPage.runner], ['pool', 'page']);
  assert.ok(onWorkers.figures.length >= 8, JSON.stringify(onWorkers.figures));
  assert.deepEqual(onWorkers.figures, inPage.figures, 'the same seeds, the same figures, wherever they ran');
  assert.deepEqual(app.errors, []);
});

test('a comparison asked for during a hundred seeds is not queued behind them', { timeout: 120_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.testId('replications-count').fill('100');
  await app.testId('replications-start').click();
  await app.testId('replications-progress').waitFor();
  await app.testId('compare-modes').click();
  await app.testId('compare-monthly-provisioned').waitFor({ timeout: 60_000 });
  // The seeds go on: the comparison took the next free worker, not the last.
  assert.match(await app.testId('replications-progress').textContent(), /^\d+ of 100 seeds done/);
  await app.testId('replications-cancel').click();
});
