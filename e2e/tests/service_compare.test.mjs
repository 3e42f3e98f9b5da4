// "Compare with Amazon MSK": the default scenario's producers on Kinesis, on an MSK cluster and on
// MSK Serverless, one column each; the form refuses a cluster that cannot fill three zones. The
// runs are a task on a planning worker (app/src/pool.rs), the page's own table, and cancellable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

const cell = (figure, service) => app.testId(`service-${figure}-${service}`).textContent();

test('the same producers on Kinesis and on MSK, side by side', { timeout: 120_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.testId('compare-broker-type').selectOption('kafka.m5.xlarge');
  await app.testId('compare-services').click();
  const table = app.testId('service-table');
  await table.waitFor({ timeout: 90_000 });
  assert.match(await table.locator('thead').textContent(), /Kinesis provisioned.*MSK provisioned.*MSK Serverless/s);
  // The cluster the form asked for: 3 brokers of the chosen type, one partition per shard.
  assert.match(await cell('capacity', 'msk_provisioned'), /^3 x kafka\.m5\.xlarge, \d+ partitions$/);
  const shards = (await cell('capacity', 'kinesis_provisioned')).match(/^(\d+) shards$/)?.[1];
  assert.ok(shards, 'Kinesis capacity is in shards');
  assert.match(await cell('capacity', 'msk_serverless'), new RegExp(`^serverless, ${shards} partitions$`));
  // MSK slows a producer down over a limit and never refuses a write (aws-facts-more 1.8, 2.1).
  assert.equal(await cell('refused', 'msk_provisioned'), '0');
  assert.equal(await cell('refused', 'msk_serverless'), '0');
  for (const service of ['kinesis_provisioned', 'msk_provisioned', 'msk_serverless']) {
    assert.match(await cell('monthly_usd', service), /^\$[\d,]+\.\d{2,4}$/);
  }
  // The classic points, with their sources on hover.
  await app.testId('service-points').locator('summary').click();
  const points = app.testId('service-points');
  assert.match(await points.textContent(), /Record size.*1 MiB by default.*8 MiB at most/s);
  assert.match(await points.locator('th[scope="row"]').first().getAttribute('title'), /^Sources: aws-facts/);

  // An edit makes the comparison stale: it is dropped.
  await app.setRate(0, 1500);
  await table.waitFor({ state: 'detached' });
});

test('brokers that do not fill three Availability Zones are refused in words', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.testId('compare-brokers').fill('4');
  await app.testId('compare-services').click();
  const error = app.page.locator('[data-testid="service-compare"] [role="alert"]');
  await error.waitFor();
  assert.match(await error.textContent(), /^brokers: 4 is out of range; allowed 3 to 60 brokers, a multiple of 3/);
  assert.equal(await app.testId('service-table').count(), 0);
});

test('the comparison on a planning worker is the very table the page computes itself', { timeout: 180_000 }, async () => {
  const { onWorkers, inPage } = await app.onWorkersAndInPage(async () => {
    await app.testId('compare-services').click();
    await app.testId('service-table').waitFor({ timeout: 120_000 });
    return app.testId('service-table').locator('td').allTextContents();
  });
  assert.ok(onWorkers.length >= 30, JSON.stringify(onWorkers));
  assert.deepEqual(onWorkers, inPage, 'same producers and seed, same table, wherever it ran');
  assert.deepEqual(app.errors, []);
});

test('a long comparison runs beside the live run, and Cancel ends it at once', { timeout: 120_000 }, async () => {
  // The largest benchmark scenario (1,000 shards): three simulated hours to run, seconds of work.
  const large = await readFile(new URL('../../sim-core/benches/large.json', import.meta.url), 'utf8');
  const link = `#s=${deflateRawSync(Buffer.from(JSON.stringify(JSON.parse(large)))).toString('base64url')}`;
  await app.page.goto(app.url + link);
  await app.waitReady();
  await app.testId('compare-services').click();
  await app.testId('compare-services-progress').waitFor();
  assert.equal(await app.testId('compare-services').isDisabled(), true, 'one comparison at a time');
  // The page and the live run go on while the worker compares.
  const before = await app.simMs();
  await app.waitForSimMsAbove(before);
  assert.equal(app.page.workers().length, 2, 'the engine worker and one planner');
  await app.testId('compare-services-cancel').click();
  await app.testId('compare-services-progress').waitFor({ state: 'detached' });
  assert.equal(await app.testId('service-table').count(), 0);
  assert.equal(await app.testId('compare-services').isDisabled(), false);
  // The planner was ended mid-run, not left to finish: only the engine's worker remains.
  assert.equal(await app.workersSettleAt(1), 1, 'the planner ended on Cancel');
});
