// The gallery lists every bundled scenario with its description and tags; opening one
// replaces the canvas, and the browser's Back button returns to the previous scenario.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('the gallery opens scenarios and Back undoes it', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.testId('gallery-open').click();
  await app.testId('gallery').waitFor();
  const files = (await readdir(new URL('../../scenarios/', import.meta.url))).filter((f) => f.endsWith('.json'));
  assert.equal(await app.page.locator('.gallery-card').count(), files.length, 'one card per scenario file');
  const card = app.testId('gallery-on-demand-tripling');
  assert.match(await card.textContent(), /On-demand when traffic triples.*on-demand/s);
  await card.click();
  await app.page.locator('[data-testid="scenario-name"]', { hasText: 'On-demand when traffic triples' }).waitFor();
  assert.equal(await app.testId('gallery').isVisible(), false, 'the dialog closes');

  await app.page.goBack();
  await app.page.locator('[data-testid="scenario-name"]', { hasText: 'Clickstream with a hot partition key' }).waitFor();
  assert.deepEqual(app.errors, []);
});

test('Escape closes every modal dialog and gives the focus back to what opened it', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  for (const [opener, dialog] of [['gallery-open', 'gallery'], ['lessons-open', 'lessons'], ['export-open', 'export-dialog']]) {
    await app.testId(opener).focus();
    await app.page.keyboard.press('Enter');
    await app.testId(dialog).waitFor();
    // The focus moves inside (onto Close), so the keyboard acts on the dialog.
    await app.page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`).contains(document.activeElement), dialog);
    await app.page.keyboard.press('Escape');
    await app.page.waitForFunction((id) => getComputedStyle(document.querySelector(`[data-testid="${id}"]`)).display === 'none', dialog);
    assert.equal(await app.page.evaluate(() => document.activeElement?.dataset.testid), opener, `${dialog}: the focus is back on its button`);
  }
  assert.deepEqual(app.errors, []);
});
