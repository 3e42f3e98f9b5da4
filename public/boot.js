// Starts the wasm app. Trunk's default loader is an inline <script>, which the page's
// Content-Security-Policy forbids; Trunk.toml's pattern_script emits instead
//   <script type="module" src="./public/boot.js" data-js="./app-<hash>.js" data-wasm="./app-<hash>_bg.wasm">
// and this file does what the inline loader would have done.
const tag = document.querySelector('script[data-wasm]');
const url = new URL(tag.dataset.wasm, document.baseURI);
// The wasm is compiled once, while the glue loads, and kept: the engine's worker and the
// planning workers are handed this module (app/src/host.rs), so none of them fetches or
// compiles the wasm again. A server that does not send application/wasm cannot stream it.
const compiling = WebAssembly.compileStreaming(fetch(url)).catch(async () =>
  WebAssembly.compile(await (await fetch(url)).arrayBuffer()));
const { default: init } = await import(new URL(tag.dataset.js, document.baseURI).href);
const module = await compiling;
globalThis.shardplayWasm = module;
const wasm = await init({ module_or_path: module });
// Same event trunk's own loader fires, for anything that waits on it.
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
// Once the app runs, a service worker (sw.js, beside index.html) keeps it for visits without a
// network. It is registered when the page has a moment, so its first caching never competes with
// the first frames. Browsers have none on file:// or an insecure origin; a failure costs only that.
if ('serviceWorker' in navigator) {
  const register = () =>
    navigator.serviceWorker.register(new URL('sw.js', document.baseURI)).catch((error) =>
      console.warn(`Shardplay will not open offline: ${error.message}`));
  if ('requestIdleCallback' in window) requestIdleCallback(register, { timeout: 3000 });
  else setTimeout(register, 1000);
}
