// The engine's dedicated worker and the planning pool's (app/src/host.rs starts them,
// app/src/worker.rs runs in them). The page's first message hands over the wasm module it
// compiled (public/boot.js), so the worker neither fetches nor compiles it again; without one,
// the worker loads the page's own glue and wasm, whose addresses the page passes in the query
// string (?js=...&wasm=..., from the data-js / data-wasm that boot.js reads). Started in a
// worker, the wasm's `main` hosts the engine instead of mounting the page, and says `Listening`;
// until then the page holds its messages. A failure here is reported, and the page runs the
// engine itself.
const params = new URL(import.meta.url).searchParams;

/** `name`'s address from the query, only if it is on this worker's own origin. */
function sameOrigin(name) {
  const url = new URL(params.get(name) ?? '', self.location.href);
  if (url.origin !== self.location.origin) throw new Error(`${name} is not on this origin`);
  return url.href;
}

const handed = await new Promise((resolve) =>
  addEventListener('message', (event) => resolve(event.data?.module), { once: true }));

try {
  const { default: init } = await import(sameOrigin('js'));
  const module = handed instanceof WebAssembly.Module ? handed : sameOrigin('wasm');
  await init({ module_or_path: module });
} catch (error) {
  // The page reads this as ToPage::Failed (serde-wasm-bindgen: an object keyed by the variant).
  postMessage({ Failed: `the engine worker could not load the wasm: ${error}` });
}
