// Pause freezes the simulation (time and counts); play resumes it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

async function snapshot() {
  return { simMs: await app.simMs(), produced: await app.stat('total-produced') };
}

test('pause stops simulated time and counts, play resumes', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForSimMsAbove(0);

  await app.pause();
  await sleep(500); // let the last read-out published before the pause reach the DOM
  const first = await snapshot();
  await sleep(1_500); // several publish intervals: a running sim would have moved on
  const second = await snapshot();
  assert.deepEqual(second, first, 'nothing changes while paused');

  await app.play();
  await app.waitForSimMsAbove(second.simMs);
  await app.waitForStatAbove('total-produced', second.produced);
});
