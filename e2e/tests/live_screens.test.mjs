// Saves screenshots of the live view for a person to look at, at a projector's size (1280x720)
// and a laptop's (1920x1080): the Zipf hot-shard scenario throttling, an alarm set on the
// Writes chart and the hover read-out open. e2e/output/live-<width>x<height>[-charts].png.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp } from './fixtures/app_page.mjs';

const closers = [];
after(async () => {
  for (const close of closers) await close();
});

for (const [width, height] of [[1280, 720], [1920, 1080]]) {
  test(`the live view at ${width}x${height}`, { timeout: 90_000 }, async () => {
    const { app, close } = await openApp({ viewport: { width, height } });
    closers.push(close);
    await app.goto();
    await app.waitReady();
    await app.openScenario('A hot shard from skewed keys (Zipf)');
    await app.setSpeed(10);
    await app.waitForSimMsAbove(40_000, 60_000);
    await app.setAlarm('Writes', 50);
    await app.waitForAlarmState('Writes', 'In alarm');
    await app.testId('alarm-badge-1').waitFor();
    await app.selectNode('orders-stream');
    await app.pause();
    await app.page.evaluate(() => window.scrollTo(0, 0));
    const top = await app.viewportShot(`live-${width}x${height}`);

    const canvas = app.chart('Writes').locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await app.page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
    await app.chart('Writes').locator('[data-testid="chart-readout"]').waitFor();
    const page = await app.viewportShot(`live-${width}x${height}-charts`);
    for (const path of [top, page]) {
      assert.equal((await readFile(path)).subarray(1, 4).toString(), 'PNG');
      console.log(`screenshot: ${path}`);
    }
    assert.deepEqual(app.errors, []);
  });
}
