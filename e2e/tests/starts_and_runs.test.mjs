// The app starts, plays its default scenario on its own, and the simulation moves forward.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('simulated time advances and counts grow while playing', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  assert.ok(await app.isPlaying(), 'the default scenario starts playing on load');
  assert.notEqual(await app.scenarioName(), '', 'a scenario name is shown');

  const ms = await app.simMs();
  const produced = await app.stat('total-produced');
  await app.waitForSimMsAbove(ms);
  await app.waitForStatAbove('total-produced', produced);

  for (const name of ['stat-incoming', 'stat-throttled', 'stat-iterator-age', 'total-delivered', 'total-throttled']) {
    assert.ok((await app.stat(name)) >= 0, `${name} is a non-negative number`);
  }
});
