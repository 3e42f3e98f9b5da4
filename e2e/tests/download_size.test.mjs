// What a first visit downloads before the first frame stays within the committed budget.
// A size check, not a timing: the release build's sizes are deterministic. Raise the budget only
// with a reason in docs/performance.md ("Download"), where the breakdown by crate lives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { DEFAULT_ROOT } from '../support/server.mjs';

/**
 * Gzipped bytes of the wasm and its JS glue (zlib's default level, as most servers send it).
 * 955,007 bytes on 2026-12-03 (1,051,677 before the scenario readers were shared); about
 * 1,038,000 with Managed Flink and the infrastructure-code export. Raised from 1,000,000 for
 * those two features (docs/performance.md, "Download"); the room above is for SNS and the
 * latency panel, not for a dependency. 1,270,739 on 2026-12-05 with the first five minutes, the
 * SNS delivery-policy form and the MSK interventions; raised to 1,300,000 for them. 1,320,139 on
 * 2026-12-06 with the Compare with Amazon MSK and the How sure? seeds panels; raised to 1,350,000.
 * 1,349,088 later that day with the phone's bottom sheets and end-to-end latency; raised to
 * 1,360,000, not for a feature: panic locations embed the registry's path (the cargo home), so a
 * machine with another home builds a few hundred bytes more, and 912 bytes was too close.
 * 1,351,116 at 52e8670; 1,499,382 with the engine in a Web Worker (issue #23): the one binary now
 * reads and writes every message (views, chart series, commands, scenarios) both ways, as JSON
 * to the worker and as JS values to the page; raised to 1,510,000 for it, a known cost to cut
 * (docs/performance.md, "Download"). 1,518,688 with the planning pool (how sure? and the service
 * comparison on workers): the page now reads replication figures and whole comparisons back
 * from JS values, and the workers read tasks; raised to 1,530,000 for it. 1,526,682 with the
 * auto-size and the capacity-mode comparison on workers too (a sized scenario crosses as JSON
 * text: as a JS value it cost 74 KB more). 1,411,494 on 2026-12-07 once node and message readers
 * went through sim-core's one scenario reader (-115 KB): lowered to 1,420,000 to keep the gain.
 * 1,420,935 once an upright phone draws the pipeline top to bottom (editor/flow.rs, +4 KB of
 * the wasm gzipped, measured on cargo's output of both commits through wasm-bindgen and
 * wasm-opt -Oz): 1,425,000 for it.
 */
const BUDGET_GZIP_BYTES = 1_425_000;
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
