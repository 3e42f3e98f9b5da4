// A learner completes a lesson by following its hints: open it from the Lessons list, watch
// the check refuse the untouched pipeline, reveal the hints, make the hinted change with the
// producer's own control, and run until the success state shows. The lesson travels in the
// link, and presenter mode steps through the hints with the keyboard.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OUTPUT_DIR, openApp } from './fixtures/app_page.mjs';

/** What fits on a 1280x720 screen, without scrolling. */
const screen = async (name) => {
  await app.page.evaluate(() => window.scrollTo(0, 0));
  await app.page.screenshot({ path: `${OUTPUT_DIR}${name}.png` });
};

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

const status = () => app.testId('lesson-status');
const statusState = () => status().getAttribute('data-state');

test('the hot-partition-key lesson is completed by following its hints', { timeout: 120_000 }, async () => {
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 720 });
  await app.goto();
  await app.waitReady();
  assert.equal(await app.testId('lesson-panel').count(), 0, 'the default scenario has no lesson');

  await app.testId('lessons-open').click();
  await app.testId('lessons').waitFor();
  assert.ok((await page.locator('.lesson-card').count()) >= 7, 'the list shows the lessons');
  await app.testId('lesson-open-hot-partition-key').click();
  await page.locator('[data-testid="scenario-name"]', { hasText: 'Lesson: one hot partition key' }).waitFor();
  await app.testId('lesson-panel').waitFor();
  assert.match(await app.testId('lesson-title').textContent(), /hot partition key/i);
  assert.match(await app.testId('lesson-docs').getAttribute('href'), /^https:\/\/docs\.aws\.amazon\.com\/streams\//);

  // Untouched, the hot shard throttles: the check says what is wrong and never passes.
  await app.setSpeed(10);
  await app.waitForSimMsAbove(20_000);
  assert.equal(await statusState(), 'holding');
  assert.match(await status().textContent(), /Not yet: clicks stream WriteProvisionedThroughputExceeded was [\d,]+/);

  // The hints, one at a time.
  for (let i = 1; i <= 3; i += 1) {
    assert.equal(await app.testId(`lesson-hint-${i}`).count(), 0, `hint ${i} hidden before asked for`);
    await app.testId('lesson-next').click();
    await app.testId(`lesson-hint-${i}`).waitFor();
  }
  const lastHint = await app.testId('lesson-hint-3').textContent();
  assert.match(lastHint, /set Keys to uniform/);
  await app.screenshot('lesson-hints');

  // Do what the last hint says, with the producer's one control for its keys (Try it leads there).
  await app.testId('goto-keys-0').click();
  await app.testId('param-keys').selectOption('uniform');
  await page.locator('[data-testid="notice"]', { hasText: 'restarted from zero' }).waitFor();
  await page.locator('[data-testid="lesson-status"][data-state="passed"]').waitFor({ timeout: 60_000 });
  assert.match(await app.testId('lesson-success').textContent(), /Goal met/);
  assert.ok((await app.simMs()) >= 60_000, 'the goal needs 60 simulated seconds');
  await app.screenshot('lesson-passed');
  await screen('lesson-passed-1280x720');

  // The link carries the lesson, and the edit: a fresh load shows it again.
  const link = page.url();
  assert.match(link, /#s=/);
  await page.goto('about:blank');
  await page.goto(link);
  await app.waitReady();
  await app.testId('lesson-panel').waitFor();
  assert.match(await app.testId('lesson-title').textContent(), /hot partition key/i);
  assert.deepEqual(app.errors, []);
});

test('presenter mode steps through the lesson with N and the arrow keys', { timeout: 60_000 }, async () => {
  const { page } = app;
  await page.setViewportSize({ width: 1280, height: 720 });
  await app.goto();
  await app.waitReady();
  await app.testId('lessons-open').click();
  await app.testId('lesson-open-reshard-spike').click();
  await app.testId('lesson-panel').waitFor();
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
  assert.ok(await app.testId('lesson-panel').isVisible(), 'the lesson stays on screen');
  assert.equal(await app.testId('controls').isVisible(), false, 'the editing controls do not');

  await page.keyboard.press('n');
  await app.testId('lesson-hint-1').waitFor();
  await page.keyboard.press('ArrowRight');
  await app.testId('lesson-hint-2').waitFor();
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => !document.querySelector('[data-testid="lesson-hint-2"]'));
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
  await app.testId('lesson-solution').waitFor();
  assert.match(await app.testId('lesson-solution').textContent(), /UpdateShardCount to 2 shards/);
  await app.waitForSimMsAbove(5_000);
  await app.screenshot('lesson-presenter');
  await screen('lesson-presenter-1280x720');
  await page.keyboard.press('p');
});
