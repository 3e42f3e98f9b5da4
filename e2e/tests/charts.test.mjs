// Charts follow the selected node (by mouse or keyboard), and every series downloads as CSV.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('selecting a card charts that node; the keyboard works too', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  assert.equal((await app.testId('charts-node').textContent()).trim(), 'events stream');
  await app.testId('node-analytics').click();
  await app.page.locator('[data-testid="charts-node"]', { hasText: 'Analytics reader' }).waitFor();
  assert.match(await app.page.locator('.charts-grid').textContent(), /RecordsProcessed.*MillisBehindLatest/s);
  await app.testId('node-clicks').focus();
  await app.page.keyboard.press('Enter');
  await app.page.locator('[data-testid="charts-node"]', { hasText: 'Web clicks' }).waitFor();
  assert.equal(await app.testId('node-clicks').getAttribute('aria-pressed'), 'true');
});

test('Download CSV saves the per-second series of every node', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForSimMsAbove(3_000);
  const [download] = await Promise.all([
    app.page.waitForEvent('download'),
    app.testId('download-csv').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'shardplay-metrics.csv');
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.trim().split('\n');
  assert.equal(lines[0], 'time_s,resolution_s,node,metric,unit,value');
  assert.ok(lines.some((l) => l.startsWith('0,1,events,IncomingRecords,Count,')), 'the stream is in it');
  assert.ok(lines.some((l) => l.includes(',analytics,RecordsProcessed,')), 'the consumer is in it');
});

test('every chart has a table view, and the cost meter lists its line items', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForSimMsAbove(3_000);
  const writes = app.page.locator('.chart', { hasText: 'Writes' });
  await writes.getByRole('button', { name: 'Table' }).click();
  const table = writes.locator('[data-testid="chart-table"]');
  await table.waitFor();
  assert.match(await table.locator('thead').textContent(), /Time.*IncomingRecords.*WriteProvisionedThroughputExceeded/s);
  assert.ok((await table.locator('tbody tr').count()) >= 2, 'a row per second so far');
  assert.equal(await writes.locator('canvas').isVisible(), false, 'the table replaces the chart');

  await app.page.locator('[data-testid="cost-breakdown"] summary').click();
  const items = await app.testId('cost-breakdown').locator('tbody').textContent();
  assert.match(items, /Shard hours.*shard-hour.*PUT payload units/s);
});

test('a capacity-mode comparison is dropped when the scenario is edited', { timeout: 90_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.testId('compare-modes').click();
  await app.page.locator('.compare-table').waitFor({ timeout: 60_000 });
  assert.match(await app.page.locator('.compare-table').textContent(), /Provisioned.*On-demand Standard.*On-demand Advantage/s);
  await app.setRate(0, 1500);
  await app.page.locator('.compare-table').waitFor({ state: 'detached' });
});

test('the capacity-mode comparison on a planning worker is the page\'s own table', { timeout: 120_000 }, async () => {
  const { onWorkers, inPage } = await app.onWorkersAndInPage(async () => {
    await app.testId('compare-modes').click();
    await app.testId('compare-monthly-provisioned').waitFor({ timeout: 60_000 });
    return app.testId('mode-compare').locator('table, .compare-verdict').allTextContents();
  });
  assert.match(onWorkers.join(' '), /is cheapest, \$[\d,.]+\/month less than/);
  assert.deepEqual(onWorkers, inPage, 'same traffic and seed, same bills, wherever they ran');
});
