// Saves e2e/output/running.png of the app while it runs, for a person to look at
// (a blank page with passing assertions is still a failure).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('a screenshot of the running app is saved', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForStatAbove('total-produced', 0);
  // Half a simulated minute at 10x, so the charts show a picture worth looking at.
  await app.setSpeed(10);
  await app.waitForSimMsAbove(30_000);
  await app.page.waitForTimeout(300); // let the charts draw

  const box = await app.testId('app').boundingBox();
  assert.ok(box && box.width > 0 && box.height > 0, 'the app root is visible');

  const path = await app.screenshot('running');
  const png = await readFile(path);
  assert.equal(png.subarray(1, 4).toString(), 'PNG', `${path} is a PNG`);
  console.log(`screenshot: ${path}`);
});
