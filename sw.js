// Shardplay's service worker: once the app has been opened, it opens again without a network
// (a classroom whose wifi drops, a shared link opened on a train), and a repeat visit downloads
// only what changed. public/boot.js registers it once the app runs; it lives beside index.html
// so that its scope is the whole app, from whatever path the site is served.
//
// - Files named with a content hash (app-<hash>.js, app-<hash>_bg.wasm, main-<hash>.css, and the
//   infrastructure-code module's infra-<hash>.js and infra-<hash>_bg.wasm, which the page loads
//   only when Export or a template import asks for it) never change under their name: they come
//   from the cache, fetched once.
// - Everything else (the page itself, public/boot.js, the engine's worker script, ...) comes
//   from the network first, so a new version shows at once, and from the cache when the
//   network fails.
// - Installing caches the page and everything it names, so one visit is enough; each time the
//   page is fetched again, hashed files it no longer names are dropped.

const CACHE = 'shardplay';
/** A name with trunk's 16-hex-digit content hash (Trunk.toml: filehash = true). */
const HASHED = /-[0-9a-f]{16}(?:_bg)?\.(?:js|wasm|css)$/;
/** The app's page: the directory this worker was served from. */
const APP = new URL('./', self.location.href).href;
/** Files the app fetches that its page does not name (app/src/host.rs, sim-core's MODEL_CHANGELOG). */
const ALSO = ['public/engine-worker.js', 'model-changelog.md'].map((path) => new URL(path, APP).href);

/** The app's files that `html` names (href, src, and boot.js's data-js, data-wasm, data-infra-js
 * and data-infra-wasm), and ALSO. */
function named(html) {
  const urls = new Set(ALSO);
  for (const [, value] of html.matchAll(/\s(?:href|src|data-js|data-wasm|data-infra-js|data-infra-wasm)="([^"]+)"/g)) {
    const url = new URL(value, APP);
    if (url.href.startsWith(APP)) urls.add(url.href);
  }
  return urls;
}

/** Where a file not named by its hash is kept: its address without the query (the page's
 * `?embed` or `?debug=...`, the worker script's `?js=...&wasm=...`) and without the fragment
 * (a navigation's request carries the shared scenario's `#s=...`); the page itself under APP. */
function keyOf(request) {
  const url = request.url.split(/[?#]/)[0];
  return request.mode === 'navigate' && url === `${APP}index.html` ? APP : url;
}

/** Drops the hashed files the page no longer names (an older version's). */
async function prune(cache, html) {
  const keep = named(html);
  for (const request of await cache.keys()) {
    if (HASHED.test(new URL(request.url).pathname) && !keep.has(request.url)) await cache.delete(request);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const page = await fetch(APP, { cache: 'no-cache' });
      if (!page.ok) throw new Error(`the app's page answered HTTP ${page.status}`);
      const html = await page.clone().text();
      await cache.addAll([...named(html)]);
      await cache.put(APP, page);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      // The page that registered this worker uses it from now on, not only after a reload.
      await self.clients.claim();
    })(),
  );
});

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(event, request) {
  const cache = await caches.open(CACHE);
  const key = keyOf(request);
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    const hit = await cache.match(key);
    if (hit) return hit;
    throw offline;
  }
  if (response.ok) {
    const copy = response.clone();
    const kept = key === APP
      ? Promise.all([cache.put(key, copy), response.clone().text()]).then(([, html]) => prune(cache, html))
      : cache.put(key, copy);
    event.waitUntil(kept);
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(APP)) return;
  event.respondWith(HASHED.test(new URL(request.url).pathname) ? cacheFirst(request) : networkFirst(event, request));
});
