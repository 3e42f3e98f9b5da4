// Once opened, the app opens again without a network (sw.js): a classroom whose wifi drops, a
// shared link opened on a train. The page, its wasm and the engine's worker come from the
// service worker's cache, and the run is the same as online.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close, server;
before(async () => ({ app, close, server } = await openApp({ offline: true })));
after(() => close?.());

const ENGINE_WORKER = /public\/engine-worker\.js\?/;

/** The run's figures at 20 simulated seconds from a reset. */
async function twentySeconds() {
  await app.pause();
  await app.reset();
  await app.step(20);
  await app.page.locator('[data-testid="sim-clock"][data-ms="20000"]').waitFor({ timeout: 20_000 });
  return app.figures();
}

/** Waits until a service worker controls the page (it registers when the page has a moment). */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

test('after one visit the app opens and runs without a network, the same as online', { timeout: 120_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await controlled(app.page);
  const online = await twentySeconds();

  await app.page.context().setOffline(true);
  try {
    const requested = app.requests.length;
    await app.page.reload();
    await app.waitReady();
    assert.ok(app.requests.length > requested, 'the page asked for its files again');
    // The engine runs in its worker, whose script came from the cache too.
    await app.waitForSimMsAbove(0);
    assert.ok(app.page.workers().some((w) => ENGINE_WORKER.test(w.url())), 'the engine runs in its worker offline');
    assert.deepEqual(await twentySeconds(), online, 'same scenario and seed offline: the same numbers');

    // A link to another scenario, opened offline, shows that scenario.
    await app.openScenario('Split a shard during a spike');
    await app.page.waitForFunction(() => location.hash.startsWith('#s='));
    const link = app.page.url();
    await app.page.goto('about:blank');
    await app.page.goto(link);
    await app.waitReady();
    assert.equal(await app.scenarioName(), 'Split a shard during a spike');
  } finally {
    await app.page.context().setOffline(false);
  }
  assert.deepEqual(app.errors, []);
});

test('a repeat visit asks the server for the page, not for the wasm, and the cache keeps one copy', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await controlled(app.page);
  const cached = await app.page.evaluate(async () => {
    const cache = await caches.open('shardplay');
    return (await cache.keys()).map((r) => new URL(r.url).pathname.split('/').pop());
  });
  // The page, what it names (the glue, the wasm, the styles, the icon), the engine's worker
  // script and the model's changelog, each once.
  assert.equal(cached.filter((name) => /^app-[0-9a-f]{16}_bg\.wasm$/.test(name)).length, 1, `one wasm: ${cached}`);
  for (const name of ['', 'boot.js', 'engine-worker.js', 'favicon.svg', 'model-changelog.md']) {
    assert.ok(cached.includes(name), `${name || 'the page'} is cached: ${cached}`);
  }
  assert.equal(new Set(cached).size, cached.length, `each file once: ${cached}`);

  // Reloaded online: the page and the files without a content hash come from the server (a new
  // version shows at once); the hashed glue, wasm and styles from the cache.
  const before = server.served.length;
  await app.page.reload();
  await app.waitReady();
  await app.waitForSimMsAbove(0);
  const asked = server.served.slice(before);
  assert.ok(asked.includes('/'), `the page is asked for: ${asked}`);
  assert.deepEqual(asked.filter((path) => /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/.test(path)), [], 'hashed files come from the cache');
  assert.deepEqual(app.errors, []);
});
