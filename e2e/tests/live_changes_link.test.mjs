// Copy link carries the live changes of a run: a shard count changed in the inspector while it
// plays (UpdateShardCount) and a producer's rate changed live go into the link's scenario as
// schedule entries at the simulated millisecond each took effect, so the link opened in a fresh
// browser and jumped to the same time shows the same numbers. A paused run sits on a whole
// second, the time its clock shows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppPage, openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('a link copied after live changes reproduces the run at the same time', { timeout: 120_000 }, async () => {
  const origin = new URL(app.url).origin;
  await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await app.goto();
  await app.waitReady();
  const [producer, stream] = [0, 1]; // node indexes in the default scenario
  // While it plays at 1x: the changes land partway through a second.
  await app.waitForSimMsAbove(1_500);
  await app.setShards(stream, 3);
  await app.waitForEvent('UpdateShardCount: 2 → 3');
  await app.setRate(producer, 2_600);
  await app.waitForEvent('rate set to 2,600 records/s');
  await app.waitForSimMsAbove(4_500);
  await app.pause();
  // Paused on a whole second, the time the clock shows.
  await app.page.waitForFunction(() => Number(document.querySelector('[data-testid="sim-clock"]').dataset.ms) % 1000 === 0);
  const landed = await app.simMs();
  await app.step(3);
  // Every step back from the worker before the figures are read: they come from one view.
  await app.waitForSimMs(landed + 3_000);
  const mine = await app.figures();
  assert.equal(mine['sim-clock'] % 1000, 0);
  assert.equal(await app.openShards(stream), 3);

  await app.testId('copy-link').click();
  await app.page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('Link copied'));
  const clock = await app.testId('sim-clock').locator('.time').textContent();
  assert.match(await app.noticeText(), new RegExp(`the 2 live changes made during the run.*Jump to ${clock}`));
  const link = await app.page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /#s=/);
  assert.notEqual(link, app.page.url(), 'the address bar holds the pipeline as it starts; the link the run');

  // A fresh context: no storage, no history, only the link.
  const context = await app.page.context().browser().newContext({ viewport: { width: 1280, height: 800 } });
  const other = new AppPage(await context.newPage(), link);
  await other.goto();
  await other.waitReady();
  await other.jumpTo(`${mine['sim-clock'] / 1000}s`);
  await other.page.locator(`[data-testid="sim-clock"][data-ms="${mine['sim-clock']}"]`).waitFor({ timeout: 60_000 });
  await other.testId('jump-progress').waitFor({ state: 'detached' });
  assert.deepEqual(await other.figures(), mine);
  assert.equal(await other.openShards(stream), 3);
  // The scheduled changes are in its event list, as the original's were.
  await other.waitForEvent('UpdateShardCount: 2 → 3');
  await other.waitForEvent('rate set to 2,600 records/s');
  assert.deepEqual(other.errors, []);
  assert.deepEqual(app.errors, []);
  await context.close();
});

test('without live changes, Copy link copies the address and says where to jump', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.pause();
  await app.step(2);
  await app.testId('copy-link').click();
  await app.page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent.includes('Link copied'));
  assert.match(await app.noticeText(), /it opens this scenario with the same seed\. Jump to 00:00:0\d there/);
  assert.equal(await app.page.evaluate(() => navigator.clipboard.readText()), app.page.url());
});
