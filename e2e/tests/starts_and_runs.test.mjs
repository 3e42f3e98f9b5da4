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

test('while the simulator downloads the page says so, and the notice leaves once the app runs', { timeout: 60_000 }, async () => {
  // Hold the wasm back, as a slow network would.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  const WASM = /_bg\.wasm$/;
  await app.page.route(WASM, async (route) => {
    await held;
    await route.continue();
  });
  try {
    await app.page.goto(app.url);
    const notice = app.page.locator('#boot[role="status"]');
    await notice.waitFor();
    assert.match(await app.testId('boot-text').textContent(), /Loading the simulator/);
    release();
    await app.waitReady();
    assert.equal(await app.page.locator('#boot').count(), 0, 'the notice is gone');
  } finally {
    release();
    await app.page.unroute(WASM);
  }
});

test('a simulator that does not download says so and how to recover, not a blank page', { timeout: 60_000 }, async () => {
  const WASM = /_bg\.wasm$/;
  await app.page.route(WASM, (route) => route.abort('internetdisconnected'));
  const errors = app.errors.length;
  try {
    await app.page.goto(app.url);
    const alert = app.page.locator('#boot.failed[role="alert"]');
    await alert.waitFor();
    assert.match(
      await app.testId('boot-text').textContent(),
      /^Shardplay could not start\. The simulator did not download: is the network down\? Reload the page to try again\.$/,
    );
    assert.ok(await app.testId('boot-text').isVisible());
  } finally {
    await app.page.unroute(WASM);
  }
  // With the network back, its Reload button starts the app.
  await app.testId('boot-reload').click();
  await app.waitReady();
  assert.equal(await app.page.locator('#boot').count(), 0);
  // The failed start was reported in the console too, for whoever opens it.
  app.errors.splice(errors);
});
