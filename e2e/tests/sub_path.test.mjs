// The build uses relative URLs, so it works when hosted under a sub-path such as /shardplay/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp({ subPath: true })));
after(() => close?.());

test('served under /shardplay/ the app starts and time advances', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForSimMsAbove(await app.simMs());

  // The server also answers at `/`, so an absolute asset URL would load without failing:
  // check that every request stayed under the sub-path.
  const outside = app.requests.filter((url) => !new URL(url).pathname.startsWith('/shardplay/'));
  assert.deepEqual(outside, [], 'all requests stay under /shardplay/');
});
