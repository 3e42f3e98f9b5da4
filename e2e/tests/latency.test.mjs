// The selected node's record latency (MODEL.md, Latency): a line above its charts with p50, p90,
// p99 and max in order, the same end to end from the producer, and what each measures on hover;
// none for a stream.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

/** A duration as the line writes it (`611 ms`, `1.2 s`, `3.5 min`, `2.0 h`), in ms. */
function ms(text) {
  const [value, unit] = text.trim().split(' ');
  return Number(value) * { ms: 1, s: 1e3, min: 6e4, h: 3.6e6 }[unit];
}

test('a consumer shows its latency percentiles in order; a stream shows none', { timeout: 90_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.jumpTo('2m');
  await app.page.locator('[data-testid="sim-clock"][data-ms="120000"]').waitFor({ timeout: 60_000 });
  assert.equal(await app.testId('latency-line').count(), 0, 'the stream measures none');
  await app.selectNode('analytics');
  const line = app.testId('latency-line');
  await line.waitFor();
  const text = await line.textContent();
  const m = text.match(/p50 (.+?) · p90 (.+?) · p99 (.+?) · max (.+?) \(([\d,]+) records\)/);
  assert.ok(m, text);
  const [p50, p90, p99, max] = m.slice(1, 5).map(ms);
  assert.ok(p50 > 0 && p50 <= p90 && p90 <= p99 && p99 <= max, text);
  assert.ok(Number(m[5].replaceAll(',', '')) > 100_000, 'two minutes of records read');
  assert.match(await line.getAttribute('title'), /arrival at the stream to the read/);

  // End to end, from the producer: each percentile at least the hop's (the records also waited
  // in their producer's batch), and what it measures on hover.
  const e2e = await app.testId('end-to-end-line').textContent();
  const e = e2e.match(/From the producer: p50 (.+?) · p90 (.+?) · p99 (.+?) · max (.+)$/i);
  assert.ok(e, e2e);
  const [e50, e90, e99, emax] = e.slice(1, 5).map(ms);
  assert.ok(e50 >= p50 && e90 >= p90 && e99 >= p99 && emax >= max, `${e2e} vs ${text}`);
  assert.match(await app.testId('end-to-end-line').getAttribute('title'), /birth at the producer/);

  // The histogram under it: a bar per octave, whose records add up to the line's count.
  const histogram = app.testId('latency-histogram');
  await histogram.waitFor();
  const bars = await histogram.locator('rect.latency-bar').evaluateAll((rects) =>
    rects.map((r) => Number(r.getAttribute('data-records'))),
  );
  assert.ok(bars.length >= 2, `${bars.length} octaves`);
  const shown = Number(m[5].replaceAll(',', ''));
  const total = bars.reduce((a, b) => a + b, 0);
  // Each bar is rounded to a record; paused, the line and the bars read the same run.
  assert.ok(Math.abs(total - shown) <= bars.length, `${total} in bars vs ${shown} records`);
  assert.equal(await histogram.locator('line.latency-mark').count(), 3, 'p50, p90 and p99');
});
