// Once opened, the app opens again without a network (sw.js): a classroom whose wifi drops, a
// shared link opened on a train. The page, its wasm and the engine's worker come from the
// service worker's cache, and the run is the same as online.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from './fixtures/app_page.mjs';
import { DEFAULT_ROOT } from '../support/server.mjs';

let app, close, server;
before(async () => ({ app, close, server } = await openApp({ offline: true })));
after(() => close?.());

const ENGINE_WORKER = /public\/engine-worker\.js\?/;

/** The run's figures at 20 simulated seconds from a reset. */
async function twentySeconds() {
  await app.pause();
  await app.reset();
  await app.step(20);
  await app.waitForSimMs(20_000);
  return app.figures();
}

/** Waits until a service worker controls the page (it registers when the page has a moment). */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
}

/** The names of the files in the service worker's cache, with any query or fragment. */
function cachedNames(page) {
  return page.evaluate(async () => {
    const cache = await caches.open('shardplay');
    return (await cache.keys()).map((r) => {
      const url = new URL(r.url);
      return url.pathname.split('/').pop() + url.search + url.hash;
    });
  });
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
    // Export's module, which the page downloads only when asked and never did online, was
    // kept by the service worker when it installed: Export works offline too.
    await app.testId('export-open').click();
    await app.testId('export-preview').waitFor();
    assert.match(await app.testId('export-preview').textContent(), /AWS::Kinesis::Stream/);
    await app.testId('export-dialog').getByRole('button', { name: 'Close the export' }).click();

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
  const cached = await cachedNames(app.page);
  // The page, what it names (the glue, the wasm, the export module, the styles, the icon), the
  // engine's worker script and the model's changelog, each once.
  assert.equal(cached.filter((name) => /^app-[0-9a-f]{16}_bg\.wasm$/.test(name)).length, 1, `one wasm: ${cached}`);
  assert.equal(cached.filter((name) => /^infra-[0-9a-f]{16}_bg\.wasm$/.test(name)).length, 1, `the export module: ${cached}`);
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
  // The reloaded page's address carries the scenario (#s=...); it is still kept once, as the app.
  assert.match(app.page.url(), /#s=/);
  const again = await cachedNames(app.page);
  assert.deepEqual(again.filter((name) => /[?#]/.test(name)), [], `no copy per address: ${again}`);
  assert.equal(new Set(again).size, again.length, `each file once: ${again}`);
  assert.deepEqual(app.errors, []);
});

test('a new version shows at the next visit, and the old one leaves the cache', { timeout: 90_000 }, async () => {
  // A copy of the build, so that a "deployment" can change it under the running site.
  const root = await mkdtemp(join(tmpdir(), 'shardplay-site-'));
  await cp(DEFAULT_ROOT, root, { recursive: true });
  const site = await openApp({ offline: true, root });
  try {
    await site.app.goto();
    await site.app.waitReady();
    await controlled(site.app.page);

    // The next version: the same code under new content hashes, as trunk names a new build.
    const old = (await readdir(root)).find((name) => /^app-[0-9a-f]{16}\.js$/.test(name)).slice(4, 20);
    const next = [...old].reverse().join('') === old ? '0123456789abcdef' : [...old].reverse().join('');
    for (const [from, to] of [[`app-${old}.js`, `app-${next}.js`], [`app-${old}_bg.wasm`, `app-${next}_bg.wasm`]]) {
      await rename(join(root, from), join(root, to));
    }
    for (const file of ['index.html', `app-${next}.js`]) {
      const text = await readFile(join(root, file), 'utf8');
      await writeFile(join(root, file), text.replaceAll(`app-${old}`, `app-${next}`));
    }

    await site.app.page.reload();
    await site.app.waitReady();
    await site.app.waitForSimMsAbove(0);
    assert.ok(site.server.served.includes(`/app-${next}_bg.wasm`), 'the new wasm is fetched');
    // The old files leave the cache once the new page has been seen (just after the response).
    let cached = await cachedNames(site.app.page);
    for (let i = 0; i < 100 && cached.some((name) => name.includes(old)); i++) {
      await site.app.page.waitForTimeout(100);
      cached = await cachedNames(site.app.page);
    }
    assert.ok(!cached.some((name) => name.includes(old)), `the old version is dropped: ${cached}`);
    assert.ok(cached.includes(`app-${next}_bg.wasm`), `the new wasm is kept: ${cached}`);

    // And the new version opens offline.
    await site.app.page.context().setOffline(true);
    await site.app.page.reload();
    await site.app.waitReady();
    await site.app.waitForSimMsAbove(0);
    assert.deepEqual(site.app.errors, []);
  } finally {
    await site.close();
    await rm(root, { recursive: true, force: true });
  }
});
