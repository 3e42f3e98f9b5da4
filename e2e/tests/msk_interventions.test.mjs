// MSK interventions from the panel of the selected cluster: a broker failure moves leaders and
// shows under-replicated partitions, added partitions count the keys that hash elsewhere, a
// crashed consumer leaves the group, added brokers idle; each is in the Events list.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

/** Waits until test id `id` reads text matching `pattern`. */
async function waitForText(id, pattern) {
  await app.testId(id).filter({ hasText: pattern }).waitFor({ timeout: 20_000 });
}

test('fail a broker, add partitions, crash a consumer, add brokers', { timeout: 180_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('Lesson: more consumers than partitions');
  await app.setSpeed(10);
  await app.waitForSimMsAbove(5_000, 60_000);
  await app.selectNode('orders-cluster');
  await app.testId('interventions').waitFor();
  await waitForText('msk-broker-state', /all up/);
  await waitForText('msk-partitions-state', /^\(4\)$/);

  await app.testId('msk-broker').fill('0');
  await app.testId('msk-broker-seconds').fill('600');
  await app.testId('msk-fail-broker').click();
  await app.waitForEvent('broker 0 down for 600 s');
  // Replication factor 3 on 3 brokers: every partition has a replica on broker 0.
  await waitForText('msk-broker-state', /1 down · 0 offline · 4 under-replicated/);

  await app.testId('msk-partitions-input').fill('8');
  await app.testId('msk-add-partitions').click();
  await app.waitForEvent('partitions 4 → 8');
  await waitForText('msk-partitions-state', /^\(8 · [\d,]+ keys moved\)$/);
  // Fewer is refused: Kafka only adds partitions.
  await app.testId('msk-partitions-input').fill('6');
  await app.testId('msk-add-partitions').click();
  await app.waitForEvent('Kafka only adds partitions');

  await app.testId('msk-consumer').selectOption('0');
  await app.testId('msk-crash-consumer').click();
  await app.waitForEvent('consumer 0 crashed');
  await waitForText('msk-consumers-state', /7 of 8 live/);

  await app.testId('msk-brokers-input').fill('6');
  await app.testId('msk-add-brokers').click();
  await app.waitForEvent('brokers 3 → 6');
  await waitForText('msk-brokers-state', /^\(6 · 3 idle\)$/);
  assert.deepEqual(app.errors, []);
});
