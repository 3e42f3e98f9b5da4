// Starts the wasm app. Trunk's default loader is an inline <script>, which the page's
// Content-Security-Policy forbids; Trunk.toml's pattern_script emits instead
//   <script type="module" src="./public/boot.js" data-js="./app-<hash>.js" data-wasm="./app-<hash>_bg.wasm">
// and this file does what the inline loader would have done.
const tag = document.querySelector('script[data-wasm]');
const url = new URL(tag.dataset.wasm, document.baseURI);
// index.html's "Loading" notice: gone once the app is mounted, or it says why it could not start.
const boot = document.getElementById('boot');

/** Why the app could not start, as a sentence in people's words. */
class Failure extends Error {}
const download = (what) => (error) => {
  throw new Failure(`${what} did not download: is the network down?`, { cause: error });
};

async function start() {
  if (typeof WebAssembly !== 'object') {
    throw new Failure('This browser cannot run WebAssembly (any current Chrome, Edge, Firefox or Safari can).');
  }
  // The wasm is compiled once, while the glue loads, and kept: the engine's worker and the
  // planning workers are handed this module (app/src/host.rs), so none of them fetches or
  // compiles the wasm again. A server that does not send application/wasm cannot stream it.
  const fetched = () =>
    fetch(url).then((response) => {
      if (!response.ok) throw new Failure(`The server answered HTTP ${response.status} for ${url.pathname}.`);
      return response;
    }, download('The simulator'));
  const compiling = WebAssembly.compileStreaming(fetched()).catch(async () =>
    WebAssembly.compile(await (await fetched()).arrayBuffer()));
  // Awaited below; if the glue fails first, its failure is the one to tell.
  compiling.catch(() => {});
  const glue = new URL(tag.dataset.js, document.baseURI).href;
  const { default: init } = await import(glue).catch(download('The app'));
  const module = await compiling;
  globalThis.shardplayWasm = module;
  return init({ module_or_path: module });
}

// The infrastructure-code module (export and template import, app/src/bin/infra.rs),
// downloaded the first time the app asks for it (app/src/infra.rs), never before the first
// frame. Its files carry a content hash like the app's (Trunk.toml's post-build hook names them
// in data-infra-js and data-infra-wasm), so the service worker keeps them for offline use. A
// failed download is forgotten, so the next use tries again. Defined before the app starts.
let infra;
globalThis.shardplayInfra = () =>
  (infra ??= (async () => {
    const at = (name) => new URL(tag.dataset[name], document.baseURI).href;
    const module = await import(at('infraJs')).catch(download('The export and import module'));
    await module.default({ module_or_path: at('infraWasm') }).catch(download('The export and import module'));
    return module;
  })().catch((error) => {
    infra = undefined;
    throw error;
  }));

let wasm;
try {
  wasm = await start();
  boot?.remove();
} catch (error) {
  const why = error instanceof Failure ? error.message : `An error stopped it (${error.message}).`;
  boot?.classList.add('failed');
  boot?.setAttribute('role', 'alert');
  const text = boot?.querySelector('.boot-text');
  if (text) text.textContent = `Shardplay could not start. ${why} Reload the page to try again.`;
  const retry = Object.assign(document.createElement('button'), { className: 'ghost-button', textContent: 'Reload' });
  retry.dataset.testid = 'boot-reload';
  retry.addEventListener('click', () => location.reload());
  boot?.append(retry);
  throw error;
}
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
