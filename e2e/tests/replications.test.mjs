// "How sure? Run seeds": the scenario replicated with N seeds while it keeps playing, each
// headline figure as a mean with its 95% interval; Cancel stops it; a bad count is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

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
  await app.testId('replications-count').fill('100');
  await app.testId('replications-start').click();
  await app.testId('replications-progress').waitFor();
  assert.match(await app.testId('replications-progress').textContent(), /^seed \d+ of 100/);
  await app.testId('replications-cancel').click();
  await app.testId('replications-progress').waitFor({ state: 'detached' });
  assert.equal(await app.testId('replications-table').count(), 0);

  await app.testId('replications-count').fill('1');
  await app.testId('replications-start').click();
  const error = app.page.locator('[data-testid="replications"] [role="alert"]');
  await error.waitFor();
  assert.equal(await error.textContent(), 'Seeds: 1 is out of range; allowed 2 to 100');
});
