// The engine's dedicated worker (app/src/host.rs starts it, app/src/worker.rs runs in it).
// It loads the page's own glue and wasm, whose addresses the page passes in the query string
// (?js=...&wasm=..., from the data-js / data-wasm that boot.js reads): one binary, fetched again
// from the HTTP cache, not a second download. Started in a worker, the wasm's `main` hosts the
// engine instead of mounting the page, and says `Listening`; until then the page holds its
// messages. A failure here is reported, and the page runs the engine itself.
const params = new URL(import.meta.url).searchParams;

/** `name`'s address from the query, only if it is on this worker's own origin. */
function sameOrigin(name) {
  const url = new URL(params.get(name) ?? '', self.location.href);
  if (url.origin !== self.location.origin) throw new Error(`${name} is not on this origin`);
  return url.href;
}

try {
  const { default: init } = await import(sameOrigin('js'));
  await init({ module_or_path: sameOrigin('wasm') });
} catch (error) {
  // The page reads this as ToPage::Failed (serde-wasm-bindgen: an object keyed by the variant).
  postMessage({ Failed: `the engine worker could not load the wasm: ${error}` });
}
