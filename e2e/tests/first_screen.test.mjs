// The first screen tells the story (issue 25): on a 1280x720 laptop and a 1920x1080 screen the
// scenario's whole title, one sentence of what it shows, the canvas and the headline figures are
// inside the viewport without scrolling; nothing is wider than the viewport; every palette kind is
// reachable without scrolling the page; and the first panel on the right is not the expert's
// split / merge form: interventions come when a node is selected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './fixtures/app_page.mjs';

const FIGURES = ['stat-incoming', 'stat-throttled', 'stat-iterator-age', 'total-produced', 'total-delivered', 'total-cost'];

/** Boxes of the named test ids, and whether each is wholly inside the viewport. */
const placed = (page, ids) =>
  page.evaluate((ids) => {
    const [w, h] = [document.documentElement.clientWidth, window.innerHeight];
    return ids.map((id) => {
      const found = document.querySelector(`[data-testid="${id}"]`);
      if (!found) return { id, missing: true };
      // A headline figure counts only when its whole card shows: label, value and the line under it.
      const el = found.closest('.stat') ?? found;
      const r = el.getBoundingClientRect();
      const inside = r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= w + 0.5 && r.bottom <= h + 0.5;
      return { id, inside, box: [r.left, r.top, r.right, r.bottom].map(Math.round) };
    });
  }, ids);

/** Elements reaching past the right edge of the viewport (the canvas's own drawing aside). */
const tooWide = (page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((el) => !el.closest('svg.pipeline g') && el.getClientRects().length > 0)
      .filter((el) => el.getBoundingClientRect().right > width + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
    return { scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10) };
  });

for (const viewport of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
  const size = `${viewport.width}x${viewport.height}`;
  test(`the first screen at ${size}: title, story, canvas and headline figures without scrolling`, { timeout: 60_000 }, async () => {
    const { app, close } = await openApp({ viewport });
    try {
      const { page } = app;
      await app.goto();
      await app.waitReady();
      await app.waitForStatAbove('total-produced', 0);

      // The title whole: the default scenario's full name, not cut by an ellipsis.
      const title = app.testId('scenario-name');
      assert.equal((await title.textContent()).trim(), 'Clickstream with a hot partition key');
      const cut = await title.evaluate((el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1);
      assert.equal(cut, false, 'the title is not truncated');
      // The story: the first sentence of the scenario's description.
      assert.equal(
        (await app.testId('scenario-story').textContent()).trim(),
        '2,000 clicks/s into 2 shards; 30% share one user id, so one shard throttles while the other idles.',
      );

      const boxes = await placed(page, ['scenario-name', 'scenario-story', 'pipeline', 'play-pause', ...FIGURES]);
      const outside = boxes.filter((b) => !b.inside);
      assert.deepEqual(outside, [], `outside the ${size} viewport: ${JSON.stringify(outside)}`);
      assert.equal(await page.evaluate(() => window.scrollY), 0);

      const o = await tooWide(page);
      assert.deepEqual(o.wide, [], `elements wider than the viewport: ${o.wide}`);
      assert.ok(o.scrollWidth <= o.width, `page scrolls sideways: ${o.scrollWidth} > ${o.width}`);

      // Every palette kind can be reached (the palette scrolls inside itself if it must), and
      // the page itself does not scroll for it.
      const kinds = await page.locator('[data-testid^="palette-"]').evaluateAll((els) => els.map((e) => e.dataset.testid));
      assert.ok(kinds.length >= 12, `palette kinds: ${kinds}`);
      const palette = await placed(page, ['palette']);
      assert.ok(palette[0].inside, `the palette is on the first screen: ${JSON.stringify(palette)}`);
      for (const kind of kinds) {
        await app.testId(kind).evaluate((el) => el.scrollIntoView({ block: 'nearest' }));
        const [box] = await placed(page, [kind]);
        assert.ok(box.inside, `${kind} reachable inside the viewport: ${JSON.stringify(box)}`);
        assert.equal(await page.evaluate(() => window.scrollY), 0, `reaching ${kind} scrolled the page`);
      }

      // The right-hand side starts without the split / merge form; selecting the stream opens it.
      assert.equal(await app.testId('interventions').count(), 0, 'no interventions before a node is selected');
      await app.viewportShot(`first-screen-${size}`);
      await app.selectNode('events');
      await app.testId('interventions').waitFor();
      assert.equal(await app.testId('split-shard').count(), 1);
      assert.deepEqual(app.errors, []);
    } finally {
      await close();
    }
  });
}
