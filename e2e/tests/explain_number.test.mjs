// "Explain this number": a headline figure opens its arithmetic from the live run, by click and
// by keyboard, and shortcuts keep working after a button was clicked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('refused attempts open their arithmetic per shard, and the figure says retries count', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.waitForStatAbove('stat-throttled', 0);
  const stat = app.testId('stat-throttled');
  await stat.click();
  assert.equal(await stat.getAttribute('aria-expanded'), 'true');
  const arithmetic = (await app.testId('explanation-arithmetic').textContent()).trim();
  assert.match(arithmetic, /attempts\/s = .*\(shard \d+\)/, arithmetic);
  const panel = (await app.testId('figure-explanation').textContent()).trim();
  assert.match(panel, /retries included/, panel);
  assert.match(await stat.locator('xpath=..').textContent(), /retries included; [\d,.k]+ records\/s given up/);
  await app.screenshot('explain-refused');

  // The keyboard reaches it too: focus another figure and press Enter.
  await app.testId('stat-incoming').focus();
  await app.page.keyboard.press('Enter');
  assert.match((await app.testId('explanation-arithmetic').textContent()).trim(), /rec\/s = .*\(shard \d+\)/);
});

test('shortcuts work after a button was clicked', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  // The focus stays on the clicked button; the presenter shortcut still answers.
  await app.testId('stat-incoming').click();
  await app.page.keyboard.press('p');
  await app.page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
  await app.page.keyboard.press('p');
  await app.page.waitForFunction(() => !document.documentElement.classList.contains('presenting'));
});
