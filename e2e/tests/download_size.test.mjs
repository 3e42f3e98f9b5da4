// What a first visit downloads before the first frame stays within the committed budget.
// A size check, not a timing: the release build's sizes are deterministic. Raise the budget only
// with a reason in docs/performance.md ("Download"), where the breakdown by crate lives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { DEFAULT_ROOT } from '../support/server.mjs';

/**
 * Gzipped bytes of the wasm and its JS glue (zlib's default level, as most servers send it): what
 * the first frame waits for. The infrastructure-code module (export, template import) is not
 * part of it: the page downloads it on first use (export_preview_download.test.mjs checks that).
 * 1,304,641 on 2026-12-07 once that module moved out (1,423,069 before); 1,340,573 after stop
 * 49's fidelity and bounded-cost fixes. Every change of the budget, and why, is in
 * docs/performance.md ("Download"), with the breakdown by crate.
 */
const BUDGET_GZIP_BYTES = 1_365_000;
/** The design's target for the same figure (issue #23): not met yet, see docs/performance.md. */
const TARGET_GZIP_BYTES = 600_000;

async function gzipped(name) {
  const bytes = await readFile(new URL(name, `file://${DEFAULT_ROOT}/`));
  return { raw: bytes.length, gzip: gzipSync(bytes).length };
}

test('the wasm and its glue stay within the download budget', async () => {
  const html = await readFile(new URL('index.html', `file://${DEFAULT_ROOT}/`), 'utf8');
  // public/boot.js loads them (Trunk.toml's pattern_script names them in data-js / data-wasm).
  const js = html.match(/data-js="\.\/([^"]+)"/)?.[1];
  const wasm = html.match(/data-wasm="\.\/([^"]+)"/)?.[1];
  assert.ok(js && wasm, 'index.html names the app JS and wasm');
  const [w, j] = [await gzipped(wasm), await gzipped(js)];
  const total = w.gzip + j.gzip;
  const kb = (n) => `${(n / 1000).toFixed(0)} KB`;
  assert.ok(
    total <= BUDGET_GZIP_BYTES,
    `the app downloads ${kb(total)} gzipped (wasm ${kb(w.gzip)} of ${kb(w.raw)} raw, JS ${kb(j.gzip)}), ` +
      `over its budget of ${kb(BUDGET_GZIP_BYTES)} (target ${kb(TARGET_GZIP_BYTES)})`,
  );
});
