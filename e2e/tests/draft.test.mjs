// Small things that break the flow (issue 25): a link whose scenario is out of range opens as a
// draft that stops the clock and says what to fix in people's words, naming nodes by their
// display names (not `nodes[1].params.capacity.shards`); fixing it in the inspector starts the
// run. Keyboard shortcuts keep working after a button was clicked (focus on a button does not
// swallow them; a text field does).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { openApp } from './fixtures/app_page.mjs';

let app, close;
before(async () => ({ app, close } = await openApp()));
after(() => close?.());

const linkFor = (scenario) => `#s=${deflateRawSync(Buffer.from(JSON.stringify(scenario))).toString('base64url')}`;

/** Lets the page draw `n` animation frames. */
const frames = (page, n) =>
  page.evaluate((n) => new Promise((done) => {
    const tick = (left) => (left ? requestAnimationFrame(() => tick(left - 1)) : done());
    tick(n);
  }), n);

test('an out-of-range link is a draft: the clock stops and the fix is said in words', { timeout: 60_000 }, async () => {
  const scenario = JSON.parse(await readFile(new URL('../../scenarios/clickstream.json', import.meta.url), 'utf8'));
  scenario.nodes[1].params.capacity.shards = 100000;
  const { page } = app;
  await page.goto(app.url.split('#')[0] + linkFor(scenario));
  await app.waitReady();
  const problems = app.testId('doc-problems');
  await problems.waitFor();
  const text = (await problems.textContent()).trim();
  assert.match(text, /events stream: 100,000 shards is more than the 10,000 allowed/);
  assert.doesNotMatch(text, /nodes\[|params|capacity\.shards/);

  // The clock is stopped, and Play does not start an empty run.
  assert.equal(await app.isPlaying(), false);
  await frames(page, 30);
  assert.equal(await app.simMs(), 0);
  await app.testId('play-pause').click();
  await page.locator('[data-testid="play-pause"][aria-pressed="false"]').waitFor();
  await frames(page, 30);
  assert.equal(await app.simMs(), 0);

  // Fixed in the stream's inspector, the pipeline runs and the clock goes.
  await app.testId('node-events').click({ position: { x: 60, y: 30 } });
  const field = app.testId('param-capacity-shards');
  await field.fill('4');
  await field.press('Enter');
  await problems.waitFor({ state: 'detached' });
  await app.play();
  await app.waitForSimMsAbove(500);
  assert.equal(await app.openShards(1), 4);
  assert.deepEqual(app.errors, []);
});

test('shortcuts work after a button was clicked, not while typing in a field', { timeout: 60_000 }, async () => {
  await app.goto();
  await app.waitReady();
  await app.openScenario('Clickstream with a hot partition key');
  assert.equal(await app.isPlaying(), true);
  // Focus stays on the clicked Step button; Space is the button's own, "r" and "." are shortcuts.
  await app.testId('step').click();
  await app.page.keyboard.press('p');
  await app.page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
  await app.page.keyboard.press('p');
  await app.page.waitForFunction(() => !document.documentElement.classList.contains('presenting'));
  // A "Try it" link (a button) keeps the focus after a click; the shortcut still answers.
  await app.testId('goto-rate-0').click();
  await app.testId('controls').locator('button').first().focus();
  await app.page.keyboard.press('p');
  await app.page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
  await app.page.keyboard.press('p');
  await app.page.waitForFunction(() => !document.documentElement.classList.contains('presenting'));
  // In a text field the letter is typed, not a shortcut.
  const name = app.testId('param-name');
  await app.testId('goto-rate-0').click();
  await name.focus();
  await app.page.keyboard.press('p');
  assert.equal(await app.page.evaluate(() => document.documentElement.classList.contains('presenting')), false);
});
