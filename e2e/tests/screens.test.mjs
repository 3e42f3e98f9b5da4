// Every screen a class uses (issue 24): a student's phone (portrait and sideways), a tablet, and
// the instructor's projector in presenter mode. On each: nothing wider than the viewport, the
// whole pipeline fitted inside the canvas, and the controls a student needs within reach of a
// finger (44 px, WCAG 2.5.5). On the phone: play by tap, a node's knobs and charts by tapping its
// card, pinch to zoom, and wiring by two taps. On the projector: the title whole and the cards'
// names at 18 px or more. Screenshots land in e2e/output/screens-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { openApp, OUTPUT_DIR } from './fixtures/app_page.mjs';

const PHONE = { width: 375, height: 667 };

/** Elements (outside the canvas's own drawing) reaching past the right edge of the viewport. */
const overflowing = (page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => !el.closest('svg.pipeline g') && el.getClientRects().length > 0)
      .filter((el) => {
        // Inside a box that scrolls sideways on its own (the palette strip), it is that box's.
        for (let p = el.parentElement; p; p = p.parentElement) {
          if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX) && p !== document.body) {
            return p.getBoundingClientRect().right > width + 1;
          }
        }
        return el.getBoundingClientRect().right > width + 1;
      })
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
    return { scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10) };
  });

/** Cards whose box is not inside the canvas's box. */
const cardsOutside = (page) =>
  page.evaluate(() => {
    const c = document.querySelector('svg.pipeline').getBoundingClientRect();
    return [...document.querySelectorAll('svg.pipeline .card-bg')]
      .map((el) => el.getBoundingClientRect())
      .filter((r) => r.left < c.left - 1 || r.right > c.right + 1 || r.top < c.top - 1 || r.bottom > c.bottom + 1).length;
  });

/** Visible controls shorter than 44 px, in the given containers. */
const smallTargets = (page, selector) =>
  page.evaluate((selector) => {
    return [...document.querySelectorAll(selector)]
      .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .filter((el) => el.getBoundingClientRect().height < 44 - 0.5)
      .map((el) => `${el.dataset.testid ?? el.className} ${Math.round(el.getBoundingClientRect().height)}px`);
  }, selector);

/**
 * A point of the canvas's empty background, the first a scan finds, by default near its sides
 * (a tap beside a card may be taken as a tap on it); `columns` are fractions of its width.
 */
const emptySpot = (page, columns = [0.05, 0.95, 0.5]) =>
  page.evaluate((columns) => {
    const c = document.querySelector('svg.pipeline').getBoundingClientRect();
    for (const fy of [0.05, 0.5, 0.95, 0.25, 0.75]) {
      for (const fx of columns) {
        const [x, y] = [c.left + fx * c.width, c.top + fy * c.height];
        if (document.elementFromPoint(x, y)?.classList.contains('canvas-bg')) return { x, y };
      }
    }
    throw new Error('no empty spot on the canvas');
  }, columns);

/** The canvas's zoom (the scale of its world transform). */
const zoom = (page) =>
  page.evaluate(() => Number(/scale\(([\d.]+)\)/.exec(document.querySelector('svg.pipeline g.world').getAttribute('transform'))[1]));

async function phone(viewport = PHONE) {
  await mkdir(OUTPUT_DIR, { recursive: true });
  const opened = await openApp({ viewport, phone: true });
  await opened.app.goto();
  await opened.app.waitReady();
  // The fit runs on the next animation frame.
  await opened.app.page.waitForFunction(() => document.querySelector('svg.pipeline g.world')?.getAttribute('transform') !== 'translate(40 40) scale(1)');
  return opened;
}

test('a phone in portrait: no sideways scrolling, the pipeline fitted, play and a node by tap', { timeout: 90_000 }, async () => {
  const { app, close } = await phone();
  try {
    const page = app.page;
    const o = await overflowing(page);
    assert.deepEqual(o.wide, [], `elements wider than the viewport: ${o.wide}`);
    assert.ok(o.scrollWidth <= o.width, `page scrolls sideways: ${o.scrollWidth} > ${o.width}`);
    assert.equal(await cardsOutside(page), 0, 'every card is inside the canvas');
    // Play, step, speed and reset are on the first screen and big enough for a finger.
    const play = await app.testId('play-pause').boundingBox();
    assert.ok(play.y + play.height <= PHONE.height && play.height >= 44, `play at ${JSON.stringify(play)}`);
    assert.deepEqual(await smallTargets(page, '.toolbar button, .toolbar select, .palette-open, .editor-bar button'), []);
    // Every headline figure shows its unit whole ("attempts/s", not "attem…"), inside its card,
    // with the widest figures the default scenario shows (over a thousand refused attempts a second).
    await app.waitForStatAbove('stat-throttled', 999);
    const cut = await page.$$eval('.stat', (stats) =>
      stats
        .map((stat) => {
          const shown = stat.querySelector('.unit');
          if (shown.textContent === '') return null; // a cost has none
          const [card, unit] = [stat.getBoundingClientRect(), shown.getBoundingClientRect()];
          const whole = unit.width > 0 && unit.left >= card.left && unit.right <= card.right;
          return whole ? null : `${stat.querySelector('.stat-label').textContent}: ${shown.textContent}`;
        })
        .filter(Boolean));
    assert.deepEqual(cut, [], 'units cut short');
    await app.viewportShot('screens-phone-375x667');

    // A tap pauses the run (it starts playing) and another plays it again.
    const playing = await app.isPlaying();
    await app.testId('play-pause').tap();
    await page.locator(`[data-testid="play-pause"][aria-pressed="${!playing}"]`).waitFor();
    if (playing) await app.testId('play-pause').tap();
    await page.locator('[data-testid="play-pause"][aria-pressed="true"]').waitFor();
    await app.waitForStatAbove('total-produced', 0);

    // A tap on the stream's card opens its knobs and its charts in a sheet (sheet tests below).
    const stream = await page.locator('svg.pipeline g.card[data-kind="kinesis_stream"]').first();
    const id = (await stream.getAttribute('data-testid')).replace(/^node-/, '');
    await stream.tap();
    await page.locator(`[data-testid="node-${id}"][aria-pressed="true"]`).waitFor();
    await app.testId('node-sheet-close').waitFor();
    const writes = app.chart('Writes');
    await writes.scrollIntoViewIfNeeded();
    const box = await writes.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width + 1, `chart at ${JSON.stringify(box)}`);
    assert.ok(await app.testId('inspector').isVisible());
    assert.deepEqual((await overflowing(page)).wide, [], 'still nothing wider than the screen');
    await app.screenshot('screens-phone-375x667-full');
  } finally {
    await close();
  }
});

test('a phone: two fingers pinch to zoom; a tap on an output port then an input port wires them', { timeout: 90_000 }, async () => {
  const { app, close } = await phone();
  try {
    const page = app.page;
    const before = await zoom(page);
    // On the canvas's background, between the fingers too.
    const { x: cx, y: cy } = await emptySpot(page, [0.5]);
    const cdp = await page.context().newCDPSession(page);
    const touch = (type, spread) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints: type === 'touchEnd' ? [] : [
          { x: cx - spread, y: cy, id: 1 },
          { x: cx + spread, y: cy, id: 2 },
        ],
      });
    await touch('touchStart', 30);
    for (const spread of [45, 60, 75, 90]) await touch('touchMove', spread);
    await touch('touchEnd', 0);
    const after = await zoom(page);
    assert.ok(after > before * 2, `pinching out zooms in: ${before} -> ${after}`);

    // Two nodes added by tapping the palette, fitted, then wired with two taps.
    await app.testId('new-doc').tap();
    await app.testId('empty-canvas').waitFor();
    for (const kind of ['producer', 'kinesis_stream']) {
      await app.testId('add-node').tap();
      await app.testId(`palette-${kind}`).tap();
    }
    await page.waitForFunction(() => document.querySelectorAll('svg.pipeline g.card').length === 2);
    await app.testId('fit-view').tap();
    const [producer, stream] = await app.nodeIds();
    await app.testId(`out-${producer}`).tap();
    assert.match(await app.noticeText(), /tap an input port/);
    await app.testId(`in-${stream}`).tap();
    await page.waitForFunction(() => document.querySelectorAll('svg.pipeline g.wire').length === 1);
    assert.deepEqual(await app.wires(), [`${producer}-${stream}`]);
    await app.viewportShot('screens-phone-wired');
  } finally {
    await close();
  }
});

/** The box of the element with test id `id`, or null when it is not shown. */
const boxOf = (page, id) =>
  page.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (!el || el.getClientRects().length === 0) return null;
    const r = el.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height };
  }, id);

const focusedTestId = (page) => page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.tagName);

for (const viewport of [{ width: 390, height: 844 }, PHONE]) {
  const size = `${viewport.width}x${viewport.height}`;
  test(`a phone at ${size}: a card's knobs and charts in a bottom sheet; close, Escape, full height`, { timeout: 90_000 }, async () => {
    const { app, close } = await phone(viewport);
    try {
      const page = app.page;
      await app.pause();
      const card = page.locator('svg.pipeline g.card[data-kind="kinesis_stream"]').first();
      const id = (await card.getAttribute('data-testid')).replace(/^node-/, '');
      await card.tap();
      await app.testId('node-sheet-close').waitFor();
      // The focus moved into it, onto Close (not into a field under the finger: no keyboard pops up).
      await page.waitForFunction(() => document.querySelector('[data-testid="node-sheet"]').contains(document.activeElement));
      await page.waitForTimeout(300);
      assert.equal(await focusedTestId(page), 'node-sheet-close');
      const scrollY = await page.evaluate(() => window.scrollY);
      // A non-modal dialog named by its title, the node's name.
      const sheet = app.testId('node-sheet');
      assert.equal(await sheet.getAttribute('role'), 'dialog');
      assert.equal(await sheet.getAttribute('aria-modal'), 'false');
      const name = (await page.evaluate((id) => document.querySelector(`[data-testid="node-${id}"] .card-name`).textContent, id)).trim();
      assert.equal((await app.testId('node-sheet-title').textContent()).trim(), name);
      // Over the lower part of the screen, inside it; the canvas's top still shows above it.
      const s = await boxOf(page, 'node-sheet');
      const canvas = await boxOf(page, 'pipeline');
      assert.ok(s.bottom <= viewport.height + 1 && s.top >= viewport.height * 0.3, `sheet at ${JSON.stringify(s)}`);
      assert.ok(canvas.top >= -1 && canvas.top < s.top - 150, `the canvas shows above the sheet: ${JSON.stringify(canvas)}`);
      // So does the card it is about.
      const tapped = await boxOf(page, `node-${id}`);
      assert.ok(tapped.top >= canvas.top && tapped.bottom <= s.top, `the card at ${JSON.stringify(tapped)}, the sheet at ${JSON.stringify(s)}`);
      // Its knobs are reached by scrolling the sheet, not the page.
      for (const knob of ['param-name', 'delete-node']) {
        await app.testId(knob).scrollIntoViewIfNeeded();
        const k = await boxOf(page, knob);
        const now = await boxOf(page, 'node-sheet');
        assert.ok(k.top >= now.top && k.bottom <= now.bottom + 1, `${knob} at ${JSON.stringify(k)} inside ${JSON.stringify(now)}`);
      }
      assert.equal(await page.evaluate(() => window.scrollY), scrollY, 'the page did not scroll');
      assert.ok(await app.chart('Writes').count(), 'the node\'s charts are in the sheet');
      assert.deepEqual(await smallTargets(page, '.sheet-button'), []);
      const o = await overflowing(page);
      assert.deepEqual(o.wide, [], `elements wider than the viewport: ${o.wide}`);
      await app.testId('node-sheet').evaluate((el) => el.querySelector('.sheet-body').scrollTo(0, 0));
      await app.viewportShot(`screens-phone-sheet-${size}`);

      // Close: the sheet goes and the focus returns to the card.
      await app.testId('node-sheet-close').tap();
      await app.testId('node-sheet-close').waitFor({ state: 'hidden' });
      assert.equal(await focusedTestId(page), `node-${id}`);
      assert.equal(await boxOf(page, 'node-sheet'), null);

      // A tap on the (still selected) card opens it again; Escape closes it, focus on the card.
      await card.tap();
      await app.testId('node-sheet-close').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="node-sheet"]').contains(document.activeElement));
      await page.keyboard.press('Escape');
      await app.testId('node-sheet-close').waitFor({ state: 'hidden' });
      assert.equal(await focusedTestId(page), `node-${id}`);

      // Full height by a button the keyboard reaches too.
      await card.tap();
      await app.testId('node-sheet-expand').focus();
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="node-sheet-expand"][aria-pressed="true"]').waitFor();
      await page.waitForTimeout(100);
      const full = await boxOf(page, 'node-sheet');
      assert.ok(full.top <= 1 && full.bottom >= viewport.height - 1, `full height: ${JSON.stringify(full)}`);
      await app.testId('node-sheet-expand').tap();
      await page.locator('[data-testid="node-sheet-expand"][aria-pressed="false"]').waitFor();

      // A tap on the empty canvas deselects the node and closes the sheet.
      const spot = await emptySpot(page);
      await page.touchscreen.tap(spot.x, spot.y);
      await app.testId('node-sheet-close').waitFor({ state: 'hidden' });
      await page.locator(`[data-testid="node-${id}"][aria-pressed="false"]`).waitFor();
      assert.deepEqual(app.errors, []);
    } finally {
      await close();
    }
  });

  test(`a phone at ${size}: a card low on the canvas is panned above the sheet it opens`, { timeout: 90_000 }, async () => {
    const { app, close } = await phone(viewport);
    try {
      const page = app.page;
      await app.pause();
      // Drag the canvas down so the cards sit at its bottom edge, where the sheet will come up.
      const c = await boxOf(page, 'pipeline');
      const card = page.locator('svg.pipeline g.card[data-kind="kinesis_stream"]').first();
      const before = await card.boundingBox();
      const drop = c.bottom - 8 - (before.y + before.height);
      await page.mouse.move(c.left + 10, c.top + 10);
      await page.mouse.down();
      await page.mouse.move(c.left + 10, c.top + 10 + drop, { steps: 5 });
      await page.mouse.up();
      await card.tap();
      await app.testId('node-sheet-close').waitFor();
      await page.waitForFunction(() => {
        const card = document.querySelector('svg.pipeline g.card[data-kind="kinesis_stream"]').getBoundingClientRect();
        const sheet = document.querySelector('[data-testid="node-sheet"]').getBoundingClientRect();
        return card.bottom <= sheet.top;
      });
      const s = await boxOf(page, 'node-sheet');
      const tapped = await card.boundingBox();
      assert.ok(tapped.y >= (await boxOf(page, 'pipeline')).top, `the card stays on the canvas: ${JSON.stringify(tapped)}`);
      assert.ok(tapped.y + tapped.height <= s.top, `the card at ${JSON.stringify(tapped)} is above the sheet at ${s.top}`);
      assert.deepEqual(app.errors, []);
    } finally {
      await close();
    }
  });

  test(`a phone at ${size}: Add opens the palette as a sheet; a tap on a kind adds it and closes it`, { timeout: 90_000 }, async () => {
    const { app, close } = await phone(viewport);
    try {
      const page = app.page;
      const open = await boxOf(page, 'add-node');
      assert.ok(open && open.height >= 44, `the Add button: ${JSON.stringify(open)}`);
      assert.equal((await app.testId('add-node').textContent()).trim(), '+ Add a node');
      await app.testId('add-node').tap();
      await app.testId('add-sheet-close').waitFor();
      assert.equal(await app.testId('add-node').getAttribute('aria-expanded'), 'true');
      const sheet = app.testId('add-sheet');
      assert.equal(await sheet.getAttribute('role'), 'dialog');
      const s = await boxOf(page, 'add-sheet');
      assert.ok(s.bottom <= viewport.height + 1 && s.top > 0, `palette sheet at ${JSON.stringify(s)}`);
      // Every kind, by its name, big enough for a finger, the first with the focus.
      const names = await page.locator('[data-testid="add-sheet"] .palette-item').evaluateAll((els) => els.map((e) => e.textContent.trim()));
      assert.ok(names.length >= 9 && names.some((n) => /Kinesis/.test(n)), `kinds: ${names}`);
      assert.deepEqual(await smallTargets(page, '.palette-sheet .palette-item, .sheet-button'), []);
      await page.waitForFunction(() => document.activeElement?.classList.contains('palette-item'));
      const o = await overflowing(page);
      assert.deepEqual(o.wide, [], `elements wider than the viewport: ${o.wide}`);
      await app.viewportShot(`screens-phone-palette-${size}`);

      // Close and Escape give the focus back to Add.
      await app.testId('add-sheet-close').tap();
      await app.testId('add-sheet-close').waitFor({ state: 'hidden' });
      assert.equal(await focusedTestId(page), 'add-node');
      await app.testId('add-node').tap();
      await app.testId('add-sheet-close').waitFor();
      await page.keyboard.press('Escape');
      await app.testId('add-sheet-close').waitFor({ state: 'hidden' });
      assert.equal(await focusedTestId(page), 'add-node');

      // A kind tapped in the sheet: one node more, the sheet closed.
      await app.testId('add-node').tap();
      const before = await app.nodeIds();
      await app.testId('palette-sqs_queue').tap();
      await page.waitForFunction((n) => document.querySelectorAll('svg.pipeline g.card').length > n, before.length);
      await page.waitForTimeout(200);
      const added = (await app.nodeIds()).filter((id) => !before.includes(id));
      assert.equal(added.length, 1, `one node added: ${added}`);
      await app.testId('add-sheet-close').waitFor({ state: 'hidden' });
      assert.equal(await app.testId('add-node').getAttribute('aria-expanded'), 'false');
      await page.locator(`[data-testid="node-${added}"][data-kind="sqs_queue"]`).waitFor();
      assert.equal(await boxOf(page, 'node-sheet'), null, 'adding does not open the node\'s sheet');
      assert.deepEqual(app.errors, []);
    } finally {
      await close();
    }
  });
}

test('a phone: a "Try it" link opens the node\'s sheet on its field; an embed and presenter mode have no sheets', { timeout: 90_000 }, async () => {
  const { app, close } = await phone({ width: 390, height: 844 });
  try {
    const page = app.page;
    await app.pause();
    const link = page.locator('[data-testid^="goto-rate-"]').first();
    await link.tap();
    await app.testId('node-sheet-close').waitFor();
    await page.waitForTimeout(300);
    assert.equal(await focusedTestId(page), 'param-records_per_s', 'the focus is on the knob, in the sheet');
    const field = await boxOf(page, 'param-records_per_s');
    const sheet = await boxOf(page, 'node-sheet');
    assert.ok(field.top >= sheet.top && field.bottom <= sheet.bottom, `the field at ${JSON.stringify(field)} in ${JSON.stringify(sheet)}`);
    // Presenter mode (P) shows, it does not edit: the open sheet waits, the charts are in the page.
    await app.testId('node-sheet-close').focus();
    await page.keyboard.press('p');
    await page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
    await page.waitForTimeout(300);
    assert.equal(await boxOf(page, 'node-sheet-close'), null, 'no sheet in presenter mode');
    assert.ok(await page.locator('.charts-panel canvas').count(), 'the charts stay in the page');

    // Embedded (?embed) at a phone's width: the canvas and figures only, never a sheet.
    await page.goto(`${app.url}?embed`);
    await app.waitReady();
    await page.locator('svg.pipeline g.card').first().tap();
    await page.waitForTimeout(300);
    assert.equal(await boxOf(page, 'node-sheet-close'), null, 'no sheet in an embed');
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.shell')).paddingBottom), '0px');
    assert.deepEqual(app.errors, []);
  } finally {
    await close();
  }
});

test('a laptop and a tablet keep the palette and the inspector in the page (no sheets)', { timeout: 60_000 }, async () => {
  for (const [viewport, phoneLike] of [[{ width: 1280, height: 800 }, false], [{ width: 820, height: 1180 }, true]]) {
    const { app, close } = phoneLike ? await phone(viewport) : await openApp({ viewport });
    try {
      if (!phoneLike) {
        await app.goto();
        await app.waitReady();
      }
      const page = app.page;
      assert.equal(await boxOf(page, 'add-node'), null, 'no Add button');
      assert.ok(await app.testId('palette-producer').isVisible(), 'the palette lists its kinds');
      const [first] = await app.nodeIds();
      if (phoneLike) await app.testId(`node-${first}`).tap();
      else await app.selectNode(first);
      await page.locator(`[data-testid="node-${first}"][aria-pressed="true"]`).waitFor();
      await app.testId('param-name').waitFor();
      assert.equal(await boxOf(page, 'node-sheet-close'), null, 'no sheet header');
      assert.equal(await app.testId('node-sheet').getAttribute('role'), null, 'no dialog role');
      assert.equal(await boxOf(page, 'node-sheet'), null, 'the wrapper makes no box');
      assert.ok(await app.testId('inspector').isVisible());
    } finally {
      await close();
    }
  }
});

test('a phone at 390x844: a lesson from the list, its hints by tap, nothing wider than the screen', { timeout: 90_000 }, async () => {
  const { app, close } = await phone({ width: 390, height: 844 });
  try {
    const page = app.page;
    await app.testId('lessons-open').tap();
    await app.testId('lesson-open-hot-partition-key').tap();
    await app.testId('lesson-panel').waitFor();
    // The goal the student works toward comes right under the canvas, before the figures.
    const top = async (selector) => page.locator(selector).evaluate((e) => e.getBoundingClientRect().top + window.scrollY);
    const [canvas, lesson, figures] = [await top('.canvas-panel'), await top('[data-testid="lesson-panel"]'), await top('.stats-panel')];
    assert.ok(canvas < lesson && lesson < figures, `canvas at ${canvas} px, lesson at ${lesson}, figures at ${figures}`);
    await app.testId('lesson-next').scrollIntoViewIfNeeded();
    const next = await app.testId('lesson-next').boundingBox();
    assert.ok(next.height >= 44, `the next-hint button is ${next.height} px tall`);
    await app.testId('lesson-next').tap();
    await app.testId('lesson-hint-1').waitFor();
    assert.ok(await app.testId('lesson-hint-1').isVisible());
    const o = await overflowing(page);
    assert.deepEqual(o.wide, [], `elements wider than the viewport: ${o.wide}`);
    await app.testId('lesson-panel').screenshot({ path: `${OUTPUT_DIR}screens-phone-lesson-390x844.png` });
  } finally {
    await close();
  }
});

for (const [name, viewport] of [
  ['phone sideways', { width: 667, height: 375 }],
  ['phone sideways', { width: 844, height: 390 }],
  ['tablet', { width: 768, height: 1024 }],
  ['tablet (820x1180)', { width: 820, height: 1180 }],
]) {
  test(`a ${name} at ${viewport.width}x${viewport.height}: nothing wider than the screen, the pipeline fitted`, { timeout: 60_000 }, async () => {
    const { app, close } = await phone(viewport);
    try {
      const o = await overflowing(app.page);
      assert.deepEqual(o.wide, [], `elements wider than the viewport: ${o.wide}`);
      assert.ok(o.scrollWidth <= o.width);
      assert.equal(await cardsOutside(app.page), 0, 'every card is inside the canvas');
      assert.ok(await app.testId('play-pause').isVisible());
      assert.deepEqual(await smallTargets(app.page, '.toolbar button, .toolbar select, .palette-item'), []);
      await app.viewportShot(`screens-${viewport.width}x${viewport.height}`);
    } finally {
      await close();
    }
  });
}

/** The rendered size in screen pixels of the cards' names. */
const cardNamePx = (page) =>
  page.evaluate(() => {
    const z = Number(/scale\(([\d.]+)\)/.exec(document.querySelector('svg.pipeline g.world').getAttribute('transform'))[1]);
    return z * parseFloat(getComputedStyle(document.querySelector('svg.pipeline .card-name')).fontSize);
  });

const titleWhole = (page) =>
  page.locator('[data-testid="scenario-name"]').evaluate((el) => el.scrollWidth <= el.clientWidth + 1);

/** The screen box of each card, by kind, and the centre of each port, by test id. */
const cardBoxes = (page) =>
  page.evaluate(() => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, cx: (r.left + r.right) / 2, cy: (r.top + r.bottom) / 2 };
    };
    const cards = Object.fromEntries([...document.querySelectorAll('svg.pipeline g.card')]
      .map((g) => [g.dataset.kind, box(g.querySelector('.card-bg'))]));
    const ports = Object.fromEntries([...document.querySelectorAll('svg.pipeline .port')].map((p) => [p.dataset.testid, box(p)]));
    return { cards, ports };
  });

test('an upright phone draws the pipeline top to bottom, readable; a drag down moves a card along the flow', { timeout: 90_000 }, async () => {
  const { app, close } = await phone({ width: 390, height: 844 });
  try {
    const page = app.page;
    // Once the hot shard throttles, the stream's sub-line is its longest ("1.3 MiB/s · 2 shards ·
    // busiest 270% of limit").
    await app.waitForStatAbove('stat-throttled', 999);
    await app.pause();
    const [producer, stream] = await app.nodeIds();
    const past = await page.$$eval('svg.pipeline g.card', (cards) =>
      cards.flatMap((card) => {
        const edge = card.querySelector('.card-bg').getBoundingClientRect().right;
        return [...card.querySelectorAll('text')].filter((t) => t.getBoundingClientRect().right > edge + 0.5).map((t) => t.textContent);
      }));
    assert.deepEqual(past, [], 'text drawn past its card\'s edge');
    const { cards, ports } = await cardBoxes(page);
    const { producer: p, kinesis_stream: k, consumer: c } = cards;
    // One card under the other in the data's order, in one column.
    assert.ok(p.bottom < k.top && k.bottom < c.top, `cards top to bottom: ${JSON.stringify(cards)}`);
    assert.ok(Math.abs(p.cx - k.cx) < 1 && Math.abs(k.cx - c.cx) < 1, 'in one column');
    // Wires leave a card's bottom edge and arrive on the next one's top edge.
    assert.ok(Math.abs(ports[`out-${producer}`].cy - p.bottom) < 2, 'output port on the bottom edge');
    assert.ok(Math.abs(ports[`in-${stream}`].cy - k.top) < 2, 'input port on the top edge');
    assert.ok(Math.abs(ports[`in-${stream}`].cx - k.cx) < 2, 'in its middle');
    // Drawn across, the three cards fitted to 390 px had names of about 5 px.
    const px = await cardNamePx(page);
    assert.ok(px >= 10, `card names at ${px.toFixed(1)} px`);
    assert.deepEqual((await overflowing(page)).wide, []);
    assert.equal(await cardsOutside(page), 0);
    await app.viewportShot('screens-phone-down-390x844');

    // Drag the reader 60 px down the screen: it lands there (on the grid), not sideways.
    await page.mouse.move(c.cx, c.cy);
    await page.mouse.down();
    for (const dy of [20, 40, 60]) await page.mouse.move(c.cx, c.cy + dy);
    await page.mouse.up();
    await page.waitForFunction((top) => {
      const card = document.querySelector('svg.pipeline g.card[data-kind="consumer"] .card-bg');
      return card.getBoundingClientRect().top > top + 30;
    }, c.top);
    const moved = (await cardBoxes(page)).cards.consumer;
    assert.ok(moved.top - c.top > 40 && moved.top - c.top < 80, `moved down by ${moved.top - c.top} px`);
    assert.ok(Math.abs(moved.cx - c.cx) < 1, 'and not sideways');

    // Turned sideways, the same layout reads left to right: the move went along the flow,
    // so the reader is now further from the stream than the stream is from the producer.
    await page.setViewportSize({ width: 844, height: 390 });
    await page.waitForFunction(() => {
      const [a, b] = ['producer', 'kinesis_stream'].map((k) => document.querySelector(`svg.pipeline g.card[data-kind="${k}"] .card-bg`).getBoundingClientRect());
      return a.right < b.left;
    });
    const across = (await cardBoxes(page)).cards;
    assert.ok(Math.abs(across.producer.cy - across.consumer.cy) < 1, 'one row');
    const [first, second] = [across.kinesis_stream.left - across.producer.left, across.consumer.left - across.kinesis_stream.left];
    assert.ok(second > first * 1.1, `the reader moved right: steps of ${first} and ${second} px`);
    assert.equal((await app.nodeIds()).length, 3);
    assert.deepEqual(app.errors, []);
  } finally {
    await close();
  }
});

test('the projector: presenter mode at 1920x1080 fits the pipeline, cards readable, title whole', { timeout: 60_000 }, async () => {
  const { app, close } = await openApp({ viewport: { width: 1920, height: 1080 } });
  try {
    await app.page.goto(`${app.url}?present`);
    await app.waitReady();
    await app.page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
    await app.page.waitForTimeout(300);
    assert.deepEqual((await overflowing(app.page)).wide, []);
    assert.equal(await cardsOutside(app.page), 0);
    assert.ok(await titleWhole(app.page), 'the scenario title is not cut');
    const px = await cardNamePx(app.page);
    assert.ok(px >= 18, `card names at ${px.toFixed(1)} px`);
    await app.viewportShot('screens-present-1920x1080');
  } finally {
    await close();
  }
});

test('the projector at 1280x720 with a lesson: the canvas keeps its width, names at 18 px', { timeout: 60_000 }, async () => {
  const { app, close } = await openApp({ viewport: { width: 1280, height: 720 } });
  try {
    await app.goto();
    await app.waitReady();
    await app.testId('lessons-open').click();
    await app.testId('lesson-open-hot-partition-key').click();
    await app.testId('lesson-panel').waitFor();
    await app.testId('present').click();
    await app.page.waitForFunction(() => document.documentElement.classList.contains('presenting'));
    await app.page.waitForTimeout(300);
    assert.ok(await titleWhole(app.page), 'the lesson\'s title is not cut');
    assert.equal(await cardsOutside(app.page), 0);
    const px = await cardNamePx(app.page);
    assert.ok(px >= 18, `card names at ${px.toFixed(1)} px`);
    assert.ok(await app.testId('lesson-panel').isVisible());
    await app.viewportShot('screens-present-lesson-1280x720');
  } finally {
    await close();
  }
});

test('keyboard only: a dialog takes the focus and gives it back; a focused port is panned into view', { timeout: 60_000 }, async () => {
  const { app, close } = await openApp();
  try {
    const page = app.page;
    await app.goto();
    await app.waitReady();
    const focused = () => page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.textContent?.trim());
    for (const [opener, dialog] of [['gallery-open', 'gallery'], ['lessons-open', 'lessons']]) {
      await app.testId(opener).focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction((d) => document.querySelector(`[data-testid="${d}"]`).contains(document.activeElement), dialog);
      // Modal: Shift+Tab from its first control and Tab past its last stay inside it.
      const inside = () => page.evaluate((d) => document.querySelector(`[data-testid="${d}"]`).contains(document.activeElement), dialog);
      await page.keyboard.press('Shift+Tab');
      assert.ok(await inside(), `Shift+Tab stays in the ${dialog}`);
      await page.keyboard.press('Tab');
      assert.ok(await inside(), `Tab past the last control comes back into the ${dialog}`);
      await page.keyboard.press('Escape');
      await page.waitForFunction((o) => document.activeElement?.dataset?.testid === o, opener);
      assert.equal(await focused(), opener);
    }
    // Zoomed in far, most ports sit outside the canvas; Tab onto each still shows it.
    for (let i = 0; i < 5; i += 1) await page.getByRole('button', { name: 'Zoom in' }).click();
    const ports = await page.locator('svg.pipeline .port').evaluateAll((els) => els.map((e) => e.dataset.testid));
    for (const port of ports) {
      await app.testId(port).focus();
      const inside = await page.evaluate((id) => {
        const c = document.querySelector('svg.pipeline').getBoundingClientRect();
        const r = document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect();
        return r.left >= c.left && r.right <= c.right && r.top >= c.top && r.bottom <= c.bottom;
      }, port);
      assert.ok(inside, `${port} is in view when focused`);
    }
  } finally {
    await close();
  }
});
