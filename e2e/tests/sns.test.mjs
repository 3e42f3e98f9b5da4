// An Amazon SNS topic, end to end: added from the palette, published to by the default
// scenario's producer and subscribed by a queue; and its lesson: the notification queue falls
// behind without a filter policy, and an endpoint outage from the Intervene panel leaves
// notifications waiting for their retries.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('an SNS topic is added from the palette, published to and subscribed', { timeout: 60_000 }, async () => {
  await app.page.setViewportSize({ width: 1280, height: 800 });
  await app.goto();
  await app.waitReady();
  const palette = app.testId('palette-sns_topic');
  assert.match(await palette.getAttribute('title'), /pushed to each subscription/);
  const topic = await app.addWithKeyboard('sns_topic');
  const queue = await app.addWithKeyboard('sqs_queue');
  await app.keyboardWire(topic, queue);
  assert.ok((await app.wires()).includes(`${topic}-${queue}`), 'topic -> queue wired');
  await app.selectNode(topic);
  assert.match(await app.testId('inspector').textContent(), /publish quota/);
  assert.deepEqual(app.errors, []);
});

test('the fan-out lesson: an unfiltered subscriber falls behind; an outage is retried', { timeout: 180_000 }, async () => {
  const { page } = app;
  await app.goto();
  await app.waitReady();
  await app.testId('lessons-open').click();
  await app.testId('lessons').waitFor();
  await app.testId('lesson-open-sns-fan-out').click();
  await page.locator('[data-testid="scenario-name"]', { hasText: 'fan-out with a filter policy' }).waitFor();
  await app.setSpeed(10);
  await app.waitForSimMsAbove(60_000);
  assert.match(await app.testId('node-orders').textContent(), /delivered/);
  await page.waitForFunction(
    () => /Backlog growing|Messages waiting/.test(document.querySelector('[data-testid="node-notify"]')?.textContent ?? ''),
    null,
    { timeout: 120_000 },
  );
  await app.screenshot('sns-unfiltered');

  await app.selectNode('orders');
  await app.testId('endpoints-outage-seconds').fill('60');
  await app.testId('endpoints-down').click();
  await page.waitForFunction(
    () => /retrying/.test(document.querySelector('[data-testid="endpoints-state"]')?.textContent ?? ''),
    null,
    { timeout: 60_000 },
  );
  await app.screenshot('sns-retrying');
  assert.deepEqual(app.errors, []);
});
