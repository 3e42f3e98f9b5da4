// The capacity-mode and MSK comparisons are about a Kinesis data stream: on a pipeline without
// one (the SNS fan-out scenario) their buttons are disabled and a line says why, instead of an
// empty Shards column and made-up savings. With a stream, the Advantage row has its footnote.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('a pipeline without a Kinesis stream has no capacity modes to compare', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('SNS fan-out: an SQS queue and an HTTPS webhook through an outage');
  for (const id of ['compare-modes', 'compare-services']) {
    assert.equal(await app.testId(id).isDisabled(), true, `${id} is disabled`);
    assert.match(await app.testId(id).getAttribute('title'), /no Kinesis data stream/);
  }
  const notes = await app.testId('compare-not-applicable').allTextContents();
  assert.equal(notes.length, 2);
  assert.match(notes[0], /This pipeline has no Kinesis data stream, so it has no capacity mode to compare/);
  assert.match(notes[1], /no stream producers to run on Amazon MSK instead/);
  assert.equal(await app.page.locator('.compare-table').count(), 0);
  assert.deepEqual(app.errors, []);
});

test('with a stream, the Advantage row explains its 24-hour minimum', { timeout: 120_000 }, async () => {
  // The same page, another scenario: the buttons follow the pipeline.
  await app.openScenario('Clickstream with a hot partition key');
  assert.equal(await app.testId('compare-modes').isDisabled(), false);
  assert.equal(await app.testId('compare-services').isDisabled(), false);
  assert.equal(await app.testId('compare-not-applicable').count(), 0);
  await app.testId('compare-modes').click();
  await app.testId('compare-monthly-provisioned').waitFor({ timeout: 60_000 });
  assert.match(await app.page.locator('.compare-table tr[data-mode] th', { hasText: 'Advantage' }).textContent(), /On-demand Advantage\*/);
  assert.match(await app.testId('advantage-footnote').textContent(), /at least 25 MiB\/s in and 25 MiB\/s out for 24 hours/);
});
