// Resharding from the UI and from a scenario: the shard count changes live, AWS's limits are
// enforced with a reason, and a scheduled split ends the throttling of an overloaded shard.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('the shard stepper calls UpdateShardCount live and reports refusals', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  const stream = 1; // node index of the default scenario's stream
  assert.equal(await app.openShards(stream), 2);
  await app.testId(`shards-plus-${stream}`).click();
  await app.waitForEvent('UpdateShardCount: 2 → 3');
  assert.equal(await app.openShards(stream), 3);
  // Ten calls per rolling 24 hours: the eleventh is refused and says why.
  for (let i = 0; i < 10; i += 1) {
    await app.testId(`shards-${i % 2 ? 'plus' : 'minus'}-${stream}`).click();
  }
  const events = await app.waitForEvent('refused');
  assert.match(events, /10 times in the last 24 hours/);
  await app.testId('notice').waitFor();
  assert.match(await app.testId('notice').textContent(), /10 times in the last 24 hours/);
});

test('a scheduled split stops the throttling of an overloaded shard', { timeout: 90_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('Split a shard during a spike');
  await app.setSpeed(60);
  await app.waitForStatAbove('stat-throttled', 0);
  await app.waitForEvent('SplitShard: shard 0 closed; shards 1 and 2 opened', 60_000);
  assert.equal(await app.openShards(1), 2);
  // Give the new shards a few simulated seconds, then throttling is gone.
  await app.waitForSimMsAbove(140_000, 60_000);
  await app.page.waitForFunction(
    () => Number(document.querySelector('[data-testid="stat-throttled"]')?.dataset.value) === 0,
    null,
    { timeout: 30_000 },
  );
  await app.screenshot('split-during-spike');
});
