// "Jump to" runs headless to a simulated time and stops there, paused; a time in the past
// replays from zero; a long jump shows progress, keeps the clock moving and can be cancelled.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

async function waitForClock(ms) {
  await app.page.locator(`[data-testid="sim-clock"][data-ms="${ms}"]`).waitFor({ timeout: 60_000 });
}

test('jumping reaches the time exactly and pauses there; back in time replays', { timeout: 90_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.jumpTo('10m');
  await waitForClock(600_000);
  assert.equal(await app.isPlaying(), false);
  assert.match(await app.noticeText(), /Jumped to 00:10:00/);
  assert.ok((await app.stat('total-produced')) > 1_000_000, 'ten minutes of 2,000 records/s');

  await app.jumpTo('90s');
  await waitForClock(90_000);
  assert.match(await app.noticeText(), /Jumped to 00:01:30/);

  await app.testId('jump-input').fill('2 fortnights');
  await app.testId('jump-go').click();
  assert.match(await app.page.locator('.jump-error').textContent(), /unknown unit/);
});

test('a long jump shows progress, the clock moves, and Cancel stops it', { timeout: 120_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.jumpTo('60d');
  const progress = app.testId('jump-progress');
  await progress.waitFor();
  const first = await app.waitForSimMsAbove(3_600_000, 60_000);
  const later = await app.waitForSimMsAbove(first, 30_000);
  assert.ok(later > first, 'the clock moves during the jump');
  assert.ok(Number(await progress.getAttribute('data-progress')) > 0);
  await app.testId('jump-cancel').click();
  await progress.waitFor({ state: 'detached' });
  assert.match(await app.noticeText(), /Jump cancelled at/);
  const stopped = await app.simMs();
  await sleep(800);
  assert.equal(await app.simMs(), stopped, 'cancelled and paused');
  assert.ok(stopped < 60 * 86_400_000);
});
