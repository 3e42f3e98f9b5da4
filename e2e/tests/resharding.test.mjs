// Resharding from the UI and from a scenario: the shard count (the inspector's) changes live, AWS's limits are
// enforced with a reason, and a scheduled split ends the throttling of an overloaded shard.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('the shard count calls UpdateShardCount live and reports refusals', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  const stream = 1; // node index of the default scenario's stream
  await app.waitForSimMsAbove(0);
  assert.equal(await app.openShards(stream), 2);
  await app.setShards(stream, 3);
  await app.waitForEvent('UpdateShardCount: 2 → 3');
  assert.equal(await app.openShards(stream), 3);
  // Ten calls per rolling 24 hours: the eleventh is refused and says why, beside the field.
  const field = app.testId('param-capacity-shards');
  for (let i = 0; i < 9; i += 1) {
    const target = i % 2 ? 3 : 4;
    await field.fill(String(target));
    await field.press('Enter');
    await app.page.waitForFunction(
      ([id, n]) => document.querySelector(`[data-testid="shards-${id}"]`)?.textContent.trim() === String(n),
      [stream, target],
    );
  }
  await field.fill('3');
  await field.press('Enter');
  const events = await app.waitForEvent('refused');
  assert.match(events, /10 times in the last 24 hours/);
  await app.testId('notice').waitFor();
  assert.match(await app.testId('notice').textContent(), /10 times in the last 24 hours/);
  const error = app.testId('param-capacity-shards-error');
  await error.waitFor();
  assert.match(await error.textContent(), /AWS refused this change: UpdateShardCount already ran 10 times in the last 24 hours/);
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
