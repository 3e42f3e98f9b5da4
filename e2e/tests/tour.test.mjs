// The first-run tour (issue 25): four steps (play, a red card, a chart, the gallery), walked by
// keyboard alone; finished or skipped (button or Escape), it never returns, and it never shows
// in an embed, in presenter mode or on a shared link. Only this file meets the tour: every other
// test starts with it dismissed (fixtures/app_page.mjs seeds local storage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

/** What the ring around the step's target surrounds: the test id or class of the element under its centre. */
const pointedAt = (page) =>
  page.evaluate(() => {
    const ring = document.querySelector('.tour-ring');
    if (!ring) return null;
    const r = ring.getBoundingClientRect();
    const under = document.elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2).filter((el) => !el.closest('.tour, .tour-ring'));
    const el = under[0];
    const owner = el?.closest('[data-testid]');
    return `${owner?.dataset.testid ?? ''} ${el?.closest('.card, .chart')?.getAttribute('class') ?? ''}`;
  });

/** What the ring points at once it points at `re`, or after 5 s: the ring glides to each step's
 * target (a CSS transition), which on a busy machine takes more than a frame or two. */
async function pointsAt(page, re) {
  const deadline = Date.now() + 5_000;
  let at = await pointedAt(page);
  while (!re.test(at ?? '') && Date.now() < deadline) {
    await page.waitForTimeout(50);
    at = await pointedAt(page);
  }
  return at;
}

test('the tour walks its four steps by keyboard and does not return after a reload', { timeout: 90_000 }, async () => {
  const { app, close } = await openApp({ tour: true, viewport: { width: 1280, height: 720 } });
  try {
    const { page } = app;
    const base = app.url.split('#')[0];
    await app.goto();
    await app.waitReady();
    const tour = app.testId('tour');
    await tour.waitFor();
    // The focus is on "Next": Enter walks the steps.
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'tour-next');
    assert.equal(await tour.getAttribute('data-step'), '1');
    assert.match(await tour.textContent(), /Play and pause/);
    assert.match(await pointsAt(page, /play-pause/), /play-pause/);
    await app.viewportShot('tour-step-1-1280x720');

    await page.keyboard.press('Enter');
    await page.locator('[data-testid="tour"][data-step="2"]').waitFor();
    assert.match(await tour.textContent(), /Red means AWS says no/);
    // The default scenario's stream is throttled within its first simulated seconds; the ring
    // moves to it as soon as the card turns.
    await page.locator('svg.pipeline .card.health-failing, svg.pipeline .card.health-hot').first().waitFor();
    await page.waitForFunction(() => {
      const ring = document.querySelector('.tour-ring')?.getBoundingClientRect();
      const card = document.querySelector('svg.pipeline .card.health-failing, svg.pipeline .card.health-hot')?.getBoundingClientRect();
      return ring && card && Math.abs(ring.left + ring.width / 2 - (card.left + card.width / 2)) < 2;
    });
    assert.match(await pointsAt(page, /health-(failing|hot)/), /health-(failing|hot)/);
    await app.viewportShot('tour-step-2-1280x720');

    // Tab reaches Back, and Shift+Tab returns to Next.
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="tour"][data-step="3"]').waitFor();
    assert.match(await tour.textContent(), /charts of the selected card/);
    assert.match(await pointsAt(page, /chart/), /chart/);
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'tour-back');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="tour"][data-step="2"]').waitFor();
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'tour-next');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="tour"][data-step="3"]').waitFor();
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'tour-next');
    await page.keyboard.press('Enter');

    await page.locator('[data-testid="tour"][data-step="4"]').waitFor();
    assert.match(await tour.textContent(), /More scenarios/);
    assert.match(await pointsAt(page, /gallery-open/), /gallery-open/);
    assert.equal((await app.testId('tour-next').textContent()).trim(), 'Done');
    await app.viewportShot('tour-step-4-1280x720');
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'tour-next');
    await page.keyboard.press('Enter');
    await tour.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => localStorage.getItem('shardplay.tour')), 'done');

    // Reload (the plain address, with the saved document): no tour.
    await page.goto(base);
    await app.waitReady();
    await app.waitForSimMsAbove(500);
    assert.equal(await tour.count(), 0, 'the finished tour does not return');
    assert.deepEqual(app.errors, []);
  } finally {
    await close();
  }
});

test('skipping persists too, by the button and by Escape', { timeout: 90_000 }, async () => {
  for (const how of ['button', 'Escape']) {
    const { app, close } = await openApp({ tour: true });
    try {
      const { page } = app;
      const base = app.url.split('#')[0];
      await app.goto();
      await app.waitReady();
      await app.testId('tour').waitFor();
      if (how === 'button') await app.testId('tour-skip').click();
      else await page.keyboard.press('Escape');
      await app.testId('tour').waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => localStorage.getItem('shardplay.tour')), 'skipped');
      await page.goto(base);
      await app.waitReady();
      await app.waitForSimMsAbove(500);
      assert.equal(await app.testId('tour').count(), 0, `skipped by ${how}, the tour does not return`);
    } finally {
      await close();
    }
  }
});

test('no tour in an embed, in presenter mode, or on a shared link', { timeout: 90_000 }, async () => {
  const { app, close } = await openApp({ tour: true });
  try {
    const { page } = app;
    const base = app.url.split('#')[0];
    // A shared link: take the one the app writes, and open it in a fresh browser profile.
    await app.goto();
    await app.waitReady();
    await app.testId('tour').waitFor();
    const link = page.url();
    assert.match(link, /#s=/);
    for (const address of [`${base}?embed`, `${base}?present`, link]) {
      const context = await page.context().browser().newContext({ viewport: { width: 1280, height: 800 } });
      const other = await context.newPage();
      await other.goto(address);
      await other.locator('[data-testid="app"][data-ready="true"]').waitFor({ timeout: 20_000 });
      await other.waitForFunction(() => Number(document.querySelector('[data-testid="sim-clock"]')?.dataset.ms) > 500);
      assert.equal(await other.locator('[data-testid="tour"]').count(), 0, `no tour at ${address.slice(0, 80)}`);
      await context.close();
    }
  } finally {
    await close();
  }
});
