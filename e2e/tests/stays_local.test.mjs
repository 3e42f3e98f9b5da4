// The page loads everything from its own origin and runs without console errors
// (a Content-Security-Policy violation would show up here as a console error too).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, server, close;
before(async () => ({ app, server, close } = await openApp()));
after(() => close?.());

test('no request leaves the origin and no console error is logged', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  // Let it run for a while: several publish intervals and chart redraws.
  await app.waitForSimMsAbove(await app.simMs());
  await app.page.waitForTimeout(2_000);

  const origin = new URL(server.url).origin;
  const foreign = app.requests.filter((url) => {
    const { protocol, origin: requestOrigin } = new URL(url);
    return !['data:', 'blob:'].includes(protocol) && requestOrigin !== origin;
  });
  assert.deepEqual(foreign, [], `only ${origin} is contacted`);
  assert.deepEqual(app.errors, [], 'no console errors or uncaught exceptions');
});
