// axe-core (npm) on every view a class sees: the default view, the editor with a node selected,
// the gallery, the lessons list, a lesson, presenter mode, and a phone. Any serious or critical
// violation fails, with axe's rule, its help and the elements it names.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical violations on the page as it is, one line each. */
async function violations(page) {
  // Through the DevTools protocol, so the page's CSP (no inline script) does not apply.
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s): ${v.nodes
      .slice(0, 4)
      .map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`)
      .join(' | ')}`);
}

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

test('the default view', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.play();
  await app.waitForStatAbove('total-produced', 0);
  assert.deepEqual(await violations(app.page), []);
  assert.equal(await app.page.locator('h1').count(), 1, 'one level-one heading');
});

test('the editor with a node selected', { timeout: 60_000 }, async () => {
  const [first] = await app.nodeIds();
  await app.selectNode(first);
  assert.deepEqual(await violations(app.page), []);
});

test('the gallery and the lessons list', { timeout: 60_000 }, async () => {
  await app.testId('gallery-open').click();
  await app.testId('gallery').waitFor();
  const gallery = await violations(app.page);
  await app.page.keyboard.press('Escape');
  await app.testId('lessons-open').click();
  await app.testId('lessons').waitFor();
  const lessons = await violations(app.page);
  await app.page.keyboard.press('Escape');
  assert.deepEqual(gallery, [], 'the gallery');
  assert.deepEqual(lessons, [], 'the lessons list');
});

test('a lesson, then presenter mode', { timeout: 60_000 }, async () => {
  await app.testId('lessons-open').click();
  await app.testId('lesson-open-hot-partition-key').click();
  await app.testId('lesson-panel').waitFor();
  await app.testId('lesson-next').click();
  assert.deepEqual(await violations(app.page), []);
  await app.testId('present').click();
  await app.page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
  assert.deepEqual(await violations(app.page), []);
});

test('a phone at 375x667, with its bottom sheets', { timeout: 60_000 }, async () => {
  const phone = await openApp({ viewport: { width: 375, height: 667 }, phone: true });
  try {
    await phone.app.goto();
    await phone.app.waitReady();
    assert.deepEqual(await violations(phone.app.page), []);
    // The node's bottom sheet, then the palette's.
    const page = phone.app.page;
    await page.locator('svg.pipeline g.card').first().tap();
    await phone.app.testId('node-sheet-close').waitFor();
    assert.deepEqual(await violations(page), [], 'the node\'s sheet');
    await phone.app.testId('node-sheet-close').tap();
    await phone.app.testId('add-node').tap();
    await phone.app.testId('add-sheet-close').waitFor();
    assert.deepEqual(await violations(page), [], 'the palette\'s sheet');
  } finally {
    await phone.close();
  }
});
