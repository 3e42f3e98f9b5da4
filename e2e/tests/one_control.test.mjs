// One control per concept (issue 25): a stream's shard count and a producer's rate each have
// exactly one field on the page, in the inspector of the selected node; "Try it" links to it.
// While the run is live the shard count is UpdateShardCount with AWS's limits (a refusal is said
// beside the field, with an offer to start again with that count); before the run starts it is
// an edit of the scenario.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

/** The labels of every visible form field on the page (label, aria-label, or test id). */
const fieldLabels = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.getClientRects().length > 0 && el.type !== 'checkbox' && el.type !== 'file')
      .map((el) => (el.labels?.[0]?.textContent || el.getAttribute('aria-label') || el.dataset.testid || '').trim()),
  );

const shardCountFields = (labels) => labels.filter((l) => /shard/i.test(l) && !/split|merge/i.test(l));
const rateFields = (labels) => labels.filter((l) => /\brate\b|records(\/| per )s/i.test(l) && !/multiplier|error/i.test(l));

test('each concept has exactly one control, in the inspector', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  // Nothing selected: no shard-count or rate field anywhere, only links to them.
  let labels = await fieldLabels(app.page);
  assert.deepEqual(shardCountFields(labels), [], `shard-count fields: ${labels}`);
  assert.deepEqual(rateFields(labels), [], `rate fields: ${labels}`);
  for (const gone of ['shards-plus-1', 'shards-minus-1', 'shard-count-input', 'rate-input-0', 'intervene-rate-input-0', 'hot-share-0']) {
    assert.equal(await app.testId(gone).count(), 0, `${gone} is gone`);
  }

  // The stream selected: one shard-count field (the inspector's), beside split and merge.
  await app.selectNode('events');
  await app.testId('interventions').waitFor();
  labels = await fieldLabels(app.page);
  assert.deepEqual(shardCountFields(labels), ['Capacity › shards']);
  assert.deepEqual(rateFields(labels), []);

  // "Try it" leads to the producer's rate: one field, focused.
  await app.testId('goto-rate-0').click();
  await app.page.waitForFunction(() => document.activeElement?.dataset.testid === 'param-records_per_s');
  labels = await fieldLabels(app.page);
  assert.deepEqual(rateFields(labels), ['Records/s']);
  assert.deepEqual(shardCountFields(labels), []);
  assert.deepEqual(app.errors, []);
});

test('the shard count is live UpdateShardCount while the run goes on, an edit before it starts', { timeout: 90_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('Clickstream with a hot partition key');
  await app.waitForSimMsAbove(1_000);
  await app.testId('goto-shards-1').click();
  const field = app.testId('param-capacity-shards');
  await app.page.waitForFunction(() => document.activeElement?.dataset.testid === 'param-capacity-shards');
  assert.match(await app.testId('shards-mode').textContent(), /Live: UpdateShardCount/);

  // Live: 2 -> 4 goes through, the run goes on.
  await field.fill('4');
  await field.press('Enter');
  await app.waitForEvent('UpdateShardCount: 2 → 4');
  assert.equal(await app.openShards(1), 4);
  assert.equal(await field.inputValue(), '4');
  assert.ok((await app.simMs()) > 1_000, 'the run went on');
  // "Edit and restart" stays one click away: the count can become the scenario's instead.
  assert.match(await app.testId('shards-restart').textContent(), /Make 4 shards the scenario's count \(restarts from zero\)/);

  // More than double is refused by AWS's rule, said beside the field in words.
  await field.fill('9');
  await field.press('Enter');
  const error = app.testId('param-capacity-shards-error');
  await error.waitFor();
  assert.match(await error.textContent(), /AWS refused this change: 9 shards is more than double the current 4/);
  assert.equal(await app.openShards(1), 4);
  // ... with the offer to make it the scenario's count instead, from zero.
  assert.match(await app.testId('shards-restart').textContent(), /Start again with 9 shards instead/);
  await app.testId('shards-restart').click();
  await app.page.waitForFunction(() => document.querySelector('[data-testid="shards-1"]')?.textContent.trim() === '9');
  assert.match(await app.noticeText(), /starts with 9 shards/);

  // Before the run starts (paused at zero) the field edits the scenario: no UpdateShardCount.
  await app.pause();
  await app.reset();
  assert.equal(await app.waitForSimMsBelow(1), 0);
  await app.testId('goto-shards-1').click();
  assert.match(await app.testId('shards-mode').textContent(), /Before the run/);
  await field.fill('3');
  await field.press('Enter');
  await app.page.waitForFunction(() => document.querySelector('[data-testid="shards-1"]')?.textContent.trim() === '3');
  assert.equal(await app.simMs(), 0);
  assert.equal(await app.page.locator('[data-testid="events"] li', { hasText: 'UpdateShardCount' }).count(), 0);
  assert.deepEqual(app.errors, []);
});

test('a lesson\'s solution links to the control it needs', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.testId('lessons-open').click();
  await app.testId('lesson-open-reshard-spike').click();
  await app.testId('lesson-panel').waitFor();
  const hint = await (async () => {
    for (let i = 0; i < 4; i += 1) await app.testId('lesson-next').click();
    return app.testId('lesson-hint-3').textContent();
  })();
  assert.match(hint, /Capacity › shards to 2 in its inspector/);
  await app.testId('lesson-solution').waitFor();
  await app.testId('lesson-show-control').click();
  await app.page.waitForFunction(() => document.activeElement?.dataset.testid === 'param-capacity-shards');
  assert.equal(await app.testId('node-payments').getAttribute('aria-pressed'), 'true');
  assert.deepEqual(app.errors, []);
});
