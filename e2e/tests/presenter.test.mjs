// Presenter mode (P, the Present button, or ?present): large type, no editing chrome, and
// the simulation keeps running; P again returns to the workbench.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

const rootFontSize = (page) => page.evaluate(() => getComputedStyle(document.documentElement).fontSize);

test('P toggles presenter mode: bigger type, editing controls hidden', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  assert.equal(await rootFontSize(app.page), '16px');
  assert.ok(await app.testId('controls').isVisible());
  await app.page.keyboard.press('p');
  await app.page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
  assert.equal(await rootFontSize(app.page), '20px');
  assert.equal(await app.testId('controls').isVisible(), false);
  assert.equal(await app.testId('present').getAttribute('aria-pressed'), 'true');
  const ms = await app.simMs();
  await app.waitForSimMsAbove(ms);
  await app.screenshot('presenter');
  await app.page.keyboard.press('p');
  await app.page.waitForFunction(() => !document.documentElement.classList.contains('presenting'));
  assert.ok(await app.testId('controls').isVisible());
});

test('?present opens straight into presenter mode', { timeout: 30_000 }, async () => {
  const base = app.url.split('#')[0];
  await app.page.goto(`${base}?present`);
  await app.waitReady();
  await app.page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
});
