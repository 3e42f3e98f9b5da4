// Starts the wasm app. Trunk's default loader is an inline <script>, which the page's
// Content-Security-Policy forbids; Trunk.toml's pattern_script emits instead
//   <script type="module" src="./public/boot.js" data-js="./app-<hash>.js" data-wasm="./app-<hash>_bg.wasm">
// and this file does what the inline loader would have done.
const tag = document.querySelector('script[data-wasm]');
const { default: init } = await import(new URL(tag.dataset.js, document.baseURI).href);
const wasm = await init({ module_or_path: new URL(tag.dataset.wasm, document.baseURI) });
// Same event trunk's own loader fires, for anything that waits on it.
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
