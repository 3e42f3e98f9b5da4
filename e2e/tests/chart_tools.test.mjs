// Chart tools: an alarm line puts the chart and the node's card in alarm, the hover read-out
// names each series' value under the cursor, the window selector changes the span shown, a
// chart downloads as PNG and every series as JSON, the pipeline canvas downloads as a picture,
// and a chart is drawn again at its new size when the window changes, even while paused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { OUTPUT_DIR, openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('an alarm threshold marks the chart and the card while the line reaches it', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForStatAbove('stat-throttled', 0);
  const writes = app.chart('Writes');
  assert.match(await writes.locator('.alarm-unit').textContent(), /Count\/s/);
  await app.setAlarm('Writes', 1);
  await app.waitForAlarmState('Writes', 'In alarm');
  assert.match(await writes.getAttribute('class'), /alarming/);
  await app.testId('alarm-badge-1').waitFor();

  await app.setAlarm('Writes', 1e9);
  await app.waitForAlarmState('Writes', 'OK');
  await app.testId('alarm-badge-1').waitFor({ state: 'detached' });
  await app.setAlarm('Writes', '');
  assert.equal((await writes.locator('[data-testid="alarm-state"]').textContent()).trim(), '');
});

test('hovering a chart reads out the time and each series under the cursor', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForSimMsAbove(8_000);
  await app.pause();
  const writes = app.chart('Writes');
  await writes.scrollIntoViewIfNeeded();
  const box = await writes.locator('canvas').boundingBox();
  await app.page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
  const readout = writes.locator('[data-testid="chart-readout"]');
  await readout.waitFor();
  const text = await readout.textContent();
  assert.match(text, /^00:00:\d\d/, text);
  assert.match(text, /IncomingRecords\s*[\d,.]+k?/);
  assert.match(text, /WriteProvisionedThroughputExceeded\s*[\d,.]+k?/);
  await app.page.mouse.move(0, 0);
  await readout.waitFor({ state: 'detached' });
});

test('the window selector sets the span the charts show', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.jumpTo('3m');
  await app.page.locator('[data-testid="sim-clock"][data-ms="180000"]').waitFor({ timeout: 30_000 });
  const canvas = app.chart('Writes').locator('canvas');
  const span = async () => [Number(await canvas.getAttribute('data-from-s')), Number(await canvas.getAttribute('data-to-s'))];
  await app.testId('chart-window').selectOption('1m');
  await app.page.waitForFunction(() => document.querySelector('[data-testid="chart-writes"] canvas')?.dataset.fromS === '120');
  assert.deepEqual(await span(), [120, 180]);
  await app.testId('chart-window').selectOption('all');
  await app.page.waitForFunction(() => document.querySelector('[data-testid="chart-writes"] canvas')?.dataset.fromS === '0');
  assert.deepEqual(await span(), [0, 180]);
});

test('a chart downloads as PNG and every series as JSON', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForSimMsAbove(5_000);
  const png = await app.download('chart-png', app.chart('Writes'));
  assert.equal(png.name, 'shardplay-events-writes.png');
  const bytes = await readFile(png.path);
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  assert.ok(bytes.length > 5_000, `a drawn chart, not a blank one (${bytes.length} bytes)`);

  const json = await app.download('download-json');
  assert.equal(json.name, 'shardplay-metrics.json');
  const exported = JSON.parse(await readFile(json.path, 'utf8'));
  assert.ok(exported.now_s >= 5);
  const throttled = exported.series.find(
    (s) => s.node === 'events' && s.metric === 'WriteProvisionedThroughputExceeded',
  );
  assert.equal(throttled.unit, 'Count');
  assert.equal(throttled.resolution_s, 1);
  assert.ok(throttled.points.length >= 5 && throttled.points.some(([, v]) => v > 0));
});

test('the pipeline canvas downloads as a PNG picture at twice its size', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForSimMsAbove(3_000);
  const box = await app.page.locator('svg.pipeline').boundingBox();
  const png = await app.download('canvas-png');
  assert.match(png.name, /\.png$/);
  const bytes = await readFile(png.path);
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  // IHDR: width and height, big-endian, at bytes 16 and 20.
  assert.equal(bytes.readUInt32BE(16), Math.round(box.width * 2));
  assert.equal(bytes.readUInt32BE(20), Math.round(box.height * 2));
  // The page's styles came along: cards' coloured badges, accents and borders are there, not
  // black shapes on a grid (an SVG drawn without its stylesheet fills everything black).
  const coloured = await app.page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    [c.width, c.height] = [img.width, img.height];
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 80) n++;
    }
    return n;
  }, bytes.toString('base64'));
  assert.ok(coloured > 5_000, `coloured pixels of the cards (${coloured})`);
  await mkdir(OUTPUT_DIR, { recursive: true });
  await writeFile(`${OUTPUT_DIR}canvas-picture.png`, bytes);
});

test('a chart resized while the run is paused is drawn again at its new size, not stretched', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForSimMsAbove(3_000);
  await app.pause();
  const canvas = app.chart('Writes').locator('canvas');
  // The bitmap's pixels against the element's CSS pixels: one device pixel each when drawn.
  const fit = () => canvas.evaluate((c) => ({ bitmap: c.width, css: c.clientWidth, dpr: devicePixelRatio, to: c.dataset.toS }));
  const before = await fit();
  assert.equal(before.bitmap, Math.round(before.css * before.dpr));
  const viewport = app.page.viewportSize();
  try {
    await app.page.setViewportSize({ width: viewport.width - 300, height: viewport.height });
    await app.page.waitForFunction(
      (c) => c.clientWidth > 0 && c.width === Math.round(c.clientWidth * devicePixelRatio),
      await canvas.elementHandle(),
      { timeout: 10_000 },
    );
    const after = await fit();
    assert.notEqual(after.css, before.css, 'the chart changed size with the window');
    assert.equal(after.to, before.to, 'the same paused window of time, drawn again');
  } finally {
    await app.page.setViewportSize(viewport);
  }
});
