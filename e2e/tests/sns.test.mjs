// An Amazon SNS topic, end to end: added from the palette, published to by the default
// scenario's producer and subscribed by a queue; and its lesson: its wires carry what crosses
// them, the notification queue falls behind without a filter policy, and an endpoint outage from the Intervene panel leaves
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
  // No Kinesis stream here: no stream figures shown as zeros, and every wire carries what
  // crosses it (a producer's into the topic, the topic's to each subscriber).
  assert.equal(await app.testId('stat-incoming').count(), 0, 'no IncomingRecords card without a stream');
  assert.equal(await app.testId('total-produced').count(), 1);
  for (const wire of ['orders-api-orders', 'orders-fulfil', 'orders-notify']) {
    const label = await page.locator(`[data-testid="wire-${wire}"] text.wire-label`).first().textContent();
    assert.match(label, /rec\/s/, wire);
    assert.doesNotMatch(label, /^0\b/, `${wire} carries records: ${label}`);
  }
  // Hovering a wire says what its label counts.
  const tip = (wire) => page.locator(`[data-testid="wire-${wire}"] > title`).textContent();
  assert.match(await tip('orders-api-orders'), /accepted from this producer/);
  assert.match(await tip('orders-fulfil'), /the SQS queue takes in/);
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

test("an HTTP/S subscription's delivery policy: AWS's default, its own, and the 3,600 s limit", { timeout: 90_000 }, async () => {
  await app.page.setViewportSize({ width: 1280, height: 800 });
  await app.goto();
  await app.waitReady();
  await app.openScenario('SNS fan-out: an SQS queue and an HTTPS webhook through an outage');
  await app.selectNode('orders');
  const custom = app.testId('sub-partner-policy-custom');
  assert.equal(await custom.isChecked(), false);
  assert.match(await app.testId('sub-partner').textContent(), /AWS's default: 3 retries 20 s apart \(4 attempts\)/);
  // The SQS subscription's policy is AWS's own: no form for it.
  assert.equal(await app.testId('sub-archive-policy-custom').count(), 0);

  await custom.check();
  const total = app.testId('sub-partner-policy-total');
  await total.filter({ hasText: '4 attempts over 60 s' }).waitFor();

  // Five linear backoff retries from 20 s to 100 s: 20 + 40 + 60 + 80 + 100 = 300 s.
  await app.testId('sub-partner-policy-max_delay_target_s').fill('100');
  await app.testId('sub-partner-policy-max_delay_target_s').press('Tab');
  await app.testId('sub-partner-policy-num_retries').fill('5');
  await app.testId('sub-partner-policy-num_retries').press('Tab');
  await total.filter({ hasText: '6 attempts over 300 s' }).waitFor();

  // Past AWS's hard limit: refused with the rule, and the saved policy is unchanged.
  await app.testId('sub-partner-policy-max_delay_target_s').fill('3600');
  await app.testId('sub-partner-policy-max_delay_target_s').press('Tab');
  const error = app.testId('param-subscriptions-error');
  await error.waitFor();
  assert.match(await error.textContent(), /AWS allows a total retry time of 0 to 3,600 s/);
  assert.doesNotMatch(await error.textContent(), /nodes\[/);
  assert.match(await total.textContent(), /6 attempts over 300 s/);
  assert.deepEqual(app.errors, []);
});
